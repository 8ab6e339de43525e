/* The dashboard: playlist cards (filtered as you type; favourites first, hidden ones behind
   "Show hidden", both kept with PUT /api/playlists/preferences), "since your last visit",
   and shuffle / undo / redo of the chosen playlist with the default algorithm preselected,
   what the shuffle costs in calls to Spotify both ways (counted by a preview) and the
   Keep Date Added switch (preset from the user's setting) sent with each change. */
(function () {
  "use strict";
  const { api, say, fail, busy, el, cover, plural, when, costNote, algorithmForm } = window.Shuffify;

  const list = document.getElementById("playlists");
  const loading = document.getElementById("playlists-loading");
  const panel = document.getElementById("shuffle-panel");
  const targetName = document.getElementById("shuffle-target");
  const form = document.getElementById("shuffle-form");
  const shuffleButton = document.getElementById("shuffle-button");
  const undoButton = document.getElementById("undo-button");
  const redoButton = document.getElementById("redo-button");
  const result = document.getElementById("shuffle-result");
  const position = document.getElementById("history-position");
  const keepDates = document.getElementById("keep-added-dates");
  const costBox = document.getElementById("shuffle-cost");
  let chosen = null; // {id, name, track_count}
  let algorithmInputs = null;
  const filter = document.getElementById("playlist-filter");
  const showHidden = document.getElementById("show-hidden");
  const filterCount = document.getElementById("filter-count");
  let prefs = { order: [], favourites: [], hidden: [] };
  let everything = []; // the playlists, as /api/playlists gave them
  let lastCalls = null; // what the last preview said a shuffle like this costs
  let counting = 0; // the newest count asked for: an older answer is dropped
  let countTimer = null;

  const playlistPath = (step) => `/api/playlists/${encodeURIComponent(chosen.id)}/${step}`;
  const writeOptions = () => ({ keep_added_dates: keepDates.checked });

  function showCost() {
    costBox.replaceChildren(...(lastCalls ? costNote(lastCalls, keepDates.checked) : []));
  }

  /* A preview of the chosen algorithm counts what writing such an order costs (a random
     one differs from the shuffle's own order, not in its cost by much). */
  async function countCalls() {
    if (!chosen || !algorithmInputs) return;
    let choice;
    try { choice = algorithmInputs.read(); } catch (error) { costBox.textContent = ""; return; }
    const mine = ++counting;
    lastCalls = null;
    costBox.textContent = "Counting the calls to Spotify…";
    try {
      const data = await api("POST", playlistPath("preview"), { algorithm: choice.algorithm, params: choice.params });
      if (mine !== counting) return;
      lastCalls = data.calls;
      showCost();
    } catch (error) {
      if (mine === counting) costBox.textContent = `The calls could not be counted: ${error.message}`;
    }
  }

  function countSoon() {
    clearTimeout(countTimer);
    countTimer = setTimeout(countCalls, 400);
  }

  function showHistory(history) {
    undoButton.disabled = !history.can_undo;
    redoButton.disabled = !history.can_redo;
    position.textContent = history.size > 0
      ? `History: step ${history.position + 1} of ${history.size}.`
      : "No changes made with Shuffify yet.";
  }

  async function choose(playlist, card) {
    chosen = playlist;
    for (const other of list.querySelectorAll(".card.selected")) other.classList.remove("selected");
    card.classList.add("selected");
    targetName.textContent = `“${playlist.name}”`;
    result.replaceChildren();
    panel.hidden = false;
    undoButton.disabled = redoButton.disabled = true;
    document.getElementById("algorithm").focus();
    countCalls();
    await busy("Loading history…", async () => showHistory(await api("GET", `/api/playlists/${encodeURIComponent(playlist.id)}/history`)));
  }

  function card(playlist) {
    const count = typeof playlist.track_count === "number" ? plural(playlist.track_count, "track") : "";
    const item = el("li", { class: "card", "data-playlist-id": playlist.id });
    const favourite = prefs.favourites.includes(playlist.id);
    const hidden = prefs.hidden.includes(playlist.id);
    if (favourite) item.classList.add("favourite");
    if (hidden) item.classList.add("hidden-tile");
    const chooseButton = el("button", {
      type: "button", class: "primary", "aria-label": `Shuffle ${playlist.name}`,
      onclick: () => choose(playlist, item),
    }, "Shuffle…");
    item.append(
      cover(playlist.image_url),
      el("h3", {}, playlist.name || "(no name)"),
      el("p", { class: "small muted" }, count),
      el("div", { class: "actions" },
        chooseButton,
        el("a", { class: "button", href: `/workshop/${encodeURIComponent(playlist.id)}`,
          "aria-label": `Open ${playlist.name} in the workshop` }, "Workshop"),
        el("a", { class: "button", href: `https://open.spotify.com/playlist/${encodeURIComponent(playlist.id)}`,
          "aria-label": `Open ${playlist.name} on Spotify`, rel: "noopener" }, "Spotify"),
        el("button", { type: "button", class: "quiet toggle favourite-toggle", "aria-pressed": String(favourite),
          "aria-label": `Favourite ${playlist.name}`, onclick: () => toggle("favourites", playlist.id) }, favourite ? "★" : "☆"),
        el("button", { type: "button", class: "quiet toggle hide-toggle", "aria-pressed": String(hidden),
          "aria-label": `Hide ${playlist.name}`, onclick: () => toggle("hidden", playlist.id) }, hidden ? "Hidden" : "Hide")));
    return item;
  }

  function changed(data, verb) {
    const parts = [];
    if (data.changed === false) parts.push(`${verb}: the order was already this one, nothing written.`);
    else parts.push(`${verb}: “${chosen.name}” now has ${plural(data.track_uris.length, "track")} in a new order on Spotify.`);
    if (typeof data.calls === "number" && data.calls) parts.push(`It took ${plural(data.calls, "call")} to Spotify.`);
    if (data.kept && data.kept.length) parts.push(`${plural(data.kept.length, "track")} added since were kept at the end.`);
    result.replaceChildren(el("p", {}, parts.join(" ")));
    say(parts[0]);
    showHistory(data.history);
    if (chosen) {
      const count = list.querySelector(`[data-playlist-id="${CSS.escape(chosen.id)}"] .small`);
      if (count) count.textContent = plural(data.track_uris.length, "track");
    }
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!chosen || !algorithmInputs) return;
    let choice;
    try { choice = algorithmInputs.read(); } catch (error) { fail(error); return; }
    await busy(`Shuffling “${chosen.name}”…`, async () => {
      const data = await api("POST", playlistPath("shuffle"),
        { algorithm: choice.algorithm, params: choice.params, ...writeOptions() });
      changed(data, `Shuffled with ${choice.title}`);
    }, shuffleButton);
  });

  for (const [button, step, verb] of [[undoButton, "undo", "Undone"], [redoButton, "redo", "Redone"]]) {
    button.addEventListener("click", async () => {
      if (!chosen) return;
      undoButton.disabled = redoButton.disabled = true;
      const done = await busy(`${verb.replace(/ne$/, "ing")}…`, async () => {
        changed(await api("POST", playlistPath(step), writeOptions()), verb);
        return true;
      });
      if (!done) { // the buttons follow the history, whatever happened
        const history = await api("GET", `/api/playlists/${encodeURIComponent(chosen.id)}/history`).catch(fail);
        if (history) showHistory(history);
      }
    });
  }

  /* Favourites first, then the saved order, then the rest as Spotify lists them. */
  function ordered() {
    const rank = new Map(prefs.order.map((id, i) => [id, i]));
    const place = (p, i) => [prefs.favourites.includes(p.id) ? 0 : 1, rank.has(p.id) ? rank.get(p.id) : prefs.order.length + i];
    return everything.map((p, i) => [place(p, i), p]).sort(([a], [b]) => a[0] - b[0] || a[1] - b[1]).map(([, p]) => p);
  }

  function draw() {
    const focused = document.activeElement && document.activeElement.closest(".card") && document.activeElement;
    const focusId = focused && focused.closest(".card").dataset.playlistId;
    const focusClass = focused && [...focused.classList].find((c) => c.endsWith("-toggle"));
    list.replaceChildren(...ordered().map(card));
    if (chosen) {
      const again = list.querySelector(`[data-playlist-id="${CSS.escape(chosen.id)}"]`);
      if (again) again.classList.add("selected");
    }
    narrow();
    if (focusId && focusClass) {
      const back = list.querySelector(`[data-playlist-id="${CSS.escape(focusId)}"] .${focusClass}`);
      if (back) back.focus();
    }
  }

  /* Show the tiles whose name holds the filter's words; hidden ones only with "Show hidden". */
  function narrow() {
    const words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    const cards = list.querySelectorAll(".card");
    for (const tile of cards) {
      const name = tile.querySelector("h3").textContent.toLowerCase();
      const visible = words.every((w) => name.includes(w)) && (showHidden.checked || !tile.classList.contains("hidden-tile"));
      tile.hidden = !visible;
      if (visible) shown += 1;
    }
    const hiddenCount = prefs.hidden.filter((id) => everything.some((p) => p.id === id)).length;
    filterCount.textContent = `${plural(shown, "playlist")} shown of ${cards.length}` +
      (hiddenCount && !showHidden.checked ? ` (${hiddenCount} hidden)` : "");
  }

  async function toggle(name, id) {
    const before = prefs;
    const listed = prefs[name].includes(id) ? prefs[name].filter((x) => x !== id) : [...prefs[name], id];
    prefs = { ...prefs, [name]: listed };
    prefs.order = ordered().map((p) => p.id);
    draw();
    const saved = await busy("Saving your choice…", async () => {
      prefs = await api("PUT", "/api/playlists/preferences", prefs);
      return true;
    });
    if (!saved) { prefs = before; draw(); }
  }

  async function sinceLastVisit() {
    const data = await api("GET", "/api/activity/since-last-visit");
    if (!data.runs.length) return;
    const box = document.getElementById("since-last-visit");
    const names = new Map(everything.map((p) => [p.id, p.name]));
    document.getElementById("since-list").replaceChildren(...data.runs.slice(0, 10).map((run) => {
      const name = run.playlist_name || names.get(run.playlist_id);
      return el("li", { class: run.summary.startsWith("failed") ? "failed" : null },
        el("a", { href: `/activity#activity-${run.id}` }, `${name ? `${name}: ` : ""}${run.summary}`),
        el("span", { class: "muted" }, ` (${run.kind}, ${when(run.at)})`));
    }));
    if (data.runs.length > 10) document.getElementById("since-list").append(el("li", {}, el("a", { href: "/activity" }, "All activity")));
    box.hidden = false;
  }

  form.addEventListener("change", (event) => { if (event.target !== keepDates) countSoon(); });
  keepDates.addEventListener("change", showCost);
  filter.addEventListener("input", narrow);
  showHidden.addEventListener("change", narrow);

  async function start() {
    await busy("Loading your playlists…", async () => {
      const [data, saved] = await Promise.all([
        api("GET", "/api/playlists"),
        api("GET", "/api/playlists/preferences"),
        algorithmForm(document.getElementById("algorithm"), document.getElementById("params"),
          document.getElementById("algorithm-description"), "shuffle")
          .then((inputs) => {
            algorithmInputs = inputs;
            const { defaultAlgorithm, defaultParams } = document.querySelector(".dashboard").dataset;
            if (defaultAlgorithm) inputs.set(defaultAlgorithm, JSON.parse(defaultParams || "{}"));
          }),
      ]);
      prefs = saved;
      loading.hidden = true;
      if (!data.playlists.length) {
        list.replaceChildren(el("li", { class: "muted" }, "You have no playlists you can change yet. Create one in Spotify, then reload."));
        return;
      }
      everything = data.playlists;
      draw();
    });
    sinceLastVisit().catch(fail);
    if (!loading.hidden) loading.textContent = "Your playlists could not be loaded (see the message above).";
  }
  start();
})();

/* The dashboard: playlist cards, and shuffle / undo / redo of the chosen playlist. */
(function () {
  "use strict";
  const { api, say, fail, busy, el, cover, plural, algorithmForm } = window.Shuffify;

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
  let chosen = null; // {id, name, track_count}
  let algorithmInputs = null;

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
    await busy("Loading history…", async () => showHistory(await api("GET", `/api/playlists/${encodeURIComponent(playlist.id)}/history`)));
  }

  function card(playlist) {
    const count = typeof playlist.track_count === "number" ? plural(playlist.track_count, "track") : "";
    const item = el("li", { class: "card", "data-playlist-id": playlist.id });
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
          "aria-label": `Open ${playlist.name} on Spotify`, rel: "noopener" }, "Spotify")));
    return item;
  }

  function changed(data, verb) {
    const parts = [];
    if (data.changed === false) parts.push(`${verb}: the order was already this one, nothing written.`);
    else parts.push(`${verb}: “${chosen.name}” now has ${plural(data.track_uris.length, "track")} in a new order on Spotify.`);
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
      const data = await api("POST", `/api/playlists/${encodeURIComponent(chosen.id)}/shuffle`,
        { algorithm: choice.algorithm, params: choice.params });
      changed(data, `Shuffled with ${choice.title}`);
    }, shuffleButton);
  });

  for (const [button, step, verb] of [[undoButton, "undo", "Undone"], [redoButton, "redo", "Redone"]]) {
    button.addEventListener("click", async () => {
      if (!chosen) return;
      undoButton.disabled = redoButton.disabled = true;
      const done = await busy(`${verb.replace(/ne$/, "ing")}…`, async () => {
        changed(await api("POST", `/api/playlists/${encodeURIComponent(chosen.id)}/${step}`), verb);
        return true;
      });
      if (!done) { // the buttons follow the history, whatever happened
        const history = await api("GET", `/api/playlists/${encodeURIComponent(chosen.id)}/history`).catch(fail);
        if (history) showHistory(history);
      }
    });
  }

  async function start() {
    await busy("Loading your playlists…", async () => {
      const [data] = await Promise.all([
        api("GET", "/api/playlists"),
        algorithmForm(document.getElementById("algorithm"), document.getElementById("params"),
          document.getElementById("algorithm-description"), "shuffle")
          .then((inputs) => { algorithmInputs = inputs; }),
      ]);
      loading.hidden = true;
      if (!data.playlists.length) {
        list.replaceChildren(el("li", { class: "muted" }, "You have no playlists you can change yet. Create one in Spotify, then reload."));
        return;
      }
      list.replaceChildren(...data.playlists.map(card));
    });
    if (!loading.hidden) loading.textContent = "Your playlists could not be loaded (see the message above).";
  }
  start();
})();

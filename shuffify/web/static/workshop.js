/* The workshop: a staged track list edited by buttons, keyboard or drag and drop, with
   preview, sort, search, other playlists, saved sessions, upstream sources and Save to
   Spotify; what saving costs in calls to Spotify (both ways) next to the Keep Date Added
   switch; remove duplicates (a dry run shown first); a pin toggle on every row. */
(function () {
  "use strict";
  const { api, say, fail, busy, el, cover, duration, plural, when, costNote, algorithmForm } = window.Shuffify;

  const root = document.getElementById("workshop");
  const playlistId = root.dataset.playlistId;
  const base = `/api/playlists/${encodeURIComponent(playlistId)}`;
  const $ = (id) => document.getElementById(id);
  const trackList = $("tracks");
  const saveButton = $("save-button");
  const resetButton = $("reset-button");
  const conflictBox = $("conflict");
  const keepDates = $("keep-added-dates");
  const PAGE = 10;

  let playlist = null;
  let snapshotId = null;
  let loadedUris = [];
  let staged = [];
  let nextKey = 1;
  let ownPlaylists = [];
  let pins = []; // the playlist's pins, as GET /pins answers them
  let pinnedKeys = new Map(); // track key -> its pin (see matchPins)
  let costs = null; // {calls, uris}: what saving the list `uris` costs, both ways
  const known = new Map(); // uri -> track, from everything loaded on this page

  function remember(track) {
    if (track.uri && track.name) known.set(track.uri, track);
    return track;
  }
  const staging = (track) => ({ ...track, key: nextKey++ });
  const trackName = (t) => t.name || (t.uri ? t.uri : "Unavailable item");
  const sameList = (a, b) => a.length === b.length && a.every((uri, i) => uri === b[i]);
  const isModified = () => !sameList(staged.map((t) => t.uri), loadedUris);

  // --- the staged list: a virtual list (issue 24) ---
  /* Only the rows on screen (plus OVERSCAN either side) exist in the DOM, inside #track-scroller;
     #tracks is a spacer as tall as every row, and each row sits at index × rowHeight (one fixed
     height, set in CSS per layout and read from the first row). Lists of up to FULL tracks are
     rendered whole. The focused row and a row being dragged stay rendered wherever they are.
     Rows are reused by track key, so a move only updates a few attributes. */

  const scroller = $("track-scroller");
  const OVERSCAN = 8;
  const FULL = 120;
  let rowHeight = 0;
  let rendered = new Map(); // track key -> <li>
  let focusKey = null; // the track whose row holds the focus
  let dragFrom = null;
  let findQuery = ""; // lower case; see "Find in the list" below
  let foundKey = null; // the track of the current match

  function row(track) {
    const name = trackName(track);
    const details = [track.artists && track.artists.join(", "), track.album, duration(track.duration_ms)]
      .filter(Boolean).join(" · ");
    const item = el("li", { class: track.uri && track.name ? "track" : "track unavailable", role: "row", draggable: "true", "data-uri": track.uri },
      el("span", { class: "n", role: "gridcell" }),
      cover(track.image_url, "small"),
      el("div", { class: "text", role: "gridcell" },
        el("div", { class: "title" }, name, track.is_local ? el("span", { class: "tag" }, "local file") : null),
        el("div", { class: "sub" }, details)),
      el("div", { class: "row-actions", role: "gridcell" },
        el("button", { type: "button", class: "toggle pin-toggle", "data-action": "pin", "aria-pressed": "false",
          "aria-label": `Pin: ${name}`, title: "Pin: keep this track at its position", disabled: !track.uri }, "Pin"),
        el("button", { type: "button", "data-action": "up", "aria-label": `Move up: ${name}`, title: "Move up (Alt+Up)" }, "↑"),
        el("button", { type: "button", "data-action": "down", "aria-label": `Move down: ${name}`, title: "Move down (Alt+Down)" }, "↓"),
        el("button", { type: "button", "data-action": "remove", "aria-label": `Remove: ${name}`, title: "Remove" }, "✕")));
    item.trackKey = track.key;
    return item;
  }

  /* Shows whether row item's track is pinned (the class and the toggle's aria-pressed). */
  function showPin(item) {
    const pin = pinnedKeys.get(item.trackKey);
    if (item.pinned === pin) return;
    item.pinned = pin;
    const toggle = item.lastChild.firstChild;
    item.classList.toggle("pinned", Boolean(pin));
    toggle.setAttribute("aria-pressed", String(Boolean(pin)));
    toggle.textContent = pin ? "Pinned" : "Pin";
    toggle.title = pin ? `Pinned at position ${pin.position + 1}: stays there when the playlist is shuffled` : "Pin: keep this track at its position";
  }

  /* Puts row item at position index (number, buttons, aria-rowindex, top). */
  function place(item, index) {
    item.classList.toggle("found", item.trackKey === foundKey);
    showPin(item);
    if (item.rowIndex === index && item.rowLast === staged.length - 1) return;
    item.rowIndex = index;
    item.rowLast = staged.length - 1;
    item.dataset.index = index;
    item.setAttribute("aria-rowindex", index + 1);
    item.firstChild.textContent = index + 1;
    item.style.transform = `translateY(${index * rowHeight}px)`;
    const [, up, down] = item.lastChild.children;
    up.disabled = index === 0;
    down.disabled = index === staged.length - 1;
  }

  function showState() {
    const uris = staged.map((t) => t.uri);
    const modified = !sameList(uris, loadedUris);
    $("modified").hidden = !modified;
    resetButton.disabled = !modified;
    saveButton.disabled = !modified || !playlist;
    $("staged-count").textContent = `Your list: ${plural(staged.length, "track")}`;
    showCost(modified && playlist ? uris : null);
  }

  /* What saving costs: known for this exact list (from a preview, a sort or a count), or a
     button to count it; nothing while there is nothing to save. */
  let costShown = "";
  function showCost(uris) {
    const known = uris && costs && sameList(uris, costs.uris);
    const state = !uris ? "none" : known ? `${costs.calls.replace}/${costs.calls.keep_added_dates}/${keepDates.checked}` : "count";
    if (state === costShown) return;
    costShown = state;
    const box = $("save-cost");
    box.hidden = !uris;
    if (!uris) box.replaceChildren();
    else if (known) box.replaceChildren(...costNote(costs.calls, keepDates.checked));
    else box.replaceChildren("Saving this list: ", el("button", { type: "button", class: "quiet", id: "count-calls", onclick: countCalls }, "Count the calls to Spotify"));
  }

  async function countCalls(event) {
    const uris = staged.map((t) => t.uri);
    await busy("Counting the calls to Spotify…", async () => {
      const data = await api("POST", `${base}/tracks/cost`, { track_uris: uris.filter(Boolean) });
      costs = { calls: data.calls, uris };
      showState();
      say(`Saving this list: ${data.calls.keep_added_dates.toLocaleString()} calls keeping Date Added, ${data.calls.replace.toLocaleString()} the fastest way.`);
    }, event.currentTarget);
  }
  keepDates.addEventListener("change", () => showState());

  function indexOfKey(key) {
    if (key === null) return -1;
    const item = rendered.get(key);
    if (item && staged[item.rowIndex] && staged[item.rowIndex].key === key) return item.rowIndex;
    return staged.findIndex((t) => t.key === key);
  }

  function measure() {
    const probe = trackList.firstElementChild || trackList.appendChild(row({ key: -1, name: "x" }));
    const height = probe.getBoundingClientRect().height;
    if (probe.trackKey === -1) probe.remove();
    if (height > 0 && Math.abs(height - rowHeight) > 0.01) {
      rowHeight = height;
      for (const item of rendered.values()) item.rowIndex = -1; // positions change
    }
    return rowHeight;
  }

  /* The rows in view again (after a scroll, a move, a load). */
  function paint() {
    if (!rowHeight) measure();
    const count = staged.length;
    trackList.style.height = `${count * rowHeight}px`;
    trackList.setAttribute("aria-rowcount", count);
    let first = 0;
    let last = count - 1;
    if (count > FULL && !rowHeight) last = FULL - 1; // not laid out yet: a first screenful
    else if (count > FULL) {
      const top = scroller.scrollTop;
      const view = scroller.clientHeight || window.innerHeight;
      first = Math.max(0, Math.floor(top / rowHeight) - OVERSCAN);
      last = Math.min(count - 1, Math.ceil((top + view) / rowHeight) + OVERSCAN);
    }
    const wanted = [];
    for (const extra of [indexOfKey(focusKey), dragFrom === null ? -1 : dragFrom]) {
      if (extra >= 0 && extra < first) wanted.push(extra);
    }
    for (let i = first; i <= last; i += 1) wanted.push(i);
    for (const extra of [indexOfKey(focusKey), dragFrom === null ? -1 : dragFrom]) {
      if (extra > last && !wanted.includes(extra)) wanted.push(extra);
    }
    wanted.sort((a, b) => a - b);
    const next = new Map();
    for (const i of wanted) {
      const track = staged[i];
      const item = rendered.get(track.key) || row(track);
      next.set(track.key, item);
    }
    for (const [key, item] of rendered) if (!next.has(key)) item.remove();
    rendered = next;
    let cursor = trackList.firstElementChild;
    wanted.forEach((i) => {
      const item = next.get(staged[i].key);
      place(item, i);
      if (item === cursor) cursor = cursor.nextElementSibling;
      else trackList.insertBefore(item, cursor);
    });
  }

  /* The whole list again: after a load, a preview, a session. */
  function render() {
    matchPins();
    for (const item of rendered.values()) item.remove();
    rendered = new Map();
    trackList.replaceChildren();
    paint();
    showState();
    if (findQuery) runFind(false);
  }

  let painting = false;
  scroller.addEventListener("scroll", () => {
    if (painting) return;
    painting = true;
    requestAnimationFrame(() => { painting = false; paint(); });
  }, { passive: true });
  let resizeTimer = null;
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => { measure(); paint(); }, 50);
  });

  /* Scrolls the list (not the page) just enough that row index is in view. */
  function reveal(index) {
    if (!rowHeight) return;
    const top = index * rowHeight;
    if (top < scroller.scrollTop) scroller.scrollTop = top;
    else if (top + rowHeight > scroller.scrollTop + scroller.clientHeight) scroller.scrollTop = top + rowHeight - scroller.clientHeight;
  }

  function focusRow(index, action) {
    if (!staged.length) return;
    index = Math.max(0, Math.min(index, staged.length - 1));
    focusKey = staged[index].key;
    reveal(index);
    paint();
    const item = rendered.get(focusKey);
    if (!item) return;
    const other = { up: "down", down: "up" }[action]; // at either end, the other move
    const usable = (name) => item.querySelector(`button[data-action="${name}"]:not(:disabled)`);
    const target = usable(action) || (other && usable(other)) || item.querySelector("button:not(:disabled)");
    if (target && document.activeElement !== target) target.focus({ preventScroll: true });
  }

  /* Move one track; only the rows on screen are touched. */
  function move(from, to) {
    if (to < 0 || to >= staged.length || from === to) return;
    const [track] = staged.splice(from, 1);
    staged.splice(to, 0, track);
    matchPins();
    paint();
    showState();
  }

  function removeAt(index) {
    const [track] = staged.splice(index, 1);
    if (focusKey === track.key) focusKey = null;
    matchPins();
    paint();
    showState();
  }

  function append(tracks) {
    for (const track of tracks) staged.push(staging(remember(track)));
    for (const item of rendered.values()) item.rowLast = -1; // the last row's "Move down" changes
    matchPins();
    paint();
    showState();
  }

  trackList.addEventListener("focusin", (event) => {
    const item = event.target.closest("li.track");
    if (item) focusKey = item.trackKey;
  });
  trackList.addEventListener("focusout", (event) => {
    if (!event.relatedTarget || !trackList.contains(event.relatedTarget)) {
      // Focus left the list (not a re-render): the row need not stay rendered.
      setTimeout(() => { if (!trackList.contains(document.activeElement)) focusKey = null; }, 0);
    }
  });

  function moveBy(index, to, action) {
    if (to < 0 || to >= staged.length) return;
    const name = trackName(staged[index]);
    move(index, to);
    focusRow(to, action);
    say(`Moved “${name}” to position ${to + 1}.`);
  }

  trackList.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-action]");
    if (!button) return;
    const index = Number(button.closest("li").dataset.index);
    const name = trackName(staged[index]);
    const action = button.dataset.action;
    if (action === "up" || action === "down") {
      moveBy(index, action === "up" ? index - 1 : index + 1, action);
    } else if (action === "pin") {
      togglePin(index);
    } else if (action === "remove") {
      removeAt(index);
      focusRow(index, "remove");
      say(`Removed “${name}”. Save to Spotify to keep the change.`);
    }
  });

  // Keyboard: Up/Down/Home/End go from row to row (the grid's rows), Alt+Up/Down move the track.
  trackList.addEventListener("keydown", (event) => {
    const item = event.target.closest("li.track");
    if (!item || event.ctrlKey || event.metaKey) return;
    const index = Number(item.dataset.index);
    const button = event.target.closest("button[data-action]");
    const action = button ? button.dataset.action : "down";
    const key = event.key;
    if (event.altKey && (key === "ArrowUp" || key === "ArrowDown")) {
      event.preventDefault();
      moveBy(index, key === "ArrowUp" ? index - 1 : index + 1, key === "ArrowUp" ? "up" : "down");
    } else if (!event.altKey && !event.shiftKey) {
      const to = { ArrowUp: index - 1, ArrowDown: index + 1, Home: 0, End: staged.length - 1,
        PageUp: index - 10, PageDown: index + 10 }[key];
      if (to === undefined) return;
      event.preventDefault();
      focusRow(Math.max(0, Math.min(to, staged.length - 1)), action);
    }
  });

  // Drag and drop (HTML5): the same moves as the buttons.
  trackList.addEventListener("dragstart", (event) => {
    const item = event.target.closest("li.track");
    if (!item) return;
    dragFrom = Number(item.dataset.index);
    item.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", String(dragFrom));
  });
  trackList.addEventListener("dragover", (event) => {
    const item = event.target.closest("li.track");
    if (dragFrom === null || !item) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    for (const other of trackList.querySelectorAll(".drop-target")) if (other !== item) other.classList.remove("drop-target");
    item.classList.add("drop-target");
  });
  trackList.addEventListener("drop", (event) => {
    const item = event.target.closest("li.track");
    if (dragFrom === null || !item) return;
    event.preventDefault();
    const from = dragFrom;
    const to = Number(item.dataset.index);
    const name = trackName(staged[from]);
    dragFrom = null;
    for (const node of trackList.querySelectorAll(".dragging, .drop-target")) node.classList.remove("dragging", "drop-target");
    move(from, to);
    say(`Moved “${name}” to position ${to + 1}.`);
  });
  trackList.addEventListener("dragend", () => {
    dragFrom = null;
    for (const node of trackList.querySelectorAll(".dragging, .drop-target")) node.classList.remove("dragging", "drop-target");
    paint();
  });

  // Find in the list: the rows are not all in the DOM, so the browser's own find cannot see them.
  let findMatches = [];
  let findAt = -1;
  const haystacks = new WeakMap(); // track -> lower-case text
  function haystack(track) {
    let text = haystacks.get(track);
    if (text === undefined) {
      text = [track.name, track.artists && track.artists.join(" "), track.album, track.uri].filter(Boolean).join(" ").toLowerCase();
      haystacks.set(track, text);
    }
    return text;
  }
  function markFound() {
    foundKey = findAt >= 0 ? staged[findMatches[findAt]].key : null;
    for (const item of rendered.values()) item.classList.toggle("found", item.trackKey === foundKey);
  }
  /* Finds findQuery; jump: go to the next match after the current one. */
  function runFind(jump) {
    const counter = $("find-count");
    if (!findQuery) { findMatches = []; findAt = -1; counter.textContent = ""; markFound(); return; }
    const current = indexOfKey(foundKey);
    findMatches = [];
    for (let i = 0; i < staged.length; i += 1) if (haystack(staged[i]).includes(findQuery)) findMatches.push(i);
    if (!findMatches.length) { findAt = -1; counter.textContent = "No match"; markFound(); return; }
    if (jump) {
      const after = findMatches.findIndex((i) => i > current);
      findAt = after >= 0 ? after : 0;
    } else {
      findAt = Math.max(0, findMatches.findIndex((i) => i >= current));
    }
    const index = findMatches[findAt];
    if (jump) {
      scroller.scrollTop = Math.max(0, index * rowHeight - scroller.clientHeight / 3);
      paint();
    }
    counter.textContent = `${findAt + 1} of ${findMatches.length}: position ${index + 1}`;
    markFound();
  }
  $("find-query").addEventListener("input", (event) => {
    findQuery = event.target.value.trim().toLowerCase();
    foundKey = null;
    runFind(true);
  });
  $("find-form").addEventListener("submit", (event) => {
    event.preventDefault();
    findQuery = $("find-query").value.trim().toLowerCase();
    runFind(true);
  });

  window.addEventListener("beforeunload", (event) => {
    if (playlist && isModified()) event.preventDefault();
  });

  function add(track) {
    append([track]);
    say(`Added “${trackName(track)}” at position ${staged.length}.`);
  }

  function addAll(tracks, from) {
    const addable = tracks.filter((t) => t.uri);
    append(addable);
    say(`Added ${plural(addable.length, "track")} from “${from}” at the end.`);
  }

  // --- pins ---
  /* A pin holds one copy of its URI, the first one not held by a pin of a lower position
     (as the server matches them, playlists/pins.py), so duplicates are marked right. */

  function matchPins() {
    pinnedKeys = new Map();
    if (!pins.length) return;
    const waiting = new Map(); // uri -> its pins still to match, by position
    for (const pin of [...pins].sort((a, b) => a.position - b.position)) {
      if (!waiting.has(pin.uri)) waiting.set(pin.uri, []);
      waiting.get(pin.uri).push(pin);
    }
    for (const track of staged) {
      const left = waiting.get(track.uri);
      if (left && left.length) pinnedKeys.set(track.key, left.shift());
    }
  }

  const pinName = (pin) => trackName(known.get(pin.uri) || { uri: pin.uri });

  function showPins() {
    const list = $("pins");
    if (!pins.length) { list.replaceChildren(el("li", { class: "muted" }, "No pinned tracks.")); return; }
    list.replaceChildren(...pins.map((pin) => {
      const name = pinName(pin);
      const until = pin.until ? `, until ${pin.until}` : "";
      return el("li", { class: pin.missing ? "missing" : null },
        el("span", { class: "text" }, name,
          el("span", { class: "muted small" }, ` — position ${pin.position + 1}${until}`),
          pin.missing ? el("span", { class: "tag missing-tag" }, "no longer in the playlist") : null),
        el("button", { type: "button", "aria-label": `Unpin ${name}`, onclick: (e) => savePins(pins.filter((p) => p !== pin), `Unpinned “${name}”.`, e.currentTarget) }, "Unpin"));
    }));
  }

  function pinsChanged(listed) {
    pins = listed;
    matchPins();
    paint();
    showPins();
  }

  async function loadPins() {
    pinsChanged((await api("GET", `${base}/pins`)).pins);
  }

  /* PUT the pins wanted. A pin whose track left the playlist cannot be sent again (the API
     refuses a URI the playlist lacks), so saving drops it, and says so. One save at a time;
     a row's toggle is not disabled meanwhile, so it keeps the focus. */
  let savingPins = false;
  async function savePins(wanted, message, button) {
    if (savingPins) return;
    savingPins = true;
    const dropped = wanted.filter((p) => p.missing);
    const body = wanted.filter((p) => !p.missing).map(({ uri, position, until }) => ({ uri, position, until }));
    await busy("Saving the pins…", async () => {
      pinsChanged((await api("PUT", `${base}/pins`, { pins: body })).pins);
      const gone = dropped.length ? ` Dropped the pin of ${dropped.map(pinName).join(", ")}: no longer in the playlist.` : "";
      say(message + gone);
    }, button);
    savingPins = false;
  }

  function togglePin(index) {
    const track = staged[index];
    const name = trackName(track);
    const pin = pinnedKeys.get(track.key);
    if (pin) {
      savePins(pins.filter((p) => p !== pin), `Unpinned “${name}”.`);
    } else if (!loadedUris.includes(track.uri)) {
      fail(new Error(`“${name}” is not on Spotify yet: save the list first, then pin it.`));
    } else if (index >= loadedUris.length) {
      fail(new Error(`Position ${index + 1} is beyond the playlist on Spotify: save the list first, then pin it.`));
    } else {
      savePins([...pins, { uri: track.uri, position: index }], `Pinned “${name}” at position ${index + 1}: it stays there when the playlist is shuffled or sorted.`);
    }
  }

  // --- loading and saving ---

  function showInfo() {
    const info = $("playlist-info");
    const rows = [
      ["Name", playlist.name],
      ["Owner", playlist.owner_name || playlist.owner_id],
      ["Tracks on Spotify", String(loadedUris.length)],
      ["Collaborative", playlist.collaborative ? "yes" : "no"],
      ["Description", playlist.description || "—"],
    ];
    info.replaceChildren(...rows.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]),
      el("dt", {}, "On Spotify"),
      el("dd", {}, el("a", { href: `https://open.spotify.com/playlist/${encodeURIComponent(playlistId)}`, rel: "noopener" }, "Open the playlist")));
  }

  async function load() {
    const data = await api("GET", base);
    playlist = data;
    document.title = `${data.name} · Workshop · Shuffify`;
    $("playlist-name").textContent = data.name || "(no name)";
    if (data.tracks === null) {
      $("playlist-meta").textContent = data.reason;
      playlist = null;
      staged = [];
      loadedUris = [];
      render();
      return;
    }
    snapshotId = data.snapshot_id;
    data.tracks.forEach(remember);
    loadedUris = data.tracks.map((t) => t.uri);
    staged = data.tracks.map(staging);
    const owner = data.owner_name || data.owner_id;
    $("playlist-meta").textContent = `By ${owner}${data.collaborative ? " · collaborative" : ""} · ${plural(data.tracks.length, "track")} on Spotify`;
    conflictBox.hidden = true;
    render();
    showInfo();
    loadPins().catch(fail); // after a save or a dedupe too: a pin's track may have left
    document.dispatchEvent(new CustomEvent("shuffify:playlist", { detail: data })); // versions.js
  }

  async function save(overwrite) {
    const uris = staged.map((t) => t.uri).filter(Boolean);
    const body = { track_uris: uris, keep_added_dates: keepDates.checked };
    if (!overwrite) body.snapshot_id = snapshotId;
    await busy(`Saving ${plural(uris.length, "track")} to Spotify…`, async () => {
      let data;
      try {
        data = await api("PUT", `${base}/tracks`, body);
      } catch (error) {
        if (error.status === 409 && error.body && error.body.live) {
          $("conflict-message").textContent = `${error.message} (${plural(error.body.live.track_uris.length, "track")} on Spotify now.)`;
          conflictBox.hidden = false;
          $("conflict-reload").focus();
          say("Not saved: the playlist changed on Spotify. Choose below.");
          return;
        }
        throw error;
      }
      conflictBox.hidden = true;
      await load();
      const left = staged.length - uris.length;
      say(data.changed
        ? `Saved to Spotify: ${plural(uris.length, "track")} in this order, in ${plural(data.calls, "call")}.${left > 0 ? ` ${plural(left, "unavailable item")} left out.` : ""}`
        : "Spotify already had exactly this list: nothing to save.");
    }, saveButton);
    showState();
  }

  saveButton.addEventListener("click", () => save(false));
  $("conflict-overwrite").addEventListener("click", () => save(true));
  $("conflict-reload").addEventListener("click", () =>
    busy("Reloading the playlist…", async () => { await load(); say("Reloaded from Spotify: your unsaved changes are gone."); }));
  resetButton.addEventListener("click", () => {
    staged = playlist.tracks.map(staging);
    render();
    say("Back to the list as loaded from Spotify.");
  });

  // --- preview and sort: an algorithm's order of the staged list, and what saving it costs ---

  async function reorder(algorithm, params, label, done, button) {
    await busy(`${label}…`, async () => {
      const uris = staged.filter((t) => t.uri).map((t) => t.uri);
      const data = await api("POST", `${base}/preview`, { algorithm, params, track_uris: uris });
      const pool = new Map();
      for (const t of staged) {
        if (!t.uri) continue;
        if (!pool.has(t.uri)) pool.set(t.uri, []);
        pool.get(t.uri).push(t);
      }
      const unavailable = staged.filter((t) => !t.uri);
      staged = [...data.track_uris.map((uri) => (pool.get(uri) || []).shift() || staging(known.get(uri) || { uri })), ...unavailable];
      costs = { calls: data.calls, uris: staged.map((t) => t.uri) };
      render();
      say(`${done}: the list is in the new order. Save to Spotify to keep it.`);
    }, button);
  }

  let previewInputs = null;
  $("preview-form").addEventListener("submit", (event) => {
    event.preventDefault();
    if (!previewInputs || !playlist) return;
    let choice;
    try { choice = previewInputs.read(); } catch (error) { fail(error); return; }
    const submit = event.submitter || event.target.querySelector("button");
    reorder(choice.algorithm, choice.params, `Previewing ${choice.title}`, `Preview with ${choice.title}`, submit);
  });

  const DIRECTIONS = { // sort key -> the words for ascending and descending
    title: ["A to Z", "Z to A"], artist: ["A to Z", "Z to A"], album: ["A to Z", "Z to A"],
    release_date: ["Oldest first", "Newest first"], duration: ["Shortest first", "Longest first"],
    added_at: ["Added first at the top", "Added last at the top"],
  };
  function nameDirections() {
    const words = DIRECTIONS[$("sort-by").value];
    $("sort-direction").querySelectorAll("option").forEach((option, i) => { option.textContent = words[i]; });
  }
  $("sort-by").addEventListener("change", nameDirections);
  $("sort-form").addEventListener("submit", (event) => {
    event.preventDefault();
    if (!playlist) return;
    const by = $("sort-by");
    const direction = $("sort-direction");
    const how = `${by.selectedOptions[0].textContent.toLowerCase()}, ${direction.selectedOptions[0].textContent.toLowerCase()}`;
    reorder("sort", { by: by.value, direction: direction.value }, "Sorting", `Sorted by ${how}`, event.submitter);
  });
  $("newest-first").addEventListener("click", (event) => {
    if (playlist) reorder("newest_first", {}, "Sorting", "Newest first", event.currentTarget);
  });

  // --- remove duplicates: a dry run shows the groups, then Remove applies it on Spotify ---

  const dupeLabel = (entry) => `#${entry.position + 1} ${entry.name || entry.uri}`;

  function duplicateGroup(group) {
    return el("li", { class: "dupe-group" },
      el("div", { class: "kept" }, el("span", { class: "badge ok" }, "Keep"), " ", dupeLabel(group.keep)),
      el("ul", {}, group.remove.map((entry) =>
        el("li", { class: "removed" }, el("span", { class: "badge bad" }, "Remove"), " ", dupeLabel(entry)))));
  }

  function skippedNote(skipped) {
    if (!skipped || !skipped.length) return null;
    return el("p", { class: "small muted" },
      `Left alone: ${skipped.map((g) => dupeLabel(g.keep)).join(", ")} (a local file: removing one copy would take them all, and Spotify cannot add it back).`);
  }

  function showDuplicates(data, choice) {
    const box = $("dedupe-result");
    if (!data.groups.length) {
      box.replaceChildren(el("p", { class: "none" }, "No duplicates found: every track is in the playlist once."), skippedNote(data.skipped) || "");
      say("No duplicates found.");
      return;
    }
    const count = plural(data.remove_count, "copy", "copies");
    const apply = el("button", { type: "button", class: "danger", id: "dedupe-apply" }, `Remove ${count} from Spotify`);
    apply.addEventListener("click", () => removeDuplicates(choice, apply));
    box.replaceChildren(
      el("p", {}, `${count} to remove, in ${plural(data.groups.length, "group")}. In each group the copy marked Keep stays where it is (positions as on Spotify).`),
      el("ol", { class: "dupe-groups" }, data.groups.map(duplicateGroup)),
      skippedNote(data.skipped) || "",
      el("div", { class: "actions" }, apply));
    say(`Found ${count} to remove. Nothing is removed until you press “Remove ${count} from Spotify”.`);
  }

  $("dedupe-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    const choice = { match: form.get("match"), keep: form.get("keep") };
    await busy("Looking for duplicates…", async () => {
      showDuplicates(await api("POST", `${base}/dedupe`, { ...choice, dry_run: true }), choice);
    }, event.submitter);
  });

  async function removeDuplicates(choice, button) {
    if (isModified() && !window.confirm("Removing duplicates works on the playlist on Spotify, then reloads it here: your unsaved changes will be lost. Go on?")) return;
    await busy("Removing duplicates on Spotify…", async () => {
      const data = await api("POST", `${base}/dedupe`, { ...choice, dry_run: false, keep_added_dates: keepDates.checked });
      await load();
      const message = `Removed ${plural(data.removed, "copy", "copies")} from Spotify, in ${plural(data.calls, "call")}. Undo it from the dashboard or the Versions panel.`;
      $("dedupe-result").replaceChildren(el("p", {}, message));
      say(message);
    }, button);
  }

  // --- lists of tracks to add (search, own playlists, links) ---

  /* Shows tracks with an Add button each, PAGE at a time (or pages fetched by fetchPage). */
  function trackResults(container, options) {
    const { title, tracks, total, offset = 0, onPage, addAllFrom } = options;
    const shown = onPage ? tracks : tracks.slice(offset, offset + PAGE);
    const count = onPage ? total : tracks.length;
    const items = shown.map((t) => {
      const name = trackName(t);
      return el("li", {},
        cover(t.image_url, "small"),
        el("span", { class: "text" }, name, el("span", { class: "muted" }, t.artists && t.artists.length ? ` — ${t.artists.join(", ")}` : "")),
        t.uri ? el("button", { type: "button", "aria-label": `Add: ${name}`, onclick: () => add(t) }, "Add") : null);
    });
    const pager = el("div", { class: "pager" });
    if (count > PAGE) {
      const go = (newOffset) => {
        if (onPage) onPage(newOffset);
        else trackResults(container, { ...options, offset: newOffset });
      };
      pager.append(
        el("button", { type: "button", disabled: offset === 0, onclick: () => go(Math.max(0, offset - PAGE)) }, "Previous"),
        el("span", { class: "small" }, `${offset + 1}–${Math.min(offset + PAGE, count)} of ${count.toLocaleString()}`),
        el("button", { type: "button", disabled: offset + PAGE >= count, onclick: () => go(offset + PAGE) }, "Next"));
    }
    container.replaceChildren(
      title ? el("p", { class: "small" }, title) : "",
      count === 0 ? el("p", { class: "muted" }, "No tracks found.") : el("ul", {}, items),
      pager,
      addAllFrom && tracks.length ? el("button", { type: "button", onclick: () => addAll(tracks, addAllFrom) }, `Add all ${plural(tracks.length, "track")}`) : "");
  }

  let lastQuery = "";
  async function search(offset) {
    const button = $("search-form").querySelector("button");
    await busy("Searching Spotify…", async () => {
      const params = new URLSearchParams({ q: lastQuery, type: "track", limit: String(PAGE), offset: String(offset) });
      const data = await api("GET", `/api/search?${params}`);
      data.items.forEach(remember);
      trackResults($("search-results"), {
        tracks: data.items, total: Math.min(data.total, 1000 + PAGE), offset: data.offset, onPage: search,
        title: `${plural(data.total, "result")} for “${lastQuery}”`,
      });
    }, button);
  }
  $("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    lastQuery = $("search-query").value.trim();
    if (lastQuery) search(0);
  });

  $("own-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const id = $("own-playlist").value;
    if (!id) return;
    await busy("Loading the playlist…", async () => {
      const data = await api("GET", `/api/playlists/${encodeURIComponent(id)}`);
      data.tracks.forEach(remember);
      trackResults($("own-results"), { tracks: data.tracks, title: `“${data.name}”: ${plural(data.tracks.length, "track")}`, addAllFrom: data.name });
    }, event.submitter);
  });

  async function loadExternal(link, button) {
    await busy("Loading the playlist from Spotify…", async () => {
      const data = await api("GET", `/api/external-playlists?${new URLSearchParams({ url: link })}`);
      const title = `“${data.name}” by ${data.owner_name || data.owner_id}`;
      if (data.tracks === null) {
        $("external-results").replaceChildren(el("p", { class: "small" }, title), el("p", { class: "notice small" }, data.reason));
      } else {
        data.tracks.forEach(remember);
        trackResults($("external-results"), { tracks: data.tracks, title: `${title}: ${plural(data.tracks.length, "track")}`, addAllFrom: data.name });
      }
      await showRecent();
    }, button);
  }
  $("external-form").addEventListener("submit", (event) => {
    event.preventDefault();
    loadExternal($("external-url").value.trim(), event.submitter);
  });

  async function showRecent() {
    const data = await api("GET", "/api/external-playlists/recent");
    $("recent").replaceChildren(...(data.playlists.length ? data.playlists.map((p) => el("li", {},
      el("span", { class: "text" }, p.name || p.id, el("span", { class: "muted" }, ` — ${p.owner_name || "?"}${typeof p.track_count === "number" ? `, ${plural(p.track_count, "track")}` : ""}`)),
      el("button", { type: "button", "aria-label": `Load ${p.name || p.id}`, onclick: (e) => { $("external-url").value = p.id; loadExternal(p.id, e.currentTarget); } }, "Load")))
      : [el("li", { class: "muted" }, "None yet.")]));
  }

  // --- saved sessions ---

  async function showSessions() {
    const data = await api("GET", `${base}/sessions`);
    const list = $("sessions");
    if (!data.sessions.length) { list.replaceChildren(el("li", { class: "muted" }, "No saved sessions.")); return; }
    list.replaceChildren(...data.sessions.map((s) => {
      const item = el("li", { "data-session-id": s.id });
      const view = () => item.replaceChildren(
        el("span", { class: "text" }, el("strong", {}, s.session_name), el("span", { class: "muted small" }, ` — ${plural(s.track_count, "track")}, ${when(s.updated_at)}`)),
        el("button", { type: "button", "aria-label": `Load session ${s.session_name}`, onclick: () => loadSession(s) }, "Load"),
        el("button", { type: "button", "aria-label": `Rename session ${s.session_name}`, onclick: rename }, "Rename"),
        el("button", { type: "button", class: "danger", "aria-label": `Delete session ${s.session_name}`, onclick: (e) => deleteSession(s, e.currentTarget) }, "Delete"));
      function rename() {
        const id = `rename-${s.id}`;
        const input = el("input", { id, type: "text", value: s.session_name, required: true, maxlength: 255 });
        const form = el("form", { class: "inline-form" },
          el("label", { for: id }, `New name for “${s.session_name}”`), input,
          el("button", { type: "submit" }, "Save name"),
          el("button", { type: "button", onclick: () => { view(); item.querySelector("button").focus(); } }, "Cancel"));
        form.addEventListener("submit", async (event) => {
          event.preventDefault();
          await busy("Renaming…", async () => {
            await api("PUT", `/api/sessions/${encodeURIComponent(s.id)}`, { session_name: input.value });
            say(`Renamed to “${input.value.trim()}”.`);
            await showSessions();
          }, event.submitter);
        });
        item.replaceChildren(form);
        input.focus();
        input.select();
      }
      view();
      return item;
    }));
  }

  function loadSession(s) {
    staged = s.track_uris.map((uri) => staging(known.get(uri) || { uri }));
    render();
    say(`Loaded session “${s.session_name}” (${plural(s.track_count, "track")}). Save to Spotify to make it the playlist.`);
  }

  async function deleteSession(s, button) {
    if (!window.confirm(`Delete the saved session “${s.session_name}”?`)) return;
    await busy("Deleting…", async () => {
      await api("DELETE", `/api/sessions/${encodeURIComponent(s.id)}`);
      say(`Deleted session “${s.session_name}”.`);
      await showSessions();
    }, button);
  }

  $("session-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const name = $("session-name").value.trim();
    if (!name) return;
    await busy("Saving the session…", async () => {
      const uris = staged.map((t) => t.uri).filter(Boolean);
      await api("POST", `${base}/sessions`, { session_name: name, track_uris: uris });
      $("session-name").value = "";
      say(`Saved session “${name}” (${plural(uris.length, "track")}).`);
      await showSessions();
    }, event.submitter);
  });

  // --- upstream sources ---

  async function showSources() {
    const data = await api("GET", `${base}/sources`);
    const list = $("sources");
    if (!data.sources.length) { list.replaceChildren(el("li", { class: "muted" }, "No sources.")); return; }
    list.replaceChildren(...data.sources.map((s) => {
      const name = s.source_name || s.source_playlist_id;
      return el("li", {},
        el("span", { class: "text" }, name, el("span", { class: "tag" }, s.source_type === "own" ? "mine" : "link")),
        el("button", { type: "button", class: "danger", "aria-label": `Remove source ${name}`, onclick: (e) => removeSource(s, name, e.currentTarget) }, "Remove"));
    }));
  }

  async function removeSource(s, name, button) {
    await busy("Removing the source…", async () => {
      await api("DELETE", `/api/sources/${encodeURIComponent(s.id)}`);
      say(`Removed source “${name}”.`);
      await showSources();
    }, button);
  }

  async function addSource(body, button) {
    await busy("Adding the source…", async () => {
      await api("POST", `${base}/sources`, body);
      say(`Added source “${body.source_name || body.source_url}”.`);
      await showSources();
    }, button);
  }
  $("source-own-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const chosen = ownPlaylists.find((p) => p.id === $("source-own").value);
    if (chosen) addSource({ source_playlist_id: chosen.id, source_type: "own", source_name: chosen.name }, event.submitter);
  });
  $("source-url-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const link = $("source-url").value.trim();
    if (!link) return;
    await addSource({ source_url: link, source_type: "external" }, event.submitter);
    $("source-url").value = "";
  });

  // --- start ---

  async function start() {
    await busy("Loading the playlist…", load);
    const others = busy("Loading the panels…", async () => {
      const [mine] = await Promise.all([
        api("GET", "/api/playlists"),
        algorithmForm($("algorithm"), $("params"), $("algorithm-description"), "preview").then((f) => { previewInputs = f; }),
        showSessions(),
        showSources(),
        showRecent(),
      ]);
      ownPlaylists = mine.playlists.filter((p) => p.id !== playlistId);
      const options = ownPlaylists.length
        ? ownPlaylists.map((p) => el("option", { value: p.id }, `${p.name} (${plural(p.track_count || 0, "track")})`))
        : [el("option", { value: "" }, "No other playlists")];
      $("own-playlist").replaceChildren(...options);
      $("source-own").replaceChildren(...options.map((o) => o.cloneNode(true)));
    });
    await others;
  }
  document.addEventListener("shuffify:reload", () => busy("Loading the playlist…", load));
  start();
})();

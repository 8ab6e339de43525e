/* The activity page (issue 23): GET /api/activity, filtered by kind and playlist, 50 at a
   time ("Load more" follows `next`), times in the user's zone, and for each change a
   "restore to before this" (the snapshot taken before it) after a confirm(). */
(function () {
  "use strict";
  const { api, say, fail, busy, el, when } = window.Shuffify;

  const list = document.getElementById("activity");
  const loading = document.getElementById("activity-loading");
  const more = document.getElementById("load-more");
  const kind = document.getElementById("filter-kind");
  const playlist = document.getElementById("filter-playlist");
  const BY = { you: "you", schedule: "a schedule", rule: "a rule" };
  let next = null;
  let asked = 0; // the newest load asked for: an older answer arriving later is dropped

  function row(item) {
    if (!item.playlist_name && item.playlist_id) { // a schedule's run row names only the id
      const option = [...playlist.options].find((o) => o.value === item.playlist_id);
      if (option) item = { ...item, playlist_name: option.textContent };
    }
    const what = item.playlist_name ? `${item.summary} · ${item.playlist_name}` : item.summary;
    const li = el("li", { class: "activity", id: `activity-${item.id}`, "data-kind": item.kind },
      el("p", { class: "small muted" },
        el("time", { datetime: item.at }, when(item.at)), ` · ${item.kind} · by ${BY[item.by] || item.by}`),
      el("p", {}, what));
    if (item.playlist_id) {
      const links = el("div", { class: "actions" },
        el("a", { class: "button", href: `/workshop/${encodeURIComponent(item.playlist_id)}`,
          "aria-label": `Open ${item.playlist_name || "the playlist"} in the workshop` }, "Workshop"));
      if (item.snapshot_id) {
        const restore = el("button", { type: "button", class: "quiet",
          "aria-label": `Restore ${item.playlist_name || "the playlist"} to before this ${item.kind} (${when(item.at)})` },
        "Restore to before this");
        restore.addEventListener("click", () => restoreBefore(item, restore));
        links.append(restore);
      }
      li.append(links);
    }
    return li;
  }

  async function restoreBefore(item, button) {
    const name = item.playlist_name || "this playlist";
    if (!window.confirm(`Restore “${name}” on Spotify to how it was before this ${item.kind} (${when(item.at)})? Tracks added since are kept.`)) return;
    await busy("Restoring on Spotify…", async () => {
      const answer = await api("POST", `/api/snapshots/${item.snapshot_id}/restore`);
      say(answer.changed
        ? `Restored “${name}” to before the ${item.kind}. Undo (on the dashboard) brings it back.`
        : `“${name}” already is that version: nothing changed.`);
      await load(false);
    }, button);
  }

  function query(before) {
    const params = new URLSearchParams();
    if (kind.value) params.set("kind", kind.value);
    if (playlist.value) params.set("playlist_id", playlist.value);
    if (before) params.set("before", before);
    const text = params.toString();
    return text ? `/api/activity?${text}` : "/api/activity";
  }

  async function load(append) {
    const mine = ++asked;
    await busy("Loading activity…", async () => {
      const data = await api("GET", query(append ? next : null));
      if (mine !== asked) return; // the filters changed meanwhile
      loading.hidden = true;
      const rows = data.items.map(row);
      if (append) list.append(...rows);
      else list.replaceChildren(...rows);
      if (!list.children.length) list.replaceChildren(el("li", { class: "muted" }, "Nothing here yet."));
      next = data.next;
      more.hidden = !next;
    }, more);
  }

  async function playlists() {
    const data = await api("GET", "/api/playlists");
    const wanted = new URLSearchParams(window.location.search).get("playlist_id");
    playlist.append(...data.playlists.map((p) => el("option", { value: p.id, selected: p.id === wanted }, p.name || p.id)));
  }

  kind.addEventListener("change", () => load(false));
  playlist.addEventListener("change", () => load(false));
  more.addEventListener("click", () => load(true));
  const given = new URLSearchParams(window.location.search);
  if (given.get("kind")) kind.value = given.get("kind");
  playlists().catch(fail).then(() => load(false));
})();

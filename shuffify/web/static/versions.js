/* The workshop's Versions panel (issue 19): the playlist's snapshots, "Back up now", a diff
   against the live playlist, restore after a confirmation that says what will be kept and
   skipped, delete and export; and a notice when the playlist changed outside Shuffify. A restore
   sends the page's Keep Date Added switch, as a save does. */
(function () {
  "use strict";
  const { api, say, busy, el, plural, when } = window.Shuffify;

  const root = document.getElementById("workshop");
  const panel = document.getElementById("versions");
  if (!root || !panel) return;
  const playlistId = root.dataset.playlistId;
  const base = `/api/playlists/${encodeURIComponent(playlistId)}`;
  const $ = (id) => document.getElementById(id);
  const list = $("snapshots");
  const detail = $("snapshot-detail");
  const keepDates = $("keep-added-dates");
  let newest = null;

  const title = (s) => s.label || (s.kind === "manual" ? "Backup" : "Automatic snapshot");
  const snapshotUrl = (s) => `/api/snapshots/${encodeURIComponent(s.id)}`;

  async function show() {
    const data = await api("GET", `${base}/snapshots`);
    newest = data.snapshots[0] || null;
    if (!data.snapshots.length) {
      list.replaceChildren(el("li", { class: "muted" }, "No snapshots yet."));
      return;
    }
    list.replaceChildren(...data.snapshots.map((s) => el("li", { class: "snapshot" },
      el("span", { class: "text" }, title(s),
        el("span", { class: "tag" }, s.kind),
        el("span", { class: "small muted" }, ` ${when(s.created_at)} · ${plural(s.item_count, "track")}`)),
      el("span", { class: "actions" },
        el("button", { type: "button", "aria-label": `Compare ${title(s)} with Spotify`, onclick: (e) => compare(s, e.currentTarget) }, "Compare"),
        el("button", { type: "button", "aria-label": `Restore ${title(s)}`, onclick: (e) => confirmRestore(s, e.currentTarget) }, "Restore"),
        el("a", { class: "button", href: `${snapshotUrl(s)}/export?format=json`, download: "", "aria-label": `Export ${title(s)} as JSON` }, "JSON"),
        el("a", { class: "button", href: `${snapshotUrl(s)}/export?format=csv`, download: "", "aria-label": `Export ${title(s)} as CSV` }, "CSV"),
        el("button", { type: "button", class: "danger", "aria-label": `Delete ${title(s)}`, onclick: (e) => remove(s, e.currentTarget) }, "Delete")))));
  }

  function uriList(uris) {
    const shown = uris.slice(0, 20).map((uri) => el("li", { class: "small" }, el("span", { class: "text" }, uri || "Unavailable item")));
    if (uris.length > 20) shown.push(el("li", { class: "small muted" }, `and ${uris.length - 20} more`));
    return el("ul", { class: "plain-list" }, shown);
  }

  function showDiff(s, diff) {
    detail.hidden = false;
    detail.replaceChildren(
      el("h3", { class: "small-heading", id: "diff-heading", tabindex: "-1" }, `${title(s)} against Spotify now`),
      el("p", { id: "diff-summary" },
        `Added since: ${diff.added.length} · removed since: ${diff.removed.length} · moved: ${diff.moved} · unchanged: ${diff.unchanged}`),
      diff.added.length ? el("div", {}, el("p", { class: "small" }, "On Spotify, not in the snapshot:"), uriList(diff.added)) : null,
      diff.removed.length ? el("div", {}, el("p", { class: "small" }, "In the snapshot, not on Spotify:"), uriList(diff.removed)) : null);
  }

  async function compare(s, button) {
    await busy("Comparing with Spotify…", async () => {
      showDiff(s, await api("GET", `${snapshotUrl(s)}/diff`));
      $("diff-heading").focus();
    }, button);
  }

  async function confirmRestore(s, button) {
    await busy("Working out the restore…", async () => {
      const diff = await api("GET", `${snapshotUrl(s)}/diff`);
      showDiff(s, diff);
      const { kept, skipped } = diff.restore;
      const confirm = el("button", { type: "button", class: "primary", id: "restore-confirm" }, `Restore ${plural(s.item_count, "track")}`);
      const cancel = el("button", { type: "button", id: "restore-cancel" }, "Cancel");
      const box = el("div", { class: "confirm", role: "group", "aria-labelledby": "restore-question" },
        el("p", { id: "restore-question" },
          `Make the playlist “${title(s)}” again? ` +
          `${kept.length ? `${plural(kept.length, "track")} added on Spotify since will be kept at the end. ` : "Nothing added on Spotify since needs keeping. "}` +
          `${skipped.length ? `${plural(skipped.length, "item")} cannot be added back (local files or unavailable) and will be skipped.` : "Nothing will be skipped."}`),
        el("div", { class: "actions" }, confirm, cancel));
      detail.append(box);
      confirm.addEventListener("click", () => restore(s, confirm));
      cancel.addEventListener("click", () => { detail.hidden = true; button.focus(); });
      confirm.focus();
    }, button);
  }

  async function restore(s, button) {
    await busy("Restoring on Spotify…", async () => {
      const answer = await api("POST", `${snapshotUrl(s)}/restore`, { keep_added_dates: keepDates.checked });
      detail.hidden = true;
      const extra = [];
      if (answer.kept.length) extra.push(`kept ${plural(answer.kept.length, "track")} added since`);
      if (answer.skipped.length) extra.push(`skipped ${plural(answer.skipped.length, "item")}`);
      say(answer.changed
        ? `Restored “${title(s)}”${extra.length ? `: ${extra.join(", ")}` : ""}. Undo brings the previous version back.`
        : "The playlist already is that version: nothing changed.");
      document.dispatchEvent(new CustomEvent("shuffify:reload"));
      await show();
    }, button);
  }

  async function remove(s, button) {
    await busy("Deleting the snapshot…", async () => {
      await api("DELETE", snapshotUrl(s));
      say(`Deleted “${title(s)}”.`);
      detail.hidden = true;
      await show();
    }, button);
  }

  $("backup-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const label = $("backup-label").value.trim();
    await busy("Backing up…", async () => {
      const kept = await api("POST", `${base}/snapshots`, label ? { label } : {});
      say(kept.kind === "manual" && kept.label === (label || null)
        ? `Backed up ${plural(kept.item_count, "track")}.`
        : `Already kept: “${title(kept)}” holds this version.`);
      $("backup-label").value = "";
      await show();
    }, event.submitter);
  });

  /* The workshop says what it loaded: a notice when Spotify's copy changed elsewhere. */
  document.addEventListener("shuffify:playlist", (event) => {
    const outside = event.detail.outside_changes;
    const notice = $("outside-changes");
    busy("Loading the snapshots…", show); // a save or a restore kept a snapshot: list it
    if (!outside) { notice.hidden = true; return; }
    const parts = [];
    if (outside.added) parts.push(`${plural(outside.added, "track")} added`);
    if (outside.removed) parts.push(`${plural(outside.removed, "track")} removed`);
    const compareNewest = el("button", { type: "button", onclick: (e) => newest && compare(newest, e.currentTarget) }, "Compare with the newest snapshot");
    notice.replaceChildren(
      el("p", {}, `Changed outside Shuffify since ${when(outside.since)}: ${parts.join(", ")}. ` +
        "Restore a snapshot below to go back; tracks added since are kept."),
      compareNewest);
    notice.hidden = false;
  });

  busy("Loading the snapshots…", show);
})();

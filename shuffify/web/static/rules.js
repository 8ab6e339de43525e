/* Rules: the list (target, sources, last and next run), ready-made rules to start from, the
   editor built from GET /api/rule-steps (sources, filters as sentences, an order, what to do),
   the preview as a diff, run now, schedule, the runs and the inbox. */
(function () {
  "use strict";
  const { api, say, fail, busy, el, plural, when } = window.Shuffify;
  const $ = (id) => document.getElementById(id);
  const POLL_MS = 1000;
  const POLL_TRIES = 90;
  const SHOWN = 50; // tracks listed per side of a diff

  // --- words: every step as a person would say it ---

  const SOURCES = {
    playlist: { add: "A playlist", parts: ["Tracks of", { p: "playlist_id" }] },
    liked: { add: "My Liked Songs", parts: ["My Liked Songs"] },
    search: { add: "A search", parts: ["The first", { p: "limit" }, "results of a search for", { p: "query" }] },
    target: { add: "The playlist itself", parts: ["The tracks already in the playlist"] },
  };
  const FILTERS = {
    dedupe: { title: "No duplicates", parts: ["Remove duplicates:", { p: "match" }],
      words: { match: { exact: "exact copies", same_song: "same song, any release" } } },
    exclude_playlist: { title: "Not in another playlist", parts: ["Leave out tracks that are in", { p: "playlist_id" }] },
    exclude_artists: { title: "Not these artists", parts: ["Leave out these artists (commas between):", { p: "artists" }] },
    title: { title: "Title pattern", parts: ["Only titles that", { p: "exclude" }, "the pattern", { p: "pattern" }],
      words: { exclude: { false: "match", true: "do not match" } } },
    duration: { title: "Length", parts: ["Only tracks from", { p: "min_s" }, "to", { p: "max_s" }, "seconds long"] },
    explicit: { title: "Explicit tracks", parts: [{ p: "allow" }, "explicit tracks"],
      words: { allow: { false: "Leave out", true: "Allow" } } },
    release_year: { title: "Release year", parts: ["Only tracks released from", { p: "min" }, "to", { p: "max" }] },
    added_within_days: { title: "Added recently", parts: ["Only tracks added in the last", { p: "days" }, "days"] },
    added_before_days: { title: "Added long ago", parts: ["Only tracks added more than", { p: "days" }, "days ago"] },
    max_per_artist: { title: "At most N per artist", parts: ["At most", { p: "count" }, "tracks per artist"] },
    limit: { title: "Keep N tracks", parts: ["Keep only the", { p: "from" }, { p: "count" }, "tracks"],
      words: { from: { first: "first", last: "last", newest: "newest", oldest: "oldest", random: "random pick of" } } },
  };
  const STARTS = { // a new filter's values, where its description has no default
    added_within_days: { days: 30 }, added_before_days: { days: 365 }, max_per_artist: { count: 2 },
    limit: { count: 100, from: "newest" }, explicit: { allow: false }, dedupe: { match: "same_song" },
  };
  const SINKS = {
    replace: { parts: ["Replace the playlist with the result"], short: "Replaces the playlist" },
    append_new: { parts: ["Add new tracks: those the playlist does not have yet"], short: "Adds new tracks" },
    drip: { parts: ["Add up to", { p: "count" }, "new tracks each run"], short: "Adds a few new tracks each run" },
    inbox: { parts: ["Let me review new tracks first: they wait in the rule's inbox"], short: "New tracks wait in the inbox" },
  };
  const TIMINGS = {
    hourly: { schedule_type: "cron", schedule_value: "0 * * * *", words: "every hour" },
    daily: { schedule_type: "interval", schedule_value: "daily", words: "every day" },
    morning: { schedule_type: "cron", schedule_value: "0 7 * * *", words: "every morning at 7:00" }, // in the user's time zone
    weekly: { schedule_type: "interval", schedule_value: "weekly", words: "every week" },
  };
  const INTERVALS = { every_6h: "every 6 hours", every_12h: "every 12 hours", every_3d: "every 3 days" };

  let steps = null; // GET /api/rule-steps
  let playlists = [];
  let algorithms = [];
  let settings = {};
  let rules = [];
  let schedules = [];
  let editing = null; // the saved rule in the editor, or null for a new one
  let orderParams = {}; // the parameters kept for the order the editor was loaded with
  let offer = null; // the schedule a ready-made rule offers once saved (a key of TIMINGS)
  const open = {}; // rule id -> the panel shown under it

  const playlistName = (id) => (playlists.find((p) => p.id === id) || {}).name || "a playlist you cannot change";
  const described = (list, type) => (list || []).find((s) => s.type === type) || { parameters: [] };
  const ruleUrl = (rule, tail) => `/api/rules/${encodeURIComponent(rule.id)}${tail || ""}`;

  // --- sentences: inputs for the editor, plain text for the list ---

  function words(table, step, name) {
    const value = step[name];
    return (table.words && table.words[name] && table.words[name][String(value)]) || (value ?? "…");
  }

  function sentenceText(table, step) {
    return table.parts.map((part) => {
      if (typeof part === "string") return part;
      const value = step[part.p];
      if (part.p.endsWith("playlist_id")) return `“${playlistName(value)}”`;
      if (Array.isArray(value)) return value.join(", ");
      if (part.p === "query") return `“${value}”`;
      return String(words(table, step, part.p));
    }).join(" ").replace(/^./, (c) => c.toUpperCase());
  }

  function playlistSelect(value, attrs) {
    const known = playlists.some((p) => p.id === value);
    return el("select", attrs,
      playlists.map((p) => el("option", { value: p.id, selected: p.id === value }, p.name)),
      value && !known ? el("option", { value, selected: true }, `Playlist ${value}`) : null);
  }

  /* One input for a parameter described by /api/rule-steps. */
  function paramInput(param, table, value, label) {
    const attrs = { "data-param": param.name, "data-kind": param.type, "aria-label": label };
    if (param.type === "playlist") return playlistSelect(value, attrs);
    if (param.type === "boolean" || param.type === "choice") {
      const choices = param.type === "boolean" ? [false, true] : param.choices;
      const names = (table.words && table.words[param.name]) || {};
      return el("select", attrs, choices.map((c) =>
        el("option", { value: String(c), selected: String(c) === String(value) }, names[String(c)] || String(c))));
    }
    if (param.type === "integer") {
      return el("input", { ...attrs, type: "number", class: "num", inputmode: "numeric", step: 1,
        min: param.min, max: param.max, value: value ?? "" });
    }
    const shown = Array.isArray(value) ? value.join(", ") : value ?? "";
    return el("input", { ...attrs, type: "text", class: param.type === "text" ? "wide" : "mid", value: shown, autocomplete: "off" });
  }

  function readParam(input) {
    const raw = input.value.trim();
    const kind = input.dataset.kind;
    if (kind === "boolean") return raw === "true";
    if (kind === "names") return raw ? raw.split(",").map((n) => n.trim()).filter(Boolean) : undefined;
    if (raw === "") return undefined; // left out: the API names what is required
    return kind === "integer" ? Number(raw) : raw;
  }

  function stepRow(kind, step) {
    const type = step.type;
    const table = (kind === "sources" ? SOURCES : FILTERS)[type] || { title: type, parts: [type] };
    const description = described(steps[kind], type);
    const title = kind === "sources" ? table.add : table.title;
    const sentence = el("div", { class: "sentence" });
    const parts = table.parts.some((p) => typeof p !== "string") || !description.parameters.length
      ? table.parts
      : [description.description, ...description.parameters.map((p) => ({ p: p.name }))];
    for (const part of parts) {
      if (typeof part === "string") { sentence.append(el("span", {}, part)); continue; }
      const param = description.parameters.find((p) => p.name === part.p);
      if (param) sentence.append(paramInput(param, table, step[param.name], `${title}: ${param.name.replace(/_/g, " ")}`));
    }
    const row = el("li", { class: "step", "data-type": type }, sentence,
      el("div", { class: "step-actions" },
        el("button", { type: "button", class: "quiet", "aria-label": `Move up: ${title}`, onclick: () => moveUp(row) }, "↑"),
        el("button", { type: "button", class: "quiet", "aria-label": `Remove: ${title}`, onclick: () => { row.remove(); syncEditor(); } }, "✕")));
    return row;
  }

  function moveUp(row) {
    if (row.previousElementSibling) row.previousElementSibling.before(row);
    syncEditor();
    row.querySelector(".step-actions button:not(:disabled)").focus(); // the row's, where it went
  }

  function readStep(row) {
    const step = { type: row.dataset.type };
    for (const input of row.querySelectorAll("[data-param]")) {
      const value = readParam(input);
      if (value !== undefined) step[input.dataset.param] = value;
    }
    return step;
  }

  // --- the editor ---

  function fillOrder(order) {
    const select = $("rule-order");
    const name = order ? order.algorithm : "";
    select.replaceChildren(el("option", { value: "" }, "Keep as is"),
      ...algorithms.map((a) => el("option", { value: a.name, selected: a.name === name }, a.title)));
    orderParams = order ? { [order.algorithm]: order.params || {} } : {};
  }

  function readOrder() {
    const name = $("rule-order").value;
    if (!name) return null;
    const params = orderParams[name] || (name === settings.default_algorithm ? settings.default_params : {});
    return { algorithm: name, params: params || {} };
  }

  function fillSink(sink) {
    const box = $("sink-modes");
    box.replaceChildren(...steps.sinks.map((s) => {
      const id = `sink-${s.type}`;
      const table = SINKS[s.type] || { parts: [s.description] };
      const [first, ...rest] = table.parts;
      const row = el("div", { class: "sentence" }, el("label", { for: id }, first));
      for (const part of rest) {
        if (typeof part === "string") { row.append(el("span", {}, part)); continue; }
        const param = s.parameters.find((p) => p.name === part.p);
        const input = paramInput(param, table, sink[part.p] ?? 5, "New tracks each run");
        input.dataset.place = `sink.${part.p}`;
        input.dataset.mode = s.type;
        row.append(input);
      }
      return el("div", { class: "choice" },
        el("input", { type: "radio", name: "sink-mode", id, value: s.type, checked: s.type === sink.mode }), row);
    }));
    $("use-max-size").checked = sink.max_size != null;
    $("max-size").value = sink.max_size ?? 300;
    const archive = sink.archive_playlist_id || "";
    $("use-archive").checked = Boolean(archive);
    const other = playlists.find((p) => p.id !== $("rule-target").value) || {};
    $("archive").replaceWith(playlistSelect(archive || other.id,
      { id: "archive", "aria-label": "Playlist that keeps what goes", "data-place": "sink.archive_playlist_id" }));
  }

  function readSink() {
    const mode = (document.querySelector('input[name="sink-mode"]:checked') || {}).value || "replace";
    const sink = { mode };
    for (const input of document.querySelectorAll(`#sink-modes [data-mode="${mode}"]`)) {
      const value = readParam(input);
      if (value !== undefined) sink[input.dataset.param] = value;
    }
    if ($("use-max-size").checked) sink.max_size = readParam($("max-size"));
    if ($("use-archive").checked) sink.archive_playlist_id = $("archive").value;
    return sink;
  }

  function syncEditor() {
    const sources = $("sources").children.length;
    $("combine-row").hidden = sources < 2;
    $("no-filters").hidden = $("filters").children.length > 0;
    for (const list of [$("sources"), $("filters")]) {
      [...list.children].forEach((row, i) => { row.querySelector(".step-actions button").disabled = i === 0; });
    }
    const mode = readSink().mode;
    for (const input of document.querySelectorAll("#sink-modes [data-mode]")) input.disabled = input.dataset.mode !== mode;
    $("max-size").disabled = !$("use-max-size").checked;
    $("archive").disabled = !$("use-archive").checked;
  }

  function readRule() {
    return {
      name: $("rule-name").value.trim(),
      target_playlist_id: $("rule-target").value,
      sources: [...$("sources").children].map(readStep),
      combine: $("rule-combine").value,
      filters: [...$("filters").children].map(readStep),
      order: readOrder(),
      sink: readSink(),
    };
  }

  /* Open the editor on a rule (saved, or a draft from a ready-made one). */
  function openEditor(rule, saved, focusOn) {
    editing = saved ? rule : null;
    $("editor-heading").textContent = saved ? `Edit “${rule.name}”` : "New rule";
    $("save-rule").textContent = saved ? "Save changes" : "Save rule";
    $("rule-name").value = rule.name || "";
    const target = $("rule-target");
    target.replaceWith(playlistSelect(rule.target_playlist_id || (playlists[0] || {}).id,
      { id: "rule-target", name: "target_playlist_id", "data-place": "target_playlist_id" }));
    $("sources").replaceChildren(...rule.sources.map((s) => stepRow("sources", s)));
    $("filters").replaceChildren(...rule.filters.map((f) => stepRow("filters", f)));
    $("rule-combine").value = rule.combine || "concat";
    fillOrder(rule.order);
    fillSink(rule.sink);
    clearErrors();
    $("editor-preview").hidden = true;
    $("editor").hidden = false;
    $("start").hidden = true;
    syncEditor();
    const focus = focusOn ? focusOn() : null;
    (focus || $("editor-heading")).focus();
    $("editor").scrollIntoView({ block: "start" });
  }

  function closeEditor() {
    $("editor").hidden = true;
    $("start").hidden = false;
    editing = null;
  }

  function addSource(type) {
    const start = type === "playlist" ? { playlist_id: (playlists[0] || {}).id } : type === "search" ? { limit: 10 } : {};
    const row = stepRow("sources", { type, ...start });
    $("sources").append(row);
    syncEditor();
    (row.querySelector("input, select") || row.querySelector("button")).focus();
  }

  function addFilter() {
    const type = $("filter-kind").value;
    const defaults = Object.fromEntries(described(steps.filters, type).parameters
      .filter((p) => p.default !== null).map((p) => [p.name, p.default]));
    const row = stepRow("filters", { type, ...defaults, ...(STARTS[type] || {}) });
    $("filters").append(row);
    syncEditor();
    row.querySelector("input, select").focus();
  }

  function buildEditorControls() {
    $("add-source").replaceChildren(el("span", { class: "add-label" }, "Add a source:"),
      ...steps.sources.map((s) => el("button", { type: "button", class: "quiet", "data-source": s.type,
        onclick: () => addSource(s.type) }, `+ ${(SOURCES[s.type] || { add: s.description }).add}`)));
    $("filter-kind").replaceChildren(...steps.filters.map((f) =>
      el("option", { value: f.type }, (FILTERS[f.type] || {}).title || f.description)));
  }

  // --- ready-made rules ---

  function defaultOrder() {
    return settings.default_algorithm ? { algorithm: settings.default_algorithm, params: settings.default_params || {} } : null;
  }

  function template(name) {
    const target = (playlists[0] || {}).id;
    const other = (playlists[1] || playlists[0] || {}).id;
    const [rule, focus] = {
      newest: [{ name: "Newest 100", sources: [{ type: "target" }], filters: [{ type: "limit", count: 100, from: "newest" }],
        order: null, sink: { mode: "replace" } }, () => $("rule-target")],
      morning: [{ name: "Morning raid", sources: [{ type: "playlist", playlist_id: other }], filters: [{ type: "dedupe", match: "same_song" }],
        order: null, sink: { mode: "append_new" }, offer: "morning" }, () => $("rule-target")],
      liked: [{ name: "Recent likes mix", sources: [{ type: "liked" }], filters: [{ type: "added_within_days", days: 30 }],
        order: defaultOrder() || { algorithm: "basic", params: {} }, sink: { mode: "replace" }, offer: "weekly" }, () => $("rule-target")],
      search: [{ name: "New from a search", sources: [{ type: "search", query: "", limit: 20 }], filters: [{ type: "dedupe", match: "same_song" }],
        order: null, sink: { mode: "inbox" } }, () => $("sources").querySelector('[data-param="query"]')],
      blank: [{ name: "", sources: [], filters: [], order: defaultOrder(), sink: { mode: "append_new" } }, () => $("rule-name")],
    }[name];
    offer = rule.offer || null;
    openEditor({ ...rule, target_playlist_id: target }, false, focus);
  }

  // --- errors: the API's message next to the input it names ---

  function clearErrors() {
    for (const node of document.querySelectorAll("#rule-form .field-error")) node.remove();
    for (const node of document.querySelectorAll('#rule-form [aria-invalid="true"]')) {
      node.removeAttribute("aria-invalid");
      node.removeAttribute("aria-describedby");
    }
    $("form-error").hidden = true;
    $("signin-needed").hidden = true;
  }

  /* The input a place names: "filters[2].days", "sink.count", "name". */
  function placed(message) {
    const match = /^([a-z_]+)(?:\[(\d+)\])?(?:\.([a-z_]+))?: (.+)$/s.exec(message);
    if (!match) return null;
    const [, field, index, param, text] = match;
    let input = null;
    if (index !== undefined && $(field)) {
      const row = $(field).children[Number(index)];
      input = row && (row.querySelector(`[data-param="${param}"]`) || row.querySelector("input, select"));
    } else {
      input = document.querySelector(`#rule-form [data-place="${param ? `${field}.${param}` : field}"]`);
    }
    return input ? { input, text } : null;
  }

  /* Where to sign in again when the API says a permission is missing (Liked Songs), or null. */
  function signinUrl(error) {
    const body = error.body || {};
    const url = body.signin_url || (body.error && body.error.signin_url);
    if (error.status !== 403 || !(url || /Liked Songs/.test(error.message))) return null;
    return url || "/login";
  }

  const sentence = (text) => text.replace(/^./, (c) => c.toUpperCase()).replace(/[^.]$/, "$&.");

  function showFormError(error) {
    const signin = signinUrl(error);
    if (signin) {
      $("signin-message").textContent = sentence(error.message);
      $("signin-link").href = signin;
      $("signin-needed").hidden = false;
      return;
    }
    $("form-error").textContent = error.message;
    $("form-error").hidden = false;
    const found = error.status === 400 ? placed(error.message) : null;
    if (!found) return;
    const id = `error-${Math.random().toString(36).slice(2)}`;
    found.input.setAttribute("aria-invalid", "true");
    found.input.setAttribute("aria-describedby", id);
    const holder = found.input.closest(".step, .sentence, .stack, fieldset");
    holder.append(el("p", { class: "field-error", id }, found.text));
    found.input.focus();
  }

  async function withForm(label, button, task) {
    clearErrors();
    return busy(label, async () => {
      try {
        return await task();
      } catch (error) {
        showFormError(error);
        throw error;
      }
    }, button);
  }

  // --- the preview: a diff of the playlist as it would be ---

  const trackName = (t) => `${t.name || "Untitled"}${t.artists && t.artists.length ? ` — ${t.artists.join(", ")}` : ""}`;

  /* Names for the preview's URIs: from the preview, or the playlists it read (cached then). */
  async function trackNames(rule, preview) {
    const names = new Map();
    const keep = (t) => { if (t && t.uri && t.name) names.set(t.uri, t); };
    Object.entries(preview.tracks || {}).forEach(([uri, t]) => keep({ uri, ...t }));
    (preview.staged || []).forEach(keep);
    const wanted = [...preview.added.slice(0, SHOWN), ...preview.removed.slice(0, SHOWN)]; // what is listed
    if (wanted.every((uri) => names.has(uri))) return names;
    const ids = new Set([rule.target_playlist_id, ...rule.sources.filter((s) => s.type === "playlist").map((s) => s.playlist_id)]);
    await Promise.all([...ids].map((id) => api("GET", `/api/playlists/${encodeURIComponent(id)}`)
      .then((p) => (p.tracks || []).forEach(keep)).catch(() => null))); // names are a nicety: unnamed tracks link
    return names;
  }

  /* A track by name, or a link to it on Spotify when the preview did not name it. */
  function trackItem(uri, t) {
    if (t) return el("li", { "data-uri": uri }, trackName(t));
    const [, kind, id] = uri.split(":");
    if (kind !== "track" && kind !== "episode") return el("li", { "data-uri": uri }, uri);
    return el("li", { "data-uri": uri }, el("a", { href: `https://open.spotify.com/${kind}/${encodeURIComponent(id)}`,
      target: "_blank", rel: "noopener" }, `${kind === "track" ? "Track" : "Episode"} ${id}`),
    el("span", { class: "muted small" }, " (open in Spotify)"));
  }

  function trackList(uris, names, cls, heading) {
    const shown = uris.slice(0, SHOWN).map((uri) => trackItem(uri, names.get(uri)));
    if (uris.length > SHOWN) shown.push(el("li", { class: "muted" }, `and ${plural(uris.length - SHOWN, "more track")}`));
    return el("section", { class: `diff-side ${cls}` },
      el("h4", {}, `${heading} (${uris.length.toLocaleString()})`),
      uris.length ? el("ol", {}, shown) : el("p", { class: "muted small" }, "None."));
  }

  function sourceLine(rule, report) {
    const source = rule.sources[report.index] || { type: "?" };
    const name = sentenceText(SOURCES[source.type] || { parts: [source.type] }, source);
    if (report.reason) return el("li", { class: "withheld" }, `${name}: not used, ${report.reason}.`);
    return el("li", {}, `${name}: ${plural(report.items, "track")}`);
  }

  async function renderPreview(box, rule, preview) {
    const names = await trackNames(rule, preview);
    const target = playlistName(rule.target_playlist_id);
    const nothing = !preview.added.length && !preview.removed.length;
    const staged = preview.staged || [];
    const total = plural(preview.track_uris.length, "track");
    const parts = [
      el("h3", {}, "Preview: what the rule would do now"),
      nothing
        ? el("p", { class: "summary" }, `Nothing would change in “${target}”: it keeps its ${total}.`)
        : el("p", { class: "summary" }, `“${target}” would have ${total}: `,
          el("strong", { class: "plus" }, `+${preview.added.length.toLocaleString()} added`), ", ",
          el("strong", { class: "minus" }, `−${preview.removed.length.toLocaleString()} removed`), "."),
      el("p", { class: "small muted" }, `Writing it would take about ${plural(preview.calls_estimate, "call")} to Spotify. Nothing is written by a preview.`),
      el("h4", {}, "Sources"),
      el("ul", { class: "source-report" }, preview.sources.map((r) => sourceLine(rule, r))),
      staged.length ? el("section", { class: "diff-side staged" },
        el("h4", {}, `Would wait in the inbox (${staged.length.toLocaleString()})`),
        el("ol", {}, staged.slice(0, SHOWN).map((t) => el("li", { "data-uri": t.uri }, trackName(t))))) : null,
      nothing ? null : el("div", { class: "diff" },
        trackList(preview.added, names, "added", "Added"),
        trackList(preview.removed, names, "removed", "Removed")),
      preview.archived && preview.archived.length
        ? el("p", {}, `${plural(preview.archived.length, "removed track")} would be moved to “${playlistName(rule.sink.archive_playlist_id)}” first.`)
        : null];
    box.replaceChildren(...parts.filter(Boolean));
    box.hidden = false;
  }

  async function previewDraft(button) {
    const rule = readRule();
    await withForm("Previewing…", button, async () => {
      const preview = await api("POST", "/api/rules/preview", rule);
      await renderPreview($("editor-preview"), rule, preview);
      say("Preview ready: nothing was written.");
      $("editor-preview").scrollIntoView({ block: "nearest" });
    });
  }

  async function saveDraft(event) {
    event.preventDefault();
    const rule = readRule();
    const saved = await withForm("Saving…", $("save-rule"), () => editing
      ? api("PUT", ruleUrl(editing), rule)
      : api("POST", "/api/rules", rule));
    if (!saved) return;
    const wasNew = !editing;
    closeEditor();
    await refresh();
    say(`Saved “${saved.name}”.`);
    if (wasNew && offer) showOffer(saved, offer);
    const card = document.querySelector(`[data-rule-id="${saved.id}"] h3`);
    if (card && $("offer").hidden) card.focus();
  }

  function showOffer(rule, timing) {
    const box = $("offer");
    box.replaceChildren(
      el("p", {}, `Saved “${rule.name}”. Run it automatically, ${TIMINGS[timing].words}?`),
      el("div", { class: "actions" },
        el("button", { type: "button", class: "primary", onclick: async (e) => {
          if (await schedule(rule, timing, e.currentTarget)) box.hidden = true;
        } }, `Yes, ${TIMINGS[timing].words}`),
        el("button", { type: "button", onclick: () => { box.hidden = true; } }, "Not now")));
    box.hidden = false;
    box.querySelector("button").focus();
  }

  // --- the list ---

  function scheduleOf(rule) {
    return schedules.find((s) => s.job_type === "rule" && s.rule_id === rule.id);
  }

  function timingWords(s) {
    const known = Object.values(TIMINGS).find((t) => t.schedule_type === s.schedule_type && t.schedule_value === s.schedule_value);
    if (known) return known.words;
    return s.schedule_type === "cron" ? `at the times of “${s.schedule_value}”` : INTERVALS[s.schedule_value] || s.schedule_value;
  }

  function badge(status) {
    const cls = status === "success" ? "ok" : status === "failed" ? "bad" : "warn";
    return el("span", { class: `badge ${cls}` }, status);
  }

  function lastRun(rule) {
    const run = rule.last_run;
    if (!run) return "never";
    return [when(run.finished_at || run.started_at || run.queued_at), " ", badge(run.status),
      run.message ? el("span", { class: "small muted" }, ` ${run.message}`) : null];
  }

  function nextRun(rule) {
    const s = scheduleOf(rule);
    if (!s) return "not scheduled";
    if (!s.is_enabled) return `paused (${timingWords(s)})`;
    return `${when(s.next_run_at)}, then ${timingWords(s)}`;
  }

  function sinkWords(sink) {
    const table = SINKS[sink.mode] || { short: sink.mode };
    let text = sink.mode === "drip" ? `Adds up to ${sink.count} new tracks each run` : table.short;
    if (sink.max_size) text += `, keeps at most ${sink.max_size.toLocaleString()}`;
    if (sink.archive_playlist_id) text += ` (the rest to “${playlistName(sink.archive_playlist_id)}”)`;
    return text;
  }

  function card(rule) {
    const label = rule.name;
    const panel = el("div", { class: "rule-panel", id: `panel-${rule.id}`, hidden: true, "aria-live": "polite" });
    const toggle = (name, text, extra) => el("button", { type: "button", "aria-expanded": "false", "aria-controls": panel.id,
      "data-panel": name, "aria-label": `${text}: ${label}`, onclick: (e) => showPanel(rule, name, panel, e.currentTarget) }, text, extra);
    const filters = rule.filters.map((f) => sentenceText(FILTERS[f.type] || { parts: [f.type] }, f));
    const item = el("li", { class: "rule", "data-rule-id": rule.id },
      el("h3", { tabindex: "-1" }, label),
      el("dl", {},
        el("dt", {}, "Playlist"), el("dd", {}, playlistName(rule.target_playlist_id)),
        el("dt", {}, "Sources"), el("dd", {}, rule.sources.map((s) => sentenceText(SOURCES[s.type] || { parts: [s.type] }, s)).join("; ")),
        filters.length ? [el("dt", {}, "Keeps"), el("dd", {}, filters.join("; "))] : null,
        el("dt", {}, "Does"), el("dd", {}, sinkWords(rule.sink)),
        el("dt", {}, "Last run"), el("dd", { class: "last-run" }, lastRun(rule)),
        el("dt", {}, "Next run"), el("dd", { class: "next-run" }, nextRun(rule))),
      el("div", { class: "actions" },
        el("button", { type: "button", "aria-label": `Edit ${label}`, onclick: () => openEditor(rule, true) }, "Edit"),
        toggle("preview", "Preview"),
        el("button", { type: "button", "aria-label": `Run ${label} now`, onclick: (e) => runNow(rule, panel, e.currentTarget) }, "Run now"),
        toggle("schedule", "Schedule"),
        toggle("runs", "Runs"),
        rule.sink.mode === "inbox" ? toggle("inbox", "Inbox") : null,
        el("button", { type: "button", class: "danger", "aria-label": `Delete ${label}`, onclick: (e) => remove(rule, e.currentTarget) }, "Delete")),
      panel);
    return item;
  }

  async function refresh() {
    const [ruleData, scheduleData] = await Promise.all([api("GET", "/api/rules"), api("GET", "/api/schedules")]);
    rules = ruleData.rules;
    schedules = scheduleData.schedules;
    $("rules-loading").hidden = true;
    $("rule-count").textContent = `(${rules.length} / ${ruleData.limit})`;
    $("rule-list").replaceChildren(...(rules.length ? rules.map(card)
      : [el("li", { class: "muted empty" }, "No rules yet: start from one of the ready-made rules.")]));
    for (const [id, name] of Object.entries(open)) {
      if (name === "preview") { delete open[id]; continue; } // a preview costs calls: only on request
      const rule = rules.find((r) => String(r.id) === id);
      const button = document.querySelector(`[data-rule-id="${id}"] [data-panel="${name}"]`);
      if (rule && button) showPanel(rule, name, $(`panel-${id}`), button, true);
    }
  }

  /* Show one panel (preview, schedule, runs, inbox) under a rule; the same button hides it. */
  async function showPanel(rule, name, panel, button, again) {
    const buttons = panel.parentElement.querySelectorAll("[data-panel]");
    if (!again && open[rule.id] === name) {
      delete open[rule.id];
      panel.hidden = true;
      button.setAttribute("aria-expanded", "false");
      return;
    }
    buttons.forEach((b) => b.setAttribute("aria-expanded", String(b === button)));
    open[rule.id] = name;
    panel.hidden = false;
    const fill = { preview: previewPanel, schedule: schedulePanel, runs: runsPanel, inbox: inboxPanel }[name];
    await busy("Loading…", () => fill(rule, panel), again ? undefined : button);
  }

  async function previewPanel(rule, panel) {
    panel.replaceChildren(el("p", { class: "muted" }, "Previewing…"));
    try {
      await renderPreview(panel, rule, await api("POST", ruleUrl(rule, "/preview")));
    } catch (error) {
      const signin = signinUrl(error);
      panel.replaceChildren(el("p", { class: "form-error" }, sentence(error.message)));
      if (signin) panel.append(el("a", { class: "button primary", href: signin }, "Sign in again"));
      throw error;
    }
  }

  function schedulePanel(rule, panel) {
    const s = scheduleOf(rule);
    if (s) {
      panel.replaceChildren(el("p", {}, `Runs ${timingWords(s)}; next ${s.is_enabled ? when(s.next_run_at) : "paused"}. `,
        el("a", { href: "/schedules" }, "Pause, change or delete it on the Schedules page"), "."));
      return;
    }
    const id = `timing-${rule.id}`;
    const select = el("select", { id }, Object.entries(TIMINGS).map(([value, t]) =>
      el("option", { value, selected: value === "daily" }, t.words.replace(/^./, (c) => c.toUpperCase()))));
    panel.replaceChildren(el("div", { class: "inline-form" },
      el("label", { for: id }, `Run “${rule.name}” automatically`), select,
      el("button", { type: "button", class: "primary", onclick: (e) => schedule(rule, select.value, e.currentTarget) }, "Create schedule")));
  }

  async function schedule(rule, timing, button) {
    const { words: text, ...timed } = TIMINGS[timing];
    const made = await busy("Creating the schedule…", () => api("POST", "/api/schedules",
      { job_type: "rule", rule_id: rule.id, ...timed }), button);
    if (!made) return false;
    await refresh();
    say(`Scheduled “${rule.name}”: it runs ${text}, next ${when(made.next_run_at)}.`);
    return true;
  }

  function runRow(run) {
    return el("tr", { "data-status": run.status },
      el("td", {}, when(run.finished_at || run.started_at || run.queued_at)),
      el("td", {}, badge(run.status)),
      el("td", {}, run.added ?? "—"), el("td", {}, run.removed ?? "—"), el("td", {}, run.total ?? "—"),
      el("td", {}, run.trigger === "manual" ? "by you" : "scheduled"),
      el("td", {}, run.message || ""));
  }

  async function runsPanel(rule, panel) {
    const data = await api("GET", ruleUrl(rule, "/runs"));
    if (!data.runs.length) { panel.replaceChildren(el("p", { class: "muted" }, "No runs yet.")); return data.runs; }
    panel.replaceChildren(el("div", { class: "runs" }, el("table", {},
      el("caption", { class: "visually-hidden" }, `Runs of ${rule.name}, newest first`),
      el("thead", {}, el("tr", {}, ["When", "Status", "Added", "Removed", "Total", "How", "Note"].map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, data.runs.slice(0, 10).map(runRow)))));
    return data.runs;
  }

  async function runNow(rule, panel, button) {
    await busy("Running now…", async () => {
      const queued = await api("POST", ruleUrl(rule, "/run"));
      say("Run queued: it starts within seconds.");
      for (let i = 0; i < POLL_TRIES; i += 1) {
        const run = (await api("GET", ruleUrl(rule, "/runs"))).runs.find((r) => r.id === queued.run_id);
        if (run && run.status !== "queued" && run.status !== "running") {
          open[rule.id] = "runs";
          await refresh();
          const counts = `${plural(run.added || 0, "track")} added, ${(run.removed || 0).toLocaleString()} removed`;
          if (run.status === "success") say(`“${rule.name}” ran: ${counts}.${run.message ? ` ${run.message}.` : ""}`);
          else if (run.status === "skipped") say(`“${rule.name}” skipped: ${run.message || "nothing changed"}.`);
          else fail(new Error(`“${rule.name}” failed: ${run.message || "no reason given"}`));
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
      say("The run has not finished yet: its runs will show it when it does.");
    }, button);
  }

  async function inboxPanel(rule, panel) {
    const items = (await api("GET", ruleUrl(rule, "/inbox"))).items;
    if (!items.length) {
      panel.replaceChildren(el("p", { class: "muted" }, "The inbox is empty: new tracks appear here after a run."));
      return;
    }
    const all = el("input", { type: "checkbox", id: `inbox-all-${rule.id}` });
    const boxes = items.map((item, i) => el("input", { type: "checkbox", id: `inbox-${rule.id}-${i}`, value: item.uri }));
    const chosen = () => boxes.filter((b) => b.checked).map((b) => b.value);
    const count = el("span", { class: "muted small", "aria-live": "polite" }, "None selected.");
    const sync = () => {
      const n = chosen().length;
      count.textContent = n ? `${plural(n, "track")} selected.` : "None selected.";
      all.checked = n === boxes.length;
      all.indeterminate = n > 0 && n < boxes.length;
      accept.disabled = dismiss.disabled = n === 0;
    };
    const act = (verb, done) => async (e) => {
      const uris = chosen();
      const answer = await busy(`${verb}…`, () => api("POST", ruleUrl(rule, `/inbox/${verb.toLowerCase()}`), { uris }), e.currentTarget);
      if (!answer) return;
      await inboxPanel(rule, panel);
      say(done(uris.length));
      const next = panel.querySelector(".inbox-list input");
      if (next) next.focus();
    };
    const accept = el("button", { type: "button", class: "primary", disabled: true,
      onclick: act("Accept", (n) => `Added ${plural(n, "track")} to “${playlistName(rule.target_playlist_id)}”.`) }, "Accept selected");
    const dismiss = el("button", { type: "button", disabled: true,
      onclick: act("Dismiss", (n) => `Dismissed ${plural(n, "track")}: this rule will not propose them again.`) }, "Dismiss selected");
    all.addEventListener("change", () => { boxes.forEach((b) => { b.checked = all.checked; }); sync(); });
    boxes.forEach((b) => b.addEventListener("change", sync));
    panel.replaceChildren(el("fieldset", { class: "inbox" },
      el("legend", {}, `New tracks waiting (${items.length.toLocaleString()})`),
      el("div", { class: "check-row all" }, all, el("label", { for: all.id }, "Select all")),
      el("ul", { class: "inbox-list" }, items.map((item, i) => el("li", { class: "check-row", "data-uri": item.uri },
        boxes[i], el("label", { for: boxes[i].id }, trackName(item))))),
      el("div", { class: "actions" }, accept, dismiss, count)));
  }

  async function remove(rule, button) {
    const scheduled = scheduleOf(rule) ? " and its schedule" : "";
    if (!window.confirm(`Delete the rule “${rule.name}”, its runs and inbox${scheduled}? The playlist stays as it is.`)) return;
    await busy("Deleting…", async () => {
      await api("DELETE", ruleUrl(rule));
      delete open[rule.id];
      if (editing && editing.id === rule.id) closeEditor();
      await refresh();
      say(`Deleted “${rule.name}”.`);
    }, button);
  }

  // --- start ---

  async function start() {
    const [stepData, playlistData, algorithmData, settingData] = await Promise.all([
      api("GET", "/api/rule-steps"), api("GET", "/api/playlists"), api("GET", "/api/algorithms"), api("GET", "/api/settings")]);
    steps = stepData;
    playlists = playlistData.playlists;
    algorithms = algorithmData.algorithms;
    settings = settingData.settings;
    buildEditorControls();
    for (const button of document.querySelectorAll("[data-template]")) button.disabled = false;
    await refresh();
  }

  for (const button of document.querySelectorAll("[data-template]")) {
    button.addEventListener("click", () => template(button.dataset.template));
  }
  $("rule-form").addEventListener("submit", saveDraft);
  $("rule-form").addEventListener("change", syncEditor);
  $("preview-rule").addEventListener("click", (e) => previewDraft(e.currentTarget));
  $("add-filter").addEventListener("click", addFilter);
  $("cancel-rule").addEventListener("click", () => { closeEditor(); $("start-heading").focus(); });
  busy("Loading your rules…", start);
})();

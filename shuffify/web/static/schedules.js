/* Schedules: the list with next and last runs (in the user's time zone), create and edit, pause
   and resume, run now, delete, and each schedule's history. A new schedule's algorithm is the
   user's default (data-default-algorithm and data-default-params, as on the dashboard). A rule's
   schedule (job_type "rule", made on the Rules page) is listed by the rule's name; here only its
   timing changes, the rule itself is edited on the Rules page. */
(function () {
  "use strict";
  const { api, say, fail, busy, el, plural, when, algorithmForm } = window.Shuffify;
  const $ = (id) => document.getElementById(id);
  const ZONE = document.documentElement.dataset.timezone || "UTC";
  const DEFAULTS = document.querySelector(".schedules").dataset;

  const JOBS = { shuffle: "Shuffle", raid: "Raid", raid_and_shuffle: "Raid and shuffle", snapshot: "Back up" };
  const INTERVALS = { every_6h: "Every 6 hours", every_12h: "Every 12 hours", daily: "Daily", every_3d: "Every 3 days", weekly: "Weekly" };
  const SHUFFLES = new Set(["shuffle", "raid_and_shuffle"]);
  const RAIDS = new Set(["raid", "raid_and_shuffle"]);
  const POLL_MS = 1000;
  const POLL_TRIES = 90;

  const list = $("schedule-list");
  const form = $("schedule-form");
  const submit = $("schedule-submit");
  const cancel = $("schedule-cancel");
  let playlists = [];
  let algorithmTitles = {};
  let ruleNames = new Map(); // rule id -> name, from GET /api/rules
  let inputs = null;
  let limit = 5;
  let count = 0;
  let editing = null; // the schedule being edited
  const openHistories = new Set();

  const playlistName = (id) => (playlists.find((p) => p.id === id) || {}).name || id;
  const targetName = (s) => s.target_playlist_name || playlistName(s.target_playlist_id);
  const ruleName = (s) => ruleNames.get(s.rule_id) || `#${s.rule_id}`;

  function label(s) {
    if (s.job_type === "rule") return `Rule “${ruleName(s)}” → ${targetName(s)}`;
    return `${JOBS[s.job_type] || s.job_type}: ${targetName(s)}`;
  }

  function what(s) {
    if (s.job_type === "rule") {
      return [`Runs the rule “${ruleName(s)}” on ${targetName(s)}. `,
        el("a", { href: "/rules" }, `Change the rule “${ruleName(s)}” on the Rules page`)];
    }
    const algorithm = s.algorithm_name ? algorithmTitles[s.algorithm_name] || s.algorithm_name : "";
    const sources = s.source_playlist_ids && s.source_playlist_ids.length
      ? plural(s.source_playlist_ids.length, "source") + ` (${s.source_playlist_ids.map(playlistName).join(", ")})`
      : "the playlist's upstream sources";
    if (s.job_type === "shuffle") return `Shuffle with ${algorithm}`;
    if (s.job_type === "raid") return `Add new tracks from ${sources}`;
    if (s.job_type === "snapshot") return "Keep a snapshot of the playlist when it has changed";
    return `Add new tracks from ${sources}, then shuffle with ${algorithm}`;
  }

  function timing(s) {
    return s.schedule_type === "cron" ? `Cron “${s.schedule_value}” (${s.timezone || ZONE})` : INTERVALS[s.schedule_value] || s.schedule_value;
  }

  /* A time of the API as <time>, written in the user's time zone (api.js's when). */
  function at(iso) {
    return iso ? el("time", { datetime: iso }, when(iso)) : "never";
  }

  function statusBadge(status) {
    if (!status) return null;
    const cls = status === "success" ? "ok" : status === "failed" ? "bad" : "warn";
    return el("span", { class: `badge ${cls}` }, status);
  }

  function card(s) {
    const name = label(s);
    const runs = el("div", { class: "runs", id: `runs-${s.id}`, hidden: !openHistories.has(s.id) });
    const historyButton = el("button", { type: "button", "aria-expanded": String(openHistories.has(s.id)), "aria-controls": `runs-${s.id}`,
      "aria-label": `History of ${name}` }, "History");
    historyButton.addEventListener("click", () => toggleHistory(s, runs, historyButton));
    const item = el("li", { class: "schedule", "data-schedule-id": s.id },
      el("h3", {}, name,
        el("span", { class: s.is_enabled ? "badge ok" : "badge paused" }, s.is_enabled ? "enabled" : "paused"),
        s.running ? el("span", { class: "badge warn" }, "running") : null),
      el("dl", {},
        el("dt", {}, "What"), el("dd", {}, what(s)),
        el("dt", {}, "When"), el("dd", {}, timing(s)),
        el("dt", {}, "Next run"), el("dd", {}, s.is_enabled ? at(s.next_run_at) : "paused"),
        el("dt", {}, "Last run"), el("dd", {}, at(s.last_run_at), " ", statusBadge(s.last_status)),
        s.last_error ? [el("dt", {}, "Last error"), el("dd", { class: "error-text" }, s.last_error)] : null),
      el("div", { class: "actions" },
        el("button", { type: "button", "aria-label": `Run ${name} now`, onclick: (e) => runNow(s, runs, historyButton, e.currentTarget) }, "Run now"),
        el("button", { type: "button", "aria-label": `${s.is_enabled ? "Pause" : "Resume"} ${name}`, onclick: (e) => setEnabled(s, !s.is_enabled, e.currentTarget) }, s.is_enabled ? "Pause" : "Resume"),
        el("button", { type: "button", "aria-label": `Edit ${name}`, onclick: () => edit(s) }, "Edit"),
        historyButton,
        el("button", { type: "button", class: "danger", "aria-label": `Delete ${name}`, onclick: (e) => remove(s, name, e.currentTarget) }, "Delete")),
      runs);
    if (openHistories.has(s.id)) showRuns(s, runs).catch(fail);
    return item;
  }

  /* The rules' names, read again when a schedule runs a rule this page does not know yet. */
  async function loadRuleNames(schedules) {
    if (!schedules.some((s) => s.job_type === "rule" && !ruleNames.has(s.rule_id))) return;
    const data = await api("GET", "/api/rules");
    ruleNames = new Map(data.rules.map((r) => [r.id, r.name]));
  }

  async function refresh() {
    const data = await api("GET", "/api/schedules");
    await loadRuleNames(data.schedules);
    limit = data.limit;
    count = data.schedules.length;
    $("schedules-loading").hidden = true;
    $("schedule-count").textContent = `(${count} / ${limit} configured)`;
    list.replaceChildren(...(count ? data.schedules.map(card) : [el("li", { class: "muted" }, "No schedules yet: create one with the form.")]));
    submit.disabled = !editing && count >= limit;
    submit.title = submit.disabled ? `At most ${limit} schedules: delete one first.` : "";
    return data.schedules;
  }

  // --- history ---

  function runRow(run) {
    return el("tr", { "data-status": run.status },
      el("td", {}, at(run.started_at)),
      el("td", {}, statusBadge(run.status)),
      el("td", {}, run.tracks_added ?? "—"),
      el("td", {}, run.tracks_total ?? "—"),
      el("td", {}, run.trigger),
      el("td", {}, run.error_message || ""));
  }

  async function showRuns(s, container, before) {
    const query = new URLSearchParams({ limit: "10" });
    if (before) query.set("before", before);
    const data = await api("GET", `/api/schedules/${encodeURIComponent(s.id)}/executions?${query}`);
    let body = container.querySelector("tbody");
    if (!before || !body) {
      body = el("tbody");
      container.replaceChildren(
        el("h4", {}, "Runs, newest first"),
        el("table", {}, el("thead", {}, el("tr", {}, ["Started", "Status", "Added", "Total", "Trigger", "Error"].map((h) => el("th", { scope: "col" }, h)))), body));
    }
    body.append(...data.executions.map(runRow));
    if (!data.executions.length && !before) container.replaceChildren(el("p", { class: "muted" }, "No runs yet."));
    const more = container.querySelector(".more");
    if (more) more.remove();
    if (data.next_before) {
      container.append(el("button", { type: "button", class: "more", onclick: (e) => busy("Loading older runs…", () => showRuns(s, container, data.next_before), e.currentTarget) }, "Older runs"));
    }
    return data.executions;
  }

  async function toggleHistory(s, container, button) {
    const open = container.hidden;
    container.hidden = !open;
    button.setAttribute("aria-expanded", String(open));
    if (open) {
      openHistories.add(s.id);
      await busy("Loading the history…", () => showRuns(s, container));
    } else {
      openHistories.delete(s.id);
    }
  }

  // --- actions ---

  async function runNow(s, container, historyButton, button) {
    await busy("Running now…", async () => {
      const queued = await api("POST", `/api/schedules/${encodeURIComponent(s.id)}/run`);
      say("Run queued: it starts within seconds.");
      openHistories.add(s.id);
      container.hidden = false;
      historyButton.setAttribute("aria-expanded", "true");
      for (let i = 0; i < POLL_TRIES; i += 1) {
        const runs = await showRuns(s, container);
        const run = runs.find((r) => r.id === queued.execution_id);
        if (run && run.status !== "queued" && run.status !== "running") {
          await refresh();
          const added = run.tracks_added ? `, ${plural(run.tracks_added, "track")} added` : "";
          if (run.status === "success") say(`The run finished: success${added}.`);
          else fail(new Error(`The run ${run.status}: ${run.error_message || "no reason given"}`));
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
      say("The run has not finished yet: its history will show it when it does.");
    }, button);
  }

  async function setEnabled(s, enabled, button) {
    await busy(enabled ? "Resuming…" : "Pausing…", async () => {
      await api("PATCH", `/api/schedules/${encodeURIComponent(s.id)}`, { is_enabled: enabled });
      await refresh();
      say(enabled ? "Resumed." : "Paused: it will not run until you resume it.");
    }, button);
  }

  async function remove(s, name, button) {
    if (!window.confirm(`Delete the schedule “${name}” and its history?`)) return;
    await busy("Deleting…", async () => {
      await api("DELETE", `/api/schedules/${encodeURIComponent(s.id)}`);
      openHistories.delete(s.id);
      if (editing && editing.id === s.id) stopEditing();
      await refresh();
      say(`Deleted “${name}”.`);
    }, button);
  }

  // --- the form ---

  function syncForm() {
    const job = editing && editing.job_type === "rule" ? "rule" : $("job-type").value;
    $("job-block").hidden = job === "rule";
    $("algorithm-block").hidden = !SHUFFLES.has(job);
    $("sources-fieldset").hidden = !RAIDS.has(job);
    const cron = $("timing-cron").checked;
    $("interval").disabled = cron;
    $("cron").disabled = !cron;
  }
  for (const id of ["job-type", "timing-interval", "timing-cron"]) $(id).addEventListener("change", syncForm);

  function fillPlaylists() {
    const target = $("target");
    target.replaceChildren(...(playlists.length
      ? playlists.map((p) => el("option", { value: p.id }, p.name))
      : [el("option", { value: "" }, "No playlists you can change")]));
    $("source-checkboxes").replaceChildren(...playlists.map((p) => {
      const id = `source-${p.id}`;
      return el("label", { for: id }, el("input", { type: "checkbox", id, name: "source", value: p.id }), p.name);
    }));
  }

  /* A rule's schedule: the form shows what it runs, and only its timing can change. */
  function showRule(s) {
    const note = $("rule-note");
    note.hidden = s.job_type !== "rule";
    if (note.hidden) note.replaceChildren();
    else note.replaceChildren(`This schedule runs the rule “${ruleName(s)}” on ${targetName(s)}: change when it runs here, `,
      el("a", { href: "/rules" }, "and what it does on the Rules page"), ".");
  }

  /* The form's job, target, sources and algorithm: those of s. */
  function fillJob(s) {
    $("job-type").value = s.job_type;
    if (!playlists.some((p) => p.id === s.target_playlist_id)) {
      $("target").append(el("option", { value: s.target_playlist_id }, s.target_playlist_name || s.target_playlist_id));
    }
    $("target").value = s.target_playlist_id;
    const own = new Set(playlists.map((p) => p.id));
    const ids = s.source_playlist_ids || [];
    for (const box of form.querySelectorAll('input[name="source"]')) box.checked = ids.includes(box.value);
    $("source-links").value = ids.filter((id) => !own.has(id)).join("\n");
    if (s.algorithm_name) inputs.set(s.algorithm_name, s.algorithm_params);
  }

  function edit(s) {
    const rule = s.job_type === "rule";
    editing = s;
    $("form-heading").textContent = `Edit: ${label(s)}`;
    submit.textContent = "Save changes";
    submit.disabled = false;
    cancel.hidden = false;
    showRule(s);
    if (!rule) fillJob(s);
    const cron = s.schedule_type === "cron";
    $(cron ? "timing-cron" : "timing-interval").checked = true;
    $(cron ? "cron" : "interval").value = s.schedule_value;
    syncForm();
    $(rule ? (cron ? "cron" : "interval") : "job-type").focus();
    say(rule ? `Editing when “${label(s)}” runs: change the form, then Save changes.`
      : `Editing “${targetName(s)}”: change the form, then Save changes.`);
  }

  /* The user's default algorithm and parameters, else the first algorithm's defaults. */
  function preselect() {
    if (DEFAULTS.defaultAlgorithm) inputs.set(DEFAULTS.defaultAlgorithm, JSON.parse(DEFAULTS.defaultParams || "{}"));
    else inputs.set($("algorithm").value);
  }

  function stopEditing() {
    editing = null;
    form.reset();
    showRule({});
    if (inputs) preselect();
    $("form-heading").textContent = "New schedule";
    submit.textContent = "Create schedule";
    cancel.hidden = true;
    submit.disabled = count >= limit;
    syncForm();
  }
  cancel.addEventListener("click", () => { stopEditing(); say("Editing cancelled."); });

  function timingBody() {
    const cron = $("timing-cron").checked;
    const data = { schedule_type: cron ? "cron" : "interval", schedule_value: cron ? $("cron").value.trim() : $("interval").value };
    if (cron && !data.schedule_value) throw new Error("Enter a cron expression, e.g. 0 7 * * 1-5.");
    return data;
  }

  /* The PATCH or POST body; a rule's schedule sends its timing only (the rule sets the rest). */
  function body() {
    if (editing && editing.job_type === "rule") return timingBody();
    const job = $("job-type").value;
    const target = $("target").value;
    if (!target) throw new Error("Choose the playlist to change.");
    const data = {
      job_type: job,
      target_playlist_id: target,
      target_playlist_name: $("target").selectedOptions[0].textContent,
      ...timingBody(),
      source_playlist_ids: [],
      algorithm_name: null,
      algorithm_params: {},
    };
    if (RAIDS.has(job)) {
      const checked = [...form.querySelectorAll('input[name="source"]:checked')].map((box) => box.value);
      const links = $("source-links").value.split(/\s+/).filter(Boolean);
      data.source_playlist_ids = [...checked, ...links];
    }
    if (SHUFFLES.has(job)) {
      const choice = inputs.read();
      data.algorithm_name = choice.algorithm;
      data.algorithm_params = choice.params;
    }
    return data;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    let data;
    try { data = body(); } catch (error) { fail(error); return; }
    const wasEditing = editing;
    await busy(wasEditing ? "Saving the schedule…" : "Creating the schedule…", async () => {
      if (wasEditing) await api("PATCH", `/api/schedules/${encodeURIComponent(wasEditing.id)}`, data);
      else await api("POST", "/api/schedules", data);
      stopEditing();
      await refresh();
      say(wasEditing ? "Schedule saved." : `Schedule created (${timing(data)}).`);
    }, submit);
    submit.disabled = !editing && count >= limit;
  });

  async function start() {
    syncForm();
    await busy("Loading your schedules…", async () => {
      const [mine, algorithms] = await Promise.all([api("GET", "/api/playlists"), window.Shuffify.algorithms()]);
      playlists = mine.playlists;
      algorithmTitles = Object.fromEntries(algorithms.map((a) => [a.name, a.title]));
      fillPlaylists();
      inputs = await algorithmForm($("algorithm"), $("params"), $("algorithm-description"), "schedule");
      preselect();
      await refresh();
    });
  }
  start();
})();

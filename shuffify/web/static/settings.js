/* The settings page (issue 23): every setting, saved with PATCH /api/settings (a refusal
   names its field, which is marked); the login sessions, ended one by one or all but this
   one; the last sign-ins and sign-outs. The theme applies as soon as it is saved. */
(function () {
  "use strict";
  const { api, say, fail, busy, el, when, algorithmForm } = window.Shuffify;

  const form = document.getElementById("settings-form");
  const errorBox = document.getElementById("settings-error");
  const saveButton = document.getElementById("settings-save");
  const keep = document.getElementById("keep-added-dates");
  const kept = document.getElementById("auto-snapshots-kept");
  const zone = document.getElementById("timezone");
  const theme = document.getElementById("theme");
  const algorithm = document.getElementById("algorithm");
  const sessionList = document.getElementById("sessions");
  const sessionsLoading = document.getElementById("sessions-loading");
  const signIns = document.getElementById("sign-ins");
  const endOthers = document.getElementById("end-others");
  const FIELDS = {
    default_algorithm: algorithm, default_params: document.getElementById("params"),
    keep_added_dates: keep, auto_snapshots_kept: kept, timezone: zone, theme,
  };
  let inputs = null;
  let othersLeft = 0;

  function showError(message, field) {
    for (const input of Object.values(FIELDS)) input.removeAttribute("aria-invalid");
    errorBox.hidden = !message;
    errorBox.textContent = message || "";
    if (field && FIELDS[field]) {
      FIELDS[field].setAttribute("aria-invalid", "true");
      const target = FIELDS[field].matches("fieldset") ? FIELDS[field].querySelector("input, select") : FIELDS[field];
      if (target) target.focus();
    }
  }

  function fill(settings) {
    if (settings.default_algorithm) inputs.set(settings.default_algorithm, settings.default_params || {});
    keep.checked = settings.keep_added_dates;
    kept.value = settings.auto_snapshots_kept;
    zone.value = settings.timezone;
    theme.value = settings.theme;
  }

  function apply(settings) {
    document.documentElement.dataset.theme = settings.theme;
    document.documentElement.dataset.timezone = settings.timezone;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!inputs) return;
    let choice;
    try { choice = inputs.read(); } catch (error) { showError(error.message, "default_params"); return; }
    const count = Number(kept.value);
    if (!Number.isInteger(count) || count < 1 || count > 200) {
      showError("Automatic snapshots kept: a whole number from 1 to 200.", "auto_snapshots_kept");
      return;
    }
    const body = {
      default_algorithm: choice.algorithm, default_params: choice.params,
      keep_added_dates: keep.checked, auto_snapshots_kept: count,
      timezone: zone.value.trim(), theme: theme.value,
    };
    await busy("Saving your settings…", async () => {
      try {
        const answer = await api("PATCH", "/api/settings", body);
        showError(null);
        apply(answer.settings);
        fill(answer.settings);
        say("Settings saved.");
        await loadSessions(); // times shown in the new time zone
      } catch (error) {
        const message = error.message || String(error);
        const field = Object.keys(FIELDS).find((name) => message.startsWith(name));
        showError(message, field);
        throw error;
      }
    }, saveButton);
  });

  function sessionItem(s) {
    const end = el("button", { type: "button", class: "quiet", "aria-label": `End the session of ${s.device}, signed in ${when(s.created_at)}` }, "End");
    end.addEventListener("click", async () => {
      await busy("Ending the session…", async () => {
        await api("DELETE", `/api/login-sessions/${s.id}`);
        say(`Ended the session on ${s.device}.`);
        await loadSessions();
      }, end);
    });
    return el("li", { class: "session", "data-session-id": s.id, "data-current": s.current ? "true" : null },
      el("div", {},
        el("strong", {}, s.device),
        s.current ? el("span", { class: "badge" }, "this browser") : null),
      el("p", { class: "small muted" }, `Signed in ${when(s.created_at)} · last used ${when(s.last_used_at)}`),
      s.current ? null : el("div", { class: "actions" }, end));
  }

  async function loadSessions() {
    const data = await api("GET", "/api/login-sessions");
    sessionsLoading.hidden = true;
    sessionList.replaceChildren(...data.sessions.map(sessionItem));
    othersLeft = data.sessions.filter((s) => !s.current).length;
    endOthers.disabled = othersLeft === 0;
    signIns.replaceChildren(...(data.history.length
      ? data.history.map((h) => el("li", {}, el("span", { class: "muted" }, when(h.at)), " ", h.summary))
      : [el("li", { class: "muted" }, "None yet.")]));
  }

  endOthers.addEventListener("click", async () => {
    if (!window.confirm("Sign out every other browser and device?")) return;
    await busy("Ending the other sessions…", async () => {
      const answer = await api("POST", "/api/login-sessions/end-others");
      say(answer.ended ? `Ended ${answer.ended} other session${answer.ended === 1 ? "" : "s"}.` : "There were no other sessions.");
      await loadSessions();
    }, endOthers);
    endOthers.disabled = othersLeft === 0; // busy() enabled it again
  });

  async function start() {
    await busy("Loading your settings…", async () => {
      const [data] = await Promise.all([
        api("GET", "/api/settings"),
        algorithmForm(algorithm, document.getElementById("params"), document.getElementById("algorithm-description"), "settings")
          .then((made) => { inputs = made; }),
      ]);
      fill(data.settings);
      await loadSessions();
    });
  }
  start().catch(fail);
})();

/* Spotify's limits on every signed-in page: a notice while Spotify has paused Shuffify, a
   reminder to sign in again before the six-month sign-in ends, and on the dashboard a
   gauge of the deployment's daily calls (a warning above 80%). Reads /api/status once. */
(function () {
  "use strict";
  const S = window.Shuffify;
  const box = document.getElementById("limits");
  if (!S || !box) return;

  const day = (iso) => new Date(iso).toLocaleDateString(undefined, { dateStyle: "medium" });
  const time = (iso) => new Date(iso).toLocaleString(undefined, { timeStyle: "short", dateStyle: "medium" });

  function notice(text, link) {
    const p = S.el("p", { class: "limit-notice", role: "note" }, text);
    if (link) p.append(" ", S.el("a", { href: "/login" }, link));
    box.append(p);
  }

  function gauge(spotify) {
    const share = Math.min(1, spotify.calls_24h / spotify.budget);
    const label = `Spotify calls in the last 24 hours: ${spotify.calls_24h} of ${spotify.budget}`;
    const meter = S.el("meter", { min: "0", max: String(spotify.budget), value: String(spotify.calls_24h),
      high: String(Math.round(spotify.budget * 0.8)), optimum: "0", "aria-label": label });
    const wrap = S.el("p", { class: "budget-gauge" }, meter, ` ${label}`);
    if (share >= 0.8) wrap.append(S.el("strong", {}, " Scheduled runs wait until the day's calls fall below 80%."));
    box.append(wrap);
  }

  function show(status) {
    const you = status.you;
    const spotify = status.spotify;
    if (spotify.paused_until) {
      notice(`Spotify has paused Shuffify until ${time(spotify.paused_until)}: nothing can be read or changed until then.`);
    }
    if (you.needs_signin) {
      notice("Your Spotify sign-in has ended: your schedules are held until you sign in again.", "Sign in again");
    } else if (you.signin_warning && you.signin_expires_at) {
      notice(`Sign in again before ${day(you.signin_expires_at)} to keep your schedules running.`, "Sign in again");
    }
    const who = document.querySelector(".who .user-name");
    if (who && you.signin_expires_at && !you.needs_signin) {
      who.title = `Spotify sign-in valid until ${day(you.signin_expires_at)}`;
      who.after(S.el("span", { class: "signin-valid" }, `Spotify sign-in valid until ${day(you.signin_expires_at)}`));
    }
    if (document.body.classList.contains("page-dashboard")) gauge(spotify);
    box.hidden = box.childElementCount === 0;
  }

  S.api("GET", "/api/status").then(show).catch(() => {});
})();

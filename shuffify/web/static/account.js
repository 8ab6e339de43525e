/* The privacy page's "Delete my account and all my data" button. */
(function () {
  "use strict";
  const { api, say, busy } = window.Shuffify;
  const button = document.getElementById("delete-account");
  if (!button) return;
  button.addEventListener("click", async () => {
    const sure = window.confirm(
      "Delete your Shuffify account and everything it keeps about you? This cannot be undone. " +
      "Your playlists on Spotify stay as they are.");
    if (!sure) return;
    const done = await busy("Deleting your account…", async () => {
      await api("DELETE", "/api/me");
      return true;
    }, button);
    if (done) {
      say("Your account and all your data are deleted.");
      window.location.assign("/?deleted=1");
    }
  });
})();

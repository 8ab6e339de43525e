/* The dashboard's "Import a playlist" (issue 19): the file goes up as multipart/form-data
   with the CSRF header, and becomes a new private playlist; "Export all" is a plain link. */
(function () {
  "use strict";
  const { ApiError, say, busy, el, plural } = window.Shuffify;

  const form = document.getElementById("import-form");
  if (!form) return;
  const csrfMeta = document.querySelector('meta[name="csrf-token"]');
  const result = document.getElementById("import-result");

  async function upload(data) {
    let response;
    try {
      response = await fetch("/api/import", {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRF-Token": csrfMeta ? csrfMeta.content : "" },
      });
    } catch (error) {
      throw new ApiError(0, "Shuffify did not answer: check your connection and try again.");
    }
    const body = await response.json().catch(() => null);
    if (!response.ok) {
      const message = body && body.error ? body.error.message : `The server answered ${response.status}.`;
      throw new ApiError(response.status, message, body);
    }
    return body;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const file = document.getElementById("import-file").files[0];
    if (!file) return;
    const data = new FormData();
    data.append("file", file, file.name);
    const name = document.getElementById("import-name").value.trim();
    if (name) data.append("name", name);
    result.replaceChildren();
    await busy(`Importing ${file.name}…`, async () => {
      const made = await upload(data);
      const skipped = made.skipped.length
        ? ` ${plural(made.skipped.length, "entry", "entries")} skipped: ${made.skipped.slice(0, 3).map((s) => `${s.line ? `line ${s.line}` : `item ${s.position + 1}`} (${s.reason})`).join("; ")}${made.skipped.length > 3 ? "; …" : ""}.`
        : "";
      say(`Imported “${made.name}”: ${plural(made.item_count, "track")}.${skipped}`);
      result.replaceChildren(
        el("a", { href: `/workshop/${encodeURIComponent(made.playlist_id)}` }, `Open “${made.name}” in the workshop`));
      form.reset();
    }, event.submitter);
  });
})();

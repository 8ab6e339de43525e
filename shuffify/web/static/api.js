/* Shuffify's shared helpers: calls to /api with the CSRF token, the status line and the
   progress indicator, DOM building without innerHTML, and algorithm forms. */
(function () {
  "use strict";

  const csrfMeta = document.querySelector('meta[name="csrf-token"]');
  const csrfToken = csrfMeta ? csrfMeta.content : "";
  const WRITES = new Set(["POST", "PUT", "PATCH", "DELETE"]);
  const IMAGE_HOST = /^(?:[a-z0-9-]+\.)*(?:scdn\.co|spotifycdn\.com)$/;

  class ApiError extends Error {
    constructor(status, message, body) {
      super(message);
      this.status = status;
      this.body = body;
    }
  }

  /* fetch as JSON; a non-2xx answer throws ApiError carrying the API's own message. */
  async function api(method, path, body) {
    const headers = { Accept: "application/json" };
    const init = { method, headers, credentials: "same-origin" };
    if (WRITES.has(method)) headers["X-CSRF-Token"] = csrfToken;
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, init);
    } catch (error) {
      throw new ApiError(0, "Shuffify did not answer: check your connection and try again.");
    }
    let data = null;
    try {
      data = await response.json();
    } catch (error) {
      data = null;
    }
    if (!response.ok) {
      let message = data && data.error && data.error.message;
      if (!message) message = `The server answered ${response.status} ${response.statusText}.`;
      if (response.status === 401) message += " Reload the page to sign in again.";
      throw new ApiError(response.status, message, data);
    }
    return data;
  }

  const statusBox = () => document.getElementById("status");

  function say(message) {
    const box = statusBox();
    if (!box) return;
    box.classList.remove("error");
    box.textContent = message;
  }

  function fail(error) {
    const box = statusBox();
    const message = error instanceof Error ? error.message : String(error);
    if (!(error instanceof ApiError)) console.warn(error); // a bug of ours, not an answer
    if (!box) return;
    box.classList.add("error");
    box.textContent = message;
  }

  let busyCount = 0;
  /* Run task() with the progress indicator showing label and the button disabled;
     its error goes to the status line. Resolves to task's result, or undefined on error. */
  async function busy(label, task, button) {
    const progress = document.getElementById("progress");
    const text = document.getElementById("progress-label");
    busyCount += 1;
    if (progress) {
      progress.hidden = false;
      text.textContent = label;
    }
    document.body.setAttribute("aria-busy", "true");
    if (button) button.disabled = true;
    try {
      return await task();
    } catch (error) {
      fail(error);
      return undefined;
    } finally {
      busyCount -= 1;
      if (button) button.disabled = false;
      if (busyCount === 0) {
        if (progress) progress.hidden = true;
        document.body.removeAttribute("aria-busy");
      }
    }
  }

  /* el("li", {class: "x", onclick: f}, "text", child): children are text or nodes. */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else if (name === "class") node.className = value;
      else if (value === true) node.setAttribute(name, "");
      else node.setAttribute(name, String(value));
    }
    for (const child of children.flat()) {
      if (child === undefined || child === null || child === false) continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  function allowedImage(url) {
    if (!url) return false;
    if (url.startsWith("data:image/")) return true;
    try {
      const parsed = new URL(url);
      return parsed.protocol === "https:" && IMAGE_HOST.test(parsed.hostname);
    } catch (error) {
      return false;
    }
  }

  /* A cover picture, or a grey placeholder when there is none or it fails to load. */
  function cover(url, size) {
    const cls = size === "small" ? "cover small" : "cover";
    const px = size === "small" ? 40 : 72;
    if (!allowedImage(url)) return el("span", { class: `${cls} placeholder`, "aria-hidden": "true" });
    const img = el("img", { class: cls, src: url, alt: "", width: px, height: px, loading: "lazy" });
    img.addEventListener("error", () => img.replaceWith(el("span", { class: `${cls} placeholder`, "aria-hidden": "true" })));
    return img;
  }

  function duration(ms) {
    if (typeof ms !== "number") return "";
    const seconds = Math.round(ms / 1000);
    return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
  }

  function plural(n, one, many) {
    return `${n.toLocaleString()} ${n === 1 ? one : many || one + "s"}`;
  }

  /* What writing an order costs in calls to Spotify, both ways ({replace, keep_added_dates},
     as /preview answers): the way the Keep Date Added switch (keep) picks is in bold. */
  function costNote(calls, keep) {
    if (!calls.replace && !calls.keep_added_dates) return ["Nothing to write: Spotify has this order already."];
    const way = (chosen, text) => el(chosen ? "strong" : "span", {}, text);
    const note = ["Calls to Spotify: ",
      way(keep, `Keep Date Added: ${plural(calls.keep_added_dates, "call")}`), " · ",
      way(!keep, `Fastest: ${plural(calls.replace, "call")}`)];
    if (calls.replace < calls.keep_added_dates) note.push(" (the fastest way sets every track’s Date Added to today)");
    return note;
  }

  const formats = new Map(); // time zone -> Intl.DateTimeFormat

  /* The formatter for the user's time zone (the timezone setting, on <html data-timezone>, read
     each time: the settings page changes it), or the browser's when there is none or this
     browser does not know it. */
  function userFormat() {
    const zone = document.documentElement.dataset.timezone || "";
    if (!formats.has(zone)) {
      const options = { dateStyle: "medium", timeStyle: "short" };
      let format;
      try {
        format = new Intl.DateTimeFormat(undefined, zone ? { ...options, timeZone: zone } : options);
      } catch (error) { // RangeError: a zone this browser's time zone data lacks
        format = new Intl.DateTimeFormat(undefined, options);
      }
      formats.set(zone, format);
    }
    return formats.get(zone);
  }

  /* An API timestamp (naive UTC, or with an offset) in the user's time zone. */
  function when(iso) {
    if (!iso) return "never";
    return userFormat().format(new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : iso + "Z"));
  }

  // --- algorithm forms, built from GET /api/algorithms ---

  let algorithmsPromise = null;
  function algorithms() {
    if (!algorithmsPromise) algorithmsPromise = api("GET", "/api/algorithms").then((d) => d.algorithms);
    algorithmsPromise.catch(() => { algorithmsPromise = null; });
    return algorithmsPromise;
  }

  const PARAM_LABELS = { seed: "Seed (optional)" };
  function paramLabel(p) {
    return PARAM_LABELS[p.name] || p.name.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());
  }

  /* Fill <select> with the algorithms and keep fieldset holding the chosen one's parameters.
     Returns {read(): {algorithm, params}, set(name, params)}. prefix keeps ids unique. */
  async function algorithmForm(select, fieldset, description, prefix) {
    const list = await algorithms();
    select.replaceChildren(...list.map((a) => el("option", { value: a.name }, a.title)));
    const byName = Object.fromEntries(list.map((a) => [a.name, a]));

    function draw(values) {
      const algorithm = byName[select.value];
      const legend = fieldset.querySelector("legend");
      fieldset.replaceChildren(legend);
      if (description) description.textContent = algorithm.description;
      for (const p of algorithm.parameters) {
        const id = `${prefix}-param-${p.name}`;
        const given = values && p.name in values ? values[p.name] : p.default;
        const hintId = `${id}-hint`;
        if (p.type === "boolean") {
          fieldset.append(el("div", { class: "param checkbox" },
            el("input", { type: "checkbox", id, name: p.name, checked: given === true, "aria-describedby": hintId }),
            el("label", { for: id }, paramLabel(p)),
            el("span", { class: "hint", id: hintId }, p.description)));
          continue;
        }
        let input;
        if (p.choices) {
          input = el("select", { id, name: p.name, "aria-describedby": hintId },
            p.choices.map((c) => el("option", { value: c, selected: c === given }, c)));
        } else if (p.type === "integer" || p.type === "number") {
          input = el("input", {
            type: "number", id, name: p.name, inputmode: p.type === "integer" ? "numeric" : "decimal",
            step: p.type === "integer" ? 1 : "any", min: p.min, max: p.max,
            value: given === null || given === undefined ? "" : given,
            placeholder: given === null ? "random" : undefined, "aria-describedby": hintId,
          });
        } else {
          input = el("input", { type: "text", id, name: p.name, value: given ?? "", "aria-describedby": hintId });
        }
        fieldset.append(el("div", { class: "param" },
          el("label", { for: id }, paramLabel(p)), input,
          el("span", { class: "hint", id: hintId }, p.description)));
      }
    }

    select.addEventListener("change", () => draw());
    draw();
    return {
      read() {
        const algorithm = byName[select.value];
        const params = {};
        for (const p of algorithm.parameters) {
          const input = fieldset.querySelector(`[name="${p.name}"]`);
          if (p.type === "boolean") { params[p.name] = input.checked; continue; }
          const raw = input.value.trim();
          if (raw === "") {
            if (p.default === null) continue; // optional: leave it out
            throw new Error(`${paramLabel(p)}: enter a value.`);
          }
          if (p.type === "integer" || p.type === "number") {
            const n = Number(raw);
            if (!Number.isFinite(n) || (p.type === "integer" && !Number.isInteger(n))) {
              throw new Error(`${paramLabel(p)} must be ${p.type === "integer" ? "a whole number" : "a number"}.`);
            }
            params[p.name] = n;
          } else {
            params[p.name] = raw;
          }
        }
        return { algorithm: algorithm.name, title: algorithm.title, params };
      },
      set(name, values) {
        if (!byName[name]) return;
        select.value = name;
        draw(values || {});
      },
    };
  }

  window.Shuffify = { api, ApiError, say, fail, busy, el, cover, duration, plural, when, costNote, algorithms, algorithmForm };
})();

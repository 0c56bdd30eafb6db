// The composer (partials/compose_form.html). Without this file the form posts its four file
// fields; with it: one "Add media" button, drag and drop, paste of images, thumbnails with a
// remove button and a gentle prompt for missing alt text, a live count as the server counts,
// the visibility's icon, and the "New post" dialog on any page (its draft kept in
// sessionStorage until it is published).

// Counting mirrors porina.posts.html (Mastodon's StatusLengthValidator): code points; a URL
// counts 23, a mention its @username part; the content warning counts too. The patterns are
// html.TOKEN_RE's, with Python's \s and \w spelled out (they differ from JavaScript's).
const SPACE = "\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const W = "\\p{L}\\p{N}_";
const ASCII = "A-Za-z0-9_\\u0130\\u0131"; // Python's [A-Za-z] ignoring case also takes İ and ı
const USER = `[${ASCII}]+(?:[.-]+[${ASCII}]+)*`;
const LETTERS = "A-Za-z0-9\\u0130\\u0131";
const DOMAIN = `[${LETTERS}](?:[${LETTERS}.-]*[${LETTERS}])?(?::\\p{Nd}+)?`;
const TOKEN = new RegExp(
  `(https?://[^${SPACE}<>"'\\u200b]+)` +
    `|((?<![${W}/@.])@(${USER})(?:@(${DOMAIN}))?)` +
    `|((?<![${W}/)#])#[${W}]*[\\p{L}\\p{Nl}\\p{No}_][${W}]*)`,
  "giu",
);
const EDGES = new RegExp(`^[${SPACE}]+|[${SPACE}]+$`, "gu");
const TRAILING = ".,:;!?'\"";

function trimUrl(url) {
  while (url && TRAILING.includes(url[url.length - 1])) url = url.slice(0, -1);
  const count = (c) => url.split(c).length - 1;
  while (url.endsWith(")") && count(")") > count("(")) url = url.slice(0, -1);
  return url;
}

export function countable(text, urlLength = 23) {
  const body = text.replace(/\r\n?/g, "\n");
  let out = "";
  let pos = 0;
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(body); m; m = TOKEN.exec(body)) {
    if (m[1]) {
      out += body.slice(pos, m.index) + "x".repeat(urlLength);
      pos = m.index + trimUrl(m[1]).length;
    } else if (m[2]) {
      out += body.slice(pos, m.index) + "@" + m[3];
      pos = m.index + m[2].length;
    } else {
      out += body.slice(pos, m.index + m[5].length);
      pos = m.index + m[5].length;
    }
  }
  return out + body.slice(pos);
}

export function length(text, spoiler = "", urlLength = 23) {
  return [...spoiler.replace(EDGES, "")].length + [...countable(text, urlLength)].length;
}

// Media: the form's four file fields stay what is sent; files picked, dropped or pasted are
// put into the free ones. Up to 4 photos, or one video or audio file (posts.content).
const isMedia = (file) => /^(image|video|audio)\//.test(file.type);
const isImage = (file) => file.type.startsWith("image/");

function say(form, message) {
  const out = form.querySelector("[data-compose-message]");
  if (!out) return;
  out.textContent = "";
  if (message) window.setTimeout(() => { out.textContent = message; }, 50);
}

function slotFile(slot) {
  const input = slot.querySelector("input[type=file]");
  return input.files && input.files[0];
}

function showSlot(slot) {
  const file = slotFile(slot);
  const thumb = slot.querySelector("[data-thumb]");
  const img = slot.querySelector("[data-preview]");
  const alt = slot.querySelector("[data-alt]");
  const area = alt.querySelector("textarea");
  slot.classList.toggle("filled", Boolean(file));
  thumb.hidden = !file;
  alt.hidden = !file;
  if (img.src) URL.revokeObjectURL(img.src);
  img.removeAttribute("src");
  img.hidden = !(file && isImage(file));
  if (file && isImage(file)) img.src = URL.createObjectURL(file);
  thumb.dataset.name = file && !isImage(file) ? file.name : "";
  slot.querySelector("[data-alt-hint]").hidden = !file || area.value.trim() !== "";
}

function setFile(slot, file) {
  const input = slot.querySelector("input[type=file]");
  const list = new DataTransfer();
  if (file) list.items.add(file);
  input.files = list.files;
  showSlot(slot);
}

function addFiles(form, files) {
  const slots = [...form.querySelectorAll("[data-compose-slot]")];
  const held = slots.map(slotFile).filter(Boolean);
  const wanted = [...files].filter(isMedia);
  if (!wanted.length) return;
  const all = held.concat(wanted);
  if (all.length > 1 && all.some((f) => !isImage(f))) {
    say(form, form.dataset.videoAlone);
    return;
  }
  const free = slots.filter((slot) => !slotFile(slot));
  if (wanted.length > free.length) say(form, form.dataset.tooMany);
  const placed = free.slice(0, wanted.length);
  placed.forEach((slot, i) => setFile(slot, wanted[i]));
  if (placed.length) placed[0].querySelector("[data-alt] textarea").focus();
}

function enhanceMedia(form) {
  const slots = form.querySelectorAll("[data-compose-slot]");
  slots.forEach((slot) => {
    const input = slot.querySelector("input[type=file]");
    const area = slot.querySelector("[data-alt] textarea");
    input.tabIndex = -1; // the Add media button stands in for the four fields
    input.addEventListener("change", () => {
      showSlot(slot);
      if (slotFile(slot)) area.focus();
    });
    area.addEventListener("input", () => {
      slot.querySelector("[data-alt-hint]").hidden = !slotFile(slot) || area.value.trim() !== "";
    });
    slot.querySelector("[data-remove]").addEventListener("click", () => {
      setFile(slot, null);
      area.value = "";
      say(form, "");
      form.querySelector("[data-add-media]").focus();
    });
    showSlot(slot);
  });
  const picker = document.createElement("input");
  picker.type = "file";
  picker.multiple = true;
  picker.accept = "image/*,video/*,audio/*";
  picker.hidden = true;
  picker.tabIndex = -1;
  picker.setAttribute("aria-hidden", "true");
  form.append(picker);
  picker.addEventListener("change", () => {
    addFiles(form, picker.files);
    picker.value = "";
  });
  const button = form.querySelector("[data-add-media]");
  button.hidden = false;
  button.addEventListener("click", () => picker.click());
  const hasFiles = (event) => event.dataTransfer && [...event.dataTransfer.types].includes("Files");
  form.addEventListener("dragover", (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    form.classList.add("dropping");
  });
  form.addEventListener("dragleave", (event) => {
    if (!form.contains(event.relatedTarget)) form.classList.remove("dropping");
  });
  form.addEventListener("drop", (event) => {
    form.classList.remove("dropping");
    if (!hasFiles(event)) return;
    event.preventDefault();
    addFiles(form, event.dataTransfer.files);
  });
  form.addEventListener("paste", (event) => {
    const files = event.clipboardData ? [...event.clipboardData.files].filter(isMedia) : [];
    if (!files.length) return;
    event.preventDefault();
    addFiles(form, files);
  });
}

function enhanceCounter(form) {
  const text = form.querySelector("[data-compose-text]");
  const warning = form.querySelector("[data-compose-cw]");
  const out = form.querySelector("[data-compose-count]");
  const max = parseInt(form.dataset.max || "500", 10);
  const urlLength = parseInt(form.dataset.urlLength || "23", 10);
  const update = () => {
    const left = max - length(text.value, warning ? warning.value : "", urlLength);
    out.textContent = String(left);
    out.classList.toggle("over", left < 0);
  };
  text.addEventListener("input", update);
  if (warning) warning.addEventListener("input", update);
  form.addEventListener("compose:restored", update);
  update();
}

function enhanceVisibility(form) {
  const select = form.querySelector("[data-compose-visibility]");
  const show = () => form.querySelectorAll("[data-visibility-icon]").forEach((icon) => {
    icon.hidden = icon.dataset.visibilityIcon !== select.value;
  });
  select.addEventListener("change", show);
  form.addEventListener("compose:restored", show);
}

// A draft (the dialog's form): kept in sessionStorage while the person writes, so closing the
// dialog or leaving the page by accident loses nothing; cleared when the form is sent.
const DRAFTED = ["status", "spoiler_text", "visibility", "language"];

function enhanceDraft(form) {
  const key = form.dataset.draft;
  if (!key) return;
  let saved = null;
  try { saved = JSON.parse(window.sessionStorage.getItem(key) || "null"); } catch (e) { saved = null; }
  if (saved && !form.elements.status.value) {
    DRAFTED.forEach((name) => { if (saved[name] && form.elements[name]) form.elements[name].value = saved[name]; });
    if (saved.spoiler_text) form.querySelector("details.cw").open = true;
    form.dispatchEvent(new Event("compose:restored"));
  }
  const save = () => {
    const draft = {};
    DRAFTED.forEach((name) => { if (form.elements[name]) draft[name] = form.elements[name].value; });
    try { window.sessionStorage.setItem(key, JSON.stringify(draft)); } catch (e) { /* storage full or off */ }
  };
  form.addEventListener("input", save);
  form.addEventListener("change", save);
  form.addEventListener("submit", () => window.sessionStorage.removeItem(key));
}

export function enhance(form) {
  if (form.dataset.enhanced) return;
  form.dataset.enhanced = "1";
  form.classList.add("js-compose");
  const offset = form.querySelector("[data-tz-offset]");
  if (offset) offset.value = String(new Date().getTimezoneOffset());
  enhanceMedia(form);
  enhanceCounter(form);
  enhanceVisibility(form);
  enhanceDraft(form);
}

// The "New post" dialog: links marked data-compose-dialog open the composer in place (fetched
// once, as the fragment /compose answers to htmx); without JavaScript they lead to /compose.
let dialog = null;

function closeButton() {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "icon-button";
  button.setAttribute("aria-label", document.body.dataset.closeLabel || "Close");
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("class", "icon");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("width", "20");
  svg.setAttribute("height", "20");
  const use = document.createElementNS("http://www.w3.org/2000/svg", "use");
  use.setAttribute("href", (document.body.dataset.sprite || "") + "#x");
  svg.append(use);
  button.append(svg);
  button.addEventListener("click", () => dialog.close());
  return button;
}

// Tab from the last control goes back to the first (and Shift+Tab the other way), rather than
// out to the browser's own controls.
const FOCUSABLE = "a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select, textarea, summary";

function trapFocus(box, event) {
  if (event.key !== "Tab") return;
  const items = [...box.querySelectorAll(FOCUSABLE)].filter((el) => el.offsetParent !== null && el.tabIndex >= 0);
  if (!items.length) return;
  const first = items[0];
  const last = items[items.length - 1];
  if (event.shiftKey && document.activeElement === first) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && document.activeElement === last) {
    event.preventDefault();
    first.focus();
  }
}

async function buildDialog(opener) {
  const answer = await fetch("/compose", { headers: { "hx-request": "true" }, credentials: "same-origin" });
  if (!answer.ok) throw new Error(`compose ${answer.status}`);
  const template = document.createElement("template");
  template.innerHTML = (await answer.text()).trim();
  const form = template.content.querySelector("form[data-compose]");
  if (!form) throw new Error("no compose form");
  const box = document.createElement("dialog");
  box.className = "compose-dialog";
  box.setAttribute("aria-labelledby", "compose-dialog-heading");
  const head = document.createElement("div");
  head.className = "compose-dialog-head";
  const title = document.createElement("h2");
  title.id = "compose-dialog-heading";
  title.textContent = (opener.textContent || "").trim();
  head.append(title, closeButton());
  box.append(head, form);
  box.addEventListener("click", (event) => { if (event.target === box) box.close(); });
  box.addEventListener("keydown", (event) => trapFocus(box, event));
  document.body.append(box);
  enhance(form);
  return box;
}

async function openDialog(opener) {
  try {
    dialog = dialog || (await buildDialog(opener));
  } catch (e) {
    window.location.href = opener.href;
    return;
  }
  dialog.showModal();
  const text = dialog.querySelector("[data-compose-text]");
  text.focus();
  text.setSelectionRange(text.value.length, text.value.length);
}

document.addEventListener("click", (event) => {
  const opener = event.target instanceof Element ? event.target.closest("a[data-compose-dialog]") : null;
  if (!opener || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  if (typeof HTMLDialogElement !== "function") return;
  event.preventDefault();
  openDialog(opener);
});

document.querySelectorAll("form[data-compose]").forEach(enhance);

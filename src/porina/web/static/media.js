/* Porina: photos in posts. Draws each image's blurhash behind it while it loads, and opens
   images in a lightbox (a modal <dialog>: focus stays inside, Esc closes, ← and → move between
   the post's photos, the alt text is shown under the photo). Without this file a photo's link
   opens the file itself. Also: menus close on a click elsewhere or Esc, and the theme button names the theme it switches to when the
   reader's system is dark and no choice was made yet. No inline script or style (CSP):
   styles are set through the CSSOM. */
import { decode } from "./vendor/blurhash-2.0.5.mjs";

const BLUR = 32;

function placeholder(item) {
  const hash = item.dataset.blurhash;
  if (!hash || item.dataset.blurDone) return;
  item.dataset.blurDone = "1";
  const img = item.querySelector("img");
  if (img && img.complete && img.naturalWidth) return;
  try {
    const pixels = decode(hash, BLUR, BLUR);
    const canvas = document.createElement("canvas");
    canvas.width = BLUR;
    canvas.height = BLUR;
    const context = canvas.getContext("2d");
    const data = context.createImageData(BLUR, BLUR);
    data.data.set(pixels);
    context.putImageData(data, 0, 0);
    item.style.backgroundImage = `url(${canvas.toDataURL()})`;
    item.classList.add("has-blur");
    if (img) img.addEventListener("load", () => item.classList.add("is-loaded"), { once: true });
  } catch (error) {
    /* a malformed hash only means no placeholder */
  }
}

function placeholders(root) {
  root.querySelectorAll("[data-blurhash]").forEach(placeholder);
}

/* The lightbox: built once, reused. */
let box = null;
let items = [];
let index = 0;

function text(name, fallback) {
  return document.body.dataset[name] || fallback;
}

function build() {
  box = document.createElement("dialog");
  box.className = "lightbox";
  box.setAttribute("aria-label", text("photoLabel", "Photo"));
  box.innerHTML = `
    <figure class="lightbox-figure">
      <img class="lightbox-image" alt="">
      <figcaption class="lightbox-alt"></figcaption>
    </figure>
    <button type="button" class="lightbox-button lightbox-prev" data-go="-1"></button>
    <button type="button" class="lightbox-button lightbox-next" data-go="1"></button>
    <button type="button" class="lightbox-button lightbox-close" data-close></button>`;
  const labels = { "-1": text("prevLabel", "Previous"), 1: text("nextLabel", "Next") };
  box.querySelectorAll("[data-go]").forEach((button) => {
    button.setAttribute("aria-label", labels[button.dataset.go]);
    button.title = labels[button.dataset.go];
    const name = button.dataset.go === "1" ? "chevron-right" : "chevron-left";
    button.append(spriteIcon(name));
  });
  const close = box.querySelector("[data-close]");
  close.setAttribute("aria-label", text("closeLabel", "Close"));
  close.title = text("closeLabel", "Close");
  close.append(spriteIcon("x"));
  box.addEventListener("click", (event) => {
    const go = event.target.closest("[data-go]");
    if (go) { show(index + Number(go.dataset.go)); return; }
    if (event.target.closest("[data-close]") || event.target === box) box.close();
  });
  box.addEventListener("keydown", (event) => {
    if (event.key === "Tab") {  /* keep focus in the lightbox, also past its last button */
      const buttons = [...box.querySelectorAll("button")].filter((b) => !b.hidden);
      const at = buttons.indexOf(document.activeElement);
      const next = (at + (event.shiftKey ? -1 : 1) + buttons.length) % buttons.length;
      event.preventDefault();
      buttons[next].focus();
      return;
    }
    if (event.key === "ArrowRight") { event.preventDefault(); show(index + 1); }
    if (event.key === "ArrowLeft") { event.preventDefault(); show(index - 1); }
  });
  box.addEventListener("close", () => {
    const opener = items[index];
    if (opener && opener.isConnected) opener.focus();
  });
  document.body.append(box);
}

function spriteIcon(name) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("class", "icon");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("width", "24");
  svg.setAttribute("height", "24");
  const use = document.createElementNS(ns, "use");
  const sprite = document.body.dataset.sprite || "/static/vendor/icons/sprite.svg";
  use.setAttribute("href", `${sprite}#${name}`);
  svg.append(use);
  return svg;
}

function show(at) {
  if (!items.length) return;
  index = (at + items.length) % items.length;
  const item = items[index];
  const image = box.querySelector(".lightbox-image");
  const caption = box.querySelector(".lightbox-alt");
  image.src = item.dataset.full || item.href;
  image.alt = item.dataset.alt || "";
  caption.textContent = item.dataset.alt || "";
  caption.hidden = !item.dataset.alt;
  const several = items.length > 1;
  box.querySelectorAll("[data-go]").forEach((button) => { button.hidden = !several; });
}

function open(item) {
  if (!box) build();
  const gallery = item.closest("[data-gallery]");
  items = gallery ? [...gallery.querySelectorAll("[data-lightbox]")] : [item];
  show(items.indexOf(item));
  box.showModal();
  box.querySelector("[data-close]").focus();
}

document.addEventListener("click", (event) => {
  const item = event.target.closest("[data-lightbox]");
  if (!item || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
  event.preventDefault();
  open(item);
});

/* Menus (<details>: the phone menu, a post's share menu) close on a click elsewhere or Esc. */
const MENUS = "details.phone-menu[open], details.share-menu[open]";
document.addEventListener("click", (event) => {
  document.querySelectorAll(MENUS).forEach((menu) => {
    if (!menu.contains(event.target)) menu.open = false;
  });
});
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  document.querySelectorAll(MENUS).forEach((menu) => {
    const inside = menu.contains(document.activeElement);
    menu.open = false;
    if (inside) menu.querySelector("summary").focus();
  });
});

/* The theme button: with no choice made, it switches away from what the system shows. */
const toggle = document.querySelector("[data-theme-toggle]");
if (toggle && !document.documentElement.dataset.theme &&
    window.matchMedia("(prefers-color-scheme: dark)").matches) {
  toggle.value = "light";
  toggle.setAttribute("aria-label", toggle.dataset.labelLight);
  toggle.title = toggle.dataset.labelLight;
}

placeholders(document);
document.addEventListener("htmx:afterSwap", (event) => placeholders(event.target));
new MutationObserver((records) => {
  records.forEach((record) => record.addedNodes.forEach((node) => {
    if (node.nodeType === 1) placeholders(node);
  }));
}).observe(document.body, { childList: true, subtree: true });

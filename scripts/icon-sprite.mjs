// Builds src/porina/web/static/vendor/icons/sprite.svg from the Lucide icons the pages use
// (lucide-static, pinned in package.json; ISC licence copied beside it). Run by `npm run vendor`.
// Pages draw an icon with <svg><use href="/static/vendor/icons/sprite.svg?v=…#name"></svg>
// (porina.web.icons), so each icon is downloaded once and cached.
import { readFileSync, writeFileSync, mkdirSync, copyFileSync } from "node:fs";

const ICONS = [
  "house", "compass", "search", "bell", "mail", "bookmark", "heart", "list", "user", "settings",
  "square-pen", "log-in", "log-out", "user-plus", "users", "moon", "sun", "message-circle",
  "repeat-2", "share-2", "ellipsis", "quote", "globe", "lock", "at-sign", "x", "chevron-left",
  "chevron-right", "trending-up", "hash", "store", "chart-column", "pencil", "link", "clock",
  "menu", "plus", "briefcase", "image", "languages",
];
const PAINT = 'fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"';
const source = "node_modules/lucide-static/icons";
const target = "src/porina/web/static/vendor/icons";
mkdirSync(target, { recursive: true });
const symbols = ICONS.map((name) => {
  const svg = readFileSync(`${source}/${name}.svg`, "utf8");
  const inner = svg.slice(svg.indexOf(">", svg.indexOf("<svg")) + 1, svg.lastIndexOf("</svg>"));
  const body = inner.split("\n").map((line) => line.trim()).filter(Boolean).join("");
  return `<symbol id="${name}" viewBox="0 0 24 24" ${PAINT}>${body}</symbol>`;
});
const version = JSON.parse(readFileSync("node_modules/lucide-static/package.json", "utf8")).version;
writeFileSync(
  `${target}/sprite.svg`,
  `<svg xmlns="http://www.w3.org/2000/svg"><!-- Lucide ${version}, ISC licence: LICENSE -->` +
    symbols.join("") + "</svg>\n",
);
copyFileSync("node_modules/lucide-static/LICENSE", `${target}/LICENSE`);

/* Porina: "verify it yourself" — recomputes a porina-draw-v1 proof in the browser
   (docs/draws.md), exactly as campaigns/draw.py and campaigns/proof.py do, with WebCrypto's
   SHA-256 and BigInt; no library. The differences are worded as `porina verify-draw` words
   them (English), or in Finnish.

   Module API:
     verify(doc)            -> Promise<[[key, params], ...]>  (empty: OK); throws ProofError
     check(doc, lang)       -> Promise<{ok, lines}>           lines worded in lang ("en"|"fi")
     wording(key, params, lang)
     accepted(value, total)  -> BigInt | null              (the rejection of the biased tail)
   Enhancement: a <button data-verify-draw data-proof-url="..." aria-controls="ID"> fetches the
   proof, checks it and writes the lines into the element ID (a live region). */

const ALGORITHM = "porina-draw-v1";
const SPACE = 1n << 256n;
const HEX64 = /^[0-9a-f]{64}$/;
const TICKETS = /^[1-9][0-9]*$/;
const LINE_BREAKS = /\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]/;
const encoder = new TextEncoder();

const WORDS = {
  en: {
    not_object: "proof: the document is not a JSON object",
    field: "proof: '{name}' is missing or not a {kind}",
    secret_hex: "proof: 'secret' is not 64 lower-case hex digits",
    item_acct: "proof: every item of '{name}' needs an 'acct'",
    item_counter: "proof: every item of '{name}' needs an integer 'counter'",
    wanted: "proof: 'winners_wanted' is not an integer",
    no_newline: "entries: the last line does not end with a newline",
    bad_line: "entries line {number}: not 'acct TAB tickets' ({line})",
    unsorted: "entries: lines are not sorted by acct as UTF-8 bytes without repeats",
    algorithm: "algorithm: expected {want}, got {got}",
    commitment: "commitment mismatch: sha256(secret) is {want}, the proof says {got}",
    entries_hash: "entries hash mismatch: sha256(entries) is {want}, the proof says {got}",
    canonical: "entries: the file is not in canonical form (see docs/draws.md)",
    count: "winners: expected {want} winners, got {got}",
    none_left: "{label}: no entrant is left to draw, got {acct} at counter {counter}",
    differs: "{label} differs: expected {want} at counter {want_counter}, got {acct} at counter {counter}",
    winner: "winner {k}",
    redraw: "re-draw {k}",
    ok: "OK: {winners} winners and {redraws} re-draws recomputed",
    fetch: "porina verify-draw: the proof could not be loaded ({status})",
    checking: "Checking…",
  },
  fi: {
    not_object: "todiste: asiakirja ei ole JSON-olio",
    field: "todiste: '{name}' puuttuu tai ei ole tyyppiä {kind}",
    secret_hex: "todiste: 'secret' ei ole 64 pienaakkosin kirjoitettua heksanumeroa",
    item_acct: "todiste: jokaisella kentän '{name}' kohdalla pitää olla 'acct'",
    item_counter: "todiste: jokaisella kentän '{name}' kohdalla pitää olla kokonaisluku 'counter'",
    wanted: "todiste: 'winners_wanted' ei ole kokonaisluku",
    no_newline: "osallistujat: viimeinen rivi ei pääty rivinvaihtoon",
    bad_line: "osallistujarivi {number}: ei muotoa 'acct TAB arvat' ({line})",
    unsorted: "osallistujat: rivit eivät ole acct-järjestyksessä UTF-8-tavuina ilman toistoja",
    algorithm: "algoritmi: odotettiin {want}, saatiin {got}",
    commitment: "sitoumus ei täsmää: sha256(secret) on {want}, todiste sanoo {got}",
    entries_hash: "osallistujien tiiviste ei täsmää: sha256(entries) on {want}, todiste sanoo {got}",
    canonical: "osallistujat: tiedosto ei ole kanonisessa muodossa (ks. docs/draws.md)",
    count: "voittajat: odotettiin {want} voittajaa, saatiin {got}",
    none_left: "{label}: ketään ei ole enää arvottavana, saatiin {acct} laskurilla {counter}",
    differs: "{label} eroaa: odotettiin {want} laskurilla {want_counter}, saatiin {acct} laskurilla {counter}",
    winner: "voittaja {k}",
    redraw: "uusinta-arvonta {k}",
    ok: "OK: {winners} voittajaa ja {redraws} uusinta-arvontaa laskettu uudelleen",
    fetch: "porina verify-draw: todistetta ei saatu ladattua ({status})",
    checking: "Tarkistetaan…",
  },
};

export class ProofError extends Error {
  constructor(key, params) {
    super(wording(key, params || {}, "en"));
    this.key = key;
    this.params = params || {};
  }
}

export function wording(key, params, lang) {
  const words = WORDS[lang] || WORDS.en;
  const nested = {};
  for (const [name, value] of Object.entries(params)) {
    nested[name] = Array.isArray(value) ? wording(value[0], value[1], lang) : value;
  }
  return words[key].replace(/\{(\w+)\}/g, (_, name) => String(nested[name]));
}

/* Python's repr() of a str, None or number, as the CLI's messages show them. */
function pyRepr(value) {
  if (value === undefined || value === null) return "None";
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value !== "string") return String(value);
  const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
  let out = "";
  for (const ch of value) {
    const code = ch.codePointAt(0);
    if (ch === "\\") out += "\\\\";
    else if (ch === quote) out += "\\" + ch;
    else if (ch === "\t") out += "\\t";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (code < 0x20 || code === 0x7f) out += "\\x" + code.toString(16).padStart(2, "0");
    else out += ch;
  }
  return quote + out + quote;
}

/* str(value) as an f-string shows it (None for a missing value). */
function pyStr(value) {
  return value === undefined || value === null ? "None" : String(value);
}

function hex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function fromHex(text) {
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function concat(a, b) {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}

function compareBytes(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/* ``user@Domain`` -> ``user@domain``: the part after the last "@" in lower case. */
export function normaliseAcct(acct) {
  const at = acct.lastIndexOf("@");
  return at < 0 ? acct : acct.slice(0, at + 1) + acct.slice(at + 1).toLowerCase();
}

function sortEntries(entries) {
  const normal = entries.map((e) => ({ acct: normaliseAcct(e.acct), tickets: e.tickets }));
  const keyed = normal.map((e) => ({ e, key: encoder.encode(e.acct) }));
  keyed.sort((x, y) => compareBytes(x.key, y.key));
  return keyed.map((k) => k.e);
}

export function entriesText(entries) {
  return sortEntries(entries)
    .map((e) => `${e.acct}\t${e.tickets}\n`)
    .join("");
}

function splitLines(text) {
  const lines = text.split(LINE_BREAKS);
  if (lines.length && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

function parseEntries(text) {
  const problems = [];
  const entries = [];
  if (text && !text.endsWith("\n")) problems.push(["no_newline", {}]);
  splitLines(text).forEach((line, index) => {
    const tab = line.lastIndexOf("\t");
    const acct = tab < 0 ? "" : line.slice(0, tab);
    const tickets = tab < 0 ? "" : line.slice(tab + 1);
    if (tab < 0 || !acct || !TICKETS.test(tickets)) {
      problems.push(["bad_line", { number: index + 1, line: pyRepr(line) }]);
      return;
    }
    entries.push({ acct, tickets: BigInt(tickets) });
  });
  const keys = entries.map((e) => encoder.encode(e.acct));
  for (let i = 1; i < keys.length; i++) {
    if (compareBytes(keys[i - 1], keys[i]) >= 0) {
      problems.push(["unsorted", {}]);
      break;
    }
  }
  return { entries, problems };
}

function field(doc, name, kind) {
  const value = doc[name];
  const ok = kind === "list" ? Array.isArray(value) : typeof value === "string";
  if (!ok) throw new ProofError("field", { name, kind });
  return value;
}

function picks(doc, name) {
  const items = field(doc, name, "list");
  for (const item of items) {
    if (!item || typeof item !== "object" || Array.isArray(item) || typeof item.acct !== "string") {
      throw new ProofError("item_acct", { name });
    }
    if (!Number.isInteger(item.counter)) throw new ProofError("item_counter", { name });
  }
  return items;
}

/* ``value mod total``, or null when ``value >= 2^256 - (2^256 mod total)`` (rejected). */
export function accepted(value, total) {
  if (value >= SPACE - (SPACE % total)) return null;
  return value % total;
}

/* Draws entrants one at a time over one counter sequence (initial winners, then re-draws). */
class Drawer {
  constructor(seed, entries) {
    this.remaining = sortEntries(entries);
    this.seed = seed;
    this.counter = 0;
  }

  async value(counter) {
    const block = new Uint8Array(8);
    new DataView(block.buffer).setBigUint64(0, BigInt(counter));
    return BigInt("0x" + hex(await sha256(concat(this.seed, block))));
  }

  async next() {
    const total = this.remaining.reduce((sum, e) => sum + e.tickets, 0n);
    if (total <= 0n) return null;
    for (;;) {
      const counter = this.counter++;
      const ticket = accepted(await this.value(counter), total);
      if (ticket === null) continue;
      let running = 0n;
      for (let i = 0; i < this.remaining.length; i++) {
        running += this.remaining[i].tickets;
        if (running > ticket) {
          const [winner] = this.remaining.splice(i, 1);
          return { acct: winner.acct, counter };
        }
      }
    }
  }

  async many(count) {
    const out = [];
    while (out.length < count) {
      const pick = await this.next();
      if (pick === null) break;
      out.push(pick);
    }
    return out;
  }
}

function compare(label, expected, got) {
  if (expected === null) {
    return [["none_left", { label, acct: got.acct, counter: got.counter }]];
  }
  if (expected.acct !== got.acct || expected.counter !== got.counter) {
    const params = { label, want: expected.acct, want_counter: expected.counter };
    return [["differs", { ...params, acct: got.acct, counter: got.counter }]];
  }
  return [];
}

async function header(doc, secret, data) {
  const problems = [];
  if (doc.algorithm !== ALGORITHM) {
    problems.push(["algorithm", { want: ALGORITHM, got: pyRepr(doc.algorithm) }]);
  }
  const commitment = hex(await sha256(secret));
  if (doc.commitment !== commitment) {
    problems.push(["commitment", { want: commitment, got: pyStr(doc.commitment) }]);
  }
  const digest = hex(await sha256(data));
  if (doc.entries_sha256 !== digest) {
    problems.push(["entries_hash", { want: digest, got: pyStr(doc.entries_sha256) }]);
  }
  return { problems, digest };
}

async function draws(doc, drawer) {
  const winners = picks(doc, "winners");
  const redraws = picks(doc, "redraws");
  const wanted = "winners_wanted" in doc ? doc.winners_wanted : winners.length;
  if (!Number.isInteger(wanted)) throw new ProofError("wanted", {});
  const expected = await drawer.many(wanted);
  const problems = [];
  if (expected.length !== winners.length) {
    problems.push(["count", { want: expected.length, got: winners.length }]);
  }
  const n = Math.min(expected.length, winners.length);
  for (let k = 0; k < n; k++) {
    problems.push(...compare(["winner", { k: k + 1 }], expected[k], winners[k]));
  }
  for (let k = 0; k < redraws.length; k++) {
    problems.push(...compare(["redraw", { k: k + 1 }], await drawer.next(), redraws[k]));
  }
  return problems;
}

/* Everything that differs between the proof and a recomputation, as [key, params] pairs;
   [] means OK. Throws ProofError when the document lacks the fields a proof needs. */
export async function verify(doc) {
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) throw new ProofError("not_object", {});
  const secretHex = field(doc, "secret", "str");
  if (!HEX64.test(secretHex)) throw new ProofError("secret_hex", {});
  const secret = fromHex(secretHex);
  const text = field(doc, "entries", "str");
  const parsed = parseEntries(text);
  const data = encoder.encode(text);
  const head = await header(doc, secret, data);
  const problems = parsed.problems.concat(head.problems);
  if (entriesText(parsed.entries) !== text) problems.push(["canonical", {}]);
  const seed = await sha256(concat(secret, fromHex(head.digest)));
  const drawer = new Drawer(seed, parsed.entries);
  return problems.concat(await draws(doc, drawer));
}

/* {ok, lines}: the lines `porina verify-draw` would print, in lang. */
export async function check(doc, lang) {
  try {
    const problems = await verify(doc);
    if (problems.length) return { ok: false, lines: problems.map(([k, p]) => wording(k, p, lang)) };
    const counts = { winners: doc.winners.length, redraws: doc.redraws.length };
    return { ok: true, lines: [wording("ok", counts, lang)] };
  } catch (error) {
    if (!(error instanceof ProofError)) throw error;
    return { ok: false, lines: [wording(error.key, error.params, lang)] };
  }
}

function show(output, result) {
  output.replaceChildren();
  output.dataset.result = result.ok ? "ok" : "differs";
  const list = document.createElement("ul");
  for (const line of result.lines) {
    const item = document.createElement("li");
    item.textContent = line;
    list.append(item);
  }
  output.append(list);
}

async function run(button) {
  const lang = document.documentElement.lang === "fi" ? "fi" : "en";
  const output = document.getElementById(button.getAttribute("aria-controls"));
  if (!output) return;
  output.dataset.result = "";
  output.textContent = wording("checking", {}, lang);
  button.disabled = true;
  try {
    const response = await fetch(button.dataset.proofUrl, { headers: { Accept: "application/json" } });
    if (!response.ok) {
      show(output, { ok: false, lines: [wording("fetch", { status: response.status }, lang)] });
      return;
    }
    show(output, await check(await response.json(), lang));
  } catch (error) {
    if (!(error instanceof SyntaxError || error instanceof TypeError)) throw error;
    show(output, { ok: false, lines: [wording("fetch", { status: error.message }, lang)] });
  } finally {
    button.disabled = false;
  }
}

function enhance() {
  for (const button of document.querySelectorAll("button[data-verify-draw]")) {
    button.hidden = false;
    button.addEventListener("click", () => run(button));
  }
}

if (typeof document !== "undefined") {
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", enhance);
  else enhance();
}

/* Porina desk, live: the inbox (/desk) and a conversation (/desk/conversations/:id) follow
   the brand's desk as the team works it, over /web/desk/stream (web/desk_stream.py: the
   session cookie, as live.js's /web/stream; no token in JavaScript).

   The stream carries ids, never text: on "desk.conversation" the page reads what changed
   through the desk pages themselves (htmx-style GET, answered with a fragment), which check
   access again. The inbox swaps its list in (keeping the focused row focused, so j/k/Enter
   go on working); the conversation replaces its status line and adds the new items below
   the others (forms and what is typed are never touched). "desk.presence" brings the words
   "Aino is viewing" / "Aino is typing a reply" for this conversation and the soft lock's
   warning in the reply form (it warns; sending still works).

   The conversation page announces itself: "viewing" now and every 10 s, "typing" while the
   reply is being written (back to "viewing" 5 s after the last key), and leaves when the
   page goes (not when one of its own forms is sent: the next page comes straight back).
   #desk-inbox / #desk-conversation get data-live="open" while the stream is open. */
(function () {
  "use strict";

  var inbox = document.getElementById("desk-inbox");
  var page = document.getElementById("desk-conversation");
  var root = inbox || page;
  if (!root || !window.EventSource || !window.fetch || !window.DOMParser) return;

  var conversation = page ? page.dataset.conversationId : null;
  var HEARTBEAT = 10000, TYPING_IDLE = 5000, COALESCE = 250;
  var stream = null, opened = false;

  function cookie(name) {
    var match = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return match ? decodeURIComponent(match[1]) : "";
  }

  function announce(message) {
    var live = document.getElementById("live");
    if (!live || !message) return;
    live.textContent = "";
    window.setTimeout(function () { live.textContent = message; }, 50);
  }

  /* ---- reading what changed: one fetch at a time, changes arriving meanwhile coalesced ---- */

  var busy = false, again = false, timer = null;

  function fragment(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "text/html", "HX-Request": "true" } })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) { return new DOMParser().parseFromString(html, "text/html"); });
  }

  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    var done = function () {
      busy = false;
      if (again) { again = false; refresh(); }
    };
    (inbox ? refreshInbox() : refreshConversation()).then(done, done);
  }

  function soon() {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, COALESCE);
  }

  function refreshInbox() {
    return fragment(window.location.pathname + window.location.search).then(function (doc) {
      var fresh = doc.getElementById("desk-list");
      var list = document.getElementById("desk-list");
      if (!fresh || !list) return;
      var focused = document.activeElement && document.activeElement.closest("#desk-list li.desk-row");
      var keep = focused ? focused.dataset.conversationId : null;
      list.replaceWith(fresh);
      if (keep) {
        var link = fresh.querySelector("li.desk-row[data-conversation-id='" + keep + "'] a.desk-row-link");
        if (link) link.focus({ preventScroll: true });
      }
    });
  }

  function refreshConversation() {
    return fragment("/desk/conversations/" + conversation).then(function (doc) {
      var meta = doc.getElementById("desk-meta"), shown = document.getElementById("desk-meta");
      if (meta && shown && meta.innerHTML !== shown.innerHTML) shown.replaceWith(meta);
      var items = document.getElementById("desk-items"), fresh = doc.getElementById("desk-items");
      if (!items || !fresh) return;
      var added = 0;
      Array.prototype.slice.call(fresh.children).forEach(function (node) {
        var id = node.dataset.itemId;
        var old = id && items.querySelector("li.desk-item[data-item-id='" + id + "']");
        if (!old) {
          items.appendChild(node);
          added++;
        } else if (!old.contains(document.activeElement) && old.innerHTML !== node.innerHTML) {
          old.replaceWith(node);
        }
      });
      if (added) announce(page.dataset.newItem);
    });
  }

  function onChanged(event) {
    var data = JSON.parse(event.data);
    if (inbox || String(data.conversation_id) === conversation) soon();
  }

  /* ---- presence: the line under the items and the warning in the reply form ---- */

  function onPresence(event) {
    var data = JSON.parse(event.data);
    if (String(data.conversation_id) !== conversation) return;
    var line = document.getElementById("desk-presence");
    if (line && line.textContent !== data.line) line.textContent = data.line;
    var warning = document.getElementById("desk-typing-warning");
    if (warning) {
      warning.textContent = data.typing;
      warning.hidden = !data.typing;
    }
  }

  /* ---- the stream; the browser reconnects by itself (retry: 3 s) ---- */

  function open() {
    stream = new EventSource(root.dataset.deskStream);
    stream.addEventListener("desk.conversation", onChanged);
    stream.addEventListener("desk.presence", onPresence);
    stream.addEventListener("open", function () {
      root.dataset.live = "open";
      if (opened) soon(); // back after a break: read what may have been missed
      opened = true;
    });
    stream.addEventListener("error", function () { root.dataset.live = "closed"; });
  }

  /* ---- this page's own presence ---- */

  var state = "viewing", beat = null, idle = null, sending = false;
  var presenceUrl = conversation ? "/desk/conversations/" + conversation + "/presence" : null;

  function tell(method, keepalive) {
    var headers = { "x-csrftoken": cookie("porina_csrf") };
    var init = { method: method, credentials: "same-origin", headers: headers, keepalive: !!keepalive };
    if (method === "POST") {
      headers["content-type"] = "application/x-www-form-urlencoded";
      init.body = "state=" + state;
    }
    return fetch(presenceUrl, init).catch(function () { /* the next heartbeat tries again */ });
  }

  function become(next) {
    if (state === next) return;
    state = next;
    tell("POST");
  }

  function startBeating() {
    window.clearInterval(beat);
    tell("POST");
    beat = window.setInterval(function () { tell("POST"); }, HEARTBEAT);
  }

  if (presenceUrl) {
    document.addEventListener("input", function (event) {
      if (!event.target || event.target.id !== "desk-reply-text") return;
      become(event.target.value.trim() ? "typing" : "viewing");
      window.clearTimeout(idle);
      idle = window.setTimeout(function () { become("viewing"); }, TYPING_IDLE);
    });
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (form && form.getAttribute("method") === "post" && page.contains(form)) sending = true;
    });
  }

  window.addEventListener("pagehide", function () {
    if (stream) stream.close();
    window.clearInterval(beat);
    if (presenceUrl && !sending) tell("DELETE", true);
  });
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    sending = false;
    open();
    if (presenceUrl) startBeating();
    soon();
  });

  open();
  if (presenceUrl) startBeating();
})();

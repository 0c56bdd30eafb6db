/* Porina live updates (signed-in pages): one cookie-authenticated event stream, /web/stream,
   of ready-rendered HTML and small JSON (web/stream.py). The page tells the stream what it
   shows: its feed (data-feed), the posts on it (data-status-id) and its profile
   (data-followers-of). Counts change in place; a feed's new posts wait behind the
   "n new posts" button so the page never jumps; the reader's own posts appear at once.
   Inserted nodes get a bubbling "porina:inserted" event (app.js enables their share buttons). */
(function () {
  "use strict";

  var body = document.body;
  if (!body.dataset.stream || !window.EventSource) return;

  var feed = document.querySelector("[data-feed]");
  var pill = document.getElementById("new-posts");
  var profile = document.querySelector("[data-followers-of]");
  var notes = document.querySelector("[data-live=notifications]");
  var conversations = document.querySelector("[data-live=conversations]");
  var pending = [];
  var stream = null;

  function fromHTML(html) {
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  }

  function announce(message) {
    var live = document.getElementById("live");
    if (!live || !message) return;
    live.textContent = "";
    window.setTimeout(function () { live.textContent = message; }, 50);
  }

  function inserted(node) {
    if (window.htmx) window.htmx.process(node);
    node.dispatchEvent(new CustomEvent("porina:inserted", { bubbles: true }));
  }

  function address() {
    var ids = [];
    document.querySelectorAll("[data-status-id]").forEach(function (node) {
      var id = node.dataset.statusId;
      if (ids.indexOf(id) < 0 && ids.length < 200) ids.push(id);
    });
    var query = new URLSearchParams();
    if (feed) query.set("timeline", feed.dataset.feed);
    if (ids.length) query.set("watch", ids.join(","));
    if (profile) query.set("account", profile.dataset.followersOf);
    var text = query.toString();
    return body.dataset.stream + (text ? "?" + text : "");
  }

  /* Counts: the numbers (compact) and the controls' names ("Like, 1 234"). */
  function setCount(bar, kind, value) {
    var count = bar.querySelector("[data-count=" + kind + "]");
    if (!count || !value) return;
    count.textContent = value.text;
    count.classList.toggle("is-zero", value.text === "0");
    var control = count.closest("[aria-label]");
    if (!control) return;
    var name = control.getAttribute("aria-label");
    var cut = name.lastIndexOf(", ");
    control.setAttribute("aria-label", (cut < 0 ? name : name.slice(0, cut)) + ", " + value.label);
  }

  function onCounts(event) {
    JSON.parse(event.data).forEach(function (post) {
      var selector = "[id='actions-" + post.id + "']";
      var bars = Array.prototype.slice.call(document.querySelectorAll(selector));
      pending.forEach(function (node) { bars = bars.concat(Array.prototype.slice.call(node.querySelectorAll(selector))); });
      bars.forEach(function (bar) {
        ["replies", "reblog", "favourite"].forEach(function (kind) { setCount(bar, kind, post[kind]); });
      });
    });
  }

  function onFollowers(event) {
    var data = JSON.parse(event.data);
    document.querySelectorAll("[data-followers-of='" + data.id + "']").forEach(function (node) {
      node.textContent = data.text;
    });
  }

  /* New posts of the feed: counted on the button, shown when it is pressed. */
  function fresh(html) {
    var node = fromHTML(html);
    if (!node || document.getElementById(node.id)) return null;
    for (var i = 0; i < pending.length; i++) if (pending[i].id === node.id) return null;
    return node;
  }

  function place(node) {
    feed.querySelectorAll(":scope > .empty").forEach(function (empty) { empty.remove(); });
    feed.prepend(node);
    inserted(node);
  }

  function showPill() {
    var button = pill && pill.querySelector("[data-show-new]");
    if (!button) return;
    var n = pending.length;
    button.hidden = n === 0;
    button.textContent = n === 1 ? pill.dataset.one : (pill.dataset.other || "").replace("{n}", String(n));
  }

  function showNew() {
    var newest = pending[pending.length - 1];
    pending.forEach(place);
    pending = [];
    showPill();
    if (!newest) return;
    newest.setAttribute("tabindex", "-1");
    newest.scrollIntoView({ block: "start" });
    newest.focus({ preventScroll: true });
  }

  function onUpdate(event) {
    var node = feed && fresh(event.data);
    if (!node) return;
    pending.push(node);
    showPill();
  }

  function onMine(event) {
    var node = feed && fresh(event.data);
    if (node) place(node);
  }

  function onDelete(event) {
    document.querySelectorAll("[data-status-id='" + event.data + "']").forEach(function (node) {
      node.remove();
    });
    pending = pending.filter(function (node) { return node.dataset.statusId !== event.data; });
    showPill();
  }

  /* Notifications and direct messages: the newest on top, or a badge on other pages. */
  function replaceOrPrepend(list, node) {
    var old = node.id && document.getElementById(node.id);
    if (old) old.remove();
    list.prepend(node);
    inserted(node);
  }

  function onNotification(event) {
    var node = fromHTML(event.data);
    if (notes && node) replaceOrPrepend(notes, node);
    if (!notes) {
      document.querySelectorAll("[data-notification-badge]").forEach(function (badge) {
        badge.textContent = String((parseInt(badge.textContent || "0", 10) || 0) + 1);
        badge.hidden = false;
      });
    }
    if (node) announce(node.dataset.summary || node.textContent.trim().slice(0, 140));
  }

  function onConversation(event) {
    var node = fromHTML(event.data);
    if (conversations && node) replaceOrPrepend(conversations, node);
    if (node) announce(node.dataset.summary || "");
  }

  var handlers = {
    update: onUpdate, mine: onMine, "delete": onDelete, counts: onCounts,
    followers: onFollowers, notification: onNotification, conversation: onConversation
  };

  /* The browser reconnects by itself after a network error (retry: 3 s); body[data-streaming]
     says whether the stream is open (tests wait for it). */
  function open() {
    stream = new EventSource(address());
    Object.keys(handlers).forEach(function (name) { stream.addEventListener(name, handlers[name]); });
    stream.addEventListener("open", function () { body.dataset.streaming = "open"; });
    stream.addEventListener("error", function () { body.dataset.streaming = "closed"; });
  }

  if (pill) {
    pill.addEventListener("click", function (event) {
      if (event.target.closest("[data-show-new]")) showNew();
    });
  }
  open();
  window.addEventListener("pagehide", function () { stream.close(); });
  window.addEventListener("pageshow", function (event) { if (event.persisted) open(); });
})();

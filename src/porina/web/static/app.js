/* Porina: progressive enhancement for the server-rendered pages. Every page works without
   this file; with it, buttons update in place (htmx), timelines and notifications arrive live,
   and posts can be copied and shared. No inline script anywhere (the CSP forbids it). */
(function () {
  "use strict";

  var body = document.body;

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

  function fromHTML(html) {
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content;
  }

  /* htmx: send the CSRF token with every request; show failures in the live region. */
  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["x-csrftoken"] = cookie("porina_csrf");
  });
  document.addEventListener("htmx:responseError", function (event) {
    var text = event.detail.xhr && event.detail.xhr.responseText;
    announce(text && text.length < 300 ? text : body.dataset.error);
  });
  document.addEventListener("htmx:sendError", function () { announce(body.dataset.error); });

  /* Copy link and the device's share sheet (Web Share API). */
  function absolute(url) { return new URL(url, window.location.href).href; }

  document.addEventListener("click", function (event) {
    var copy = event.target.closest("[data-copy]");
    if (copy) {
      var url = absolute(copy.dataset.copy);
      var done = function () { announce(body.dataset.copied); };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(url).then(done, function () { fallbackCopy(url); done(); });
      } else {
        fallbackCopy(url);
        done();
      }
      return;
    }
    var share = event.target.closest("[data-share]");
    if (share && navigator.share) {
      navigator.share({ title: share.dataset.shareTitle || document.title, url: absolute(share.dataset.share) })
        .catch(function () { /* the person closed the share sheet */ });
      return;
    }
    var showNew = event.target.closest("[data-show-new]");
    if (showNew) {
      var feed = document.getElementById("feed");
      pending.forEach(function (node) { feed.prepend(node); });
      pending = [];
      document.getElementById("new-posts").hidden = true;
      feed.querySelector(".status a") && feed.querySelector(".status a").focus();
    }
  });

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "offscreen";
    body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } catch (e) { /* nothing more to try */ }
    body.removeChild(area);
  }

  function enableShare(root) {
    if (!navigator.share) return;
    root.querySelectorAll("[data-share]").forEach(function (button) { button.hidden = false; });
  }
  enableShare(document);
  document.addEventListener("htmx:afterSwap", function (event) { enableShare(event.target); });

  document.querySelectorAll(".embed-code").forEach(function (area) {
    area.addEventListener("focus", function () { area.select(); });
  });

  /* Compose: the writer's time zone for "publish later". */
  document.querySelectorAll("[data-tz-offset]").forEach(function (input) {
    input.value = String(new Date().getTimezoneOffset());
  });

  /* Live updates: a cookie-authenticated event stream of ready-rendered HTML. */
  var pending = [];
  if (body.dataset.stream && window.EventSource) {
    var stream = new EventSource(body.dataset.stream);
    var feed = document.querySelector("[data-live=home]");
    var notes = document.querySelector("[data-live=notifications]");
    var conversations = document.querySelector("[data-live=conversations]");
    var badges = document.querySelectorAll("[data-notification-badge]");

    stream.addEventListener("update", function (event) {
      if (!feed) return;
      var node = fromHTML(event.data).firstElementChild;
      if (!node || document.getElementById(node.id)) return;
      if (window.scrollY < 200) {
        feed.prepend(node);
        htmx.process(node);
        enableShare(node);
      } else {
        pending.push(node);
        document.getElementById("new-posts").hidden = false;
      }
    });
    stream.addEventListener("delete", function (event) {
      document.querySelectorAll("[data-status-id='" + event.data + "']").forEach(function (node) {
        node.remove();
      });
    });
    stream.addEventListener("notification", function (event) {
      var node = fromHTML(event.data).firstElementChild;
      if (notes && node) {
        var old = node.id && document.getElementById(node.id);
        if (old) old.remove();
        notes.prepend(node);
        htmx.process(node);
      }
      if (!notes) {
        badges.forEach(function (badge) {
          badge.textContent = String((parseInt(badge.textContent || "0", 10) || 0) + 1);
          badge.hidden = false;
        });
      }
      if (node) announce(node.dataset.summary || node.textContent.trim().slice(0, 140));
    });
    stream.addEventListener("conversation", function (event) {
      var node = fromHTML(event.data).firstElementChild;
      if (conversations && node) {
        var old = node.id && document.getElementById(node.id);
        if (old) old.remove();
        conversations.prepend(node);
      }
      if (node) announce(node.dataset.summary || "");
    });
    window.addEventListener("beforeunload", function () { stream.close(); });
  }
})();

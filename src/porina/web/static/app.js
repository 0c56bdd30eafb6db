/* Porina: progressive enhancement for the server-rendered pages. Every page works without
   this file; with it, buttons update in place (htmx) and posts can be copied and shared
   (live updates: live.js). No inline script anywhere (the CSP forbids it). */
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
    var copy = event.target.closest("[data-copy], [data-copy-text]");
    if (copy) {
      /* data-copy: a link, made absolute; data-copy-text: text copied as it is (a snippet) */
      var url = copy.hasAttribute("data-copy-text") ? copy.dataset.copyText : absolute(copy.dataset.copy);
      var done = function () { announce(copy.dataset.copied || body.dataset.copied); };
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

  /* Live updates are live.js (signed-in pages); what it inserts gets its share button. */
  document.addEventListener("porina:inserted", function (event) { enableShare(event.target); });
})();

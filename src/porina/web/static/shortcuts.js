/* Porina: keyboard shortcuts for signed-in pages, as in Mastodon's web app.
     j / k      focus the next / previous post (scrolled into view)
     Enter, o   open the focused post
     r          reply to it        f  like it        b  boost it
     n          new post (the composer dialog, static/compose.js)
     ?          this list (<dialog id="shortcuts-help">, partials/shortcuts_help.html); Esc closes
   Keys typed in a field (input, textarea, select, contenteditable), with Ctrl, Alt or Meta, or
   while a dialog is open are left alone. */
(function () {
  "use strict";

  var POSTS = "article.status";

  function posts() {
    return Array.prototype.filter.call(document.querySelectorAll("main " + POSTS), function (el) {
      return el.offsetParent !== null;
    });
  }

  function current() {
    var active = document.activeElement;
    return active && active.closest ? active.closest(POSTS) : null;
  }

  /* The first post whose bottom is below the top of the window: where j starts. */
  function firstInView(list) {
    for (var i = 0; i < list.length; i++) {
      if (list[i].getBoundingClientRect().bottom > 0) return i;
    }
    return list.length - 1;
  }

  function move(step) {
    var list = posts();
    if (!list.length) return;
    var at = list.indexOf(current());
    var next = at < 0 ? firstInView(list) : Math.min(Math.max(at + step, 0), list.length - 1);
    var post = list[next];
    if (!post.hasAttribute("tabindex")) post.setAttribute("tabindex", "-1");
    post.focus({ preventScroll: true });
    post.scrollIntoView({ block: "nearest" });
  }

  function press(selector) {
    var post = current();
    var target = post && post.querySelector(selector);
    if (target && !target.disabled) target.click();
  }

  function typing(target) {
    if (!(target instanceof Element)) return false;
    return target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
  }

  var ACTIONS = {
    j: function () { move(1); },
    k: function () { move(-1); },
    o: function () { press("a.when"); },
    r: function () { press(".action-reply"); },
    f: function () { press("button.action-favourite"); },
    b: function () { press("button.action-reblog"); },
    n: function () {
      var opener = document.querySelector("a[data-compose-dialog]");
      if (opener) opener.click();
    },
    "?": function () {
      var help = document.getElementById("shortcuts-help");
      if (help && !help.open) help.showModal();
    }
  };

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.altKey || event.metaKey) return;
    if (typing(event.target) || document.querySelector("dialog[open]")) return;
    var key = event.key;
    /* Enter opens the post only when the post itself has focus (not a link or button in it). */
    if (key === "Enter" && event.target.matches && event.target.matches(POSTS)) key = "o";
    var action = Object.prototype.hasOwnProperty.call(ACTIONS, key) ? ACTIONS[key] : null;
    if (!action) return;
    event.preventDefault();
    action();
  });
})();

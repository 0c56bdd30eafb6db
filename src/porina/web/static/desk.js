/* Porina desk: keyboard shortcuts on /desk and /desk/conversations/:id.
     j / k   next / previous conversation in the list (its link gets focus; Enter opens it)
     a       assign the conversation to me       e  resolve it
     r       focus the reply                      n  focus the internal note
   "?" (static/shortcuts.js) shows them with the other shortcuts. This listener runs before
   shortcuts.js's and marks the keys it handles, so "n" focuses the note instead of opening
   the composer. Keys typed in a field, with Ctrl, Alt or Meta, or while a dialog is open are
   left alone.
   The saved-reply picker (form#desk-saved-reply) works without JS: it reloads the page with
   ?saved_reply=ID and the server fills the reply. Here choosing one fetches that same page
   and inserts its filled text at the cursor of #desk-reply-text, keeping what was typed. */
(function () {
  "use strict";

  function typing(target) {
    if (!(target instanceof Element)) return false;
    return target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
  }

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("#desk-list li.desk-row a.desk-row-link"));
  }

  function move(step) {
    var list = rows();
    if (!list.length) return false;
    var at = list.indexOf(document.activeElement);
    var next = at < 0 ? 0 : Math.min(Math.max(at + step, 0), list.length - 1);
    list[next].focus();
    list[next].scrollIntoView({ block: "nearest" });
    return true;
  }

  function click(id) {
    var button = document.getElementById(id);
    if (!button || button.disabled) return false;
    button.click();
    return true;
  }

  function focus(id) {
    var field = document.getElementById(id);
    if (!field) return false;
    field.focus();
    return true;
  }

  var ACTIONS = {
    j: function () { return move(1); },
    k: function () { return move(-1); },
    a: function () { return click("desk-assign-me"); },
    e: function () { return click("desk-resolve"); },
    r: function () { return focus("desk-reply-text"); },
    n: function () { return focus("desk-note-text"); }
  };

  function insertSaved(picker) {
    var field = document.getElementById("desk-reply-text");
    var form = picker.form;
    if (!field || !form || !picker.value || !window.fetch || !window.DOMParser) return false;
    var url = form.getAttribute("action").split("#")[0] + "?saved_reply=" + encodeURIComponent(picker.value);
    fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var filled = page.getElementById("desk-reply-text");
        if (!filled || !filled.value) return;
        var start = field.selectionStart || 0, end = field.selectionEnd || 0;
        field.value = field.value.slice(0, start) + filled.value + field.value.slice(end);
        field.focus();
        field.selectionStart = field.selectionEnd = start + filled.value.length;
        picker.value = "";
      })
      .catch(function () { form.submit(); });
    return true;
  }

  document.addEventListener("submit", function (event) {
    if (event.target && event.target.id === "desk-saved-reply") {
      var picker = document.getElementById("desk-saved-reply-pick");
      if (picker && insertSaved(picker)) event.preventDefault();
    }
  });

  document.addEventListener("change", function (event) {
    if (event.target && event.target.id === "desk-saved-reply-pick") insertSaved(event.target);
  });

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.altKey || event.metaKey) return;
    if (typing(event.target) || document.querySelector("dialog[open]")) return;
    var action = Object.prototype.hasOwnProperty.call(ACTIONS, event.key) ? ACTIONS[event.key] : null;
    if (action && action()) event.preventDefault();
  });
})();

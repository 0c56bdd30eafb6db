// Account pages: an irreversible action's confirm step opens as a <dialog> in place of the
// confirm page its link leads to (that page stays the way without JavaScript); a time field
// given in UTC (data-utc) shows the writer's local time, as app.js sends their offset; the
// current settings tab is scrolled into view.
(function () {
  "use strict";
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  document.querySelectorAll("input[data-utc]").forEach(function (input) {
    var at = new Date(input.getAttribute("data-utc"));
    if (isNaN(at.getTime())) return;
    input.value = at.getFullYear() + "-" + pad(at.getMonth() + 1) + "-" + pad(at.getDate()) +
      "T" + pad(at.getHours()) + ":" + pad(at.getMinutes());
    var offset = input.form && input.form.querySelector("[data-tz-offset]");
    if (offset) offset.value = String(new Date().getTimezoneOffset());
  });
  // On a phone the settings tabs scroll sideways: bring the current one into view.
  var nav = document.querySelector(".settings-nav");
  var here = nav && nav.querySelector("[aria-current]");
  if (here && nav.scrollWidth > nav.clientWidth) {
    nav.scrollLeft = here.offsetLeft - nav.offsetLeft - (nav.clientWidth - here.offsetWidth) / 2;
  }
  document.addEventListener("click", function (event) {
    var link = event.target instanceof Element ? event.target.closest("a[data-confirm]") : null;
    if (!link) return;
    var dialog = document.getElementById(link.getAttribute("data-confirm"));
    if (!dialog || typeof dialog.showModal !== "function") return;
    event.preventDefault();
    dialog.showModal();
  });
})();

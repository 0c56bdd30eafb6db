// A campaign's page (web/newsletter_campaign_pages.py): while it sends, its figures and
// progress bar refresh every two seconds from …/progress; when its state changes (sent,
// paused by its bounces), the page loads again to show what can be done next.
(function () {
  "use strict";
  var panel = document.getElementById("campaign-progress");
  if (!panel || panel.getAttribute("data-state") !== "sending") return;
  var url = panel.getAttribute("data-progress");
  function show(found) {
    panel.querySelectorAll("[data-field]").forEach(function (node) {
      var key = node.getAttribute("data-field");
      if (key === "done") {
        node.max = found.recipients;
        node.value = found.sent + found.failed;
      } else if (key in found) {
        node.textContent = typeof found[key] === "number" ? found[key].toLocaleString(document.documentElement.lang || undefined) : found[key];
      }
    });
    if (found.state !== "sending") window.location.reload();
  }
  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (found) { if (found) show(found); })
      .catch(function () { /* offline for a moment: the next tick tries again */ })
      .then(function () { window.setTimeout(poll, 2000); });
  }
  window.setTimeout(poll, 2000);
})();

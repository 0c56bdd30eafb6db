// The content calendar (pages/calendar.html): drag a post to another day to reschedule it.
// Each movable post has a small form with a date input (it works without JavaScript); a drop
// fills that form's date with the day dropped on and sends it, so both ways are one request.
(function () {
  "use strict";
  var calendar = document.getElementById("calendar");
  if (!calendar) return;
  var dragged = null;

  calendar.addEventListener("dragstart", function (event) {
    var entry = event.target.closest && event.target.closest("[data-move-form]");
    if (!entry) return;
    dragged = entry;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", entry.id);
  });

  calendar.addEventListener("dragend", function () {
    dragged = null;
    calendar.querySelectorAll(".drop-target").forEach(function (cell) {
      cell.classList.remove("drop-target");
    });
  });

  calendar.addEventListener("dragover", function (event) {
    var cell = event.target.closest && event.target.closest("[data-date]");
    if (!dragged || !cell) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    cell.classList.add("drop-target");
  });

  calendar.addEventListener("dragleave", function (event) {
    var cell = event.target.closest && event.target.closest("[data-date]");
    if (cell && !cell.contains(event.relatedTarget)) cell.classList.remove("drop-target");
  });

  calendar.addEventListener("drop", function (event) {
    var cell = event.target.closest && event.target.closest("[data-date]");
    if (!dragged || !cell) return;
    event.preventDefault();
    var form = document.getElementById(dragged.getAttribute("data-move-form"));
    var input = form && form.querySelector("input[name=date]");
    if (!input || input.value === cell.getAttribute("data-date")) return;
    input.value = cell.getAttribute("data-date");
    cell.querySelector(".calendar-entries").appendChild(dragged);
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
  });
})();

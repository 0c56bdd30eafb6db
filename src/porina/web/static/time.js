/* Porina: times in the reader's words and time zone. The server writes every time as
   <time datetime="2026-12-04T14:56:00.000Z" data-time="STYLE" title="…">text in UTC</time>
   (web/templating.py time_tag); this script rewrites the text in the page's language
   (<html lang>) and the browser's time zone, and the title as the full absolute time:
     short     a post header: 5m, 3h, 2d, then the date ("Dec 4")
     ago       5 minutes ago, yesterday, 2 days ago, then the date
     datetime  Dec 4, 2026, 4:56 PM
     long      December 4, 2026 at 4:56 PM (a post's own page)
   Relative times are refreshed every minute. Times added to the page later (live posts,
   htmx swaps) are found by a MutationObserver; a script that inserts them may also call
   window.porinaTime.refresh(root) itself (root: an element, default the document). */
(function () {
  "use strict";

  var MINUTE = 60e3, HOUR = 60 * MINUTE, DAY = 24 * HOUR, WEEK = 7 * DAY;
  var lang = document.documentElement.lang || "en";
  var formats = {};

  function format(key, make) {
    if (!formats[key]) formats[key] = make();
    return formats[key];
  }

  function dateTime(options) {
    return format(JSON.stringify(options), function () {
      return new Intl.DateTimeFormat(lang, options);
    });
  }

  function unit(name) {
    return format("unit-" + name, function () {
      return new Intl.NumberFormat(lang, { style: "unit", unit: name, unitDisplay: "narrow" });
    });
  }

  var relative = format("relative", function () {
    return new Intl.RelativeTimeFormat(lang, { numeric: "auto" });
  });

  /* The largest whole unit of a distance in ms: [count, "minute"]. */
  function parts(ms) {
    var size = Math.abs(ms);
    if (size < MINUTE) return [Math.round(ms / 1e3), "second"];
    if (size < HOUR) return [Math.round(ms / MINUTE), "minute"];
    if (size < DAY) return [Math.round(ms / HOUR), "hour"];
    return [Math.round(ms / DAY), "day"];
  }

  function shortDate(date, now) {
    var options = { month: "short", day: "numeric" };
    if (date.getFullYear() !== now.getFullYear()) options.year = "numeric";
    return dateTime(options).format(date);
  }

  var TIME = { hour: "numeric", minute: "2-digit" };
  var WRITE = {
    short: function (date, now) {
      var ms = now - date;
      if (Math.abs(ms) >= WEEK) return shortDate(date, now);
      var p = parts(Math.max(ms, 1e3));
      return unit(p[1]).format(p[0]);
    },
    ago: function (date, now) {
      var ms = date - now;
      if (Math.abs(ms) >= WEEK) return shortDate(date, now);
      var p = parts(ms);
      return relative.format(p[0], p[1]);
    },
    datetime: function (date) {
      return dateTime(Object.assign({ year: "numeric", month: "short", day: "numeric" }, TIME)).format(date);
    },
    long: function (date) {
      return dateTime(Object.assign({ year: "numeric", month: "long", day: "numeric" }, TIME)).format(date);
    }
  };

  function full(date) {
    return dateTime({
      weekday: "long", year: "numeric", month: "long", day: "numeric",
      hour: "numeric", minute: "2-digit", timeZoneName: "short"
    }).format(date);
  }

  /* One <time>: its text, title and (for a post header's link) the link's name, whose
     visible text comes first: "5m (5 minutes ago)", "Dec 4 (Dec 4, 2026, 4:56 PM)". */
  function render(el, now) {
    var write = WRITE[el.getAttribute("data-time")];
    var date = new Date(el.getAttribute("datetime"));
    if (!write || isNaN(date)) return;
    var text = write(date, now);
    if (el.textContent !== text) el.textContent = text;
    el.title = full(date);
    var link = el.parentElement;
    if (link && link.tagName === "A" && link.hasAttribute("aria-label")) {
      var said = Math.abs(now - date) < WEEK ? WRITE.ago(date, now) : WRITE.datetime(date);
      link.setAttribute("aria-label", text + " (" + said + ")");
    }
  }

  function refresh(root) {
    var scope = root || document;
    var now = new Date();
    if (scope.matches && scope.matches("time[data-time]")) render(scope, now);
    var times = scope.querySelectorAll ? scope.querySelectorAll("time[data-time]") : [];
    for (var i = 0; i < times.length; i++) render(times[i], now);
  }

  window.porinaTime = { refresh: refresh };
  refresh(document);
  window.setInterval(function () { refresh(document); }, MINUTE);
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) refresh(document);
  });
  new MutationObserver(function (records) {
    records.forEach(function (record) {
      record.addedNodes.forEach(function (node) {
        if (node.nodeType === 1) refresh(node);
      });
    });
  }).observe(document.body, { childList: true, subtree: true });
})();

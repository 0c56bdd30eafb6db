// "Notifications on this device" (/settings/notifications): the switch registers the service
// worker (/sw.js, scope "/"), asks for permission, subscribes with the server's VAPID key
// (data-server-key) and posts the subscription, with the alerts and policy chosen, to
// /web/push/subscription (session cookie + CSRF header). Turning it off unsubscribes the
// browser and deletes the server's copy. The state line says why it cannot be turned on.
(function () {
  "use strict";
  var root = document.querySelector("[data-push]");
  if (!root) return;
  var toggle = document.getElementById("push-toggle");
  var state = document.getElementById("push-state");
  var form = document.getElementById("push-form");
  var ENDPOINT = "/web/push/subscription";

  function say(key) { state.textContent = root.getAttribute("data-msg-" + key) || ""; state.dataset.state = key; }

  function cookie(name) {
    var match = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return match ? decodeURIComponent(match[1]) : "";
  }

  function supported() {
    return window.isSecureContext && "serviceWorker" in navigator &&
      "PushManager" in window && "Notification" in window;
  }

  function keyBytes(text) {
    var base64 = text.replace(/=+$/, "").replace(/-/g, "+").replace(/_/g, "/");
    var raw = window.atob(base64 + "===".slice((base64.length + 3) % 4));
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function choices() {
    var alerts = {};
    form.querySelectorAll("input[name=alert]").forEach(function (box) {
      box.getAttribute("data-kinds").split(" ").forEach(function (kind) { alerts[kind] = box.checked; });
    });
    return { alerts: alerts, policy: document.getElementById("push-policy").value };
  }

  function send(method, body) {
    return fetch(ENDPOINT, {
      method: method,
      credentials: "same-origin",
      headers: { "content-type": "application/json", accept: "application/json", "x-csrftoken": cookie("porina_csrf") },
      body: body ? JSON.stringify(body) : undefined,
    }).then(function (answer) {
      if (!answer.ok) throw new Error("server answered " + answer.status);
      return answer.json();
    });
  }

  function post(subscription) {
    var json = subscription.toJSON();
    return send("POST", { subscription: { endpoint: json.endpoint, keys: json.keys, standard: true }, data: choices() });
  }

  function registration() {
    return navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function () {
      return navigator.serviceWorker.ready;
    });
  }

  function current() {
    return navigator.serviceWorker.getRegistration("/").then(function (found) {
      return found ? found.pushManager.getSubscription() : null;
    });
  }

  function turnOn() {
    say("working");
    return registration().then(function (reg) {
      return Notification.requestPermission().then(function (permission) {
        if (permission !== "granted") { toggle.checked = false; say("denied"); return null; }
        return reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(root.dataset.serverKey) })
          .then(post).then(function () { say("on"); });
      });
    });
  }

  function turnOff() {
    say("working");
    return current().then(function (subscription) {
      return subscription ? subscription.unsubscribe() : true;
    }).then(function () { return send("DELETE"); }).then(function () { say("off"); });
  }

  function fail() { toggle.checked = false; say("failed"); }

  function start() {
    if (!supported()) { toggle.checked = false; say("unsupported"); return; }
    if (Notification.permission === "denied") { toggle.checked = false; say("denied"); return; }
    toggle.disabled = false;
    current().then(function (subscription) {
      var here = subscription && subscription.endpoint === root.dataset.endpoint;
      toggle.checked = Boolean(here);
      say(here ? "on" : "off");
    }).catch(function () { toggle.checked = false; say("off"); });
  }

  toggle.addEventListener("change", function () {
    toggle.disabled = true;
    var done = toggle.checked ? turnOn() : turnOff();
    done.catch(fail).then(function () {
      toggle.disabled = Notification.permission === "denied";
    });
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!toggle.checked) { say("off"); return; }
    current().then(function (subscription) {
      if (!subscription) { toggle.checked = false; say("off"); return null; }
      return post(subscription).then(function () { say("saved"); });
    }).catch(fail);
  });

  start();
})();

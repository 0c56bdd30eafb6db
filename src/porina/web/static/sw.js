// Porina's service worker, served at /sw.js (scope "/"): it shows Web Push notifications.
// A push message is Mastodon's payload (notification_id, notification_type, title, body,
// icon: the sender's avatar) plus "url", the page to open, which Porina adds for a browser's
// subscription. Clicking a notification focuses an open Porina tab and takes it to that page,
// or opens one.
"use strict";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

function payloadOf(event) {
  if (!event.data) return null;
  try { return event.data.json(); } catch (error) { return null; }
}

function show(message) {
  if (!message || !message.title) return Promise.resolve();
  var url = typeof message.url === "string" ? message.url : "/notifications";
  return self.registration.showNotification(message.title, {
    body: message.body || "",
    icon: message.icon || "/static/icon-192.png",
    badge: "/static/icon-192.png",
    tag: "porina-" + String(message.notification_id || url),
    lang: message.preferred_locale || "",
    data: { url: new URL(url, self.location.origin).href },
  });
}

self.addEventListener("push", function (event) {
  var shown = show(payloadOf(event));
  // A push the browser delivers must be waited for; a test's synthetic event cannot be
  // (waitUntil throws on an untrusted event), and is shown all the same.
  try { event.waitUntil(shown); } catch (error) { /* untrusted event */ }
});

function sameOrigin(client) {
  return new URL(client.url).origin === self.location.origin;
}

function open(url) {
  return self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (tabs) {
    var porina = tabs.filter(sameOrigin);
    var exact = porina.filter(function (tab) { return tab.url === url; })[0];
    if (exact) return exact.focus();
    var tab = porina[0];
    if (!tab) return self.clients.openWindow(url);
    return tab.focus().then(function (focused) {
      // navigate() works on a tab this worker controls; another one gets a new window.
      return focused.navigate(url).catch(function () { return self.clients.openWindow(url); });
    });
  });
}

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = (event.notification.data && event.notification.data.url) || "/notifications";
  var opened = open(url);
  try { event.waitUntil(opened); } catch (error) { /* untrusted event */ }
});

// Video and voice calls (docs/calls.md): the call window of partials/call_ui.html.
// Signals go through /web/calls (session cookie + CSRF header) and arrive on
// /web/calls/stream as "porina.call" events; media flows between the two browsers
// (RTCPeerConnection), never through Porina.
(function () {
  "use strict";
  var ui = document.getElementById("call-ui");
  if (!ui || !window.RTCPeerConnection || !window.EventSource) return;
  var words = ui.dataset;
  function $(id) { return document.getElementById(id); }
  var peerName = $("call-peer"), statusLine = $("call-status");
  var remote = $("call-remote"), local = $("call-local");
  var controls = {
    accept: $("call-accept"), decline: $("call-decline"), mute: $("call-mute"),
    camera: $("call-camera"), hangup: $("call-hangup"), close: $("call-close")
  };
  var call = null; // the call on screen: {id, caller, video, pc, media, pending, remoteSet, offer}
  var queue = Promise.resolve(); // signals leave in order

  function cookie(name) {
    var match = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return match ? decodeURIComponent(match[1]) : "";
  }

  function post(path, body) {
    return fetch(path, {
      method: "POST", credentials: "same-origin", body: JSON.stringify(body),
      headers: { "content-type": "application/json", accept: "application/json", "x-csrftoken": cookie("porina_csrf") }
    }).then(function (response) {
      return response.json().then(function (json) {
        if (!response.ok) throw new Error(json.error || String(response.status));
        return json;
      });
    });
  }

  function signal(current, type, data) {
    queue = queue.then(function () {
      return post("/web/calls/" + current.id + "/signal", { type: type, data: data || null });
    }).catch(function () { /* a call that ended meanwhile: nothing to tell */ });
    return queue;
  }

  function show(state) {
    var on = {
      ringing: ["accept", "decline"], calling: ["hangup"], live: ["mute", "camera", "hangup"], over: ["close"]
    }[state];
    Object.keys(controls).forEach(function (key) { controls[key].hidden = on.indexOf(key) < 0; });
    ui.dataset.state = state;
    ui.hidden = false;
  }

  function say(text) { statusLine.textContent = text; }

  function media(video) {
    return navigator.mediaDevices.getUserMedia({ audio: true, video: video });
  }

  function connect(current, servers) {
    var pc = new RTCPeerConnection({ iceServers: servers || [] });
    current.pc = pc;
    current.media.getTracks().forEach(function (track) { pc.addTrack(track, current.media); });
    local.srcObject = current.media;
    local.hidden = !current.video;
    pc.onicecandidate = function (event) {
      if (event.candidate) signal(current, "candidate", event.candidate.toJSON());
    };
    pc.ontrack = function (event) { remote.srcObject = event.streams[0]; };
    pc.onconnectionstatechange = function () {
      if (call !== current) return;
      if (pc.connectionState === "connected") say(words.connected);
      if (pc.connectionState === "failed") { signal(current, "hangup"); finish(words.failed); }
    };
    return pc;
  }

  function remoteSet(current) {
    current.remoteSet = true;
    current.pending.splice(0).forEach(function (candidate) {
      current.pc.addIceCandidate(candidate).catch(function () { /* a stale candidate */ });
    });
  }

  function finish(text) {
    var current = call;
    call = null;
    if (current) {
      if (current.pc) current.pc.close();
      if (current.media) current.media.getTracks().forEach(function (track) { track.stop(); });
    }
    remote.srcObject = null;
    local.srcObject = null;
    say(text);
    show("over");
    document.body.dispatchEvent(new CustomEvent("porina-call-changed"));
  }

  // ---- placing a call ----

  function place(button) {
    if (call) return;
    var video = button.dataset.callVideo !== "false";
    var body = { video: video };
    if (button.dataset.callAccountId) body.account_id = button.dataset.callAccountId;
    if (button.dataset.callDeskConversationId) body.desk_conversation_id = button.dataset.callDeskConversationId;
    var current = call = { caller: true, video: video, pending: [], remoteSet: false };
    peerName.textContent = button.dataset.callName || "";
    say(words.calling);
    show("calling");
    media(video).then(function (stream) {
      current.media = stream;
      if (call !== current) throw null;
      return post("/web/calls", body);
    }, function () { throw new Error(words.noMedia); }).then(function (placed) {
      current.id = placed.id;
      var pc = connect(current, placed.ice_servers);
      return pc.createOffer().then(function (offer) {
        return pc.setLocalDescription(offer).then(function () {
          signal(current, "offer", { type: "offer", sdp: offer.sdp });
        });
      });
    }).catch(function (error) {
      if (call === current) finish(error && error.message ? error.message : words.failed);
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-call]");
    if (!button) return;
    event.preventDefault();
    place(button);
  });

  // ---- answering ----

  function accept() {
    var current = call;
    if (!current || current.caller) return;
    say(words.connecting);
    show("live");
    media(current.video).then(function (stream) {
      current.media = stream;
      if (call !== current) throw null;
      var pc = connect(current, current.servers);
      return current.offer.then(function (offer) {
        return pc.setRemoteDescription(offer);
      }).then(function () {
        remoteSet(current);
        return pc.createAnswer();
      }).then(function (answer) {
        return pc.setLocalDescription(answer).then(function () {
          signal(current, "answer", { type: "answer", sdp: answer.sdp });
        });
      });
    }).catch(function (error) {
      if (call !== current) return;
      signal(current, error ? "hangup" : "decline");
      finish(words.noMedia);
    });
  }

  controls.accept.addEventListener("click", accept);
  controls.decline.addEventListener("click", function () {
    if (!call) return;
    signal(call, "decline");
    finish(words.declined);
  });
  controls.hangup.addEventListener("click", function () {
    if (!call) return;
    if (call.id) signal(call, "hangup");
    finish(words.ended);
  });
  controls.close.addEventListener("click", function () { if (!call) ui.hidden = true; });
  controls.mute.addEventListener("click", function () {
    if (!call || !call.media) return;
    var muted = controls.mute.getAttribute("aria-pressed") !== "true";
    call.media.getAudioTracks().forEach(function (track) { track.enabled = !muted; });
    controls.mute.setAttribute("aria-pressed", String(muted));
    controls.mute.textContent = muted ? words.unmute : words.mute;
  });
  controls.camera.addEventListener("click", function () {
    if (!call || !call.media) return;
    var off = controls.camera.getAttribute("aria-pressed") !== "true";
    call.media.getVideoTracks().forEach(function (track) { track.enabled = !off; });
    controls.camera.setAttribute("aria-pressed", String(off));
    controls.camera.textContent = off ? words.cameraOn : words.cameraOff;
  });

  // ---- what the other side says ----

  function ring(event) {
    if (call) return; // busy: the other call keeps ringing until it is missed
    var resolve;
    var current = call = {
      id: event.id, caller: false, video: event.video, pending: [], remoteSet: false,
      servers: event.data && event.data.ice_servers,
      offer: new Promise(function (done) { resolve = done; })
    };
    current.gotOffer = resolve;
    peerName.textContent = event.account ? event.account.display_name : "";
    say(words.ringing);
    show("ringing");
  }

  var handlers = {
    offer: function (current, event) { if (current.gotOffer) current.gotOffer(event.data); },
    answer: function (current, event) {
      say(words.connecting);
      show("live");
      current.pc.setRemoteDescription(event.data).then(function () { remoteSet(current); });
    },
    candidate: function (current, event) {
      if (current.remoteSet) current.pc.addIceCandidate(event.data).catch(function () {});
      else current.pending.push(event.data);
    },
    decline: function () { finish(words.declined); },
    hangup: function (current, event) { finish(event.state === "missed" ? words.missed : words.ended); },
    missed: function () { finish(words.missed); },
    taken: function (current) { if (!current.pc) finish(words.taken); }
  };

  function arrived(message) {
    var event = JSON.parse(message.data);
    if (event.type === "ring") { ring(event); return; }
    if (!call || call.id !== event.id || !handlers[event.type]) return;
    handlers[event.type](call, event);
  }

  var source = new EventSource(ui.dataset.callStream);
  source.addEventListener("porina.call", arrived);
  source.addEventListener("open", function () { ui.dataset.live = "open"; });

  // for the browser tests and anyone debugging a call: the connection on screen
  window.porinaCall = function () { return call && call.pc ? call.pc : null; };
})();

// Breachroom client glue: the time-zone cookie, live-connection state and resync, and
// visible errors for refused htmx requests. No inline scripts (the CSP forbids them).
(function () {
  "use strict";

  // Times are rendered server-side in the user's zone; tell the server which zone that is.
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone && document.cookie.indexOf("tz=" + encodeURIComponent(zone)) === -1) {
    document.cookie = "tz=" + encodeURIComponent(zone) + "; path=/; SameSite=Lax; max-age=31536000";
  }

  function liveState(text, state) {
    var el = document.getElementById("live-state");
    if (el) { el.textContent = text; el.dataset.state = state; }
  }

  function lastSeq() {
    var marker = document.getElementById("live-seq");
    return marker ? parseInt(marker.dataset.seq || "0", 10) : 0;
  }

  // On every (re)connect, say the last event this page has; the server sends the rest.
  document.addEventListener("htmx:wsOpen", function (event) {
    liveState("Live", "live");
    if (document.getElementById("live-seq")) {
      event.detail.socketWrapper.send(JSON.stringify({ after: lastSeq() }));
    }
  });

  var CLOSE_TEXT = {
    4401: "Signed out: sign in again for live updates.",
    4403: "You no longer have access to this incident.",
  };
  document.addEventListener("htmx:wsClose", function (event) {
    var code = event.detail.event.code;
    liveState(CLOSE_TEXT[code] || "Reconnecting…", CLOSE_TEXT[code] ? "refused" : "reconnecting");
  });

  function flash(text, kind) {
    var box = document.getElementById("flash");
    if (!box) { return; }
    var p = document.createElement("p");
    p.className = "msg " + (kind || "error");
    p.textContent = text;
    box.replaceChildren(p);
  }

  // htmx does not swap 4xx/5xx responses: show their message instead of failing silently.
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var text = "The request failed (" + xhr.status + ").";
    try {
      var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
      var message = doc.querySelector(".error-message");
      if (message) { text = message.textContent.trim(); }
    } catch (e) { /* keep the generic text */ }
    flash(text, "error");
  });
  document.addEventListener("htmx:sendError", function () {
    flash("The server could not be reached; nothing was sent. Try again.", "error");
  });
})();

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

  var socket = null;

  function listFilters() {
    var form = document.getElementById("filters");
    return form ? new URLSearchParams(new FormData(form)).toString() : "";
  }

  // On every (re)connect, say the last event this page has; the server sends the rest.
  // The incident list says which filters it shows instead, so live rows follow them.
  document.addEventListener("htmx:wsOpen", function (event) {
    socket = event.detail.socketWrapper;
    lastHeard = Date.now();
    silenced = false;
    liveState("Live", "live");
    if (document.getElementById("live-seq")) {
      socket.send(JSON.stringify({ after: lastSeq() }));
    } else if (document.querySelector("[data-dashboard]")) {
      socket.send(JSON.stringify({ filters: listFilters() }));
    }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    if (socket && event.detail.target && event.detail.target.id === "results") {
      socket.send(JSON.stringify({ filters: listFilters() }));
    }
  });

  // Rows came into or left the list (realtime/frames.py): the count, the pages and which
  // rows belong on this one moved, so the results are asked for again, exactly as a load
  // would draw them. A moment's random delay keeps a thousand open lists from asking at once.
  var refreshing = null;
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    var target = event.detail.target;
    if (!target || target.id !== "list-stale" || refreshing || !window.htmx) { return; }
    refreshing = window.setTimeout(function () {
      refreshing = null;
      window.htmx.ajax("GET", location.pathname + location.search, { target: "#results", swap: "outerHTML" });
    }, 200 + Math.random() * 1800);
  });

  // Uploads with a progress bar (the evidence page): htmx reports the bytes sent so far.
  document.addEventListener("htmx:xhr:progress", function (event) {
    var form = event.target.closest && event.target.closest("form[data-progress]");
    var bar = form && form.querySelector("progress");
    if (!bar || !event.detail.lengthComputable) { return; }
    bar.hidden = false;
    bar.value = Math.round((event.detail.loaded / event.detail.total) * 100);
  });

  // Files dropped anywhere on an upload form go into its file input, as if chosen there;
  // several at once. The form then uploads them with its progress bar.
  function uploadForm(event) {
    return event.target.closest && event.target.closest("form[data-progress]");
  }
  document.addEventListener("dragover", function (event) {
    var form = uploadForm(event);
    if (!form) { return; }
    event.preventDefault();
    form.classList.add("dragging");
  });
  document.addEventListener("dragleave", function (event) {
    var form = uploadForm(event);
    if (form && !form.contains(event.relatedTarget)) { form.classList.remove("dragging"); }
  });
  document.addEventListener("drop", function (event) {
    var form = uploadForm(event);
    var files = event.dataTransfer && event.dataTransfer.files;
    if (!form || !files || !files.length) { return; }
    event.preventDefault();
    form.classList.remove("dragging");
    var input = form.querySelector("input[type=file]");
    input.files = files;
    var names = Array.prototype.map.call(files, function (f) { return f.name; });
    var said = form.querySelector("[data-chosen]");
    if (said) { said.textContent = names.length + " chosen: " + names.join(", "); }
  });

  // Never let a live update wipe what someone is typing: a form with unsaved input keeps
  // its place, and says that the record changed underneath it.
  document.addEventListener("input", function (event) {
    var form = event.target.closest && event.target.closest("form");
    if (form && form.id !== "filters") { form.dataset.dirty = "true"; }
  });
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    var target = event.detail.target;
    if (!target || !target.querySelector) { return; }
    // An open inline editor, or any form with unsaved input, stays as it is.
    var editor = target.classList.contains("editing") ? target : target.querySelector(".editing");
    var dirty = target.querySelector("form[data-dirty]") || (editor && editor.querySelector("form"));
    if (dirty) {
      event.preventDefault();
      if (!dirty.querySelector(".stale")) {
        var note = document.createElement("p");
        note.className = "stale";
        note.setAttribute("role", "status");
        note.textContent = "Someone else changed this meanwhile; saving will show you the current value.";
        dirty.prepend(note);
      }
    }
  });

  // The timeline loads on its own (when scrolled into view) at the chain's head as it was
  // then; a frame may still carry events it already has: keep one of each.
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    var target = event.detail.target, fragment = event.detail.fragment;
    if (!target || target.id !== "timeline" || !fragment) { return; }
    fragment.querySelectorAll("li[id]").forEach(function (item) {
      if (document.getElementById(item.id)) { item.remove(); }
    });
  });

  // The server says something at least every 5 s (a beat when nothing changed). A page
  // that hears nothing for SILENT_MS is not live, whatever the socket says: it says so and
  // reconnects, and on reconnect asks for everything after its last seq.
  var SILENT_MS = 12000;
  var lastHeard = 0, silenced = false;
  document.addEventListener("htmx:wsAfterMessage", function () {
    lastHeard = Date.now();
  });
  window.setInterval(function () {
    if (!socket || !lastHeard || silenced || Date.now() - lastHeard < SILENT_MS) { return; }
    silenced = true;
    liveState("Reconnecting… (no word from the server for " + Math.round((Date.now() - lastHeard) / 1000) + " s; what you see may be out of date)", "reconnecting");
    socket.reconnect();
  }, 2000);

  var CLOSE_TEXT = {
    4401: "Signed out: sign in again for live updates.",
    4403: "You no longer have access to this incident.",
  };
  document.addEventListener("htmx:wsClose", function (event) {
    var code = event.detail.event.code;
    liveState(CLOSE_TEXT[code] || "Reconnecting…", CLOSE_TEXT[code] ? "refused" : "reconnecting");
  });

  // The unread badge, pushed (incidents/realtime/badge.py) on a socket of its own, apart
  // from the page's live view: it never speaks for whether the page is live. The badge's
  // 30 s poll stays as the fallback while this socket is away.
  function openBadgeSocket(delay) {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var ws = new WebSocket(scheme + location.host + "/ws/notifications/");
    ws.onopen = function () { delay = 1000; };
    ws.onmessage = function (event) {
      var current = document.getElementById("notifications-link");
      var fresh = new DOMParser().parseFromString(event.data, "text/html").getElementById("notifications-link");
      if (!current || !fresh) { return; }
      current.replaceWith(fresh);
      if (window.htmx) { window.htmx.process(fresh); }
    };
    ws.onclose = function (event) {
      if (event.code === 4401 || event.code === 4403) { return; }  // signed out, or no access
      window.setTimeout(function () { openBadgeSocket(Math.min(delay * 2, 30000)); }, delay);
    };
  }
  if (document.getElementById("notifications-link") && window.WebSocket) { openBadgeSocket(1000); }

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
  // Keyboard: "/" focuses search; j / k move through a list; Enter opens (a focused link).
  function typing(target) {
    return target.closest && target.closest("input, textarea, select, [contenteditable]");
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    if (event.key === "/") {
      var search = document.getElementById("id_q");
      if (search) { event.preventDefault(); search.focus(); search.select(); }
      return;
    }
    if (event.key !== "j" && event.key !== "k") { return; }
    var rows = Array.prototype.slice.call(document.querySelectorAll("[data-keyboard-list] tbody tr"))
      .filter(function (row) { return row.querySelector("a"); });
    if (!rows.length) { return; }
    var current = rows.findIndex(function (row) { return row.classList.contains("current"); });
    var next = event.key === "j" ? Math.min(rows.length - 1, current + 1) : Math.max(0, current - 1);
    rows.forEach(function (row) { row.classList.remove("current"); });
    rows[next].classList.add("current");
    rows[next].querySelector("a").focus();
    event.preventDefault();
  });

  document.addEventListener("htmx:sendError", function () {
    flash("The server could not be reached; nothing was sent. Try again.", "error");
  });

  // The exposure editor's jurisdiction rows: one more blank row on request (the page
  // already has a few, so it works without JavaScript).
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-add-place]");
    if (!button) { return; }
    var body = button.closest("[data-places]").querySelector("tbody");
    var rows = body.querySelectorAll("tr");
    var row = rows[rows.length - 1].cloneNode(true);
    var number = rows.length + 1;
    row.querySelectorAll("input").forEach(function (input) {
      input.value = "";
      input.setAttribute("aria-label", input.name === "place"
        ? "Jurisdiction " + number : "People in jurisdiction " + number + " (blank: not known)");
    });
    body.appendChild(row);
    row.querySelector("input").focus();
  });

  // The clock: countdowns and "since" words are drawn once on the server (shared by every
  // viewer) and tick here, in the same words (incidents/timefmt.py). A section that flips
  // at a deadline ("Open" to "Overdue") says when (data-refresh-at) and is asked for again
  // then, unless someone is editing in it.
  function span(seconds) {
    var s = Math.abs(seconds);
    var days = Math.floor(s / 86400), hours = Math.floor((s % 86400) / 3600);
    return days ? days + " d " + hours + " h" : hours + " h " + Math.floor((s % 3600) / 60) + " min";
  }
  function countdownWords(seconds) {
    return seconds >= 0 ? "in " + span(seconds) : "overdue by " + span(seconds);
  }
  function sinceWords(seconds) {
    var s = Math.max(0, seconds);
    var days = Math.floor(s / 86400), hours = Math.floor((s % 86400) / 3600), minutes = Math.floor((s % 3600) / 60);
    if (days) { return days + " d " + hours + " h ago"; }
    if (hours) { return hours + " h " + minutes + " min ago"; }
    return minutes + " min ago";
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll("time[data-countdown]").forEach(function (el) {
      var seconds = Math.floor((Date.parse(el.dateTime) - now) / 1000);
      el.textContent = countdownWords(seconds);
      el.removeAttribute("title");
    });
    document.querySelectorAll("time[data-since]").forEach(function (el) {
      el.textContent = sinceWords(Math.trunc((now - Date.parse(el.dateTime)) / 1000));
      el.removeAttribute("title");
    });
    var next = Infinity;
    document.querySelectorAll("[data-refresh-at][id]").forEach(function (el) {
      var at = Date.parse(el.dataset.refreshAt);
      if (at > now) { next = Math.min(next, at); return; }
      if (el.dataset.refreshing || el.querySelector(".editing, form[data-dirty]")) { return; }
      el.dataset.refreshing = "true";
      var selector = "#" + CSS.escape(el.id);
      window.htmx.ajax("GET", window.location.pathname + window.location.search, { target: selector, select: selector, swap: "outerHTML" });
    });
    // A deadline sooner than the next regular tick gets a tick of its own, just after it.
    window.clearTimeout(flipTimer);
    if (next - now < 15000) { flipTimer = window.setTimeout(tick, next - now + 300); }
  }
  var flipTimer = 0;
  document.addEventListener("DOMContentLoaded", tick);
  document.addEventListener("htmx:afterSettle", tick);
  document.addEventListener("htmx:oobAfterSwap", tick);
  window.setInterval(tick, 15000);

  // A table wider than its card scrolls inside it; a keyboard must be able to reach and
  // scroll it too, so it becomes focusable (and says so in its name) while it scrolls. It
  // keeps its table role: screen readers still read it as a table.
  function scrollableTables() {
    document.querySelectorAll("table.matrix, table.incidents").forEach(function (table) {
      if (table.scrollWidth > table.clientWidth + 1) {
        table.setAttribute("tabindex", "0");
        table.dataset.scrolls = "true";
        var heading = table.closest("section") && table.closest("section").querySelector("h2, h1");
        table.setAttribute("aria-label", (heading ? heading.textContent.trim() : "Table") + " (scrolls sideways)");
      } else if (table.dataset.scrolls) {
        table.removeAttribute("tabindex");
        table.removeAttribute("aria-label");
        delete table.dataset.scrolls;
      }
    });
  }
  document.addEventListener("DOMContentLoaded", scrollableTables);
  document.addEventListener("htmx:afterSettle", scrollableTables);
  window.addEventListener("resize", scrollableTables);

  // Controls the shared rendering drew for a role set may also be the viewer's as a
  // person (a step's assignee, the incident's commander): it lists them in data-movers,
  // and this page, which knows who is looking, shows them. The server decides either way.
  function personalControls() {
    var me = document.body.dataset.user;
    if (!me) { return; }
    document.querySelectorAll("[data-movers]").forEach(function (box) {
      if (box.dataset.movers.split(" ").indexOf(me) !== -1) { box.hidden = false; }
    });
  }
  document.addEventListener("DOMContentLoaded", personalControls);
  document.addEventListener("htmx:afterSettle", personalControls);
  document.addEventListener("htmx:oobAfterSwap", personalControls);
})();

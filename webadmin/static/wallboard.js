// Wallboard: poll /wallboard.json every 2 s and update each queue's numbers in place. A queue
// added or removed reloads the page (the server lays the cards out). Static file: the CSP
// forbids inline scripts.
"use strict";
(function () {
  var board = document.getElementById("wallboard");
  if (!board) { return; }
  var stamp = document.getElementById("wb-time");

  function clock(seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    var h = Math.floor(seconds / 3600), m = Math.floor(seconds % 3600 / 60), s = seconds % 60;
    var mm = (h ? String(m).padStart(2, "0") : String(m)) + ":" + String(s).padStart(2, "0");
    return h ? h + ":" + mm : mm;
  }

  function apply(data) {
    var ids = data.queues.map(function (q) { return q.queue; }).join(",");
    if (ids !== board.getAttribute("data-queues") || (data.ok && document.getElementById("core-down"))) {
      window.location.reload();
      return;
    }
    data.queues.forEach(function (q) {
      var card = board.querySelector('[data-queue="' + CSS.escape(q.queue) + '"]');
      if (!card) { return; }
      card.classList.toggle("alert", !!q.alert);
      card.querySelectorAll("[data-k]").forEach(function (node) {
        var value = q[node.getAttribute("data-k")];
        var text = node.hasAttribute("data-clock") ? clock(value)
          : node.hasAttribute("data-percent") ? (value === null || value === undefined ? "—" : value + "%")
          : String(value);
        if (node.textContent !== text) { node.textContent = text; }
      });
    });
    stamp.textContent = data.time;
    board.classList.remove("wb-stale");
  }

  function poll() {
    fetch(board.getAttribute("data-src"), { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (response.redirected) { window.location.reload(); throw new Error("logged out"); }
        return response.json();
      })
      .then(function (data) {
        if (data.ok) { apply(data); } else { throw new Error("core"); }
      })
      .catch(function () {
        board.classList.add("wb-stale");
        stamp.textContent = stamp.getAttribute("data-stale");
      })
      .then(function () { window.setTimeout(poll, 2000); });
  }
  window.setTimeout(poll, 2000);
}());

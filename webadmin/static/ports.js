// Ports page: poll /ports.json every 2 s and update the state, number, label and fault cells.
// A static file because the CSP forbids inline scripts.
"use strict";
(function () {
  var stamp = document.getElementById("ports-updated");
  if (!stamp) { return; }

  function setField(row, field, text) {
    var cell = row.querySelector('[data-field="' + field + '"]');
    if (cell && cell.textContent !== text) { cell.textContent = text; }
  }

  function setState(row, state) {
    row.className = row.className.replace(/\bstate-\S*/g, "").trim();
    var badge = row.querySelector('[data-field="state"]');
    if (row.classList.contains("channel")) {
      row.classList.add("state-" + state);
    } else if (badge) {
      badge.className = badge.className.replace(/\bstate-\S*/g, "").trim() + " state-" + state;
    }
    setField(row, "state", state);
  }

  function apply(data) {
    data.ports.forEach(function (port) {
      var row = document.querySelector('[data-port="' + CSS.escape(port.name) + '"]');
      if (!row) { return; }
      setState(row, port.state || "");
      if (port.kind !== "e1-channel") {
        setField(row, "number", port.number || "");
        setField(row, "label", port.label || "");
        var faults = [port.fault || ""].concat(port.alarms || []).filter(function (x) { return x; });
        setField(row, "fault", faults.join(", "));
      }
    });
  }

  function poll() {
    fetch("/ports.json", { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (data) {
        if (data.ok) { apply(data); stamp.textContent = data.updated; }
        else { stamp.textContent = stamp.getAttribute("data-stale"); }
      })
      .catch(function () { stamp.textContent = stamp.getAttribute("data-stale"); })
      .then(function () { window.setTimeout(poll, 2000); });
  }
  window.setTimeout(poll, 2000);
}());

// Supervisor console: fetch the live tables (/supervisor/live, rendered by the server in the
// page's language) every 2 s and swap them in, except while the supervisor is using a form in
// them (a focused field or an opened transfer box), so typing is never wiped out.
"use strict";
(function () {
  var live = document.getElementById("live");
  var stamp = document.getElementById("live-updated");
  if (!live) { return; }

  function busy() {
    var active = document.activeElement;
    if (active && live.contains(active) && /^(INPUT|SELECT|TEXTAREA)$/.test(active.tagName)) { return true; }
    return live.querySelector("details[open]") !== null;
  }

  function poll() {
    if (busy()) { window.setTimeout(poll, 2000); return; }
    fetch(live.getAttribute("data-src"), { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (response.redirected) { window.location.reload(); throw new Error("logged out"); }
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (html) {
        if (!busy()) {
          live.innerHTML = html;
          stamp.textContent = new Date().toLocaleTimeString();
        }
      })
      .catch(function () { stamp.textContent = stamp.getAttribute("data-stale"); })
      .then(function () { window.setTimeout(poll, 2000); });
  }
  window.setTimeout(poll, 2000);
}());

// Firmware update page: upload with a progress bar (XHR), then poll the install's progress.
(function () {
  "use strict";
  var form = document.getElementById("update-form");
  var bar = document.getElementById("update-progress");
  var step = document.getElementById("update-step");
  var box = document.getElementById("update-state");
  var text = document.getElementById("update-text");

  function show(message, error) {
    box.hidden = !message;
    box.className = "flash " + (error ? "flash-error" : "flash-info");
    text.textContent = message;
  }

  function poll() {
    var xhr = new XMLHttpRequest();
    xhr.open("GET", "/update/status.json");
    xhr.onload = function () {
      if (xhr.status !== 200) { return; }
      var s = JSON.parse(xhr.responseText);
      box.dataset.phase = s.phase;
      bar.value = s.percent;
      step.textContent = s.phase === "installing" ? s.step : "";
      show(s.text, s.phase === "refused" || s.phase === "failed");
      if (s.busy || s.phase === "installing") { window.setTimeout(poll, 1000); }
      else if (s.phase !== "rebooting") { window.location.reload(); }
    };
    // while the box restarts nothing answers: keep asking
    xhr.onerror = function () { window.setTimeout(poll, 2000); };
    xhr.send();
  }

  form.addEventListener("submit", function (event) {
    if (!window.FormData) { return; }  // a plain form post works too
    event.preventDefault();
    var xhr = new XMLHttpRequest();
    xhr.open("POST", "/update");
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) { bar.value = Math.round(100 * e.loaded / e.total); }
    };
    xhr.onload = function () {
      // accepted: the server redirected to /update (installing); refused: it answered the page
      document.open();
      document.write(xhr.responseText);
      document.close();
    };
    show(form.dataset.uploading, false);
    document.getElementById("update-submit").disabled = true;
    xhr.send(new FormData(form));
  });

  if (box.dataset.busy === "1" || box.dataset.phase === "installing" || box.dataset.phase === "checking") { poll(); }
})();

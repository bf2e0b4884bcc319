// Agent console: live state, the current call's screen pop and recent calls, from the agent's
// Server-Sent Events stream (/agent/events) and /agent/state.json. A static file because the
// CSP forbids inline scripts; every text comes from the page (data-i18n), every value is set
// with textContent, never as markup.
"use strict";
(function () {
  var root = document.getElementById("console");
  if (!root) { return; }
  var T = JSON.parse(root.getAttribute("data-i18n") || "{}");
  var state = JSON.parse(root.getAttribute("data-state") || "{}");
  var stateBase = Date.now();
  var lastId = null;
  var source = null;
  var refreshTimer = null;

  function t(key) { return T[key] || key; }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function clock(seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    var h = Math.floor(seconds / 3600), m = Math.floor(seconds % 3600 / 60), s = seconds % 60;
    var mm = (h ? String(m).padStart(2, "0") : String(m)) + ":" + String(s).padStart(2, "0");
    return h ? h + ":" + mm : mm;
  }

  function table(headers, rows) {
    var tbl = el("table", { "class": "data compact" });
    var head = el("tr");
    headers.forEach(function (h) { head.appendChild(el("th", {}, t(h))); });
    tbl.appendChild(el("thead")).appendChild(head);
    var body = tbl.appendChild(el("tbody"));
    rows.forEach(function (cells) {
      var tr = body.appendChild(el("tr"));
      cells.forEach(function (c) { tr.appendChild(el("td", {}, c)); });
    });
    return tbl;
  }

  function renderState() {
    var badge = document.getElementById("agent-state");
    var st = state.state || "";
    badge.className = "badge live-state state-" + (st || "unknown");
    badge.setAttribute("data-state", st);
    badge.textContent = st ? t("live.state." + st) : t("live.core_down");
    document.getElementById("agent-reason").textContent = st === "paused" ? (state.pause_label || "") : "";
    var contact = document.getElementById("agent-contact");
    contact.hidden = !state.contact;
    contact.textContent = contact.getAttribute("data-label") + " " + (state.contact || "");
    document.querySelectorAll("[data-states]").forEach(function (node) {
      node.hidden = node.getAttribute("data-states").split(" ").indexOf(st) < 0;
    });
    tick();
  }

  function tick() {
    var since = document.getElementById("agent-since");
    var st = state.state || "";
    if (!st || st === "logged-out") { since.textContent = ""; return; }
    since.textContent = clock((state.time_in_state || 0) + (Date.now() - stateBase) / 1000);
  }

  // The queue's CRM page opens by itself once per ringing call (a browser that blocks pop-ups
  // for this site leaves the "Open in CRM" button as the way in).
  var crmOpened = {};
  function openCrmOnce(call) {
    var key = call.call || call.crm_url;
    if (crmOpened[key] || call.state === "ended") { return; }
    crmOpened[key] = true;
    try { window.open(call.crm_url, "pbx-crm", "noopener"); } catch (e) { /* blocked: the button stays */ }
  }

  function renderCall(call) {
    var body = document.getElementById("call-body");
    var actions = document.getElementById("call-actions");
    body.textContent = "";
    if (!call) {
      body.appendChild(el("p", { "class": "empty" }, t("live.no_call")));
      actions.hidden = true;
      return;
    }
    var stateKey = call.state === "ended" ? "agentc.call_ended"
      : (call.state === "answered" || call.state === "on-call") ? "agentc.call_talking" : "agentc.call_ringing";
    var head = body.appendChild(el("div", { "class": "pop-head" }));
    head.appendChild(el("span", { "class": "pop-caller mono", "id": "pop-caller" }, call.caller || "?"));
    head.appendChild(el("span", { "class": "badge badge-info", "id": "pop-call-state" }, t(stateKey)));
    if (call.queue) {
      head.appendChild(el("span", { "class": "muted" },
        t("agentc.queue") + ": " + (call.queue_name ? call.queue_name + " (" + call.queue + ")" : call.queue)));
    }
    var customer = call.customer;
    var card = body.appendChild(el("div", { "class": "pop-customer", "id": "pop-customer" }));
    if (customer) {
      var name = card.appendChild(el("p", { "class": "pop-name" }));
      name.appendChild(el("span", { "id": "pop-name" }, customer.name));
      if (customer.vip) { name.appendChild(el("span", { "class": "badge badge-danger pop-vip" }, t("live.vip"))); }
      if (customer.company) { card.appendChild(el("p", {}, t("agentc.company") + ": " + customer.company)); }
      if (customer.tags && customer.tags.length) { card.appendChild(el("p", { "class": "muted" }, customer.tags.join(", "))); }
      if (customer.notes) { card.appendChild(el("p", { "class": "pop-notes" }, customer.notes)); }
    } else {
      card.appendChild(el("p", { "class": "muted" }, t("live.no_customer")));
    }
    if (call.crm_url) {
      card.appendChild(el("a", {
        "href": call.crm_url, "target": "_blank", "rel": "noopener noreferrer", "class": "btn btn-small", "id": "pop-crm"
      }, t("live.open_crm")));
      openCrmOnce(call);
    }
    body.appendChild(el("h3", {}, t("agentc.history")));
    var history = call.history || [];
    if (history.length) {
      body.appendChild(table(
        ["agentc.col_time", "agentc.col_caller", "agentc.col_callee", "agentc.col_result", "agentc.col_seconds"],
        history.map(function (h) { return [h.start, h.caller, h.callee, h.disposition, h.billsec]; })));
    } else {
      body.appendChild(el("p", { "class": "muted" }, t("live.no_history")));
    }
    actions.hidden = call.state === "ended";
    document.querySelectorAll("#call-actions .call-id").forEach(function (input) { input.value = call.call || ""; });
  }

  function renderRecent(rows) {
    var body = document.getElementById("recent-body");
    body.textContent = "";
    if (!rows || !rows.length) { body.appendChild(el("p", { "class": "empty" }, t("agentc.no_recent"))); return; }
    body.appendChild(table(
      ["agentc.col_time", "agentc.col_caller", "agentc.col_customer", "agentc.col_queue", "agentc.col_wait", "agentc.col_talk"],
      rows.map(function (r) {
        return [r.at, r.caller, r.customer, r.queue, clock(r.wait), r.talk === null ? "" : clock(r.talk)];
      })));
  }

  function renderQueues(queues) {
    // Rows come from the page (a newly assigned queue shows on reload); this keeps their
    // joined state and buttons current. joined null: pbx-core cannot say, offer neither.
    (queues || []).forEach(function (q) {
      var row = document.querySelector('#my-queues tr[data-queue="' + CSS.escape(q.queue) + '"]');
      if (!row) { return; }
      row.querySelector(".queue-joined").textContent =
        q.joined === null ? "" : t(q.joined ? "agentc.in_queue" : "agentc.not_in_queue");
      row.querySelectorAll("[data-joined]").forEach(function (form) {
        form.hidden = q.joined === null || (form.getAttribute("data-joined") === "yes") !== q.joined;
      });
    });
  }

  function render() {
    stateBase = Date.now();
    renderState();
    renderQueues(state.queues);
    renderCall(state.call);
    renderRecent(state.recent);
  }

  function refresh() {
    fetch(root.getAttribute("data-refresh"), { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (response.status === 401) { window.location.reload(); throw new Error("logged out"); }
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (data) { state = data; render(); })
      .catch(function () { /* the next event or the next reconnect tries again */ });
  }

  function refreshSoon() {
    window.clearTimeout(refreshTimer);
    refreshTimer = window.setTimeout(refresh, 150);
  }

  function onEvent(message) {
    if (message.lastEventId) { lastId = message.lastEventId; }
    var event;
    try { event = JSON.parse(message.data); } catch (e) { return; }
    if ((event.type === "agent-ringing" || event.type === "call-answered") && event.pop) {
      // Show who is calling at once; state.json brings the rest right after.
      var call = Object.assign({}, event.pop, { state: event.type === "call-answered" ? "answered" : "ringing" });
      renderCall(call);
    }
    refreshSoon();
  }

  function connect() {
    var url = root.getAttribute("data-stream");
    if (lastId !== null) { url += "?since=" + encodeURIComponent(lastId); }
    source = new EventSource(url);
    source.onopen = function () { document.getElementById("stream-status").hidden = true; };
    source.onmessage = onEvent;
    ["reset", "lost"].forEach(function (name) { source.addEventListener(name, function (m) { onEvent(m); }); });
    source.addEventListener("unavailable", function () {
      document.getElementById("stream-status").hidden = false;
    });
    source.onerror = function () {
      // EventSource reconnects by itself (with Last-Event-ID) unless the answer was not a stream
      // (503 when every stream slot is taken, 401 when logged out): then reconnect by hand.
      if (source.readyState === EventSource.CLOSED) {
        document.getElementById("stream-status").hidden = false;
        window.setTimeout(function () { refresh(); connect(); }, 5000);
      }
    };
  }

  render();
  window.setInterval(tick, 1000);
  connect();
}());

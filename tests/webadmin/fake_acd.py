"""The fake pbx-core with the call center's control routes: /acd/*, /cti/events and queue calls.

It keeps a small live state (agents, queues, calls) that the routes change as pbx-core would, and
a real CtiBus (the core's own event ring), so `POST /cti/events` long-polls for real. Every
request is recorded (FakeCore.requests); `refuse` makes the next /acd/* answers a 400 with that
text, as pbx-core answers a bad command.
"""

from __future__ import annotations

import copy
import time
from typing import Any

from telephony.callcenter.runtime.cti import CtiBus
from tests.webadmin.fake_core import FakeCore

ACD_ACTIONS = {
    "/acd/agents/login",
    "/acd/agents/logout",
    "/acd/agents/pause",
    "/acd/agents/unpause",
    "/acd/agents/wrapup_end",
    "/acd/agents/join",
    "/acd/agents/leave",
    "/acd/calls/hangup",
    "/acd/calls/transfer",
    "/acd/monitor",
    "/acd/monitor/mode",
    "/acd/originate",
}


def agent_row(number: str, name: str, state: str = "logged-out", **extra: Any) -> dict[str, Any]:
    row = {
        "agent_id": number,
        "number": number,
        "name": name,
        "state": state,
        "since": 0.0,
        "time_in_state": 12.0,
        "call_id": None,
        "queue_id": None,
        "pause_reason": None,
        "queues": ["6000"],
        "contact": None,
    }
    row.update(extra)
    return row


def queue_row(number: str, **counts: Any) -> dict[str, Any]:
    row = {
        "queue_id": number,
        "strategy": "ring-all",
        "waiting": 0,
        "callbacks": 0,
        "longest_wait": 0.0,
        "estimated_wait": None,
        "serving": 0,
        "ringing": 0,
        "wrap_up": 0,
        "idle": 0,
        "paused": 0,
        "logged_out": 2,
    }
    row.update(counts)
    return row


class FakeAcdCore(FakeCore):
    """FakeCore plus the ACD routes, answering like telephony.callcenter.runtime.control does."""

    def __init__(self) -> None:
        super().__init__()
        self.bus = CtiBus()
        self.queues = [queue_row("6000"), queue_row("6001", logged_out=1)]
        self.agents = [agent_row("801", "Li Lei"), agent_row("802", "Han Meimei")]
        self.queue_calls: list[dict[str, Any]] = []
        self.refuse = ""
        self.next_id = 100
        self.status["calls"] = []

    # --- what a test drives

    def publish(self, kind: str, **data: Any) -> None:
        self.bus.publish(kind, **data)

    def agent(self, number: str) -> dict[str, Any]:
        return next(a for a in self.agents if a["agent_id"] == number)

    def set_agent(self, number: str, **fields: Any) -> None:
        with self._lock:
            self.agent(number).update(fields)

    def set_queue(self, number: str, **fields: Any) -> None:
        with self._lock:
            next(q for q in self.queues if q["queue_id"] == number).update(fields)

    def ring(self, call: str, caller: str, queue: str, agent: str, name: str = "") -> None:
        """A queue call rings `agent`: the call is listed, the agent rings, the bus says so."""
        with self._lock:
            self.queue_calls = [c for c in self.queue_calls if c["uniqueid"] != call]
            self.queue_calls.append(
                {
                    "uniqueid": call,
                    "caller": caller,
                    "callee": queue,
                    "state": "ringing",
                    "start": "2026-01-01T00:00:00",
                    "queue": queue,
                    "agent": None,
                    "offers": 1,
                }
            )
            self.agent(agent).update(state="ringing", call_id=call, queue_id=queue, time_in_state=0.0)
        self.bus.publish("agent-ringing", call=call, queue=queue, agent=agent, caller=caller, name=name)

    def acd_actions(self) -> list[tuple[str, Any]]:
        """Return the /acd/* actions received, in order (the snapshot reads left out)."""
        with self._lock:
            return [(p, b) for m, p, b in self.requests if m == "POST" and p in ACD_ACTIONS]

    # --- answering

    def _answer(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        if (method, path) == ("POST", "/cti/events"):
            # Outside the lock: a long poll must not hold up the other requests.
            with self._lock:
                self.requests.append((method, path, body))
            agent = body.get("agent")
            return 200, self.bus.read(int(body.get("since", 0)), float(body.get("wait", 0)), agent or None)
        if (method, path) == ("GET", "/status"):
            with self._lock:
                self.requests.append((method, path, body))
                status = copy.deepcopy(self.status)
                status["calls"] = copy.deepcopy(self.queue_calls) + list(status.get("calls", []))
                return 200, status
        if path == "/acd/snapshot" or path in ACD_ACTIONS:
            with self._lock:
                self.requests.append((method, path, body))
                return self._acd(method, path, body or {})
        return super()._answer(method, path, body)

    def _acd(self, method: str, path: str, body: dict[str, Any]) -> tuple[int, Any]:
        if (method, path) == ("GET", "/acd/snapshot"):
            return 200, {"queues": copy.deepcopy(self.queues), "agents": copy.deepcopy(self.agents)}
        if method != "POST":
            return 404, {"error": f"no such control route: {method} {path}"}
        if self.refuse:
            return 400, {"error": self.refuse}
        agent = next((a for a in self.agents if a["agent_id"] == body.get("agent")), None)
        if path.startswith("/acd/agents/") or path == "/acd/originate":
            if agent is None:
                return 400, {"error": f"unknown agent {body.get('agent')!r}"}
        if path == "/acd/agents/login":
            agent.update(state="idle", contact=body["contact"], time_in_state=0.0)
        elif path == "/acd/agents/logout":
            agent.update(state="logged-out", contact=None, time_in_state=0.0)
        elif path == "/acd/agents/pause":
            agent.update(state="paused", pause_reason=body["reason"], time_in_state=0.0)
        elif path in ("/acd/agents/unpause", "/acd/agents/wrapup_end"):
            agent.update(state="idle", pause_reason=None, time_in_state=0.0)
        elif path == "/acd/agents/join":
            # pbx-core checks the dynamic membership itself; the fake takes whatever it is sent.
            if body["queue"] not in agent["queues"]:
                agent["queues"].append(body["queue"])
        elif path == "/acd/agents/leave":
            if body["queue"] not in agent["queues"]:
                return 400, {"error": f"agent {agent['agent_id']} is not a member of queue {body['queue']}"}
            agent["queues"].remove(body["queue"])
        elif path == "/acd/originate":
            self.next_id += 1
            return 200, {"ok": True, "call": f"c2c-{self.next_id}"}
        elif path == "/acd/monitor":
            self.next_id += 1
            return 200, {"ok": True, "session": f"mon-{self.next_id}"}
        elif path in ("/acd/calls/hangup", "/acd/calls/transfer"):
            # pbx-core knows a queue call by its ACD id (the CDR's id unless it is a callback).
            if not any(c.get("acd_id", c["uniqueid"]) == body.get("call") for c in self.queue_calls):
                return 404, {"error": f"no queue call {body.get('call')!r}"}
        return 200, {"ok": True}


def wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.02)

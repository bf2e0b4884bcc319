"""The call center's live operation, asked of pbx-core: agent state, supervisor actions, live views.

Every action is checked here first (a field that fails is refused with FormError naming it, and
pbx-core is not asked at all), then sent over the control API. Routes decide who may act on whom;
this module only knows what a valid request looks like.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from typing import Any

from telephony.control.client import ControlClient
from telephony.errors import ControlError
from telephony.models import Agent, Extension, PauseCode, PortSetting, Queue, QueueMember
from webadmin.errors import FormError

log = logging.getLogger(__name__)

AGENT_STATES = ("logged-out", "idle", "ringing", "reserved", "on-call", "wrap-up", "paused")
MONITOR_MODES = ("listen", "whisper", "barge")
TRANSFER_KINDS = ("agent", "queue", "number")
# Offered when no pause code is configured: pbx-core then accepts any reason.
FALLBACK_PAUSE = "BREAK"
NUMBER_RE = re.compile(r"^\+?[0-9]{2,32}$")
CALL_ID_RE = re.compile(r"^[A-Za-z0-9._:@-]{1,64}$")
AGENT_RE = re.compile(r"^[0-9A-Za-z]{1,32}$")


def refused(exc: ControlError) -> bool:
    """Return whether pbx-core answered and refused (True), rather than not answering (False)."""
    # ControlClient raises one error class for both; its message says which it was.
    return str(exc).startswith("pbx-core refused")


def core_reason(exc: ControlError) -> str:
    """Return what pbx-core said, without the method and path ControlClient puts in front."""
    text = str(exc)
    return text.split(": ", 1)[1] if refused(exc) and ": " in text else text


# --- input checks ----------------------------------------------------------------------------------


def check_contact(text: str, field: str = "contact") -> str:
    """Return an extension or FXS port number where a phone rings; refuse anything else."""
    number = text.strip()
    if not NUMBER_RE.match(number):
        raise FormError({field: "live.contact_invalid"})
    known = Extension.select().where(Extension.number == number, Extension.enabled == True).exists()  # noqa: E712
    if not known and not PortSetting.select().where(PortSetting.number == number).exists():
        raise FormError({field: "live.contact_unknown"})
    return number


def check_number(text: str, field: str = "number") -> str:
    """Return a dialable phone number (digits, optional leading +) with spaces and dashes removed."""
    number = re.sub(r"[\s\-().]", "", text)
    if not NUMBER_RE.match(number):
        raise FormError({field: "live.number_invalid"})
    return number


def check_call(text: str, field: str = "call") -> str:
    call = text.strip()
    if not CALL_ID_RE.match(call):
        raise FormError({field: "live.call_invalid"})
    return call


def check_mode(text: str, field: str = "mode") -> str:
    if text not in MONITOR_MODES:
        raise FormError({field: "live.mode_invalid"})
    return text


def pause_codes() -> list[PauseCode]:
    return list(PauseCode.select().order_by(PauseCode.code))


def check_pause_reason(text: str, field: str = "reason") -> str:
    """Return a pause code that exists (or the fallback when none is configured)."""
    code = text.strip()
    if not PauseCode.select().exists():
        if code in ("", FALLBACK_PAUSE):
            return FALLBACK_PAUSE
        raise FormError({field: "live.reason_invalid"})
    if not code or not PauseCode.select().where(PauseCode.code == code).exists():
        raise FormError({field: "live.reason_invalid"})
    return code


def check_agent(text: str, field: str = "agent") -> Agent:
    number = text.strip()
    agent = Agent.get_or_none(Agent.number == number) if AGENT_RE.match(number) else None
    if agent is None:
        raise FormError({field: "live.agent_unknown"})
    return agent


def check_transfer(kind: str, value: str, field: str = "target") -> str:
    """Return pbx-core's transfer target: `agent:N`, `queue:N` or a number."""
    value = value.strip()
    if kind == "agent":
        if not AGENT_RE.match(value) or not Agent.select().where(Agent.number == value).exists():
            raise FormError({field: "live.agent_unknown"})
        return f"agent:{value}"
    if kind == "queue":
        if not Queue.select().where(Queue.number == value).exists():
            raise FormError({field: "live.queue_unknown"})
        return f"queue:{value}"
    if kind == "number":
        return check_number(value, field)
    raise FormError({"kind": "live.transfer_kind_invalid"})


def dynamic_queues(agent: str) -> list[Queue]:
    """Return the queues the agent is a dynamic member of (may join and leave at will), by number."""
    return list(
        Queue.select(Queue.number, Queue.name)
        .join(QueueMember)
        .join(Agent)
        .where((Agent.number == agent) & (QueueMember.kind == "dynamic"))
        .order_by(Queue.number)
    )


def check_dynamic_queue(agent: str, text: str, field: str = "queue") -> str:
    """Return a queue number the agent may join or leave; refuse a queue it is no dynamic member of.

    pbx-core refuses these too; checking here names the field and spares it the request.
    """
    number = text.strip()
    if not Queue.select().where(Queue.number == number).exists():
        raise FormError({field: "live.queue_unknown"})
    if number not in {q.number for q in dynamic_queues(agent)}:
        raise FormError({field: "live.queue_not_dynamic"})
    return number


def parse_target(text: str, field: str = "target") -> str:
    """Check a transfer target written the API's way: `agent:N`, `queue:N` or a plain number."""
    kind, sep, value = text.strip().partition(":")
    if not sep:
        return check_transfer("number", text, field)
    if kind not in ("agent", "queue"):
        raise FormError({field: "live.target_invalid"})
    return check_transfer(kind, value, field)


# --- the live view ---------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class QueueCall:
    """A call of a queue as pbx-core's status lists it."""

    call: str
    caller: str
    queue: str
    agent: str
    state: str
    start: str


class AcdLive:
    """Talk to pbx-core about agents, queue calls and monitor sessions, for one request."""

    def __init__(self, control: ControlClient | None) -> None:
        self.control = control

    def _client(self) -> ControlClient:
        if self.control is None:
            raise ControlError("pbx-core control API unreachable: no control client configured")
        return self.control

    def _post(self, path: str, body: dict[str, Any]) -> Any:
        log.info("control %s %s", path, body)
        return self._client().post(path, body)

    # --- what is going on

    def snapshot(self) -> dict[str, Any]:
        """Return GET /acd/snapshot ({queues, agents}); raise ControlError when the core is away."""
        snap = self._client().get("/acd/snapshot")
        if not isinstance(snap, dict):
            raise ControlError("pbx-core answered /acd/snapshot with something else than an object")
        snap.setdefault("queues", [])
        snap.setdefault("agents", [])
        return snap

    def try_snapshot(self) -> dict[str, Any] | None:
        try:
            return self.snapshot()
        except ControlError as exc:
            log.warning("no ACD snapshot: %s", exc)
            return None

    @staticmethod
    def agent_in(snap: dict[str, Any] | None, number: str) -> dict[str, Any] | None:
        for row in (snap or {}).get("agents", []):
            if str(row.get("agent_id")) == number:
                return row
        return None

    def status_calls(self) -> list[dict[str, Any]]:
        status = self._client().status()
        calls = status.get("calls", []) if isinstance(status, dict) else []
        return [c for c in calls if isinstance(c, dict)]

    def queue_calls(self) -> list[QueueCall]:
        """Return the calls pbx-core has in its queues (waiting, ringing agents, or answered)."""
        return queue_calls_in(self.status_calls())

    def call_of_agent(self, number: str, snap: dict[str, Any] | None = None) -> QueueCall | None:
        """Return the queue call the agent is ringing for, talking on or wrapping up, if any."""
        row = self.agent_in(snap if snap is not None else self.snapshot(), number)
        call_id = (row or {}).get("call_id")
        if not call_id:
            return None
        for call in self.queue_calls():
            if call.call == call_id:
                return call
        # Wrap-up: the call has ended; what is left is its id and queue.
        return QueueCall(call_id, "", str(row.get("queue_id") or ""), number, "ended", "")

    def owns_call(self, number: str, call_id: str) -> bool:
        """Return whether `call_id` is the agent's current call (as the snapshot or the call says)."""
        row = self.agent_in(self.snapshot(), number)
        if row is not None and row.get("call_id") == call_id:
            return True
        return any(c.call == call_id and c.agent == number for c in self.queue_calls())

    # --- agent state

    def login(self, agent: str, contact: str) -> None:
        self._post("/acd/agents/login", {"agent": agent, "contact": contact})

    def logout(self, agent: str) -> None:
        self._post("/acd/agents/logout", {"agent": agent})

    def pause(self, agent: str, reason: str) -> None:
        self._post("/acd/agents/pause", {"agent": agent, "reason": reason})

    def unpause(self, agent: str) -> None:
        self._post("/acd/agents/unpause", {"agent": agent})

    def join(self, agent: str, queue: str) -> None:
        self._post("/acd/agents/join", {"agent": agent, "queue": queue})

    def leave(self, agent: str, queue: str) -> None:
        self._post("/acd/agents/leave", {"agent": agent, "queue": queue})

    def end_wrap_up(self, agent: str) -> None:
        self._post("/acd/agents/wrapup_end", {"agent": agent})

    def originate(self, agent: str, number: str) -> str:
        return str(self._post("/acd/originate", {"agent": agent, "number": number}).get("call", ""))

    # --- calls

    def hangup(self, call: str) -> None:
        self._post("/acd/calls/hangup", {"call": call})

    def transfer(self, call: str, target: str) -> None:
        self._post("/acd/calls/transfer", {"call": call, "target": target})

    def monitor(self, call: str, mode: str, contact: str) -> str:
        reply = self._post("/acd/monitor", {"call": call, "mode": mode, "contact": contact})
        return str(reply.get("session", ""))

    def monitor_mode(self, session: str, mode: str) -> None:
        self._post("/acd/monitor/mode", {"session": session, "mode": mode})


def queue_calls_in(calls: list[dict[str, Any]]) -> list[QueueCall]:
    """Pick the queue calls (not monitor sessions, not other calls) out of pbx-core's status list."""
    out = []
    for c in calls:
        if not c.get("queue") or c.get("monitor"):
            continue
        out.append(
            QueueCall(
                # The ACD's id of the call (a callback keeps its first call's), which the snapshot,
                # the CTI events and the call actions use; older cores list only the CDR's.
                call=str(c.get("acd_id") or c.get("uniqueid", "")),
                caller=str(c.get("caller", "")),
                queue=str(c.get("queue", "")),
                agent=str(c.get("agent") or ""),
                state=str(c.get("state", "")),
                start=str(c.get("start") or ""),
            )
        )
    return out


def queue_names() -> dict[str, str]:
    return {q.number: q.name for q in Queue.select(Queue.number, Queue.name)}


def agent_names() -> dict[str, str]:
    return {a.number: a.name for a in Agent.select(Agent.number, Agent.name)}


def pause_label(code: str, language: str) -> str:
    row = PauseCode.get_or_none(PauseCode.code == code) if code else None
    return row.label(language) if row is not None else code


# --- views of the whole call center -----------------------------------------------------------------


def board(snap: dict[str, Any], calls: list[dict[str, Any]] | None, language: str) -> dict[str, Any]:
    """Return the supervisor's and the wallboard's view: totals, queues, agents, queue calls.

    `calls` is pbx-core's status list (None: not asked, the wallboard needs no calls).
    """
    names = queue_names()
    queues = []
    for q in snap.get("queues", []):
        qid = str(q.get("queue_id", ""))
        queues.append(
            {
                "queue": qid,
                "name": names.get(qid, ""),
                "strategy": str(q.get("strategy", "")),
                "waiting": int(q.get("waiting") or 0),
                "callbacks": int(q.get("callbacks") or 0),
                "longest_wait": float(q.get("longest_wait") or 0),
                "estimated_wait": q.get("estimated_wait"),
                **{
                    k: int(q.get(k) or 0)
                    for k in ("serving", "ringing", "wrap_up", "idle", "paused", "logged_out")
                },
            }
        )
    live_calls = queue_calls_in(calls) if calls is not None else []
    by_id = {c.call: c for c in live_calls}
    labels = {p.code: p.label(language) for p in PauseCode.select()}
    agents = []
    for a in snap.get("agents", []):
        call_id = str(a.get("call_id") or "")
        call = by_id.get(call_id)
        reason = str(a.get("pause_reason") or "")
        agents.append(
            {
                "agent": str(a.get("agent_id", "")),
                "name": str(a.get("name") or ""),
                "state": str(a.get("state") or "logged-out"),
                "time_in_state": float(a.get("time_in_state") or 0),
                "call": call_id,
                "caller": call.caller if call is not None else "",
                "queue": str(a.get("queue_id") or ""),
                "reason": reason,
                "reason_label": labels.get(reason, reason),
                "contact": str(a.get("contact") or ""),
                "queues": [str(x) for x in a.get("queues") or []],
            }
        )
    agents.sort(key=lambda row: row["agent"])
    states = [row["state"] for row in agents]
    totals = {
        "serving": sum(s in ("on-call", "reserved") for s in states),
        "ringing": states.count("ringing"),
        "wrap_up": states.count("wrap-up"),
        "idle": states.count("idle"),
        "paused": states.count("paused"),
        "logged_out": states.count("logged-out"),
        "waiting": sum(q["waiting"] for q in queues),
        "longest_wait": max((q["longest_wait"] for q in queues), default=0.0),
    }
    return {
        "totals": totals,
        "queues": queues,
        "agents": agents,
        "calls": [dataclasses.asdict(c) for c in live_calls],
        "monitors": [c for c in (calls or []) if c.get("monitor")],
    }

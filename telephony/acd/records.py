"""The ACD's event log: records of everything reports need, in the order things happened.

The engine appends one record per fact; `AcdEngine.drain_records()` hands them to whoever stores
them. Reports (service level, abandon rate, waits, handle and idle times) are computed from stored
records only, so they survive restarts. Every caller that enters a queue gets exactly one
CallerEntered and exactly one terminal record for that queue: CallerAnswered, CallerAbandoned or
CallerOverflowed (an overflow into another queue then starts a new CallerEntered there).
"""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class Record:
    """Base of every record; `at` is when it happened."""

    at: float


@dataclasses.dataclass(frozen=True)
class CallerEntered(Record):
    """A caller reached a queue; `queued_since` is its place (earlier than `at` if restored)."""

    call_id: str
    queue_id: str
    number: str
    priority: int
    queued_since: float
    restored: bool


@dataclasses.dataclass(frozen=True)
class CallerOffered(Record):
    """The caller was offered to an agent."""

    call_id: str
    queue_id: str
    agent_id: str
    offer_id: int


@dataclasses.dataclass(frozen=True)
class OfferEnded(Record):
    """An offer ended: answered, rejected, busy, no-answer, or cancelled (withdrawn by the engine)."""

    call_id: str
    queue_id: str
    agent_id: str
    offer_id: int
    outcome: str


@dataclasses.dataclass(frozen=True)
class CallerAnswered(Record):
    """Terminal: an agent took the caller; `wait` is seconds since the caller entered this queue."""

    call_id: str
    queue_id: str
    agent_id: str
    wait: float


@dataclasses.dataclass(frozen=True)
class CallerAbandoned(Record):
    """Terminal: the caller gave up (`reason` hangup), or every callback attempt failed."""

    call_id: str
    queue_id: str
    wait: float
    reason: str


@dataclasses.dataclass(frozen=True)
class CallerOverflowed(Record):
    """Terminal: the caller left for another destination (reason timeout, full, no-agents, ...)."""

    call_id: str
    queue_id: str
    kind: str
    target: str
    reason: str
    wait: float


@dataclasses.dataclass(frozen=True)
class CallbackRequested(Record):
    """The caller chose a callback and hung up; the place is kept."""

    call_id: str
    queue_id: str
    number: str


@dataclasses.dataclass(frozen=True)
class CallbackStarted(Record):
    """The engine reserved an agent and asked the core to dial the customer."""

    call_id: str
    queue_id: str
    agent_id: str
    attempt: int


@dataclasses.dataclass(frozen=True)
class CallbackEnded(Record):
    """The callback dial ended (answered, no-answer, busy, failed)."""

    call_id: str
    queue_id: str
    outcome: str


@dataclasses.dataclass(frozen=True)
class CallCompleted(Record):
    """A connected call ended with this talk time."""

    call_id: str
    queue_id: str
    agent_id: str
    talk_time: float


@dataclasses.dataclass(frozen=True)
class AgentStateChanged(Record):
    """An agent changed state (logged-out, idle, ringing, reserved, on-call, wrap-up, paused).

    `reason` is the pause code for paused; `call_id` and `queue_id` name the call for ringing,
    reserved, on-call and wrap-up.
    """

    agent_id: str
    old: str
    new: str
    reason: str = ""
    call_id: str = ""
    queue_id: str = ""

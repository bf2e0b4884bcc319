"""Events into the ACD engine: small frozen dataclasses, each stamped with the time `at` it happened.

The engine never reads a clock; `at` (float seconds on any monotonic scale, the same for every event)
is the only notion of time it has. An event older than the last one seen is treated as happening
now (the engine's clock never runs backwards).

Commands (configure, login, pause, join, arrive, ...) are strict: bad input raises an AcdError and
changes nothing. Reports about actions the engine asked for (OfferOutcome, CallbackOutcome,
CallEnded, CallerHangup) tolerate stale ids, because a report can cross a decision the engine
already took (an offer timed out in the engine just as the phone was answered): those are logged
and ignored.
"""

from __future__ import annotations

import dataclasses
import enum

from telephony.acd.config import AgentConfig, QueueConfig


class OfferResult(enum.StrEnum):
    """How an offer to an agent ended, as the core saw it."""

    ANSWERED = "answered"
    REJECTED = "rejected"
    BUSY = "busy"
    NO_ANSWER = "no-answer"


class CallbackResult(enum.StrEnum):
    """How a callback dial to the customer ended."""

    ANSWERED = "answered"
    NO_ANSWER = "no-answer"
    BUSY = "busy"
    FAILED = "failed"


@dataclasses.dataclass(frozen=True)
class AcdEvent:
    """Base of every event; `at` is when it happened, in seconds."""

    at: float = dataclasses.field(kw_only=True)


@dataclasses.dataclass(frozen=True)
class QueueConfigured(AcdEvent):
    """A queue was created or its settings changed (dynamic members and waiting callers are kept)."""

    config: QueueConfig


@dataclasses.dataclass(frozen=True)
class QueueRemoved(AcdEvent):
    """A queue was deleted: callers on the line overflow (reason queue-removed), callbacks are dropped."""

    queue_id: str


@dataclasses.dataclass(frozen=True)
class AgentConfigured(AcdEvent):
    """An agent was created or its settings changed."""

    config: AgentConfig


@dataclasses.dataclass(frozen=True)
class AgentRemoved(AcdEvent):
    """An agent was deleted; only a logged-out agent can be removed."""

    agent_id: str


@dataclasses.dataclass(frozen=True)
class AgentLogin(AcdEvent):
    """An agent logged in at `contact` (the extension or SIP URI offers ring)."""

    agent_id: str
    contact: str


@dataclasses.dataclass(frozen=True)
class AgentLogout(AcdEvent):
    """An agent logged out; dynamic memberships end. On a call, the logout happens when it ends."""

    agent_id: str


@dataclasses.dataclass(frozen=True)
class AgentJoinQueue(AcdEvent):
    """A logged-in agent joined a queue as a dynamic member (or changed its dynamic settings)."""

    agent_id: str
    queue_id: str
    penalty: int = 0
    skill: int = 1
    weight: float = 1.0


@dataclasses.dataclass(frozen=True)
class AgentLeaveQueue(AcdEvent):
    """An agent left a queue it joined dynamically."""

    agent_id: str
    queue_id: str


@dataclasses.dataclass(frozen=True)
class AgentPause(AcdEvent):
    """An agent paused with a reason code; on a call or in wrap-up, the pause starts when that ends."""

    agent_id: str
    reason: str


@dataclasses.dataclass(frozen=True)
class AgentUnpause(AcdEvent):
    """An agent is ready again (or cancels a pause still pending)."""

    agent_id: str


@dataclasses.dataclass(frozen=True)
class WrapUpEnded(AcdEvent):
    """An agent ended wrap-up early."""

    agent_id: str


@dataclasses.dataclass(frozen=True)
class CallerArrived(AcdEvent):
    """A call entered a queue.

    `priority`: higher is served first (VIP); `last_agent`: the agent this number last spoke to, if
    the core knows it from the CDR (the engine's own memory is used otherwise).
    """

    call_id: str
    queue_id: str
    caller_number: str
    priority: int = 0
    last_agent: str | None = None
    last_agent_at: float | None = None


@dataclasses.dataclass(frozen=True)
class CallerHangup(AcdEvent):
    """The caller hung up (abandoned) while waiting, ringing or holding for a callback agent."""

    call_id: str


@dataclasses.dataclass(frozen=True)
class OfferOutcome(AcdEvent):
    """An offer the engine made ended this way (`offer_id` from the Offer action)."""

    offer_id: int
    result: OfferResult


@dataclasses.dataclass(frozen=True)
class CallEnded(AcdEvent):
    """A connected call ended; `talk_time` in seconds feeds least-talk-time and the wait estimate."""

    call_id: str
    talk_time: float


@dataclasses.dataclass(frozen=True)
class CallbackRequested(AcdEvent):
    """The caller pressed the callback key: keep the place, hang up, call back on `number` (or theirs)."""

    call_id: str
    number: str = ""


@dataclasses.dataclass(frozen=True)
class CallbackOutcome(AcdEvent):
    """The callback dial (StartCallback) ended this way."""

    call_id: str
    result: CallbackResult

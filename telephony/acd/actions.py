"""Actions out of the ACD engine: frozen dataclasses the core executes, in the order given.

The engine only decides; the core does the telephony and reports the result back as an event
(OfferOutcome for Offer, CallbackOutcome for StartCallback, CallEnded after Connect).
"""

from __future__ import annotations

import dataclasses
import enum

from telephony.acd.config import Destination


class CancelReason(enum.StrEnum):
    """Why the engine withdrew an offer that was still ringing."""

    NO_ANSWER = "no-answer"  # ring_timeout elapsed: stop ringing, it counts as not answered
    ANSWERED_ELSEWHERE = "answered-elsewhere"
    CALLER_LEFT = "caller-left"  # hung up, timed out, overflowed, or asked for a callback
    AGENT_UNAVAILABLE = "agent-unavailable"  # paused, logged out, left the queue


class OverflowReason(enum.StrEnum):
    """Why a caller left the queue for another destination."""

    TIMEOUT = "timeout"
    FULL = "full"
    NO_AGENTS = "no-agents"
    QUEUE_REMOVED = "queue-removed"


class AnnouncementKind(enum.StrEnum):
    """Which prompt to play to a waiting caller."""

    PERIODIC = "periodic"
    POSITION = "position"


@dataclasses.dataclass(frozen=True)
class Action:
    """Base of every action."""


@dataclasses.dataclass(frozen=True)
class Offer(Action):
    """Ring `agent_id` at `contact` with this caller; report back with OfferOutcome(offer_id)."""

    offer_id: int
    call_id: str
    queue_id: str
    agent_id: str
    contact: str
    caller_number: str
    timeout: float


@dataclasses.dataclass(frozen=True)
class CancelOffer(Action):
    """Stop ringing the agent for this offer; no OfferOutcome is expected afterwards."""

    offer_id: int
    call_id: str
    agent_id: str
    reason: CancelReason


@dataclasses.dataclass(frozen=True)
class Connect(Action):
    """Bridge the caller to the agent (announce `agent_number` to the caller if configured).

    `offer_id` is None for a callback, where the agent was reserved rather than rung.
    """

    call_id: str
    queue_id: str
    agent_id: str
    agent_number: str
    offer_id: int | None


@dataclasses.dataclass(frozen=True)
class PlayAnnouncement(Action):
    """Play a prompt to a waiting caller; position prompts carry the place and estimated wait.

    `estimated_wait` is None when there is no recent handle time or no agent is staffed.
    """

    call_id: str
    queue_id: str
    kind: AnnouncementKind
    position: int | None = None
    estimated_wait: float | None = None


@dataclasses.dataclass(frozen=True)
class Overflow(Action):
    """Send the caller out of the queue to `destination`.

    For a queue destination the engine has already put the caller in that queue (a CallerArrived of
    its own); the core only switches the caller's music and prompts. Every other kind ends the
    caller's time in the engine.
    """

    call_id: str
    queue_id: str
    destination: Destination
    reason: OverflowReason


@dataclasses.dataclass(frozen=True)
class AgentAutoPaused(Action):
    """The engine paused an agent on its own; tell the agent and supervisor why."""

    agent_id: str
    reason: str
    queue_id: str


@dataclasses.dataclass(frozen=True)
class StartCallback(Action):
    """Dial the customer back on `number`; `agent_id` is reserved for them (show the agent who it is).

    Report the dial with CallbackOutcome(call_id).
    """

    call_id: str
    queue_id: str
    number: str
    agent_id: str
    agent_number: str
    attempt: int

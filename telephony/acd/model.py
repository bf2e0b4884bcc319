"""The engine's live records: agents, callers, queues, offers. Mutable; owned by the engine.

A queue keeps its callers in one sorted list by place: priority first (higher first), then the
time the place was taken (`queued_since`, which a returning caller may restore), then a global
arrival sequence number. Callers waiting for a callback keep their entry: they hold a place.
Members are an ordered dict: static members in configuration order, then dynamic members in the
order they joined; that order is the hunt order of linear, round-robin and ring-progressive.
"""

from __future__ import annotations

import bisect
import dataclasses

from telephony.acd.config import AgentConfig, MemberSpec, QueueConfig
from telephony.acd.states import AgentState, CallerState, LoggedOut, Waiting
from telephony.acd.stats import AgentLoad, HandleTimes
from telephony.acd.strategies.base import Strategy

CallerKey = tuple[int, float, int]


@dataclasses.dataclass(eq=False)
class Membership:
    """An agent's membership of one queue."""

    agent_id: str
    penalty: int = 0
    skill: int = 1
    weight: float = 1.0
    dynamic: bool = False

    @classmethod
    def from_spec(cls, spec: MemberSpec, dynamic: bool) -> Membership:
        """Build a membership from a static member or a join's settings."""
        return cls(spec.agent_id, spec.penalty, spec.skill, spec.weight, dynamic)


@dataclasses.dataclass(eq=False)
class Agent:
    """A configured agent and its live state."""

    config: AgentConfig
    state: AgentState = dataclasses.field(default_factory=LoggedOut)
    since: float = 0.0
    contact: str = ""
    idle_since: float = 0.0  # end of the last call or wrap-up on any queue, else login
    backoff_until: float = 0.0
    unanswered: int = 0  # offers not answered in a row
    last_talk: float = 0.0  # talk time of the last call, for its handle time when wrap-up ends
    pending_pause: str | None = None
    pending_logout: bool = False
    load: AgentLoad = dataclasses.field(default_factory=AgentLoad)

    @property
    def agent_id(self) -> str:
        return self.config.agent_id

    @property
    def label(self) -> str:
        return f"agent {self.config.agent_id}"


@dataclasses.dataclass(eq=False)
class Caller:
    """A call in a queue, from arrival until it is answered and ends, abandons or overflows."""

    call_id: str
    queue_id: str
    number: str
    priority: int
    arrived_at: float  # entered this queue (max_wait, skills widening and reported waits count from here)
    queued_since: float  # the place; earlier than arrived_at when a returning caller got it back
    seq: int
    state: CallerState = dataclasses.field(default_factory=Waiting)
    since: float = 0.0
    offers: dict[int, str] = dataclasses.field(default_factory=dict)  # offer id -> agent id
    tried: set[str] = dataclasses.field(default_factory=set)  # agents that failed this round
    round_started: float | None = None
    round_failed: bool = False
    retry_until: float = 0.0
    preferred_agent: str | None = None
    affinity_until: float = 0.0
    callback_number: str = ""
    callback_attempts: int = 0
    reserved_agent: str | None = None
    agent_id: str | None = None  # the agent connected to it
    hops: int = 0  # queue-to-queue overflows so far

    @property
    def key(self) -> CallerKey:
        return (-self.priority, self.queued_since, self.seq)

    @property
    def label(self) -> str:
        return f"call {self.call_id}"

    def in_affinity_hold(self, now: float) -> bool:
        """Return whether the caller still waits for its preferred agent only."""
        return self.preferred_agent is not None and now < self.affinity_until


@dataclasses.dataclass(frozen=True)
class OfferInfo:
    """One offer in flight."""

    offer_id: int
    call_id: str
    agent_id: str
    queue_id: str
    made_at: float


class QueueRuntime:
    """A configured queue: its strategy instance, members, callers in order, and handle times."""

    def __init__(self, config: QueueConfig, strategy: Strategy) -> None:
        self.config = config
        self.strategy = strategy
        self.members: dict[str, Membership] = {}
        self.callers: list[tuple[CallerKey, Caller]] = []
        self.handle_times = HandleTimes(int(config.aht_samples))

    @property
    def queue_id(self) -> str:
        return self.config.queue_id

    def add_caller(self, caller: Caller) -> None:
        """Take the caller's place in the queue."""
        bisect.insort(self.callers, (caller.key, caller), key=lambda e: e[0])

    def remove_caller(self, caller: Caller) -> None:
        """Give up the caller's place."""
        i = bisect.bisect_left(self.callers, caller.key, key=lambda e: e[0])
        if i < len(self.callers) and self.callers[i][1] is caller:
            del self.callers[i]

    def position(self, caller: Caller) -> int:
        """Return the caller's place, 1 = next; callers holding a callback place count."""
        return bisect.bisect_left(self.callers, caller.key, key=lambda e: e[0]) + 1

    def set_static_members(self, specs: tuple[MemberSpec, ...]) -> None:
        """Replace the static members (kept first, in order); dynamic members keep their order after."""
        static_ids = {s.agent_id for s in specs}
        dynamic = {a: m for a, m in self.members.items() if m.dynamic and a not in static_ids}
        self.members = {s.agent_id: Membership.from_spec(s, dynamic=False) for s in specs}
        self.members.update(dynamic)

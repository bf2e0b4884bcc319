"""Queue and agent settings: frozen dataclasses, each checked against one declarative table.

Every field of QueueConfig is listed once in `QUEUE_FIELDS` (key, check, reason, help); the
dataclass validates itself on construction and raises InvalidConfig naming the queue, the field and
the reason. `queue_config_from_mapping` builds one from plain data (a database row, a YAML
document) with the same errors.

Times are seconds (floats); 0 switches a timed feature off unless the help says otherwise.

"Empty" (join_empty / leave_when_empty) has one of four meanings, chosen per rule:
  never         the queue never counts as empty: always join, never sent out.
  no-logged-in  empty when no member agent is logged in.
  no-available  empty when every member is logged out or paused; members on a call, ringing,
                reserved or in wrap-up count as available (they will be back).
  no-idle       empty when no member is idle right now (an idle member in back-off after a failed
                offer still counts as idle). As a leave rule
                this sends callers out whenever every member is busy; it suits overflow-heavy setups.
join_empty refuses a new caller (overflow to no_agents_destination, reason no-agents); leave_when_empty
sends callers already on the line out the same way as soon as the queue becomes empty. Callers
waiting for a callback are never sent out by these rules.
"""

from __future__ import annotations

import dataclasses
import enum
import math
from collections.abc import Callable, Mapping
from typing import Any

from telephony.acd.errors import InvalidConfig

EPSILON = 1e-9  # timers fire exactly at a boundary; float subtraction must not land just before it


class TargetKind(enum.StrEnum):
    """Where an overflowing caller goes; `hangup` means the core plays busy and releases the call."""

    QUEUE = "queue"
    IVR = "ivr"
    VOICEMAIL = "voicemail"
    EXTENSION = "extension"
    EXTERNAL = "external"
    HANGUP = "hangup"


class EmptyRule(enum.StrEnum):
    """When a queue counts as empty for join_empty / leave_when_empty (see the module docstring)."""

    NEVER = "never"
    NO_LOGGED_IN = "no-logged-in"
    NO_AVAILABLE = "no-available"
    NO_IDLE = "no-idle"


@dataclasses.dataclass(frozen=True)
class Destination:
    """An overflow target: a kind and, except for hangup, the queue id / IVR / mailbox / number."""

    kind: TargetKind = TargetKind.HANGUP
    target: str = ""

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "kind", TargetKind(self.kind))
        except ValueError:
            raise InvalidConfig(
                "destination.kind", f"{self.kind!r} is not one of {_names(TargetKind)}"
            ) from None
        if self.kind is TargetKind.HANGUP and self.target:
            raise InvalidConfig("destination.target", "hangup takes no target")
        if self.kind is not TargetKind.HANGUP and not self.target:
            raise InvalidConfig("destination.target", f"{self.kind} needs a target")


HANGUP = Destination()


@dataclasses.dataclass(frozen=True)
class MemberSpec:
    """A static member of a queue, or the settings of a dynamic join.

    penalty: members of the lowest penalty among those free are tried first (every strategy but
    skills-based). skill: 1..100, higher is better (skills-based only). weight: > 0, the relative
    chance under weighted-random.
    """

    agent_id: str
    penalty: int = 0
    skill: int = 1
    weight: float = 1.0

    def __post_init__(self) -> None:
        if not self.agent_id:
            raise InvalidConfig("member.agent_id", "must not be empty")
        if not isinstance(self.penalty, int) or self.penalty < 0:
            raise InvalidConfig(f"member {self.agent_id}.penalty", "must be an integer >= 0")
        if not isinstance(self.skill, int) or not 1 <= self.skill <= 100:
            raise InvalidConfig(f"member {self.agent_id}.skill", "must be an integer from 1 to 100")
        if not _finite(self.weight) or self.weight <= 0:
            raise InvalidConfig(f"member {self.agent_id}.weight", "must be a number > 0")


@dataclasses.dataclass(frozen=True)
class AgentConfig:
    """An agent: a person with a login, not a phone. `number` is announced to callers on answer."""

    agent_id: str
    number: str = ""
    name: str = ""

    def __post_init__(self) -> None:
        if not self.agent_id:
            raise InvalidConfig("agent.agent_id", "must not be empty")


@dataclasses.dataclass(frozen=True)
class QueueConfig:
    """One queue's settings; see QUEUE_FIELDS for each field's meaning."""

    queue_id: str
    strategy: str = "ring-all"
    members: tuple[MemberSpec, ...] = ()
    weight: int = 0
    max_callers: int = 0
    max_wait: float = 0.0
    timeout_destination: Destination = HANGUP
    full_destination: Destination = HANGUP
    no_agents_destination: Destination = HANGUP
    join_empty: EmptyRule = EmptyRule.NEVER
    leave_when_empty: EmptyRule = EmptyRule.NEVER
    wrap_up: float = 0.0
    ring_timeout: float = 15.0
    retry_delay: float = 5.0
    backoff_rejected: float = 10.0
    backoff_busy: float = 10.0
    backoff_no_answer: float = 5.0
    periodic_announce_interval: float = 0.0
    position_announce_interval: float = 0.0
    auto_pause_after: int = 0
    stats_window: float = 3600.0
    aht_samples: int = 20
    progressive_step: float = 5.0
    skill_widen: tuple[tuple[float, int], ...] = ((0.0, 1),)
    affinity_days: float = 0.0
    affinity_wait: float = 0.0
    rejoin_window: float = 0.0
    vip_numbers: frozenset[str] = frozenset()
    vip_priority: int = 10
    callback_attempts: int = 0
    callback_retry_delay: float = 60.0
    callback_lead: float = 0.0

    def __post_init__(self) -> None:
        if not self.queue_id:
            raise InvalidConfig("queue.queue_id", "must not be empty")
        object.__setattr__(self, "members", tuple(self.members))
        object.__setattr__(self, "vip_numbers", frozenset(self.vip_numbers))
        try:
            object.__setattr__(self, "skill_widen", tuple(tuple(s) for s in self.skill_widen))
        except TypeError:
            self._fail("skill_widen", "must be a list of (seconds, level) pairs")
        for name in ("join_empty", "leave_when_empty"):
            try:
                object.__setattr__(self, name, EmptyRule(getattr(self, name)))
            except ValueError:
                self._fail(name, f"{getattr(self, name)!r} is not one of {_names(EmptyRule)}")
        for f in QUEUE_FIELDS:
            if not f.check(getattr(self, f.key)):
                self._fail(f.key, f.reason)
        seen: set[str] = set()
        for m in self.members:
            if m.agent_id in seen:
                self._fail("members", f"agent {m.agent_id} is listed twice")
            seen.add(m.agent_id)
        if self.affinity_days > 0 and self.affinity_wait <= 0:
            self._fail("affinity_wait", "must be > 0 when affinity_days is set")
        if (
            self.timeout_destination.kind is TargetKind.QUEUE
            and self.timeout_destination.target == self.queue_id
        ):
            self._fail("timeout_destination", "cannot overflow a queue into itself")

    def _fail(self, key: str, reason: str) -> None:
        raise InvalidConfig(f"queue {self.queue_id}.{key}", reason)

    def backoff(self, outcome: str) -> float:
        """Return the agent back-off after an offer of this queue ended with `outcome`."""
        return {"rejected": self.backoff_rejected, "busy": self.backoff_busy}.get(
            outcome, self.backoff_no_answer
        )

    def min_skill(self, waited: float) -> int:
        """Return the lowest skill level a caller who has waited `waited` seconds may be offered to."""
        level = self.skill_widen[0][1]
        for after, lvl in self.skill_widen:
            if waited + EPSILON >= after:
                level = lvl
        return level


@dataclasses.dataclass(frozen=True)
class Field:
    """One row of the settings table: the key, its check, the reason it fails, and its meaning."""

    key: str
    check: Callable[[Any], bool]
    reason: str
    help: str


def _finite(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def _secs(v: Any) -> bool:
    return _finite(v) and v >= 0


def _pos(v: Any) -> bool:
    return _finite(v) and v > 0


def _count(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


def _int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _strategy(v: Any) -> bool:
    from telephony.acd.strategies import names  # the registry imports this module's types

    return v in names()


def _widen(v: Any) -> bool:
    try:
        if not v or v[0][0] != 0:
            return False
        steps = [(float(a), int(lvl)) for a, lvl in v]
    except (TypeError, ValueError):
        return False
    times = [a for a, _ in steps]
    levels = [lvl for _, lvl in steps]
    ok_range = all(1 <= lvl <= 100 for lvl in levels) and all(_secs(a) for a in times)
    return ok_range and times == sorted(set(times)) and levels == sorted(levels, reverse=True)


QUEUE_FIELDS: tuple[Field, ...] = (
    Field("strategy", _strategy, "is not a registered strategy", "how agents are chosen (see strategies/)"),
    Field("weight", _int, "must be an integer", "agents in several queues serve higher weights first"),
    Field("max_callers", _count, "must be an integer >= 0", "callers on the line at most; 0 = no limit"),
    Field("max_wait", _secs, "must be seconds >= 0", "wait before overflow to timeout_destination; 0 = none"),
    Field("wrap_up", _secs, "must be seconds >= 0", "agent wrap-up after each call of this queue"),
    Field("ring_timeout", _pos, "must be seconds > 0", "how long one offer rings before no-answer"),
    Field("retry_delay", _secs, "must be seconds >= 0", "a caller's pause after a round of offers failed"),
    Field("backoff_rejected", _secs, "must be seconds >= 0", "agent rests this long after rejecting"),
    Field("backoff_busy", _secs, "must be seconds >= 0", "agent rests this long after a busy phone"),
    Field("backoff_no_answer", _secs, "must be seconds >= 0", "agent rests this long after not answering"),
    Field("periodic_announce_interval", _secs, "must be seconds >= 0", "periodic announcement; 0 = off"),
    Field("position_announce_interval", _secs, "must be seconds >= 0", "position/wait announcement; 0 = off"),
    Field(
        "auto_pause_after", _count, "must be an integer >= 0", "pause after N no-answers in a row; 0 = off"
    ),
    Field("stats_window", _pos, "must be seconds > 0", "window of fewest-calls / least-talk-time"),
    Field("aht_samples", _pos, "must be an integer > 0", "handle times averaged for the wait estimate"),
    Field("progressive_step", _pos, "must be seconds > 0", "ring-progressive adds one agent this often"),
    Field(
        "skill_widen",
        _widen,
        "must start at 0 s, with rising times and falling levels 1..100",
        "skills-based: (after seconds waited, lowest skill level allowed) steps",
    ),
    Field("affinity_days", _secs, "must be days >= 0", "last-agent affinity memory; 0 = off"),
    Field("affinity_wait", _secs, "must be seconds >= 0", "how long a caller waits for its last agent"),
    Field(
        "rejoin_window", _secs, "must be seconds >= 0", "a caller back within this keeps its place; 0 = off"
    ),
    Field("vip_priority", _int, "must be an integer", "priority given to callers in vip_numbers"),
    Field("callback_attempts", _count, "must be an integer >= 0", "callback dial attempts; 0 = no callback"),
    Field("callback_retry_delay", _secs, "must be seconds >= 0", "pause between callback attempts"),
    Field("callback_lead", _secs, "must be seconds >= 0", "reserve an agent this long before wrap-up ends"),
)


def _names(e: type[enum.Enum]) -> str:
    return ", ".join(str(m.value) for m in e)


def queue_config_from_mapping(data: Mapping[str, Any]) -> QueueConfig:
    """Build a QueueConfig from plain data; unknown keys and bad values raise InvalidConfig."""
    known = {f.name for f in dataclasses.fields(QueueConfig)}
    qid = str(data.get("queue_id", ""))
    for key in data:
        if key not in known:
            raise InvalidConfig(f"queue {qid}.{key}", "unknown setting")
    kwargs = dict(data)
    for key in ("timeout_destination", "full_destination", "no_agents_destination"):
        if isinstance(kwargs.get(key), Mapping):
            kwargs[key] = Destination(**kwargs[key])
    if "members" in kwargs:
        kwargs["members"] = tuple(
            m if isinstance(m, MemberSpec) else MemberSpec(**m) for m in kwargs["members"]
        )
    try:
        return QueueConfig(**kwargs)
    except TypeError as e:
        raise InvalidConfig(f"queue {qid}", str(e)) from None

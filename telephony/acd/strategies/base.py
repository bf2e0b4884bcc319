"""The strategy interface and the table strategies register themselves in.

A strategy decides which free members of a queue a caller is offered to, and how many at once.
The engine calls it with `pool`: the queue's members that are free right now (logged in, idle,
out of back-off, not already offered this pass, not tried by this caller in this round), in hunt
order. Unless `uses_penalty` is False, the engine has already narrowed the pool to its lowest
penalty. The strategy returns the pool best-first; the engine offers the first
`max_parallel - offers already ringing` of it.

A subclass must set `name` and override `rank`; it may override `max_parallel` (default 1),
`eligible` (default every member), `next_wakeup` (when its answer changes with time alone) and
`on_offered` (to remember something). One instance serves one queue and lives as long as the
queue keeps that strategy, so it may hold memory (round-robin).
"""

from __future__ import annotations

import abc
import random
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar, Protocol

from telephony.acd.config import QueueConfig

if TYPE_CHECKING:
    from telephony.acd.model import Caller, Membership


class RankContext(Protocol):
    """What the engine tells strategies about agents beyond their membership."""

    rng: random.Random

    def idle_since(self, agent_id: str) -> float:
        """End of the agent's last call or wrap-up on any queue (login time if none since)."""
        ...

    def answered_since(self, agent_id: str, since: float) -> int:
        """Calls the agent answered, on any queue, at or after `since`."""
        ...

    def talk_since(self, agent_id: str, since: float) -> float:
        """Talk time of the agent's calls, on any queue, that ended at or after `since`."""
        ...


class Strategy(abc.ABC):
    """How one queue picks agents for a caller."""

    name: ClassVar[str] = ""
    uses_penalty: ClassVar[bool] = True

    def __init__(self, config: QueueConfig) -> None:
        self.config = config

    def reconfigure(self, config: QueueConfig) -> None:
        """Take new queue settings, keeping any memory."""
        self.config = config

    def max_parallel(self, caller: Caller, now: float) -> int:
        """Return how many offers may ring for this caller at once."""
        return 1

    def eligible(self, member: Membership, caller: Caller, now: float) -> bool:
        """Return whether the caller may be offered to this member at all right now."""
        return True

    @abc.abstractmethod
    def rank(
        self, ctx: RankContext, hunt: Sequence[str], pool: list[Membership], caller: Caller, now: float
    ) -> list[Membership]:
        """Return `pool` ordered best first; `hunt` is every member id of the queue in hunt order."""

    def on_offered(self, agent_id: str, hunt: Sequence[str]) -> None:
        """Note that a caller was offered to this agent (`hunt` as given to rank)."""
        return None

    def next_wakeup(self, caller: Caller, now: float) -> float | None:
        """Return the next time `max_parallel` or `eligible` changes for this caller, if any."""
        return None


_REGISTRY: dict[str, type[Strategy]] = {}


def register(cls: type[Strategy]) -> type[Strategy]:
    """Add a strategy class to the table under its `name` (a class decorator)."""
    if not cls.name or cls.name in _REGISTRY:
        raise ValueError(f"strategy name {cls.name!r} is empty or taken")
    _REGISTRY[cls.name] = cls
    return cls


def create(config: QueueConfig) -> Strategy:
    """Return a new instance of the queue's strategy."""
    return _REGISTRY[config.strategy](config)


def names() -> tuple[str, ...]:
    """Return every registered strategy name."""
    return tuple(_REGISTRY)


def by_idle(ctx: RankContext, pool: list[Membership]) -> list[Membership]:
    """Order members longest idle first; ties keep the pool's hunt order (the sort is stable)."""
    return sorted(pool, key=lambda m: ctx.idle_since(m.agent_id))

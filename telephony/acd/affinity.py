"""Last-agent affinity: a caller who spoke to an agent recently waits a bounded time for that agent.

Enabled per queue by affinity_days > 0 (with affinity_wait > 0). When a caller enters the queue,
its preferred agent is the agent its number last talked to (answered through the engine, on any
queue, or named by the core in CallerArrived.last_agent from the CDR) if that was within
affinity_days, the agent is a member of this queue and it is logged in (and not logging out; a
paused agent still counts). Then, for affinity_wait seconds from entry:

- the caller is offered only to that agent, as soon as the agent is free (idle, out of back-off),
  ahead of every other caller, ignoring penalty and skill level;
- it is offered to nobody else, and callers behind it are served normally meanwhile.

The hold ends when affinity_wait runs out, when the offer to the preferred agent fails, or when that
agent logs out or leaves the queue; the caller
then goes through the queue's strategy from its normal place. Anonymous numbers have no affinity.
"""

from __future__ import annotations

DAY = 86400.0
ANONYMOUS = frozenset({"", "anonymous", "unknown", "unavailable", "private", "restricted"})


def is_anonymous(number: str) -> bool:
    """Return whether a caller number identifies nobody (no affinity, no returning place)."""
    return number.strip().lower() in ANONYMOUS


class AffinityMemory:
    """The agent each caller number last talked to, and when."""

    def __init__(self) -> None:
        self._last: dict[str, tuple[str, float]] = {}  # in time order: oldest first

    def __len__(self) -> int:
        return len(self._last)

    def remember(self, number: str, agent_id: str, at: float, keep_days: float) -> None:
        """Note that `number` was answered by `agent_id` at `at`; forget entries older than keep_days."""
        if is_anonymous(number) or keep_days <= 0:
            return
        self._last.pop(number, None)
        self._last[number] = (agent_id, at)
        horizon = at - keep_days * DAY
        while self._last:
            oldest = next(iter(self._last))
            if self._last[oldest][1] >= horizon:
                break
            del self._last[oldest]

    def lookup(self, number: str, now: float, days: float) -> tuple[str, float] | None:
        """Return (agent id, when) for `number` if it talked to an agent within `days`."""
        if days <= 0 or is_anonymous(number):
            return None
        entry = self._last.get(number)
        if entry is None or entry[1] < now - days * DAY:
            return None
        return entry

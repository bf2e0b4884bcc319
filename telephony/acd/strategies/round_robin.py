"""round-robin: offer to the next free member after the one offered last, in hunt order, wrapping.

The memory is the member offered last by this queue (answered or not) and its place in the hunt
order; if that member has since left the queue, the search starts at the member now in its place.
The memory lasts as long as the queue keeps this strategy (configuration updates keep it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from telephony.acd.config import QueueConfig
from telephony.acd.strategies.base import RankContext, Strategy, register

if TYPE_CHECKING:
    from telephony.acd.model import Caller, Membership


@register
class RoundRobin(Strategy):
    """Rotate through members, remembering the last one offered."""

    name = "round-robin"

    def __init__(self, config: QueueConfig) -> None:
        super().__init__(config)
        self._last: str | None = None
        self._last_pos = -1

    def rank(
        self, ctx: RankContext, hunt: Sequence[str], pool: list[Membership], caller: Caller, now: float
    ) -> list[Membership]:
        pos = {a: i for i, a in enumerate(hunt)}
        start = pos.get(self._last, self._last_pos - 1) if self._last is not None else -1
        n = max(len(hunt), 1)
        return sorted(pool, key=lambda m: (pos[m.agent_id] - start - 1) % n)

    def on_offered(self, agent_id: str, hunt: Sequence[str]) -> None:
        self._last = agent_id
        self._last_pos = list(hunt).index(agent_id) if agent_id in hunt else -1

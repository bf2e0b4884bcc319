"""fewest-calls: offer to the free member who answered the fewest calls in the last stats_window.

Calls answered on any queue count, from the moment they are answered. Ties go to the longest idle
(as longest-idle), then hunt order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from telephony.acd.strategies.base import RankContext, Strategy, register

if TYPE_CHECKING:
    from telephony.acd.model import Caller, Membership


@register
class FewestCalls(Strategy):
    """Least-loaded by call count."""

    name = "fewest-calls"

    def rank(
        self, ctx: RankContext, hunt: Sequence[str], pool: list[Membership], caller: Caller, now: float
    ) -> list[Membership]:
        since = now - self.config.stats_window
        return sorted(pool, key=lambda m: (ctx.answered_since(m.agent_id, since), ctx.idle_since(m.agent_id)))

"""least-talk-time: offer to the free member with the least talk time in the last stats_window.

Talk time of calls on any queue counts when the call ends (CallEnded.talk_time), so a call in
progress does not count yet. Ties go to the longest idle, then hunt order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from telephony.acd.strategies.base import RankContext, Strategy, register

if TYPE_CHECKING:
    from telephony.acd.model import Caller, Membership


@register
class LeastTalkTime(Strategy):
    """Least-loaded by talk time."""

    name = "least-talk-time"

    def rank(
        self, ctx: RankContext, hunt: Sequence[str], pool: list[Membership], caller: Caller, now: float
    ) -> list[Membership]:
        since = now - self.config.stats_window
        return sorted(pool, key=lambda m: (ctx.talk_since(m.agent_id, since), ctx.idle_since(m.agent_id)))

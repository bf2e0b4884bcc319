"""longest-idle: offer to the free member idle the longest, across every queue.

Idle time runs from the end of the agent's last call, or of its wrap-up if it had one, on any queue
(not just this one); for an agent with no call since logging in, from the login. Pausing does not
reset it. Ties go in hunt order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from telephony.acd.strategies.base import RankContext, Strategy, by_idle, register

if TYPE_CHECKING:
    from telephony.acd.model import Caller, Membership


@register
class LongestIdle(Strategy):
    """Most rested agent first."""

    name = "longest-idle"

    def rank(
        self, ctx: RankContext, hunt: Sequence[str], pool: list[Membership], caller: Caller, now: float
    ) -> list[Membership]:
        return by_idle(ctx, pool)

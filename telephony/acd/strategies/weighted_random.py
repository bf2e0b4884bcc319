"""weighted-random: offer to a free member chosen at random with chance proportional to its weight.

A member's weight is MemberSpec.weight (> 0). Drawn without replacement with the engine's Random,
so a member of weight 3 is three times as likely to be first as one of weight 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from telephony.acd.strategies.base import RankContext, Strategy, register

if TYPE_CHECKING:
    from telephony.acd.model import Caller, Membership


@register
class WeightedRandom(Strategy):
    """Random choice weighted by member weight."""

    name = "weighted-random"

    def rank(
        self, ctx: RankContext, hunt: Sequence[str], pool: list[Membership], caller: Caller, now: float
    ) -> list[Membership]:
        left = list(pool)
        out: list[Membership] = []
        while left:
            r = ctx.rng.random() * sum(m.weight for m in left)
            i = 0
            while i < len(left) - 1 and r >= left[i].weight:
                r -= left[i].weight
                i += 1
            out.append(left.pop(i))
        return out

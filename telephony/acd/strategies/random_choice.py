"""random: offer to a free member chosen uniformly at random with the engine's injected Random.

The pool is presented in hunt order, so a seeded Random gives the same choices every run.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from telephony.acd.strategies.base import RankContext, Strategy, register

if TYPE_CHECKING:
    from telephony.acd.model import Caller, Membership


@register
class RandomChoice(Strategy):
    """Uniform random choice."""

    name = "random"

    def rank(
        self, ctx: RankContext, hunt: Sequence[str], pool: list[Membership], caller: Caller, now: float
    ) -> list[Membership]:
        return ctx.rng.sample(pool, len(pool))

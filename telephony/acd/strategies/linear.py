"""linear: offer to the first free member in hunt order, one at a time.

Hunt order is the static members in configuration order, then dynamic members in the order they
joined. The same agent is tried first again on every call, so the head of the list works hardest.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from telephony.acd.strategies.base import RankContext, Strategy, register

if TYPE_CHECKING:
    from telephony.acd.model import Caller, Membership


@register
class Linear(Strategy):
    """Hunt from the top of the member list."""

    name = "linear"

    def rank(
        self, ctx: RankContext, hunt: Sequence[str], pool: list[Membership], caller: Caller, now: float
    ) -> list[Membership]:
        return list(pool)

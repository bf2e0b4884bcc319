"""ring-progressive: ring the first free member in hunt order, then add one more every progressive_step.

Within a round (from the caller's first offer until every offer of it has failed), the caller may
have 1 + floor(seconds since the round began / progressive_step) offers ringing; members are added
in hunt order among those free. Members that fail stay out for the rest of the round. A new round,
after retry_delay, starts again from one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from telephony.acd.config import EPSILON
from telephony.acd.strategies.base import RankContext, Strategy, register

if TYPE_CHECKING:
    from telephony.acd.model import Caller, Membership


@register
class RingProgressive(Strategy):
    """Widen the ringing set over time."""

    name = "ring-progressive"

    def _steps(self, caller: Caller, now: float) -> int:
        if caller.round_started is None:
            return 0
        return math.floor((now - caller.round_started) / self.config.progressive_step + EPSILON)

    def max_parallel(self, caller: Caller, now: float) -> int:
        return 1 + self._steps(caller, now)

    def rank(
        self, ctx: RankContext, hunt: Sequence[str], pool: list[Membership], caller: Caller, now: float
    ) -> list[Membership]:
        return list(pool)

    def next_wakeup(self, caller: Caller, now: float) -> float | None:
        if caller.round_started is None:
            return None
        return caller.round_started + (self._steps(caller, now) + 1) * self.config.progressive_step

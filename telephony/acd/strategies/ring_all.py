"""ring-all: ring every free member of the lowest free penalty at once.

Members that become free while the caller is still ringing are added to the ringing set (each
offer has its own ring_timeout). The first to answer gets the caller; the others are withdrawn.
The round ends when every offer failed; then the caller rests retry_delay.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from telephony.acd.strategies.base import RankContext, Strategy, register

if TYPE_CHECKING:
    from telephony.acd.model import Caller, Membership


@register
class RingAll(Strategy):
    """Ring all free members."""

    name = "ring-all"

    def max_parallel(self, caller: Caller, now: float) -> int:
        return sys.maxsize

    def rank(
        self, ctx: RankContext, hunt: Sequence[str], pool: list[Membership], caller: Caller, now: float
    ) -> list[Membership]:
        return list(pool)

"""skills-based: offer to the free member with the best skill for this queue, then the longest idle.

Each member has a skill level 1..100 for the queue (higher is better); penalties are not used.
skill_widen lists (seconds waited, lowest level allowed) steps: a caller who has waited w seconds in
this queue may be offered only to members whose skill is at least the level of the last step with
seconds <= w. Example ((0, 8), (30, 5), (60, 1)): experts only for 30 s, then level 5 and up, then
anyone after a minute. Among those allowed: highest skill first, then longest idle, then hunt order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from telephony.acd.strategies.base import RankContext, Strategy, register

if TYPE_CHECKING:
    from telephony.acd.model import Caller, Membership


@register
class SkillsBased(Strategy):
    """Best skill first, widening with the wait."""

    name = "skills-based"
    uses_penalty = False

    def eligible(self, member: Membership, caller: Caller, now: float) -> bool:
        return member.skill >= self.config.min_skill(now - caller.arrived_at)

    def rank(
        self, ctx: RankContext, hunt: Sequence[str], pool: list[Membership], caller: Caller, now: float
    ) -> list[Membership]:
        return sorted(pool, key=lambda m: (-m.skill, ctx.idle_since(m.agent_id)))

    def next_wakeup(self, caller: Caller, now: float) -> float | None:
        for after, _ in self.config.skill_widen:
            t = caller.arrived_at + after
            if t > now:
                return t
        return None

"""Ring groups: a number that rings several extensions/FXS phones at once (ringall) or one after
another (hunt), for `ring_seconds` (in all, or per member), then sends the caller to the fallback
destination (or refuses it busy/no-answer when there is none).

A number service of the engine (so inbound trunk routes may point at a group). Members on
do-not-disturb are skipped; the group's callers pass the caller lists like any other call.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from telephony.calls.legs import NO_ANSWER, CallLeg
from telephony.calls.line import LineCall
from telephony.features import common, screening
from telephony.features.fork import ForkCall, Step
from telephony.models.features import RingGroup

if TYPE_CHECKING:
    from telephony.features.service import FeatureService

log = logging.getLogger(__name__)


class RingGroups:
    def __init__(self, service: FeatureService) -> None:
        self.service = service

    @staticmethod
    def group(number: str) -> RingGroup | None:
        return RingGroup.get_or_none(RingGroup.number == number) if number else None

    def owns(self, number: str) -> bool:
        return self.group(number) is not None

    def complete(self, number: str) -> bool:
        return self.owns(number)

    def enter(self, leg: CallLeg, caller: str, caller_name: str, number: str) -> None:
        group = self.group(number)
        if group is None:
            return
        members = []
        for member in group.member_list():
            row = common.features_of(member)
            if row is not None and row.dnd:
                log.info("ring group %s: %s is on do-not-disturb, skipped", number, member)
                continue
            members.append(member)
        seconds = float(max(5, group.ring_seconds))
        if group.strategy == "hunt":
            steps = [Step((m,), seconds) for m in members]
        else:
            steps = [Step(tuple(members), seconds)]
        fork = ForkCall(
            self.service, leg, caller, caller_name, number, steps, "international", self._exhausted
        )
        fork.group_fallback = group.fallback  # type: ignore[attr-defined]
        # The caller lists and caller-ID names apply to group calls too.
        screening.caller_name_screen(self.service, fork, number, "")
        if screening.screen(self.service, fork, number, ""):
            return
        log.info(
            "call %s: ring group %s (%s) for %s: %s", fork.uniqueid, number, group.strategy, caller, members
        )
        fork.begin()

    def _exhausted(self, fork: ForkCall) -> None:
        fallback = getattr(fork, "group_fallback", "")
        if not fallback:
            fork.fail(NO_ANSWER)
            return
        log.info("call %s: ring group %s unanswered, to %s", fork.uniqueid, fork.callee, fallback)
        leg = common.give_up_caller(fork)
        new = LineCall(self.service.engine, leg, fork.caller, fork.caller_name, fork.callee)
        common.mark_forwarded(new, fork.callee, common.path_of(fork))
        fork.cause, fork.status_code, fork.disposition = NO_ANSWER, 480, "NO ANSWER"
        fork.hangup_by = "system"
        fork._goto("ended")
        fork._maybe_finish()
        self.service.engine.router.route(new, fallback, "international")  # the admin chose it

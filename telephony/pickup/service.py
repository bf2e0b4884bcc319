"""Call pickup: answer a call ringing another phone from your own.

    *8        a call ringing any phone of the picker's pickup group(s) (the one ringing longest)
    **<ext>   the call ringing that extension or analog phone (directed pickup)

The ringing call (a LineCall in state "ringing") keeps its caller; the phone it rang stops
ringing (CANCEL, or the analog ring stops) and the picker becomes its callee, so the CDR's callee
leg names who answered (the phone that rang is kept as a leg with role "rang"). Nothing to pick
up: the box says so and hangs up.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from telephony.calls import dialplan
from telephony.calls.legs import CallLeg
from telephony.calls.line import LineCall
from telephony.models import PickupGroup, utcnow
from telephony.park.calls import SayCall, answer_both, attach, language, number_of, say_text
from telephony.prompts import Prompts

if TYPE_CHECKING:
    from telephony.engine import Engine

log = logging.getLogger(__name__)

GROUP_CODE = "*8"
DIRECTED_PREFIX = "**"

SAY: dict[str, dict[str, str]] = {
    "zh-CN": {"nothing": "没有可以代接的来电。"},
    "en": {"nothing": "There is no call to pick up."},
}


def ringing_number(call: LineCall) -> str:
    """The number of the phone a ringing call rings (an extension or an analog phone's number)."""
    return number_of(call.b, call.callee) if call.b is not None else ""


def groups_of(number: str) -> list[PickupGroup]:
    return [g for g in PickupGroup.select().order_by(PickupGroup.name) if number in g.member_list()]


class PickupService:
    """A number service of the engine for `*8` and `**<number>`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.prompts = Prompts(engine.cfg.media_dir)

    def close(self) -> None:
        self.prompts.close()

    def owns(self, number: str) -> bool:
        return number == GROUP_CODE or (number.startswith(DIRECTED_PREFIX) and number[2:].isdigit())

    def complete(self, number: str) -> bool:
        # "*8" is also the start of intercom's "*80<ext>": an analog phone ends it with # (or waits).
        return number.startswith(DIRECTED_PREFIX) and dialplan.exact_match(number[2:])

    def enter(self, leg: CallLeg, caller: str, caller_name: str, number: str) -> None:
        if number == GROUP_CODE:
            members: set[str] = set()
            for group in groups_of(caller):
                members |= set(group.member_list())
            members.discard(caller)
        else:
            members = {number[2:]}
        call = self.ringing_for(members)
        if call is None:
            log.info("%s dialed %s: nothing ringing for %s", caller, number, sorted(members))
            SayCall(self.engine, leg, caller, caller_name, number, answered=False).say(
                say_text(self.engine, self.prompts, SAY[language()]["nothing"])
            )
            return
        self.pick_up(call, leg, caller)

    def ringing_for(self, numbers: set[str]) -> LineCall | None:
        """The call ringing one of `numbers` longest (plain two-party calls only)."""
        if not numbers:
            return None
        ringing = [
            c
            for c in self.engine.calls.values()
            if type(c) is LineCall
            and c.state == "ringing"
            and c.b is not None
            and not c.b.ended
            and not c.a.ended
            and ringing_number(c) in numbers
        ]
        return min(ringing, key=lambda c: c.start, default=None)

    def pick_up(self, call: LineCall, leg: CallLeg, picker: str) -> None:
        """Stop the phone `call` rings and make `leg` (the picker) its answered callee."""
        rang = call.b
        assert rang is not None
        call._cancel_timer()
        old = call.legs.pop("callee")
        old.role, old.end, old.status_code = "rang", utcnow(), 487
        call.legs["rang"] = old
        self.engine.incall.forget(rang)
        try:
            rang.release(16)  # CANCEL to a SIP phone, stop ringing an analog one
        except Exception:  # the phone is already gone; the picker still gets the call
            log.exception("call %s: stopping %s ringing", call.uniqueid, rang.peer)
        rang.ended = True
        rang.call = None
        if hasattr(rang, "leg"):
            rang.leg.call = None  # its DISCONNECTED no longer concerns the call
        attach(call, leg, "callee", answered=False)
        log.info(
            "call %s: %s picks up the call from %s ringing %s", call.uniqueid, picker, call.caller, old.peer
        )
        answer_both(call, connect_b=True)

"""Intercom and paging: calls that ask SIP phones to answer by themselves.

    *80<ext>        intercom: call a SIP extension with auto-answer headers; a normal two-way call
    <group number>  paging: ring every member extension with auto-answer; the pager's voice goes
                    one way to each member that answered (members' audio goes nowhere)

Phones read auto-answer from different headers, so both are sent: `Call-Info: <sip:...>;
answer-after=0` (Yealink, Grandstream, Polycom) and `Alert-Info: <...>;info=alert-autoanswer`
(Snom, Yealink). Analog phones cannot auto-answer and are not paged.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import pjsua2 as pj

from telephony.calls import dialplan
from telephony.calls.legs import NORMAL, UNALLOCATED, CallLeg, SipLeg
from telephony.calls.line import LineCall
from telephony.cdr import LegRecord
from telephony.models import PagingGroup, utcnow

if TYPE_CHECKING:
    from telephony.engine import Engine

log = logging.getLogger(__name__)

INTERCOM_PREFIX = "*80"
PAGE_RING_TIMEOUT = 20.0  # seconds a member may take to auto-answer before it is left out


def auto_answer_headers(engine: Engine) -> list[tuple[str, str]]:
    host = engine.realm or "pbx"
    return [
        ("Call-Info", f"<sip:{host}>;answer-after=0"),
        ("Alert-Info", f"<sip:{host}>;info=alert-autoanswer;delay=0"),
    ]


def auto_answer_leg(engine: Engine, number: str) -> SipLeg:
    leg = SipLeg(engine, engine.new_leg(), number, inbound=False)
    leg.headers = auto_answer_headers(engine)
    return leg


class PageCall(LineCall):
    """The pager (leg A) and one leg per member; audio from A to each answered member only."""

    def __init__(self, engine: Engine, leg: CallLeg, caller: str, caller_name: str, number: str) -> None:
        super().__init__(engine, leg, caller, caller_name, number)
        self.members: list[SipLeg] = []
        self.ring_timer: Any = None

    def page(self, numbers: list[str]) -> None:
        self._goto("answered")
        self.answered_at = self.legs["caller"].answer = utcnow()
        self.status_code, self.disposition = 200, "ANSWERED"
        self.a.connect()
        for n, number in enumerate(numbers, 1):
            member = auto_answer_leg(self.engine, number)
            role = f"page{n}"
            self._attach(member, role)
            self.legs[role] = LegRecord(role, number, start=utcnow())
            try:
                member.ring(self.caller, self.caller_name, number)
            except pj.Error as exc:
                log.info("page %s: %s cannot be rung: %s", self.uniqueid, number, exc.info())
                member.ended = True
                self.legs[role].end, self.legs[role].status_code = utcnow(), 503
                continue
            self.record_sip_id(member)
            self.members.append(member)
        log.info(
            "page %s: %s pages %s (%d members)", self.uniqueid, self.caller, self.callee, len(self.members)
        )
        self.ring_timer = self.engine.call_later(PAGE_RING_TIMEOUT, self._give_up_ringing)
        if not self.members:
            self._end_page()

    def _give_up_ringing(self) -> None:
        self.ring_timer = None
        for member in self.members:
            if not member.answered and not member.ended:
                self._release(member, NORMAL)

    def leg_alerting(self, leg: CallLeg) -> None:
        return None

    def leg_answered(self, leg: CallLeg) -> None:
        if leg in self.members and self.state == "answered":
            self.legs[leg.role].answer = utcnow()
            log.info("page %s: %s answered", self.uniqueid, leg.peer)
            self.bridge()

    def leg_ended(self, leg: CallLeg, cause: int) -> None:
        record = self.legs.get(leg.role)
        if record is not None and record.end is None:
            record.end, record.status_code = utcnow(), cause
        if leg in self.members:
            if isinstance(leg, SipLeg):
                leg.leg.call = None
                self.engine.legs.discard(leg.leg)
            self.members.remove(leg)
            if self.state == "ended":
                self._maybe_finish()
            return
        if leg is self.a and self.state != "ended":
            self.hangup_by = "caller"
            self._end_page()
            return
        self._maybe_finish()

    def _end_page(self) -> None:
        if self.ring_timer is not None:
            self.ring_timer.cancel()
            self.ring_timer = None
        self._goto("ended")
        self.hangup_by = self.hangup_by or "system"
        for member in list(self.members):
            self._release(member, NORMAL)
        self._release(self.a, NORMAL)
        self._maybe_finish()

    def on_line_digit(self, leg: CallLeg, digit: str) -> None:
        return None  # keys do nothing in a page

    def bridge(self) -> None:
        """The pager's voice to every answered member; nothing back."""
        if self.state != "answered":
            return
        src = self.a.media()
        if src is None:
            return
        for member in self.members:
            med = member.media() if member.answered else None
            if med is not None:
                src.startTransmit(med)

    def _maybe_finish(self) -> None:
        if any(r.end is None for r in self.legs.values()):
            return
        for member in self.members:
            member.leg.call = None
            self.engine.legs.discard(member.leg)
        self.members = []
        super()._maybe_finish()


class IntercomService:
    """A number service of the engine for `*80<ext>`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def owns(self, number: str) -> bool:
        return number.startswith(INTERCOM_PREFIX)

    def complete(self, number: str) -> bool:
        return dialplan.is_sip_extension(number[len(INTERCOM_PREFIX) :])

    def enter(self, leg: CallLeg, caller: str, caller_name: str, number: str) -> None:
        target = number[len(INTERCOM_PREFIX) :]
        call = LineCall(self.engine, leg, caller, caller_name, target)
        if not dialplan.is_sip_extension(target) or target == caller:
            log.info("call %s: intercom to %r refused: not another SIP extension", call.uniqueid, target)
            call.fail(UNALLOCATED)
            return
        log.info("call %s: %s intercoms %s", call.uniqueid, caller, target)
        call.dial(auto_answer_leg(self.engine, target))


class PagingService:
    """A number service of the engine for the paging groups' numbers."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def owns(self, number: str) -> bool:
        return bool(number) and PagingGroup.select().where(PagingGroup.number == number).exists()

    def complete(self, number: str) -> bool:
        return self.owns(number)

    def enter(self, leg: CallLeg, caller: str, caller_name: str, number: str) -> None:
        group = PagingGroup.get_or_none(PagingGroup.number == number)
        members = [m for m in (group.member_list() if group else []) if m != caller]
        members = [m for m in members if dialplan.is_sip_extension(m)]
        PageCall(self.engine, leg, caller, caller_name, number).page(members)

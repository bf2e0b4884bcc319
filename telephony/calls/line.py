"""A call with at least one leg on the box's own lines (FXS, FXO, E1): two CallLegs, one bridge.

States: routing -> ringing -> answered -> ended. Every two-party call is one: SIP phone to SIP
phone, analog phone to trunk, trunk to extension. Legs report alerting/answered/ended; the call
decides and tells the other leg.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from typing import TYPE_CHECKING

from telephony.calls.legs import BUSY, NO_ANSWER, NORMAL, UNALLOCATED, CallLeg, SipLeg
from telephony.calls.record import CallRecord
from telephony.cdr import LegRecord
from telephony.models import utcnow

if TYPE_CHECKING:
    from telephony.engine import Engine

log = logging.getLogger(__name__)

DISPOSITION = {BUSY: "BUSY", NO_ANSWER: "NO ANSWER"}
SIP_STATUS = {BUSY: 486, NO_ANSWER: 480, UNALLOCATED: 404}


class LineCall(CallRecord):
    """One call from leg A (caller) to leg B (callee) where a leg is a line or a SIP dialog."""

    def record_sip_id(self, leg: CallLeg) -> None:
        """Keep a SIP leg's Call-ID in its CDR leg (to find the dialog in a capture)."""
        if isinstance(leg, SipLeg) and leg.role in self.legs:
            try:
                self.legs[leg.role].sip_call_id = leg.leg.getInfo().callIdString
            except Exception:  # the dialog is already gone
                log.debug("call %s: no Call-ID for %s", self.uniqueid, leg.peer)

    def __init__(self, engine: Engine, a: CallLeg, caller: str, caller_name: str, callee: str) -> None:
        self.engine = engine
        self.uniqueid = uuid.uuid4().hex
        self.a: CallLeg = a
        self.b: CallLeg | None = None
        self.caller, self.caller_name, self.callee = caller, caller_name, callee
        self.state = "routing"
        self.start = utcnow()
        self.answered_at: dt.datetime | None = None
        self.status_code = 0
        self.cause = 0
        self.disposition = ""
        self.hangup_by = ""
        self.bridged = False
        self.timer = None
        # A transfer or consultation in progress (telephony.calls.transfer): it sees the call's
        # keys and leg ends first, so a transferor hanging up completes instead of clearing.
        self.transfer = None
        self.legs: dict[str, LegRecord] = {"caller": LegRecord("caller", a.peer, start=self.start)}
        self._attach(a, "caller")
        engine.calls[self.uniqueid] = self
        engine.calls_total += 1

    def _attach(self, leg: CallLeg, role: str) -> None:
        leg.call, leg.role = self, role
        if isinstance(leg, SipLeg):
            leg.leg.call, leg.leg.role = self, role  # the engine routes the dialog's events here

    # --- driven by the router -----------------------------------------------------------------

    def dial(self, b: CallLeg, digits: str = "") -> None:
        """Offer the call to leg B (trunks get `digits`, the rule's manipulated number); a leg that
        refuses at once fails the call with its cause."""
        self.b = b
        self._attach(b, "callee")
        self.legs["callee"] = LegRecord("callee", b.peer, start=utcnow())
        self._goto("ringing")
        try:
            b.ring(self.caller, self.caller_name, digits or self.callee)
        except Exception as exc:  # a busy port, a span down, a SIP error: refuse the caller
            log.info("call %s: %s cannot take the call: %s", self.uniqueid, b.peer, exc)
            try:
                b.release(getattr(exc, "cause", BUSY))  # undo whatever the leg reserved
            except Exception:  # the leg never got going; nothing more to undo
                log.debug("call %s: release after refusal failed", self.uniqueid)
            b.ended = True
            self.legs["callee"].end = utcnow()
            self.fail(getattr(exc, "cause", BUSY))
            return
        self.record_sip_id(b)
        self.timer = self.engine.call_later(self.engine.no_answer_timeout, self._no_answer)

    def hand_over(self) -> None:
        """Another call record (a queue) takes leg A before anything was dialed: forget this one."""
        self.engine.calls.pop(self.uniqueid, None)
        self.engine.calls_total -= 1
        self.a.call = None
        self._goto("ended")

    def fail(self, cause: int, disposition: str = "") -> None:
        """Refuse the caller (no route, busy, no circuit) and end the call."""
        self.cause = cause
        self.status_code = SIP_STATUS.get(cause, 503 if cause == 34 else 480)
        self.disposition = disposition or DISPOSITION.get(cause, "FAILED")
        self.hangup_by = "system"
        self._goto("ended")
        if not self._to_voicemail(cause):  # a busy analog phone's mailbox may take the caller
            self._release(self.a, cause)
        self._maybe_finish()

    # --- reported by legs ---------------------------------------------------------------------

    def leg_alerting(self, leg: CallLeg) -> None:
        if leg is self.b and self.state == "ringing":
            self.a.progress()

    def leg_answered(self, leg: CallLeg) -> None:
        if leg is not self.b or self.state != "ringing":
            return
        self._cancel_timer()
        self.answered_at = utcnow()
        self.legs["callee"].answer = self.legs["caller"].answer = self.answered_at
        self.status_code, self.disposition = 200, "ANSWERED"
        self._goto("answered")
        self.a.connect()
        self.bridge()
        self.engine.notify("call_answered", self)

    def leg_ended(self, leg: CallLeg, cause: int) -> None:
        if self.transfer is not None and self.transfer.leg_ended(self, leg, cause):
            return
        record = self.legs.get(leg.role)
        if record is not None and record.end is None:
            record.end = utcnow()
            record.status_code = cause
        if self.state == "ended":
            self._maybe_finish()
            return
        other = self.b if leg is self.a else self.a
        if self.state == "ringing" and leg is self.b:
            self.cause = cause
            self.status_code = SIP_STATUS.get(cause, 480)
            self.disposition = DISPOSITION.get(cause, "FAILED")
            if self._to_voicemail(cause):
                other = None  # the callee's mailbox has the caller now
        elif self.state == "ringing":
            self.cause, self.status_code, self.disposition = cause, 487, "NO ANSWER"
        else:
            self.cause = NORMAL
        self.hangup_by = leg.role or "caller"
        self._cancel_timer()
        self._goto("ended")
        self._release(other, self.cause or NORMAL)
        self._maybe_finish()

    def on_leg_state(self, sipleg: object, state: int, code: int) -> None:
        """Engine hook: a SIP dialog of this call changed state."""
        leg = getattr(sipleg, "wrapper", None)
        if isinstance(leg, SipLeg):
            leg.on_state(state, code)

    def on_leg_dtmf(self, sipleg: object, digit: str) -> None:
        """Engine hook: a key from a SIP leg (RFC 4733 or INFO)."""
        leg = getattr(sipleg, "wrapper", None)
        if isinstance(leg, SipLeg):
            self.on_line_digit(leg, digit)

    def on_line_digit(self, leg: CallLeg, digit: str) -> None:
        """A key from either leg: an in-call feature code, else relayed to the other side."""
        if self.transfer is not None and self.transfer.digit(self, leg, digit):
            return
        if self.state == "answered" and leg in (self.a, self.b):
            self.engine.incall.digit(self, leg, digit)

    def on_leg_media(self, sipleg: object) -> None:
        leg = getattr(sipleg, "wrapper", None)
        if isinstance(leg, SipLeg):
            leg.media_changed()
        if self.state == "answered":
            self.bridge()
        hold = getattr(self.engine, "hold", None)  # telephony.calls.hold: re-INVITE hold -> music
        if hold is not None and isinstance(leg, SipLeg):
            hold.media_changed(self, leg)

    # --- media --------------------------------------------------------------------------------

    def bridge(self) -> None:
        """Connect both legs' audio; again on every media update (a re-INVITE may replace a stream)."""
        if self.b is None or self.state != "answered":
            return
        a_med, b_med = self.a.media(), self.b.media()
        if a_med is None or b_med is None:
            return  # the next media event bridges
        a_med.startTransmit(b_med)
        b_med.startTransmit(a_med)
        if not self.bridged:
            log.info("call %s: bridged %s <-> %s", self.uniqueid, self.a.peer, self.b.peer)
        self.bridged = True
        hold = getattr(self.engine, "hold", None)
        if hold is not None:
            hold.after_bridge(self)  # a parked party stays cut off and keeps its music

    # --- helpers ------------------------------------------------------------------------------

    def _no_answer(self) -> None:
        self.timer = None
        if self.state == "ringing" and self.b is not None:
            log.info("call %s: %s did not answer", self.uniqueid, self.callee)
            leg = self.b
            self._release(leg, NO_ANSWER)
            self.leg_ended(leg, NO_ANSWER)

    def _to_voicemail(self, cause: int) -> bool:
        """Hand the caller to the callee's mailbox when it takes this outcome (no answer or busy)."""
        voicemail = getattr(self.engine, "voicemail", None)  # set by telephony.main when it runs
        features = getattr(self.engine, "features", None)  # forward busy/no-answer, follow-me
        if (voicemail is None and features is None) or cause not in (BUSY, NO_ANSWER) or self.a.ended:
            return False
        caller_leg = self.a
        # The extension a SIP leg rang, else the number dialed (an FXS port's number).
        callee = self.b.peer if isinstance(self.b, SipLeg) else self.callee
        reason = "busy" if cause == BUSY else "unavailable"
        taken = features is not None and features.callee_failed(self, caller_leg, callee, reason)
        if not taken and (
            voicemail is None
            or not voicemail.forward_leg(caller_leg, self.caller, self.caller_name, callee, reason)
        ):
            return False
        self.legs["caller"].end = utcnow()  # this record ends here; the mailbox call has its own
        self.a = CallLeg(caller_leg.peer)  # a placeholder: this record no longer owns the caller
        self.a.ended = True
        return True

    def _release(self, leg: CallLeg | None, cause: int) -> None:
        if leg is None or leg.ended:
            if leg is not None:
                self.legs[leg.role].end = self.legs[leg.role].end or utcnow()
            return
        try:
            leg.release(cause)
        except Exception:  # one leg's line failing must not leave the other leg up
            log.exception("call %s: releasing %s", self.uniqueid, leg.peer)
        leg.ended = True
        # Line legs end when told; a SIP leg ends when its DISCONNECTED event arrives.
        if not isinstance(leg, SipLeg) or not self._sip_alive(leg):
            self.legs[leg.role].end = self.legs[leg.role].end or utcnow()
            self.legs[leg.role].status_code = self.legs[leg.role].status_code or cause

    @staticmethod
    def _sip_alive(leg: SipLeg) -> bool:
        try:
            return leg.leg.isActive()
        except Exception:
            return False

    def _hangup(self, leg: CallLeg | None, code: int = 0) -> None:
        """Engine shutdown hook: end a leg now."""
        if leg is not None:
            self._release(leg, NORMAL)
            self.leg_ended(leg, NORMAL)

    def _cancel_timer(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def _goto(self, state: str) -> None:
        log.debug("call %s: %s -> %s", self.uniqueid, self.state, state)
        self.state = state

    def _maybe_finish(self) -> None:
        if any(r.end is None for r in self.legs.values()):
            return
        for leg in (self.a, self.b):
            if leg is not None and leg.role in self.legs:
                self.legs[leg.role].peer = leg.peer  # an E1 leg learns its B-channel after SETUP
        for leg in (self.a, self.b):
            if isinstance(leg, SipLeg):
                leg.leg.call = None
                self.engine.legs.discard(leg.leg)
            if leg is not None:
                self.engine.incall.forget(leg)
        self.engine.notify("call_ended", self)
        self.engine.finish(
            self,
            self.cdr_record(),
        )

"""A two-leg B2BUA call: the caller's leg (A) and the callee's leg (B), bridged in the conference bridge.

States: routing -> ringing -> answered -> ended. Each event handler returns the next state; the
transition is logged in `_goto`. An event that makes no sense in the current state is ignored
with a log line (SIP peers send late or duplicate messages; a B2BUA must not crash on them).
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from typing import TYPE_CHECKING

import pjsua2 as pj

from telephony.calls.record import CallRecord
from telephony.cdr import LegRecord
from telephony.models import utcnow

if TYPE_CHECKING:
    from telephony.engine import Engine
    from telephony.sip.objects import Leg

log = logging.getLogger(__name__)

EARLY = (pj.PJSIP_INV_STATE_EARLY,)
CONFIRMED = pj.PJSIP_INV_STATE_CONFIRMED
DISCONNECTED = pj.PJSIP_INV_STATE_DISCONNECTED

# What the caller is told when the callee leg fails before answer.
BUSY_CODES = {486, 600}


def caller_code(code: int) -> int:
    """Map the callee leg's final failure to the status the caller receives."""
    if code in BUSY_CODES:
        return 486
    if code in (404, 408, 480, 487, 0):
        return 480
    if 400 <= code < 700:
        return code
    return 500


class BridgeCall(CallRecord):
    """One call from an authenticated extension (A) to another number (B)."""

    def __init__(self, engine: Engine, a: Leg, caller: str, caller_name: str, callee: str) -> None:
        self.engine = engine
        self.uniqueid = uuid.uuid4().hex
        self.a = a
        self.b: Leg | None = None
        self.caller, self.caller_name, self.callee = caller, caller_name, callee
        self.state = "routing"
        self.start = utcnow()
        self.answered_at: dt.datetime | None = None
        self.status_code = 0
        self.disposition = ""
        self.hangup_by = ""
        self.timed_out = False
        self.bridged = False
        self.ringback: pj.ToneGenerator | None = None
        self.early_sent = False
        self.timer = None
        self.legs: dict[str, LegRecord] = {"caller": LegRecord("caller", caller, start=self.start)}
        a.call, a.role = self, "caller"

    # --- life cycle -------------------------------------------------------------------------

    def start_routing(self) -> None:
        """Route the dialed number; either ring the callee or refuse the caller."""
        self._record_sip_id(self.a)
        if not self.engine.is_extension(self.callee):
            log.info("call %s: %s dialed unknown number %s", self.uniqueid, self.caller, self.callee)
            self._refuse(404, "FAILED")
            return
        b = self.engine.new_leg()
        b.call, b.role = self, "callee"
        self.b = b
        self.legs["callee"] = LegRecord("callee", self.callee, start=utcnow())
        prm = pj.CallOpParam(True)
        prm.opt.audioCount = 1
        prm.opt.videoCount = 0
        # The callee's phone shows the caller: From (most phones) and P-Asserted-Identity (trusted).
        name = self.caller_name.replace('"', "").replace("\\", "")
        identity = f"<sip:{self.caller}@{self.engine.realm}>"
        if name:
            identity = f'"{name}" {identity}'
        prm.txOption.localUri = identity
        pai = pj.SipHeader()
        pai.hName = "P-Asserted-Identity"
        pai.hValue = identity
        prm.txOption.headers.append(pai)
        try:
            b.makeCall(self.engine.extension_uri(self.callee), prm)
        except pj.Error as exc:
            log.error("call %s: cannot call %s: %s", self.uniqueid, self.callee, exc.info())
            self.b = None
            self._refuse(503, "FAILED")
            return
        self._record_sip_id(b)
        self.timer = self.engine.call_later(self.engine.no_answer_timeout, self._no_answer)
        self._goto("ringing")

    def on_leg_state(self, leg: Leg, state: int, code: int) -> None:
        if state == DISCONNECTED:
            self._on_disconnected(leg, code)
        elif leg is self.b and state in EARLY and self.state == "ringing":
            self._send_early()
        elif leg is self.b and state == CONFIRMED and self.state == "ringing":
            self._on_callee_answered()

    def on_leg_media(self, leg: Leg) -> None:
        if self.state == "ringing" and leg is self.a and self.early_sent:
            self._start_ringback()
        elif self.state == "answered":
            self._bridge()

    # --- handlers ---------------------------------------------------------------------------

    def _send_early(self) -> None:
        if self.early_sent:
            return
        self.early_sent = True
        self._answer_a(183)

    def _on_callee_answered(self) -> None:
        self._cancel_timer()
        self._stop_ringback()
        self.answered_at = utcnow()
        self.legs["callee"].answer = self.answered_at
        self.legs["caller"].answer = self.answered_at
        self._answer_a(200)
        self.status_code = 200
        self.disposition = "ANSWERED"
        self._goto("answered")
        self._bridge()

    def _on_disconnected(self, leg: Leg, code: int) -> None:
        role = leg.role
        self.legs[role].end = utcnow()
        self.legs[role].status_code = code
        if self.state == "ended":
            self._maybe_finish()
            return
        other = self.b if leg is self.a else self.a
        if self.state == "ringing" and leg is self.b:
            self.status_code = caller_code(code)
            if self.timed_out:
                self.disposition = "NO ANSWER"
            elif self.status_code == 486:
                self.disposition = "BUSY"
            else:
                self.disposition = "FAILED"
            self.hangup_by = "callee"
            if not self._to_voicemail():
                self._hangup(self.a, self.status_code)
        elif self.state == "ringing":  # the caller gave up (CANCEL)
            self.status_code = code or 487
            self.disposition = "NO ANSWER"
            self.hangup_by = "caller"
            self._hangup(other)
        else:
            self.hangup_by = role
            self._hangup(other)
        self._cancel_timer()
        self._stop_ringback()
        self._goto("ended")
        self._maybe_finish()

    def _to_voicemail(self) -> bool:
        """Hand the caller to the callee's mailbox when it takes this outcome (no answer or busy)."""
        voicemail = getattr(self.engine, "voicemail", None)  # set by telephony.main when it runs
        if self.status_code == 486:
            reason = "busy"
        elif self.timed_out or self.status_code == 480:
            reason = "unavailable"
        else:
            return False
        if voicemail is None or self.a is None:
            return False
        self._stop_ringback()
        if not voicemail.forward(self.a, self.caller, self.caller_name, self.callee, reason):
            return False
        self.legs["caller"].end = utcnow()  # this record ends here; the mailbox call has its own
        self.a = None
        return True

    def _no_answer(self) -> None:
        self.timer = None
        if self.state != "ringing":
            return
        log.info(
            "call %s: %s did not answer in %ss", self.uniqueid, self.callee, self.engine.no_answer_timeout
        )
        self.timed_out = True
        self._hangup(self.b)

    def _refuse(self, code: int, disposition: str) -> None:
        self.status_code, self.disposition, self.hangup_by = code, disposition, "system"
        self._goto("ended")
        self._hangup(self.a, code)

    # --- media ------------------------------------------------------------------------------

    def _bridge(self) -> None:
        """Connect both legs' audio; called on every media update (a re-INVITE may replace a stream)."""
        if self.b is None:
            return
        try:
            a_med = self.a.getAudioMedia(-1)
            b_med = self.b.getAudioMedia(-1)
        except pj.Error:
            return  # one side's media is not up yet; the next media event bridges
        a_med.startTransmit(b_med)
        b_med.startTransmit(a_med)
        if not self.bridged:
            log.info("call %s: bridged %s <-> %s", self.uniqueid, self.caller, self.callee)
        self.bridged = True

    def _start_ringback(self) -> None:
        if self.ringback is not None:
            return
        try:
            a_med = self.a.getAudioMedia(-1)
        except pj.Error:
            return
        self.ringback = self.engine.tones.ringback()
        self.ringback.startTransmit(a_med)

    def _stop_ringback(self) -> None:
        if self.ringback is not None:
            self.engine.tones.release(self.ringback)
            self.ringback = None

    # --- helpers ----------------------------------------------------------------------------

    def _answer_a(self, code: int) -> None:
        prm = pj.CallOpParam(True)
        prm.statusCode = code
        try:
            self.a.answer(prm)
        except pj.Error as exc:
            log.warning("call %s: answer %d to caller failed: %s", self.uniqueid, code, exc.info())

    def _hangup(self, leg: Leg | None, code: int = 0) -> None:
        if leg is None:
            return
        prm = pj.CallOpParam(True)
        if code:
            prm.statusCode = code
        try:
            leg.hangup(prm)
        except pj.Error:
            pass  # already gone: the disconnect event finishes the call

    def _cancel_timer(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def _record_sip_id(self, leg: Leg) -> None:
        try:
            self.legs[leg.role].sip_call_id = leg.getInfo().callIdString
        except pj.Error:
            pass

    def _goto(self, state: str) -> None:
        log.debug("call %s: %s -> %s", self.uniqueid, self.state, state)
        self.state = state

    def _leg_done(self, leg: Leg | None) -> bool:
        if leg is None:
            return True
        return self.legs[leg.role].end is not None

    def _maybe_finish(self) -> None:
        if not (self._leg_done(self.a) and self._leg_done(self.b)):
            return
        self.engine.finish(
            self,
            self.cdr_record(),
        )

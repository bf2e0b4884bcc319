"""Attended transfers: the transferor consults the target while the other party waits with music.

Collect gathers the number after `##`, `*2` or a hook-flash; Consult is the consultation (a
ConsultCall in which ViaLeg stands for the transferor, whose own leg stays in its first call).
The transferor hanging up completes; `*` (CANCEL_KEY) or a flash goes back. See telephony.calls.transfer.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import pjsua2 as pj

from telephony.calls import dialplan
from telephony.calls.hold import other_leg
from telephony.calls.legs import NORMAL, CallLeg
from telephony.calls.line import LineCall
from telephony.calls.router import RouteFailed
from telephony.calls.transfer_calls import Blind, number_of, permission_of
from telephony.models import utcnow

if TYPE_CHECKING:
    from telephony.calls.transfer import TransferService
    from telephony.engine import Engine

log = logging.getLogger(__name__)

CANCEL_KEY = "*"
DIGIT_TIMEOUT = 3.0
MAX_DIGITS = 32


class ViaLeg(CallLeg):
    """Stands for the transferor inside its consultation call: X's audio, X's call elsewhere."""

    kind = "via"

    def __init__(self, engine: Engine, x: CallLeg, consult: Consult) -> None:
        super().__init__(x.peer)
        self.engine, self.x, self.consult = engine, x, consult
        self.tone: pj.ToneGenerator | None = None

    def media(self) -> pj.AudioMedia | None:
        return None if self.x.ended else self.x.media()

    def progress(self) -> None:
        med = self.media()
        if med is not None and self.tone is None:
            self.tone = self.engine.tones.ringback()
            self.tone.startTransmit(med)

    def connect(self) -> None:
        self._tone_off()

    def release(self, cause: int) -> None:
        super().release(cause)
        self._tone_off()
        self.consult.target_gone(self, cause)

    def send_dtmf(self, digit: str) -> None:
        self.x.send_dtmf(digit)

    def _tone_off(self) -> None:
        if self.tone is not None:
            self.engine.tones.release(self.tone)
            self.tone = None


class ConsultCall(LineCall):
    """The transferor's call to the target while the transferee waits with music."""

    def _to_voicemail(self, cause: int) -> bool:
        return False  # the transferor is still in its own call: a refusal takes it back there


class Consult:
    """An attended transfer in progress on call `oc`: X consults T, Y hears music."""

    def __init__(self, service: TransferService, oc: LineCall, x: CallLeg) -> None:
        self.service, self.oc, self.x = service, oc, x
        self.y = other_leg(oc, x)
        self.cc: ConsultCall | None = None
        self.via: ViaLeg | None = None
        self.number = ""

    def dial(self, number: str) -> None:
        """Call `number` for X (X's permission applies); a refusal takes X back to Y."""
        svc = self.service
        self.number = number
        try:
            t, digits = svc.target_leg(number, permission_of(number_of(self.oc, self.x), self.x))
        except RouteFailed as exc:
            log.info("call %s: consultation to %s refused: %s", self.oc.uniqueid, number, exc)
            svc.refused(self.x, exc.cause, number, self.back)
            return
        self.via = ViaLeg(svc.engine, self.x, self)
        self.cc = ConsultCall(svc.engine, self.via, number_of(self.oc, self.x), self.oc.caller_name, number)
        self.cc.legs["caller"].peer = self.x.peer
        log.info("call %s: %s consults %s", self.oc.uniqueid, self.x.peer, number)
        self.cc.dial(t, digits)

    def target_gone(self, via: ViaLeg, cause: int) -> None:
        """The consultation ended (T hung up, refused, or was dropped): X back to Y."""
        if via is not self.via or self.oc.transfer is not self:
            return
        if cause != NORMAL and not self.x.ended and self.service.engine.running:
            self.cc, self.via = None, None
            self.service.refused(self.x, cause, self.number, self.back)
            return
        self.back()

    def back(self) -> None:
        """Drop the consultation and reconnect X with Y."""
        cc, self.cc = self.cc, None
        self.via = None
        self.oc.transfer = None
        if cc is not None and cc.state != "ended":
            t = cc.b
            if t is not None and not t.ended:
                cc._release(t, NORMAL)
                cc.leg_ended(t, NORMAL)
        self.service.tone_stop(self.x)
        if self.y is not None and not self.y.ended:
            log.info("call %s: %s back to %s", self.oc.uniqueid, self.x.peer, self.y.peer)
            self.service.hold.unpark(self.y)

    def complete(self) -> bool:
        """X hung up: Y gets T (answered: attended; ringing: blind). False when there is no T."""
        if self.y is None or self.y.ended:
            return False
        return self._hand_over(self.y, self.x, number_of(self.oc, self.x))

    def _hand_over(self, stays: CallLeg, gone: CallLeg, by: str) -> bool:
        """`gone` left the first call: `stays` and T go on in a new call (T ringing: it still rings)."""
        cc = self.cc
        if cc is None or cc.b is None or cc.b.ended or cc.state not in ("ringing", "answered"):
            return False
        t = cc.b
        svc = self.service
        self.oc.transfer = None
        ringing = cc.state == "ringing"
        target = cc.callee
        # T leaves the consultation call; its CDR ends here.
        svc.detach(cc, t)
        cc._cancel_timer()
        via, self.via, self.cc = self.via, None, None
        if via is not None:
            via.ended = True
            via._tone_off()
        cc.legs["caller"].end = cc.legs["caller"].end or utcnow()
        cc.hangup_by = "caller"
        cc._goto("ended")
        cc._maybe_finish()
        svc.hold.forget(stays)
        nc = svc.move(self.oc, stays, target, by)
        if ringing:
            log.info(
                "call %s: %s left while %s rings: %s waits for it",
                self.oc.uniqueid,
                gone.peer,
                target,
                stays.peer,
            )
            nc.adopt(t)
            nc.ringback_on()
            nc.job = Blind(svc, self.oc, gone, nc, tell=False)  # nobody left to tell
        else:
            log.info("call %s: %s and %s talk on (%s left)", self.oc.uniqueid, stays.peer, target, gone.peer)
            rec = self.oc.legs.get("transfer")
            if rec is not None:
                rec.answer = rec.end = utcnow()
                rec.status_code = 200
            nc.joined(t)
        svc.end_transferor(self.oc, gone)
        return True

    # --- hooks from the old call (LineCall.transfer) -----------------------------------------

    def leg_ended(self, call: LineCall, leg: CallLeg, cause: int) -> bool:
        if leg is self.x:
            if self.complete():
                return True
            self.back()  # no transfer after all: drop the consultation, the call ends as usual
            return False
        if leg is self.y:
            # The waiting party hung up: X keeps the consultation as a call of its own.
            self.service.hold.forget(leg)
            if self._hand_over(self.x, leg, ""):
                return True
            self.back()
            return False
        return False

    def digit(self, call: LineCall, leg: CallLeg, digit: str) -> bool:
        if leg is not self.x:
            return True  # the waiting party's keys go nowhere
        if digit == CANCEL_KEY:
            log.info("call %s: %s cancels the consultation", call.uniqueid, leg.peer)
            self.back()
            return True
        if self.cc is not None and self.cc.b is not None and self.cc.state == "answered":
            self.cc.b.send_dtmf(digit)
        return True

    def flash(self) -> None:
        """Hook-flash during the consultation: drop it, back to the waiting party."""
        self.back()


class Collect:
    """Digits of a transfer number after `##`, `*2` or a hook-flash (X's keys, Y on music)."""

    def __init__(self, service: TransferService, call: LineCall, x: CallLeg, attended: bool) -> None:
        self.service, self.call, self.x, self.attended = service, call, x, attended
        self.digits = ""
        self.timer: Any = None
        self.telling = False  # a refusal is being said: keys wait

    def start(self) -> None:
        self.call.transfer = self
        y = other_leg(self.call, self.x)
        if y is not None:
            self.service.hold.park(self.call, y, "transfer")
        self._arm(DIGIT_TIMEOUT * 3)

    def _arm(self, seconds: float) -> None:
        if self.timer is not None:
            self.timer.cancel()
        self.timer = self.service.engine.call_later(seconds, self.done)

    def digit(self, call: LineCall, leg: CallLeg, digit: str) -> bool:
        if leg is not self.x or self.telling:
            return True
        self.service.tone_stop(self.x)
        if digit == "#" and self.digits:
            self.done()
            return True
        if digit == CANCEL_KEY and not self.digits:
            self.cancel()
            return True
        if digit.isdigit() and len(self.digits) < MAX_DIGITS:
            self.digits += digit
            if dialplan.exact_match(self.digits):
                self.done()
            else:
                self._arm(DIGIT_TIMEOUT)
        return True

    def cancel(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        self.call.transfer = None
        self.service.tone_stop(self.x)
        y = other_leg(self.call, self.x)
        if y is not None:
            self.service.hold.unpark(y)

    def done(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        if self.call.transfer is not self:
            return
        self.service.tone_stop(self.x)
        if not self.digits or self.call.state != "answered":
            self.cancel()
            return
        if self.attended:
            consult = Consult(self.service, self.call, self.x)
            self.call.transfer = consult
            consult.dial(self.digits)
        else:
            cause = self.service.blind(self.call, self.x, self.digits)
            if cause:
                self.telling = True
                self.service.refused(self.x, cause, self.digits, self.cancel)
            elif self.call.transfer is self:
                self.call.transfer = None

    def leg_ended(self, call: LineCall, leg: CallLeg, cause: int) -> bool:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        call.transfer = None
        for party in (call.a, call.b):
            if party is not None:
                self.service.hold.forget(party)
        return False

    def flash(self) -> None:
        self.cancel()

"""Transfers: blind and attended, from SIP REFER (with Replaces), in-call codes and analog hook-flash.

Words: the *transferor* X is the leg that asks, the *transferee* Y is the other party of X's call,
the *target* T is who Y ends up with. A transfer takes Y out of the call it was in (that call's
CDR keeps a leg with role `transfer` whose peer is the target) and puts it, with T, into a new
TransferCall (its CDR has a leg with role `transferor` naming X). X's leg ends.

- Blind: Y hears ringback while T rings; on T's answer Y and T are bridged and X's leg ends. If T
  fails while X is still there, Y goes back to X; if X already left, Y is released.
- Attended: X talks to T first (a ConsultCall) while Y hears music on hold. X hanging up
  completes (bridges Y and T; a T still ringing makes it blind); the cancel key `*` (SIP and
  analog phones alike) or a hook-flash drops T and takes X back to Y.
- SIP REFER: pjsua answers 202 and dials the Refer-To URI itself (pjsua2 offers no way to
  refuse that dial and still accept the REFER). For an extension target that dial *is* T's
  leg, and pjsua's own NOTIFYs report its progress. With Replaces (attended transfer by the
  phone) the core joins Y with the far party of the replaced dialog, ends both of X's dialogs
  and NOTIFYs `200 OK` itself; the dial pjsua made is hung up (the target's phone refuses an
  unknown Replaces with 481 anyway). Any other target is routed by the core (queue, IVR,
  analog phone, trunk) after a final `200 OK` NOTIFY, as a blind transfer.
- In-call codes: `##<number>` blind, `*2<number>` attended; the number ends with `#` or
  after DIGIT_TIMEOUT without a key. Analog phones: hook-flash, then the number.
"""

from __future__ import annotations

import logging
import re
import urllib.parse
from typing import TYPE_CHECKING, Any

import pjsua2 as pj

from telephony.calls import dialplan
from telephony.calls.hold import HoldService, other_leg
from telephony.calls.legs import NORMAL, UNALLOCATED, CallLeg, SipLeg
from telephony.calls.line import LineCall
from telephony.calls.router import RouteFailed
from telephony.cdr import LegRecord
from telephony.models import Extension, utcnow
from telephony.models.lines import PortSetting

if TYPE_CHECKING:
    from telephony.engine import Engine
    from telephony.events import LegTransfer

log = logging.getLogger(__name__)

BLIND_CODE = "##"
ATTENDED_CODE = "*2"
CANCEL_KEY = "*"
DIGIT_TIMEOUT = 3.0
MAX_DIGITS = 32

_URI_USER = re.compile(r"^<?\s*sips?:([^@;>?]+)@")


def parse_refer_to(value: str) -> tuple[str, str]:
    """Return (number, Replaces value or "") of a Refer-To header value."""
    value = value.strip()
    match = _URI_USER.match(value)
    number = urllib.parse.unquote(match.group(1)) if match else ""
    replaces = ""
    if "?" in value:
        query = value.split("?", 1)[1].rstrip(">").strip()
        for part in query.split("&"):
            key, _, val = part.partition("=")
            if key.lower() == "replaces":
                replaces = urllib.parse.unquote(val)
    return number, replaces


def number_of(call: Any, leg: CallLeg) -> str:
    """The number a party of a call is known by (caller's number, or the number dialed)."""
    if leg is call.a:
        return call.caller
    return call.callee if not isinstance(leg, SipLeg) else leg.peer


def permission_of(number: str, leg: CallLeg) -> str:
    """The outbound class a transferor dials with: its extension's or its analog port's."""
    row = Extension.select(Extension.permission).where(Extension.number == number).first()
    if row is not None:
        return row.permission
    setting = PortSetting.get_or_none(PortSetting.port == leg.peer)
    return setting.permission if setting is not None else "internal"


def send_refer_notify(leg: Any, code: int, reason: str, final: bool) -> None:
    """NOTIFY the transferor's phone of the transfer's progress (message/sipfrag, RFC 3515)."""
    prm = pj.CallSendRequestParam()
    prm.method = "NOTIFY"
    for name, value in (
        ("Event", "refer"),
        ("Subscription-State", "terminated;reason=noresource" if final else "active;expires=60"),
    ):
        header = pj.SipHeader()
        header.hName, header.hValue = name, value
        prm.txOption.headers.append(header)
    prm.txOption.contentType = "message/sipfrag"
    prm.txOption.msgBody = f"SIP/2.0 {code} {reason}\r\n"
    try:
        leg.sendRequest(prm)
    except pj.Error as exc:
        log.info("NOTIFY %d to the transferor not sent: %s", code, exc.info())


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
        self.consult.target_gone(self)

    def send_dtmf(self, digit: str) -> None:
        self.x.send_dtmf(digit)

    def _tone_off(self) -> None:
        if self.tone is not None:
            self.engine.tones.release(self.tone)
            self.tone = None


class TransferCall(LineCall):
    """The call a transfer makes: transferee Y (already talking) and target T."""

    def __init__(
        self, engine: Engine, y: CallLeg, caller: str, caller_name: str, callee: str, by: str
    ) -> None:
        super().__init__(engine, y, caller, caller_name, callee)
        self.legs["transferor"] = LegRecord("transferor", by, start=self.start, end=self.start)
        self.tone: pj.ToneGenerator | None = None
        self.job: Any = None  # the Blind transfer waiting for T, if any

    def adopt(self, t: CallLeg) -> None:
        """T is already ringing (pjsua's REFER dial, or a consultation still ringing)."""
        self.b = t
        self._attach(t, "callee")
        self.legs["callee"] = LegRecord("callee", t.peer, start=utcnow())
        self._goto("ringing")
        self.record_sip_id(t)
        self.timer = self.engine.call_later(self.engine.no_answer_timeout, self._no_answer)

    def joined(self, t: CallLeg) -> None:
        """T already talks (attended transfer): bridge at once."""
        self.adopt(t)
        self.leg_answered(t)

    def leg_alerting(self, leg: CallLeg) -> None:
        if leg is self.b and self.state == "ringing":
            self.ringback_on()
            if self.job is not None:
                self.job.alerting()

    def ringback_on(self) -> None:
        med = self.a.media()
        if med is not None and self.tone is None:
            self.tone = self.engine.tones.ringback()
            self.tone.startTransmit(med)

    def leg_answered(self, leg: CallLeg) -> None:
        if leg is not self.b or self.state != "ringing":
            return
        self._tone_off()
        self._cancel_timer()
        self.answered_at = utcnow()
        self.legs["callee"].answer = self.legs["caller"].answer = self.answered_at
        self.status_code, self.disposition = 200, "ANSWERED"
        self._goto("answered")
        self.bridge()
        self.engine.notify("call_answered", self)
        if self.job is not None:
            self.job.answered(self)

    def leg_ended(self, leg: CallLeg, cause: int) -> None:
        self._tone_off()
        if leg is self.b and self.state == "ringing" and self.job is not None:
            y = self.a
            if self.job.failed(self, cause):  # Y went back to the transferor
                self.legs["caller"].end = utcnow()
                self.a = CallLeg(y.peer)
                self.a.role, self.a.ended = "caller", True
        super().leg_ended(leg, cause)

    def _tone_off(self) -> None:
        if self.tone is not None:
            self.engine.tones.release(self.tone)
            self.tone = None


class ConsultCall(LineCall):
    """The transferor's call to the target while the transferee waits with music."""

    def _to_voicemail(self, cause: int) -> bool:
        return False  # the transferor is still in its own call: a refusal takes it back there


class Blind:
    """A blind transfer waiting for the target: Y rings T; X stays until T answers."""

    def __init__(
        self, service: TransferService, oc: LineCall, x: CallLeg, nc: TransferCall, notify: Any
    ) -> None:
        self.service, self.oc, self.x, self.nc = service, oc, x, nc
        self.notify_leg = notify  # the REFER dialog to NOTIFY (our own NOTIFYs), or None
        self.record = oc.legs.get("transfer")

    def alerting(self) -> None:
        if self.notify_leg is not None:
            send_refer_notify(self.notify_leg, 180, "Ringing", final=False)

    def answered(self, nc: TransferCall) -> None:
        nc.job = None
        if self.record is not None:
            self.record.answer = self.record.end = utcnow()
            self.record.status_code = 200
        if self.notify_leg is not None:
            send_refer_notify(self.notify_leg, 200, "OK", final=True)
        self.service.end_transferor(self.oc, self.x)

    def failed(self, nc: TransferCall, cause: int) -> bool:
        nc.job = None
        if self.record is not None:
            self.record.end = utcnow()
            self.record.status_code = cause
        if self.notify_leg is not None:
            send_refer_notify(self.notify_leg, 486 if cause == 17 else 480, "Transfer failed", final=True)
        y = nc.a
        if self.x.ended or self.oc.state == "ended" or y.ended:
            self.service.close_old(self.oc)
            return False
        log.info(
            "call %s: transfer to %s failed (%d): %s back to %s",
            nc.uniqueid,
            nc.callee,
            cause,
            y.peer,
            self.x.peer,
        )
        self.service.reattach(self.oc, y)
        return True


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
        self.via = ViaLeg(svc.engine, self.x, self)
        self.cc = ConsultCall(svc.engine, self.via, number_of(self.oc, self.x), self.oc.caller_name, number)
        self.cc.legs["caller"].peer = self.x.peer
        try:
            t, digits = svc.target_leg(number, permission_of(number_of(self.oc, self.x), self.x))
        except RouteFailed as exc:
            log.info("call %s: consultation to %s refused: %s", self.oc.uniqueid, number, exc)
            self.cc.fail(exc.cause)
            return
        log.info("call %s: %s consults %s", self.oc.uniqueid, self.x.peer, number)
        self.cc.dial(t, digits)

    def target_gone(self, via: ViaLeg) -> None:
        """The consultation ended (T hung up, refused, or was dropped): X back to Y."""
        if via is not self.via or self.oc.transfer is not self:
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
        """X hung up: join Y and T (answered: attended; ringing: blind). False when there is no T."""
        cc = self.cc
        y = self.y
        if cc is None or cc.b is None or cc.b.ended or cc.state not in ("ringing", "answered") or y is None:
            return False
        t = cc.b
        svc = self.service
        self.oc.transfer = None
        ringing = cc.state == "ringing"
        target = cc.callee
        # T leaves the consultation call; its CDR ends here.
        svc.detach(cc, t)
        cc._cancel_timer()
        via, self.via = self.via, None
        if via is not None:
            via.ended = True
            via._tone_off()
        cc.legs["caller"].end = cc.legs["caller"].end or utcnow()
        cc.hangup_by = "caller"
        cc._goto("ended")
        cc._maybe_finish()
        nc = svc.move(self.oc, y, target, self.x)
        if ringing:
            log.info(
                "call %s: %s hung up while %s rings: blind transfer", self.oc.uniqueid, self.x.peer, target
            )
            nc.adopt(t)
            nc.ringback_on()
            nc.job = Blind(svc, self.oc, self.x, nc, None)
        else:
            log.info("call %s: attended transfer of %s to %s", self.oc.uniqueid, y.peer, target)
            rec = self.oc.legs.get("transfer")
            if rec is not None:
                rec.answer = rec.end = utcnow()
                rec.status_code = 200
            nc.joined(t)
        svc.end_transferor(self.oc, self.x)
        return True

    # --- hooks from the old call (LineCall.transfer) -----------------------------------------

    def leg_ended(self, call: LineCall, leg: CallLeg, cause: int) -> bool:
        if leg is self.x:
            return self.complete()
        if leg is self.y:
            # The transferee hung up while X consults: X and T simply go on talking.
            self.y = None
            self.service.hold.forget(leg)
            if self.cc is not None and self.cc.state == "answered" and self.cc.b is not None:
                rec = call.legs.get(leg.role)
                if rec is not None:
                    rec.end = utcnow()
                self.service.detach(call, leg)
                t = self.cc.b
                self.service.detach(self.cc, t)
                self.cc.legs["caller"].end = utcnow()
                self.cc._goto("ended")
                self.cc._maybe_finish()
                call.transfer = None
                nc = self.service.move(call, self.x, self.cc.callee, "")
                nc.joined(t)
                self.service.end_record(call)
                return True
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
        self.consult: Consult | None = None

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
        if leg is not self.x:
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
            self.call.transfer = None
            if not self.service.blind(self.call, self.x, self.digits):
                self.cancel()

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


class TransferService:
    """Installs the in-call codes and handles REFERs and hook-flashes."""

    def __init__(self, engine: Engine, hold: HoldService) -> None:
        self.engine = engine
        self.hold = hold
        self.tones: dict[int, pj.ToneGenerator | None] = {}  # None: the analog port plays it

    # --- entry points -------------------------------------------------------------------------

    def code_blind(self, call: Any, leg: CallLeg) -> None:
        """In-call `##`: collect a number, then transfer the other party to it."""
        if isinstance(call, LineCall) and call.transfer is None and call.state == "answered":
            Collect(self, call, leg, attended=False).start()

    def code_attended(self, call: Any, leg: CallLeg) -> None:
        """In-call `*2`: collect a number and call it while the other party hears music."""
        if isinstance(call, LineCall) and call.transfer is None and call.state == "answered":
            Collect(self, call, leg, attended=True).start()

    def flash(self, leg: CallLeg) -> bool:
        """Hook-flash on an analog phone in a call; True when a transfer step took it."""
        call = leg.call
        if not isinstance(call, LineCall) or call.state != "answered" or leg not in (call.a, call.b):
            return False
        if call.transfer is not None:
            call.transfer.flash()
            return True
        collect = Collect(self, call, leg, attended=True)
        collect.start()
        self.tone_start(leg, "dial")
        return True

    def on_refer(self, event: LegTransfer) -> None:
        """A SIP phone REFERred its call (pjsua already answered 202 and dials event.dst_uri)."""
        x = event.leg.wrapper
        new_leg = event.new_leg
        number, replaces = parse_refer_to(event.dst_uri)
        oc = getattr(x, "call", None)
        log.info(
            "REFER from %s: to %r%s", getattr(x, "peer", "?"), number, " with Replaces" if replaces else ""
        )
        if not isinstance(oc, LineCall) or oc.state != "answered" or other_leg(oc, x) is None:
            self._drop(new_leg)
            send_refer_notify(event.leg, 603, "Declined", final=True)
            return
        if replaces:
            self._drop(new_leg)
            if not self.replace(oc, x, replaces, event.leg):
                send_refer_notify(event.leg, 481, "Call Does Not Exist", final=True)
            return
        if self.engine.is_extension(number) and self.engine.service_for(number) is None:
            # pjsua's own dial reaches the extension through the edge: it is T's leg.
            t = SipLeg(self.engine, new_leg, number, inbound=False)
            nc = self.move(oc, other_leg(oc, x), number, x)
            nc.adopt(t)
            nc.job = Blind(self, oc, x, nc, None)
            return
        self._drop(new_leg)
        send_refer_notify(event.leg, 200, "OK", final=True)
        if not self.blind(oc, x, number):
            log.info("call %s: REFER to %r cannot be routed", oc.uniqueid, number)

    # --- the moves ----------------------------------------------------------------------------

    def blind(self, oc: LineCall, x: CallLeg, number: str) -> bool:
        """Send Y (the other party of X) to `number`; X stays until T answers."""
        y = other_leg(oc, x)
        if y is None or y.ended:
            return False
        by = number_of(oc, x)
        service = self.engine.service_for(number)
        if service is not None:
            self.note(oc, number)
            self.hold.forget(y)
            self.detach(oc, y)
            y.call = None
            if isinstance(y, SipLeg):
                y.leg.call = None
            log.info("call %s: %s transferred %s to service %s", oc.uniqueid, x.peer, y.peer, number)
            if self.engine.lines is not None:
                self.engine.lines.listen_digits(y)
            service.enter(y, number_of(oc, y), oc.caller_name if y is oc.a else "", number)
            self.end_transferor(oc, x)
            return True
        try:
            t, digits = self.target_leg(number, permission_of(by, x))
        except RouteFailed as exc:
            log.info("call %s: transfer to %s refused: %s", oc.uniqueid, number, exc)
            return False
        nc = self.move(oc, y, number, x)
        nc.job = Blind(self, oc, x, nc, None)
        log.info(
            "call %s: %s blind-transfers %s to %s (call %s)", oc.uniqueid, x.peer, y.peer, number, nc.uniqueid
        )
        nc.dial(t, digits)
        if nc.state == "ringing":
            nc.ringback_on()
        return True

    def replace(self, oc: LineCall, x: CallLeg, replaces: str, refer_leg: Any) -> bool:
        """Attended transfer by REFER with Replaces: join Y with the far party of the replaced dialog."""
        call_id = replaces.split(";", 1)[0].strip()
        x2 = self._leg_by_call_id(call_id, exclude=x)
        oc2 = getattr(x2, "call", None)
        if not isinstance(oc2, LineCall) or oc2.state not in ("answered", "ringing"):
            log.info("REFER with Replaces: no call has dialog %s", call_id)
            return False
        t = other_leg(oc2, x2)
        y = other_leg(oc, x)
        if t is None or t.ended or y is None or y.ended:
            return False
        target = number_of(oc2, t)
        self.hold.forget(t)
        self.note(oc2, target)
        self.detach(oc2, t)
        nc = self.move(oc, y, target, x)
        rec = oc.legs.get("transfer")
        if rec is not None:
            rec.answer = rec.end = utcnow()
            rec.status_code = 200
        if oc2.state == "answered":
            nc.joined(t)
        else:  # the consulted phone still rings: the transferee takes over the ringing call
            oc2._cancel_timer()
            nc.adopt(t)
            nc.ringback_on()
        log.info("call %s: %s joined %s with %s (call %s)", oc.uniqueid, x.peer, y.peer, target, nc.uniqueid)
        send_refer_notify(refer_leg, 200, "OK", final=True)
        self.end_transferor(oc, x)
        self.end_transferor(oc2, x2)
        return True

    def move(self, oc: LineCall, y: CallLeg, target: str, x: CallLeg | str) -> TransferCall:
        """Take Y out of `oc` into a new TransferCall toward `target`."""
        caller = number_of(oc, y)
        name = oc.caller_name if y is oc.a else ""
        by = x if isinstance(x, str) else number_of(oc, x)
        self.note(oc, target)
        self.hold.forget(y)
        self.detach(oc, y)
        return TransferCall(self.engine, y, caller, name, target, by)

    def note(self, oc: LineCall, target: str) -> None:
        """Record in the old call's CDR that it was transferred (leg role `transfer`)."""
        if "transfer" not in oc.legs:
            oc.legs["transfer"] = LegRecord("transfer", target, start=utcnow())

    def detach(self, call: LineCall, leg: CallLeg) -> None:
        """Take `leg` out of `call` (unbridged; a placeholder keeps the call's shape)."""
        other = other_leg(call, leg)
        if other is not None and not other.ended and not leg.ended:
            mine, theirs = leg.media(), other.media()
            if mine is not None and theirs is not None:
                for src, dst in ((mine, theirs), (theirs, mine)):
                    try:
                        src.stopTransmit(dst)
                    except pj.Error:
                        pass  # not connected
        placeholder = CallLeg(leg.peer)
        placeholder.role, placeholder.ended, placeholder.call = leg.role, True, call
        if leg is call.a:
            call.a = placeholder
        elif leg is call.b:
            call.b = placeholder
        record = call.legs.get(leg.role)
        if record is not None:
            record.end = record.end or utcnow()
        self.engine.incall.forget(leg)

    def reattach(self, oc: LineCall, y: CallLeg) -> None:
        """A failed blind transfer: Y back into its old call with X."""
        role = "caller" if type(oc.a) is CallLeg and oc.a.peer == y.peer else "callee"
        if role == "caller":
            oc.a = y
        else:
            oc.b = y
        oc._attach(y, role)
        record = oc.legs.get(role)
        if record is not None:
            record.end = None
        oc.legs.pop("transfer", None)
        oc.bridge()

    def end_transferor(self, oc: LineCall, x: CallLeg) -> None:
        """End X's leg in the old call (already gone if X hung up) and close the old call."""
        oc.transfer = None
        self.hold.forget(x)
        self.tone_stop(x)
        rec = oc.legs.get("transfer")
        if rec is not None and rec.end is None:
            rec.end = utcnow()
        if oc.uniqueid not in self.engine.calls:
            return  # already finished (X hung up and the transfer's outcome closed it)
        record = oc.legs.get(x.role)
        if x.ended:
            if record is not None and record.end is None:
                record.end = utcnow()
        else:
            oc._release(x, NORMAL)  # a SIP leg's record ends with its DISCONNECTED event
        oc.hangup_by = oc.hangup_by or "transfer"
        if oc.state != "ended":
            oc.cause = NORMAL
            oc._goto("ended")
        oc._maybe_finish()

    def close_old(self, oc: LineCall) -> None:
        """The old call's transfer is over and X is gone: store its CDR if nothing else is open."""
        rec = oc.legs.get("transfer")
        if rec is not None and rec.end is None:
            rec.end = utcnow()
        if oc.uniqueid in self.engine.calls and oc.state == "ended":
            oc._maybe_finish()

    def end_record(self, oc: LineCall) -> None:
        rec = oc.legs.get("transfer")
        if rec is not None and rec.end is None:
            rec.end = utcnow()
        oc.hangup_by = oc.hangup_by or "caller"
        oc._goto("ended")
        oc._maybe_finish()

    def target_leg(self, number: str, permission: str) -> tuple[CallLeg, str]:
        route = dialplan.resolve(number, permission)
        if route.kind in ("none", "denied"):
            raise RouteFailed(
                f"{number!r} is not a reachable number", UNALLOCATED if route.kind == "none" else 21
            )
        return self.engine.router.callee_leg(route), route.digits or number

    # --- tones for analog transferors ------------------------------------------------------------

    def tone_start(self, leg: CallLeg, name: str) -> None:
        port = getattr(leg, "port", None)
        if port is not None and leg.kind == "fxs":
            port.play_tone(name)  # an analog phone's own tone generator
            self.tones[id(leg)] = None
            return
        med = leg.media()
        if med is None or id(leg) in self.tones:
            return
        gen = self.engine.tones.make(name)
        gen.startTransmit(med)
        self.tones[id(leg)] = gen

    def tone_stop(self, leg: CallLeg) -> None:
        if id(leg) not in self.tones:
            return
        gen = self.tones.pop(id(leg))
        if gen is not None:
            self.engine.tones.release(gen)
        elif not leg.ended:
            leg.port.stop_tone()

    # --- helpers ------------------------------------------------------------------------------

    def _leg_by_call_id(self, call_id: str, exclude: CallLeg) -> CallLeg | None:
        for pj_leg in list(self.engine.legs):
            wrapper = getattr(pj_leg, "wrapper", None)
            if wrapper is None or wrapper is exclude or wrapper.ended:
                continue
            try:
                if pj_leg.getInfo().callIdString == call_id:
                    return wrapper
            except pj.Error:
                continue
        return None

    def _drop(self, new_leg: Any) -> None:
        try:
            new_leg.hangup(pj.CallOpParam(True))
        except pj.Error:
            pass  # already failed


def install(engine: Engine) -> TransferService:
    """Give the engine music on hold and transfers; register `##` and `*2`."""
    hold = HoldService(engine)
    service = TransferService(engine, hold)
    engine.hold = hold
    engine.transfers = service
    engine.observers.append(hold)
    engine.incall.register(BLIND_CODE, service.code_blind, "any")
    engine.incall.register(ATTENDED_CODE, service.code_attended, "any")
    return service

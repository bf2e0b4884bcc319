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
  analog phone, trunk) after a final `200 OK` NOTIFY, as a blind transfer. A number with no
  route is refused by ending pjsua's dial, whose own NOTIFY reports the failure: a NOTIFY of
  ours followed by pjsua's would be answered 481 by the phone, and pjsip ends a dialog on any
  481 to an in-dialog request.
- In-call codes: `##<number>` blind, `*2<number>` attended; the number ends with `#` or
  after DIGIT_TIMEOUT without a key. Analog phones: hook-flash, then the number.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import pjsua2 as pj

from telephony.calls import dialplan
from telephony.calls.hold import HoldService, other_leg
from telephony.calls.legs import NORMAL, UNALLOCATED, CallLeg, SipLeg
from telephony.calls.line import LineCall
from telephony.calls.router import RouteFailed
from telephony.calls.transfer_attended import Collect, ConsultCall
from telephony.calls.transfer_calls import (
    Blind,
    TransferCall,
    number_of,
    parse_refer_to,
    permission_of,
    send_refer_notify,
)
from telephony.calls.transfer_notice import Notices
from telephony.cdr import LegRecord
from telephony.models import utcnow

if TYPE_CHECKING:
    from telephony.engine import Engine
    from telephony.events import LegTransfer

log = logging.getLogger(__name__)

DENIED = 21  # Q.850 call rejected: the transferor's class may not dial the number
BLIND_CODE = "##"
ATTENDED_CODE = "*2"


class TransferService:
    """Installs the in-call codes and handles REFERs and hook-flashes."""

    def __init__(self, engine: Engine, hold: HoldService) -> None:
        self.engine = engine
        self.hold = hold
        self.notices = Notices(engine)
        self.tones: dict[int, pj.ToneGenerator | None] = {}  # None: the analog port plays it

    # --- entry points -------------------------------------------------------------------------

    @staticmethod
    def can_transfer(call: Any) -> bool:
        """A plain answered two-party call with no transfer going on (not a consultation)."""
        return (
            isinstance(call, LineCall)
            and not isinstance(call, ConsultCall)
            and call.transfer is None
            and call.state == "answered"
            and call.b is not None
            and not call.a.ended
            and not call.b.ended
        )

    def code_blind(self, call: Any, leg: CallLeg) -> None:
        """In-call `##`: collect a number, then transfer the other party to it."""
        if self.can_transfer(call):
            Collect(self, call, leg, attended=False).start()

    def code_attended(self, call: Any, leg: CallLeg) -> None:
        """In-call `*2`: collect a number and call it while the other party hears music."""
        if self.can_transfer(call):
            Collect(self, call, leg, attended=True).start()

    def flash(self, leg: CallLeg) -> bool:
        """Hook-flash on an analog phone in a call; True when a transfer step took it."""
        call = leg.call
        if not isinstance(call, LineCall) or call.state != "answered" or leg not in (call.a, call.b):
            return False
        if call.transfer is not None:
            call.transfer.flash()
            return True
        if not self.can_transfer(call):
            return False
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
        if not self.can_transfer(oc):
            # Refused by ending pjsua's own dial: its final NOTIFY (487) tells the phone. A NOTIFY
            # of ours would be followed by pjsua's, which the phone answers 481, and pjsip ends
            # the whole dialog on a 481 to any in-dialog request.
            self._drop(new_leg)
            return
        if replaces:
            self._drop(new_leg)
            self.replace(oc, x, replaces, event.leg)  # on failure pjsua's ended dial NOTIFYs 487
            return
        if self.engine.is_extension(number) and self.engine.service_for(number) is None:
            # pjsua's own dial reaches the extension through the edge: it is T's leg.
            t = SipLeg(self.engine, new_leg, number, inbound=False)
            nc = self.move(oc, other_leg(oc, x), number, x)
            nc.adopt(t)
            nc.job = Blind(self, oc, x, nc, tell=False)
            return
        self._drop(new_leg)
        cause = self.routable(number, permission_of(number_of(oc, x), x))
        if cause:
            # Refused: pjsua's own dial, ended, sends the failure NOTIFY (see above); the call stays.
            log.info("call %s: REFER to %r refused (cause %d): the call goes on", oc.uniqueid, number, cause)
            return
        send_refer_notify(event.leg, 200, "OK", final=True)
        cause = self.blind(oc, x, number)
        if cause:
            log.info("call %s: REFER to %r could not be completed (cause %d)", oc.uniqueid, number, cause)

    # --- the moves ----------------------------------------------------------------------------

    def blind(self, oc: LineCall, x: CallLeg, number: str) -> int:
        """Send Y (the other party of X) to `number`; X stays until T answers. Returns 0, or the
        Q.850 cause that refused the number (nothing changed then)."""
        y = other_leg(oc, x)
        if y is None or y.ended:
            return NORMAL
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
            return 0
        try:
            t, digits = self.target_leg(number, permission_of(by, x))
        except RouteFailed as exc:
            log.info("call %s: transfer to %s refused: %s", oc.uniqueid, number, exc)
            return exc.cause
        nc = self.move(oc, y, number, x)
        nc.job = Blind(self, oc, x, nc, tell=True)
        log.info(
            "call %s: %s blind-transfers %s to %s (call %s)", oc.uniqueid, x.peer, y.peer, number, nc.uniqueid
        )
        nc.dial(t, digits)
        if nc.state == "ringing":
            nc.ringback_on()
        return 0

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

    def reattach(self, oc: LineCall, y: CallLeg, x: CallLeg, number: str, cause: int) -> None:
        """A failed blind transfer: Y back into its old call with X (after X is told why, if
        `cause`); a SIP phone still holding the call keeps Y on music."""
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
        if cause:
            self.hold.park(oc, y, "transfer")
            self.refused(x, cause, number, lambda: self.hold.unpark(y))
        oc.bridge()
        if isinstance(x, SipLeg):
            self.hold.media_changed(oc, x)

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

    def routable(self, number: str, permission: str) -> int:
        """0 when `number` has a route (a service, an extension, a port, a trunk), else the cause."""
        if self.engine.service_for(number) is not None:
            return 0
        kind = dialplan.resolve(number, permission).kind
        return {"none": UNALLOCATED, "denied": DENIED}.get(kind, 0)

    def refused(self, x: CallLeg, cause: int, number: str, then: Any) -> None:
        """Say to X why `number` could not be reached, then run `then` (back to the other party)."""
        if not self.engine.running:  # shutting down: no prompts any more
            then()
            return
        reason = {UNALLOCATED: "none", DENIED: "denied"}.get(cause, "busy")
        self.notices.tell(x, reason, number, then)

    def close(self) -> None:
        """Stop music and prompt players (before libDestroy)."""
        self.hold.close()
        self.notices.close()

    def target_leg(self, number: str, permission: str) -> tuple[CallLeg, str]:
        route = dialplan.resolve(number, permission)
        if route.kind in ("none", "denied"):
            raise RouteFailed(
                f"{number!r} is not a reachable number", UNALLOCATED if route.kind == "none" else DENIED
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

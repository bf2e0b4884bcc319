"""Call waiting on analog (FXS) phones: a second call to a phone that is talking is offered, not refused.

The phone hears the call-waiting tone over its conversation (450 Hz, 400 ms every 4 s, mixed in
the bridge) while the second caller hears ringback. A hook-flash answers it: the first party is
held with music on hold. Each further flash swaps the two. Hanging up ends the call being talked
to and rings the phone back for the other one (its caller ID shown again); lifting the handset
takes it. When the party being talked to hangs up, the phone is connected to the other call at
once; when the held or waiting party hangs up, the phone just goes on with its call.

Per port, call waiting is on unless the Setting `call_waiting.<port>` is "0" (then a second
caller gets busy, as before). Transfers and call waiting do not mix: a phone in the middle of a
transfer gets no waiting call (busy), and a flash during call waiting swaps, never transfers.
Caller ID on call waiting (off-hook FSK after a CAS tone) needs the HAL to send caller ID to an
off-hook phone, which it does not: the waiting caller's number is shown when the phone is rung back.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import pjsua2 as pj

from hal.ports import CallerIdInfo
from telephony.calls.hold import other_leg
from telephony.calls.legs import NORMAL, CallLeg, PortLeg
from telephony.calls.line import LineCall
from telephony.models import Setting, utcnow

if TYPE_CHECKING:
    from telephony.engine import Engine
    from telephony.lines.service import LineService

log = logging.getLogger(__name__)

CW_FREQ, CW_ON_MS, CW_OFF_MS = 450, 400, 4000  # China: 450 Hz, 0.4 s on, 4 s off


def setting_key(port: str) -> str:
    return f"call_waiting.{port}"


def enabled(port: str) -> bool:
    """Call waiting is on for `port` unless the admin turned it off."""
    return Setting.get_value(setting_key(port), "1") not in ("0", "off", "false", "no")


def set_enabled(port: str, on: bool) -> None:
    Setting.insert(key=setting_key(port), value="1" if on else "0").on_conflict_replace().execute()


class PhoneLeg(PortLeg):
    """The analog phone in its second call (waiting, held, or rung back), on the same port."""

    kind = "fxs"

    def __init__(self, lines: LineService, port_name: str, session: Session) -> None:
        super().__init__(lines, port_name)
        self.port: Any = lines.board.ports[port_name]
        self.session = session
        self.answered = False
        self.caller = CallerIdInfo("", "")

    def ring(self, caller: str, caller_name: str, callee: str) -> None:
        self.caller = CallerIdInfo(caller, caller_name)
        self.session.waiting_tone_on()
        if self.call is not None:
            self.lines.engine.call_later(0, lambda: self.call and self.call.leg_alerting(self))

    def offhook(self) -> None:
        """The phone was lifted while rung back for this call."""
        self.port.stop_ring()
        self.session.rung_back_answered(self)

    def onhook(self) -> None:
        self._report_end(NORMAL)

    def release(self, cause: int) -> None:
        super().release(cause)
        if not self.session.phone_leg_released(self, cause):
            self.lines.fxs_released(self, cause)  # an ordinary call by now: busy tone as usual


class Session:
    """One analog phone with two calls: `first` (the call it was in) and `second` (the waiting one)."""

    def __init__(self, service: CallWaiting, port: str, first: LineCall, x: CallLeg) -> None:
        self.service, self.port, self.first, self.x = service, port, first, x
        self.leg: PhoneLeg | None = None  # the phone's leg in the second call
        self.tone: pj.ToneGenerator | None = None
        self.active = "first"  # which call the phone talks to
        self.ringing_back = ""

    @property
    def lines(self) -> LineService:
        return self.service.engine.lines

    @property
    def hold(self) -> Any:
        return self.service.engine.hold

    # --- the waiting tone ---------------------------------------------------------------------

    def waiting_tone_on(self) -> None:
        med = self.lines.media.get(self.port)
        if med is None or self.tone is not None:
            return
        gen = pj.ToneGenerator()
        gen.createToneGenerator(8000, 1)
        desc = pj.ToneDesc()
        desc.freq1, desc.freq2, desc.on_msec, desc.off_msec, desc.volume = CW_FREQ, 0, CW_ON_MS, CW_OFF_MS, 0
        vec = pj.ToneDescVector()
        vec.append(desc)
        gen.play(vec, True)
        gen.startTransmit(med)
        self.tone = gen
        log.info(
            "%s: call waiting tone (second call from %s)",
            self.port,
            self.leg.caller.number if self.leg else "?",
        )

    def waiting_tone_off(self) -> None:
        if self.tone is not None:
            try:
                self.tone.stop()
            except pj.Error:
                pass  # already stopped
            self.tone = None

    # --- hook-flash (through the first call's `transfer` slot) ---------------------------------

    def flash(self) -> None:
        leg = self.leg
        if leg is None or leg.ended or leg.call is None:
            self.end()
            return
        second = leg.call
        if self.active == "first":
            y1 = other_leg(self.first, self.x)
            if y1 is not None:
                self.hold.park(self.first, y1, "waiting")
            self.active = "second"
            if not leg.answered:
                self.waiting_tone_off()
                leg.answered = True
                log.info("%s: flash answers the waiting call from %s", self.port, leg.caller.number)
                second.leg_answered(leg)
            else:
                self.hold.unpark(other_leg(second, leg))
                log.info("%s: flash swaps to %s", self.port, leg.caller.number)
        else:
            y2 = other_leg(second, leg)
            if y2 is not None:
                self.hold.park(second, y2, "waiting")
            self.active = "first"
            y1 = other_leg(self.first, self.x)
            if y1 is not None:
                self.hold.unpark(y1)
            log.info("%s: flash swaps back", self.port)

    # --- ends ---------------------------------------------------------------------------------

    def leg_ended(self, call: LineCall, leg: CallLeg, cause: int) -> bool:
        """A leg of the first call ended (LineCall.transfer hook)."""
        second_leg = self.leg
        if leg is self.x:  # the phone hung up
            if self.active == "second" and second_leg is not None and not second_leg.ended:
                # It talked to the second caller: that call ends; the first party rings the phone.
                second = second_leg.call
                self.ring_back_first()
                if second is not None:
                    second._release(second_leg, NORMAL)
                    second_leg.ended = True
                    second.leg_ended(second_leg, NORMAL)
                return True
            # It talked to the first party: the first call ends; the second rings the phone.
            call.transfer = None
            self.service.engine.call_later(0, self.ring_back_second)
            return False
        # The first party hung up: the phone goes on with the second call.
        call.transfer = None
        self.hold.forget(leg)
        if second_leg is not None and not second_leg.ended:
            self.service.detach_first(self)
            self.become_line_leg(second_leg)
            if not second_leg.answered:
                self.waiting_tone_off()
                second_leg.answered = True
                second_leg.call.leg_answered(second_leg)
            else:
                self.hold.unpark(other_leg(second_leg.call, second_leg))
        self.leg = None  # one call left: an ordinary call from here on
        self.service.sessions.pop(self.port, None)
        return False

    def phone_leg_released(self, leg: PhoneLeg, cause: int) -> bool:
        """The second call ended the phone's leg (its caller hung up or gave up); False when the
        session is over for that leg and it ends like any analog phone's leg."""
        if leg is not self.leg:
            return False
        self.waiting_tone_off()
        self.leg = None
        line = self.lines.fxs.get(self.port)
        if self.ringing_back == "second":
            self.lines.board.ports[self.port].stop_ring()
            if line is not None and line.leg is leg:
                line.leg, line.state = None, "idle"
            self.service.sessions.pop(self.port, None)
            return True
        if self.first.transfer is self:
            self.first.transfer = None
        handled = True
        if self.active == "second" and not self.x.ended:
            y1 = other_leg(self.first, self.x)
            if y1 is not None:
                self.hold.unpark(y1)  # back to the first party
        elif line is not None and line.leg is leg:
            handled = False
        self.active = "first"
        self.service.sessions.pop(self.port, None)
        return handled

    def end(self) -> None:
        self.waiting_tone_off()
        if self.first.transfer is self:
            self.first.transfer = None
        self.service.sessions.pop(self.port, None)

    # --- ring-backs -----------------------------------------------------------------------------

    def ring_back_second(self) -> None:
        """The phone hung up on the first call: ring it for the waiting or held second call."""
        leg = self.leg
        self.waiting_tone_off()
        if leg is None or leg.ended or leg.call is None:
            self.end()
            return
        line = self.lines.fxs[self.port]
        if line.state != "idle":
            return
        self.become_line_leg(leg, ringing=True)
        self.ringing_back = "second"
        self.lines.board.ports[self.port].ring(leg.caller)
        log.info("%s: rung back for the call from %s", self.port, leg.caller.number)

    def ring_back_first(self) -> None:
        """The phone hung up on the second call: ring it for the held first party."""
        y1 = other_leg(self.first, self.x)
        if y1 is None or y1.ended:
            self.end()
            return
        # A fresh phone leg stands for the phone in the first call.
        leg = PhoneLeg(self.lines, self.port, self)
        leg.answered = True
        leg.caller = CallerIdInfo(self.first.caller if y1 is self.first.a else self.first.callee, "")
        role = self.x.role
        if self.x is self.first.a:
            self.first.a = leg
        else:
            self.first.b = leg
        self.first._attach(leg, role)
        self.x = leg
        self.leg = None
        self.ringing_back = "first"
        self.first.transfer = self
        line = self.lines.fxs[self.port]
        line.leg, line.state = leg, "ringing"
        self.lines.board.ports[self.port].ring(leg.caller)
        log.info("%s: rung back for the held call with %s", self.port, y1.peer)

    def rung_back_answered(self, leg: PhoneLeg) -> None:
        line = self.lines.fxs[self.port]
        line.state = "call"
        if self.ringing_back == "first":
            self.ringing_back = ""
            self.first.transfer = None
            y1 = other_leg(self.first, leg)
            if y1 is not None:
                self.hold.unpark(y1)
            self.service.sessions.pop(self.port, None)
            return
        self.ringing_back = ""
        call = leg.call
        self.service.sessions.pop(self.port, None)
        self.leg = None  # an ordinary call from here on
        if call is None:
            return
        if not leg.answered:
            leg.answered = True
            call.leg_answered(leg)
        else:
            self.hold.unpark(other_leg(call, leg))

    def become_line_leg(self, leg: PhoneLeg, ringing: bool = False) -> None:
        line = self.lines.fxs[self.port]
        line.leg = leg
        line.state = "ringing" if ringing else "call"


class CallWaiting:
    """Offers second calls to talking analog phones; keeps one Session per port."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions: dict[str, Session] = {}

    def offer(self, port: str) -> CallLeg | None:
        """The callee leg for a second call to a busy analog phone, or None (the caller gets busy)."""
        lines = self.engine.lines
        line = lines.fxs.get(port) if lines is not None else None
        if line is None or line.state != "call" or line.leg is None or port in self.sessions:
            return None
        first = line.leg.call
        if not isinstance(first, LineCall) or first.state != "answered" or first.transfer is not None:
            return None
        if getattr(self.engine, "hold", None) is None or not enabled(port):
            return None
        session = Session(self, port, first, line.leg)
        leg = PhoneLeg(lines, port, session)
        session.leg = leg
        first.transfer = session
        self.sessions[port] = session
        log.info("%s: call waiting offered", port)
        return leg

    def detach_first(self, session: Session) -> None:
        """The first call is over for the phone: its leg there must not end the line."""
        x = session.x
        if x is session.first.a:
            session.first.a = CallLeg(x.peer)
            session.first.a.role, session.first.a.ended = x.role, True
        elif x is session.first.b:
            session.first.b = CallLeg(x.peer)
            session.first.b.role, session.first.b.ended = x.role, True
        record = session.first.legs.get(x.role)
        if record is not None and record.end is None:
            record.end = utcnow()


def install(engine: Engine) -> CallWaiting:
    service = CallWaiting(engine)
    engine.callwaiting = service
    return service

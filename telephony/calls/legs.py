"""Call legs of every kind behind one interface, so LineCall bridges any two the same way.

A leg is the caller side (A) or callee side (B) of a LineCall. The call tells a leg what to do
(`ring`, `progress`, `connect`, `release`); the leg tells its call what happened
(`leg_alerting`, `leg_answered`, `leg_ended`). Causes are Q.850 numbers throughout; SIP legs
map them to and from status codes.

Analog lines have no answer supervision: an outbound FXO leg counts as answered once the line
is seized and the digits are dialed (the usual PBX compromise; billing starts at seize+dial).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import pjsua2 as pj

from hal.ports import CallerIdInfo

if TYPE_CHECKING:
    from telephony.calls.line import LineCall
    from telephony.engine import Engine
    from telephony.lines.service import LineService
    from telephony.sip.objects import Leg

log = logging.getLogger(__name__)

NORMAL, BUSY, NO_ANSWER, UNALLOCATED, NO_CIRCUIT = 16, 17, 19, 1, 34

_SIP_OF_CAUSE = {BUSY: 486, NO_ANSWER: 480, UNALLOCATED: 404, NO_CIRCUIT: 503, 21: 403}


def sip_code(cause: int) -> int:
    """Status for a SIP leg refused before answer with a Q.850 cause."""
    return _SIP_OF_CAUSE.get(cause, 480)


def cause_of(code: int) -> int:
    """Q.850 cause for a SIP leg's final status."""
    if code in (486, 600):
        return BUSY
    if code in (404, 484):
        return UNALLOCATED
    if code in (408, 480, 487, 0):
        return NO_ANSWER
    if code in (500, 502, 503):
        return NO_CIRCUIT
    return NORMAL


class CallLeg:
    """One side of a LineCall; subclasses override what their line can do."""

    kind = ""

    def __init__(self, peer: str) -> None:
        self.peer = peer  # port name (fxs1, fxo2, e1/5) or SIP extension number
        self.call: LineCall | None = None
        self.role = ""
        self.ended = False

    def media(self) -> pj.AudioMedia | None:
        """The leg's audio in the conference bridge, or None while it has none."""
        return None

    def ring(self, caller: str, caller_name: str, callee: str) -> None:
        """Offer the call to this leg (callee side); raise to refuse."""
        raise NotImplementedError

    def progress(self) -> None:
        """The callee is ringing: let the caller hear ringback."""

    def connect(self) -> None:
        """The callee answered: answer the caller side."""

    def release(self, cause: int) -> None:
        """End this leg (the other side ended or the call failed)."""
        self.ended = True

    def send_dtmf(self, digit: str) -> None:
        """Pass a key pressed on the other side of the call to this leg's far end."""
        log.debug("%s: no way to send key %s", self.peer, digit)

    def _report_end(self, cause: int) -> None:
        if not self.ended and self.call is not None:
            self.ended = True
            self.call.leg_ended(self, cause)


class PortLeg(CallLeg):
    """A leg on a HAL port or B-channel whose audio is a ChannelPort in the bridge."""

    def __init__(self, lines: LineService, port_name: str) -> None:
        super().__init__(port_name)
        self.lines = lines

    def media(self) -> pj.AudioMedia | None:
        return self.lines.media.get(self.peer)

    def release(self, cause: int) -> None:
        super().release(cause)
        self.lines.stop_digits(self)

    def _report_end(self, cause: int) -> None:
        self.lines.stop_digits(self)
        super()._report_end(cause)


class FxsLeg(PortLeg):
    """An analog phone. Its hook events come through LineService's per-port state."""

    kind = "fxs"

    def __init__(self, lines: LineService, port_name: str) -> None:
        super().__init__(lines, port_name)
        self.port: Any = lines.board.ports[port_name]
        self.answered = False

    def ring(self, caller: str, caller_name: str, callee: str) -> None:
        self.port.ring(CallerIdInfo(caller, caller_name))
        if self.call is not None:
            self.lines.engine.call_later(0, lambda: self.call and self.call.leg_alerting(self))

    def progress(self) -> None:
        self.port.play_tone("ringback")

    def connect(self) -> None:
        self.port.stop_tone()

    def offhook(self) -> None:
        """The phone was picked up while ringing: answer."""
        self.answered = True
        self.port.stop_ring()
        if self.call is not None:
            self.call.leg_answered(self)

    def onhook(self) -> None:
        self._report_end(NORMAL)

    def release(self, cause: int) -> None:
        super().release(cause)
        self.lines.fxs_released(self, cause)


class FxoLeg(PortLeg):
    """A PSTN line: inbound (the PSTN rang us) or outbound (we seize and dial)."""

    kind = "fxo"

    def __init__(self, lines: LineService, port_name: str, outbound: bool) -> None:
        super().__init__(lines, port_name)
        self.port: Any = lines.board.ports[port_name]
        self.outbound = outbound
        self.seized = False

    def ring(self, caller: str, caller_name: str, callee: str) -> None:
        self.port.seize()
        self.seized = True
        self.port.dial(callee)
        # No answer supervision on analog lines: answered once seized and dialed.
        self.lines.engine.call_later(0, lambda: self.call and self.call.leg_answered(self))

    def connect(self) -> None:
        if not self.seized:
            self.port.seize()
            self.seized = True

    def release(self, cause: int) -> None:
        super().release(cause)
        self._free()

    def send_dtmf(self, digit: str) -> None:
        if self.seized:
            self.port.dial(digit)  # in-band DTMF toward the exchange (its IVR, an extension prompt)

    def _report_end(self, cause: int) -> None:
        self._free()  # the PSTN side ended: go on-hook before the call clears the other leg
        super()._report_end(cause)

    def _free(self) -> None:
        if self.seized:
            self.port.release()
            self.seized = False
        self.lines.trunk_done(self.peer)


class E1Leg(PortLeg):
    """One call on an E1 span, on the B-channel the signalling chose."""

    kind = "e1"

    def __init__(self, lines: LineService, span: str, call_ref: int | None, channel: str = "") -> None:
        super().__init__(lines, channel or span)
        self.span_name = span
        self.span: Any = lines.board.ports[span]
        self.call_ref = call_ref

    def media(self) -> pj.AudioMedia | None:
        if self.peer == self.span_name and self.call_ref is not None:
            try:
                self.peer = self.span.channel_of(self.call_ref)
            except Exception:  # no B-channel chosen yet
                return None
        return super().media()

    def ring(self, caller: str, caller_name: str, callee: str) -> None:
        self.call_ref = self.span.place_call(calling=caller, called=callee)
        self.lines.e1_calls[(self.span_name, self.call_ref)] = self

    def progress(self) -> None:
        if self.call_ref is not None:
            self.span.alerting(self.call_ref)

    def connect(self) -> None:
        if self.call_ref is not None:
            self.span.answer(self.call_ref)

    def release(self, cause: int) -> None:
        super().release(cause)
        if self.call_ref is not None:
            self.span.hangup(self.call_ref, cause)
            self.lines.e1_calls.pop((self.span_name, self.call_ref), None)


class SipLeg(CallLeg):
    """A SIP dialog: inbound (a phone called a line) or outbound (a line calls an extension)."""

    kind = "sip"

    def __init__(self, engine: Engine, leg: Leg, peer: str, inbound: bool) -> None:
        super().__init__(peer)
        self.engine = engine  # a SIP leg needs no board: queues use it on a SIP-only box too
        self.leg = leg
        leg.wrapper = self
        self.inbound = inbound
        self.early_sent = False
        self.ringback: pj.ToneGenerator | None = None
        self.answered = False
        # Extra INVITE headers for `ring` (intercom and paging ask phones to auto-answer).
        self.headers: list[tuple[str, str]] = []

    def media(self) -> pj.AudioMedia | None:
        try:
            return self.leg.getAudioMedia(-1)
        except pj.Error:
            return None

    def ring(self, caller: str, caller_name: str, callee: str) -> None:
        engine = self.engine
        prm = pj.CallOpParam(True)
        prm.opt.audioCount = 1
        prm.opt.videoCount = 0
        name = caller_name.replace('"', "").replace("\\", "")
        identity = f"<sip:{caller}@{engine.realm}>"
        if name:
            identity = f'"{name}" {identity}'
        prm.txOption.localUri = identity
        pai = pj.SipHeader()
        pai.hName = "P-Asserted-Identity"
        pai.hValue = identity
        prm.txOption.headers.append(pai)
        for h_name, h_value in self.headers:
            extra = pj.SipHeader()
            extra.hName, extra.hValue = h_name, h_value
            prm.txOption.headers.append(extra)
        self.leg.makeCall(engine.extension_uri(callee), prm)

    def progress(self) -> None:
        if self.inbound and not self.early_sent:
            self.early_sent = True
            self._answer(183)
            self.media_changed()

    def connect(self) -> None:
        self._stop_ringback()
        if self.inbound:
            self._answer(200)

    def media_changed(self) -> None:
        """Start ringback on early media of an inbound leg still waiting for the callee."""
        if (
            self.early_sent
            and self.ringback is None
            and self.call is not None
            and self.call.state == "ringing"
        ):
            med = self.media()
            if med is not None:
                self.ringback = self.engine.tones.ringback()
                self.ringback.startTransmit(med)

    def on_state(self, state: int, code: int) -> None:
        if state == pj.PJSIP_INV_STATE_DISCONNECTED:
            self._stop_ringback()
            self.ended = True
            if self.call is not None:  # also after our own hangup: it records the leg's end
                self.call.leg_ended(self, NORMAL if self.answered else cause_of(code))
        elif self.inbound or self.call is None:
            return
        elif state == pj.PJSIP_INV_STATE_EARLY:
            self.call.leg_alerting(self)
        elif state == pj.PJSIP_INV_STATE_CONFIRMED and not self.answered:
            self.answered = True
            self.call.leg_answered(self)

    def release(self, cause: int) -> None:
        super().release(cause)
        self._stop_ringback()
        prm = pj.CallOpParam(True)
        if not self.answered and not (self.call and self.call.state == "answered"):
            prm.statusCode = sip_code(cause)
        try:
            self.leg.hangup(prm)
        except pj.Error:
            pass  # already gone

    def send_dtmf(self, digit: str) -> None:
        try:
            self.leg.dialDtmf(digit)  # RFC 4733 (pjsua2's default method)
        except pj.Error as exc:
            log.info("key %s to %s not sent: %s", digit, self.peer, exc.info())

    def _answer(self, code: int) -> None:
        prm = pj.CallOpParam(True)
        prm.statusCode = code
        try:
            self.leg.answer(prm)
            if code == 200:
                self.answered = True
        except pj.Error as exc:
            log.warning("answer %d to %s failed: %s", code, self.peer, exc.info())

    def _stop_ringback(self) -> None:
        if self.ringback is not None:
            self.engine.tones.release(self.ringback)
            self.ringback = None

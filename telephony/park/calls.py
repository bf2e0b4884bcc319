"""Call records for legs that change hands: parked callers, ring-backs, announcements, pickups.

Park, pickup and paging move an answered (or ringing) leg out of the LineCall it was in and into
another record. `take_leg` does the move: the old record keeps an ended placeholder so it can
write its CDR, the leg lives on in the new record. Every record here is a LineCall, so the
engine, the CDR writer and the observers treat it like any other call.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pjsua2 as pj

from telephony.calls.legs import NORMAL, CallLeg, FxsLeg, SipLeg
from telephony.calls.line import LineCall
from telephony.cdr import LegRecord
from telephony.models import PortSetting, Setting, utcnow
from telephony.prompts import LANGUAGES, duration

if TYPE_CHECKING:
    from telephony.engine import Engine

log = logging.getLogger(__name__)

MEDIA_RETRIES = 25  # x 0.2 s: how long an announcement waits for the leg's media


def language() -> str:
    value = Setting.get_value("prompt_language", "zh-CN")
    return value if value in LANGUAGES else "zh-CN"


def number_of(leg: CallLeg, fallback: str) -> str:
    """The dialable number of a leg: a SIP leg's extension, an analog phone's number, else `fallback`."""
    if isinstance(leg, SipLeg):
        return leg.peer
    if isinstance(leg, FxsLeg):
        row = PortSetting.get_or_none(PortSetting.port == leg.peer)
        return row.number if row is not None and row.number else fallback
    return fallback


def party(call: LineCall, leg: CallLeg) -> tuple[str, str]:
    """(number, name) of one side of a two-party call."""
    if leg is call.a:
        return call.caller, call.caller_name
    number = number_of(leg, call.callee)
    return number, call.engine.extension_name(number)


def unbridge(call: LineCall) -> None:
    """Stop the two legs' audio to each other."""
    if call.b is None:
        return
    a_med, b_med = call.a.media(), call.b.media()
    if a_med is None or b_med is None:
        return
    for src, dst in ((a_med, b_med), (b_med, a_med)):
        try:
            src.stopTransmit(dst)
        except pj.Error:
            pass  # a port already gone
    call.bridged = False


def take_leg(call: LineCall, leg: CallLeg) -> None:
    """Take `leg` out of `call`; the call keeps an ended placeholder and the leg's CDR end time."""
    placeholder = CallLeg(leg.peer)
    placeholder.ended, placeholder.role, placeholder.call = True, leg.role, call
    if call.a is leg:
        call.a = placeholder
    elif call.b is leg:
        call.b = placeholder
    record = call.legs.get(leg.role)
    if record is not None and record.end is None:
        record.end = utcnow()
    call.engine.incall.forget(leg)
    leg.call = None
    if isinstance(leg, SipLeg):
        leg.leg.call = None


def close_record(call: LineCall, hangup_by: str = "system") -> None:
    """End a record whose legs were all taken away (or have ended): it writes its CDR."""
    if call.state == "ended":
        return
    call._cancel_timer()
    call.hangup_by = call.hangup_by or hangup_by
    call._goto("ended")
    call._maybe_finish()


def attach(call: LineCall, leg: CallLeg, role: str, answered: bool) -> None:
    """Give `call` a leg as `role` (a moved leg, or a picker's)."""
    call._attach(leg, role)
    if role == "callee":
        call.b = leg
    now = utcnow()
    call.legs[role] = LegRecord(role, leg.peer, start=now, answer=now if answered else None)
    call.record_sip_id(leg)


def answer_both(call: LineCall, connect_b: bool) -> None:
    """Mark a two-party call answered now, answer the legs that still ring, and bridge them."""
    call._cancel_timer()
    call.answered_at = utcnow()
    for record in call.legs.values():
        if record.end is None:
            record.answer = record.answer or call.answered_at
    call.status_code, call.disposition = 200, "ANSWERED"
    call._goto("answered")
    call.a.connect()
    if connect_b and call.b is not None:
        call.b.connect()
    call.bridge()
    call.engine.notify("call_answered", call)


class OneLegCall(LineCall):
    """A record holding one leg that the box talks to (answers it first when it still rings)."""

    def __init__(
        self, engine: Engine, leg: CallLeg, caller: str, caller_name: str, callee: str, answered: bool
    ) -> None:
        super().__init__(engine, leg, caller, caller_name, callee)
        self.player: pj.AudioMediaPlayer | None = None
        self.play_timer: Any = None
        self._goto("answered")
        self.answered_at = self.legs["caller"].answer = utcnow()
        self.status_code, self.disposition = 200, "ANSWERED"
        if not answered:
            self.a.connect()

    def bridge(self) -> None:
        return None  # one leg only

    def on_line_digit(self, leg: CallLeg, digit: str) -> None:
        return None  # no in-call codes for a parked or announced leg

    def play(self, path: Path | None, then: Callable[[], None], tries: int = 0) -> None:
        """Play a WAV to the leg, then run `then` (also when there is nothing to play)."""
        if self.state != "answered":
            return
        med = self.a.media()
        if path is None or (med is None and tries >= MEDIA_RETRIES):
            then()
            return
        if med is None:
            self.play_timer = self.engine.call_later(0.2, lambda: self.play(path, then, tries + 1))
            return
        self.player = pj.AudioMediaPlayer()
        self.player.createPlayer(str(path), pj.PJMEDIA_FILE_NO_LOOP)
        self.player.startTransmit(med)
        self.play_timer = self.engine.call_later(duration(path) + 0.3, lambda: self._played(then))

    def _played(self, then: Callable[[], None]) -> None:
        self.play_timer = None
        self.stop_audio()
        then()

    def stop_audio(self) -> None:
        if self.play_timer is not None:
            self.play_timer.cancel()
            self.play_timer = None
        if self.player is not None:
            med = self.a.media()
            if med is not None:
                try:
                    self.player.stopTransmit(med)
                except pj.Error:
                    pass  # the leg's port is already gone
            self.player = None

    def closing(self) -> None:
        """The record ends: subclasses release what they hold (music, slot)."""

    def hang_up(self) -> None:
        """The box ends the leg."""
        if self.state == "ended":
            return
        self.stop_audio()
        self.closing()
        self.hangup_by = "system"
        self._goto("ended")
        self._release(self.a, NORMAL)
        self._maybe_finish()

    def leave(self) -> CallLeg:
        """Give the leg up to another record; this one ends and writes its CDR."""
        self.stop_audio()
        self.closing()
        leg = self.a
        take_leg(self, leg)
        close_record(self)
        return leg

    def leg_ended(self, leg: CallLeg, cause: int) -> None:
        if self.state != "ended":
            self.stop_audio()
            self.closing()
        super().leg_ended(leg, cause)


class SayCall(OneLegCall):
    """Say one prompt to a leg, then hang it up (the parker hearing the slot, a refusal)."""

    def say(self, path_maker: Callable[[Callable[[Path | None], None]], None]) -> None:
        """`path_maker(done)` renders the prompt off the loop and calls done(path) on the loop."""
        path_maker(lambda path: self.play(path, self.hang_up))


def say_text(engine: Engine, prompts: Any, text: str) -> Callable[[Callable[[Path | None], None]], None]:
    """A path maker for SayCall.say: the text by TTS in the box's prompt language."""

    def make(done: Callable[[Path | None], None]) -> None:
        prompts.speak(text, language(), engine.run_soon, done)

    return make

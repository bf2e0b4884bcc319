"""A one-leg voicemail call: answers the caller, plays files and spoken prompts, takes digits.

VoicemailCall is a LineCall with leg A only (the caller: a SIP dialog or an analog phone). It
runs on the engine thread: players and timers are pjsua2 objects and engine timers kept on the
call, dropped when the call ends. Subclasses (DepositCall, MenuCall) override `begin` and
`digit`, and `closing` to release their own media before the call record is finished.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pjsua2 as pj

from telephony.calls.legs import NORMAL, CallLeg
from telephony.calls.line import LineCall
from telephony.models import utcnow
from telephony.prompts import duration

if TYPE_CHECKING:
    from telephony.voicemail.service import VoicemailService

log = logging.getLogger(__name__)

MEDIA_RETRIES = 25  # x 0.2 s: how long a prompt waits for the caller's media to come up


class VoicemailCall(LineCall):
    """Answer leg A and talk to it; subclasses decide what to say and what digits do."""

    def __init__(self, service: VoicemailService, leg: CallLeg, caller: str, caller_name: str, number: str):
        super().__init__(service.engine, leg, caller, caller_name, number)
        self.service = service
        self.player: pj.AudioMediaPlayer | None = None
        self.play_timer: Any = None
        self.play_token = 0  # a prompt finished after another started must not run its callback

    # --- subclass interface ---------------------------------------------------------------------

    def begin(self) -> None:
        """Begin talking to the answered caller."""
        raise NotImplementedError

    def digit(self, digit: str) -> None:
        """A DTMF digit from the caller."""

    def closing(self) -> None:
        """The call is ending: release the subclass's media (recorder) and store what it made."""

    # --- life cycle -----------------------------------------------------------------------------

    def answer(self) -> None:
        self._goto("answered")
        self.answered_at = self.legs["caller"].answer = utcnow()
        self.status_code, self.disposition = 200, "ANSWERED"
        self.a.connect()
        self.begin()

    def hang_up(self) -> None:
        """The box ends the call (after goodbye, on '#', at the time limit)."""
        if self.state == "ended":
            return
        self.stop_audio()
        self.closing()
        self.hangup_by = "system"
        self._goto("ended")
        self._release(self.a, NORMAL)
        self._maybe_finish()

    def leg_ended(self, leg: CallLeg, cause: int) -> None:
        if self.state != "ended":
            self.stop_audio()
            self.closing()
        super().leg_ended(leg, cause)

    def bridge(self) -> None:
        return None  # one leg only: nothing to bridge

    def on_leg_dtmf(self, sipleg: object, digit: str) -> None:
        """Engine hook: a SIP DTMF digit (RFC 4733 or INFO) from the caller."""
        if self.state == "answered" and getattr(sipleg, "wrapper", None) is self.a:
            self.digit(digit)

    def on_line_digit(self, leg: CallLeg, digit: str) -> None:
        """LineService hook: a key pressed on an analog phone during the call."""
        if self.state == "answered" and leg is self.a:
            self.digit(digit)

    # --- audio ----------------------------------------------------------------------------------

    def say(self, text: str, then: Callable[[], None]) -> None:
        """Speak `text` in the box's prompt language, then run `then` (also if TTS failed)."""
        token = self._next_token()
        language = self.service.language()

        def ready(path: Path | None) -> None:
            if token != self.play_token or self.state != "answered":
                return
            if path is None:
                then()
            else:
                self.play(path, then, token=token)

        self.service.prompts.speak(text, language, self.engine.run_soon, ready)

    def play(self, path: Path, then: Callable[[], None], token: int = 0, tries: int = 0) -> None:
        """Play a WAV file to the caller, then run `then` when it has played."""
        if token == 0:
            token = self._next_token()
        if token != self.play_token or self.state != "answered":
            return
        med = self.a.media()
        if med is None:
            if tries >= MEDIA_RETRIES:
                log.warning("call %s: the caller's media never came up", self.uniqueid)
                self.hang_up()
                return
            self.play_timer = self.engine.call_later(0.2, lambda: self.play(path, then, token, tries + 1))
            return
        self._drop_player()
        try:
            player = pj.AudioMediaPlayer()
            player.createPlayer(str(path), pj.PJMEDIA_FILE_NO_LOOP)
            player.startTransmit(med)
        except pj.Error as exc:
            log.error("call %s: cannot play %s: %s", self.uniqueid, path, exc.info())
            self.play_timer = self.engine.call_later(0, lambda: token == self.play_token and then())
            return
        self.player = player

        def done() -> None:
            self.play_timer = None
            if token == self.play_token and self.state == "answered":
                self._drop_player()
                then()

        self.play_timer = self.engine.call_later(duration(path) + 0.1, done)

    def stop_audio(self) -> None:
        """Stop whatever plays and forget its callback."""
        self._next_token()
        self._drop_player()

    def _next_token(self) -> int:
        self.play_token += 1
        if self.play_timer is not None:
            self.play_timer.cancel()
            self.play_timer = None
        return self.play_token

    def _drop_player(self) -> None:
        if self.player is not None:
            med = self.a.media()
            if med is not None:
                try:
                    self.player.stopTransmit(med)
                except pj.Error:
                    pass  # the caller's stream went away first
            self.player = None

"""A one-leg call that answers, says one prompt and hangs up: the body shared by the feature codes'
confirmations, a blocked caller's message (telephony.features.announce), and the call center's agent
codes and the IVR's day/night code (telephony.callcenter.runtime.features)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pjsua2 as pj

from telephony.calls.legs import NORMAL, CallLeg
from telephony.calls.line import LineCall
from telephony.models import utcnow
from telephony.prompts import duration

if TYPE_CHECKING:
    from telephony.engine import Engine
    from telephony.prompts import Prompts


class OnePromptCall(LineCall):
    """Answer leg A, say one prompt, hang up.

    The prompt may be ready before the caller's media is up: the call looks again every MEDIA_WAIT
    seconds, MEDIA_RETRIES times, then hangs up unheard. A prompt that could not be made hangs up
    at once, or after the same wait where RETRY_WITHOUT_PROMPT says so (each subclass keeps the
    timing its callers have always had).
    """

    MEDIA_WAIT = 0.2
    MEDIA_RETRIES = 25
    RETRY_WITHOUT_PROMPT = False

    def __init__(
        self,
        engine: Engine,
        leg: CallLeg,
        caller: str,
        caller_name: str,
        number: str,
        prompts: Prompts,
        language: Callable[[], str],
    ) -> None:
        super().__init__(engine, leg, caller, caller_name, number)
        self._prompts = prompts
        self._language = language
        self.player: pj.AudioMediaPlayer | None = None
        self.timer: Any = None

    def say(self, text: str) -> None:
        """Answer now and play `text` once its prompt is made (off the engine's thread)."""
        self._goto("answered")
        self.answered_at = self.legs["caller"].answer = utcnow()
        self.status_code, self.disposition = 200, "ANSWERED"
        self.a.connect()
        self._prompts.speak(text, self._language(), self.engine.run_soon, lambda path: self._play(path, 0))

    def _play(self, path: Path | None, tries: int) -> None:
        self.timer = None
        if self.state != "answered":
            return
        med = self.a.media()
        if path is not None and med is not None:
            self.player = pj.AudioMediaPlayer()
            self.player.createPlayer(str(path), pj.PJMEDIA_FILE_NO_LOOP)
            self.player.startTransmit(med)
            self.timer = self.engine.call_later(duration(path) + 0.3, self._done)
        elif tries >= self.MEDIA_RETRIES or (path is None and not self.RETRY_WITHOUT_PROMPT):
            self._done()
        else:
            self.timer = self.engine.call_later(self.MEDIA_WAIT, lambda: self._play(path, tries + 1))

    def _done(self) -> None:
        self.timer = None
        self.player = None
        if self.state == "answered":
            self.hangup_by = "system"
            self._goto("ended")
            self._release(self.a, NORMAL)
            self._maybe_finish()

    def bridge(self) -> None:
        return None  # one leg only

    def leg_ended(self, leg: CallLeg, cause: int) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        self.player = None
        super().leg_ended(leg, cause)

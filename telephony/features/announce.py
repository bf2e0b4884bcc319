"""A one-leg call that answers, says one prompt and hangs up (feature-code confirmations, a blocked
caller's message)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pjsua2 as pj

from telephony.calls.legs import NORMAL, CallLeg
from telephony.calls.line import LineCall
from telephony.features import common
from telephony.models import utcnow
from telephony.prompts import duration

if TYPE_CHECKING:
    from telephony.features.service import FeatureService

log = logging.getLogger(__name__)

MEDIA_RETRIES = 25  # x 0.2 s: how long the prompt waits for the caller's media


class Announcement(LineCall):
    """Answer leg A, say `text`, hang up."""

    def __init__(self, service: FeatureService, leg: CallLeg, caller: str, caller_name: str, number: str):
        super().__init__(service.engine, leg, caller, caller_name, number)
        self.service = service
        self.player: pj.AudioMediaPlayer | None = None
        self.timer: Any = None

    def say(self, text: str) -> None:
        self._goto("answered")
        self.answered_at = self.legs["caller"].answer = utcnow()
        self.status_code, self.disposition = 200, "ANSWERED"
        self.a.connect()
        self.service.prompts.speak(text, common.language(), self.engine.run_soon, lambda p: self._play(p, 0))

    def _play(self, path: Path | None, tries: int) -> None:
        self.timer = None
        if self.state != "answered":
            return
        med = self.a.media()
        if path is None:
            self._done()
            return
        if med is None:
            if tries >= MEDIA_RETRIES:
                self._done()
                return
            self.timer = self.engine.call_later(0.2, lambda: self._play(path, tries + 1))
            return
        self.player = pj.AudioMediaPlayer()
        self.player.createPlayer(str(path), pj.PJMEDIA_FILE_NO_LOOP)
        self.player.startTransmit(med)
        self.timer = self.engine.call_later(duration(path) + 0.3, self._done)

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

"""Leaving a message: greeting, beep, then the caller is recorded until '#', hang-up or the limit.

States (within the answered call): greeting -> recording -> done. The recording is a pjsua2
AudioMediaRecorder writing media/voicemail/<mailbox>/<file>.wav; it is closed (which writes the
WAV header) whenever the call ends, by '#', the time limit, or the caller simply hanging up, and
only then is the message row stored and the mailbox owner told (MWI, email).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pjsua2 as pj

from telephony.calls.legs import CallLeg
from telephony.models.voicemail import Mailbox
from telephony.voicemail import store
from telephony.voicemail.calls import VoicemailCall

if TYPE_CHECKING:
    from telephony.voicemail.service import VoicemailService

log = logging.getLogger(__name__)

SPACE_CHECK = 1.0  # seconds between free-disk checks while a message is recorded


class DepositCall(VoicemailCall):
    """A caller leaving a message in `mailbox`; `reason` is unavailable or busy (which greeting)."""

    def __init__(
        self,
        service: VoicemailService,
        leg: CallLeg,
        caller: str,
        caller_name: str,
        mailbox: Mailbox,
        reason: str,
    ) -> None:
        super().__init__(service, leg, caller, caller_name, mailbox.number)
        self.mailbox = mailbox
        self.reason = reason
        self.phase = "greeting"
        self.recorder: pj.AudioMediaRecorder | None = None
        self.record_path: Path | None = None
        self.record_to: Any = None  # the caller media feeding the recorder
        self.limit_timer: Any = None
        self.space_timer: Any = None
        self.discard = False  # the disk ran low while recording: the file goes, no row

    def begin(self) -> None:
        if self.service.retention.low_space():
            log.error("voicemail: disk below its reserve: %s cannot leave a message", self.caller)
            self.phase = "done"
            self.say(self.service.text("full"), self.hang_up)
            return
        if store.message_count(self.mailbox) >= self.mailbox.max_messages:
            log.info("mailbox %s is full: %s cannot leave a message", self.mailbox.number, self.caller)
            self.phase = "done"
            self.say(self.service.text("full"), self.hang_up)
            return
        greeting = self.mailbox.greeting(self.reason)
        path = self.service.media_dir / greeting if greeting else None
        if path is not None and path.is_file():
            self.play(path, self._beep)
        else:
            if greeting:
                log.warning(
                    "mailbox %s: greeting %s is missing; speaking the default", self.mailbox.number, path
                )
            self.say(self.service.text(self.reason, number=self.mailbox.number), self._beep)

    def digit(self, digit: str) -> None:
        if digit != "#":
            return
        if self.phase == "greeting":
            self._beep()  # '#' skips the greeting
        elif self.phase == "recording":
            log.info("call %s: message for %s ended by '#'", self.uniqueid, self.mailbox.number)
            self.hang_up()

    def _beep(self) -> None:
        if self.phase != "greeting":
            return
        self.phase = "beep"
        self.play(self.service.beep, self._record)

    def _record(self) -> None:
        med = self.a.media()
        if med is None or self.state != "answered":
            self.hang_up()
            return
        self.phase = "recording"
        try:
            path = store.new_message_path(self.service.media_dir, self.mailbox.number)
            recorder = pj.AudioMediaRecorder()
            recorder.createRecorder(str(path))
            med.startTransmit(recorder)
        except (OSError, pj.Error) as exc:  # disk full or read-only: say so rather than record nothing
            log.error("call %s: cannot record for %s: %s", self.uniqueid, self.mailbox.number, exc)
            self.phase = "done"
            self.say(self.service.text("unable"), self.hang_up)
            return
        self.record_path = path
        self.recorder, self.record_to = recorder, med
        seconds = max(1, self.mailbox.max_message_seconds)
        self.limit_timer = self.engine.call_later(seconds, self._limit)
        self.space_timer = self.engine.call_later(SPACE_CHECK, self._check_space)
        log.info(
            "call %s: recording a message for %s (up to %d s)", self.uniqueid, self.mailbox.number, seconds
        )

    def _check_space(self) -> None:
        """While recording: below the disk reserve, stop, drop the file and apologise."""
        self.space_timer = None
        if self.phase != "recording" or self.recorder is None:
            return
        if not self.service.retention.low_space():
            self.space_timer = self.engine.call_later(SPACE_CHECK, self._check_space)
            return
        log.error(
            "call %s: disk below its reserve while recording for %s", self.uniqueid, self.mailbox.number
        )
        self.discard = True
        self.closing()
        self.say(self.service.text("unable"), self.hang_up)

    def _limit(self) -> None:
        self.limit_timer = None
        log.info("call %s: message for %s reached its time limit", self.uniqueid, self.mailbox.number)
        self.hang_up()

    def closing(self) -> None:
        """Close the recorder (finishing the WAV) and store the message."""
        if self.limit_timer is not None:
            self.limit_timer.cancel()
            self.limit_timer = None
        if self.space_timer is not None:
            self.space_timer.cancel()
            self.space_timer = None
        if self.recorder is None:
            return
        recorder, self.recorder = self.recorder, None
        if self.record_to is not None:
            try:
                self.record_to.stopTransmit(recorder)
            except pj.Error:
                pass  # the caller's stream is already gone
        self.record_to = None
        del recorder  # the last reference: the bridge removes the port, then the file is closed
        self.phase = "done"
        if self.discard:
            self.service.discard_when_closed(self.record_path)
            return
        self.service.when_closed(self.mailbox, self.record_path, self.caller, self.caller_name)

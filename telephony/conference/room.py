"""One live conference room in the pjsua2 bridge: who is in it and who hears whom.

Every participant's bridge port transmits to every other participant's port (never to itself),
unless muted. Entry and exit tones go to the others; music plays to a participant left alone.
Runs on the engine thread only; the tone generators are kept here until they have played.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pjsua2 as pj

if TYPE_CHECKING:
    from telephony.conference.call import ConferenceCall
    from telephony.conference.service import ConferenceService

log = logging.getLogger(__name__)

ENTRY_TONE = (880, 250)  # Hz, ms
EXIT_TONE = (440, 250)
MOH_CLASS = "default"


class Room:
    """The participants of one room number, in the order they joined."""

    def __init__(self, service: ConferenceService, number: str) -> None:
        self.service = service
        self.number = number
        self.participants: list[ConferenceCall] = []
        self.locked = False
        self.alone: ConferenceCall | None = None  # the participant hearing the music now
        self.tones: set[pj.ToneGenerator] = set()
        self.recorder: pj.AudioMediaRecorder | None = None
        self.recording: Path | None = None

    def summary(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "locked": self.locked,
            "participants": [p.summary() for p in self.participants],
        }

    def find(self, participant: str) -> ConferenceCall | None:
        return next((p for p in self.participants if participant in (p.uniqueid, p.caller)), None)

    # --- joining and leaving --------------------------------------------------------------------

    def add(self, call: ConferenceCall) -> None:
        med = call.a.media()
        if med is None:
            raise RuntimeError("the caller has no media")
        self._music_off()
        self._tone(ENTRY_TONE, self.participants)
        self._record(med)
        for other in self.participants:
            other_med = other.a.media()
            if other_med is None:
                continue
            if not call.muted:
                med.startTransmit(other_med)
            if not other.muted:
                other_med.startTransmit(med)
        self.participants.append(call)
        log.info("room %s: %s joined (%d in the room)", self.number, call.caller, len(self.participants))
        self._music_if_alone()

    def remove(self, call: ConferenceCall) -> None:
        if call not in self.participants:
            return
        self.participants.remove(call)
        if self.alone is call:
            self._music_off()
        med = call.a.media()
        if med is not None:
            for other in self.participants:
                other_med = other.a.media()
                if other_med is None:
                    continue
                for src, dst in ((med, other_med), (other_med, med)):
                    try:
                        src.stopTransmit(dst)
                    except pj.Error:
                        pass  # that stream went away first
            if self.recorder is not None:
                try:
                    med.stopTransmit(self.recorder)
                except pj.Error:
                    pass
        log.info("room %s: %s left (%d in the room)", self.number, call.caller, len(self.participants))
        self._tone(EXIT_TONE, self.participants)
        self._music_if_alone()
        if not self.participants:
            self.stop_recording()
            self.service.room_empty(self)

    def reconnect(self, call: ConferenceCall) -> None:
        """Connect `call`'s (possibly new) stream to the others again, keeping mutes."""
        med = call.a.media()
        if med is None:
            return
        for other in self.participants:
            other_med = other.a.media()
            if other is call or other_med is None:
                continue
            try:
                if not call.muted:
                    med.startTransmit(other_med)
                if not other.muted:
                    other_med.startTransmit(med)
            except pj.Error as exc:
                log.warning("room %s: cannot reconnect %s: %s", self.number, call.caller, exc.info())

    def set_muted(self, call: ConferenceCall, muted: bool) -> None:
        """Stop (or restart) `call`'s audio reaching the others."""
        call.muted = muted
        med = call.a.media()
        if med is None:
            return
        for other in self.participants:
            other_med = other.a.media()
            if other is call or other_med is None:
                continue
            try:
                if muted:
                    med.stopTransmit(other_med)
                else:
                    med.startTransmit(other_med)
            except pj.Error as exc:
                log.warning("room %s: cannot (un)mute %s: %s", self.number, call.caller, exc.info())

    # --- recording ------------------------------------------------------------------------------

    def _record(self, med: pj.AudioMedia) -> None:
        """Record the room (when its row says so) from its first participant on: every voice mixed."""
        if self.recorder is None:
            if not self.service.room_setting(self.number, "record"):
                return
            path = self.service.engine.cfg.media_dir / "conference" / self.number
            path = path / time.strftime("%Y%m%d-%H%M%S.wav", time.gmtime())
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                recorder = pj.AudioMediaRecorder()
                recorder.createRecorder(str(path))
            except (OSError, pj.Error) as exc:
                log.error("room %s: cannot record to %s: %s", self.number, path, exc)
                return
            self.recorder, self.recording = recorder, path
            log.info("room %s: recording to %s", self.number, path)
            for other in self.participants:
                other_med = other.a.media()
                if other_med is not None:
                    other_med.startTransmit(recorder)
        med.startTransmit(self.recorder)

    def stop_recording(self) -> None:
        """Close the recording: dropping the recorder writes the WAV header's final sizes."""
        if self.recorder is not None:
            log.info("room %s: recording %s closed", self.number, self.recording)
        self.recorder = None

    # --- tones and music ------------------------------------------------------------------------

    def _music_if_alone(self) -> None:
        if len(self.participants) != 1 or not self.service.room_setting(self.number, "music_when_alone"):
            return
        call = self.participants[0]
        med = call.a.media()
        if med is None:
            return
        try:
            self.service.moh.start(MOH_CLASS, med)
        except pj.Error as exc:
            log.warning("room %s: no music: %s", self.number, exc.info())
            return
        self.alone = call

    def _music_off(self) -> None:
        call, self.alone = self.alone, None
        if call is None:
            return
        med = call.a.media()
        if med is not None:
            try:
                self.service.moh.stop(MOH_CLASS, med)
            except pj.Error:
                pass  # the listener's stream went away first

    def _tone(self, tone: tuple[int, int], to: list[ConferenceCall]) -> None:
        if not to or not self.service.room_setting(self.number, "entry_exit_tones"):
            return
        freq, ms = tone
        gen = pj.ToneGenerator()
        try:
            gen.createToneGenerator(8000, 1)
            desc = pj.ToneDesc()
            desc.freq1, desc.freq2, desc.on_msec, desc.off_msec, desc.volume = freq, 0, ms, 0, 0
            vec = pj.ToneDescVector()
            vec.append(desc)
            gen.play(vec, False)
            for call in to:
                med = call.a.media()
                if med is not None:
                    gen.startTransmit(med)
        except pj.Error as exc:
            log.warning("room %s: no tone: %s", self.number, exc.info())
            return
        self.tones.add(gen)
        self.service.engine.call_later(ms / 1000 + 0.5, lambda: self._drop_tone(gen))

    def _drop_tone(self, gen: pj.ToneGenerator) -> None:
        try:
            gen.stop()
        except pj.Error:
            pass
        self.tones.discard(gen)

"""The recording service of pbx-core: records answered calls by rule or on demand (`*1`).

An engine observer: `call_answered` asks the rules (telephony.recording.rules) and starts a
recording; `call_ended` stops it. `*1` (an in-call code, either party) starts or stops recording
the current call, with a beep to both parties. A rule may have "this call is being recorded"
spoken to both parties at the start (espeak-ng via telephony.prompts, in the
`recording_announce_language` setting, else `prompt_language`).

A row is stored when recording starts (state "recording") and completed once the recorder has
closed its file (state "done"); stereo parts are interleaved by sox on a worker thread. At start,
rows a killed pbx-core left in "recording" get their files repaired (state "repaired").

Disk: no recording starts while free space is below the reserve (checked at each start and every
TICK seconds, when running recordings are stopped too); retention runs every RETENTION_INTERVAL
and on demand through the control API.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pjsua2 as pj

from telephony.models import Setting
from telephony.models.recording import Recording
from telephony.prompts import LANGUAGES, Prompts, duration
from telephony.recording import files
from telephony.recording.recorder import CallRecorder
from telephony.recording.retention import Retention
from telephony.recording.rules import CallFacts, decide, facts_of
from telephony.voicemail.store import write_beep

if TYPE_CHECKING:
    from telephony.engine import Engine

log = logging.getLogger(__name__)

CODE = "*1"
TICK = 10.0
RETENTION_INTERVAL = 3600.0
CLOSE_TRIES = 40  # x 0.05 s: how long to wait for pjmedia to close a recorder's file
MEDIA_TRIES = 25  # x 0.2 s: how long a start waits for both legs' audio
ANNOUNCE = {"zh-CN": "本次通话将被录音。", "en": "This call is being recorded."}

ENGINE_ROUTES = {"GET /recording/active": "recording_active"}


@dataclasses.dataclass
class Active:
    recorder: CallRecorder
    row_id: int
    mode: str


class RecordingService:
    """Recordings of live calls, on the engine thread; file work on one worker thread."""

    def __init__(self, engine: Engine, free_mb: Callable[[], float] | None = None) -> None:
        self.engine = engine
        self.media_dir: Path = engine.cfg.media_dir
        self.retention = Retention(self.media_dir, free_mb)
        self.prompts = Prompts(self.media_dir)
        self.beep = write_beep(self.media_dir / FOLDER_SOUNDS / "beep.wav", freq=1400.0, seconds=0.3)
        self.active: dict[str, Active] = {}
        self.made: dict[str, int] = {}  # recordings started per call (file names count them)
        self.players: set[pj.AudioMediaPlayer] = set()
        self.low_space = False
        self.pool = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="recording")
        self.timer: Any = None
        self.last_retention = float("-inf")  # the first tick applies retention
        self.recover()

    def start(self) -> None:
        self.timer = self.engine.call_later(0, self.tick)

    def close(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        self.prompts.close()
        self.pool.shutdown(wait=True)

    # --- engine observer --------------------------------------------------------------------------

    def call_answered(self, call: Any) -> None:
        if getattr(call, "b", None) is None:
            return
        facts = facts_of(call)
        decision = decide(facts)
        if decision is not None:
            self.begin(call, decision.mode, decision.trigger, facts, decision.announce)

    def call_ended(self, call: Any) -> None:
        if call.uniqueid in self.active:
            self.end(call.uniqueid, disconnect=False)

    # --- the in-call code -------------------------------------------------------------------------

    def toggle(self, call: Any, leg: Any) -> None:
        """`*1` from either party: stop recording this call, or start (mixed) with a beep to both."""
        if getattr(call, "b", None) is None or call.state != "answered":
            return
        if call.uniqueid in self.active:
            log.info("call %s: %s stops the recording", call.uniqueid, leg.peer)
            self.end(call.uniqueid, disconnect=True)
            self.play_to_both(call, self.beep)
            return
        log.info("call %s: %s starts recording", call.uniqueid, leg.peer)
        mode = Setting.get_value("recording_on_demand_mode", "mixed")
        if self.begin(call, mode if mode in ("mixed", "stereo") else "mixed", "on-demand", facts_of(call)):
            self.play_to_both(call, self.beep)

    # --- starting and stopping ---------------------------------------------------------------------

    def begin(
        self, call: Any, mode: str, trigger: str, facts: CallFacts, announce: bool = False, tries: int = 0
    ) -> bool:
        """Start recording `call`; False when the disk is short of its reserve or recording failed."""
        if call.uniqueid in self.active or call.state != "answered":
            return False
        if self.retention.low_space():
            self.low_space = True
            log.warning(
                "call %s not recorded: free disk space is below the %d MB reserve",
                call.uniqueid,
                self.retention_reserve(),
            )
            return False
        if call.a.media() is None or call.b.media() is None:
            if tries < MEDIA_TRIES:
                self.engine.call_later(
                    0.2, lambda: self.begin(call, mode, trigger, facts, announce, tries + 1)
                )
            else:
                log.warning("call %s not recorded: its audio never came up", call.uniqueid)
            return tries < MEDIA_TRIES
        n = self.made.get(call.uniqueid, 0) + 1
        try:
            path = files.new_path(self.media_dir, call.uniqueid, n)
            recorder = CallRecorder(call, path, mode)
            recorder.open()
        except (OSError, pj.Error) as exc:  # a full or read-only disk must not break the call
            reason = exc.info() if isinstance(exc, pj.Error) else exc
            log.error("call %s not recorded: %s", call.uniqueid, reason)
            return False
        self.made[call.uniqueid] = n
        row = Recording.create(
            uniqueid=call.uniqueid,
            caller=facts.caller,
            callee=facts.callee,
            extension=",".join(facts.extensions),
            queue=facts.queue,
            agent=facts.agent,
            trunk=facts.trunk,
            direction=facts.direction,
            path=str(path.relative_to(self.media_dir)),
            mode=mode,
            trigger=trigger,
            state="recording",
        )
        self.active[call.uniqueid] = Active(recorder, row.id, mode)
        log.info(
            "call %s: recording %s (%s, %s) to %s", call.uniqueid, facts.direction, mode, trigger, row.path
        )
        if announce:
            self.announce(call)
        return True

    def end(self, uniqueid: str, disconnect: bool) -> None:
        active = self.active.pop(uniqueid, None)
        if active is None:
            return
        active.recorder.close(disconnect)
        self._when_closed(active, 0)

    def _when_closed(self, active: Active, tries: int) -> None:
        """Finish a recording once pjmedia has closed its files (a later loop turn)."""
        paths = active.recorder.paths
        if not all(files.wav_closed(p) for p in paths) and tries < CLOSE_TRIES:
            self.engine.call_later(0.05, lambda: self._when_closed(active, tries + 1))
            return
        self.pool.submit(self._finish_files, active.row_id, active.recorder.path, active.mode, "done")

    def _finish_files(self, row_id: int, path: Path, mode: str, state: str) -> None:
        """Worker thread: repair and interleave, then store the outcome on the engine thread."""
        try:
            seconds, size = finish_file(path, mode)
        except Exception:  # keep the parts: the next start's recovery tries again
            log.exception("recording %s could not be finished", path.name)
            return
        self.engine.run_soon(lambda: self._store(row_id, seconds, size, state))

    @staticmethod
    def _store(row_id: int, seconds: float, size: int, state: str) -> None:
        Recording.update(duration=round(seconds, 2), size=size, state=state).where(
            Recording.id == row_id
        ).execute()
        log.info("recording %d finished: %.1f s, %d bytes", row_id, seconds, size)

    # --- disk ---------------------------------------------------------------------------------------

    def retention_reserve(self) -> int:
        from telephony.recording.retention import limits

        return limits().reserve_mb

    def tick(self) -> None:
        """Check the reserve (stopping running recordings below it) and run retention now and then."""
        self.timer = self.engine.call_later(TICK, self.tick)
        try:
            low = self.retention.low_space()
        except Exception:  # a settings or disk error must not stop the loop
            log.exception("free-space check failed")
            return
        if low and not self.low_space:
            log.warning("free disk space below the reserve: no new recordings until space is freed")
        elif not low and self.low_space:
            log.info("free disk space is above the reserve again: recording resumes")
        self.low_space = low
        if low:
            for uniqueid in list(self.active):
                log.warning("call %s: recording stopped: the disk reserve is reached", uniqueid)
                self.end(uniqueid, disconnect=True)
        now = time.monotonic()
        if now - self.last_retention >= RETENTION_INTERVAL:
            self.last_retention = now
            self.pool.submit(self.run_retention)

    def run_retention(self) -> dict:
        """Apply the retention limits (any thread but the engine's: it deletes files)."""
        try:
            return self.retention.run()
        except Exception:  # the next run tries again; the log says why
            log.exception("recording retention failed")
            raise

    def status(self) -> dict:
        out = self.retention.status()
        self.low_space = out["low_space"]
        out["active"] = len(self.active)
        return out

    # --- audio to both parties ----------------------------------------------------------------------

    def language(self) -> str:
        language = Setting.get_value("recording_announce_language", "") or Setting.get_value(
            "prompt_language", "zh-CN"
        )
        return language if language in LANGUAGES else "zh-CN"

    def announce(self, call: Any) -> None:
        language = self.language()
        self.prompts.speak(
            ANNOUNCE[language],
            language,
            self.engine.run_soon,
            lambda path: path and self.play_to_both(call, path),
        )

    def play_to_both(self, call: Any, path: Path) -> None:
        if call.state != "answered":
            return
        try:
            player = pj.AudioMediaPlayer()
            player.createPlayer(str(path), pj.PJMEDIA_FILE_NO_LOOP)
            for leg in (call.a, call.b):
                med = leg.media() if leg is not None else None
                if med is not None:
                    player.startTransmit(med)
        except pj.Error as exc:
            log.warning("call %s: cannot play %s: %s", call.uniqueid, path.name, exc.info())
            return
        self.players.add(player)
        self.engine.call_later(duration(path) + 0.2, lambda: self.players.discard(player))

    # --- recovery at start --------------------------------------------------------------------------

    def recover(self) -> None:
        """Repair the files of recordings a killed pbx-core never closed, and mark their rows."""
        for row in list(Recording.select().where(Recording.state == "recording")):
            path = self.media_dir / row.path
            try:
                seconds, size = finish_file(path, row.mode)
            except Exception as exc:  # one broken file must not stop the core
                log.error("recording %s could not be repaired: %s", row.path, exc)
                continue
            if not path.exists():
                log.warning("recording %s lost its file; its row is removed", row.path)
                row.delete_instance()
                continue
            Recording.update(duration=round(seconds, 2), size=size, state="repaired").where(
                Recording.id == row.id
            ).execute()
            log.warning("recording %s repaired after an unclean stop (%.1f s)", row.path, seconds)


FOLDER_SOUNDS = "recordings/sounds"


def finish_file(path: Path, mode: str) -> tuple[float, int]:
    """Repair the WAV header(s) from the file size and interleave stereo parts (blocking)."""
    if mode == "stereo":
        caller, callee = files.part_paths(path)
        if caller.exists() and callee.exists():
            files.repair_wav(caller)
            files.repair_wav(callee)
            files.merge_stereo(caller, callee, path)
    elif path.exists():
        files.repair_wav(path)
    return files.wav_info(path)


def install(engine: Engine, server: Any) -> RecordingService | None:
    """Start recording in pbx-core: observer, `*1`, control routes; a failure leaves calls up."""
    free_mb = None
    test_free: dict[str, float | None] = {"mb": None}
    if os.environ.get("PBX_TEST_RECORDING") == "1":  # tests pretend the disk is nearly full

        def free_mb() -> float:
            from telephony.recording.retention import disk_free_mb

            return test_free["mb"] if test_free["mb"] is not None else disk_free_mb(engine.cfg.media_dir)

    try:
        service = RecordingService(engine, free_mb)
    except Exception:  # the rest of the box keeps working without recording; the log says why
        log.exception("recording could not be started: running without it")
        return None
    engine.observers.append(service)
    try:
        engine.incall.register(CODE, service.toggle, "any")
    except ValueError as exc:
        log.error("recording on demand is off: %s", exc)
    engine.handlers["recording_active"] = lambda args: sorted(service.active)
    server.engine_routes.update(ENGINE_ROUTES)
    server.local_routes["GET /recording/status"] = lambda args: service.status()
    server.local_routes["POST /recording/retention"] = lambda args: service.run_retention()
    if free_mb is not None:

        def fake_free(args: dict) -> dict:
            value = args.get("mb")
            test_free["mb"] = None if value is None else float(value)
            return {"ok": True}

        server.local_routes["POST /recording/test_free"] = fake_free
    service.start()
    return service

"""A simulated analog phone on an FXS port: a handset to lift, a dial, an ear and a caller-ID display.

It lives on the far side of a fake ProSLIC. Actions (any thread): offhook(), onhook(), flash(),
dial() in DTMF (audio it sends) or pulses (hook breaks at 10 pps, 60 ms break / 40 ms make, 700 ms
between digits), play() audio into the mouthpiece, record() what the earpiece hears. Each 20 ms
PCM period the line calls exchange(); timed actions (flash, pulses) advance there, on bus time.

What it sees is logged as events (dicts with 't' in bus time): ring-start / ring-stop from the
linefeed, polarity changes, caller ID and message waiting decoded from the FSK or DTMF it heard
while on hook, tones measured while off hook.
"""

from __future__ import annotations

import collections
import logging
import threading
import time
from pathlib import Path
from typing import Any

from hal.analog.callerid import CallerIdReceiver
from hal.analog.dtmf import dtmf_frames
from hal.drivers import si3215 as slic
from hal.ports import FRAME_MS, SILENCE
from hal.sim.listen import Recording, ToneTracker

log = logging.getLogger(__name__)

PULSE_BREAK, PULSE_MAKE, PULSE_INTERDIGIT = 3, 2, 35  # in 20 ms periods: 60 ms, 40 ms, 700 ms
DTMF_ON_MS, DTMF_OFF_MS = 100, 100
STALL_TIMEOUT = 2.0  # seconds of wall time without a mouthpiece frame going out before dial() gives up
REVERSED = (slic.LF_REVERSE_ACTIVE, slic.LF_REVERSE_OHT, slic.LF_RING_OPEN)


class SimPhone:
    """The phone on one FXS port; `line` is its FakeSi3215."""

    kind = "phone"

    def __init__(self, port: str) -> None:
        self.port = port
        self.line: Any = None
        self.hook_offhook = False
        self.now = 0.0
        self._wall = time.monotonic()  # wall time of the last period, to stamp actions between periods
        self._lock = threading.Lock()
        self._events: list[dict[str, Any]] = []
        self._plan: collections.deque[list[Any]] = collections.deque()  # [hook state, periods]
        self._plan_done = threading.Event()
        self._plan_done.set()
        # Mouthpiece audio. Frames are numbered as queued (_tx_queued) and sent (_tx_sent), so a dial
        # waits for its own last frame, not for a shared "queue empty" flag; _tx_hangups counts the
        # on-hooks that discarded the queue (a dial in progress ends there).
        self._tx: collections.deque[bytes] = collections.deque()
        self._tx_cond = threading.Condition()
        self._tx_queued = 0
        self._tx_sent = 0
        self._tx_hangups = 0
        self._recording: Recording | None = None
        self._cid = CallerIdReceiver()
        self._tones = ToneTracker(self._log)
        self._ringing = False
        self._reversed = False
        self.rings = 0
        self.caller_id: dict[str, Any] | None = None
        self.mwi: bool | None = None

    # --- what a person does ---------------------------------------------------------------
    def offhook(self) -> None:
        if not self.hook_offhook:
            # Stamped in bus time: the last period's, plus the wall time since it (the lift happens
            # between periods), so latencies measured from it are not 20 ms coarse.
            since = min(max(time.monotonic() - self._wall, 0.0), FRAME_MS / 1000)
            self._log({"type": "offhook"}, at=self.now + since)
        self._set_hook(True)

    def onhook(self) -> None:
        if self.hook_offhook:
            self._log({"type": "onhook"})
        self._set_hook(False)
        self._discard_tx()

    def flash(self, ms: int = 300, timeout: float = 5.0) -> None:
        """Break the loop for `ms` and make it again (blocks until done)."""
        if not self.hook_offhook:
            raise RuntimeError(f"{self.port}: hang up and lift instead; the phone is on hook")
        self._run_plan([[False, max(1, ms // FRAME_MS)], [True, 1]], timeout)

    def dial(self, digits: str, pulse: bool = False, timeout: float | None = None) -> None:
        """Dial digits in DTMF (tones into the line) or pulses (loop breaks); blocks until sent."""
        if not self.hook_offhook:
            raise RuntimeError(f"{self.port}: lift the handset before dialing")
        if pulse:
            plan: list[list[Any]] = []
            for digit in digits:
                if not digit.isdigit():
                    raise ValueError(f"cannot pulse-dial {digit!r}")
                for _ in range(int(digit) or 10):
                    plan += [[False, PULSE_BREAK], [True, PULSE_MAKE]]
                plan.append([True, PULSE_INTERDIGIT])
            self._run_plan(plan, timeout or 2.0 + 1.6 * len(digits))
            return
        frames = dtmf_frames(digits, DTMF_ON_MS, DTMF_OFF_MS)
        with self._tx_cond:  # queue and note the hang-up count at once: a hang-up in between ends it
            hangups = self._tx_hangups
            last = self.play_frames(frames)
        self._wait_sent(last, hangups, timeout or STALL_TIMEOUT, "dialing")

    def play_frames(self, frames: list[bytes]) -> int:
        """Send audio frames into the line (the mouthpiece), after whatever is already queued.

        Returns the number of the last frame queued (for _wait_sent)."""
        with self._tx_cond:
            self._tx.extend(frames)
            self._tx_queued += len(frames)
            return self._tx_queued

    def _wait_sent(self, last: int, hangups: int, stall: float, what: str) -> None:
        """Block until frame `last` went out. Sending runs on bus time, so a slow host (or audio queued
        in front) only makes this take longer; it fails if no frame goes out for `stall` seconds (the
        clock stopped) or the handset is put down (the queue is discarded)."""
        with self._tx_cond:
            while True:
                if self._tx_hangups != hangups:
                    raise RuntimeError(f"{self.port}: {what} cut short: the handset was put down")
                if self._tx_sent >= last:
                    return
                sent = self._tx_sent
                self._tx_cond.wait(stall)
                if self._tx_sent == sent and self._tx_hangups == hangups:
                    raise TimeoutError(
                        f"{self.port}: {what} did not finish: no audio went out for {stall:.1f} s "
                        f"({last - sent} frames to go; is the board running?)"
                    )

    def _discard_tx(self) -> None:
        """The handset is down: nothing queued to be said survives into the next call."""
        with self._tx_cond:
            self._tx.clear()
            self._tx_sent = self._tx_queued
            self._tx_hangups += 1
            self._tx_cond.notify_all()

    def record(self, path: Path, seconds: float, wait: bool = True) -> Recording:
        """Record what the earpiece hears for `seconds` into a WAV file."""
        rec = Recording(path, seconds)
        self._recording = rec
        if wait and not rec.done.wait(seconds * 3 + 2.0):
            raise TimeoutError(f"{self.port}: recording did not finish (is the board running?)")
        return rec

    def events(self, since: int = 0) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._events[since:])

    def clear_events(self) -> None:
        with self._lock:
            self._events.clear()

    def state(self) -> dict[str, Any]:
        return {
            "hook": "offhook" if self.hook_offhook else "onhook",
            "ringing": self._ringing,
            "rings": self.rings,
            "reversed": self._reversed,
            "caller_id": self.caller_id,
            "mwi": self.mwi,
        }

    def _set_hook(self, offhook: bool) -> None:
        self.hook_offhook = offhook
        if self.line is not None:
            self.line.set_hook(offhook)

    def _run_plan(self, plan: list[list[Any]], timeout: float) -> None:
        self._plan_done.clear()
        self._plan.extend(plan)
        if not self._plan_done.wait(timeout):
            raise TimeoutError(f"{self.port}: hook sequence did not finish (is the board running?)")

    def _log(self, event: dict[str, Any], at: float | None = None) -> None:
        event = {"t": round(self.now if at is None else at, 3), **event}
        with self._lock:
            self._events.append(event)
        log.debug("%s phone: %s", self.port, event)

    # --- the line, every 20 ms ------------------------------------------------------------
    def exchange(self, heard: bytes, now: float) -> bytes:
        self.now = now
        self._wall = time.monotonic()
        if self._plan:
            step = self._plan[0]
            if step[0] != self.hook_offhook:
                self._set_hook(step[0])
            step[1] -= 1
            if step[1] <= 0:
                self._plan.popleft()
                if not self._plan:
                    self._plan_done.set()
        linefeed = self.line.linefeed if self.line is not None else slic.LF_OPEN
        ringing = linefeed == slic.LF_RINGING
        if ringing != self._ringing:
            self._ringing = ringing
            self.rings += ringing
            self._log({"type": "ring-start" if ringing else "ring-stop"})
        if linefeed != slic.LF_OPEN and not ringing:
            reversed_ = linefeed in REVERSED
            if reversed_ != self._reversed:
                self._reversed = reversed_
                self._log({"type": "polarity", "reversed": reversed_})
        if self._recording is not None:
            self._recording.add(heard)
        if self.hook_offhook:
            self._tones.feed(heard, now)
        elif linefeed not in (slic.LF_OPEN, slic.LF_RINGING):
            self._hear_on_hook(heard)
        if self.hook_offhook and self._tx:
            with self._tx_cond:
                if self.hook_offhook and self._tx:
                    frame = self._tx.popleft()
                    self._tx_sent += 1
                    self._tx_cond.notify_all()
                    return frame
        return SILENCE

    def _hear_on_hook(self, heard: bytes) -> None:
        message = self._cid.feed(heard)
        if message is None:
            return
        if message.mwi is not None:
            self.mwi = message.mwi
            self._log({"type": "mwi", "on": message.mwi, "modulation": message.modulation})
            return
        self.caller_id = {
            "number": message.number,
            "name": message.name,
            "absent": message.number_absent,
            "when": message.when,
            "modulation": message.modulation,
            "ring": self.rings,
        }
        self._log({"type": "callerid", **self.caller_id})

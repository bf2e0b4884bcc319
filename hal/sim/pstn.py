"""A simulated PSTN line on an FXO port: the exchange's side of one subscriber line.

Battery 48 V on hook, 8 V and 25 mA when the box's DAA loops it; ringing with the country cadence
and caller ID (FSK after the first ring, or DTMF before it); dial tone when the box seizes the idle
line, then DTMF digits decoded from what the box sends. The far party can answer (reversing
polarity, as many exchanges signal answer) and hang up in one of three ways:
'loop' (open loop / CPC: battery and current drop for 1 s), 'polarity' (reversal) or 'busy'
(busy tone until the box releases). unplug() cuts the line (0 V).

Actions come from any thread and take effect in exchange(), on the PCM period (bus time).
"""

from __future__ import annotations

import collections
import logging
import threading
from pathlib import Path
from typing import Any

from hal.analog import callerid
from hal.analog.dtmf import DtmfDetector
from hal.analog.ringer import RingPlan
from hal.analog.tones import TonePlayer
from hal.country import CallerIdStandard, CountryProfile, caller_id_standard
from hal.ports import SILENCE, CallerIdInfo
from hal.sim.listen import Recording, ToneTracker

log = logging.getLogger(__name__)

IDLE_VOLTS, LOOP_VOLTS, LOOP_MA = 48, 8, 25.0
CPC_S = 1.0
MAX_RING_CYCLES = 20
HANGUPS = ("loop", "polarity", "busy")


class SimPstnLine:
    """The exchange end of the line on one FXO port; `daa` is the FakeSi3050 it feeds."""

    kind = "pstn"

    def __init__(self, port: str, country: CountryProfile) -> None:
        self.port = port
        self.country = country
        self.daa: Any = None
        self.plugged = True
        self.polarity = 1
        self.answer_reversal = True
        self.state = "idle"  # idle ringing answered dialtone dialing connected cleared
        self.ringing = False
        self.digits = ""
        self.now = 0.0
        self._lock = threading.Lock()
        self._events: list[dict[str, Any]] = []
        self._requests: collections.deque[tuple[str, tuple[Any, ...]]] = collections.deque()
        self._plan: RingPlan | None = None
        self._signal: collections.deque[bytes] = collections.deque()
        self._tone: TonePlayer | None = None
        self._tx: collections.deque[bytes] = collections.deque()
        self._recording: Recording | None = None
        self._dtmf = DtmfDetector()
        self._tones = ToneTracker(self._log)
        self._offhook = False
        self._open_until = 0.0

    # --- the exchange's actions (any thread) ----------------------------------------------
    def ring(self, number: str, name: str = "", standard: str | None = None) -> None:
        """Ring the line with caller ID (standard: the country's unless named)."""
        std = caller_id_standard(standard or self.country.caller_id)
        # Modulate here, on the caller's thread, not on the line clock.
        frames = callerid.caller_id_frames(CallerIdInfo(number, name), std) if number or name else []
        self._requests.append(("ring", (number, name, std, frames)))

    def stop_ring(self) -> None:
        """The caller gives up before the box answers."""
        self._requests.append(("stop_ring", ()))

    def answer(self) -> None:
        """The called party answers a call the box placed (reversing polarity if answer_reversal)."""
        self._requests.append(("answer", ()))

    def hangup(self, how: str = "loop") -> None:
        if how not in HANGUPS:
            raise ValueError(f"hang up how? one of {', '.join(HANGUPS)}, not {how!r}")
        self._requests.append(("hangup", (how,)))

    def unplug(self) -> None:
        self.plugged = False
        self._log({"type": "unplugged"})

    def plug(self) -> None:
        self.plugged = True
        self._log({"type": "plugged"})

    def play_frames(self, frames: list[bytes]) -> None:
        self._tx.extend(frames)

    def record(self, path: Path, seconds: float, wait: bool = True) -> Recording:
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

    def state_info(self) -> dict[str, Any]:
        return {"state": self.state, "ringing": self.ringing, "digits": self.digits, "plugged": self.plugged}

    def _log(self, event: dict[str, Any]) -> None:
        event = {"t": round(self.now, 3), **event}
        with self._lock:
            self._events.append(event)
        log.debug("%s pstn: %s", self.port, event)

    # --- what the DAA reads ---------------------------------------------------------------
    def volts(self, offhook: bool) -> int:
        if not self.plugged or self.now < self._open_until:
            return 0
        return (LOOP_VOLTS if offhook else IDLE_VOLTS) * self.polarity

    def loop_ma(self, offhook: bool) -> float:
        if not self.plugged or self.now < self._open_until or not offhook:
            return 0.0
        return LOOP_MA

    # --- every 20 ms ----------------------------------------------------------------------
    def exchange(self, heard: bytes, now: float, offhook: bool) -> bytes:
        self.now = now
        while self._requests:
            action, args = self._requests.popleft()
            getattr(self, "_do_" + action)(*args)
        if offhook != self._offhook:
            self._offhook = offhook
            self._hook_changed(offhook)
        if self._plan is not None:
            self.ringing = self._plan.ringing(now)
            self._signal.extend(self._plan.take_caller_id(now))
            if self._plan.cycles(now) > MAX_RING_CYCLES:
                self._do_stop_ring()
        if self._recording is not None:
            self._recording.add(heard)
        if offhook:
            self._tones.feed(heard, now)
            if self.state in ("dialtone", "dialing"):
                digit = self._dtmf.feed(heard)
                if digit:
                    self.digits += digit
                    self.state, self._tone = "dialing", None
                    self._log({"type": "digit", "digit": digit})
        if self._signal:
            return self._signal.popleft()
        if self._tone is not None:
            return self._tone.next_frame()
        if self._tx:
            return self._tx.popleft()
        return SILENCE

    def _hook_changed(self, offhook: bool) -> None:
        if offhook:
            if self.state == "ringing":
                self._plan, self.ringing = None, False
                self._signal.clear()
                self.state = "answered"
                self._log({"type": "answer"})
            else:
                self.state, self.digits = "dialtone", ""
                self._tone = TonePlayer("dial", self.country.tone("dial"))
                self._log({"type": "seized"})
        else:
            self.state, self._tone = "idle", None
            self.polarity = 1
            self._log({"type": "released"})

    def _do_ring(self, number: str, name: str, std: CallerIdStandard, frames: list[bytes]) -> None:
        if self.state != "idle" or self._offhook:
            self._log({"type": "ring-refused", "state": self.state})
            return
        self._plan = RingPlan(self.country.ring_cadence, self.now, frames, std)
        self.state = "ringing"
        self._log({"type": "ring", "number": number, "name": name, "caller_id": std.name})

    def _do_stop_ring(self) -> None:
        if self.state == "ringing":
            self._plan, self.ringing, self.state = None, False, "idle"
            self._signal.clear()
            self._log({"type": "ring-stop"})

    def _do_answer(self) -> None:
        if self.state not in ("dialing", "dialtone") or not self._offhook:
            self._log({"type": "answer-refused", "state": self.state})
            return
        self.state, self._tone = "connected", None
        if self.answer_reversal:
            self.polarity = -self.polarity
        self._log({"type": "far-answer"})

    def _do_hangup(self, how: str) -> None:
        self._tone = None
        self._tx.clear()
        if how == "loop":
            self._open_until = self.now + CPC_S
        elif how == "polarity":
            self.polarity = -self.polarity
        else:
            self._tone = TonePlayer("busy", self.country.tone("busy"))
        self.state = "cleared"
        self._log({"type": "far-hangup", "how": how})

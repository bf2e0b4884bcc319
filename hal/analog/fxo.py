"""An FXO port (a PSTN line into the box) over one Si3050 DAA: ring and caller ID in, seize, dial,
and disconnect supervision.

Every 20 ms the line clock polls the DAA (ring bits, line voltage; loop current when off hook), as
DAHDI's wctdm does, and passes the line audio:
- on hook: ring bursts -> RingStart (once per incoming call) and RingStop (no burst for the
  country's ring gap + 2 s: the caller gave up); the audio goes through the caller-ID receiver
  (FSK between rings, DTMF before the first ring) -> CallerId.
- off hook: polarity reversal, loop-current drop and busy/congestion tone -> Disconnect(reason).
  On a call the box answered any reversal is a clear; on a call it placed the first reversal is
  the far end answering (PolarityReversal) and a second one is the clear.
- any time: line voltage. On hook below 10 V for a second -> LineHealth(ok=False) and the port is
  faulty ('no line'); back above 20 V -> LineHealth(ok=True) and PortRecovered.
"""

from __future__ import annotations

import collections
import logging
import threading
from collections.abc import Callable
from typing import Any

from hal.analog import callerid
from hal.analog.dtmf import DIGITS, DtmfDetector, dtmf_frames
from hal.analog.supervision import CadenceDetector, RingDetector, disconnect_tones
from hal.country import CountryProfile, caller_id_standard
from hal.drivers.si3050 import DaaStatus, Si3050
from hal.errors import InvalidState, PortFault
from hal.events import (
    CallerId,
    Digit,
    Disconnect,
    HalEvent,
    LineHealth,
    PolarityReversal,
    PortFaulted,
    PortRecovered,
    RingStart,
    RingStop,
)
from hal.ports import FxoPort

log = logging.getLogger(__name__)

NO_LINE_VOLTS = 10  # on hook, a live line shows 40-56 V; below this the line is cut
LINE_OK_VOLTS = 20
NO_LINE_S = 1.0
POLARITY_MIN_VOLTS = 3
LOOP_DROP_MA = 2.0
LOOP_DROP_S = 0.15
RING_GAP_MARGIN_S = 2.0
DTMF_ON_MS, DTMF_OFF_MS = 80, 80


class AnalogFxoPort(FxoPort):
    """FXO port on an Si3050; built and clocked by hal.analog.modules.FxoModule."""

    def __init__(
        self,
        name: str,
        daa: Si3050,
        *,
        post: Callable[[HalEvent], None],
        clock: Callable[[], float],
        country: CountryProfile,
        caller_id: str,
        lamp: Callable[[str, bool], None] | None = None,
    ) -> None:
        super().__init__(name)
        self.daa = daa
        self.post = post
        self.clock = clock
        self.country = country
        self.cid_standard = caller_id_standard(caller_id)
        self._lamp = lamp or (lambda _which, _on: None)
        self._lock = threading.RLock()
        self._rings = RingDetector()
        self._cid = callerid.CallerIdReceiver()
        self._busy = CadenceDetector(disconnect_tones(country))
        self._dtmf = DtmfDetector()  # keys the far end presses, while listen_digits is on
        self._signal: collections.deque[bytes] = collections.deque()
        self.seized = False
        self._inbound = False
        self._incoming = False  # a ring sequence is in progress
        self._last_ring = 0.0
        self._polarity = 0
        self._polarity_votes = 0
        self._reversals = 0
        self._disconnected = False
        self._loop_low_since: float | None = None
        self._no_line_since: float | None = None
        self.line_fault = False
        self.volts = 0
        self.chip_ok = False

    # --- core API -------------------------------------------------------------------------
    def seize(self) -> None:
        with self._lock:
            self._check_usable()
            self.daa.set_offhook(True)
            self.seized = True
            self._inbound = self._incoming
            self._incoming = False
            self._reversals = 0
            self._disconnected = False
            self._loop_low_since = None
            self._busy.reset()
            self._cid.reset()
            self._lamp("in_use", True)
            log.info("%s: seized (%s)", self.name, "answering" if self._inbound else "outgoing")

    def release(self) -> None:
        with self._lock:
            if self.chip_ok:
                self.daa.set_offhook(False)
            self.seized = False
            self._signal.clear()
            self._lamp("in_use", False)

    def dial(self, digits: str) -> None:
        with self._lock:
            self._check_usable()
            if not self.seized:
                raise InvalidState(f"{self.name}: seize the line before dialing")
            bad = [d for d in digits if d.upper() not in DIGITS]
            if bad:
                raise ValueError(f"not DTMF digits: {''.join(bad)!r}")
            self._signal.extend(dtmf_frames(digits.upper(), DTMF_ON_MS, DTMF_OFF_MS))

    def check_line(self) -> float:
        with self._lock:
            if not self.chip_ok:
                raise PortFault(f"{self.name} is faulty: {self.fault}")
            volts = abs(self.daa.line_volts())
            ok = volts >= (POLARITY_MIN_VOLTS if self.seized else LINE_OK_VOLTS)
            if not ok and not self.seized and not self.line_fault:
                self._no_line(volts)  # posts LineHealth(ok=False) and PortFaulted
            else:
                self.post(LineHealth(self.name, float(volts), ok))
            return float(volts)

    def set_caller_id_standard(self, name: str) -> None:
        with self._lock:
            self.cid_standard = caller_id_standard(name)

    def state(self) -> str:
        if self.faulty:
            return "faulty"
        if self.seized:
            return "dialing" if self._signal else "offhook"
        return "ringing" if self._incoming else "idle"

    def info(self) -> dict[str, Any]:
        return {**super().info(), "volts": self.volts, "caller_id": self.cid_standard.name}

    def _check_usable(self) -> None:
        if self.faulty:
            raise PortFault(f"{self.name} is faulty: {self.fault}")

    # --- module side ----------------------------------------------------------------------
    def start(self, pcm_slot: int) -> None:
        """Probe and initialise the DAA (ChipNotResponding if absent)."""
        self.daa.probe()
        self.daa.init(pcm_slot)
        self.chip_ok = True
        volts = self.daa.line_volts()
        self._polarity = _sign(volts)
        self.volts = volts

    def shutdown(self) -> None:
        with self._lock:
            if self.chip_ok:
                self.daa.shutdown()

    def exchange(self, now: float, rx: bytes) -> bytes:
        """One 20 ms period: poll the DAA, supervise, decode caller ID or busy tone, move audio."""
        with self._lock:
            status = self.daa.status()
            self.volts = status.volts
            self._line_health(now, status)
            if self.seized:
                self._supervise(now, status)
                if not self._disconnected:
                    tone = self._busy.feed(rx)
                    if tone:
                        self._disconnect(f"{tone}-tone")
                    elif self.listen_digits:
                        digit = self._dtmf.feed(rx)
                        if digit:
                            self.post(Digit(self.name, digit, mode="dtmf"))
            else:
                self._ringing(now, status)
                message = self._cid.feed(rx)
                if message is not None and message.mwi is None:
                    number = message.number or message.number_absent
                    self.post(CallerId(self.name, number, message.name))
            self.audio.put_from_line(rx)
            core = self.audio.take_to_line()
            return self._signal.popleft() if self._signal else core

    def _ringing(self, now: float, status: DaaStatus) -> None:
        edge = self._rings.feed(status.ringing)
        if edge == "start":
            self._last_ring = now
            if not self._incoming:
                self._incoming = True
                self.post(RingStart(self.name))
        elif self._rings.ringing:
            self._last_ring = now
        elif self._incoming and now - self._last_ring > self.country.ring_off_ms / 1000 + RING_GAP_MARGIN_S:
            self._incoming = False
            self._cid.reset()
            self.post(RingStop(self.name))

    def _supervise(self, now: float, status: DaaStatus) -> None:
        if self._disconnected:
            return
        if status.loop_ma < LOOP_DROP_MA:
            self._loop_low_since = self._loop_low_since or now
            if now - self._loop_low_since >= LOOP_DROP_S:
                self._disconnect("loop-current")
                return
        else:
            self._loop_low_since = None
        polarity = _sign(status.volts) if abs(status.volts) >= POLARITY_MIN_VOLTS else 0
        if polarity and self._polarity and polarity != self._polarity:
            self._polarity_votes += 1
            if self._polarity_votes >= 2:  # two polls: not a glitch
                self._polarity, self._polarity_votes = polarity, 0
                self._reversals += 1
                self.post(PolarityReversal(self.name))
                if self._inbound or self._reversals >= 2:
                    self._disconnect("polarity")
        else:
            self._polarity_votes = 0
            self._polarity = self._polarity or polarity

    def _disconnect(self, reason: str) -> None:
        self._disconnected = True
        log.info("%s: far end cleared (%s)", self.name, reason)
        self.post(Disconnect(self.name, reason))

    def _line_health(self, now: float, status: DaaStatus) -> None:
        if self.seized:
            return
        volts = abs(status.volts)
        if not self.line_fault:
            if volts < NO_LINE_VOLTS:
                self._no_line_since = self._no_line_since or now
                if now - self._no_line_since >= NO_LINE_S:
                    self._no_line(volts)
            else:
                self._no_line_since = None
                if not self._incoming:
                    self._polarity = _sign(status.volts)
        elif volts >= LINE_OK_VOLTS:
            self.line_fault = False
            self._no_line_since = None
            self.fault = None
            self._polarity = _sign(status.volts)
            self.post(LineHealth(self.name, float(volts), True))
            self.post(PortRecovered(self.name))

    def _no_line(self, volts: int) -> None:
        self.line_fault = True
        self.fault = "no line voltage"
        log.error("%s: no line voltage (%d V): port faulty until the line comes back", self.name, volts)
        self.post(LineHealth(self.name, float(volts), False))
        self.post(PortFaulted(self.name, self.fault))


def _sign(volts: int) -> int:
    return (volts > 0) - (volts < 0)

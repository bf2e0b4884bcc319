"""An FXS port (an analog phone on the box) over one ProSLIC: ring, tones, caller ID, hook and digits.

Threads: the core calls ring()/play_tone()/... from its loop; the SLIC's interrupt handler calls
on_irq() from the GPIO thread; exchange() runs every 20 ms on the line clock. Commands and the
clock share one lock; the interrupt path only stamps a raw hook transition into the detector.

Line states (ProSLIC linefeed): forward active while idle or talking, ringing during the 'on'
parts of the cadence, forward on-hook transmission in its silences (so the caller-ID burst reaches
the on-hook phone, as DAHDI's wctdm does), reverse active/OHT after reverse_polarity().
Digits: DTMF detected here on the phone's audio (the Si3215's own decoder is left off so the same
detector serves every SLIC and the simulator), pulse digits by the hook detector.
"""

from __future__ import annotations

import collections
import logging
import threading
from collections.abc import Callable
from typing import Any

from hal.analog import callerid
from hal.analog.dtmf import DtmfDetector
from hal.analog.hook import HookDetector, HookTiming
from hal.analog.ringer import RingPlan
from hal.analog.tones import TonePlayer
from hal.country import CountryProfile, caller_id_standard
from hal.drivers import si3215
from hal.drivers.si3215 import Si3215
from hal.errors import InvalidState, PortFault
from hal.events import Digit, HalEvent
from hal.ports import CallerIdInfo, FxsPort

log = logging.getLogger(__name__)


class AnalogFxsPort(FxsPort):
    """FXS port on an Si3215; built and clocked by hal.analog.modules.FxsModule."""

    def __init__(
        self,
        name: str,
        slic: Si3215,
        *,
        post: Callable[[HalEvent], None],
        clock: Callable[[], float],
        country: CountryProfile,
        caller_id: str,
        lamp: Callable[[str, bool], None] | None = None,
        timing: HookTiming | None = None,
    ) -> None:
        super().__init__(name)
        self.slic = slic
        self.post = post
        self.clock = clock
        self.country = country
        self.cid_standard = caller_id_standard(caller_id)
        self._cid_default = caller_id  # the board's (country's) standard, back when an override is cleared
        self._lamp = lamp or (lambda _which, _on: None)
        self.hook = HookDetector(name, post, timing)
        self._dtmf = DtmfDetector()
        self._lock = threading.RLock()
        self._raw_offhook = False
        self._ring: RingPlan | None = None
        self._tone: TonePlayer | None = None
        self._signal: collections.deque[bytes] = collections.deque()
        self._restore_after_signal = False
        self._reversed = False
        self._linefeed = -1
        self.mwi = False
        self._mwi_pending = False
        self._in_use = False
        self.chip_ok = False

    # --- core API -------------------------------------------------------------------------
    def ring(self, caller_id: CallerIdInfo | None = None) -> None:
        with self._lock:
            self._check_usable()
            if self.hook.offhook or self._raw_offhook:
                raise InvalidState(f"{self.name}: cannot ring an off-hook phone")
            frames: list[bytes] = []
            if caller_id is not None and self.cid_standard.modulation != "none":
                frames = callerid.caller_id_frames(caller_id, self.cid_standard)
            self._tone = None
            self._signal.clear()
            self._ring = RingPlan(self.country.ring_cadence, self.clock(), frames, self.cid_standard)
            self._set_linefeed(self._oht())
            log.info("%s: ringing (caller ID %s via %s)", self.name, caller_id, self.cid_standard.name)

    def stop_ring(self) -> None:
        with self._lock:
            if self._ring is not None:
                self._ring = None
                self._signal.clear()
                if not self.faulty:
                    self._set_linefeed(self._active())

    def play_tone(self, tone: str) -> None:
        with self._lock:
            self._check_usable()
            if tone == "dial" and self.mwi and "stutter" in self.country.tones:
                tone = "stutter"  # message waiting: special dial tone
            self._tone = TonePlayer(tone, self.country.tone(tone))

    def stop_tone(self) -> None:
        with self._lock:
            self._tone = None

    def reverse_polarity(self) -> None:
        with self._lock:
            self._check_usable()
            self._reversed = not self._reversed
            if self._linefeed in (si3215.LF_FORWARD_ACTIVE, si3215.LF_REVERSE_ACTIVE):
                self._set_linefeed(self._active())
            elif self._linefeed in (si3215.LF_FORWARD_OHT, si3215.LF_REVERSE_OHT):
                self._set_linefeed(self._oht())

    def set_mwi(self, on: bool) -> None:
        """Lamp on the module and, for FSK standards, an on-hook MWI message (sent once on hook)."""
        with self._lock:
            self._check_usable()
            self.mwi = on
            self._mwi_pending = bool(callerid.mwi_frames(on, self.cid_standard))
            self._lamp("mwi", on)

    def set_caller_id_standard(self, name: str) -> None:
        """Override the board's caller-ID standard for this port ('bell202', 'etsi-v23', 'yd1277-dtmf'...);
        an empty name goes back to the board's own."""
        with self._lock:
            self.cid_standard = caller_id_standard(name or self._cid_default)

    def state(self) -> str:
        if self.faulty:
            return "faulty"
        if self._ring is not None:
            return "ringing"
        return "offhook" if self.hook.offhook else "onhook"

    def info(self) -> dict[str, Any]:
        return {
            **super().info(),
            "mwi": self.mwi,
            "reversed": self._reversed,
            "tone": self._tone.name if self._tone else None,
            "caller_id": self.cid_standard.name,
        }

    def _check_usable(self) -> None:
        if self.faulty:
            raise PortFault(f"{self.name} is faulty: {self.fault}")

    # --- module side ----------------------------------------------------------------------
    def start(self, pcm_slot: int) -> None:
        """Probe and initialise the SLIC (ChipNotResponding if absent); seed the hook state."""
        self.slic.probe()
        self.slic.init(pcm_slot)
        self._linefeed = si3215.LF_FORWARD_ACTIVE
        self.chip_ok = True
        self._raw_offhook = self.slic.offhook()
        self.hook.feed(self.clock(), self._raw_offhook)

    def shutdown(self) -> None:
        with self._lock:
            if self.chip_ok:
                self.slic.shutdown()

    def on_irq(self) -> None:
        """Service the SLIC's interrupts (GPIO thread): stamp loop-closure and ring-trip transitions."""
        _, status2, _ = self.slic.take_interrupts()
        if status2 & (si3215.IRQ2_LCIP | si3215.IRQ2_RTIP):
            offhook = bool(self.slic.loop_status() & (si3215.LOOP_LCR | si3215.LOOP_RTP))
            self._raw_offhook = offhook
            self.hook.feed(self.clock(), offhook)

    def exchange(self, now: float, rx: bytes) -> bytes:
        """One 20 ms period: hook timers, ring cadence, digit detection, audio in and out."""
        with self._lock:
            offhook = self.slic.offhook()
            if offhook != self._raw_offhook:  # an interrupt went missing: the poll catches it
                self._raw_offhook = offhook
                self.hook.feed(now, offhook)
            self.hook.tick(now)
            in_use = self.hook.offhook or self._ring is not None
            if in_use != self._in_use:
                self._in_use = in_use
                self._lamp("in_use", in_use)
            if self._ring is not None:
                self._ring_step(now)
            elif self._mwi_pending and not self._raw_offhook and not self._signal:
                self._mwi_pending = False
                self._send_signal(callerid.mwi_frames(self.mwi, self.cid_standard))
            if self.hook.offhook:
                digit = self._dtmf.feed(rx)
                if digit:
                    self.post(Digit(self.name, digit, mode="dtmf"))
            self.audio.put_from_line(rx)
            core = self.audio.take_to_line()
            if self._signal:
                frame = self._signal.popleft()
                if not self._signal and self._restore_after_signal:
                    self._restore_after_signal = False
                    self._set_linefeed(self._active())
                return frame
            if self._tone is not None:
                return self._tone.next_frame()
            return core

    def _ring_step(self, now: float) -> None:
        assert self._ring is not None
        if self._raw_offhook:  # ring trip: answered
            self._ring = None
            self._signal.clear()
            self._set_linefeed(self._active())
            return
        self._set_linefeed(si3215.LF_RINGING if self._ring.ringing(now) else self._oht())
        frames = self._ring.take_caller_id(now)
        if frames:
            self._signal.extend(frames)

    def _send_signal(self, frames: list[bytes]) -> None:
        if frames:
            self._set_linefeed(self._oht())
            self._signal.extend(frames)
            self._restore_after_signal = True

    def _active(self) -> int:
        return si3215.LF_REVERSE_ACTIVE if self._reversed else si3215.LF_FORWARD_ACTIVE

    def _oht(self) -> int:
        return si3215.LF_REVERSE_OHT if self._reversed else si3215.LF_FORWARD_OHT

    def _set_linefeed(self, state: int) -> None:
        if state != self._linefeed:
            self.slic.set_linefeed(state)
            self._linefeed = state

"""The PCM/TDM voice bus: one 20 ms frame of 16-bit linear audio per time slot per period.

On a real board the SLICs/DAAs (and the E1 framer's backplane) share one TDM bus wired to the SoC's
PCM/I2S interface, which ALSA presents as a multi-channel capture/playback device (one channel per
time slot). The bus paces the HAL: transfer() blocks until the next 20 ms period, so the HAL's line
clock runs on the codec clock, not on a timer. Audio moves as whole frames; slots are split and
joined with array slicing (C speed), never per-sample Python.
"""

from __future__ import annotations

import abc
import array
import logging
import subprocess
import sys
import time
from collections.abc import Mapping

from hal.errors import HalError
from hal.ports import FRAME_BYTES, FRAME_MS, FRAME_SAMPLES, SAMPLE_RATE, SILENCE

log = logging.getLogger(__name__)


class PcmBus(abc.ABC):
    """A TDM bus moving one frame per time slot each period; subclasses implement transfer and now."""

    frame_ms = FRAME_MS

    def __init__(self, name: str, slots: int) -> None:
        self.name = name
        self.slots = slots
        self.frames = 0

    @abc.abstractmethod
    def transfer(self, tx: Mapping[int, bytes]) -> dict[int, bytes]:
        """Send one frame per slot (missing slots send silence); return one received frame per slot.

        Blocks until the next frame period: this is the HAL's clock.
        """

    @abc.abstractmethod
    def now(self) -> float:
        """Return the bus time in seconds (monotonic; advances 20 ms per frame)."""

    def close(self) -> None:  # noqa: B027 - an optional hook, not abstract
        """Release the bus (nothing to release by default)."""


class AlsaPcmBus(PcmBus):
    """The SoC's PCM interface as an ALSA device, through arecord/aplay pipes (S16_LE, 8 kHz, N channels).

    Untested without hardware: the reference board's device tree must expose the TDM bus as a
    `slots`-channel ALSA card (see board-configs/README.md).
    """

    def __init__(self, name: str, device: str, slots: int) -> None:
        super().__init__(name, slots)
        fmt = ["-D", device, "-t", "raw", "-f", "S16_LE", "-r", str(SAMPLE_RATE), "-c", str(slots)]
        period = ["--period-size", str(FRAME_SAMPLES), "--buffer-size", str(FRAME_SAMPLES * 4)]
        try:
            self._rec = subprocess.Popen(["arecord", "-q", *fmt, *period], stdout=subprocess.PIPE)
            self._play = subprocess.Popen(["aplay", "-q", *fmt, *period], stdin=subprocess.PIPE)
        except OSError as exc:
            raise HalError(f"PCM bus {name}: cannot start arecord/aplay on {device}: {exc}") from exc
        self._block = FRAME_BYTES * slots

    def transfer(self, tx: Mapping[int, bytes]) -> dict[int, bytes]:
        out = array.array("h", bytes(self._block))
        for slot, frame in tx.items():
            out[slot :: self.slots] = _samples(frame)
        assert self._play.stdin is not None and self._rec.stdout is not None
        self._play.stdin.write(out.tobytes())
        data = self._rec.stdout.read(self._block)
        if len(data) != self._block:
            raise HalError(f"PCM bus {self.name}: capture stopped")
        inbound = _samples(data)
        self.frames += 1
        return {slot: inbound[slot :: self.slots].tobytes() for slot in range(self.slots)}

    def now(self) -> float:
        return time.monotonic()

    def close(self) -> None:
        for proc in (self._rec, self._play):
            proc.terminate()
            proc.wait(timeout=2)


def _samples(frame: bytes) -> array.array:
    samples = array.array("h", frame or SILENCE)
    if sys.byteorder == "big":
        samples.byteswap()
    return samples

"""Country call-progress tones as cached cycles of 20 ms frames, played without per-sample work.

A tone is generated once (per-sample, into a cache) for one whole cadence period, or for the few
frames after which a continuous tone's phase repeats; playing it is then indexing a tuple of
ready 320-byte frames, one per clock tick.
"""

from __future__ import annotations

import array
import math
from functools import lru_cache

from hal.analog import dsp
from hal.country import Tone
from hal.ports import FRAME_MS, FRAME_SAMPLES

MAX_CONTINUOUS_FRAMES = 50  # if the phase never repeats sooner, loop every second


def _repeat_frames(freqs: tuple[float, ...]) -> int:
    for k in range(1, MAX_CONTINUOUS_FRAMES + 1):
        if all(abs(f * k * FRAME_MS / 1000 - round(f * k * FRAME_MS / 1000)) < 1e-9 for f in freqs):
            return k
    return MAX_CONTINUOUS_FRAMES


@lru_cache(maxsize=64)
def tone_frames(tone: Tone) -> tuple[bytes, ...]:
    """Return one period of the tone (cadence included) as 20 ms frames."""
    if tone.continuous:
        return tuple(
            dsp.to_frames(dsp.sine(tone.freqs, tone.level, _repeat_frames(tone.freqs) * FRAME_SAMPLES))
        )
    period_ms = sum(tone.cadence)
    cycles = FRAME_MS // math.gcd(period_ms, FRAME_MS)  # repeat the cadence until it fills whole frames
    pcm = array.array("h")
    for _ in range(cycles):
        for i, ms in enumerate(tone.cadence):
            n = ms * dsp.RATE // 1000
            pcm += dsp.sine(tone.freqs, tone.level, n) if i % 2 == 0 else array.array("h", bytes(2 * n))
    return tuple(dsp.to_frames(pcm))


class TonePlayer:
    """Loop a tone's frames; next_frame() is one tuple index per tick."""

    def __init__(self, name: str, tone: Tone) -> None:
        self.name = name
        self._frames = tone_frames(tone)
        self._i = 0

    def next_frame(self) -> bytes:
        frame = self._frames[self._i]
        self._i = (self._i + 1) % len(self._frames)
        return frame

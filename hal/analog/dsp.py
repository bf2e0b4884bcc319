"""Block signal processing over whole 20 ms frames, at C speed: map/sum/accumulate over array('h').

Nothing here loops over samples in Python bytecode except the generators, which run while
signalling (caller ID, DTMF) or once per tone to fill a cache. A frame's energy is one
``sum(map(mul, x, x))``; the power of a frequency in a frame is two dot products against cached
cosine/sine tables (a Goertzel bin evaluated as a correlation, at the exact frequency).
"""

from __future__ import annotations

import array
import math
import operator
import random
import sys
from collections.abc import Iterable, Sequence
from functools import lru_cache

from hal.ports import FRAME_BYTES, FRAME_SAMPLES, SAMPLE_RATE

RATE = SAMPLE_RATE
_mul = operator.mul


def samples(frame: bytes) -> array.array:
    """Return the 16-bit little-endian PCM bytes as an array of ints."""
    out = array.array("h", frame)
    if sys.byteorder == "big":
        out.byteswap()
    return out


def to_bytes(pcm: array.array) -> bytes:
    if sys.byteorder == "big":
        pcm = array.array("h", pcm)
        pcm.byteswap()
    return pcm.tobytes()


def to_frames(pcm: array.array | Sequence[int]) -> list[bytes]:
    """Split samples into 320-byte frames, padding the last with silence."""
    pcm = pcm if isinstance(pcm, array.array) else array.array("h", pcm)
    data = to_bytes(pcm)
    if len(data) % FRAME_BYTES:
        data += bytes(FRAME_BYTES - len(data) % FRAME_BYTES)
    return [data[i : i + FRAME_BYTES] for i in range(0, len(data), FRAME_BYTES)]


def energy(x: Sequence[int]) -> int:
    """Sum of squares of the samples."""
    return sum(map(_mul, x, x))


def rms(x: Sequence[int]) -> float:
    return math.sqrt(energy(x) / len(x)) if len(x) else 0.0


@lru_cache(maxsize=1024)
def _table(freq: float, n: int, rate: int) -> tuple[tuple[float, ...], tuple[float, ...]]:
    w = 2 * math.pi * freq / rate
    return tuple(math.cos(w * i) for i in range(n)), tuple(math.sin(w * i) for i in range(n))


def tone_power(x: Sequence[int], freq: float, rate: int = RATE) -> float:
    """Return |DFT at freq|^2 of the block (one Goertzel bin, as two dot products)."""
    cos_t, sin_t = _table(freq, len(x), rate)
    re = sum(map(_mul, x, cos_t))
    im = sum(map(_mul, x, sin_t))
    return re * re + im * im


def tone_fraction(x: Sequence[int], freq: float, e: int | None = None, rate: int = RATE) -> float:
    """Return the share (0..~1) of the block's energy at `freq`; a pure tone at freq gives ~1."""
    e = energy(x) if e is None else e
    if not e:
        return 0.0
    return 2.0 * tone_power(x, freq, rate) / (len(x) * e)


class ToneBank:
    """The energy share of a fixed set of frequencies in blocks of FRAME_SAMPLES samples."""

    def __init__(self, freqs: Iterable[float], block: int = FRAME_SAMPLES, rate: int = RATE) -> None:
        self.freqs = tuple(freqs)
        self.block = block
        self._tables = [_table(f, block, rate) for f in self.freqs]

    def fractions(self, x: Sequence[int], e: int, first: int = 0, stop: int | None = None) -> list[float]:
        """Return each frequency's share of the block energy `e` (x must hold `block` samples).

        `first`/`stop` select a sub-range of the bank, so a caller can bail out early.
        """
        scale = 2.0 / (len(x) * e) if e else 0.0
        out = []
        for cos_t, sin_t in self._tables[first:stop]:
            re = sum(map(_mul, x, cos_t))
            im = sum(map(_mul, x, sin_t))
            out.append((re * re + im * im) * scale)
        return out


def sine(freqs: Sequence[float], level: float, n: int, rate: int = RATE, start: int = 0) -> array.array:
    """Generate n samples of the sum of sines (each at peak `level`), clipped to 16 bits."""
    ws = [2 * math.pi * f / rate for f in freqs]
    out = array.array("h", bytes(2 * n))
    for i in range(n):
        v = sum(math.sin(w * (i + start)) for w in ws) * level
        out[i] = max(-32768, min(32767, int(v)))
    return out


def add_noise(x: Sequence[int], snr_db: float, seed: int = 1) -> array.array:
    """Return x plus white Gaussian noise at the given signal-to-noise ratio (tests and the simulator)."""
    rng = random.Random(seed)
    sigma = rms(x) / (10 ** (snr_db / 20)) if len(x) else 0.0
    return array.array("h", (max(-32768, min(32767, int(v + rng.gauss(0, sigma)))) for v in x))


def dominant_frequencies(
    x: Sequence[int], low: float = 200.0, high: float = 3400.0, peaks: int = 2, rate: int = RATE
) -> list[float]:
    """Measure the strongest frequencies in a block: coarse 25 Hz scan, then 2 Hz refinement.

    Used by the simulator's far ends (phone, PSTN) to say which tone they hear; not in a voice path.
    """
    coarse = x[: min(len(x), 400)]
    scan = [(tone_power(coarse, f, rate), f) for f in _frange(low, high, 25.0)]
    scan.sort(reverse=True)
    chosen: list[tuple[float, float]] = []
    for power, f in scan:
        if all(abs(f - g) > 60 for _, g in chosen):
            chosen.append((power, f))
        if len(chosen) == peaks:
            break
    fine = x[: min(len(x), 1600)]
    refined = []
    for _, f in chosen:
        best = max(_frange(f - 30, f + 30, 2.0), key=lambda g: tone_power(fine, g, rate))
        refined.append((tone_power(fine, best, rate), best))
    refined.sort(reverse=True)
    if not refined:
        return []
    top = refined[0][0]
    return [f for p, f in refined if p >= 0.2 * top]


def _frange(low: float, high: float, step: float) -> list[float]:
    return [low + i * step for i in range(int((high - low) / step) + 1)]

"""1200-baud FSK modem for on-hook data (caller ID, message waiting): Bell 202 and ITU-T V.23.

Bell 202 (also China YD/T 1277.1): mark (1) 1200 Hz, space (0) 2200 Hz. V.23 (ETSI EN 300 659):
mark 1300 Hz, space 2100 Hz. Bytes go as asynchronous characters: a start bit (0), eight data bits
LSB first, a stop bit (1).

The modulator is phase-continuous. The demodulator is non-coherent: the signal is correlated with
mark and space at every sample (C-speed map/accumulate into prefix sums), so the energy of either
tone over any window is two subtractions. It finds a run of mark bits (the preamble after the
channel seizure), hunts each start bit's edge with a one-bit sliding window, then integrates each
bit over its own period (integrate and dump). Per-sample work happens only on signalling buffers.
"""

from __future__ import annotations

import array
import dataclasses
import logging
import math
import operator
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import accumulate

from hal.analog.dsp import RATE, tone_power

log = logging.getLogger(__name__)

_mul, _sub, _add = operator.mul, operator.sub, operator.add


@dataclasses.dataclass(frozen=True)
class FskModulation:
    name: str
    mark_hz: float
    space_hz: float
    baud: int = 1200


BELL202 = FskModulation("bell202", 1200.0, 2200.0)
V23 = FskModulation("v23", 1300.0, 2100.0)
MODULATIONS: dict[str, FskModulation] = {m.name: m for m in (BELL202, V23)}


def uart_bits(data: bytes) -> list[int]:
    """Frame bytes as asynchronous characters: start 0, 8 data bits LSB first, stop 1."""
    bits: list[int] = []
    for byte in data:
        bits.append(0)
        bits.extend((byte >> i) & 1 for i in range(8))
        bits.append(1)
    return bits


def modulate(bits: Sequence[int], mod: FskModulation, level: int = 6000, rate: int = RATE) -> array.array:
    """Return phase-continuous FSK samples for a bit sequence."""
    step = {1: 2 * math.pi * mod.mark_hz / rate, 0: 2 * math.pi * mod.space_hz / rate}
    total = round(len(bits) * rate / mod.baud)
    out = array.array("h", bytes(2 * total))
    phase = 0.0
    per_bit = mod.baud / rate
    last = len(bits) - 1
    for n in range(total):
        phase += step[bits[min(int(n * per_bit), last)]]
        out[n] = int(level * math.sin(phase))
    return out


def fsk_burst(
    data: bytes,
    mod: FskModulation,
    seizure_bits: int = 300,
    mark_bits: int = 180,
    tail_bits: int = 10,
    level: int = 6000,
) -> array.array:
    """Return a whole on-hook data burst: channel seizure (0101...), mark, the bytes, a short mark tail."""
    bits = [i & 1 for i in range(seizure_bits)] + [1] * mark_bits + uart_bits(data) + [1] * tail_bits
    return modulate(bits, mod, level)


@lru_cache(maxsize=8)
def _oscillator(freq: float, n: int, rate: int) -> tuple[tuple[float, ...], tuple[float, ...]]:
    w = 2 * math.pi * freq / rate
    return tuple(math.cos(w * i) for i in range(n)), tuple(math.sin(w * i) for i in range(n))


def _reference(freq: float, n: int, rate: int) -> tuple[tuple[float, ...], tuple[float, ...]]:
    # Cache per second of signal, so every buffer of a call reuses the same tables.
    size = max(rate, -(-n // rate) * rate)
    cos_t, sin_t = _oscillator(freq, size, rate)
    return cos_t[:n], sin_t[:n]


class FskDemodulator:
    """Recover bytes from FSK samples; decode() returns the byte run after each mark preamble."""

    def __init__(self, mod: FskModulation, rate: int = RATE, min_mark_bits: int = 10) -> None:
        self.mod = mod
        self.rate = rate
        self.spb = rate / mod.baud
        self.min_mark = int(min_mark_bits * self.spb)

    def decode(self, x: Sequence[int]) -> list[bytes]:
        n = len(x)
        w = round(self.spb)
        if n < 20 * w:
            return []
        prefix = []
        for freq in (self.mod.mark_hz, self.mod.space_hz):
            cos_t, sin_t = _reference(freq, n, self.rate)
            prefix.append(list(accumulate(map(_mul, x, cos_t), initial=0.0)))
            prefix.append(list(accumulate(map(_mul, x, sin_t), initial=0.0)))
        self._p = prefix
        mc, ms, sc, ss = (list(map(_sub, p[w:], p[:-w])) for p in prefix)
        mark_e = list(map(_add, map(_mul, mc, mc), map(_mul, ms, ms)))
        space_e = list(map(_add, map(_mul, sc, sc), map(_mul, ss, ss)))
        d = list(map(_sub, mark_e, space_e))
        runs: list[bytes] = []
        i = 0
        while i < len(d):
            i = self._find_mark_run(d, mark_e, space_e, i)
            if i < 0:
                break
            data, i = self._read_bytes(d, i, n)
            if data:
                runs.append(data)
        return runs

    def _find_mark_run(self, d: list[float], mark_e: list[float], space_e: list[float], i: int) -> int:
        run = 0
        for j in range(i, len(d)):
            if d[j] > 0 and mark_e[j] > 2 * space_e[j]:
                run += 1
                if run >= self.min_mark:
                    return j + 1
            else:
                run = 0
        return -1

    def _window(self, a: float, b: float) -> float:
        """Mark minus space energy over samples [a, b)."""
        ia, ib = round(a), round(b)
        mc, ms, sc, ss = (p[ib] - p[ia] for p in self._p)
        return mc * mc + ms * ms - sc * sc - ss * ss

    def _character(self, edge: float) -> list[bool]:
        """Decide the 10 bits of a character, fine-tuning the edge (+/-1.5 samples) for the clearest bits."""
        spb = self.spb
        best: list[float] = []
        best_score = -1.0
        for offset in (0.0, -0.5, 0.5, -1.0, 1.0, -1.5, 1.5):
            start = max(0.0, edge + offset)
            values = [self._window(start + k * spb + 0.5, start + (k + 1) * spb - 0.5) for k in range(10)]
            score = sum(map(abs, values))
            if score > best_score:
                best, best_score = values, score
        return [v > 0 for v in best]

    def _read_bytes(self, d: list[float], pos: int, n: int) -> tuple[bytes, int]:
        spb = self.spb
        w = round(spb)
        out = bytearray()
        max_gap = int(20 * spb)  # mark bits allowed between characters
        while True:
            # The preamble's mark may last any time; between characters at most max_gap.
            limit = min(pos + max_gap, len(d) - 2) if out else len(d) - 2
            # A start edge: the one-bit window leans to space for three samples running (not a noise dip).
            j = next((k for k in range(pos, limit) if d[k] < 0 and d[k + 1] < 0 and d[k + 2] < 0), -1)
            if j < 0:
                return bytes(out), max(pos, limit)
            # Interpolate where the sliding decision crosses zero: the window is then half mark,
            # half space, so the bit edge lies half a window later.
            crossing = float(j)
            if j > 0 and d[j - 1] >= 0:
                crossing = j - 1 + d[j - 1] / (d[j - 1] - d[j])
            edge = crossing + w / 2
            if edge + 10 * spb + 2 > n:
                return bytes(out), len(d)
            bits = self._character(edge)
            if bits[0]:
                pos = j + 1  # no start bit after all: keep hunting
                continue
            if not bits[9]:
                if out:
                    return bytes(out), j + 1  # framing error inside a message
                pos = j + 1
                continue
            out.append(sum(1 << k for k in range(8) if bits[k + 1]))
            pos = int(edge + 9.5 * spb)


def likely_modulations(
    x: Sequence[int], mods: Iterable[FskModulation] = (BELL202, V23)
) -> list[FskModulation]:
    """Order modulations by how much of the buffer's energy sits on their mark and space tones.

    Bell 202 and V.23 tones are only 100 Hz apart, so either demodulator can decode the other's
    signal; over a whole burst the correct pair stands out clearly.
    """

    def score(mod: FskModulation) -> float:
        return tone_power(x, mod.mark_hz) + tone_power(x, mod.space_hz)

    return sorted(mods, key=score, reverse=True)


def demodulate(
    x: Sequence[int], mods: Iterable[FskModulation] = (BELL202, V23)
) -> list[tuple[FskModulation, bytes]]:
    """Try each modulation, likeliest first; return (modulation, byte run) for every run found."""
    found = []
    for mod in likely_modulations(x, mods):
        for run in FskDemodulator(mod).decode(x):
            found.append((mod, run))
    return found

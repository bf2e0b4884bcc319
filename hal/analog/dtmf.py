"""DTMF (ITU-T Q.23/Q.24): generate digit tones as PCM frames and detect digits in 20 ms frames.

Detection runs on every frame of an off-hook line, so it is kept cheap: one C-speed energy sum
gates the frame (silence and quiet speech cost ~5 us), and only loud frames get the 8-bin bank
(16 dot products over 160 samples). A digit needs one row and one column tone that together carry
most of the frame's energy, each well above the other tones of its group, with the twist inside
+/-8 dB; it is reported once when seen in two consecutive frames (40 ms, Q.24's minimum) and may
repeat after at least one frame without it. A pause must therefore span a whole frame (~60 ms
worst case): every DTMF sender here uses 70 ms or more.
"""

from __future__ import annotations

import array
import logging
from functools import lru_cache

from hal.analog import dsp
from hal.ports import FRAME_SAMPLES

log = logging.getLogger(__name__)

ROWS = (697.0, 770.0, 852.0, 941.0)
COLS = (1209.0, 1336.0, 1477.0, 1633.0)
KEYS = ("123A", "456B", "789C", "*0#D")
DIGITS = "".join(KEYS)
FREQS: dict[str, tuple[float, float]] = {
    key: (ROWS[r], COLS[c]) for r, row in enumerate(KEYS) for c, key in enumerate(row)
}

MIN_MEAN_SQUARE = 120.0**2 / 2  # a sine of peak ~120 (about -49 dBFS): quieter frames are not digits
MIN_TONE_SHARE = 0.55  # row + column must carry this share of the frame's energy
MIN_GROUP_RATIO = 4.0  # best tone of a group over the second best (6 dB)
MAX_TWIST = 6.3  # 8 dB either way


@lru_cache(maxsize=32)
def digit_samples(digit: str, on_ms: int, level: int) -> array.array:
    """Return the samples of one digit tone (cached: generation is per-sample Python)."""
    try:
        low, high = FREQS[digit.upper()]
    except KeyError:
        raise ValueError(f"not a DTMF digit: {digit!r}") from None
    return dsp.sine((low, high), level, on_ms * dsp.RATE // 1000)


def dtmf_samples(digits: str, on_ms: int = 100, off_ms: int = 100, level: int = 5000) -> array.array:
    """Return the samples of a digit string: each digit on_ms of tone then off_ms of silence."""
    out = array.array("h")
    gap = array.array("h", bytes(2 * (off_ms * dsp.RATE // 1000)))
    for digit in digits:
        out += digit_samples(digit, on_ms, level)
        out += gap
    return out


def dtmf_frames(digits: str, on_ms: int = 100, off_ms: int = 100, level: int = 5000) -> list[bytes]:
    """Return a digit string as 20 ms PCM frames ready for a port's line side."""
    return dsp.to_frames(dtmf_samples(digits, on_ms, off_ms, level))


class DtmfDetector:
    """Detect DTMF digits frame by frame; feed() returns a digit once per key press."""

    def __init__(self) -> None:
        self._bank = dsp.ToneBank((*ROWS, *COLS), FRAME_SAMPLES)
        self._prev: str | None = None
        self._held: str | None = None

    def reset(self) -> None:
        self._prev = self._held = None

    def classify(self, x: array.array) -> str | None:
        """Return the digit present in one block of FRAME_SAMPLES samples, or None."""
        e = dsp.energy(x)
        if e < MIN_MEAN_SQUARE * len(x):
            return None
        rows = self._bank.fractions(x, e, 0, 4)
        r = max(range(4), key=rows.__getitem__)
        row = rows[r]
        if row < MIN_TONE_SHARE / (1 + MAX_TWIST):
            return None  # speech or noise: no row tone, skip the column half of the bank
        cols = self._bank.fractions(x, e, 4, 8)
        c = max(range(4), key=cols.__getitem__)
        col = cols[c]
        if row + col < MIN_TONE_SHARE or not row or not col:
            return None
        second_row = max(v for i, v in enumerate(rows) if i != r)
        second_col = max(v for i, v in enumerate(cols) if i != c)
        if row < MIN_GROUP_RATIO * second_row or col < MIN_GROUP_RATIO * second_col:
            return None
        if not 1 / MAX_TWIST <= row / col <= MAX_TWIST:
            return None
        return KEYS[r][c]

    def feed_samples(self, x: array.array) -> str | None:
        raw = self.classify(x)
        digit = None
        if raw is None:
            self._held = None
        elif raw == self._prev and raw != self._held:
            self._held = digit = raw
        self._prev = raw
        return digit

    def feed(self, frame: bytes) -> str | None:
        """Feed one 20 ms frame; return a newly pressed digit or None."""
        return self.feed_samples(dsp.samples(frame))

    def scan(self, pcm: array.array) -> str:
        """Return every digit found in a sample buffer, frame by frame (tests and the simulator)."""
        out = []
        for i in range(0, len(pcm) - FRAME_SAMPLES + 1, FRAME_SAMPLES):
            digit = self.feed_samples(pcm[i : i + FRAME_SAMPLES])
            if digit:
                out.append(digit)
        return "".join(out)

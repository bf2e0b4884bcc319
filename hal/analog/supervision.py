"""FXO line supervision helpers: ring-burst detection and busy/congestion-tone cadence detection.

Both work per 20 ms poll/frame. The cadence detector looks at the share of a frame's energy on the
tone's frequencies (a couple of C-speed dot products, only for frames loud enough to matter) and
matches on/off durations against the country's busy and congestion cadences.
"""

from __future__ import annotations

import array
import logging

from hal.analog import dsp
from hal.country import CountryProfile, Tone
from hal.ports import FRAME_MS

log = logging.getLogger(__name__)

MIN_TONE_MEAN_SQUARE = 200.0**2 / 2  # quieter than a sine of peak 200 (about -44 dBFS): not a tone
MIN_TONE_SHARE = 0.6
TOLERANCE = 0.25  # +/-25 % (plus one frame) on each on/off duration
CYCLES_NEEDED = 3


class RingDetector:
    """Debounce a DAA's ring bits into bursts (DAHDI-style: on after 2 polls, off after 5 silent ones)."""

    def __init__(self, on_polls: int = 2, off_polls: int = 5) -> None:
        self.on_polls, self.off_polls = on_polls, off_polls
        self._hits = 0
        self._misses = 0
        self.ringing = False

    def feed(self, ring_bits: bool) -> str | None:
        """Feed one poll; return 'start' or 'stop' on a burst edge."""
        if ring_bits:
            self._hits += 1
            self._misses = 0
            if not self.ringing and self._hits >= self.on_polls:
                self.ringing = True
                return "start"
        else:
            self._hits = 0
            self._misses += 1
            if self.ringing and self._misses >= self.off_polls:
                self.ringing = False
                return "stop"
        return None


class CadenceDetector:
    """Detect a cadenced tone (busy, congestion) in line frames: returns its name once matched."""

    def __init__(self, tones: dict[str, Tone]) -> None:
        self.tones = {name: tone for name, tone in tones.items() if len(tone.cadence) >= 2}
        self._freqs = sorted({f for tone in self.tones.values() for f in tone.freqs})
        self._on = False
        self._frames = 0
        self._history: list[tuple[bool, int]] = []  # finished segments: (tone on?, ms)

    def reset(self) -> None:
        self._on = False
        self._frames = 0
        self._history.clear()

    def _tone_present(self, x: array.array) -> bool:
        e = dsp.energy(x)
        if e < MIN_TONE_MEAN_SQUARE * len(x):
            return False
        return sum(dsp.tone_fraction(x, f, e) for f in self._freqs) >= MIN_TONE_SHARE

    def feed(self, frame: bytes) -> str | None:
        on = self._tone_present(dsp.samples(frame))
        if on == self._on:
            self._frames += 1
            return None
        self._history.append((self._on, self._frames * FRAME_MS))
        del self._history[: -2 * CYCLES_NEEDED]
        self._on, self._frames = on, 1
        return self._match() if not on else None

    def _match(self) -> str | None:
        """After a tone burst ends: do the last bursts and gaps follow one of the cadences?"""
        for name, tone in self.tones.items():
            on_ms, off_ms = tone.cadence[0], tone.cadence[1]
            recent = self._history[-(2 * CYCLES_NEEDED - 1) :]
            if len(recent) < 2 * CYCLES_NEEDED - 1 or not recent[0][0]:
                continue
            if all(_close(ms, on_ms if was_on else off_ms) for was_on, ms in recent):
                self._history.clear()
                return name
        return None


def _close(measured: int, expected: int) -> bool:
    return abs(measured - expected) <= expected * TOLERANCE + FRAME_MS


def disconnect_tones(country: CountryProfile) -> dict[str, Tone]:
    """The tones that mean the far end is gone: busy and congestion."""
    return {name: country.tones[name] for name in ("busy", "congestion") if name in country.tones}

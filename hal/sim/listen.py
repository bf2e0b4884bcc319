"""What a simulated far end hears: tone bursts measured by frequency analysis, and recordings.

ToneTracker segments the heard audio into bursts by level; once a burst has lasted 200 ms it
measures the burst's strongest frequencies (hal.analog.dsp.dominant_frequencies) and logs a
'tone' event, and when the burst ends a 'tone-end' event with its duration, so a test can check
both the pitch (450 Hz dial tone) and the cadence (busy 350/350 ms). A 'tone' event carries the
bus time of the burst's first loud frame ('start'), so a latency (off hook -> dial tone) is read
to the frame, not to the end of the 200 ms analysis.
"""

from __future__ import annotations

import array
import threading
import wave
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from hal.analog import dsp
from hal.analog.worker import background
from hal.ports import FRAME_MS, SAMPLE_RATE

ANALYSE_SAMPLES = 1600  # 200 ms
MIN_LEVEL_MS = 150.0**2 / 2  # mean square of a sine of peak 150


class ToneTracker:
    """Turn heard frames into 'tone' / 'tone-end' events (frequencies in Hz, durations in ms)."""

    def __init__(self, record: Callable[[dict[str, Any]], None]) -> None:
        self.record = record
        self._on = False
        self._frames = 0
        self._buf = array.array("h")
        self._freqs: list[float] = []
        self._analysis: Future[list[float]] | None = None
        self._ended_ms: int | None = None  # the burst ended before its analysis came back
        self._start = 0.0

    def feed(self, frame: bytes, now: float = 0.0) -> None:
        """Take the next heard frame; `now` is its bus time (stamped on the burst as 'start')."""
        x = dsp.samples(frame)
        loud = dsp.energy(x) >= MIN_LEVEL_MS * len(x)
        if self._analysis is not None and self._analysis.done():
            self._freqs = [round(f, 1) for f in self._analysis.result()]
            self._analysis = None
            self.record({"type": "tone", "freqs": self._freqs, "start": round(self._start, 3)})
            if self._ended_ms is not None:
                self.record({"type": "tone-end", "freqs": self._freqs, "on_ms": self._ended_ms})
                self._ended_ms = None
        if loud:
            if not self._on:
                self._on, self._frames, self._buf, self._freqs = True, 0, array.array("h"), []
                self._start = now
            self._frames += 1
            if len(self._buf) < ANALYSE_SAMPLES:
                self._buf.extend(x)
                if len(self._buf) >= ANALYSE_SAMPLES:  # measured off the clock thread
                    self._analysis = background(dsp.dominant_frequencies, self._buf)
        elif self._on:
            self._on = False
            if self._freqs:
                self.record({"type": "tone-end", "freqs": self._freqs, "on_ms": self._frames * FRAME_MS})
            elif self._analysis is not None:
                self._ended_ms = self._frames * FRAME_MS


class Recording:
    """Collect heard frames until `seconds` are in, then write a WAV and signal done."""

    def __init__(self, path: Path, seconds: float) -> None:
        self.path = path
        self.wanted = max(1, round(seconds * 1000 / FRAME_MS))
        self.frames: list[bytes] = []
        self.done = threading.Event()

    def add(self, frame: bytes) -> None:
        if self.done.is_set():
            return
        self.frames.append(frame)
        if len(self.frames) >= self.wanted:
            write_wav(self.path, b"".join(self.frames))
            self.done.set()


def write_wav(path: Path, pcm: bytes) -> None:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(pcm)


def read_wav(path: Path) -> bytes:
    """Read an 8 kHz mono 16-bit WAV's samples; ValueError naming what is wrong otherwise."""
    with wave.open(str(path), "rb") as wav:
        if (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) != (1, 2, SAMPLE_RATE):
            raise ValueError(
                f"{path}: need 8 kHz mono 16-bit PCM, got {wav.getframerate()} Hz, "
                f"{wav.getnchannels()} channel(s), {8 * wav.getsampwidth()}-bit"
            )
        return wav.readframes(wav.getnframes())

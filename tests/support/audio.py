"""Make test tones as WAV files and measure what arrives: level and Goertzel power per frequency."""

from __future__ import annotations

import array
import math
import wave
from pathlib import Path

RATE = 8000


def write_tone(path: Path, freq: float, seconds: float = 2.0, amplitude: int = 12000) -> Path:
    """Write a mono 8 kHz 16-bit WAV holding a pure tone."""
    samples = array.array(
        "h", (int(amplitude * math.sin(2 * math.pi * freq * n / RATE)) for n in range(int(RATE * seconds)))
    )
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        wav.writeframes(samples.tobytes())
    return path


def read_pcm(path: Path, skip_header: int = 44) -> array.array:
    """Return the 16-bit samples of a WAV, also one still being written (header not final yet)."""
    data = path.read_bytes()[skip_header:]
    data = data[: len(data) - len(data) % 2]
    return array.array("h", data)


def rms(samples: array.array) -> float:
    if not samples:
        return 0.0
    return math.sqrt(sum(s * s for s in samples) / len(samples))


def goertzel(samples: array.array, freq: float, rate: int = RATE) -> float:
    """Return the normalised power of `freq` in the samples (0..~1 for a full-scale tone)."""
    n = len(samples)
    if n == 0:
        return 0.0
    coeff = 2 * math.cos(2 * math.pi * freq / rate)
    s1 = s2 = 0.0
    for x in samples:
        s0 = x + coeff * s1 - s2
        s2, s1 = s1, s0
    power = s1 * s1 + s2 * s2 - coeff * s1 * s2
    return power / (n * n * 32768.0 * 32768.0 / 4)


def dominant(samples: array.array, candidates: list[float]) -> float:
    """Return the candidate frequency with the most power in the samples."""
    return max(candidates, key=lambda f: goertzel(samples, f))

"""A HAL audio channel as a pjsua2 conference-bridge port.

The callbacks run on pjmedia's clock thread: block copies of whole 20 ms frames only, no
logging, no pjsua2 calls. The AudioChannel's deques are the only thing shared with the line.

Each callback also files the time since the previous one into a 0.1 ms histogram (FrameTiming):
two perf_counter reads and an array increment, so the box always knows how steadily its analog
and E1 channels are served (`GET /ports/frames`, bench/hal_frames.py) without a profiler.
"""

from __future__ import annotations

import array
import time

import pjsua2 as pj

from hal.ports import FRAME_BYTES, FRAME_MS, SAMPLE_RATE, AudioChannel

BUCKET_MS = 0.1
BUCKETS = 2000  # 0..200 ms; the last bucket also takes everything up to RESTART_S
RESTART_S = 1.0  # a longer pause is the port being idle/unconnected, not a late frame


def audio_format() -> pj.MediaFormatAudio:
    """8 kHz mono 16-bit, 20 ms: the HAL's frame, so the bridge never resamples it."""
    fmt = pj.MediaFormatAudio()
    fmt.type = pj.PJMEDIA_TYPE_AUDIO
    fmt.clockRate = SAMPLE_RATE
    fmt.channelCount = 1
    fmt.bitsPerSample = 16
    fmt.frameTimeUsec = FRAME_MS * 1000
    return fmt


class FrameTiming:
    """Histogram of the intervals between successive frames in one direction (0.1 ms buckets).

    Written by one thread (pjmedia's clock); readers take a copy, so no lock. A pause longer than
    RESTART_S starts a new stream and is counted in `restarts`, not in the histogram.
    """

    __slots__ = ("hist", "last", "max_ms", "restarts")

    def __init__(self) -> None:
        self.hist = array.array("I", bytes(4 * BUCKETS))
        self.last = 0.0
        self.max_ms = 0.0
        self.restarts = 0

    def tick(self) -> None:
        now = time.perf_counter()
        gap = now - self.last
        self.last = now
        if gap >= RESTART_S:
            self.restarts += 1
            return
        ms = gap * 1000.0
        self.hist[min(int(ms / BUCKET_MS), BUCKETS - 1)] += 1
        if ms > self.max_ms:
            self.max_ms = ms

    def snapshot(self) -> dict:
        """Non-empty buckets as {bucket start in 0.1 ms: count}, the lifetime max and restarts."""
        hist = self.hist[:]  # one C-level copy: consistent without a lock
        return {
            "bucket_ms": BUCKET_MS,
            "hist": {i: n for i, n in enumerate(hist) if n},
            "max_ms": round(self.max_ms, 2),
            "restarts": self.restarts,
        }


class ChannelPort(pj.AudioMediaPort):
    """Bridge port of one HAL port or B-channel; keep a strong reference while the library lives."""

    def __init__(self, name: str, audio: AudioChannel) -> None:
        super().__init__()
        self.name = name
        self.audio = audio
        self.to_core = FrameTiming()
        self.to_line = FrameTiming()
        self.createPort(name, audio_format())

    def onFrameRequested(self, frame: pj.MediaFrame) -> None:  # noqa: N802 - pjsua2 API
        self.to_core.tick()
        frame.buf = pj.ByteVector(self.audio.read_frame())
        frame.size = FRAME_BYTES
        frame.type = pj.PJMEDIA_FRAME_TYPE_AUDIO

    def onFrameReceived(self, frame: pj.MediaFrame) -> None:  # noqa: N802 - pjsua2 API
        self.to_line.tick()
        if frame.type == pj.PJMEDIA_FRAME_TYPE_AUDIO and frame.size == FRAME_BYTES:
            self.audio.write_frame(bytes(frame.buf))

    def timing(self) -> dict:
        """Frame-interval histograms of both directions plus the channel's drop/underrun counters."""
        return {
            "to_core": self.to_core.snapshot(),
            "to_line": self.to_line.snapshot(),
            "frames_in": self.audio.frames_in,
            "frames_out": self.audio.frames_out,
            "underruns": self.audio.underruns,
            "dropped": self.audio.dropped,
        }

"""Port interfaces: what the core may ask of an FXS port, an FXO port and an E1 span.

Concrete ports (built from a board file by hal.board) implement these over their drivers; the
simulator runs the same drivers on simulated buses. Audio: every port/channel carries 20 ms
frames of 8 kHz 16-bit little-endian PCM (320 bytes) in both directions through an AudioChannel.
"""

from __future__ import annotations

import abc
import collections
import dataclasses
from collections.abc import Callable
from typing import Any

SAMPLE_RATE = 8000
FRAME_MS = 20
FRAME_SAMPLES = SAMPLE_RATE * FRAME_MS // 1000
FRAME_BYTES = FRAME_SAMPLES * 2
SILENCE = bytes(FRAME_BYTES)


class AudioChannel:
    """Two bounded frame queues between a line and the core; block copies of whole frames only.

    deque append/popleft are atomic, so the line's clock thread and pjmedia's clock thread can
    each use their own end without locks. When a side falls behind, the oldest frame is dropped
    and counted (never an unbounded backlog, never per-sample Python).

    A queue whose reader stopped (a port out of a call: the bridge does not read it) fills with
    stale frames; those are not counted as lost (a reader more than `depth` frames late is taken
    to have stopped, so a longer stall shows as its first drop only), and when the reader comes back it skips to the
    newest RESUME_KEEP frames, so a new call does not start `depth` frames (160 ms) late with no
    headroom left for jitter.
    """

    RESUME_KEEP = 2

    def __init__(self, depth: int = 8) -> None:
        self.depth = depth
        self._from_line: collections.deque[bytes] = collections.deque(maxlen=depth)
        self._to_line: collections.deque[bytes] = collections.deque(maxlen=depth)
        self.frames_in = 0
        self.frames_out = 0
        self.underruns = 0
        self.dropped = 0  # frames pushed out of a full queue while its reader was reading
        self.tap: Callable[[bytes], None] | None = None  # sees each frame from the line (DTMF detection)
        self._read_at = -depth - 1  # frames_in when the core last read (long ago: not reading)
        self._taken_at = -depth - 1  # frames_out when the line last took a frame

    # line side (driver / simulator)
    def put_from_line(self, frame: bytes) -> None:
        if self.tap is not None:
            self.tap(frame)
        if len(self._from_line) == self.depth and self.frames_in - self._read_at <= self.depth:
            self.dropped += 1
        self._from_line.append(frame)
        self.frames_in += 1

    def take_to_line(self) -> bytes:
        if self.frames_out - self._taken_at > self.depth:
            self._skip_stale(self._to_line)
        self._taken_at = self.frames_out
        try:
            return self._to_line.popleft()
        except IndexError:
            return SILENCE

    # core side (pjsua2 AudioMediaPort callbacks)
    def read_frame(self) -> bytes:
        if self.frames_in - self._read_at > self.depth:
            self._skip_stale(self._from_line)
        self._read_at = self.frames_in
        try:
            return self._from_line.popleft()
        except IndexError:
            self.underruns += 1
            return SILENCE

    def write_frame(self, frame: bytes) -> None:
        if len(self._to_line) == self.depth and self.frames_out - self._taken_at <= self.depth:
            self.dropped += 1
        self._to_line.append(frame)
        self.frames_out += 1

    def _skip_stale(self, queue: collections.deque[bytes]) -> None:
        """The reader is back after a pause: keep only the newest frames."""
        while len(queue) > self.RESUME_KEEP:
            queue.popleft()

    def available(self) -> int:
        """Frames from the line waiting for the core."""
        return len(self._from_line)

    def pending_to_line(self) -> int:
        """Frames from the core not yet sent to the line."""
        return len(self._to_line)

    def clear(self) -> None:
        self._from_line.clear()
        self._to_line.clear()


@dataclasses.dataclass(frozen=True)
class CallerIdInfo:
    """Caller ID to send on an FXS ring; the standard comes from the country profile."""

    number: str
    name: str = ""


class Port(abc.ABC):
    """A physical port (or E1 B-channel) with a stable name, a state and an audio channel."""

    kind: str = ""

    def __init__(self, name: str) -> None:
        self.name = name
        self.audio = AudioChannel()
        self.fault: str | None = None
        # Set by the core while a call wants the keys the far end presses (an IVR, a queue's
        # callback key): the port then detects in-band DTMF on what the line sends and posts Digit.
        self.listen_digits = False

    @property
    def faulty(self) -> bool:
        return self.fault is not None

    @abc.abstractmethod
    def state(self) -> str:
        """Return the port's state name for status displays (e.g. 'onhook', 'ringing', 'faulty')."""

    def info(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "state": self.state(), "fault": self.fault}


class FxsPort(Port):
    """An analog phone on the box: ring it, tone it, supervise it."""

    kind = "fxs"

    @abc.abstractmethod
    def ring(self, caller_id: CallerIdInfo | None = None) -> None:
        """Ring with the country cadence; caller ID goes between the first and second ring."""

    @abc.abstractmethod
    def stop_ring(self) -> None: ...

    @abc.abstractmethod
    def play_tone(self, tone: str) -> None:
        """Play a country tone ('dial', 'busy', 'ringback', 'congestion') until stop_tone()."""

    @abc.abstractmethod
    def stop_tone(self) -> None: ...

    @abc.abstractmethod
    def reverse_polarity(self) -> None:
        """Answer/disconnect supervision towards the phone."""

    @abc.abstractmethod
    def set_mwi(self, on: bool) -> None:
        """Message-waiting indication (lamp / stutter) on or off."""


class FxoPort(Port):
    """A PSTN line into the box: answer it, seize it, dial on it."""

    kind = "fxo"

    @abc.abstractmethod
    def seize(self) -> None:
        """Go off-hook (answer a ringing line or start an outgoing call)."""

    @abc.abstractmethod
    def release(self) -> None:
        """Go on-hook."""

    @abc.abstractmethod
    def dial(self, digits: str) -> None:
        """Dial DTMF digits on a seized line."""

    @abc.abstractmethod
    def check_line(self) -> float:
        """Measure line voltage; return volts (posts LineHealth)."""


class E1Channel(Port):
    """One B-channel of an E1 span (e1/1..e1/30); calls are controlled through the span."""

    kind = "e1-channel"


class E1Span(Port):
    """An E1 span: framing/alarms, 30 B-channels, ISDN PRI call control."""

    kind = "e1"

    channels: dict[str, E1Channel]

    @abc.abstractmethod
    def place_call(self, calling: str, called: str, channel: str | None = None) -> int:
        """Send SETUP on a free (or the given) B-channel; return the call reference."""

    @abc.abstractmethod
    def proceeding(self, call_ref: int) -> None: ...

    @abc.abstractmethod
    def alerting(self, call_ref: int) -> None: ...

    @abc.abstractmethod
    def answer(self, call_ref: int) -> None:
        """Send CONNECT for an incoming call."""

    @abc.abstractmethod
    def hangup(self, call_ref: int, cause: int = 16) -> None:
        """Clear the call with a Q.850 cause (16 normal clearing, 17 busy, 1 unallocated number...)."""

    @abc.abstractmethod
    def channel_of(self, call_ref: int) -> str:
        """Return the B-channel name (e1/N) a call uses."""

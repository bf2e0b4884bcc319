"""Named protocol timers as deadlines on an injectable clock; the owner polls for expiries.

Pure: nothing sleeps or spawns threads here. A state machine starts and stops timers by name,
its owner calls `expired()` from whatever loop it runs (a span's worker thread, a test with a
FakeClock) and feeds each expiry back as an event.
"""

from __future__ import annotations

import time
from collections.abc import Callable

Clock = Callable[[], float]


class FakeClock:
    """A clock tests move by hand."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class Timers:
    """A set of named one-shot deadlines."""

    def __init__(self, clock: Clock = time.monotonic) -> None:
        self.clock = clock
        self._deadlines: dict[str, float] = {}

    def start(self, name: str, seconds: float) -> None:
        """(Re)start timer `name` to expire `seconds` from now."""
        self._deadlines[name] = self.clock() + seconds

    def stop(self, name: str) -> None:
        self._deadlines.pop(name, None)

    def stop_all(self) -> None:
        self._deadlines.clear()

    def running(self, name: str) -> bool:
        return name in self._deadlines

    def names(self) -> list[str]:
        return sorted(self._deadlines)

    def next_deadline(self) -> float | None:
        return min(self._deadlines.values(), default=None)

    def expired(self) -> list[str]:
        """Remove and return the timers that are due, earliest first."""
        now = self.clock()
        due = sorted((at, name) for name, at in self._deadlines.items() if at <= now)
        for _, name in due:
            del self._deadlines[name]
        return [name for _, name in due]

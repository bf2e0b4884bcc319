"""Hook-switch interpretation for an FXS line: debounce, off-hook/on-hook, hook flash, pulse digits.

Input is raw loop-closure transitions, each stamped with the line clock's time where it happened
(from the SLIC's interrupt, or a poll). Output is events. Rules (times configurable):

- A state must hold `debounce` (30 ms) to count; shorter blips are contact bounce.
- An on-hook (break) interval shorter than `flash_min` (100 ms) is a dial pulse; pulses are counted
  while the line is made between them, and `interdigit` (300 ms) of steady off-hook ends the
  digit (10 pulses = '0'). Dial pulses at 10 pps are ~60 ms break / 40 ms make.
- A break of `flash_min`..`flash_max` (700 ms) is a hook flash; a longer break is on-hook.

feed() may be called from an interrupt thread; all interpretation happens in tick(), on the line
clock's thread, so the detector needs no lock.
"""

from __future__ import annotations

import collections
import dataclasses
import logging
from collections.abc import Callable

from hal.events import Digit, Flash, HalEvent, OffHook, OnHook

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class HookTiming:
    debounce: float = 0.030
    flash_min: float = 0.100
    flash_max: float = 0.700
    interdigit: float = 0.300


class HookDetector:
    """Turn timestamped loop-closure transitions into OffHook/OnHook/Flash/Digit(pulse) events."""

    def __init__(self, port: str, post: Callable[[HalEvent], None], timing: HookTiming | None = None) -> None:
        self.port = port
        self.post = post
        self.timing = timing or HookTiming()
        self._raw: collections.deque[tuple[float, bool]] = collections.deque()
        self._state = False  # raw state being timed
        self._since = 0.0
        self.offhook = False  # debounced, as reported to the core
        self._break_at: float | None = None  # start of the current debounced on-hook while off-hook
        self._pulses = 0
        self._last_make = 0.0

    def feed(self, at: float, offhook: bool) -> None:
        """Record a raw transition (any thread)."""
        self._raw.append((at, offhook))

    def reset(self, offhook: bool, at: float) -> None:
        """Start from a known state without posting (e.g. after a fault)."""
        self._raw.clear()
        self._state = self.offhook = offhook
        self._since = at
        self._break_at = None
        self._pulses = 0

    def tick(self, now: float) -> None:
        """Interpret the transitions so far and the timers (line-clock thread)."""
        while self._raw:
            at, state = self._raw.popleft()
            if state == self._state:
                continue
            self._settle(at)
            self._state, self._since = state, at
        self._settle(now)
        self._timers(now)

    def _settle(self, now: float) -> None:
        """Commit the timed raw state if it held for the debounce time."""
        if self._state == self._committed() or now - self._since < self.timing.debounce:
            return
        if self._state:
            self._make(self._since)
        else:
            self._break_at = self._since

    def _committed(self) -> bool:
        return self.offhook and self._break_at is None

    def _make(self, at: float) -> None:
        if not self.offhook:
            self.offhook = True
            self._pulses = 0
            self.post(OffHook(self.port))
            return
        length = at - (self._break_at or at)
        self._break_at = None
        if length > self.timing.flash_max:  # the timer did not run in between: a hang-up and a new lift
            self._flush_digit()
            self.post(OnHook(self.port))
            self.post(OffHook(self.port))
        elif length < self.timing.flash_min:
            self._pulses += 1
            self._last_make = at
        elif length <= self.timing.flash_max:
            self._flush_digit()
            self.post(Flash(self.port))

    def _timers(self, now: float) -> None:
        # A break ends where the raw line closed again, even if that make is still being debounced.
        end = self._since if self._state else now
        if self._break_at is not None and end - self._break_at > self.timing.flash_max:
            self._break_at = None
            self._pulses = 0
            self.offhook = False
            self.post(OnHook(self.port))
        elif self._pulses and self._break_at is None and now - self._last_make >= self.timing.interdigit:
            self._flush_digit()

    def _flush_digit(self) -> None:
        if self._pulses:
            count, self._pulses = self._pulses, 0
            if count > 10:
                log.info("%s: %d dial pulses is no digit; ignored", self.port, count)
                return
            self.post(Digit(self.port, str(count % 10), mode="pulse"))

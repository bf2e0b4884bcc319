"""Rolling figures the engine decides with: agent load over a window, queue handle times, wait estimate.

AgentLoad keeps, per agent and across every queue, the times calls were answered and the talk time
of calls that ended; fewest-calls and least-talk-time read them over a queue's stats_window. Entries
older than the longest window any queue asks for are dropped as new ones arrive.

HandleTimes keeps a queue's last `aht_samples` handle times (talk time plus the wrap-up actually
spent, recorded when the wrap-up ends). The estimated wait of the caller at `position` is

    position * average handle time / staffed members

where staffed members are the queue's members logged in and not paused: on average one of them
frees up every AHT/staffed seconds. It is None when there is no handle time yet or nobody is staffed.
"""

from __future__ import annotations

import collections
from collections.abc import Iterable


class AgentLoad:
    """One agent's answered calls and talk time, for windowed strategies."""

    def __init__(self) -> None:
        self._answered: collections.deque[float] = collections.deque()
        self._talk: collections.deque[tuple[float, float]] = collections.deque()

    def note_answer(self, at: float, keep: float) -> None:
        """Count a call answered at `at`; forget entries older than `keep` seconds."""
        self._answered.append(at)
        while self._answered and self._answered[0] < at - keep:
            self._answered.popleft()

    def note_talk(self, at: float, talk_time: float, keep: float) -> None:
        """Add the talk time of a call that ended at `at`; forget entries older than `keep` seconds."""
        self._talk.append((at, talk_time))
        while self._talk and self._talk[0][0] < at - keep:
            self._talk.popleft()

    def answered_since(self, since: float) -> int:
        """Return how many calls were answered at or after `since`."""
        n = 0
        for at in reversed(self._answered):
            if at < since:
                break
            n += 1
        return n

    def talk_since(self, since: float) -> float:
        """Return the talk time of calls that ended at or after `since`."""
        total = 0.0
        for at, talk in reversed(self._talk):
            if at < since:
                break
            total += talk
        return total


class HandleTimes:
    """A queue's most recent handle times."""

    def __init__(self, samples: int) -> None:
        self._times: collections.deque[float] = collections.deque(maxlen=samples)

    def resize(self, samples: int) -> None:
        """Keep at most `samples` handle times from now on (the newest are kept)."""
        if samples != self._times.maxlen:
            self._times = collections.deque(self._times, maxlen=samples)

    def add(self, seconds: float) -> None:
        """Record the handle time of one finished call."""
        self._times.append(max(0.0, seconds))

    def extend(self, seconds: Iterable[float]) -> None:
        """Record several handle times, oldest first (to seed the estimate after a restart)."""
        for s in seconds:
            self.add(s)

    def average(self) -> float | None:
        """Return the mean handle time, or None before the first call."""
        if not self._times:
            return None
        return sum(self._times) / len(self._times)


def estimate_wait(position: int, aht: float | None, staffed: int) -> float | None:
    """Return the expected wait of the caller at `position` (1 = next), or None if unknown."""
    if aht is None or staffed <= 0:
        return None
    return position * aht / staffed

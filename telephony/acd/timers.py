"""Named one-shot deadlines for the engine: set, replace, cancel, and pop in time order.

A timer is named by a hashable key such as ("ring", offer_id); setting a key again replaces its
deadline. Deadlines that tie fire in the order they were set, so runs are reproducible.
Cancelled entries stay in the heap until they reach the top (or the heap is compacted).
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Hashable


class Timers:
    """A heap of named deadlines."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Hashable]] = []
        self._live: dict[Hashable, tuple[float, int]] = {}
        self._seq = itertools.count()

    def __len__(self) -> int:
        return len(self._live)

    def set(self, key: Hashable, at: float) -> None:
        """Fire `key` at `at`, replacing any deadline it had."""
        seq = next(self._seq)
        self._live[key] = (at, seq)
        heapq.heappush(self._heap, (at, seq, key))
        if len(self._heap) > 2 * len(self._live) + 64:
            self._heap = [(a, s, k) for k, (a, s) in self._live.items()]
            heapq.heapify(self._heap)

    def cancel(self, key: Hashable) -> None:
        """Forget `key` (no effect if it is not set)."""
        self._live.pop(key, None)

    def deadline(self, key: Hashable) -> float | None:
        """Return when `key` fires, or None."""
        entry = self._live.get(key)
        return entry[0] if entry else None

    def next_deadline(self) -> float | None:
        """Return the earliest live deadline, or None."""
        heap = self._heap
        while heap:
            at, seq, key = heap[0]
            if self._live.get(key) == (at, seq):
                return at
            heapq.heappop(heap)
        return None

    def pop_due(self, now: float) -> tuple[Hashable, float] | None:
        """Remove and return the earliest (key, deadline) due at or before `now`, or None."""
        at = self.next_deadline()
        if at is None or at > now:
            return None
        _, _, key = heapq.heappop(self._heap)
        del self._live[key]
        return key, at

"""The CTI event stream: call and agent events in order, numbered, for consoles and webhooks.

The engine thread publishes; HTTP threads read with `since` (the last number they saw) and may
wait for news. A bounded ring: a reader that fell more than `size` events behind is told so
(`lost`), never blocked or fed an unbounded backlog.
"""

from __future__ import annotations

import collections
import threading
import time
from typing import Any


class CtiBus:
    """Numbered events with a condition for long-polling readers."""

    def __init__(self, size: int = 2000) -> None:
        self._events: collections.deque[dict[str, Any]] = collections.deque(maxlen=size)
        self._cond = threading.Condition()
        self.seq = 0

    def publish(self, kind: str, **data: Any) -> None:
        """Add an event (engine thread); `data` must be JSON-able."""
        with self._cond:
            self.seq += 1
            self._events.append({"seq": self.seq, "at": time.time(), "type": kind, **data})
            self._cond.notify_all()

    def read(self, since: int = 0, wait: float = 0.0, agent: str | None = None) -> dict[str, Any]:
        """Events after `since` (optionally only those naming `agent`), waiting up to `wait` s."""
        deadline = time.monotonic() + max(0.0, min(wait, 30.0))
        with self._cond:
            while self.seq <= since and time.monotonic() < deadline:
                self._cond.wait(deadline - time.monotonic())
            events = [e for e in self._events if e["seq"] > since]
            first = self._events[0]["seq"] if self._events else self.seq + 1
            last = self.seq
        lost = since + 1 < first and since < last
        if agent is not None:  # an agent's console sees its own calls and state, nobody else's
            events = [e for e in events if e.get("agent") == agent]
        return {"last": last, "lost": lost, "events": events}

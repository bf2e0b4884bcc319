"""Relay pbx-core's CTI event stream to a browser or an integration as Server-Sent Events.

Each open stream runs its own loop of `POST /cti/events {since, wait, agent}` long polls and
writes what comes back as SSE blocks (`id: <seq>` then `data: <json>`). The web server is
cheroot with a fixed pool of threads and a stream holds one of them for as long as it is open,
so streams are rationed (`StreamGate`): at most `max_streams` at once, each closed after
`lifetime` seconds; the browser's EventSource reconnects on its own and sends `Last-Event-ID`,
so nothing is missed across the reconnect. An agent's stream carries only events naming that
agent (pbx-core filters; the relay checks again).

Besides the events, a stream sends: `retry:` (the reconnect delay) first; a bare `id:` after a
poll in which only other agents' events went by, so a reconnect resumes from there rather than
far behind; `: ping` comments when nothing happened, which also find a closed connection;
`event: reset` when pbx-core restarted (its numbering started over); `event: lost` when the
stream fell so far behind that events were dropped; `event: unavailable` when pbx-core stopped
answering (the stream then ends and the browser reconnects).
"""

from __future__ import annotations

import itertools
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from telephony.control.client import ControlClient
from telephony.errors import ControlError

log = logging.getLogger(__name__)

# webadmin.main sizes cheroot's pool as these plus the threads kept for pages.
MAX_STREAMS = 24
LIFETIME = 240.0  # seconds a stream stays open before the browser is made to reconnect
POLL_WAIT = 20.0  # seconds one long poll may wait in pbx-core (it allows at most 30)
RETRY_MS = 2000
# A poll that came back empty sooner than this did not wait (a core that ignores `wait`): pause.
MIN_EMPTY_POLL = 0.05

Enrich = Callable[[dict[str, Any]], dict[str, Any]]


@dataclass
class StreamGate:
    """Count the open streams of one app; a slot not given back expires after its lifetime."""

    max_streams: int = MAX_STREAMS
    lifetime: float = LIFETIME
    poll_wait: float = POLL_WAIT
    _open: dict[int, float] = field(default_factory=dict)
    _ids: Iterator[int] = field(default_factory=itertools.count)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def acquire(self) -> int | None:
        """Return a slot number, or None when every slot is taken."""
        now = time.monotonic()
        with self._lock:
            # A stream whose generator was never closed (a dropped connection the server did not
            # notice) must not hold its slot forever: slots outlive their stream by one poll at most.
            for slot, deadline in list(self._open.items()):
                if deadline < now:
                    del self._open[slot]
            if len(self._open) >= self.max_streams:
                return None
            slot = next(self._ids)
            self._open[slot] = now + self.lifetime + self.poll_wait + 15
            return slot

    def release(self, slot: int) -> None:
        with self._lock:
            self._open.pop(slot, None)

    @property
    def open_streams(self) -> int:
        with self._lock:
            return len(self._open)


_GATE_LOCK = threading.Lock()


def gate_of(config: dict[str, Any]) -> StreamGate:
    """Return the app's gate (made on first use; a test may put its own in `pbx.streams`)."""
    with _GATE_LOCK:
        gate = config.get("pbx.streams")
        if gate is None:
            gate = StreamGate()
            config["pbx.streams"] = gate
        return gate


def parse_since(header: str | None, query: str | None) -> int | None:
    """Return where to resume: Last-Event-ID, else ?since=, else None (start from now)."""
    for text in (header, query):
        if text and text.strip().isdigit() and len(text.strip()) < 19:
            return int(text.strip())
    return None


def block(data: dict[str, Any], *, event: str = "", event_id: int | None = None) -> str:
    """Format one SSE block; JSON has no raw newlines, so one `data:` line holds it."""
    lines = []
    if event_id is not None:
        lines.append(f"id: {event_id}")
    if event:
        lines.append(f"event: {event}")
    lines.append("data: " + json.dumps(data, ensure_ascii=False, separators=(",", ":")))
    return "\n".join(lines) + "\n\n"


def relay(
    control: ControlClient,
    agent: str,
    since: int | None,
    gate: StreamGate,
    slot: int,
    enrich: Enrich | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[str]:
    """Yield SSE text for `agent`'s events after `since` until the gate's lifetime is over.

    Holds `slot` of `gate` and gives it back however the stream ends (finished, client gone,
    generator closed by the server).
    """
    try:
        # The long poll needs a client whose timeout outlasts the wait it asks for.
        client = ControlClient(control.base_url, timeout=gate.poll_wait + 10)
        yield f"retry: {RETRY_MS}\n\n"
        end = time.monotonic() + gate.lifetime
        if since is None:
            try:
                since = int(client.post("/cti/events", {"since": 0, "wait": 0, "agent": agent})["last"])
            except (ControlError, KeyError, TypeError, ValueError) as exc:
                log.warning("CTI stream for agent %s: pbx-core unavailable: %s", agent, exc)
                yield block({"reason": "core"}, event="unavailable")
                return
            yield f"id: {since}\n\n"
        while (left := end - time.monotonic()) > 0:
            asked = time.monotonic()
            try:
                reply = client.post(
                    "/cti/events",
                    {"since": since, "wait": round(min(gate.poll_wait, left), 2), "agent": agent},
                )
                last = int(reply["last"])
                events = list(reply.get("events") or [])
            except (ControlError, KeyError, TypeError, ValueError) as exc:
                log.warning("CTI stream for agent %s: pbx-core unavailable: %s", agent, exc)
                yield block({"reason": "core"}, event="unavailable")
                return
            if last < since:
                # pbx-core restarted and numbers from 1 again: carry on from its present.
                since = last
                yield block({"last": last}, event="reset", event_id=last)
                continue
            if reply.get("lost"):
                yield block({"since": since}, event="lost")
            sent = since
            for event in events:
                if not isinstance(event, dict) or str(event.get("agent", "")) != agent:
                    continue
                seq = int(event.get("seq", 0))
                if seq <= since:
                    continue
                if enrich is not None:
                    event = enrich(event)
                yield block(event, event_id=seq)
                sent = seq
            if last > sent:
                yield f"id: {last}\n\n"
            elif sent == since:
                yield ": ping\n\n"
                if time.monotonic() - asked < MIN_EMPTY_POLL:
                    sleep(min(1.0, max(0.0, end - time.monotonic())))
            since = max(since, last)
    finally:
        gate.release(slot)

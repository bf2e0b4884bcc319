"""Store the ACD engine's records as AcdEvent rows, from a writer thread (never on the loop).

Engine times are monotonic seconds; rows get UTC wall time, converted when the record is taken
(the two clocks are read together, so the conversion is exact to the loop's latency).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import queue
import threading
import time
from collections.abc import Callable

from telephony.acd import records as rec
from telephony.models import database
from telephony.models.callcenter import AcdEvent

log = logging.getLogger(__name__)

KINDS: dict[type, str] = {
    rec.CallerEntered: "entered",
    rec.CallerOffered: "offered",
    rec.OfferEnded: "offer-ended",
    rec.CallerAnswered: "answered",
    rec.CallerAbandoned: "abandoned",
    rec.CallerOverflowed: "overflowed",
    rec.CallbackRequested: "callback-requested",
    rec.CallbackStarted: "callback-started",
    rec.CallbackEnded: "callback-ended",
    rec.CallCompleted: "completed",
    rec.AgentStateChanged: "agent-state",
}
_COLUMNS = {"call_id", "queue_id", "agent_id", "wait", "talk_time", "reason", "at"}


def row_of(record: rec.Record, caller: str, wall: float, mono: float) -> dict:
    """The AcdEvent columns of one record (`wall`/`mono`: the two clocks read at the same moment)."""
    data = dataclasses.asdict(record)
    at = dt.datetime.fromtimestamp(wall - (mono - record.at), dt.UTC).replace(tzinfo=None)
    extra = {k: v for k, v in data.items() if k not in _COLUMNS}
    if isinstance(record, rec.CallerEntered):
        caller = caller or record.number
    reason = data.get("reason", "") or data.get("outcome", "") or ""
    if isinstance(record, rec.AgentStateChanged):
        reason = record.reason or record.new
    return {
        "at": at,
        "kind": KINDS.get(type(record), type(record).__name__),
        "queue": data.get("queue_id", "") or "",
        "agent": data.get("agent_id", "") or "",
        "call_id": data.get("call_id", "") or "",
        "caller": caller,
        "wait_ms": int(round(1000 * float(data.get("wait", 0) or 0))),
        "talk_ms": int(round(1000 * float(data.get("talk_time", 0) or 0))),
        "reason": str(reason)[:32],
        "extra": json.dumps(extra, default=str, ensure_ascii=False),
    }


_NOTHING = object()


class RecordWriter:
    """Queue rows from the engine thread; a daemon thread inserts them in small transactions."""

    def __init__(self) -> None:
        self._queue: queue.Queue[dict | Callable[[], None] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="acd-writer", daemon=True)
        self._thread.start()

    def submit(self, record: rec.Record, caller: str = "") -> None:
        self._queue.put(row_of(record, caller, time.time(), time.monotonic()))

    def run(self, write: Callable[[], None]) -> None:
        """Run another small DB write on the writer's thread, in order with the records."""
        self._queue.put(write)

    def stop(self, timeout: float = 5.0) -> None:
        self._queue.put(None)
        self._thread.join(timeout)

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until every queued row is stored (tests, shutdown)."""
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.01)
        return not self._queue.unfinished_tasks

    def _run(self) -> None:
        carried: object = _NOTHING  # an item taken while filling a batch, handled next (keeps the order)
        while True:
            item = carried if carried is not _NOTHING else self._queue.get()
            carried = _NOTHING
            if item is None:
                self._queue.task_done()
                break
            if callable(item):
                self._call(item)
                continue
            batch = [item]
            while len(batch) < 200:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None or callable(more):
                    carried = more
                    break
                batch.append(more)
            try:
                with database.atomic():
                    AcdEvent.insert_many(batch).execute()
            except Exception:  # a bad batch must not kill the writer; it is logged
                log.exception("could not store %d ACD events", len(batch))
            for _ in batch:
                self._queue.task_done()
        database.close()

    def _call(self, write: Callable[[], None]) -> None:
        try:
            with database.atomic():
                write()
        except Exception:  # logged; the writer goes on with the next item
            log.exception("ACD writer: %s failed", getattr(write, "__name__", write))
        finally:
            self._queue.task_done()

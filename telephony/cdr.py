"""Write CDR rows from a background thread so a slow disk never stalls the engine loop."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import queue
import threading

from telephony.models import CallLeg, Cdr, database

log = logging.getLogger(__name__)


@dataclasses.dataclass
class LegRecord:
    """What one leg contributes to the CDR."""

    role: str
    peer: str
    sip_call_id: str = ""
    start: dt.datetime | None = None
    answer: dt.datetime | None = None
    end: dt.datetime | None = None
    status_code: int = 0


@dataclasses.dataclass
class CdrRecord:
    """One finished call, ready to be stored."""

    uniqueid: str
    caller: str
    caller_name: str
    callee: str
    start: dt.datetime
    answer: dt.datetime | None
    end: dt.datetime
    disposition: str
    status_code: int
    hangup_by: str
    legs: list[LegRecord]

    @property
    def billsec(self) -> int:
        return int((self.end - self.answer).total_seconds()) if self.answer else 0

    @property
    def duration(self) -> int:
        return int((self.end - self.start).total_seconds())


def store(record: CdrRecord) -> None:
    """Insert one CDR and its legs in one transaction."""
    with database.atomic():
        row = Cdr.create(
            uniqueid=record.uniqueid,
            caller=record.caller,
            caller_name=record.caller_name,
            callee=record.callee,
            start=record.start,
            answer=record.answer,
            end=record.end,
            billsec=record.billsec,
            duration=record.duration,
            disposition=record.disposition,
            status_code=record.status_code,
            hangup_by=record.hangup_by,
        )
        for leg in record.legs:
            CallLeg.create(
                cdr=row,
                role=leg.role,
                peer=leg.peer,
                sip_call_id=leg.sip_call_id,
                start=leg.start or record.start,
                answer=leg.answer,
                end=leg.end or record.end,
                status_code=leg.status_code,
            )


class CdrWriter:
    """Queue CDRs from the engine thread; a daemon thread stores them."""

    def __init__(self) -> None:
        self._queue: queue.Queue[CdrRecord | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="cdr-writer", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def submit(self, record: CdrRecord) -> None:
        self._queue.put(record)

    def stop(self, timeout: float = 5.0) -> None:
        self._queue.put(None)
        self._thread.join(timeout)

    def _run(self) -> None:
        while (record := self._queue.get()) is not None:
            try:
                store(record)
            except Exception:  # a bad row must not kill the writer; it is logged with its id
                log.exception("could not store CDR %s", record.uniqueid)
        database.close()

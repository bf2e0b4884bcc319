"""What every kind of call keeps for its CDR and status line, shared by BridgeCall and LineCall."""

from __future__ import annotations

import datetime as dt

from telephony.cdr import CdrRecord, LegRecord
from telephony.models import utcnow


class CallRecord:
    """Mixin: the call's identity and outcome, turned into a CdrRecord or a status summary.

    A subclass sets uniqueid, caller, caller_name, callee, state, start, answered_at, disposition,
    status_code, hangup_by and legs (role -> LegRecord), and has legs `a` and `b`.
    """

    uniqueid: str
    caller: str
    caller_name: str
    callee: str
    state: str
    start: dt.datetime
    answered_at: dt.datetime | None
    disposition: str
    status_code: int
    hangup_by: str
    legs: dict[str, LegRecord]

    def cdr_record(self) -> CdrRecord:
        return CdrRecord(
            uniqueid=self.uniqueid,
            caller=self.caller,
            caller_name=self.caller_name,
            callee=self.callee,
            start=self.start,
            answer=self.answered_at,
            end=utcnow(),
            disposition=self.disposition or "FAILED",
            status_code=self.status_code,
            hangup_by=self.hangup_by,
            legs=list(self.legs.values()),
        )

    def summary(self) -> dict:
        return {
            "uniqueid": self.uniqueid,
            "caller": self.caller,
            "callee": self.callee,
            "state": self.state,
            "start": self.start.isoformat(),
            "answer": self.answered_at.isoformat() if self.answered_at else None,
            "legs": [getattr(leg, "peer", leg.role) for leg in (self.a, self.b) if leg is not None],
        }

"""What a pbx-core restart must not lose: agent logins, and the callers it was holding.

Logins (agent -> contact, and a pause reason) are saved in the `acd_logins` setting after every
change (by the record writer's thread, off the loop) and replayed into the engine at start.
Callers who were in a queue when pbx-core stopped cannot be saved: at start, every call the ACD
event log shows entering a queue without an outcome gets its outcome written as what it was
for the caller, a failed call (CDR FAILED, hung up by the system; ACD 'abandoned' with reason
'restart'), and a call that was connected to an agent gets its CDR (ANSWERED, ended at the
restart) and 'completed' record, so reports and the CDR agree.
"""

from __future__ import annotations

import datetime as dt
import json
import logging

from telephony.cdr import CdrRecord, LegRecord, store
from telephony.models import Cdr, Setting, database, utcnow
from telephony.models.callcenter import AcdEvent

log = logging.getLogger(__name__)

LOGINS_KEY = "acd_logins"
LOOKBACK = dt.timedelta(days=2)  # calls older than this are history, not interrupted calls
TERMINAL = ("answered", "abandoned", "overflowed")


def saved_logins() -> dict[str, dict]:
    """{agent: {"contact": ..., "pause": reason or ""}} as last saved."""
    try:
        data = json.loads(Setting.get_value(LOGINS_KEY, "{}") or "{}")
    except ValueError:
        log.error("setting %s is not JSON: agent logins not restored", LOGINS_KEY)
        return {}
    return {str(k): v for k, v in data.items() if isinstance(v, dict) and v.get("contact")}


def save_logins(logins: dict[str, dict]) -> None:
    Setting.set_value(LOGINS_KEY, json.dumps(logins, sort_keys=True))


def recover_interrupted_calls(now: dt.datetime | None = None) -> int:
    """Write the outcome of every queue call cut off by a restart; return how many there were."""
    now = now or utcnow()
    since = now - LOOKBACK
    rows = list(
        AcdEvent.select()
        .where((AcdEvent.at >= since) & AcdEvent.kind.in_(("entered", *TERMINAL, "completed")))
        .order_by(AcdEvent.id)
    )
    calls: dict[str, dict] = {}
    for row in rows:
        entry = calls.setdefault(row.call_id, {"kinds": [], "entered": None, "answered": None})
        entry["kinds"].append(row.kind)
        if row.kind == "entered" and entry["entered"] is None:
            entry["entered"] = row
        if row.kind == "answered":
            entry["answered"] = row
    count = 0
    with database.atomic():
        for call_id, entry in calls.items():
            entered = entry["entered"]
            if entered is None or Cdr.select().where(Cdr.uniqueid == call_id).exists():
                continue
            kinds = entry["kinds"]
            # The last queue the caller entered decides: an overflow A -> B ends in B.
            last_entered = max(i for i, k in enumerate(kinds) if k == "entered")
            outcome = kinds[last_entered + 1 :]
            answered = entry["answered"]
            if any(k in ("abandoned", "overflowed") for k in outcome) or "completed" in outcome:
                continue
            if answered is not None and "answered" in outcome:
                _write(call_id, entered, answered.at, now, "ANSWERED", 200)
                AcdEvent.create(
                    at=now,
                    kind="completed",
                    queue=answered.queue,
                    agent=answered.agent,
                    call_id=call_id,
                    caller=entered.caller,
                    reason="restart",
                )
            else:
                _write(call_id, entered, None, now, "FAILED", 500)
                waited = int((now - entered.at).total_seconds() * 1000)
                AcdEvent.create(
                    at=now,
                    kind="abandoned",
                    queue=entered.queue,
                    call_id=call_id,
                    caller=entered.caller,
                    wait_ms=waited,
                    reason="restart",
                )
            count += 1
    if count:
        log.warning("%d queue call(s) were cut off by the last pbx-core stop: logged (CDR + ACD log)", count)
    return count


def _write(call_id: str, entered: AcdEvent, answer, end, disposition: str, code: int) -> None:
    leg = LegRecord("caller", entered.caller, start=entered.at, answer=answer, end=end, status_code=code)
    store(
        CdrRecord(
            uniqueid=call_id,
            caller=entered.caller,
            caller_name="",
            callee=entered.queue,
            start=entered.at,
            answer=answer,
            end=end,
            disposition=disposition,
            status_code=code,
            hangup_by="system",
            legs=[leg],
        )
    )

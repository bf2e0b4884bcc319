"""Screen pop: who is calling (the customer record), their recent calls with us, the queue's CRM link.

Built when an agent's phone rings from a queue; also the agent's own recent queue calls. All of it
read from the database (Customer, Cdr, AcdEvent, Queue); nothing here talks to pbx-core.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import urllib.parse
from typing import Any

from telephony.callcenter.customers import find_by_number
from telephony.models import AcdEvent, Cdr, CustomerNumber, Queue

HISTORY_ROWS = 10
RECENT_ROWS = 15
CRM_FIELDS = ("caller", "queue", "digits", "callid")
CRM_RE = re.compile(r"\{(" + "|".join(CRM_FIELDS) + r")\}")


def local(value: dt.datetime | None) -> str:
    """Format a stored UTC time in the box's local time zone."""
    if value is None:
        return ""
    return value.replace(tzinfo=dt.UTC).astimezone().strftime("%Y-%m-%d %H:%M:%S")


def crm_url(template: str, *, caller: str, queue: str, digits: str, callid: str) -> str | None:
    """Fill a queue's CRM URL template, each value URL-encoded; None unless the result is http(s)."""
    if not template.strip():
        return None
    values = {"caller": caller, "queue": queue, "digits": digits, "callid": callid}
    url = CRM_RE.sub(lambda m: urllib.parse.quote(values[m.group(1)], safe=""), template.strip())
    scheme = urllib.parse.urlsplit(url).scheme.lower()
    # The template is the admin's, but a javascript: or data: link must never reach an agent's click.
    return url if scheme in ("http", "https") else None


def history(numbers: list[str], exclude_call: str = "") -> list[dict[str, Any]]:
    """Return the newest calls from or to any of `numbers` in the CDR."""
    if not numbers:
        return []
    query = (
        Cdr.select()
        .where((Cdr.caller.in_(numbers) | Cdr.callee.in_(numbers)) & (Cdr.uniqueid != exclude_call))
        .order_by(Cdr.start.desc(), Cdr.id.desc())
        .limit(HISTORY_ROWS)
    )
    return [
        {
            "start": local(row.start),
            "caller": row.caller,
            "callee": row.callee,
            "disposition": row.disposition,
            "billsec": row.billsec,
        }
        for row in query
    ]


def pop(caller: str, queue: str, call_id: str, digits: str = "") -> dict[str, Any]:
    """Return the screen pop of a queue call: customer (or None), history, CRM URL, queue name."""
    customer = find_by_number(caller) if caller else None
    record = None
    numbers = [caller] if caller else []
    if customer is not None:
        numbers = [n.number for n in CustomerNumber.select().where(CustomerNumber.customer == customer.id)]
        record = {
            "id": customer.id,
            "name": customer.name,
            "company": customer.company,
            "notes": customer.notes,
            "vip": customer.priority > 0,
            "priority": customer.priority,
            "tags": customer.tag_list(),
        }
        if caller not in numbers:
            numbers.append(caller)
    row = Queue.get_or_none(Queue.number == queue) if queue else None
    return {
        "call": call_id,
        "caller": caller,
        "queue": queue,
        "queue_name": row.name if row is not None else "",
        "customer": record,
        "history": history(numbers, call_id),
        "crm_url": crm_url(row.crm_url, caller=caller, queue=queue, digits=digits, callid=call_id)
        if row is not None
        else None,
    }


def caller_of_call(call_id: str) -> tuple[str, str]:
    """Return (caller, queue) of a queue call from the ACD event log (for a call that has ended)."""
    row = (
        AcdEvent.select(AcdEvent.caller, AcdEvent.queue)
        .where((AcdEvent.call_id == call_id) & (AcdEvent.caller != ""))
        .order_by(AcdEvent.id)
        .first()
    )
    return (row.caller, row.queue) if row is not None else ("", "")


def recent_calls(agent: str) -> list[dict[str, Any]]:
    """Return the agent's newest answered queue calls: when, caller, queue, wait and talk seconds."""
    answered = list(
        AcdEvent.select()
        .where((AcdEvent.agent == agent) & (AcdEvent.kind == "answered"))
        .order_by(AcdEvent.at.desc(), AcdEvent.id.desc())
        .limit(RECENT_ROWS)
    )
    ids = [r.call_id for r in answered if r.call_id]
    talk: dict[str, int] = {}
    callers: dict[str, str] = {}
    if ids:
        for row in AcdEvent.select().where(
            AcdEvent.call_id.in_(ids) & AcdEvent.kind.in_(("completed", "entered"))
        ):
            if row.kind == "completed":
                talk[row.call_id] = row.talk_ms
            elif row.caller:
                callers[row.call_id] = row.caller
    names = _customer_names([callers.get(r.call_id) or r.caller for r in answered])
    out = []
    for row in answered:
        caller = callers.get(row.call_id) or row.caller
        out.append(
            {
                "at": local(row.at),
                "call": row.call_id,
                "caller": caller,
                "customer": names.get(caller, ""),
                "queue": row.queue,
                "wait": round(row.wait_ms / 1000),
                "talk": round(talk[row.call_id] / 1000) if row.call_id in talk else None,
            }
        )
    return out


def _customer_names(callers: list[str]) -> dict[str, str]:
    out = {}
    for caller in {c for c in callers if c}:
        customer = find_by_number(caller)
        if customer is not None:
            out[caller] = customer.name
    return out


def as_json(data: Any) -> str:
    """JSON safe to put in an HTML attribute or a page (no raw '<')."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")

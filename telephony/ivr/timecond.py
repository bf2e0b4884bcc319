"""Time conditions: is the business open now (weekday hours, holidays, the day/night override)?"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from telephony.ivr.validate import WEEKDAYS, parse_hours


def outcome(params: Mapping[str, Any], now: dt.datetime) -> str:
    """Return 'open', 'closed' or 'holiday' for a time node's params at local time `now`.

    The override wins ('day' always open, 'night' always closed); then the holiday list; then the
    hours of `now`'s weekday (a day not listed is closed all day).
    """
    override = params.get("override", "auto")
    if override == "day":
        return "open"
    if override == "night":
        return "closed"
    if now.date().isoformat() in {str(d) for d in params.get("holidays", []) or []}:
        return "holiday"
    hours = params.get("hours", {}) or {}
    minute = now.hour * 60 + now.minute
    try:
        ranges = parse_hours(hours.get(WEEKDAYS[now.weekday()], ""))
    except ValueError:
        return "closed"  # validation refuses this; a flow edited behind its back fails closed
    return "open" if any(start <= minute < end for start, end in ranges) else "closed"


def branch(params: Mapping[str, Any], branches: Mapping[str, str], now: dt.datetime) -> tuple[str, str]:
    """The (outcome, next node key) of a time node; a holiday without its own branch is closed."""
    result = outcome(params, now)
    if result == "holiday" and not branches.get("holiday"):
        return result, branches.get("closed", "")
    return result, branches.get(result, "")

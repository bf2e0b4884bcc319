"""The recent-calls list of a phone, derived from CDRs, and `*69` (call back the last caller).

A phone is an extension or an analog phone's number. Its calls are the CDRs where it is the
caller (dialed), the dialed number (received when answered there, else missed) or the callee leg
(a call it picked up: received). Feature codes, park slots and paging are not calls a person
would call back, so they are left out.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from typing import TYPE_CHECKING

from telephony.calls.legs import UNALLOCATED, CallLeg
from telephony.calls.line import LineCall
from telephony.models import CallLeg as CdrLeg
from telephony.models import Cdr, Extension, ParkConfig, PortSetting, park_config

if TYPE_CHECKING:
    from telephony.engine import Engine

log = logging.getLogger(__name__)

CALLBACK_CODE = "*69"
DEFAULT_LIMIT = 20
SCAN = 200  # CDRs looked at per list: enough for N calls after the feature codes are skipped


@dataclasses.dataclass(frozen=True)
class RecentCall:
    kind: str  # missed, received, dialed
    number: str  # the other party
    name: str
    time: dt.datetime
    seconds: int  # talk time (0 when not answered)


def _skip(number: str, park: ParkConfig) -> bool:
    return not number or number[0] in "*#" or park.owns(number)


def recent_calls(phone: str, limit: int = DEFAULT_LIMIT) -> list[RecentCall]:
    """The last `limit` calls of `phone`, newest first."""
    picked = CdrLeg.select(CdrLeg.cdr).where((CdrLeg.role == "callee") & (CdrLeg.peer == phone))
    rows = (
        Cdr.select()
        .where((Cdr.caller == phone) | (Cdr.callee == phone) | (Cdr.id.in_(picked)))
        .order_by(Cdr.start.desc(), Cdr.id.desc())
        .limit(SCAN)
    )
    out: list[RecentCall] = []
    park = park_config()
    for row in rows:
        if row.caller == phone:
            if _skip(row.callee, park):
                continue
            out.append(RecentCall("dialed", row.callee, "", row.start, row.billsec))
        else:
            if _skip(row.caller, park):
                continue
            answered_here = row.answer is not None and _answered_by(row, phone)
            kind = "received" if answered_here else "missed"
            out.append(
                RecentCall(kind, row.caller, row.caller_name, row.start, row.billsec if answered_here else 0)
            )
        if len(out) >= limit:
            break
    return out


def _answered_by(row: Cdr, phone: str) -> bool:
    """Whether `phone` took the call (a pickup by another phone is a missed call for the one rung)."""
    callee_legs = [leg.peer for leg in row.legs if leg.role == "callee"]
    if not callee_legs or phone in callee_legs:
        return True
    port = PortSetting.get_or_none(PortSetting.number == phone)
    return port is not None and port.port in callee_legs


def last_caller(phone: str) -> str | None:
    """The number that called `phone` last (answered or not), for `*69`."""
    for call in recent_calls(phone, limit=50):
        if call.kind != "dialed" and call.number != phone:
            return call.number
    return None


def permission_of(number: str) -> str:
    row = Extension.get_or_none(Extension.number == number)
    if row is not None:
        return row.permission
    port = PortSetting.get_or_none(PortSetting.number == number)
    return port.permission if port is not None else "internal"


class CallbackService:
    """A number service of the engine for `*69`: dial the phone's last caller."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def owns(self, number: str) -> bool:
        return number == CALLBACK_CODE

    def complete(self, number: str) -> bool:
        return number == CALLBACK_CODE

    def enter(self, leg: CallLeg, caller: str, caller_name: str, number: str) -> None:
        target = last_caller(caller)
        call = LineCall(self.engine, leg, caller, caller_name, target or number)
        if target is None:
            log.info("call %s: %s dialed *69 but nobody called it", call.uniqueid, caller)
            call.fail(UNALLOCATED)
            return
        log.info("call %s: %s calls back %s", call.uniqueid, caller, target)
        self.engine.router.route(call, target, permission_of(caller))

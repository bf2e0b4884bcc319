"""Caller screening before a phone rings: black/whitelists of caller numbers and caller-ID names.

A blacklist gives a listed caller its treatment; a whitelist gives it to every caller not listed.
A list's scope is every call (''), one callee number (extension, FXS number, ring group), or one
trunk (fxoN, an E1 span): the leg the call came in on. Treatments: hangup (403/cause 21), busy
(486/cause 17), message (answered, a spoken message, hung up), voicemail (the target's mailbox, or
the callee's) and number (the call goes to the target number instead).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from telephony.calls.legs import BUSY, E1Leg, PortLeg
from telephony.calls.line import LineCall
from telephony.features import common
from telephony.models.features import CallerList
from telephony.models.voicemail import Mailbox

if TYPE_CHECKING:
    from telephony.features.service import FeatureService

log = logging.getLogger(__name__)

CALL_REJECTED = 21


def trunk_of(call: LineCall) -> str:
    """The trunk a call came in on (fxoN or the E1 span), '' for phones."""
    leg = call.a
    if isinstance(leg, E1Leg):
        return leg.span_name
    if isinstance(leg, PortLeg) and leg.kind == "fxo":
        return leg.peer
    return ""


def applicable(call: LineCall, callee: str) -> list[CallerList]:
    scopes = {"", callee}
    trunk = trunk_of(call)
    if trunk:
        scopes.add(trunk)
    rows = CallerList.select().where(CallerList.enabled & CallerList.scope.in_(sorted(scopes)))
    return list(rows.order_by(CallerList.kind.desc(), CallerList.id))  # block lists before allow lists


def verdict(call: LineCall, callee: str) -> CallerList | None:
    """The list whose treatment this call gets, or None when the caller may go on."""
    caller = call.caller
    for row in applicable(call, callee):
        listed = bool(caller) and row.matches(caller)
        if row.kind == "block" and listed:
            return row
        if row.kind == "allow" and not listed:
            return row
    return None


def screen(service: FeatureService, call: LineCall, digits: str, permission: str) -> bool:
    """Router screen: apply a caller list's treatment (once per call)."""
    if getattr(call, "feature_screened", False):
        return False
    call.feature_screened = True  # type: ignore[attr-defined]
    row = verdict(call, digits)
    if row is None:
        return False
    apply(service, call, row, digits)
    return True


def apply(service: FeatureService, call: LineCall, row: CallerList, callee: str) -> None:
    what = "not on" if row.kind == "allow" else "on"
    log.info(
        "call %s: caller %r %s list %r (%s) for %s: %s",
        call.uniqueid,
        call.caller,
        what,
        row.name,
        row.kind,
        callee,
        row.treatment,
    )
    if row.treatment == "number" and row.target:
        service.engine.router.route(call, row.target, "international")  # the admin chose it
        return
    if row.treatment == "message":
        from telephony.features.announce import Announcement

        leg = call.a
        call.hand_over()
        Announcement(service, leg, call.caller, call.caller_name, callee).say(
            row.message or common.say("blocked")
        )
        return
    if row.treatment == "voicemail":
        voicemail = getattr(service.engine, "voicemail", None)
        number = row.target or callee
        mailbox = Mailbox.get_or_none((Mailbox.number == number) & Mailbox.enabled)
        if voicemail is not None and mailbox is not None:
            leg = call.a
            call.hand_over()
            voicemail.leave_message(leg, call.caller, call.caller_name, mailbox, "unavailable")
            return
        log.warning(
            "call %s: list %r sends to mailbox %s, which does not exist", call.uniqueid, row.name, number
        )
    common.refuse(call, BUSY if row.treatment == "busy" else CALL_REJECTED)


def caller_name_screen(service: FeatureService, call: LineCall, digits: str, permission: str) -> bool:
    """Router screen: a caller who sent no name gets its customer's name (never takes the call)."""
    if call.caller and not call.caller_name:
        from telephony.callcenter.customers import find_by_number

        try:
            customer = find_by_number(call.caller)
        except Exception:  # a lookup failure must not stop the call
            log.exception("customer lookup for %s failed", call.caller)
            customer = None
        if customer is not None:
            call.caller_name = customer.name
            log.info("call %s: caller %s is customer %r", call.uniqueid, call.caller, customer.name)
    return False

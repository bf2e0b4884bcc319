"""Resolve dialed digits to a destination: a SIP extension, an FXS port, or a trunk group via a dial rule.

Read from the database on every call (the web admin edits it; nothing is cached).
"""

from __future__ import annotations

import dataclasses

from telephony.models import Extension
from telephony.models.features import HotDesk
from telephony.models.lines import PERMISSIONS, DialRule, InboundRoute, PortSetting, TrunkGroup


@dataclasses.dataclass(frozen=True)
class Route:
    """Where a call goes. kind: 'sip' (extension), 'fxs' (port), 'trunk' (group), 'none', 'denied'."""

    kind: str
    target: str = ""
    digits: str = ""
    group: TrunkGroup | None = None


def fxs_port_of(number: str) -> str | None:
    """Return the enabled FXS port whose extension number is `number`."""
    row = PortSetting.select().where((PortSetting.number == number) & PortSetting.enabled).first()
    return row.port if row is not None and row.port.startswith("fxs") else None


def is_sip_extension(number: str) -> bool:
    return Extension.select().where((Extension.number == number) & Extension.enabled).exists()


def exact_match(digits: str) -> bool:
    """An extension or FXS number: dialing can stop early without waiting for the timeout."""
    return is_sip_extension(digits) or fxs_port_of(digits) is not None


def allowed(have: str, need: str) -> bool:
    rank = {p: i for i, p in enumerate(PERMISSIONS)}
    return rank.get(have, 0) >= rank.get(need, len(PERMISSIONS))


def resolve(digits: str, permission: str = "international") -> Route:
    """Route dialed digits for a caller of class `permission`."""
    if not digits:
        return Route("none")
    desk = HotDesk.get_or_none(HotDesk.extension == digits)  # hot-desk: the phone it is logged in at
    if desk is not None and desk.phone != digits:
        digits = desk.phone
    if is_sip_extension(digits):
        return Route("sip", digits, digits)
    port = fxs_port_of(digits)
    if port is not None:
        return Route("fxs", port, digits)
    rules = DialRule.select().order_by(DialRule.priority, DialRule.id)
    for rule in rules:
        if digits.startswith(rule.prefix) and len(digits) >= rule.min_length:
            if not allowed(permission, rule.permission):
                return Route("denied", digits=digits)
            return Route("trunk", rule.trunk_group.name, rule.apply(digits), rule.trunk_group)
    return Route("none", digits=digits)


def inbound(trunk: str, did: str = "") -> str | None:
    """Return the destination number of a call arriving on `trunk` (fxoN / e1) for `did`."""
    rows = InboundRoute.select().order_by(InboundRoute.priority, InboundRoute.id)
    for row in rows:
        if row.trunk not in (trunk, "*"):
            continue
        if row.did and row.did != did:
            continue
        return row.destination
    return None

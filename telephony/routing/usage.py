"""Who refers to a number or a trunk group: the check behind every refused delete or renumbering.

Inbound routes name their destination by number and dial rules name their trunk group, so
deleting either target, or taking a number away from the extension or FXS port that has it,
would leave a route that goes nowhere (or, for a trunk group, take its rules with it through the
foreign key). The extension and routing services, the web admin, pbxctl and the configuration
import all ask here before they delete or renumber.
"""

from __future__ import annotations

from telephony.errors import InUse
from telephony.messages import Phrase
from telephony.models import DialRule, Extension, InboundRoute, PortSetting, TrunkGroup


def route_label(row: InboundRoute) -> str:
    """Name a route by what it matches: `e1 DID 8001`, `fxo1`, `* DID 8001`."""
    return f"{row.trunk} DID {row.did}" if row.did else row.trunk


def rule_label(row: DialRule) -> str:
    return row.name or row.prefix


def routes_to(number: str) -> list[Phrase]:
    """Return the inbound routes that send calls to `number`, in routing order."""
    rows = (
        InboundRoute.select()
        .where(InboundRoute.destination == number)
        .order_by(InboundRoute.priority, InboundRoute.id)
    )
    return [Phrase("inuse.inbound_route", route_label(r)) for r in rows]


def number_users(number: str) -> list[Phrase]:
    """Return what uses the extension `number`: inbound routes to it, and an FXS port carrying it.

    A port with the same number happens when the extension was added after the port; deleting
    the extension would silently move its calls to that analog phone, so it counts as a user.
    """
    ports = PortSetting.select().where(PortSetting.number == number).order_by(PortSetting.port)
    return routes_to(number) + [Phrase("inuse.port", p.port) for p in ports] + callcenter_users(number)


def callcenter_users(number: str) -> list[Phrase]:
    """Return the queues that overflow to `number` and the agents whose phone it is."""
    from telephony.callcenter import usage  # imported here: the call center imports this module

    return usage.number_users(number)


def group_users(group: TrunkGroup) -> list[Phrase]:
    """Return the dial rules that send calls to `group`, in routing order."""
    rows = DialRule.select().where(DialRule.trunk_group == group.id).order_by(DialRule.priority, DialRule.id)
    return [Phrase("inuse.dial_rule", rule_label(r)) for r in rows]


def check_extension_unused(number: str) -> None:
    """Raise InUse naming every user of the extension `number`."""
    users = number_users(number)
    if users:
        raise InUse(Phrase("inuse.extension", number), users)


def check_port_number_unused(number: str) -> None:
    """Raise InUse naming the routes and queues using `number`, which an FXS port is about to give up.

    A SIP extension with the same number takes those calls before the port does
    (telephony.calls.dialplan), so while one exists the routes still reach somebody.
    """
    if Extension.select().where(Extension.number == number).exists():
        return
    users = routes_to(number) + callcenter_users(number)
    if users:
        raise InUse(Phrase("inuse.number", number), users)


def check_group_unused(group: TrunkGroup) -> None:
    """Raise InUse naming every dial rule of `group`."""
    users = group_users(group)
    if users:
        raise InUse(Phrase("inuse.trunk_group", group.name), users)

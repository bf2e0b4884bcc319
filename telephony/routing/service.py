"""Validate -> save -> tell the core to reload, for the line tables; shared by web admin and pbxctl.

Every change is one transaction; afterwards pbx-core is asked to reload "lines". A core that
is down does not undo the change: it reads the tables when it is back.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from hal.country import CALLER_ID_STANDARDS
from telephony import numbering
from telephony.control.client import ControlClient
from telephony.control.reload import ReloadsCore
from telephony.errors import NotFound, ValidationError
from telephony.extensions.service import NUMBER_RE
from telephony.models import (
    PERMISSIONS,
    DialRule,
    Extension,
    InboundRoute,
    PortSetting,
    TrunkGroup,
    database,
    utcnow,
)
from telephony.routing.usage import check_group_unused, check_port_number_unused

log = logging.getLogger(__name__)

PORT_RE = re.compile(r"^(fxs|fxo)([1-9][0-9]?)$|^e1$")
FXO_RE = re.compile(r"^fxo[1-9][0-9]?$")
DIGITS_RE = re.compile(r"^[0-9]{1,16}$")
PREPEND_RE = re.compile(r"^\+?[0-9]{0,15}$")
DID_RE = re.compile(r"^[0-9]{0,32}$")
NAME_RE = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")
KINDS = ("fxo", "e1", "sip")
HUNTS = ("linear", "round-robin")
MAX_STRIP = 16
# Caller-ID standards an FXS port may override its country's with ('' keeps the country's).
CID_STANDARDS = tuple(CALLER_ID_STANDARDS)


def _text_ok(value: str, limit: int = 64) -> bool:
    return len(value) <= limit and value.isprintable()


def _int(value: Any, low: int, high: int) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if low <= number <= high else None


@dataclass(frozen=True)
class PortInput:
    """What a person submits for one port; FXS-only fields are ignored for other kinds."""

    enabled: bool = True
    label: str = ""
    number: str = ""
    caller_id_name: str = ""
    permission: str = "national"
    cid_standard: str = ""  # '' = the board country's standard (hal.country)


@dataclass(frozen=True)
class TrunkGroupInput:
    name: str
    kind: str
    members: str = ""
    hunt: str = "linear"


@dataclass(frozen=True)
class InboundRouteInput:
    trunk: str
    did: str = ""
    destination: str = ""
    priority: Any = 100


@dataclass(frozen=True)
class DialRuleInput:
    prefix: str
    trunk_group: str
    name: str = ""
    min_length: Any = 1
    strip: Any = 0
    prepend: str = ""
    permission: str = "local"
    priority: Any = 100


def port_kind(port: str) -> str:
    """Return fxs, fxo or e1 for a port name; raise NotFound for an unknown name."""
    match = PORT_RE.match(port)
    if match is None:
        raise NotFound(f"port {port} does not exist")
    return match.group(1) or "e1"


def members_of(text: str) -> list[str]:
    return [m.strip() for m in text.split(",") if m.strip()]


def validate_port(port: str, data: PortInput, known: Collection[str] | None = None) -> None:
    """Raise ValidationError mapping each bad field to a message key."""
    errors: dict[str, str] = {}
    kind = port_kind(port)
    if known is not None and port not in known:
        raise NotFound(f"port {port} does not exist")
    if not _text_ok(data.label):
        errors["label"] = "routing.text.format"
    if kind == "fxs":
        if data.number:
            if not NUMBER_RE.match(data.number):
                errors["number"] = "extension.number.format"
            elif Extension.get_or_none(Extension.number == data.number) is not None:
                errors["number"] = "routing.number.extension"
            elif (
                PortSetting.select()
                .where((PortSetting.number == data.number) & (PortSetting.port != port))
                .exists()
            ):
                errors["number"] = "routing.number.port"
            elif service := numbering.owner(data.number, kinds=numbering.SERVICES):
                errors["number"] = service.taken_key
        if not _text_ok(data.caller_id_name):
            errors["caller_id_name"] = "routing.text.format"
        if data.permission not in PERMISSIONS:
            errors["permission"] = "routing.permission"
        if data.cid_standard and data.cid_standard not in CID_STANDARDS:
            errors["cid_standard"] = "routing.cid_standard"
    if errors:
        raise ValidationError(errors)


def validate_group(data: TrunkGroupInput, existing: TrunkGroup | None = None) -> None:
    errors: dict[str, str] = {}
    if not NAME_RE.match(data.name):
        errors["name"] = "routing.name.format"
    else:
        clash = TrunkGroup.get_or_none(TrunkGroup.name == data.name)
        if clash is not None and (existing is None or clash.id != existing.id):
            errors["name"] = "routing.name.taken"
    members = members_of(data.members)
    if data.kind not in KINDS:
        errors["kind"] = "routing.kind"
    elif data.kind == "fxo":
        if not members or not all(FXO_RE.match(m) for m in members) or len(set(members)) != len(members):
            errors["members"] = "routing.members.fxo"
    elif data.kind == "e1":
        if members != ["e1"]:
            errors["members"] = "routing.members.e1"
    elif not members or not all(_text_ok(m, 64) and NAME_RE.match(m) for m in members):
        errors["members"] = "routing.members.sip"
    if data.hunt not in HUNTS:
        errors["hunt"] = "routing.hunt"
    if errors:
        raise ValidationError(errors)


def number_exists(number: str) -> bool:
    """A number a call can be sent to: anything in the box's numbering plan (telephony.numbering)."""
    return numbering.exists(number)


def validate_route(data: InboundRouteInput, existing: InboundRoute | None = None) -> None:
    errors: dict[str, str] = {}
    if data.trunk != "*" and not (FXO_RE.match(data.trunk) or data.trunk == "e1"):
        errors["trunk"] = "routing.trunk"
    if not DID_RE.match(data.did):
        errors["did"] = "routing.digits"
    if not data.destination:
        errors["destination"] = "required"
    elif not number_exists(data.destination):
        errors["destination"] = "routing.destination"
    if _int(data.priority, 0, 9999) is None:
        errors["priority"] = "routing.priority"
    if "trunk" not in errors and "did" not in errors:
        query = InboundRoute.select().where(
            (InboundRoute.trunk == data.trunk) & (InboundRoute.did == data.did)
        )
        if existing is not None:
            query = query.where(InboundRoute.id != existing.id)
        if query.exists():
            errors["did"] = "routing.route.duplicate"
    if errors:
        raise ValidationError(errors)


def validate_rule(data: DialRuleInput) -> None:
    errors: dict[str, str] = {}
    if not _text_ok(data.name, 32):
        errors["name"] = "routing.text.format"
    if not DIGITS_RE.match(data.prefix):
        errors["prefix"] = "routing.prefix"
    if _int(data.min_length, 1, 32) is None:
        errors["min_length"] = "routing.min_length"
    if _int(data.strip, 0, MAX_STRIP) is None:
        errors["strip"] = "routing.strip"
    if not PREPEND_RE.match(data.prepend):
        errors["prepend"] = "routing.prepend"
    if data.permission not in PERMISSIONS:
        errors["permission"] = "routing.permission"
    if _int(data.priority, 0, 9999) is None:
        errors["priority"] = "routing.priority"
    if TrunkGroup.get_or_none(TrunkGroup.name == data.trunk_group) is None:
        errors["trunk_group"] = "routing.trunk_group"
    if errors:
        raise ValidationError(errors)


class RoutingService(ReloadsCore):
    """Create, update and delete the line tables; every change is one transaction, then a reload."""

    reload_what = "lines"

    def __init__(self, control: ControlClient | None = None) -> None:
        self.control = control
        self.reload_failed = False

    # --- ports ---------------------------------------------------------------------------------

    def port(self, port: str) -> PortSetting:
        """Return the settings of `port`; an unsaved default row when it has none yet."""
        port_kind(port)
        return PortSetting.get_or_none(PortSetting.port == port) or PortSetting(port=port)

    def ports(self) -> dict[str, PortSetting]:
        return {p.port: p for p in PortSetting.select()}

    def save_port(self, port: str, data: PortInput, known: Collection[str] | None = None) -> PortSetting:
        """Save a port's settings; an FXS port giving up a number inbound routes use raises InUse."""
        with database.atomic():
            validate_port(port, data, known)
            row = PortSetting.get_or_none(PortSetting.port == port)
            created = row is None
            row = row or PortSetting(port=port)
            row.enabled, row.label = data.enabled, data.label
            if port_kind(port) == "fxs":
                if row.number and row.number != (data.number or None):
                    check_port_number_unused(row.number)
                row.number = data.number or None
                row.caller_id_name, row.permission = data.caller_id_name, data.permission
                row.cid_standard = data.cid_standard
            row.updated = utcnow()
            row.save(force_insert=created)
        self._reload()
        return row

    # --- trunk groups --------------------------------------------------------------------------

    def groups(self) -> list[TrunkGroup]:
        return list(TrunkGroup.select().order_by(TrunkGroup.name))

    def group(self, group_id: int) -> TrunkGroup:
        row = TrunkGroup.get_or_none(TrunkGroup.id == group_id)
        if row is None:
            raise NotFound(f"trunk group {group_id} does not exist")
        return row

    def save_group(self, data: TrunkGroupInput, group_id: int | None = None) -> TrunkGroup:
        with database.atomic():
            row = self.group(group_id) if group_id is not None else None
            validate_group(data, row)
            row = row or TrunkGroup()
            row.name, row.kind, row.hunt = data.name, data.kind, data.hunt
            row.members = ",".join(members_of(data.members))
            row.save()
        self._reload()
        return row

    def delete_group(self, group_id: int) -> None:
        """Delete a trunk group; raise InUse (changing nothing) while a dial rule uses it."""
        with database.atomic():
            row = self.group(group_id)
            # The foreign key would take the rules with it; an outbound route must not vanish unseen.
            check_group_unused(row)
            row.delete_instance()
        self._reload()

    # --- inbound routes ------------------------------------------------------------------------

    def routes(self) -> list[InboundRoute]:
        return list(InboundRoute.select().order_by(InboundRoute.priority, InboundRoute.id))

    def route(self, route_id: int) -> InboundRoute:
        row = InboundRoute.get_or_none(InboundRoute.id == route_id)
        if row is None:
            raise NotFound(f"inbound route {route_id} does not exist")
        return row

    def save_route(self, data: InboundRouteInput, route_id: int | None = None) -> InboundRoute:
        with database.atomic():
            row = self.route(route_id) if route_id is not None else None
            validate_route(data, row)
            row = row or InboundRoute()
            row.trunk, row.did, row.destination = data.trunk, data.did, data.destination
            row.priority = int(data.priority)
            row.save()
        self._reload()
        return row

    def delete_route(self, route_id: int) -> None:
        with database.atomic():
            self.route(route_id).delete_instance()
        self._reload()

    # --- dial rules ----------------------------------------------------------------------------

    def rules(self) -> list[DialRule]:
        return list(DialRule.select().order_by(DialRule.priority, DialRule.id))

    def rule(self, rule_id: int) -> DialRule:
        row = DialRule.get_or_none(DialRule.id == rule_id)
        if row is None:
            raise NotFound(f"dial rule {rule_id} does not exist")
        return row

    def save_rule(self, data: DialRuleInput, rule_id: int | None = None) -> DialRule:
        with database.atomic():
            row = self.rule(rule_id) if rule_id is not None else None
            validate_rule(data)
            row = row or DialRule()
            row.name, row.prefix, row.prepend = data.name, data.prefix, data.prepend
            row.min_length, row.strip = int(data.min_length), int(data.strip)
            row.permission, row.priority = data.permission, int(data.priority)
            row.trunk_group = TrunkGroup.get(TrunkGroup.name == data.trunk_group)
            row.save()
        self._reload()
        return row

    def delete_rule(self, rule_id: int) -> None:
        with database.atomic():
            self.rule(rule_id).delete_instance()
        self._reload()

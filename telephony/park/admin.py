"""Validate -> save the park settings, pickup groups and paging groups for the web admin.

pbx-core reads all of them per call (no reload needed). Every refusal names the field and, where
there is one, the bad value, as a catalog key with arguments (webadmin.catalog_park).
"""

from __future__ import annotations

import dataclasses
import re

from telephony.models import Extension, PagingGroup, ParkConfig, PickupGroup, PortSetting, park_config, utcnow
from telephony.models.park import save_park_config, split_members
from telephony.park.errors import InvalidInput, NoSuchGroup

NUMBER_RE = re.compile(r"^[0-9]{2,8}$")
MAX_SLOTS = 100
MIN_TIMEOUT, MAX_TIMEOUT = 10, 3600
MAX_MEMBERS = 64

Errors = dict[str, tuple[str, dict[str, str]]]


def is_phone(number: str) -> bool:
    """An extension or an analog phone's number."""
    return (
        Extension.select().where(Extension.number == number).exists()
        or PortSetting.select().where(PortSetting.number == number).exists()
    )


def is_extension(number: str) -> bool:
    return Extension.select().where(Extension.number == number).exists()


def dialed_elsewhere(number: str, paging_id: int | None = None) -> bool:
    """Whether anything but paging group `paging_id` and the park lot itself has `number`."""
    from telephony import numbering

    kinds = tuple(k for k in numbering.KINDS if k != "park")  # the lot being edited may keep its numbers
    return numbering.owner(number, ignore=("paging", paging_id), kinds=kinds) is not None


def _members(text: str, check, errors: Errors, bad_key: str) -> list[str]:
    members = split_members(text)
    if not members:
        errors["members"] = ("park.err_members_empty", {})
    elif len(members) > MAX_MEMBERS:
        errors["members"] = ("park.err_members_many", {"max": str(MAX_MEMBERS)})
    else:
        bad = [m for m in members if not check(m)]
        if bad:
            errors["members"] = (bad_key, {"numbers": ", ".join(bad)})
    return members


# --- park settings -----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ParkInput:
    lot: str
    first: str
    last: str
    timeout: str
    fallback: str = ""


def save_park(data: ParkInput) -> ParkConfig:
    """Validate and store the park settings; return them."""
    errors: Errors = {}
    if not NUMBER_RE.match(data.lot):
        errors["lot"] = ("park.err_number", {})
    elif dialed_elsewhere(data.lot):
        errors["lot"] = ("park.err_taken", {"number": data.lot})
    first = int(data.first) if NUMBER_RE.match(data.first) else None
    last = int(data.last) if NUMBER_RE.match(data.last) else None
    if first is None:
        errors["first"] = ("park.err_number", {})
    if last is None:
        errors["last"] = ("park.err_number", {})
    if first is not None and last is not None:
        if not first <= last < first + MAX_SLOTS:
            errors["last"] = ("park.err_range", {"max": str(MAX_SLOTS)})
        elif data.lot.isdigit() and first <= int(data.lot) <= last:
            errors["lot"] = ("park.err_lot_in_range", {})
        else:
            taken = [str(n) for n in range(first, last + 1) if dialed_elsewhere(str(n))]
            if taken:
                errors["first"] = ("park.err_range_taken", {"numbers": ", ".join(taken[:5])})
    try:
        timeout = int(data.timeout)
    except ValueError:
        timeout = 0
    if not MIN_TIMEOUT <= timeout <= MAX_TIMEOUT:
        errors["timeout"] = ("park.err_timeout", {"min": str(MIN_TIMEOUT), "max": str(MAX_TIMEOUT)})
    if data.fallback and not is_phone(data.fallback):
        errors["fallback"] = ("park.err_not_phone", {"numbers": data.fallback})
    if errors:
        raise InvalidInput(errors)
    config = ParkConfig(data.lot, first or 0, last or 0, float(timeout), data.fallback)
    save_park_config(config)
    return config


def current_park() -> ParkConfig:
    return park_config()


# --- pickup groups -------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class PickupInput:
    name: str
    members: str


def pickup_groups() -> list[PickupGroup]:
    return list(PickupGroup.select().order_by(PickupGroup.name))


def pickup_group(group_id: int) -> PickupGroup:
    row = PickupGroup.get_or_none(PickupGroup.id == group_id)
    if row is None:
        raise NoSuchGroup(f"no pickup group {group_id}")
    return row


def save_pickup(data: PickupInput, existing: PickupGroup | None = None) -> PickupGroup:
    errors: Errors = {}
    name = data.name.strip()
    if not 1 <= len(name) <= 64:
        errors["name"] = ("park.err_name", {})
    else:
        clash = PickupGroup.select().where(PickupGroup.name == name)
        if existing is not None:
            clash = clash.where(PickupGroup.id != existing.id)
        if clash.exists():
            errors["name"] = ("park.err_name_taken", {"name": name})
    members = _members(data.members, is_phone, errors, "park.err_not_phone")
    if errors:
        raise InvalidInput(errors)
    row = existing or PickupGroup()
    row.name, row.members, row.updated = name, ", ".join(members), utcnow()
    row.save()
    return row


def delete_pickup(group_id: int) -> PickupGroup:
    row = pickup_group(group_id)
    row.delete_instance()
    return row


# --- paging groups -------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class PagingInput:
    number: str
    name: str
    members: str


def paging_groups() -> list[PagingGroup]:
    return list(PagingGroup.select().order_by(PagingGroup.number))


def paging_group(group_id: int) -> PagingGroup:
    row = PagingGroup.get_or_none(PagingGroup.id == group_id)
    if row is None:
        raise NoSuchGroup(f"no paging group {group_id}")
    return row


def save_paging(data: PagingInput, existing: PagingGroup | None = None) -> PagingGroup:
    errors: Errors = {}
    number = data.number.strip()
    if not NUMBER_RE.match(number):
        errors["number"] = ("park.err_number", {})
    elif dialed_elsewhere(number, existing.id if existing else None) or park_config().owns(number):
        errors["number"] = ("park.err_taken", {"number": number})
    if len(data.name.strip()) > 64:
        errors["name"] = ("park.err_name", {})
    members = _members(data.members, is_extension, errors, "park.err_not_extension")
    if errors:
        raise InvalidInput(errors)
    row = existing or PagingGroup()
    row.number, row.name, row.members, row.updated = number, data.name.strip(), ", ".join(members), utcnow()
    row.save()
    return row


def delete_paging(group_id: int) -> PagingGroup:
    row = paging_group(group_id)
    row.delete_instance()
    return row

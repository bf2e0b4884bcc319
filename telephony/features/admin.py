"""Validate -> save the routing features for the web admin (the core reads them per call: no reload).

Every function takes the form's text values and raises FeatureInputError naming each bad field
with a catalog key (webadmin.catalog_features), or saves and returns the row.
"""

from __future__ import annotations

import re

from telephony.calls import dialplan
from telephony.features import common
from telephony.features import messages as _texts  # noqa: F401 - registers the features.err_* texts
from telephony.features.errors import FeatureInputError
from telephony.models import utcnow
from telephony.models.features import (
    FOLLOWME_MODES,
    LIST_KINDS,
    MAX_FOLLOWME,
    RING_STRATEGIES,
    TREATMENTS,
    CallerList,
    ExtensionFeatures,
    RingGroup,
    SpeedDial,
    split_numbers,
)

NUMBER_RE = re.compile(r"^[0-9]{1,32}$")
GROUP_NUMBER_RE = re.compile(r"^[0-9]{2,8}$")
PIN_RE = re.compile(r"^[0-9]{4,12}$")
ENTRY_RE = re.compile(r"^[0-9]{1,32}\*?$")
SCOPE_RE = re.compile(r"^[a-z0-9/]{0,32}$")
CODE_RE = re.compile(r"^[0-9]{2}$")
MAX_MEMBERS = 20


def _seconds(text: str, low: int, high: int) -> int | None:
    try:
        value = int(text)
    except ValueError:
        return None
    return value if low <= value <= high else None


def _forward_error(owner: str, target: str) -> str | None:
    if not target:
        return None
    if not NUMBER_RE.match(target):
        return "features.err_number"
    if target == owner:
        return "features.err_self"
    if dialplan.resolve(target, common.permission_of(owner)).kind in ("none", "denied"):
        return "features.err_unreachable"
    return None


def save_extension(number: str, values: dict[str, str]) -> ExtensionFeatures:
    """Save one extension's features; values: dnd, forward_*, followme_*, hotdesk_pin, clear_pin."""
    if not common.is_local_number(number):
        raise FeatureInputError({"number": "features.err_not_extension"})
    errors: dict[str, str] = {}
    for field in ("forward_always", "forward_busy", "forward_no_answer"):
        problem = _forward_error(number, values.get(field, ""))
        if problem:
            errors[field] = problem
    numbers = split_numbers(values.get("followme_numbers", ""))
    if len(numbers) > MAX_FOLLOWME:
        errors["followme_numbers"] = "features.err_followme_count"
    elif any(_forward_error(number, n) for n in numbers):
        errors["followme_numbers"] = "features.err_followme_number"
    if values.get("followme_mode", "sequence") not in FOLLOWME_MODES:
        errors["followme_mode"] = "features.err_choice"
    ring = _seconds(values.get("followme_ring_seconds", "20"), 5, 120)
    if ring is None:
        errors["followme_ring_seconds"] = "features.err_seconds"
    if values.get("followme_enabled") == "1" and not numbers:
        errors["followme_numbers"] = "features.err_followme_empty"
    pin = values.get("hotdesk_pin", "")
    if pin and not PIN_RE.match(pin):
        errors["hotdesk_pin"] = "features.err_pin"
    if errors:
        raise FeatureInputError(errors)
    row = common.features_for_update(number)
    row.dnd = values.get("dnd") == "1"
    row.forward_always = values.get("forward_always", "")
    row.forward_busy = values.get("forward_busy", "")
    row.forward_no_answer = values.get("forward_no_answer", "")
    row.followme_enabled = values.get("followme_enabled") == "1"
    row.followme_numbers = ",".join(numbers)
    row.followme_mode = values.get("followme_mode", "sequence")
    row.followme_ring_seconds = ring or 20
    if values.get("clear_pin") == "1":
        row.set_hotdesk_pin("")
    elif pin:
        row.set_hotdesk_pin(pin)
    row.updated = utcnow()
    row.save()
    return row


def number_taken(number: str, exclude_group: int | None = None) -> bool:
    """Anything but ring group `exclude_group` is dialed as `number` (telephony.numbering)."""
    from telephony import numbering

    return numbering.owner(number, ignore=("ring_group", exclude_group)) is not None


def save_ring_group(values: dict[str, str], row: RingGroup | None = None) -> RingGroup:
    errors: dict[str, str] = {}
    number = values.get("number", "")
    if not GROUP_NUMBER_RE.match(number):
        errors["number"] = "features.err_group_number"
    elif number_taken(number, row.id if row else None):
        errors["number"] = "features.err_taken"
    if not 1 <= len(values.get("name", "")) <= 64:
        errors["name"] = "features.err_name"
    if values.get("strategy") not in RING_STRATEGIES:
        errors["strategy"] = "features.err_choice"
    members = split_numbers(values.get("members", ""))
    if not members or len(members) > MAX_MEMBERS:
        errors["members"] = "features.err_members"
    elif not all(common.is_local_number(m) for m in members) or len(set(members)) != len(members):
        errors["members"] = "features.err_member_unknown"
    ring = _seconds(values.get("ring_seconds", ""), 5, 300)
    if ring is None:
        errors["ring_seconds"] = "features.err_group_seconds"
    fallback = values.get("fallback", "")
    if fallback and (not NUMBER_RE.match(fallback) or fallback == number):
        errors["fallback"] = "features.err_fallback"
    if errors:
        raise FeatureInputError(errors)
    row = row or RingGroup()
    row.number, row.name, row.strategy = number, values["name"], values["strategy"]
    row.members, row.ring_seconds, row.fallback = ",".join(members), ring, fallback
    row.updated = utcnow()
    row.save()
    return row


def save_caller_list(values: dict[str, str], row: CallerList | None = None) -> CallerList:
    errors: dict[str, str] = {}
    if not 1 <= len(values.get("name", "")) <= 64:
        errors["name"] = "features.err_name"
    if values.get("kind") not in LIST_KINDS:
        errors["kind"] = "features.err_choice"
    scope = values.get("scope", "")
    if not SCOPE_RE.match(scope):
        errors["scope"] = "features.err_scope"
    entries = split_numbers(values.get("numbers", ""))
    if not entries or len(entries) > 1000:
        errors["numbers"] = "features.err_entries"
    elif not all(ENTRY_RE.match(e) for e in entries):
        errors["numbers"] = "features.err_entry"
    treatment = values.get("treatment", "")
    target = values.get("target", "")
    if treatment not in TREATMENTS:
        errors["treatment"] = "features.err_choice"
    elif treatment == "number" and not NUMBER_RE.match(target):
        errors["target"] = "features.err_target_number"
    elif target and not NUMBER_RE.match(target):
        errors["target"] = "features.err_number"
    if len(values.get("message", "")) > 256:
        errors["message"] = "features.err_message"
    if errors:
        raise FeatureInputError(errors)
    row = row or CallerList()
    row.name, row.kind, row.scope, row.numbers = values["name"], values["kind"], scope, "\n".join(entries)
    row.treatment, row.target, row.message = treatment, target, values.get("message", "")
    row.enabled = values.get("enabled", "1") == "1"
    row.updated = utcnow()
    row.save()
    return row


def save_speed_dial(values: dict[str, str], row: SpeedDial | None = None) -> SpeedDial:
    errors: dict[str, str] = {}
    code = values.get("code", "")
    if not CODE_RE.match(code):
        errors["code"] = "features.err_code"
    else:
        clash = SpeedDial.select().where(SpeedDial.code == code)
        if row is not None:
            clash = clash.where(SpeedDial.id != row.id)
        if clash.exists():
            errors["code"] = "features.err_code_taken"
    if not NUMBER_RE.match(values.get("number", "")):
        errors["number"] = "features.err_number"
    if len(values.get("label", "")) > 64:
        errors["label"] = "features.err_label"
    if errors:
        raise FeatureInputError(errors)
    row = row or SpeedDial()
    row.code, row.number, row.label = code, values["number"], values.get("label", "")
    row.updated = utcnow()
    row.save()
    return row

"""The routing features in the configuration document (pbxctl config export/import): sections
speed_dials, ring_groups, caller_lists and call_features (per-extension DND, forwards, follow-me,
hot-desk PIN as its hash).

Each import item is checked by the same rules as the web admin's forms (telephony.features.admin);
a refusal names the item's key path and the reason in zh-CN or English. Rows missing from a
section's list are deleted; a re-import of an export changes nothing. Hot-desk logins are state,
not configuration: they are not in the document.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from telephony.features import admin
from telephony.features.errors import FeatureInputError
from telephony.models.features import CallerList, ExtensionFeatures, RingGroup, SpeedDial

if TYPE_CHECKING:
    from telephony.configdoc.service import Counts, ImportContext


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, list):
        return "\n".join(value)
    return "" if value is None else str(value)


def _apply(
    section: str,
    items: list[dict[str, Any]],
    ctx: ImportContext,
    existing: dict[str, Any],
    key: str,
    item_of: Callable[[Any], dict[str, Any]],
    save: Callable[[dict[str, str], Any], Any],
) -> Counts:
    """Delete rows the list leaves out, then save each changed item with the admin's checks."""
    from telephony.configdoc.service import Counts, _changed

    counts = Counts()
    wanted = {item[key] for item in items}
    for name, row in existing.items():
        if name not in wanted:
            row.delete_instance()
            counts.deleted += 1
    for i, item in enumerate(items):
        row = existing.get(item[key])
        same = False
        if row is not None:
            current = item_of(row)
            extra = [k for k, v in item.items() if k not in current and v not in (None, "")]  # a new PIN
            same = not extra and current == {k: v for k, v in item.items() if k in current}
        if not same:
            try:
                save({k: _text(v) for k, v in item.items()}, row)
            except FeatureInputError as exc:
                field, message = next(iter(exc.errors.items()))
                raise ctx.error(f"{section}[{i}].{field}", message) from None
        _changed(counts, row, same)
    return counts


# --- speed dials -----------------------------------------------------------------------------------


def _speed_item(r: SpeedDial) -> dict[str, Any]:
    return {"code": r.code, "number": r.number, "label": r.label}


def export_speed_dials() -> list[dict[str, Any]]:
    return [_speed_item(r) for r in SpeedDial.select().order_by(SpeedDial.code)]


def apply_speed_dials(items: list[dict[str, Any]], ctx: ImportContext) -> Counts:
    existing = {r.code: r for r in SpeedDial.select()}
    return _apply(
        "speed_dials", items, ctx, existing, "code", _speed_item, lambda v, row: admin.save_speed_dial(v, row)
    )


# --- ring groups -----------------------------------------------------------------------------------


def _group_item(r: RingGroup) -> dict[str, Any]:
    return {
        "number": r.number,
        "name": r.name,
        "strategy": r.strategy,
        "members": r.member_list(),
        "ring_seconds": r.ring_seconds,
        "fallback": r.fallback,
    }


def export_ring_groups() -> list[dict[str, Any]]:
    return [_group_item(r) for r in RingGroup.select().order_by(RingGroup.number)]


def apply_ring_groups(items: list[dict[str, Any]], ctx: ImportContext) -> Counts:
    existing = {r.number: r for r in RingGroup.select()}
    return _apply(
        "ring_groups",
        items,
        ctx,
        existing,
        "number",
        _group_item,
        lambda v, row: admin.save_ring_group(v, row),
    )


# --- caller lists ----------------------------------------------------------------------------------


def _list_item(r: CallerList) -> dict[str, Any]:
    return {
        "name": r.name,
        "kind": r.kind,
        "scope": r.scope,
        "numbers": r.entries(),
        "treatment": r.treatment,
        "target": r.target,
        "message": r.message,
        "enabled": bool(r.enabled),
    }


def export_caller_lists() -> list[dict[str, Any]]:
    return [_list_item(r) for r in CallerList.select().order_by(CallerList.name, CallerList.id)]


def apply_caller_lists(items: list[dict[str, Any]], ctx: ImportContext) -> Counts:
    existing = {r.name: r for r in CallerList.select().order_by(CallerList.id)}
    return _apply(
        "caller_lists",
        items,
        ctx,
        existing,
        "name",
        _list_item,
        lambda v, row: admin.save_caller_list(v, row),
    )


# --- per-extension features ------------------------------------------------------------------------


def _features_item(r: ExtensionFeatures) -> dict[str, Any]:
    return {
        "number": r.number,
        "dnd": bool(r.dnd),
        "forward_always": r.forward_always,
        "forward_busy": r.forward_busy,
        "forward_no_answer": r.forward_no_answer,
        "followme_enabled": bool(r.followme_enabled),
        "followme_numbers": r.followme_list(),
        "followme_mode": r.followme_mode,
        "followme_ring_seconds": r.followme_ring_seconds,
        "hotdesk_pin_hash": r.hotdesk_pin_hash,
    }


def export_call_features() -> list[dict[str, Any]]:
    return [_features_item(r) for r in ExtensionFeatures.select().order_by(ExtensionFeatures.number)]


def _save_features(values: dict[str, str], row: ExtensionFeatures | None) -> ExtensionFeatures:
    if values.get("hotdesk_pin") and values.get("hotdesk_pin_hash"):
        raise FeatureInputError({"hotdesk_pin": "features.err_pin_and_hash"})
    values = values | {"followme_numbers": values.get("followme_numbers", "").replace("\n", ",")}
    saved = admin.save_extension(values["number"], values)
    if not values.get("hotdesk_pin"):
        saved.hotdesk_pin_hash = values.get("hotdesk_pin_hash", "")  # as exported ('' : none)
        saved.save()
    return saved


def apply_call_features(items: list[dict[str, Any]], ctx: ImportContext) -> Counts:
    existing = {r.number: r for r in ExtensionFeatures.select()}
    return _apply("call_features", items, ctx, existing, "number", _features_item, _save_features)

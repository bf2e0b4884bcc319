"""Routing features: per-extension DND, forwards, follow-me and hot-desk PIN; ring groups, caller
black/whitelists and speed dials (list, create, edit, delete after confirmation). Admin only,
CSRF-checked, audited; the core reads these per call, so nothing needs a reload."""

from __future__ import annotations

import dataclasses
from typing import Any

import bottle

from telephony.features import admin as features_admin
from telephony.features.errors import FeatureInputError
from telephony.models import Extension, PortSetting
from telephony.models.features import (
    FOLLOWME_MODES,
    LIST_KINDS,
    RING_STRATEGIES,
    TREATMENTS,
    CallerList,
    ExtensionFeatures,
    HotDesk,
    RingGroup,
    SpeedDial,
)
from webadmin import auth, context, i18n


@dataclasses.dataclass(frozen=True)
class Field:
    name: str
    kind: str = "text"  # text, textarea, select, check, password
    choices: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class Area:
    """One CRUD table of this page: its model, its fields and how it is saved."""

    model: Any
    fields: tuple[Field, ...]
    key: str  # the field that names a row in messages and the audit log
    defaults: dict[str, str]

    def save(self, values: dict[str, str], row: Any) -> Any:
        saver = {
            RingGroup: features_admin.save_ring_group,
            CallerList: features_admin.save_caller_list,
            SpeedDial: features_admin.save_speed_dial,
        }[self.model]
        return saver(values, row)


AREAS: dict[str, Area] = {
    "ringgroups": Area(
        RingGroup,
        (
            Field("number"),
            Field("name"),
            Field("strategy", "select", RING_STRATEGIES),
            Field("members", "textarea"),
            Field("ring_seconds"),
            Field("fallback"),
        ),
        "number",
        {"strategy": "ringall", "ring_seconds": "20"},
    ),
    "callerlists": Area(
        CallerList,
        (
            Field("name"),
            Field("kind", "select", LIST_KINDS),
            Field("scope"),
            Field("numbers", "textarea"),
            Field("treatment", "select", TREATMENTS),
            Field("target"),
            Field("message"),
            Field("enabled", "check"),
        ),
        "name",
        {"kind": "block", "treatment": "busy", "enabled": "1"},
    ),
    "speeddials": Area(SpeedDial, (Field("code"), Field("number"), Field("label")), "code", {}),
}
KIND = "<kind:re:ringgroups|callerlists|speeddials>"
EXTENSION_FIELDS = (
    Field("dnd", "check"),
    Field("forward_always"),
    Field("forward_busy"),
    Field("forward_no_answer"),
    Field("followme_enabled", "check"),
    Field("followme_numbers"),
    Field("followme_mode", "select", FOLLOWME_MODES),
    Field("followme_ring_seconds"),
    Field("hotdesk_pin", "password"),
    Field("clear_pin", "check"),
)


def register(app: bottle.Bottle) -> None:
    app.route("/features", "GET", overview)
    app.route("/features/extension/<number>", "GET", extension_form)
    app.route("/features/extension/<number>", "POST", extension_save)
    app.route("/features/extension/<number>/logout", "POST", hotdesk_logout)
    app.route(f"/features/{KIND}/new", "GET", new_form)
    app.route(f"/features/{KIND}", "POST", create)
    app.route(f"/features/{KIND}/<row_id:int>/edit", "GET", edit_form)
    app.route(f"/features/{KIND}/<row_id:int>/edit", "POST", update)
    app.route(f"/features/{KIND}/<row_id:int>/delete", "GET", confirm_delete)
    app.route(f"/features/{KIND}/<row_id:int>/delete", "POST", delete)


def _local_numbers() -> list[tuple[str, str]]:
    rows = [(e.number, e.name) for e in Extension.select().order_by(Extension.number)]
    ports = PortSetting.select().where(PortSetting.number.is_null(False) & PortSetting.port.startswith("fxs"))
    rows += [(p.number, p.caller_id_name or p.label or p.port) for p in ports.order_by(PortSetting.number)]
    return rows


@auth.require("admin")
def overview() -> str:
    settings = {r.number: r for r in ExtensionFeatures.select()}
    desks = {r.extension: r.phone for r in HotDesk.select()}
    return context.render(
        "features/list",
        title=context.t("features.title"),
        area="features",
        numbers=_local_numbers(),
        settings=settings,
        desks=desks,
        groups=list(RingGroup.select().order_by(RingGroup.number)),
        lists=list(CallerList.select().order_by(CallerList.kind, CallerList.name)),
        speeddials=list(SpeedDial.select().order_by(SpeedDial.code)),
    )


def _hints(fields: tuple[Field, ...]) -> dict[str, str]:
    keys = {f.name: f"features.h.{f.name}" for f in fields}
    return {name: context.t(key) for name, key in keys.items() if i18n.has(key)}


# --- per extension -------------------------------------------------------------------------------


def _extension_or_404(number: str) -> str:
    if number not in {n for n, _name in _local_numbers()}:
        raise bottle.HTTPError(404)
    return number


@auth.require("admin")
def extension_form(number: str) -> str:
    _extension_or_404(number)
    row = ExtensionFeatures.get_or_none(ExtensionFeatures.number == number) or ExtensionFeatures(
        number=number
    )
    values = {
        "dnd": "1" if row.dnd else "",
        "forward_always": row.forward_always,
        "forward_busy": row.forward_busy,
        "forward_no_answer": row.forward_no_answer,
        "followme_enabled": "1" if row.followme_enabled else "",
        "followme_numbers": ", ".join(row.followme_list()),
        "followme_mode": row.followme_mode,
        "followme_ring_seconds": str(row.followme_ring_seconds),
        "hotdesk_pin": "",
        "clear_pin": "",
    }
    return _extension_page(number, values, {}, bool(row.hotdesk_pin_hash))


@auth.require("admin")
def extension_save(number: str) -> str:
    _extension_or_404(number)
    values = {f.name: context.form(f.name).strip() for f in EXTENSION_FIELDS}
    try:
        row = features_admin.save_extension(number, values)
    except FeatureInputError as exc:
        bottle.response.status = 422
        errors = {field: context.t(key) for field, key in exc.errors.items()}
        existing = ExtensionFeatures.get_or_none(ExtensionFeatures.number == number)
        return _extension_page(
            number, values | {"hotdesk_pin": ""}, errors, bool(existing and existing.hotdesk_pin_hash)
        )
    detail = (
        f"dnd={row.dnd} always={row.forward_always or '-'} busy={row.forward_busy or '-'} "
        f"no_answer={row.forward_no_answer or '-'} followme={row.followme_enabled}:{row.followme_numbers or '-'}"
        + (" pin=changed" if values["hotdesk_pin"] or values["clear_pin"] == "1" else "")
    )
    context.audit("features.extension", target=number, detail=detail)
    context.flash("success", "features.extension_saved", number=number)
    context.redirect("/features")


@auth.require("admin")
def hotdesk_logout(number: str) -> str:
    """Log an extension out of the phone it is hot-desked at (the phone keeps its own number)."""
    _extension_or_404(number)
    row = HotDesk.get_or_none(HotDesk.extension == number)
    if row is not None:
        row.delete_instance()
        context.audit("features.hotdesk_logout", target=number, detail=f"phone={row.phone}")
        context.flash("success", "features.hotdesk_logged_out", number=number, phone=row.phone)
    context.redirect("/features")


def _extension_page(number: str, values: dict, errors: dict[str, str], has_pin: bool) -> str:
    return context.render(
        "features/edit",
        title=context.t("features.extension_title", number=number),
        area="features",
        action=f"/features/extension/{number}",
        fields=EXTENSION_FIELDS,
        values=values,
        errors=errors,
        hint=_hints(EXTENSION_FIELDS)
        | {"hotdesk_pin": context.t("features.pin_set" if has_pin else "features.pin_none")},
    )


# --- ring groups, caller lists, speed dials ------------------------------------------------------


def _row(kind: str, row_id: int) -> Any:
    row = AREAS[kind].model.get_or_none(AREAS[kind].model.id == row_id)
    if row is None:
        raise bottle.HTTPError(404)
    return row


@auth.require("admin")
def new_form(kind: str) -> str:
    area = AREAS[kind]
    values = {f.name: area.defaults.get(f.name, "") for f in area.fields}
    return _area_page(kind, None, values, {})


@auth.require("admin")
def create(kind: str) -> str:
    return _save(kind, None)


@auth.require("admin")
def edit_form(kind: str, row_id: int) -> str:
    row = _row(kind, row_id)
    values = {}
    for f in AREAS[kind].fields:
        value = getattr(row, f.name)
        values[f.name] = ("1" if value else "") if f.kind == "check" else str(value)
    return _area_page(kind, row, values, {})


@auth.require("admin")
def update(kind: str, row_id: int) -> str:
    return _save(kind, _row(kind, row_id))


def _save(kind: str, row: Any) -> str:
    area = AREAS[kind]
    values = {f.name: context.form(f.name).strip() for f in area.fields}
    for f in area.fields:
        if f.kind == "check":
            values[f.name] = "1" if values[f.name] == "1" else "0"
    try:
        saved = area.save(values, row)
    except FeatureInputError as exc:
        bottle.response.status = 422
        errors = {field: context.t(key) for field, key in exc.errors.items()}
        return _area_page(kind, row, values, errors)
    name = str(getattr(saved, area.key))
    detail = " ".join(f"{f.name}={str(getattr(saved, f.name)).replace(chr(10), ',')}" for f in area.fields)
    context.audit(
        f"features.{kind}.{'create' if row is None else 'update'}", target=name, detail=detail[:500]
    )
    context.flash("success", "features.saved", name=name)
    context.redirect("/features")


def _area_page(kind: str, row: Any, values: dict, errors: dict[str, str]) -> str:
    key = str(getattr(row, AREAS[kind].key)) if row is not None else ""
    title = context.t(f"features.{kind}_edit", name=key) if row else context.t(f"features.{kind}_new")
    return context.render(
        "features/edit",
        title=title,
        area="features",
        action=f"/features/{kind}/{row.id}/edit" if row else f"/features/{kind}",
        fields=AREAS[kind].fields,
        values=values,
        errors=errors,
        hint=_hints(AREAS[kind].fields),
    )


@auth.require("admin")
def confirm_delete(kind: str, row_id: int) -> str:
    row = _row(kind, row_id)
    name = str(getattr(row, AREAS[kind].key))
    return context.render(
        "callcenter/delete",
        title=context.t("features.delete_title", name=name),
        area="features",
        what=name,
        text=context.t(f"features.{kind}_delete_text"),
        action=f"/features/{kind}/{row.id}/delete",
        back="/features",
        confirm=context.t("features.delete_confirm"),
        error="",
    )


@auth.require("admin")
def delete(kind: str, row_id: int) -> str:
    row = _row(kind, row_id)
    name = str(getattr(row, AREAS[kind].key))
    row.delete_instance()
    context.audit(f"features.{kind}.delete", target=name)
    context.flash("success", "features.deleted", name=name)
    context.redirect("/features")

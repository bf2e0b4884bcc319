"""Call park settings (with the parked calls live from pbx-core) and pickup groups."""

from __future__ import annotations

from typing import Any

import bottle

from telephony.errors import ControlError
from telephony.models import PickupGroup
from telephony.park import admin as features
from telephony.park.errors import InvalidInput, NoSuchGroup
from webadmin import auth, context


def register(app: bottle.Bottle) -> None:
    app.route("/park", "GET", settings_page)
    app.route("/park", "POST", save_settings)
    app.route("/pickup", "GET", list_groups)
    app.route("/pickup", "POST", create)
    app.route("/pickup/new", "GET", new_form)
    app.route("/pickup/<group_id:int>/edit", "GET", edit_form)
    app.route("/pickup/<group_id:int>/edit", "POST", update)
    app.route("/pickup/<group_id:int>/delete", "GET", confirm_delete)
    app.route("/pickup/<group_id:int>/delete", "POST", delete)


def field_errors(exc: InvalidInput) -> dict[str, str]:
    """The refusals of a form in the reader's language, by field."""
    return {field: context.t(key, **args) for field, (key, args) in exc.errors.items()}


# --- park settings -------------------------------------------------------------------------------

PARK_FIELDS = ("lot", "first", "last", "timeout", "fallback")


@auth.require("admin")
def settings_page() -> str:
    config = features.current_park()
    values = {
        "lot": config.lot,
        "first": str(config.first),
        "last": str(config.last),
        "timeout": str(int(config.timeout)),
        "fallback": config.fallback,
    }
    return _settings(values, {})


def _settings(values: dict[str, str], errors: dict[str, str]) -> str:
    slots: list[dict[str, Any]] = []
    reachable = True
    try:
        slots = context.state().control.get("/park/slots")
    except ControlError:
        reachable = False
    return context.render(
        "park/settings",
        title=context.t("park.title"),
        area="park",
        values=values,
        errors=errors,
        slots=slots,
        reachable=reachable,
    )


@auth.require("admin")
def save_settings() -> str:
    values = {name: context.form(name).strip() for name in PARK_FIELDS}
    try:
        config = features.save_park(features.ParkInput(**values))
    except InvalidInput as exc:
        bottle.response.status = 422
        return _settings(values, field_errors(exc))
    detail = f"lot={config.lot} slots={config.first}-{config.last} timeout={int(config.timeout)}"
    context.audit("park.settings", target=config.lot, detail=detail + f" fallback={config.fallback or '-'}")
    context.flash("success", "park.saved")
    context.redirect("/park")


# --- pickup groups -------------------------------------------------------------------------------


def _group(group_id: int) -> PickupGroup:
    try:
        return features.pickup_group(group_id)
    except NoSuchGroup:
        raise bottle.HTTPError(404) from None


@auth.require("admin")
def list_groups() -> str:
    return context.render(
        "park/pickup_list", title=context.t("pickup.title"), area="park", rows=features.pickup_groups()
    )


@auth.require("admin")
def new_form() -> str:
    return _form(None, {"name": "", "members": ""}, {})


@auth.require("admin")
def edit_form(group_id: int) -> str:
    row = _group(group_id)
    return _form(row, {"name": row.name, "members": row.members}, {})


def _form(row: PickupGroup | None, values: dict[str, str], errors: dict[str, str]) -> str:
    title = context.t("pickup.new") if row is None else context.t("pickup.edit_title", name=row.name)
    return context.render(
        "park/pickup_edit",
        title=title,
        area="park",
        values=values,
        errors=errors,
        action="/pickup" if row is None else f"/pickup/{row.id}/edit",
    )


@auth.require("admin")
def create() -> str:
    return _save(None)


@auth.require("admin")
def update(group_id: int) -> str:
    return _save(_group(group_id))


def _save(row: PickupGroup | None) -> str:
    values = {"name": context.form("name").strip(), "members": context.form("members").strip()}
    try:
        saved = features.save_pickup(features.PickupInput(**values), row)
    except InvalidInput as exc:
        bottle.response.status = 422
        return _form(row, values, field_errors(exc))
    context.audit(
        "pickup.create" if row is None else "pickup.update", target=saved.name, detail=saved.members
    )
    context.flash("success", "pickup.created" if row is None else "pickup.saved", name=saved.name)
    context.redirect("/pickup")


@auth.require("admin")
def confirm_delete(group_id: int) -> str:
    row = _group(group_id)
    return context.render(
        "callcenter/delete",
        title=context.t("pickup.delete_title", name=row.name),
        area="park",
        what=f"{row.name}: {row.members}",
        text=context.t("pickup.delete_text"),
        action=f"/pickup/{row.id}/delete",
        back="/pickup",
        confirm=context.t("pickup.delete_confirm"),
        error="",
    )


@auth.require("admin")
def delete(group_id: int) -> str:
    row = features.delete_pickup(_group(group_id).id)
    context.audit("pickup.delete", target=row.name, detail=row.members)
    context.flash("success", "pickup.deleted", name=row.name)
    context.redirect("/pickup")

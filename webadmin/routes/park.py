"""Call park settings (with the parked calls live from pbx-core) and pickup groups."""

from __future__ import annotations

from typing import Any

import bottle

from telephony.errors import ControlError
from telephony.park import admin as features
from telephony.park.admin import PickupInput, delete_pickup, pickup_group, pickup_groups, save_pickup
from telephony.park.errors import InvalidInput
from webadmin import auth, context
from webadmin.routes.groups import GroupPages, GroupStore, field_errors


def register(app: bottle.Bottle) -> None:
    app.route("/park", "GET", settings_page)
    app.route("/park", "POST", save_settings)
    PICKUP.register(app)


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


# --- pickup groups: the shared group pages (webadmin.routes.groups) -----------------------------

PICKUP_STORE = GroupStore(pickup_groups, pickup_group, save_pickup, delete_pickup, PickupInput)
PICKUP = GroupPages(
    keys="pickup", area="park", views="park/pickup_", fields=("name", "members"), store=PICKUP_STORE
)

"""Trunk groups, inbound routes and dial rules: list, create, edit, delete, through the routing service.

The three areas share one generic list/edit/delete page; an Area says its fields and columns.
Every change is validated and saved by telephony.routing, audited, then applied by pbx-core.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import bottle

from telephony.errors import InUse, NotFound, ValidationError
from telephony.models import PERMISSIONS
from telephony.routing.service import (
    HUNTS,
    KINDS,
    DialRuleInput,
    InboundRouteInput,
    RoutingService,
    TrunkGroupInput,
)
from webadmin import auth, context


@dataclass(frozen=True)
class Field:
    """One form field: its name, and the choices of a select (None for a text box)."""

    name: str
    choices: Callable[[], list[tuple[str, str]]] | None = None
    hint: str = ""


@dataclass(frozen=True)
class Area:
    """What differs between the three areas."""

    key: str  # URL path and catalog prefix
    audit: str  # audit action prefix
    fields: tuple[Field, ...]
    columns: tuple[str, ...]
    items: Callable[[RoutingService], list[Any]]
    get: Callable[[RoutingService, int], Any]
    save: Callable[[RoutingService, dict[str, str], int | None], Any]
    delete: Callable[[RoutingService, int], None]
    values: Callable[[Any], dict[str, str]]
    label: Callable[[Any], str]


def _plain(values: list[str]) -> Callable[[], list[tuple[str, str]]]:
    return lambda: [(v, v) for v in values]


def _permissions() -> list[tuple[str, str]]:
    return [(p, context.t("permission." + p)) for p in PERMISSIONS]


def _group_names() -> list[tuple[str, str]]:
    return [(g.name, f"{g.name} ({g.kind})") for g in RoutingService().groups()]


TRUNKS = Area(
    key="trunks",
    audit="trunk_group",
    fields=(
        Field("name"),
        Field("kind", _plain(list(KINDS))),
        Field("members", hint="trunks.members_hint"),
        Field("hunt", _plain(list(HUNTS))),
    ),
    columns=("name", "kind", "members", "hunt"),
    items=lambda s: s.groups(),
    get=lambda s, i: s.group(i),
    save=lambda s, v, i: s.save_group(TrunkGroupInput(v["name"], v["kind"], v["members"], v["hunt"]), i),
    delete=lambda s, i: s.delete_group(i),
    values=lambda r: {"name": r.name, "kind": r.kind, "members": r.members, "hunt": r.hunt},
    label=lambda r: r.name,
)

INBOUND = Area(
    key="inbound",
    audit="inbound_route",
    fields=(
        Field("trunk", hint="inbound.trunk_hint"),
        Field("did"),
        Field("destination"),
        Field("priority"),
    ),
    columns=("trunk", "did", "destination", "priority"),
    items=lambda s: s.routes(),
    get=lambda s, i: s.route(i),
    save=lambda s, v, i: s.save_route(
        InboundRouteInput(v["trunk"], v["did"], v["destination"], v["priority"]), i
    ),
    delete=lambda s, i: s.delete_route(i),
    values=lambda r: {
        "trunk": r.trunk,
        "did": r.did,
        "destination": r.destination,
        "priority": str(r.priority),
    },
    label=lambda r: f"{r.trunk} {r.did or '*'} -> {r.destination}",
)

DIALRULES = Area(
    key="dialrules",
    audit="dial_rule",
    fields=(
        Field("name"),
        Field("prefix"),
        Field("min_length"),
        Field("strip"),
        Field("prepend"),
        Field("trunk_group", _group_names),
        Field("permission", _permissions),
        Field("priority"),
    ),
    columns=("name", "prefix", "min_length", "strip", "prepend", "trunk_group", "permission", "priority"),
    items=lambda s: s.rules(),
    get=lambda s, i: s.rule(i),
    save=lambda s, v, i: s.save_rule(DialRuleInput(**v), i),
    delete=lambda s, i: s.delete_rule(i),
    values=lambda r: {
        "name": r.name,
        "prefix": r.prefix,
        "min_length": str(r.min_length),
        "strip": str(r.strip),
        "prepend": r.prepend,
        "trunk_group": r.trunk_group.name,
        "permission": r.permission,
        "priority": str(r.priority),
    },
    label=lambda r: r.name or r.prefix,
)

DEFAULTS = {
    "trunks": {"kind": "fxo", "hunt": "linear"},
    "inbound": {"trunk": "*", "priority": "100"},
    "dialrules": {"min_length": "1", "strip": "0", "permission": "local", "priority": "100"},
}


def register(app: bottle.Bottle) -> None:
    for area in (TRUNKS, INBOUND, DIALRULES):
        base = "/" + area.key
        app.route(base, "GET", _bind(list_page, area))
        app.route(base, "POST", _bind(create, area))
        app.route(base + "/new", "GET", _bind(new_form, area))
        app.route(base + "/<item_id:int>/edit", "GET", _bind(edit_form, area))
        app.route(base + "/<item_id:int>/edit", "POST", _bind(update, area))
        app.route(base + "/<item_id:int>/delete", "GET", _bind(confirm_delete, area))
        app.route(base + "/<item_id:int>/delete", "POST", _bind(delete, area))


def _bind(handler: Callable[..., Any], area: Area) -> Callable[..., Any]:
    @auth.require("admin")
    def route(**kw: Any) -> Any:
        return handler(area, **kw)

    route.__name__ = f"{area.key}_{handler.__name__}"
    return route


def _service() -> RoutingService:
    return RoutingService(context.state().control)


def _get(service: RoutingService, area: Area, item_id: int) -> Any:
    try:
        return area.get(service, item_id)
    except NotFound:
        raise bottle.HTTPError(404) from None


def list_page(area: Area) -> str:
    rows = [(row.id, area.values(row)) for row in area.items(_service())]
    return context.render(
        "routing/list", title=context.t(f"{area.key}.title"), area=area.key, spec=area, rows=rows
    )


def new_form(area: Area) -> str:
    values = {f.name: DEFAULTS[area.key].get(f.name, "") for f in area.fields}
    return _form_page(area, None, values, {})


def edit_form(area: Area, item_id: int) -> str:
    row = _get(_service(), area, item_id)
    return _form_page(area, item_id, area.values(row), {}, area.label(row))


def create(area: Area) -> str:
    return _save(area, None)


def update(area: Area, item_id: int) -> str:
    _get(_service(), area, item_id)
    return _save(area, item_id)


def _save(area: Area, item_id: int | None) -> str:
    values = {f.name: context.form(f.name).strip() for f in area.fields}
    service = _service()
    try:
        row = area.save(service, values, item_id)
    except ValidationError as exc:
        bottle.response.status = 422
        errors = {f: context.t(key, number=values.get("destination", "")) for f, key in exc.errors.items()}
        return _form_page(area, item_id, values, errors)
    action = "create" if item_id is None else "update"
    detail = " ".join(f"{k}={v!r}" for k, v in values.items())
    context.audit(f"{area.audit}.{action}", target=area.label(row), detail=detail)
    _report(service, "routing.saved")
    context.redirect("/" + area.key)


def confirm_delete(area: Area, item_id: int, error: str = "") -> str:
    row = _get(_service(), area, item_id)
    return context.render(
        "routing/delete",
        title=context.t(f"{area.key}.edit_title", name=area.label(row)),
        area=area.key,
        spec=area,
        item_id=item_id,
        what=area.label(row),
        error=error,
    )


def delete(area: Area, item_id: int) -> str:
    service = _service()
    row = _get(service, area, item_id)
    label = area.label(row)
    try:
        area.delete(service, item_id)
    except InUse as exc:
        # Nothing was deleted (a trunk group dial rules use): say what uses it; not audited.
        bottle.response.status = 409
        return confirm_delete(area, item_id, exc.render(context.language()))
    context.audit(f"{area.audit}.delete", target=label)
    _report(service, "routing.deleted")
    context.redirect("/" + area.key)


def _report(service: RoutingService, key: str) -> None:
    context.flash("success", key)
    if service.control is None or service.reload_failed:
        context.flash("warning", "core.unreachable")


def _form_page(area: Area, item_id: int | None, values: dict, errors: dict[str, str], label: str = "") -> str:
    title = context.t(f"{area.key}.edit_title", name=label) if item_id else context.t(f"{area.key}.new_title")
    action = f"/{area.key}/{item_id}/edit" if item_id else f"/{area.key}"
    return context.render(
        "routing/edit",
        title=title,
        area=area.key,
        spec=area,
        action=action,
        values=values,
        errors=errors,
    )

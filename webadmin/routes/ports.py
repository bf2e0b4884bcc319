"""Ports: the live state of every port and E1 channel, per-port settings, and the virtual phone."""

from __future__ import annotations

import datetime as dt
import json
import logging

import bottle

from telephony.errors import ControlError, InUse, NotFound, ValidationError
from telephony.models import PERMISSIONS
from telephony.routing.service import CID_STANDARDS, PortInput, port_kind
from webadmin import auth, context
from webadmin.services import ports as svc

log = logging.getLogger(__name__)

SIM_FIELDS = ("port", "digits", "cid_number", "cid_name", "calling", "called", "call")


def register(app: bottle.Bottle) -> None:
    app.route("/ports", "GET", list_ports)
    app.route("/ports.json", "GET", ports_json)
    app.route("/ports/sim", "POST", sim)
    app.route("/ports/<name>/edit", "GET", edit_form)
    app.route("/ports/<name>/edit", "POST", update)


@auth.require("admin")
def list_ports() -> str:
    control = context.state().control
    ports = svc.live_ports(control)
    main, channels = svc.split(ports or [])
    # A core that reports no ports may have failed to start the board: say why (asked only then).
    board_error = svc.live_board_error(control) if ports == [] else None
    return context.render(
        "ports/list",
        title=context.t("ports.title"),
        area="ports",
        ports=ports,
        board_error=board_error,
        main=main,
        channels=channels,
        simulator=ports is not None and svc.is_simulator(control),
        fxs=[p["name"] for p in main if p["kind"] == "fxs"],
        fxo=[p["name"] for p in main if p["kind"] == "fxo"],
    )


@auth.require("admin")
def ports_json() -> str:
    ports = svc.live_ports(context.state().control)
    bottle.response.content_type = "application/json"
    bottle.response.set_header("Cache-Control", "no-store")
    updated = dt.datetime.now().astimezone().strftime("%H:%M:%S")
    return json.dumps({"ok": ports is not None, "ports": ports or [], "updated": updated})


def _kind(name: str) -> str:
    try:
        return port_kind(name)
    except NotFound:
        raise bottle.HTTPError(404) from None


@auth.require("admin")
def edit_form(name: str) -> str:
    kind = _kind(name)
    row = svc.RoutingService().port(name)
    values = {
        "number": row.number or "",
        "label": row.label,
        "caller_id_name": row.caller_id_name,
        "permission": row.permission,
        "cid_standard": row.cid_standard,
        "enabled": bool(row.enabled),
    }
    return _form_page(name, kind, values, {})


@auth.require("admin")
def update(name: str) -> str:
    kind = _kind(name)
    # A client that leaves out cid_standard keeps the port's (an empty choice means the country's).
    current = svc.RoutingService().port(name)
    data = PortInput(
        enabled=context.form("enabled") == "1",
        label=context.form("label").strip(),
        number=context.form("number").strip(),
        caller_id_name=context.form("caller_id_name").strip(),
        permission=context.form("permission", "national"),
        cid_standard=context.form("cid_standard", current.cid_standard).strip(),
    )
    control = context.state().control
    live = svc.live_ports(control)
    known = [p["name"] for p in live] if live else None
    try:
        detail, applied = svc.save_port(control, name, data, known)
    except NotFound:
        raise bottle.HTTPError(404) from None
    except ValidationError as exc:
        bottle.response.status = 422
        errors = {f: context.t(key, number=data.number) for f, key in exc.errors.items()}
        return _form_page(name, kind, data.__dict__, errors)
    except InUse as exc:
        # Nothing was saved: an inbound route still goes to the number the port would give up.
        bottle.response.status = 409
        return _form_page(name, kind, data.__dict__, {"number": exc.render(context.language())})
    context.audit("port.update", target=name, detail=detail)
    context.flash("success", "ports.saved", port=name)
    if not applied:
        context.flash("warning", "core.unreachable")
    context.redirect("/ports")


def _form_page(name: str, kind: str, values: dict, errors: dict[str, str]) -> str:
    return context.render(
        "ports/edit",
        title=context.t("ports.edit_title", port=name),
        area="ports",
        name=name,
        kind=kind,
        values=values,
        errors=errors,
        permissions=PERMISSIONS,
        cid_standards=CID_STANDARDS,
    )


@auth.require("admin")
def sim() -> None:
    action_name = context.form("action")
    action = svc.sim_action(action_name, {f: context.form(f).strip() for f in SIM_FIELDS})
    control = context.state().control
    if action is None:
        context.flash("error", "sim.bad_input")
        context.redirect("/ports")
    if control is None:
        context.flash("error", "core.not_reachable")
        context.redirect("/ports")
    try:
        result = svc.run_sim(control, action)
    except ControlError as exc:
        log.warning("simulator refused %s: %s", action.verb, exc)
        context.audit(f"sim.{action.verb}", target=action.target, detail=f"refused: {exc}")
        context.flash("error", "sim.refused", reason=str(exc)[:200])
        context.redirect("/ports")
    context.audit(f"sim.{action.verb}", target=action.target, detail=json.dumps(action.body))
    if action.verb == "e1_call":
        call = result.get("call") if isinstance(result, dict) else result
        context.flash("success", "sim.call_placed", call=str(call))
    else:
        context.flash("success", "sim.done", action=action_name, target=action.target)
    context.redirect("/ports")

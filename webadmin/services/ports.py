"""Ports for the web admin: live state from pbx-core, settings through the routing service, simulator verbs."""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from typing import Any

from telephony.control.client import ControlClient
from telephony.errors import ControlError
from telephony.models import PortSetting
from telephony.routing.service import PortInput, RoutingService

log = logging.getLogger(__name__)

# What the live page shows of a port; anything else the core says stays out of the browser.
LIVE_FIELDS = ("name", "kind", "state", "fault", "alarms", "number", "label", "enabled")
FXS_RE = re.compile(r"^fxs[1-9][0-9]?$")
FXO_RE = re.compile(r"^fxo[1-9][0-9]?$")
DIGITS_RE = re.compile(r"^[0-9*#]{1,32}$")
NUMBER_RE = re.compile(r"^\+?[0-9]{1,32}$")


def _clean(port: dict[str, Any], saved: dict[str, PortSetting]) -> dict[str, Any]:
    row = {key: port.get(key) for key in LIVE_FIELDS}
    setting = saved.get(str(port.get("name")))
    if setting is not None:  # a core that does not report the settings still shows the saved ones
        for key, value in (
            ("number", setting.number),
            ("label", setting.label),
            ("enabled", setting.enabled),
        ):
            if key not in port:
                row[key] = value
    row["alarms"] = [str(a) for a in port.get("alarms") or [] if isinstance(a, str | int)]
    for key in ("name", "kind", "state", "fault", "number", "label"):
        if row[key] is not None and not isinstance(row[key], str):
            row[key] = str(row[key])
    return row


def live_ports(control: ControlClient | None) -> list[dict[str, Any]] | None:
    """Return every port and channel the core reports, or None when the core is not answering."""
    if control is None:
        return None
    try:
        answer = control.get("/ports")
    except ControlError as exc:
        log.warning("cannot read ports: %s", exc)
        return None
    if not isinstance(answer, list):
        return []
    saved = {s.port: s for s in PortSetting.select()}
    return [_clean(p, saved) for p in answer if isinstance(p, dict) and p.get("name")]


def board_error(status: Any) -> dict[str, str] | None:
    """Return why the board's line hardware could not be started (board, error, at in local time)
    from pbx-core's status answer, or None when it runs (or the answer does not say)."""
    failed = status.get("board_error") if isinstance(status, dict) else None
    if not isinstance(failed, dict) or not failed.get("error"):
        return None
    at = str(failed.get("at") or "")
    try:
        at = dt.datetime.fromisoformat(at.replace("Z", "+00:00")).astimezone().strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        pass  # shown as the core sent it
    return {"board": str(failed.get("board") or "?"), "error": str(failed["error"]), "at": at}


def live_board_error(control: ControlClient | None) -> dict[str, str] | None:
    """Ask pbx-core's status why the board is not running; None when it runs or cannot be asked."""
    if control is None:
        return None
    try:
        return board_error(control.status())
    except ControlError as exc:
        log.warning("cannot read the core's status: %s", exc)
        return None


def split(ports: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Return (ports and spans, E1 channels)."""
    channels = [p for p in ports if p.get("kind") == "e1-channel"]
    return [p for p in ports if p.get("kind") != "e1-channel"], channels


def is_simulator(control: ControlClient | None) -> bool:
    """Return whether the board is simulated: pbx-core answers /sim routes only then."""
    if control is None:
        return False
    try:
        control.get("/sim/ports")
    except ControlError:
        return False
    return True


@dataclass(frozen=True)
class SimAction:
    """One button of the virtual phone: the core's verb and the request it sends."""

    verb: str
    body: dict[str, Any]
    target: str


def sim_action(action: str, form: dict[str, str]) -> SimAction | None:
    """Return the request for a virtual-phone button, or None when the input is not acceptable."""
    port = form.get("port", "")
    if action in ("offhook", "onhook", "flash") and FXS_RE.match(port):
        return SimAction(action, {"port": port}, port)
    if action == "dial" and FXS_RE.match(port) and DIGITS_RE.match(form.get("digits", "")):
        digits = form["digits"]
        return SimAction("dial", {"port": port, "digits": digits, "pulse": False}, f"{port} {digits}")
    if action == "ring" and FXO_RE.match(port) and NUMBER_RE.match(form.get("cid_number", "")):
        name = form.get("cid_name", "")
        if len(name) > 32 or not name.isprintable():
            return None
        return SimAction("ring", {"port": port, "cid_number": form["cid_number"], "cid_name": name}, port)
    if action == "e1_call":
        calling, called = form.get("calling", ""), form.get("called", "")
        if NUMBER_RE.match(calling) and NUMBER_RE.match(called):
            return SimAction("e1_call", {"calling": calling, "called": called}, f"{calling} -> {called}")
    if action == "e1_hangup" and form.get("call", "").isdigit() and len(form["call"]) < 10:
        return SimAction("e1_hangup", {"call": int(form["call"]), "cause": 16}, form["call"])
    if action in ("los_on", "los_off"):
        return SimAction("e1_los", {"on": action == "los_on"}, "e1")
    return None


def run_sim(control: ControlClient, action: SimAction) -> Any:
    """Send the verb to pbx-core; return its result (ControlError when it refuses)."""
    answer = control.post(f"/sim/{action.verb}", action.body)
    if isinstance(answer, dict) and "result" in answer:
        return answer["result"]
    return answer


def save_port(
    control: ControlClient | None, port: str, data: PortInput, known: list[str] | None
) -> tuple[str, bool]:
    """Save a port's settings; return an audit detail and whether pbx-core took the change."""
    service = RoutingService(control)
    before = service.port(port)
    old = (
        before.number or "",
        before.label,
        before.caller_id_name,
        before.permission,
        before.cid_standard,
        bool(before.enabled),
    )
    service.save_port(port, data, known)
    new = (data.number, data.label, data.caller_id_name, data.permission, data.cid_standard, data.enabled)
    names = ("number", "label", "caller_id_name", "permission", "cid_standard", "enabled")
    changes = [f"{n} {a!r}->{b!r}" for n, a, b in zip(names, old, new, strict=True) if a != b]
    applied = control is not None and not service.reload_failed
    return ", ".join(changes) or "no change", applied

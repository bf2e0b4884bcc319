"""pbxctl ports: every port and E1 channel of the board with its state, from pbx-core's GET /ports."""

from __future__ import annotations

import argparse
from typing import Any

from telephony.cli import pbxctl
from telephony.control.client import ControlClient


def port_detail(cli: pbxctl.Cli, port: dict[str, Any]) -> str:
    """Return the fault and alarms of a port as one short text; empty when it is healthy."""
    parts = []
    if port.get("fault"):
        parts.append(cli.t("cli.ports.fault", reason=port["fault"]))
    alarms = port.get("alarms") or []
    if alarms:
        parts.append(cli.t("cli.ports.alarms", alarms=",".join(str(a) for a in alarms)))
    if port.get("enabled") is False:
        parts.append(cli.t("cli.ports.disabled"))
    return "; ".join(parts)


def cmd_ports(cli: pbxctl.Cli, args: argparse.Namespace) -> int:
    ports = pbxctl._dicts(ControlClient(cli.cfg.control_url).get("/ports"))
    if args.json:
        pbxctl._print_json(cli, ports)
        return pbxctl.EXIT_OK
    if not ports:
        cli.say(cli.t("cli.ports.none"))
        return pbxctl.EXIT_OK
    rows = [
        (
            p.get("name"),
            p.get("kind"),
            p.get("state"),
            p.get("number") or "",
            p.get("label") or "",
            port_detail(cli, p),
        )
        for p in ports
    ]
    heads = ("cli.col.port", "cli.col.kind", "cli.col.state", "cli.col.number", "cli.col.label")
    cli.table((*heads, "cli.col.detail"), rows)
    return pbxctl.EXIT_OK


def register(top: Any, command: Any) -> None:
    """Add `ports` to the top-level subparsers."""
    ports = command(top, "ports", "every port and E1 channel of the board and its state")
    ports.add_argument("--json", action="store_true", help="print JSON")
    ports.set_defaults(func=cmd_ports)

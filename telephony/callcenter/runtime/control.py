"""Control API routes of the queues: agent actions and the live view on the engine loop, the CTI
event stream (a long poll that may wait) in the HTTP thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from telephony.callcenter.runtime.service import QueueRuntime


def _need(args: dict, key: str) -> str:
    value = str(args.get(key, "")).strip()
    if not value:
        raise ValueError(f"{key} is required")
    return value


def engine_handlers(runtime: QueueRuntime) -> dict[str, Callable[[dict], Any]]:
    """Commands run on the engine thread, by name."""
    return {
        "acd_snapshot": lambda args: runtime.snapshot(),
        "acd_login": lambda args: _ok(runtime.login(_need(args, "agent"), _need(args, "contact"))),
        "acd_logout": lambda args: _ok(runtime.logout(_need(args, "agent"))),
        "acd_pause": lambda args: _ok(runtime.pause(_need(args, "agent"), _need(args, "reason"))),
        "acd_unpause": lambda args: _ok(runtime.unpause(_need(args, "agent"))),
        "acd_wrapup_end": lambda args: _ok(runtime.end_wrap_up(_need(args, "agent"))),
        "acd_join": lambda args: _ok(runtime.join(_need(args, "agent"), _need(args, "queue"))),
        "acd_leave": lambda args: _ok(runtime.leave(_need(args, "agent"), _need(args, "queue"))),
        "acd_hangup": lambda args: _ok(runtime.hangup(_need(args, "call"))),
        "acd_transfer": lambda args: _ok(runtime.transfer(_need(args, "call"), _need(args, "target"))),
        "acd_monitor": lambda args: {
            "ok": True,
            "session": runtime.monitor(_need(args, "call"), _need(args, "mode"), _need(args, "contact")),
        },
        "acd_monitor_mode": lambda args: _ok(
            runtime.monitor_mode(_need(args, "session"), _need(args, "mode"))
        ),
        "acd_originate": lambda args: {
            "ok": True,
            "call": runtime.originate(_need(args, "agent"), _need(args, "number")),
        },
    }


ENGINE_ROUTES = {
    "GET /acd/snapshot": "acd_snapshot",
    "POST /acd/agents/login": "acd_login",
    "POST /acd/agents/logout": "acd_logout",
    "POST /acd/agents/pause": "acd_pause",
    "POST /acd/agents/unpause": "acd_unpause",
    "POST /acd/agents/wrapup_end": "acd_wrapup_end",
    "POST /acd/agents/join": "acd_join",
    "POST /acd/agents/leave": "acd_leave",
    "POST /acd/calls/hangup": "acd_hangup",
    "POST /acd/calls/transfer": "acd_transfer",
    "POST /acd/monitor": "acd_monitor",
    "POST /acd/monitor/mode": "acd_monitor_mode",
    "POST /acd/originate": "acd_originate",
}


def local_routes(runtime: QueueRuntime) -> dict[str, Callable[[dict], Any]]:
    """`POST /cti/events {since, wait, agent}`: events after `since`, waiting up to `wait` s for one;
    `GET /webhooks/status`: the webhook sender's counters and last error."""

    def events(args: dict) -> dict:
        agent = args.get("agent")
        return runtime.cti.read(
            int(args.get("since", 0)), float(args.get("wait", 0)), str(agent) if agent else None
        )

    def webhooks(_args: dict) -> dict:
        sender = runtime.webhooks
        return sender.status() if sender is not None else {"enabled": False, "running": False}

    return {"POST /cti/events": events, "GET /webhooks/status": webhooks}


def _ok(_result: object) -> dict:
    return {"ok": True}

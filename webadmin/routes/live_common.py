"""What the live call-center pages share: JSON answers, the SSE response, navigation, JS strings.

Not an admin area of its own: it registers no routes.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import bottle

from webadmin import auth, context, i18n
from webadmin.plugins import DatabasePlugin
from webadmin.services import cti_stream, screenpop

log = logging.getLogger(__name__)


def json_reply(data: Any, status: int = 200) -> str:
    bottle.response.status = status
    bottle.response.content_type = "application/json"
    return json.dumps(data, ensure_ascii=False)


def json_error(status: int, field: str, message: str) -> bottle.HTTPResponse:
    """Return (to raise) a JSON error answer: {"error": message, "field": field}."""
    body = json.dumps({"error": message, "field": field}, ensure_ascii=False)
    response = bottle.HTTPResponse(body=body, status=status)
    response.content_type = "application/json"
    return response


def open_stream(agent: str) -> Any:
    """Answer with the agent's SSE stream, or 503 (JSON, Retry-After) when no stream slot is free."""
    state = context.state()
    if state.control is None:
        raise json_error(503, "core", "pbx-core is not configured")
    gate = cti_stream.gate_of(bottle.request.app.config)
    slot = gate.acquire()
    if slot is None:
        log.warning("CTI stream for agent %s refused: %d streams open", agent, gate.max_streams)
        response = json_error(503, "streams", "too many live streams open; retry shortly")
        response.set_header("Retry-After", "5")
        raise response
    since = cti_stream.parse_since(
        bottle.request.get_header("Last-Event-ID"), bottle.request.query.get("since")
    )
    bottle.response.content_type = "text/event-stream; charset=UTF-8"
    # No proxy may hold the stream back to fill a buffer.
    bottle.response.set_header("X-Accel-Buffering", "no")
    return cti_stream.relay(state.control, agent, since, gate, slot, enrich_with_pop(state.db))


def agent_nav() -> tuple[tuple[str, str], ...]:
    return (("agent", "/agent"),)


def live_nav() -> tuple[tuple[str, str], ...] | None:
    """The live pages' links for the current user's role (None: the layout's own navigation)."""
    user = auth.current_user()
    if user is not None and user.role == "agent":
        return agent_nav()
    return None


JS_KEYS = (
    "live.state.logged-out",
    "live.state.idle",
    "live.state.ringing",
    "live.state.reserved",
    "live.state.on-call",
    "live.state.wrap-up",
    "live.state.paused",
    "live.core_down",
    "live.vip",
    "live.no_customer",
    "live.no_history",
    "live.no_call",
    "live.open_crm",
    "live.stream_down",
    "agentc.call_ringing",
    "agentc.call_talking",
    "agentc.call_ended",
    "agentc.col_time",
    "agentc.col_caller",
    "agentc.col_callee",
    "agentc.col_result",
    "agentc.col_seconds",
    "agentc.col_queue",
    "agentc.col_wait",
    "agentc.col_talk",
    "agentc.col_customer",
    "agentc.history",
    "agentc.customer",
    "agentc.company",
    "agentc.notes",
    "agentc.queue",
    "agentc.caller",
    "agentc.no_recent",
    "agentc.in_queue",
    "agentc.not_in_queue",
)


def js_strings(language: str) -> dict[str, str]:
    """The catalog entries the console's script shows, in the page's language."""
    return {key: i18n.translate(key, language) for key in JS_KEYS}


def enrich_with_pop(db: Any) -> cti_stream.Enrich:
    """Return a function that adds the screen pop to ringing and answered events (own DB connection).

    The stream runs after the request's connection was closed, in the server's thread.
    """

    def enrich(event: dict[str, Any]) -> dict[str, Any]:
        if event.get("type") not in ("agent-ringing", "call-answered"):
            return event
        try:
            with DatabasePlugin.connection(db):
                pop = screenpop.pop(
                    str(event.get("caller", "")),
                    str(event.get("queue", "")),
                    str(event.get("call", "")),
                    str(event.get("digits", "")),
                )
        except Exception:  # a failed lookup must not end the agent's stream
            log.exception("screen pop for call %s failed", event.get("call"))
            return event
        return {**event, "pop": pop}

    return enrich

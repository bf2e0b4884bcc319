"""The CTI HTTP API for integrations (CRM, softphone toolbars), one agent per token.

    Authorization: Bearer <token>        (the agent's API token, from its console or an admin)

POST /api/cti/login {contact?} | logout | pause {reason} | unpause | wrapup_end |
join {queue} | leave {queue} (a queue the agent is a dynamic member of) |
originate {number} | transfer {call, target} | hangup {call}; GET /api/cti/state; GET
/api/cti/events (Server-Sent Events; EventSource cannot send headers, so `?token=` is accepted
there only). Bodies are JSON or form fields. Answers are JSON: {"ok": true, ...} or
{"error": text, "field": name} with 401 (no or bad token), 403 (another agent, or a call that
is not the agent's), 400 (bad input, `field` names it), 409 (pbx-core refused), 503 (pbx-core
away, or every stream slot taken), 413 (body too large).

These routes skip the cookie guard (webadmin.plugins.GuardPlugin): a bearer token is never sent
by a browser on its own, so there is no CSRF to check and no session; `token_route` does the
authentication, the body limit and the JSON errors instead. Every action is audited as
`cti:<agent>`.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable
from typing import Any

import bottle

from telephony.errors import ControlError
from telephony.models import Agent
from webadmin import auth, context
from webadmin.errors import FormError
from webadmin.plugins import MAX_BODY
from webadmin.routes import live_common as common
from webadmin.services import acd, agent_auth

log = logging.getLogger(__name__)

PREFIX = "/api/cti"
API_BODY = 16 * 1024


def register(app: bottle.Bottle) -> None:
    skip = ["pbx-guard"]
    for verb, func in (
        ("login", login),
        ("logout", logout),
        ("pause", pause),
        ("unpause", unpause),
        ("wrapup_end", wrapup_end),
        ("join", join),
        ("leave", leave),
        ("originate", originate),
        ("transfer", transfer),
        ("hangup", hangup),
    ):
        app.route(f"{PREFIX}/{verb}", "POST", func, skip=skip)
    app.route(f"{PREFIX}/state", "GET", state, skip=skip)
    app.route(f"{PREFIX}/events", "GET", events, skip=skip)


def _bearer(allow_query: bool) -> str | None:
    header = bottle.request.get_header("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    if allow_query:
        return bottle.request.query.get("token") or None
    return None


def _body() -> dict[str, str]:
    """Return the request's fields, from a JSON object or a form; refuse anything else (400)."""
    request = bottle.request
    if request.content_type.split(";")[0].strip().lower() == "application/json":
        try:
            data = json.loads(request.body.read() or b"{}")
        except ValueError:
            raise common.json_error(400, "body", "the body is not valid JSON") from None
        if not isinstance(data, dict):
            raise common.json_error(400, "body", "the body must be a JSON object")
        return {str(k): "" if v is None else str(v) for k, v in data.items()}
    return {k: request.forms.getunicode(k) or "" for k in request.forms}


def token_route(*, allow_query: bool = False) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Authenticate the agent by its token and turn every refusal into a JSON answer.

    The wrapped function gets (agent, fields); a `agent` field naming another agent is 403.
    """

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            request = bottle.request
            if request.content_length > min(MAX_BODY, API_BODY):
                raise common.json_error(413, "body", "body too large")
            agent = agent_auth.agent_for_token(_bearer(allow_query))
            if agent is None:
                response = common.json_error(401, "token", "a valid agent API token is required")
                response.set_header("WWW-Authenticate", 'Bearer realm="cti"')
                raise response
            fields = _body() if request.method == "POST" else {}
            claimed = fields.get("agent", "").strip() or request.query.get("agent", "").strip()
            if claimed and claimed != agent.number:
                _audit(agent, f"cti.{func.__name__}", f"refused: acting for agent {claimed[:32]}")
                raise common.json_error(403, "agent", "this token acts only for its own agent")
            try:
                return func(agent, fields, *args, **kwargs)
            except FormError as exc:
                field, key = next(iter(exc.errors.items()))
                raise common.json_error(400, field, context.t(key)) from None
            except ControlError as exc:
                reason = acd.core_reason(exc)
                _audit(agent, f"cti.{func.__name__}", f"refused: {reason}")
                if acd.refused(exc):
                    raise common.json_error(409, "core", reason) from None
                raise common.json_error(503, "core", "pbx-core is not reachable") from None

        setattr(wrapper, auth.ACCESS_ATTR, auth.ACCESS_TOKEN)
        return wrapper

    return decorate


def _audit(agent: Agent, action: str, detail: str = "") -> None:
    context.audit(action, target=agent.number, detail=detail, username=agent_auth.TOKEN_PREFIX + agent.number)


def _live() -> acd.AcdLive:
    return acd.AcdLive(context.state().control)


def _done(agent: Agent, action: str, detail: str = "", **extra: Any) -> str:
    _audit(agent, action, detail)
    return common.json_reply({"ok": True, **extra})


@token_route()
def login(agent: Agent, fields: dict[str, str]) -> str:
    contact = acd.check_contact(fields.get("contact") or agent.default_extension or "")
    _live().login(agent.number, contact)
    return _done(agent, "cti.login", f"contact={contact}", contact=contact)


@token_route()
def logout(agent: Agent, fields: dict[str, str]) -> str:
    _live().logout(agent.number)
    return _done(agent, "cti.logout")


@token_route()
def pause(agent: Agent, fields: dict[str, str]) -> str:
    reason = acd.check_pause_reason(fields.get("reason", ""))
    _live().pause(agent.number, reason)
    return _done(agent, "cti.pause", f"reason={reason}", reason=reason)


@token_route()
def unpause(agent: Agent, fields: dict[str, str]) -> str:
    _live().unpause(agent.number)
    return _done(agent, "cti.unpause")


@token_route()
def wrapup_end(agent: Agent, fields: dict[str, str]) -> str:
    _live().end_wrap_up(agent.number)
    return _done(agent, "cti.wrapup_end")


@token_route()
def join(agent: Agent, fields: dict[str, str]) -> str:
    queue = acd.check_dynamic_queue(agent.number, fields.get("queue", ""))
    _live().join(agent.number, queue)
    return _done(agent, "cti.join", f"queue={queue}", queue=queue)


@token_route()
def leave(agent: Agent, fields: dict[str, str]) -> str:
    queue = acd.check_dynamic_queue(agent.number, fields.get("queue", ""))
    _live().leave(agent.number, queue)
    return _done(agent, "cti.leave", f"queue={queue}", queue=queue)


@token_route()
def originate(agent: Agent, fields: dict[str, str]) -> str:
    number = acd.check_number(fields.get("number", ""))
    call = _live().originate(agent.number, number)
    return _done(agent, "cti.originate", f"number={number}", call=call)


def _own_call(agent: Agent, fields: dict[str, str]) -> str:
    call = acd.check_call(fields.get("call", ""))
    if not _live().owns_call(agent.number, call):
        _audit(agent, "cti.refused", f"call={call} is not the agent's")
        raise common.json_error(403, "call", "this call is not the agent's")
    return call


@token_route()
def transfer(agent: Agent, fields: dict[str, str]) -> str:
    target = acd.parse_target(fields.get("target", ""))
    call = _own_call(agent, fields)
    _live().transfer(call, target)
    return _done(agent, "cti.transfer", f"call={call} target={target}")


@token_route()
def hangup(agent: Agent, fields: dict[str, str]) -> str:
    call = _own_call(agent, fields)
    _live().hangup(call)
    return _done(agent, "cti.hangup", f"call={call}")


@token_route()
def state(agent: Agent, fields: dict[str, str]) -> str:
    live = _live()
    snap = live.snapshot()
    row = live.agent_in(snap, agent.number) or {}
    call = live.call_of_agent(agent.number, snap)
    return common.json_reply(
        {
            "agent": agent.number,
            "name": agent.name,
            "state": row.get("state", "logged-out"),
            "time_in_state": row.get("time_in_state", 0),
            "pause_reason": row.get("pause_reason") or "",
            "contact": row.get("contact") or "",
            "queues": row.get("queues") or [],
            "call": None
            if call is None
            else {"call": call.call, "caller": call.caller, "queue": call.queue, "state": call.state},
        }
    )


@token_route(allow_query=True)
def events(agent: Agent, fields: dict[str, str]) -> Any:
    return common.open_stream(agent.number)

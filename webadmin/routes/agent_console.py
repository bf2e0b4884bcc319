"""The agent console: PIN login, state buttons, joining and leaving its dynamic queues, the current
call with its screen pop, click-to-call, recent calls, the agent's CTI API token, and the live
event stream (Server-Sent Events).

An agent acts only on itself: no route takes an agent number; the agent is the session's. Every
state change is written to the audit log (refused ones too, with pbx-core's reason).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, NoReturn

import bottle

from telephony.errors import ControlError
from telephony.models import Agent
from webadmin import auth, context
from webadmin.errors import FormError
from webadmin.routes import live_common as common
from webadmin.services import acd, agent_auth, screenpop

log = logging.getLogger(__name__)

CONSOLE = "/agent"
LOGIN = "/agent/login"


def register(app: bottle.Bottle) -> None:
    app.route(LOGIN, "GET", login_form)
    app.route(LOGIN, "POST", login_submit)
    app.route(CONSOLE, "GET", console)
    app.route("/agent/state.json", "GET", state_json)
    app.route("/agent/events", "GET", events)
    app.route("/agent/acd/login", "POST", acd_login)
    app.route("/agent/acd/logout", "POST", acd_logout)
    app.route("/agent/acd/pause", "POST", acd_pause)
    app.route("/agent/acd/ready", "POST", acd_ready)
    app.route("/agent/acd/wrapup_end", "POST", acd_wrapup_end)
    app.route("/agent/acd/join", "POST", acd_join)
    app.route("/agent/acd/leave", "POST", acd_leave)
    app.route("/agent/call", "POST", click_to_call)
    app.route("/agent/call/hangup", "POST", hangup)
    app.route("/agent/call/transfer", "POST", transfer)
    app.route("/agent/token", "POST", token_create)
    app.route("/agent/token/revoke", "POST", token_revoke)


def agent_only(*, api: bool = False) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Admit only an agent's session and pass the Agent row as the first argument.

    No session: the console's login page (or 401 for `api` routes, which a script reads). A
    session of an admin or supervisor: 403. A stand-in user whose agent was renumbered, deleted or
    disabled: the session ends.
    """

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            user = auth.current_user()
            agent = agent_auth.agent_of(user)
            if agent is None and agent_auth.is_stand_in(user):
                auth.end_session(auth.current_session())
                bottle.request.environ["pbx.session"] = None
                context.delete_cookie(auth.SESSION_COOKIE)
                user = None
            if user is None:
                if api:
                    raise common.json_error(401, "login", "not logged in")
                if bottle.request.method == "GET":
                    context.redirect(LOGIN + "?next=" + bottle.urlquote(bottle.request.path, safe="/"))
                context.redirect(LOGIN)
            if agent is None:
                log.warning("user %s (role %s) refused %s", user.username, user.role, bottle.request.path)
                if api:
                    raise common.json_error(403, "agent", "an agent session is needed")
                raise bottle.HTTPError(403)
            return func(agent, *args, **kwargs)

        setattr(wrapper, auth.ACCESS_ATTR, auth.ACCESS_AGENT)
        return wrapper

    return decorate


def _live() -> acd.AcdLive:
    return acd.AcdLive(context.state().control)


# --- login ---------------------------------------------------------------------------------------


@auth.access(auth.ACCESS_PUBLIC)
def login_form() -> str:
    if agent_auth.agent_of(auth.current_user()) is not None:
        context.redirect(CONSOLE)
    return _login_page("", _next(bottle.request.query.get("next")), None)


def _next(target: str | None) -> str:
    target = context.safe_next(target, CONSOLE)
    return target if target == CONSOLE or target.startswith(CONSOLE + "/") else CONSOLE


@auth.access(auth.ACCESS_PUBLIC)
def login_submit() -> str:
    number = context.form("agent").strip()[:32]
    pin = context.form("pin")
    target = _next(context.form("next"))
    addr = context.remote_addr()
    key = agent_auth.throttle_key(number)
    wait = context.state().throttle.retry_after(addr, key)
    if wait:
        log.warning("agent login throttled for %r from %s (%d s left)", number, addr, wait)
        bottle.response.status = 429
        bottle.response.set_header("Retry-After", str(wait))
        minutes = str(max(1, -(-wait // 60)))
        return _login_page(number, target, context.t("login.throttled", minutes=minutes))
    agent = agent_auth.authenticate(number, pin)
    if agent is None:
        # Counted by the same throttle as admin logins (per address and per name).
        context.audit("login.failed", target=key, username=key)
        return _login_page(number, target, context.t("agentc.login_failed"))
    user = agent_auth.web_user(agent, context.language())
    old = auth.current_session()
    if old is not None:
        auth.end_session(old)
    token, session = auth.start_session(user, addr)
    bottle.request.environ["pbx.session"] = session
    context.set_cookie(auth.SESSION_COOKIE, token)
    context.set_cookie(context.LANG_COOKIE, user.language, max_age=365 * 24 * 3600)
    context.delete_cookie(auth.CSRF_COOKIE)
    context.audit("agent.web_login", target=agent.number, username=user.username)
    context.redirect(target)


def _login_page(number: str, target: str, error: str | None) -> str:
    return context.render(
        "agent/login",
        title=context.t("agentc.login_title"),
        nav=(),
        number=number,
        target=target,
        error=error,
    )


# --- the console ---------------------------------------------------------------------------------


def agent_state(agent: Agent, language: str) -> dict[str, Any]:
    """Return what the console shows: the agent's live state, its current call's pop, recent calls."""
    live = _live()
    out: dict[str, Any] = {
        "agent": {"number": agent.number, "name": agent.name},
        "core": False,
        "state": "",
        "time_in_state": 0,
        "pause_reason": "",
        "pause_label": "",
        "contact": "",
        "call": None,
        "recent": screenpop.recent_calls(agent.number),
        "queues": [],
    }
    snap = live.try_snapshot()
    # joined is None while pbx-core cannot say: the console then offers neither button.
    joined: set[str] | None = None
    if snap is not None:
        joined = {str(q) for q in (live.agent_in(snap, agent.number) or {}).get("queues") or []}
    out["queues"] = [
        {"queue": q.number, "name": q.name, "joined": None if joined is None else q.number in joined}
        for q in acd.dynamic_queues(agent.number)
    ]
    if snap is None:
        return out
    row = live.agent_in(snap, agent.number) or {}
    out.update(
        core=True,
        state=str(row.get("state") or "logged-out"),
        time_in_state=round(float(row.get("time_in_state") or 0), 1),
        pause_reason=str(row.get("pause_reason") or ""),
        contact=str(row.get("contact") or ""),
    )
    out["pause_label"] = acd.pause_label(out["pause_reason"], language)
    try:
        call = live.call_of_agent(agent.number, snap)
    except ControlError:
        call = None
    if call is not None:
        caller, queue = call.caller, call.queue
        if not caller:
            caller, queue = screenpop.caller_of_call(call.call)
            queue = call.queue or queue
        out["call"] = {"state": call.state, **screenpop.pop(caller, queue, call.call)}
    return out


@agent_only()
def console(agent: Agent) -> str:
    return _console_page(agent)


def _console_page(agent: Agent) -> str:
    language = context.language()
    state = agent_state(agent, language)
    return context.render(
        "agent/console",
        title=context.t("agentc.title"),
        area="agent",
        nav=common.agent_nav(),
        agent=agent,
        state=state,
        state_json=screenpop.as_json(state),
        i18n_json=screenpop.as_json(common.js_strings(language)),
        pause_codes=acd.pause_codes(),
        fallback_pause=acd.FALLBACK_PAUSE,
        default_contact=state["contact"] or agent.default_extension or "",
        token_issued=agent_auth.token_issued(agent),
        new_token=bottle.request.environ.get("pbx.new_token"),
    )


@agent_only(api=True)
def state_json(agent: Agent) -> str:
    return common.json_reply(agent_state(agent, context.language()))


@agent_only(api=True)
def events(agent: Agent) -> Any:
    """The agent's own CTI events as Server-Sent Events (see webadmin.services.cti_stream)."""
    return common.open_stream(agent.number)


# --- state buttons -------------------------------------------------------------------------------


def _act(agent: Agent, action: str, detail: str, do: Callable[[], Any], success: str, **args: str) -> None:
    """Run one action against pbx-core, audit it either way, flash the outcome, back to the console."""
    try:
        do()
    except ControlError as exc:
        reason = acd.core_reason(exc)
        context.audit(action, target=agent.number, detail=f"{detail} refused: {reason}".strip())
        if acd.refused(exc):
            context.flash("error", "live.core_refused", reason=reason[:200])
        else:
            context.flash("error", "core.not_reachable")
        context.redirect(CONSOLE)
    context.audit(action, target=agent.number, detail=detail)
    context.flash("success", success, **args)
    context.redirect(CONSOLE)


def _bad_input(exc: FormError) -> NoReturn:
    field, key = next(iter(exc.errors.items()))
    context.flash("error", "live.bad_field", field=field, reason=context.t(key))
    context.redirect(CONSOLE)


@agent_only()
def acd_login(agent: Agent) -> None:
    try:
        contact = acd.check_contact(context.form("contact") or agent.default_extension or "")
    except FormError as exc:
        _bad_input(exc)
    _act(
        agent,
        "acd.login",
        f"contact={contact}",
        lambda: _live().login(agent.number, contact),
        "agentc.logged_in",
        contact=contact,
    )


@agent_only()
def acd_logout(agent: Agent) -> None:
    _act(agent, "acd.logout", "", lambda: _live().logout(agent.number), "agentc.logged_out")


@agent_only()
def acd_pause(agent: Agent) -> None:
    try:
        reason = acd.check_pause_reason(context.form("reason"))
    except FormError as exc:
        _bad_input(exc)
    _act(
        agent,
        "acd.pause",
        f"reason={reason}",
        lambda: _live().pause(agent.number, reason),
        "agentc.paused",
        reason=acd.pause_label(reason, context.language()),
    )


@agent_only()
def acd_ready(agent: Agent) -> None:
    _act(agent, "acd.unpause", "", lambda: _live().unpause(agent.number), "agentc.ready_done")


@agent_only()
def acd_wrapup_end(agent: Agent) -> None:
    _act(agent, "acd.wrapup_end", "", lambda: _live().end_wrap_up(agent.number), "agentc.wrapup_ended")


def _my_queue(agent: Agent) -> str:
    """Return the submitted queue if the agent is a dynamic member of it; refuse anything else."""
    try:
        return acd.check_dynamic_queue(agent.number, context.form("queue"))
    except FormError as exc:
        _bad_input(exc)


@agent_only()
def acd_join(agent: Agent) -> None:
    queue = _my_queue(agent)
    _act(
        agent,
        "acd.join",
        f"queue={queue}",
        lambda: _live().join(agent.number, queue),
        "agentc.joined",
        queue=queue,
    )


@agent_only()
def acd_leave(agent: Agent) -> None:
    queue = _my_queue(agent)
    _act(
        agent,
        "acd.leave",
        f"queue={queue}",
        lambda: _live().leave(agent.number, queue),
        "agentc.left",
        queue=queue,
    )


@agent_only()
def click_to_call(agent: Agent) -> None:
    try:
        number = acd.check_number(context.form("number"))
    except FormError as exc:
        _bad_input(exc)
    _act(
        agent,
        "acd.originate",
        f"number={number}",
        lambda: _live().originate(agent.number, number),
        "agentc.calling",
        number=number,
    )


def _own_call(agent: Agent) -> str:
    """Return the submitted call id if it is the agent's current call; refuse anything else."""
    try:
        call = acd.check_call(context.form("call"))
    except FormError as exc:
        _bad_input(exc)
    try:
        mine = _live().owns_call(agent.number, call)
    except ControlError:
        context.flash("error", "core.not_reachable")
        context.redirect(CONSOLE)
    if not mine:
        context.audit("acd.refused", target=agent.number, detail=f"call={call} is not the agent's")
        raise bottle.HTTPError(403)
    return call


@agent_only()
def hangup(agent: Agent) -> None:
    call = _own_call(agent)
    _act(agent, "acd.hangup", f"call={call}", lambda: _live().hangup(call), "agentc.hung_up")


@agent_only()
def transfer(agent: Agent) -> None:
    call = _own_call(agent)
    try:
        target = acd.check_transfer(context.form("kind"), context.form("target"))
    except FormError as exc:
        _bad_input(exc)
    _act(
        agent,
        "acd.transfer",
        f"call={call} target={target}",
        lambda: _live().transfer(call, target),
        "agentc.transferred",
        target=target,
    )


# --- the CTI API token ---------------------------------------------------------------------------


@agent_only()
def token_create(agent: Agent) -> str:
    token = agent_auth.issue_token(agent)
    context.audit("cti.token_create", target=agent.number)
    # Shown once, on this answer only: never in a cookie, a redirect or the log.
    bottle.request.environ["pbx.new_token"] = token
    return _console_page(agent)


@agent_only()
def token_revoke(agent: Agent) -> None:
    if agent_auth.revoke_token(agent):
        context.audit("cti.token_revoke", target=agent.number)
    context.flash("success", "agentc.token_revoked")
    context.redirect(CONSOLE)

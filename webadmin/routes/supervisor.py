"""The supervisor console: every queue, agent and queue call live; listen / whisper / barge, force
hang-up and transfer of any call, force an agent's pause, ready or logout.

Supervisor or admin role only; every action is written to the audit log, refused ones too. The
supervisor's own extension (where monitor calls ring) is asked once and kept with the web session.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable
from typing import Any, NoReturn

import bottle

from telephony.errors import ControlError
from telephony.models import WebSession
from webadmin import auth, context
from webadmin.errors import FormError
from webadmin.routes import live_common as common
from webadmin.services import acd, agent_auth

log = logging.getLogger(__name__)

PAGE = "/supervisor"


def register(app: bottle.Bottle) -> None:
    app.route(PAGE, "GET", console)
    app.route("/supervisor/live", "GET", live_fragment)
    app.route("/supervisor/live.json", "GET", live_json)
    app.route("/supervisor/extension", "POST", set_extension)
    app.route("/supervisor/monitor", "POST", monitor)
    app.route("/supervisor/monitor/mode", "POST", monitor_mode)
    app.route("/supervisor/calls/hangup", "POST", hangup)
    app.route("/supervisor/calls/transfer", "POST", transfer)
    app.route("/supervisor/agents/pause", "POST", agent_pause)
    app.route("/supervisor/agents/ready", "POST", agent_ready)
    app.route("/supervisor/agents/logout", "POST", agent_logout)
    app.route("/supervisor/agents/token", "POST", token_create)
    app.route("/supervisor/agents/token/revoke", "POST", token_revoke)


# --- what this web session remembers ------------------------------------------------------------


@dataclasses.dataclass
class Desk:
    """One supervisor session's extension and the monitor sessions it started."""

    extension: str = ""
    monitors: list[str] = dataclasses.field(default_factory=list)


_DESKS_LOCK = threading.Lock()


def _desk() -> Desk:
    session = auth.current_session()
    desks: dict[str, Desk] = bottle.request.app.config.setdefault("pbx.supervisor_desks", {})
    with _DESKS_LOCK:
        desk = desks.get(session.id_hash)
        if desk is None:
            if len(desks) > 64:
                # Forget the desks of sessions that have ended.
                alive = {s.id_hash for s in WebSession.select(WebSession.id_hash)}
                for key in [k for k in desks if k not in alive]:
                    del desks[key]
            desk = desks[session.id_hash] = Desk()
        return desk


def _live() -> acd.AcdLive:
    return acd.AcdLive(context.state().control)


# --- pages ---------------------------------------------------------------------------------------


def _board() -> dict[str, Any] | None:
    live = _live()
    try:
        return acd.board(live.snapshot(), live.status_calls(), context.language())
    except ControlError as exc:
        log.warning("supervisor view: %s", exc)
        return None


def _values(view: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "board": view,
        "desk": _desk(),
        "pause_codes": acd.pause_codes(),
        "fallback_pause": acd.FALLBACK_PAUSE,
        "modes": acd.MONITOR_MODES,
        "transfer_kinds": acd.TRANSFER_KINDS,
        "is_admin": auth.has_role(auth.current_user(), "admin"),
        "clock": clock,
    }


def clock(seconds: float) -> str:
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


@auth.require("supervisor")
def console() -> str:
    return context.render(
        "supervisor/console",
        title=context.t("sup.title"),
        area="supervisor",
        new_token=None,
        **_values(_board()),
    )


@auth.require("supervisor")
def live_fragment() -> str:
    """The live tables alone, which the page's script swaps in every two seconds."""
    values = _values(_board())
    return bottle.template(
        "supervisor/live",
        template_lookup=context.TEMPLATE_LOOKUP,
        t=context.t,
        lang=context.language(),
        csrf_token=context.csrf_token(),
        csrf_field=auth.CSRF_FIELD,
        **values,
    )


@auth.require("supervisor")
def live_json() -> str:
    view = _board()
    if view is None:
        return common.json_reply({"ok": False}, 503)
    return common.json_reply({"ok": True, **view})


# --- actions -------------------------------------------------------------------------------------


def _act(action: str, subject: str, detail: str, do: Callable[[], Any], success: str, **args: str) -> None:
    """Run one supervisor action, audit it either way, flash the outcome, back to the console."""
    try:
        do()
    except ControlError as exc:
        reason = acd.core_reason(exc)
        context.audit(action, target=subject, detail=f"{detail} refused: {reason}".strip())
        if acd.refused(exc):
            context.flash("error", "live.core_refused", reason=reason[:200])
        else:
            context.flash("error", "core.not_reachable")
        context.redirect(PAGE)
    context.audit(action, target=subject, detail=detail)
    context.flash("success", success, **args)
    context.redirect(PAGE)


def _bad_input(exc: FormError) -> NoReturn:
    field, key = next(iter(exc.errors.items()))
    context.flash("error", "live.bad_field", field=field, reason=context.t(key))
    context.redirect(PAGE)


@auth.require("supervisor")
def set_extension() -> None:
    try:
        extension = acd.check_contact(context.form("extension"), "extension")
    except FormError as exc:
        _bad_input(exc)
    _desk().extension = extension
    context.audit("supervisor.extension", target=extension)
    context.flash("success", "sup.extension_saved", extension=extension)
    context.redirect(PAGE)


@auth.require("supervisor")
def monitor() -> None:
    desk = _desk()
    try:
        call = acd.check_call(context.form("call"))
        mode = acd.check_mode(context.form("mode"))
    except FormError as exc:
        _bad_input(exc)
    if not desk.extension:
        context.flash("error", "sup.extension_first")
        context.redirect(PAGE)

    def start() -> None:
        session = _live().monitor(call, mode, desk.extension)
        if session:
            desk.monitors = [*desk.monitors[-15:], session]

    _act(
        f"supervisor.{mode}",
        call,
        f"contact={desk.extension}",
        start,
        "sup.monitor_started",
        mode=context.t("sup.mode." + mode),
        extension=desk.extension,
    )


@auth.require("supervisor")
def monitor_mode() -> None:
    desk = _desk()
    session = context.form("session").strip()
    try:
        mode = acd.check_mode(context.form("mode"))
    except FormError as exc:
        _bad_input(exc)
    if session not in desk.monitors:
        # Only the supervisor who started a monitor call may change what it does.
        context.audit("supervisor.monitor_mode", target=session[:64], detail="refused: not this session's")
        raise bottle.HTTPError(403)
    _act(
        "supervisor.monitor_mode",
        session,
        f"mode={mode}",
        lambda: _live().monitor_mode(session, mode),
        "sup.mode_changed",
        mode=context.t("sup.mode." + mode),
    )


@auth.require("supervisor")
def hangup() -> None:
    try:
        call = acd.check_call(context.form("call"))
    except FormError as exc:
        _bad_input(exc)
    _act("supervisor.hangup", call, "", lambda: _live().hangup(call), "sup.hung_up", call=call)


@auth.require("supervisor")
def transfer() -> None:
    try:
        call = acd.check_call(context.form("call"))
        target = acd.check_transfer(context.form("kind"), context.form("target"))
    except FormError as exc:
        _bad_input(exc)
    _act(
        "supervisor.transfer",
        call,
        f"target={target}",
        lambda: _live().transfer(call, target),
        "sup.transferred",
        call=call,
        target=target,
    )


def _agent() -> str:
    try:
        return acd.check_agent(context.form("agent")).number
    except FormError as exc:
        _bad_input(exc)


@auth.require("supervisor")
def agent_pause() -> None:
    agent = _agent()
    try:
        reason = acd.check_pause_reason(context.form("reason"))
    except FormError as exc:
        _bad_input(exc)
    _act(
        "supervisor.pause",
        agent,
        f"reason={reason}",
        lambda: _live().pause(agent, reason),
        "sup.agent_paused",
        agent=agent,
    )


@auth.require("supervisor")
def agent_ready() -> None:
    agent = _agent()
    _act("supervisor.unpause", agent, "", lambda: _live().unpause(agent), "sup.agent_ready", agent=agent)


@auth.require("supervisor")
def agent_logout() -> None:
    agent = _agent()
    _act("supervisor.logout", agent, "", lambda: _live().logout(agent), "sup.agent_logged_out", agent=agent)


@auth.require("admin")
def token_create() -> str:
    """Issue an agent's CTI API token for an integration; shown once, on this answer only."""
    try:
        agent = acd.check_agent(context.form("agent"))
    except FormError as exc:
        _bad_input(exc)
    token = agent_auth.issue_token(agent)
    context.audit("cti.token_create", target=agent.number)
    return context.render(
        "supervisor/console",
        title=context.t("sup.title"),
        area="supervisor",
        new_token=(agent.number, token),
        **_values(_board()),
    )


@auth.require("admin")
def token_revoke() -> None:
    try:
        agent = acd.check_agent(context.form("agent"))
    except FormError as exc:
        _bad_input(exc)
    if agent_auth.revoke_token(agent):
        context.audit("cti.token_revoke", target=agent.number)
    context.flash("success", "sup.token_revoked", agent=agent.number)
    context.redirect(PAGE)

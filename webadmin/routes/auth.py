"""Log in, log out, and switch the interface language."""

from __future__ import annotations

import logging

import bottle

from webadmin import auth, context, i18n
from webadmin.services import agent_auth, users

log = logging.getLogger(__name__)

LANG_COOKIE_AGE = 365 * 24 * 3600


def register(app: bottle.Bottle) -> None:
    app.route("/login", "GET", login_form)
    app.route("/login", "POST", login_submit)
    app.route("/logout", "POST", logout)
    app.route("/lang", "POST", switch_language)


@auth.access(auth.ACCESS_PUBLIC)
def login_form() -> str:
    if auth.current_user() is not None:
        context.redirect("/")
    return _page("", context.safe_next(bottle.request.query.get("next")), None)


@auth.access(auth.ACCESS_PUBLIC)
def login_submit() -> str:
    username = context.form("username").strip()[:64]
    password = context.form("password")
    target = context.safe_next(context.form("next"))
    addr = context.remote_addr()
    wait = context.state().throttle.retry_after(addr, username)
    if wait:
        # Not audited row by row: a flood of refused attempts must not grow the database.
        log.warning("login throttled for %r from %s (%d s left)", username, addr, wait)
        bottle.response.status = 429
        bottle.response.set_header("Retry-After", str(wait))
        minutes = str(max(1, -(-wait // 60)))
        return _page(username, target, context.t("login.throttled", minutes=minutes))
    user = users.authenticate(username, password)
    if user is None:
        context.audit("login.failed", target=username, username=username)
        return _page(username, target, context.t("login.failed"))
    old = auth.current_session()
    if old is not None:
        auth.end_session(old)
    token, session = auth.start_session(user, addr)
    bottle.request.environ["pbx.session"] = session
    context.set_cookie(auth.SESSION_COOKIE, token)
    context.set_cookie(context.LANG_COOKIE, user.language, max_age=LANG_COOKIE_AGE)
    context.delete_cookie(auth.CSRF_COOKIE)
    context.audit("login", target=user.username)
    if target == "/":  # no page asked for: land where the role may go
        target = context.LANDING.get(user.role, "/")
    context.redirect(target)


@auth.require("agent")
def logout() -> None:
    session = auth.current_session()
    context.audit("logout", target=session.user.username)
    # An agent's stand-in user logs in again with its number and PIN.
    page = "/agent/login" if agent_auth.is_stand_in(session.user) else "/login"
    auth.end_session(session)
    bottle.request.environ["pbx.session"] = None
    context.delete_cookie(auth.SESSION_COOKIE)
    context.flash("info", "login.logged_out")
    context.redirect(page)


@auth.access(auth.ACCESS_OPEN)
def switch_language() -> None:
    language = context.form("lang")
    if language not in i18n.LANGUAGES:
        raise bottle.HTTPError(400)
    context.set_cookie(context.LANG_COOKIE, language, max_age=LANG_COOKIE_AGE)
    user = auth.current_user()
    if user is not None:
        users.set_language(user, language)
    context.redirect(context.safe_next(context.form("next")))


def _page(username: str, target: str, error: str | None) -> str:
    return context.render(
        "auth/login", title=context.t("login.title"), username=username, target=target, error=error
    )

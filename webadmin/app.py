"""Build the web admin as a Bottle app: `create_app(config)` is all a server or a test needs."""

from __future__ import annotations

import logging

import bottle
import peewee

from telephony.boxconfig import BoxConfig
from telephony.control.client import ControlClient
from telephony.models import WebSession, open_database
from webadmin import auth, context
from webadmin.errors import AppConfigError
from webadmin.plugins import MAX_BODY, DatabasePlugin, GuardPlugin, apply_security_headers
from webadmin.routes import (
    agent_console,
    agents,
    audit,
    bans,
    cdr,
    conference,
    cti_api,
    customers,
    dashboard,
    extensions,
    features,
    ivr,
    moh,
    paging,
    park,
    pausecodes,
    ports,
    queues,
    recent,
    recordings,
    reports,
    routing,
    setup,
    skills,
    supervisor,
    system,
    update,
    users,
    voicemail,
    wallboard,
    webhooks,
)
from webadmin.routes import auth as auth_routes

log = logging.getLogger(__name__)

ERROR_CODES = (400, 403, 404, 405, 413, 429, 500, 503)


def create_app(
    config: BoxConfig, control: ControlClient | None = None, *, db: peewee.Database | None = None
) -> bottle.Bottle:
    """Return the admin app over the box database.

    `control` is the pbx-core control API; None means there is no core to talk to, and the
    pages say so. `db` is an already opened database; by default the one at config.db_path
    is opened (and migrated).
    """
    # Bodies beyond this are refused (413) before Bottle would spool them to a temp file.
    bottle.BaseRequest.MEMFILE_MAX = MAX_BODY
    if db is None:
        db = open_database(config.db_path)
    app = bottle.Bottle(catchall=True)
    app.config["json.enable"] = False
    app.config["pbx.state"] = context.AppState(config=config, control=control, db=db)
    app.install(DatabasePlugin(db))
    app.install(GuardPlugin())

    app.route("/static/<path:path>", "GET", _static, skip=True)
    modules = (setup, auth_routes, dashboard, extensions, ports, routing, queues, agents, skills, pausecodes)
    for module in (*modules, customers, webhooks, reports, cdr, bans, audit):
        module.register(app)
    users.register(app)  # people who log in, and each person's own account
    moh.register(app)  # music-on-hold uploads (a larger body limit on its upload route)
    ivr.register(app)  # IVR flows and their nodes
    voicemail.register(app)  # mailboxes, their messages (played with ranges) and the SMTP server
    conference.register(app)  # conference rooms and their live view
    features.register(app)  # DND, forwards, follow-me, ring groups, caller lists, speed dials
    park.register(app)  # call park settings and pickup groups
    paging.register(app)  # paging groups
    recent.register(app)  # recent calls of a phone (admins), of one's own extension (agents)
    recordings.register(app)  # call recordings (played with ranges), rules and retention
    system.register(app)  # processes, health, backup/restore, factory reset (firmware/)
    update.register(app)  # firmware update: signed bundle upload, install progress (a large body limit)
    for module in (agent_console, supervisor, wallboard, cti_api):  # the call center live
        module.register(app)
    _check_access_declared(app)

    app.add_hook("after_request", lambda: apply_security_headers(bottle.response))
    for code in ERROR_CODES:
        app.error(code)(_error_page)
    return app


@auth.access(auth.ACCESS_STATIC)
def _static(path: str) -> bottle.HTTPResponse:
    response = bottle.static_file(path, root=str(context.STATIC_DIR))
    response.set_header("Cache-Control", "public, max-age=3600")
    return response


def _check_access_declared(app: bottle.Bottle) -> None:
    """Refuse to build an app in which some route forgot its `require(role)` or `access(kind)`."""
    for route in app.routes:
        if getattr(route.callback, auth.ACCESS_ATTR, None) is None:
            raise AppConfigError(f"route {route.method} {route.rule} declares no access (use auth.require)")


def _session_for_error_page() -> WebSession | None:
    token = bottle.request.get_cookie(auth.SESSION_COOKIE)
    if not token:
        return None
    with DatabasePlugin.connection(context.state().db):
        return auth.find_session(token)


def _error_page(error: bottle.HTTPError) -> str:
    """Render every error as a page in the user's language; never show a traceback."""
    apply_security_headers(bottle.response)
    code = error.status_code
    if "pbx.session" not in bottle.request.environ:
        # No route ran (unknown path, wrong method): look the session up so a logged-in
        # person still gets the navigation bar and their language.
        bottle.request.environ["pbx.session"] = _session_for_error_page()
    if code == 500:
        log.error("500 on %s %s: %r", bottle.request.method, bottle.request.path, error.exception)
    key = "csrf" if code == 403 and error.body == "csrf" else str(code)
    if code == 429:
        retry = error.headers.get("Retry-After") if error.headers else None
        if retry:
            bottle.response.set_header("Retry-After", retry)
    bottle.response.content_type = "text/html; charset=UTF-8"
    try:
        return context.render(
            "error",
            title=context.t(f"error.{key}.title"),
            flashes=False,
            code=code,
            heading=context.t(f"error.{key}.title"),
            text=context.t(f"error.{key}.text"),
        )
    except Exception:  # the error page itself must never fail
        log.exception("error page %s failed", code)
        return f"<!DOCTYPE html><title>{code}</title><h1>{code}</h1>"

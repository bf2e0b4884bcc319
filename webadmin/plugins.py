"""Bottle plugins: a database connection per request, and the guard every route passes through.

Order matters: DatabasePlugin is installed first, so it is the outermost wrapper and the
guard (which reads the session from the database) runs inside it.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from typing import Any

import bottle
import peewee

from telephony.errors import ControlError
from telephony.models import database
from webadmin import auth, context
from webadmin.services import users

log = logging.getLogger(__name__)

# Forms here are a few fields; nothing larger is ever needed (no uploads yet).
MAX_BODY = 256 * 1024

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def apply_security_headers(response: bottle.BaseResponse) -> None:
    for name, value in SECURITY_HEADERS.items():
        response.set_header(name, value)
    if not str(response.content_type).startswith(("text/css", "image/")):
        # Pages show call data and settings: keep them out of shared and back-button caches.
        response.set_header("Cache-Control", "no-store")


class DatabasePlugin:
    """Connect before each request and close after it (thread-local connections under cheroot)."""

    name = "pbx-db"
    api = 2

    def __init__(self, db: peewee.Database) -> None:
        self.db = db

    @staticmethod
    @contextlib.contextmanager
    def connection(db: peewee.Database) -> Iterator[None]:
        """Hold a connection to `db` for the duration of the block."""
        # The models use one process-wide proxy; point it at this app's database, in case
        # another app in the same process (tests, tools) bound it elsewhere meanwhile.
        if database.obj is not db:
            database.initialize(db)
        db.connect(reuse_if_open=True)
        try:
            yield
        finally:
            if not db.is_closed():
                db.close()

    def apply(self, callback: Callable[..., Any], route: bottle.Route) -> Callable[..., Any]:
        db = self.db

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self.connection(db):
                return callback(*args, **kwargs)

        return wrapper


class GuardPlugin:
    """Enforce, for every route: body size, first-run setup, login, and CSRF on every POST.

    Routes declare their access with `auth.require(role)` or `auth.access(kind)`; a route
    with no declaration is refused when the app is created (fail closed).
    """

    name = "pbx-guard"
    api = 2

    def setup(self, app: bottle.Bottle) -> None:
        """Bind the box's session.key to the app's database: the guard verifies the session cookies."""
        app_state = app.config["pbx.state"]
        auth.use_session_key(app_state.db, app_state.config)

    def apply(self, callback: Callable[..., Any], route: bottle.Route) -> Callable[..., Any]:
        kind = getattr(route.callback, auth.ACCESS_ATTR, None)
        if kind is None:
            raise bottle.HTTPError(500, f"route {route.rule} declares no access")

        # A route may allow a larger body (a CSV upload) with the route option `pbx.max_body`.
        max_body = int(route.config.get("pbx.max_body", MAX_BODY))

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            request = bottle.request
            length = request.content_length
            if length > max_body:
                raise bottle.HTTPError(413)
            env = request.environ
            env["pbx.session"] = auth.find_session(request.get_cookie(auth.SESSION_COOKIE))
            app_state = context.state()
            if not app_state.admin_known:
                app_state.admin_known = users.admin_exists()
            if not app_state.admin_known and kind not in (auth.ACCESS_SETUP, auth.ACCESS_OPEN):
                context.redirect("/setup")
            if app_state.admin_known and kind == auth.ACCESS_SETUP:
                raise bottle.HTTPError(404)
            if kind in auth.ROLES and env["pbx.session"] is None:
                # No session: nothing will be changed, so go and log in before judging the token.
                context.redirect_to_login()
            if request.method == "POST" and not context.csrf_ok():
                log.warning("CSRF check failed for POST %s from %s", request.path, context.remote_addr())
                raise bottle.HTTPError(403, "csrf")
            try:
                return callback(*args, **kwargs)
            except ControlError as exc:
                # Pages handle an absent core themselves; this is the net under them.
                log.warning("pbx-core unreachable during %s %s: %s", request.method, request.path, exc)
                raise bottle.HTTPError(503, "core") from None

        return wrapper

"""What a request handler needs around it: app state, client address, language, cookies, flash, pages."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import bottle
import peewee

from telephony.boxconfig import BoxConfig
from telephony.control.client import ControlClient
from webadmin import auth, i18n
from webadmin.services import audit as audit_service

log = logging.getLogger(__name__)

VIEWS_DIR = Path(__file__).resolve().parent / "views"
STATIC_DIR = Path(__file__).resolve().parent / "static"
# One constant list: Bottle caches compiled templates by id(lookup).
TEMPLATE_LOOKUP = [str(VIEWS_DIR)]

LANG_COOKIE = "lang"
FLASH_COOKIE = "pbx_flash"
FLASH_LEVELS = ("success", "info", "warning", "error")
NAV = (
    ("dashboard", "/"),
    ("extensions", "/extensions"),
    ("voicemail", "/voicemail"),
    ("conference", "/conference"),
    ("features", "/features"),
    ("park", "/park"),
    ("paging", "/paging"),
    ("recent", "/recent"),
    ("recordings", "/recordings"),
    ("ports", "/ports"),
    ("trunks", "/trunks"),
    ("inbound", "/inbound"),
    ("dialrules", "/dialrules"),
    ("callcenter", "/queues"),
    ("cdr", "/cdr"),
    ("bans", "/bans"),
    ("audit", "/audit"),
    ("system", "/system"),
    ("update", "/update"),
)
# The call center's pages, shown as a second row under "callcenter" when one of them is open.
CALLCENTER_NAV = (
    ("queues", "/queues"),
    ("agents", "/agents"),
    ("skills", "/skills"),
    ("pausecodes", "/pausecodes"),
    ("moh", "/moh"),
    ("ivr", "/ivr"),
    ("customers", "/customers"),
    ("webhooks", "/webhooks"),
    ("reports", "/reports"),
)

# A supervisor sees only the pages it may open (its consoles are added by the layout).
SUPERVISOR_NAV = (("customers", "/customers"), ("reports", "/reports"), ("recordings", "/recordings"))
# Where a login lands when it asked for no page: the first page the role may open.
LANDING = {"admin": "/", "supervisor": "/supervisor"}


def nav_for(user: Any) -> tuple[tuple[str, str], ...]:
    """The main menu for a user's role: admins everything, supervisors their pages, others nothing."""
    if user is None:
        return ()
    return {"admin": NAV, "supervisor": SUPERVISOR_NAV}.get(user.role, ())


@dataclass
class AppState:
    """Everything one app instance shares between requests; read-only after create_app."""

    config: BoxConfig
    control: ControlClient | None
    db: peewee.Database
    throttle: auth.Throttle = field(default_factory=auth.Throttle)
    # Once an administrator exists it never stops existing (no UI deletes admins), so cache it.
    admin_known: bool = False


def state() -> AppState:
    return bottle.request.app.config["pbx.state"]


# --- request facts -----------------------------------------------------------------------------


def remote_addr() -> str:
    """Return the peer address of the connection.

    X-Forwarded-For is ignored on purpose: anyone can send it, and the login throttle
    and audit log must not be fooled. The box serves the admin directly, with no proxy.
    """
    return str(bottle.request.environ.get("REMOTE_ADDR") or "")


def is_https() -> bool:
    env = bottle.request.environ
    scheme = env.get("HTTP_X_FORWARDED_PROTO") or env.get("wsgi.url_scheme", "http")
    return str(scheme).split(",")[0].strip().lower() == "https"


def form(name: str, default: str = "") -> str:
    """Return a submitted form field as properly decoded text (Bottle's .get gives latin-1)."""
    value = bottle.request.forms.getunicode(name, default=default)
    return value if value is not None else default


def safe_next(target: str | None, default: str = "/") -> str:
    """Return `target` if it is a path on this site; anything else (//evil, http://...) becomes `default`."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    if any(ord(c) < 0x20 for c in target):
        return default
    return target


def set_cookie(name: str, value: str, max_age: int | None = None) -> None:
    """Set a cookie the way every cookie of this app is set: HttpOnly, SameSite=Strict, Secure on https."""
    options: dict[str, Any] = {"path": "/", "httponly": True, "samesite": "Strict", "secure": is_https()}
    if max_age is not None:
        options["max_age"] = max_age
    bottle.response.set_cookie(name, value, **options)


def delete_cookie(name: str) -> None:
    set_cookie(name, "", max_age=0)


# --- language ----------------------------------------------------------------------------------


def language() -> str:
    env = bottle.request.environ
    if "pbx.language" not in env:
        user = auth.current_user()
        env["pbx.language"] = i18n.choose(
            user.language if user is not None else None,
            bottle.request.get_cookie(LANG_COOKIE),
            bottle.request.headers.get("Accept-Language"),
        )
    return env["pbx.language"]


def t(key: str, **args: object) -> str:
    return i18n.translate(key, language(), **args)


# --- CSRF --------------------------------------------------------------------------------------


def csrf_token() -> str:
    """Return the token forms must carry: the session's, or before login a double-submit cookie's."""
    session = auth.current_session()
    if session is not None:
        return session.csrf_token
    env = bottle.request.environ
    if "pbx.csrf" not in env:
        token = bottle.request.get_cookie(auth.CSRF_COOKIE)
        if not token or len(token) != 43:
            token = auth.new_token()
            set_cookie(auth.CSRF_COOKIE, token)
        env["pbx.csrf"] = token
    return env["pbx.csrf"]


def csrf_ok() -> bool:
    session = auth.current_session()
    expected = session.csrf_token if session is not None else bottle.request.get_cookie(auth.CSRF_COOKIE)
    return auth.csrf_matches(form(auth.CSRF_FIELD) or None, expected)


# --- flash messages ----------------------------------------------------------------------------


def flash(level: str, key: str, **args: str) -> None:
    """Queue a message for the next page; the cookie holds a catalog key and arguments, never markup."""
    if level not in FLASH_LEVELS:
        raise ValueError(f"unknown flash level {level!r}")
    queued = bottle.request.environ.setdefault("pbx.flash_out", [])
    queued.append([level, key, {k: str(v) for k, v in args.items()}])
    raw = json.dumps(queued, ensure_ascii=True, separators=(",", ":")).encode()
    set_cookie(FLASH_COOKIE, base64.urlsafe_b64encode(raw).decode().rstrip("="))


def take_flashes() -> list[tuple[str, str]]:
    """Return the queued messages as (level, text) and clear them."""
    raw = bottle.request.get_cookie(FLASH_COOKIE)
    if not raw or "pbx.flash_out" in bottle.request.environ:
        return []
    delete_cookie(FLASH_COOKIE)
    try:
        items = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    except (ValueError, binascii.Error):
        return []
    out = []
    for item in items if isinstance(items, list) else []:
        try:
            level, key, args = item
        except (TypeError, ValueError):
            continue
        # The cookie comes from the browser: only known levels, keys and plain-text arguments.
        if level in FLASH_LEVELS and i18n.has(key) and isinstance(args, dict):
            try:
                out.append((level, t(key, **{str(k): str(v) for k, v in args.items()})))
            except (KeyError, IndexError, ValueError):
                continue
    return out


# --- responses ---------------------------------------------------------------------------------


def redirect(path: str) -> NoReturn:
    """Answer 303 with a relative Location, keeping the cookies set so far."""
    res = bottle.response.copy(cls=bottle.HTTPResponse)
    res.status = 303
    res.body = ""
    res.set_header("Location", path)
    raise res


def redirect_to_login() -> NoReturn:
    path = bottle.request.path
    if bottle.request.method == "GET" and path != "/":
        query = bottle.request.query_string
        target = path + ("?" + query if query else "")
        redirect("/login?next=" + bottle.urlquote(target, safe="/"))
    redirect("/login")


def local_time(value: dt.datetime | None) -> str:
    """Format a stored UTC time in the box's local time zone."""
    if value is None:
        return ""
    return value.replace(tzinfo=dt.UTC).astimezone().strftime("%Y-%m-%d %H:%M:%S")


def render(view: str, *, title: str, area: str = "", flashes: bool = True, **values: Any) -> str:
    """Render a view inside layout.tpl with the context every page needs."""
    user = auth.current_user()
    query = bottle.request.query_string
    context = {
        "t": t,
        "lang": language(),
        "languages": [(code, i18n.LANGUAGE_NAMES[code]) for code in i18n.LANGUAGES],
        "user": user,
        "csrf_token": csrf_token(),
        "csrf_field": auth.CSRF_FIELD,
        "flashes": take_flashes() if flashes else [],
        "title": title,
        "area": area,
        "nav": nav_for(user),
        "subnav": CALLCENTER_NAV
        if user is not None and user.role == "admin" and area in dict(CALLCENTER_NAV)
        else (),
        "here": bottle.request.path + ("?" + query if query else ""),
        "local_time": local_time,
    }
    context.update(values)
    return bottle.template(view, template_lookup=TEMPLATE_LOOKUP, **context)


def audit(action: str, target: str = "", detail: str = "", username: str | None = None) -> None:
    """Record an admin action by the current user (or `username`) from the client's address."""
    if username is None:
        user = auth.current_user()
        username = user.username if user is not None else ""
    audit_service.record(action, username=username, target=target, detail=detail, remote_addr=remote_addr())

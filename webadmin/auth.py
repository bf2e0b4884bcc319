"""Passwords (argon2id), server-side sessions, CSRF tokens, login throttling and `require(role)`.

Sessions: the cookie carries 32 random bytes and their HMAC under the box's session.key
(`<token>.<mac>`); the database keeps only the token's sha256, so a stolen database copy does
not log anyone in, and a forged or guessed cookie is refused before any database lookup.
Bottle's signed cookies are never used: they unpickle whatever the cookie holds.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import logging
import math
import re
import secrets
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import bottle
import peewee
from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

from firmware.firstboot import ensure_secret
from telephony.boxconfig import BoxConfig
from telephony.models import AdminUser, AuditLog, WebSession, database, utcnow

log = logging.getLogger(__name__)

SESSION_COOKIE = "pbx_session"
CSRF_COOKIE = "pbx_csrf"
CSRF_FIELD = "csrf_token"
IDLE_TIMEOUT = dt.timedelta(minutes=30)
MAX_SESSION_AGE = dt.timedelta(hours=12)
# Sliding the idle expiry costs a write; do it at most once a minute per session.
TOUCH_EVERY = dt.timedelta(minutes=1)
# The box's key that signs session cookies (keys/session.key, made by first boot).
SESSION_KEY_NAME = "session.key"
# Hex digits of HMAC-SHA256 kept in the cookie: 128 bits, beyond guessing.
COOKIE_MAC_HEX = 32

# Role ranks: a higher role may do everything a lower one may.
ROLES = {"agent": 1, "supervisor": 2, "admin": 3}

# Access declarations a route callback carries (see `require`, `public`).
ACCESS_ATTR = "pbx_access"
ACCESS_OPEN = "open"  # works before and after first-run setup (language switch)
ACCESS_PUBLIC = "public"  # no login needed once an administrator exists (login page)
ACCESS_SETUP = "setup"  # only while no administrator exists
ACCESS_STATIC = "static"  # static files: no database, no session
# An agent's own console: the guard looks the session up and checks CSRF; the route's decorator
# (webadmin.routes.agent_console.agent_only) admits only an agent session (a role of its own).
ACCESS_AGENT = "agent-session"
# The CTI API: authenticated by an agent's bearer token, never by a cookie, so neither session
# nor CSRF applies; these routes skip the guard and run webadmin.routes.cti_api's own.
ACCESS_TOKEN = "cti-token"

USERNAME_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
PASSWORD_MIN = 10
PASSWORD_MAX = 128

# argon2id with the RFC 9106 low-memory profile (64 MiB, t=3, p=4): ~0.2 s on a PC, more on a Pi.
hasher = PasswordHasher(type=Type.ID)
# Each hash takes 64 MiB: a burst of logins on every server thread must not exhaust a
# small board's memory, so at most two run at once; the rest wait their turn.
_HASH_SLOTS = threading.BoundedSemaphore(2)
# Verified against when the username is unknown, so both failures cost the same time.
_DUMMY_HASH = hasher.hash(secrets.token_urlsafe(16))


# --- passwords ---------------------------------------------------------------------------------


def hash_password(password: str) -> str:
    with _HASH_SLOTS:
        return hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Return whether `password` matches; spend the same time when there is no hash (unknown user)."""
    try:
        with _HASH_SLOTS:
            return hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return hasher.check_needs_rehash(password_hash)


def username_problem(username: str) -> str | None:
    """Return the message key of what is wrong with a username, or None."""
    return None if USERNAME_RE.match(username) else "username.format"


def password_problem(password: str, username: str = "") -> str | None:
    """Return the message key of what is wrong with a new admin password, or None."""
    if len(password) < PASSWORD_MIN:
        return "password.too_short"
    if len(password) > PASSWORD_MAX:
        return "password.too_long"
    if not (any(c.isalpha() for c in password) and any(c.isdigit() for c in password)):
        return "password.letters_digits"
    if username and username.lower() in password.lower():
        return "password.contains_username"
    return None


# --- sessions ----------------------------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    """Return 32 random bytes, URL-safe base64 (cookie-safe, no quoting needed)."""
    return secrets.token_urlsafe(32)


# The signing key of each open box database: sessions live in that database, so the key that
# signs their cookies goes with it (several apps, each over its own data dir, may share a process).
_session_keys: weakref.WeakKeyDictionary[peewee.Database, bytes] = weakref.WeakKeyDictionary()


def use_session_key(db: peewee.Database, config: BoxConfig) -> None:
    """Sign the session cookies of `db` with the box's session.key (made now if first boot never ran)."""
    _session_keys[db] = ensure_secret(config, SESSION_KEY_NAME).encode()


def _cookie_mac(token: str) -> str | None:
    """Return the MAC of `token` under the key of the database the models use now; None if it has none."""
    key = _session_keys.get(database.obj) if database.obj is not None else None
    if key is None:
        return None
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()[:COOKIE_MAC_HEX]


def sign_token(token: str) -> str:
    """Return the cookie value for a session token: `<token>.<mac>`."""
    mac = _cookie_mac(token)
    if mac is None:  # a programming error: create_app binds the key of every database it serves
        raise RuntimeError("no session key for this database (webadmin.auth.use_session_key)")
    return f"{token}.{mac}"


def verified_token(cookie: str | None) -> str | None:
    """Return the token of a cookie value whose MAC is right; None for anything else."""
    if not cookie or len(cookie) > 128 + 1 + COOKIE_MAC_HEX:
        return None
    token, _dot, mac = cookie.rpartition(".")
    expected = _cookie_mac(token)
    if not token or expected is None or not hmac.compare_digest(mac.encode(), expected.encode()):
        return None
    return token


def start_session(user: AdminUser, remote_addr: str) -> tuple[str, WebSession]:
    """Create a session for `user`; return the signed cookie value (its token is never stored) and the row."""
    now = utcnow()
    # Logins are rare: a good moment to drop sessions that ran out.
    WebSession.delete().where(WebSession.expires <= now).execute()
    token = new_token()
    session = WebSession.create(
        id_hash=_digest(token),
        user=user,
        csrf_token=new_token(),
        created=now,
        expires=now + IDLE_TIMEOUT,
        remote_addr=remote_addr[:64],
    )
    return sign_token(token), session


def find_session(cookie: str | None) -> WebSession | None:
    """Return the live session for a cookie value (user loaded), sliding its idle expiry; else None.

    A cookie whose MAC is wrong is refused here, before the database is asked.
    """
    token = verified_token(cookie)
    if token is None or len(token) > 128:
        return None
    row = (
        WebSession.select(WebSession, AdminUser)
        .join(AdminUser)
        .where(WebSession.id_hash == _digest(token))
        .first()
    )
    if row is None:
        return None
    now = utcnow()
    if row.expires <= now or row.created + MAX_SESSION_AGE <= now:
        row.delete_instance()
        return None
    if row.expires - now < IDLE_TIMEOUT - TOUCH_EVERY:
        row.expires = now + IDLE_TIMEOUT
        row.save(only=[WebSession.expires])
    return row


def end_session(session: WebSession) -> None:
    WebSession.delete().where(WebSession.id_hash == session.id_hash).execute()


def csrf_matches(sent: str | None, expected: str | None) -> bool:
    """Compare a submitted CSRF token with the expected one in constant time."""
    if not sent or not expected:
        return False
    return hmac.compare_digest(sent.encode(), expected.encode())


# --- login throttling --------------------------------------------------------------------------


@dataclass(frozen=True)
class Throttle:
    """Limit failed logins, counted from the audit log so the limit survives a restart.

    Two buckets: one per (address, username) pair, and a wider one per address so that
    trying many usernames from one place is limited too.
    """

    window: dt.timedelta = dt.timedelta(minutes=5)
    per_pair: int = 5
    per_address: int = 20

    def retry_after(self, remote_addr: str, username: str) -> int:
        """Return the seconds until another attempt is allowed; 0 when allowed now."""
        since = utcnow() - self.window
        failures = AuditLog.select(AuditLog.time).where(
            AuditLog.action == "login.failed", AuditLog.remote_addr == remote_addr, AuditLog.time > since
        )
        waits = []
        for query, limit in (
            (failures.where(AuditLog.username == username[:64]), self.per_pair),
            (failures, self.per_address),
        ):
            # The limit-th newest failure leaves the window last of those that matter.
            row = query.order_by(AuditLog.time.desc()).offset(limit - 1).first()
            if row is not None:
                waits.append((row.time + self.window - utcnow()).total_seconds())
        return max(0, math.ceil(max(waits, default=0)))


# --- access control ----------------------------------------------------------------------------


def current_session() -> WebSession | None:
    return bottle.request.environ.get("pbx.session")


def current_user() -> AdminUser | None:
    session = current_session()
    return session.user if session is not None else None


def has_role(user: AdminUser | None, role: str) -> bool:
    return user is not None and ROLES.get(user.role, 0) >= ROLES[role]


def require(role: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a route so only a logged-in user holding `role` (or higher) reaches it.

    Not logged in: redirect to /login. Logged in without the role: 403. The guard plugin
    also refuses to serve any route that carries no access declaration at all.
    """
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                from webadmin.context import redirect_to_login

                redirect_to_login()
            if not has_role(user, role):
                log.warning("user %s (role %s) refused %s", user.username, user.role, bottle.request.path)
                raise bottle.HTTPError(403)
            return func(*args, **kwargs)

        setattr(wrapper, ACCESS_ATTR, role)
        return wrapper

    return decorate


def access(kind: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare a route that needs no admin role: ACCESS_PUBLIC, _SETUP, _OPEN, _STATIC, _AGENT or _TOKEN."""
    if kind not in (ACCESS_OPEN, ACCESS_PUBLIC, ACCESS_SETUP, ACCESS_STATIC, ACCESS_AGENT, ACCESS_TOKEN):
        raise ValueError(f"unknown access kind {kind!r}")

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        setattr(func, ACCESS_ATTR, kind)
        return func

    return decorate

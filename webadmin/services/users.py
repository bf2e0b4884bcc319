"""People's accounts: first-run creation, authentication, language preference, and their management
by an administrator (create, role, password reset, disable, delete) and by each person (own password).

Agents' and API tokens' stand-in rows (``agent:<n>``, ``cti:<n>``, see webadmin.services.agent_auth)
live in the same table but are not people: nothing here lists or edits them.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

import peewee
from peewee import fn

from telephony.models import AdminUser, AuditLog, WebSession, database, utcnow
from webadmin import auth
from webadmin.errors import FormError, SetupDone
from webadmin.services import agent_auth

log = logging.getLogger(__name__)


def admin_exists() -> bool:
    return AdminUser.select().exists()


def create_first_admin(username: str, password: str, confirm: str, language: str) -> AdminUser:
    """Validate and create the first administrator; raise FormError or SetupDone."""
    errors: dict[str, str] = {}
    problem = auth.username_problem(username)
    if problem:
        errors["username"] = problem
    problem = auth.password_problem(password, username)
    if problem:
        errors["password"] = problem
    elif password != confirm:
        errors["confirm"] = "password.mismatch"
    if errors:
        raise FormError(errors)
    password_hash = auth.hash_password(password)
    with _write_transaction():
        if admin_exists():
            raise SetupDone("an administrator already exists")
        return AdminUser.create(
            username=username, password_hash=password_hash, role="admin", language=language
        )


def authenticate(username: str, password: str) -> AdminUser | None:
    """Return the user if the password is right; unknown users cost the same time as wrong passwords."""
    user = AdminUser.get_or_none(AdminUser.username == username)
    if not auth.verify_password(_usable_hash(user), password):
        return None
    if auth.needs_rehash(user.password_hash):
        user.password_hash = auth.hash_password(password)
        user.save(only=[AdminUser.password_hash])
    return user


def _usable_hash(user: AdminUser | None) -> str | None:
    """Return the argon2 hash a password is checked against; None (the dummy's cost) when there is none.

    A disabled person's or a stand-in's "!..." value would fail at once, telling an attacker the
    account exists; checking against the dummy hash costs what an unknown username costs.
    """
    if user is None or user.password_hash.startswith("!"):
        return None
    return user.password_hash


def set_language(user: AdminUser, language: str) -> None:
    user.language = language
    user.save(only=[AdminUser.language])


# --- people: the admin's user management and each person's own password ---------------------------

# The roles a person can be given here. `agent` is left out on purpose: an agent works in the agent
# console, which admits only the agent's stand-in user (webadmin.services.agent_auth), so a person
# with that role could log in and reach no page.
PERSON_ROLES = ("supervisor", "admin")
# A disabled person's hash is kept behind this prefix: never a valid argon2 hash, so no password
# logs in (the trick agent_auth's stand-ins use), and enabling again restores the old password.
DISABLED_PREFIX = "!disabled:"
OWN_PASSWORD_ACTION_FAILED = "account.password.failed"


@dataclass(frozen=True)
class Person:
    """One row of the people list: the user, whether they are disabled, and their last login."""

    user: AdminUser
    disabled: bool
    last_login: dt.datetime | None


def is_person(user: AdminUser | None) -> bool:
    """Return whether `user` is a person's account, not an agent's or an API token's stand-in row."""
    return user is not None and not user.username.startswith((agent_auth.WEB_PREFIX, agent_auth.TOKEN_PREFIX))


def is_disabled(user: AdminUser) -> bool:
    return user.password_hash.startswith(DISABLED_PREFIX)


def _people_query() -> peewee.ModelSelect:
    return AdminUser.select().where(
        ~AdminUser.username.startswith(agent_auth.WEB_PREFIX),
        ~AdminUser.username.startswith(agent_auth.TOKEN_PREFIX),
    )


def people() -> list[Person]:
    """Return every person's account, by username, with the last login the audit log holds."""
    last = dict(
        AuditLog.select(AuditLog.target, fn.MAX(AuditLog.time))
        .where(AuditLog.action == "login")
        .group_by(AuditLog.target)
        .tuples()
    )
    out = []
    for user in _people_query().order_by(AdminUser.username):
        login = _as_time(last.get(user.username))
        # A login before the account was created was an earlier account of the same name.
        out.append(Person(user, is_disabled(user), login if login and login >= user.created else None))
    return out


def _as_time(value: object) -> dt.datetime | None:
    # SQLite hands MAX() of a datetime column back as the stored text.
    if value is None or isinstance(value, dt.datetime):
        return value
    return AuditLog.time.python_value(value)


def person(user_id: int) -> AdminUser | None:
    """Return the person's account with this id, or None (also for agents' and tokens' stand-ins)."""
    return _people_query().where(AdminUser.id == user_id).first()


def _new_password_errors(password: str, confirm: str, username: str) -> dict[str, str]:
    problem = auth.password_problem(password, username)
    if problem:
        return {"password": problem}
    if password != confirm:
        return {"confirm": "password.mismatch"}
    return {}


def create_user(username: str, role: str, password: str, confirm: str, language: str) -> AdminUser:
    """Validate and create a supervisor or administrator; raise FormError naming each bad field."""
    errors: dict[str, str] = {}
    problem = auth.username_problem(username)
    if problem:
        errors["username"] = problem
    if role not in PERSON_ROLES:
        errors["role"] = "users.role_invalid"
    errors |= _new_password_errors(password, confirm, username)
    if errors:
        raise FormError(errors)
    password_hash = auth.hash_password(password)
    with _write_transaction():
        # Names differing only in case would be told apart by the login but not by people.
        if AdminUser.select().where(fn.LOWER(AdminUser.username) == username.lower()).exists():
            raise FormError({"username": "users.username_taken"})
        return AdminUser.create(username=username, password_hash=password_hash, role=role, language=language)


def _refuse_losing_last_admin(user: AdminUser, field: str) -> None:
    """Raise FormError on `field` when `user` is the only enabled administrator (call under the write lock)."""
    if user.role != "admin" or is_disabled(user):
        return
    others = (
        AdminUser.select()
        .where(
            AdminUser.role == "admin",
            AdminUser.id != user.id,
            ~AdminUser.password_hash.startswith(DISABLED_PREFIX),
        )
        .exists()
    )
    if not others:
        raise FormError({field: "users.last_admin"})


def _fresh(user: AdminUser) -> AdminUser:
    """Re-read `user` under the write lock: two admins acting at once must not both pass a check."""
    row = AdminUser.get_or_none(AdminUser.id == user.id)
    if row is None:
        raise FormError({"user": "users.gone"})
    return row


def change_role(user: AdminUser, role: str) -> str:
    """Give a person another role; return the old one. The last enabled administrator keeps theirs."""
    if role not in PERSON_ROLES:
        raise FormError({"role": "users.role_invalid"})
    with _write_transaction():
        row = _fresh(user)
        old = row.role
        if role != old and role != "admin":
            _refuse_losing_last_admin(row, "role")
        row.role = role
        row.save(only=[AdminUser.role])
    return old


def _store_password(user: AdminUser, password_hash: str, keep: WebSession | None) -> int:
    """Save a new hash (a disabled account stays disabled); end the user's sessions but `keep`; count them."""
    with _write_transaction():
        row = _fresh(user)
        row.password_hash = (DISABLED_PREFIX if is_disabled(row) else "") + password_hash
        row.save(only=[AdminUser.password_hash])
        return _end_sessions(row, keep)


def _end_sessions(user: AdminUser, keep: WebSession | None = None) -> int:
    query = WebSession.delete().where(WebSession.user == user)
    if keep is not None:
        query = query.where(WebSession.id_hash != keep.id_hash)
    return query.execute()


def reset_password(user: AdminUser, password: str, confirm: str, keep: WebSession | None) -> int:
    """Set a person's password for them; end their sessions (but `keep`); return how many ended."""
    errors = _new_password_errors(password, confirm, user.username)
    if errors:
        raise FormError(errors)
    return _store_password(user, auth.hash_password(password), keep)


def change_own_password(session: WebSession, current: str, password: str, confirm: str) -> int:
    """Change the session's own password after checking the current one; end the user's other sessions."""
    user = session.user
    if not auth.verify_password(_usable_hash(user), current):
        raise FormError({"current": "account.current_wrong"})
    errors = _new_password_errors(password, confirm, user.username)
    if errors:
        raise FormError(errors)
    return _store_password(user, auth.hash_password(password), session)


def own_password_failures(username: str, window: dt.timedelta) -> int:
    """Return how many wrong current passwords `username` gave on the account page within `window`."""
    since = utcnow() - window
    return (
        AuditLog.select()
        .where(
            AuditLog.action == OWN_PASSWORD_ACTION_FAILED,
            AuditLog.username == username[:64],
            AuditLog.time > since,
        )
        .count()
    )


def set_disabled(user: AdminUser, disabled: bool, actor: AdminUser) -> int:
    """Disable (ending every session) or enable a person; return how many sessions ended.

    Refused for one's own account and for the last enabled administrator.
    """
    if disabled and user.id == actor.id:
        raise FormError({"user": "users.not_yourself"})
    with _write_transaction():
        row = _fresh(user)
        if disabled == is_disabled(row):
            return 0
        if disabled:
            _refuse_losing_last_admin(row, "user")
            row.password_hash = DISABLED_PREFIX + row.password_hash
        else:
            row.password_hash = row.password_hash[len(DISABLED_PREFIX) :]
        row.save(only=[AdminUser.password_hash])
        return _end_sessions(row) if disabled else 0


def delete_user(user: AdminUser, actor: AdminUser) -> None:
    """Delete a person and their sessions; refused for one's own account and the last administrator."""
    if user.id == actor.id:
        raise FormError({"user": "users.not_yourself"})
    with _write_transaction():
        row = _fresh(user)
        _refuse_losing_last_admin(row, "user")
        # Not left to the foreign key's cascade: no session may outlive its user, whatever the database enforces.
        _end_sessions(row)
        row.delete_instance()


def _write_transaction():
    """Open a transaction that holds the write lock from its start (SQLite IMMEDIATE).

    Two browsers finishing setup at the same moment must not both create an administrator:
    the check and the insert have to happen under one lock.
    """
    db = database.obj
    if isinstance(db, peewee.SqliteDatabase):
        return db.atomic("IMMEDIATE")
    return db.atomic()

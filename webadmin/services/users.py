"""Administrator accounts: first-run creation, authentication, language preference."""

from __future__ import annotations

import logging

import peewee

from telephony.models import AdminUser, database
from webadmin import auth
from webadmin.errors import FormError, SetupDone

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
    if not auth.verify_password(user.password_hash if user else None, password):
        return None
    if auth.needs_rehash(user.password_hash):
        user.password_hash = auth.hash_password(password)
        user.save(only=[AdminUser.password_hash])
    return user


def set_language(user: AdminUser, language: str) -> None:
    user.language = language
    user.save(only=[AdminUser.language])


def _write_transaction():
    """Open a transaction that holds the write lock from its start (SQLite IMMEDIATE).

    Two browsers finishing setup at the same moment must not both create an administrator:
    the check and the insert have to happen under one lock.
    """
    db = database.obj
    if isinstance(db, peewee.SqliteDatabase):
        return db.atomic("IMMEDIATE")
    return db.atomic()

"""People who log in to the web admin: an administrator lists, creates, re-roles, resets, disables
and deletes them; every logged-in person changes their own password on "my account".

The last enabled administrator can be neither demoted, disabled nor deleted, and nobody deletes or
disables their own account. Every change is audited; a password never is, not even its length.
"""

from __future__ import annotations

import logging

import bottle

from telephony.models import AdminUser, WebSession
from webadmin import auth, context
from webadmin.errors import FormError
from webadmin.services import users

log = logging.getLogger(__name__)


def register(app: bottle.Bottle) -> None:
    app.route("/users", "GET", list_users)
    app.route("/users", "POST", create)
    app.route("/users/new", "GET", new_form)
    app.route("/users/<user_id:int>/edit", "GET", edit_form)
    app.route("/users/<user_id:int>/role", "POST", change_role)
    app.route("/users/<user_id:int>/password", "POST", reset_password)
    app.route("/users/<user_id:int>/state", "POST", change_state)
    app.route("/users/<user_id:int>/delete", "GET", confirm_delete)
    app.route("/users/<user_id:int>/delete", "POST", delete)
    app.route("/account", "GET", account_form)
    app.route("/account", "POST", account_submit)


def _person(user_id: int) -> AdminUser:
    user = users.person(user_id)
    if user is None:
        raise bottle.HTTPError(404)
    return user


def _messages(errors: dict[str, str]) -> dict[str, str]:
    return {field: context.t(key) for field, key in errors.items()}


# --- the administrator's pages -------------------------------------------------------------------


@auth.require("admin")
def list_users() -> str:
    return context.render(
        "users/list",
        title=context.t("users.title"),
        area="users",
        rows=users.people(),
        me=auth.current_user(),
    )


@auth.require("admin")
def new_form() -> str:
    return _create_page({"username": "", "role": "supervisor"}, {})


@auth.require("admin")
def create() -> str:
    username = context.form("username").strip()
    role = context.form("role")
    try:
        user = users.create_user(
            username, role, context.form("password"), context.form("confirm"), context.language()
        )
    except FormError as exc:
        bottle.response.status = 422
        return _create_page({"username": username, "role": role}, _messages(exc.errors))
    context.audit("user.create", target=user.username, detail=f"role={user.role}")
    context.flash("success", "users.created_ok", username=user.username)
    context.redirect("/users")


@auth.require("admin")
def edit_form(user_id: int) -> str:
    return _edit_page(_person(user_id), {})


@auth.require("admin")
def change_role(user_id: int) -> str:
    user = _person(user_id)
    role = context.form("role")
    try:
        old = users.change_role(user, role)
    except FormError as exc:
        bottle.response.status = 409 if exc.errors.get("role") == "users.last_admin" else 422
        return _edit_page(user, _messages(exc.errors))
    if old != role:
        context.audit("user.role", target=user.username, detail=f"{old}->{role}")
    context.flash("success", "users.role_saved", username=user.username)
    # An administrator who just made themself a supervisor can no longer see the people list.
    stepped_down = user.id == auth.current_user().id and role != "admin"
    context.redirect("/account" if stepped_down else "/users")


@auth.require("admin")
def reset_password(user_id: int) -> str:
    user = _person(user_id)
    try:
        ended = users.reset_password(
            user, context.form("password"), context.form("confirm"), auth.current_session()
        )
    except FormError as exc:
        bottle.response.status = 422
        return _edit_page(user, _messages(exc.errors))
    context.audit("user.password_reset", target=user.username, detail=f"sessions ended={ended}")
    context.flash("success", "users.password_reset", username=user.username)
    context.redirect("/users")


@auth.require("admin")
def change_state(user_id: int) -> str:
    user = _person(user_id)
    disable = context.form("enabled") != "1"
    try:
        ended = users.set_disabled(user, disable, auth.current_user())
    except FormError as exc:
        bottle.response.status = 409
        return _edit_page(user, _messages(exc.errors))
    if disable:
        context.audit("user.disable", target=user.username, detail=f"sessions ended={ended}")
    else:
        context.audit("user.enable", target=user.username)
    context.flash("success", "users.disabled" if disable else "users.enabled", username=user.username)
    context.redirect("/users")


@auth.require("admin")
def confirm_delete(user_id: int) -> str:
    return _delete_page(_person(user_id), {})


@auth.require("admin")
def delete(user_id: int) -> str:
    user = _person(user_id)
    try:
        users.delete_user(user, auth.current_user())
    except FormError as exc:
        bottle.response.status = 409
        return _delete_page(user, _messages(exc.errors))
    context.audit("user.delete", target=user.username, detail=f"role={user.role}")
    context.flash("success", "users.deleted", username=user.username)
    context.redirect("/users")


def _create_page(values: dict[str, str], errors: dict[str, str]) -> str:
    return context.render(
        "users/edit",
        title=context.t("users.new_title"),
        area="users",
        person=None,
        values=values,
        errors=errors,
        roles=users.PERSON_ROLES,
    )


def _edit_page(user: AdminUser, errors: dict[str, str]) -> str:
    return context.render(
        "users/edit",
        title=context.t("users.edit_title", username=user.username),
        area="users",
        person=user,
        disabled=users.is_disabled(user),
        is_me=user.id == auth.current_user().id,
        values={"username": user.username, "role": user.role},
        errors=errors,
        roles=users.PERSON_ROLES,
    )


def _delete_page(user: AdminUser, errors: dict[str, str]) -> str:
    return context.render(
        "users/delete",
        title=context.t("users.delete_title", username=user.username),
        area="users",
        person=user,
        errors=errors,
    )


# --- my account ----------------------------------------------------------------------------------


def _own_session() -> WebSession:
    session = auth.current_session()
    # An agent's stand-in has no password to change: it logs in with the agent's number and PIN.
    if not users.is_person(session.user):
        raise bottle.HTTPError(403)
    return session


@auth.require("agent")
def account_form() -> str:
    return _account_page(_own_session().user, {})


@auth.require("agent")
def account_submit() -> str:
    session = _own_session()
    user = session.user
    throttle = context.state().throttle
    if users.own_password_failures(user.username, throttle.window) >= throttle.per_pair:
        # A stolen session must not become a way to guess the password it does not know.
        bottle.response.status = 429
        return _account_page(user, {"current": context.t("account.throttled")})
    try:
        ended = users.change_own_password(
            session, context.form("current"), context.form("password"), context.form("confirm")
        )
    except FormError as exc:
        if "current" in exc.errors:
            context.audit(users.OWN_PASSWORD_ACTION_FAILED, target=user.username)
        bottle.response.status = 422
        return _account_page(user, _messages(exc.errors))
    context.audit("account.password", target=user.username, detail=f"other sessions ended={ended}")
    context.flash("success", "account.password_changed")
    context.redirect("/account")


def _account_page(user: AdminUser, errors: dict[str, str]) -> str:
    return context.render(
        "users/account", title=context.t("account.title"), area="account", person=user, errors=errors
    )

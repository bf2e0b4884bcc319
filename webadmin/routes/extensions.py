"""Extensions: list, create, edit, delete. Each change is saved, audited, then applied by pbx-core."""

from __future__ import annotations

import bottle

from telephony.errors import InUse, NotFound, ValidationError
from telephony.extensions.service import ExtensionInput
from telephony.models import PERMISSIONS, Extension
from webadmin import auth, context
from webadmin.services.extensions import Change, ExtensionAdmin


def register(app: bottle.Bottle) -> None:
    app.route("/extensions", "GET", list_extensions)
    app.route("/extensions", "POST", create)
    app.route("/extensions/new", "GET", new_form)
    app.route("/extensions/<number>/edit", "GET", edit_form)
    app.route("/extensions/<number>/edit", "POST", update)
    app.route("/extensions/<number>/delete", "GET", confirm_delete)
    app.route("/extensions/<number>/delete", "POST", delete)


def _admin() -> ExtensionAdmin:
    return ExtensionAdmin(context.state().control)


def _get(admin: ExtensionAdmin, number: str) -> Extension:
    try:
        return admin.get(number)
    except NotFound:
        raise bottle.HTTPError(404) from None


@auth.require("admin")
def list_extensions() -> str:
    rows = _admin().list()
    return context.render(
        "extensions/list", title=context.t("extensions.title"), area="extensions", rows=rows
    )


@auth.require("admin")
def new_form() -> str:
    return _form_page(None, {"number": "", "name": "", "enabled": True, "permission": "national"}, {})


@auth.require("admin")
def create() -> str:
    data = _submitted()
    try:
        change = _admin().create(data)
    except ValidationError as exc:
        return _form_error(None, data, exc)
    context.audit("extension.create", target=data.number, detail=change.detail)
    _report(change, "extensions.created", data.number)
    context.redirect("/extensions")


@auth.require("admin")
def edit_form(number: str) -> str:
    ext = _get(_admin(), number)
    values = {"number": ext.number, "name": ext.name, "enabled": ext.enabled, "permission": ext.permission}
    return _form_page(ext.number, values, {})


@auth.require("admin")
def update(number: str) -> str:
    admin = _admin()
    current = _get(admin, number)
    data = _submitted(current.permission)
    try:
        change = admin.update(number, data)
    except NotFound:
        raise bottle.HTTPError(404) from None
    except ValidationError as exc:
        return _form_error(number, data, exc)
    except InUse as exc:
        # Nothing was saved: an inbound route still goes to the old number (not audited).
        bottle.response.status = 409
        return _form_page(number, _values(data), {"number": exc.render(context.language())})
    context.audit("extension.update", target=number, detail=change.detail)
    _report(change, "extensions.saved", data.number)
    context.redirect("/extensions")


@auth.require("admin")
def confirm_delete(number: str) -> str:
    return _delete_page(_get(_admin(), number), "")


@auth.require("admin")
def delete(number: str) -> str:
    admin = _admin()
    try:
        change = admin.delete(number)
    except NotFound:
        raise bottle.HTTPError(404) from None
    except InUse as exc:
        # Nothing was deleted: say what uses the number, like a validation error (not audited).
        bottle.response.status = 409
        return _delete_page(admin.get(number), exc.render(context.language()))
    context.audit("extension.delete", target=number)
    _report(change, "extensions.deleted", number)
    context.redirect("/extensions")


def _delete_page(ext: Extension, error: str) -> str:
    return context.render(
        "extensions/delete",
        title=context.t("extensions.delete_title", number=ext.number),
        area="extensions",
        ext=ext,
        error=error,
    )


def _submitted(permission: str = "national") -> ExtensionInput:
    """Read the form; a client that leaves out `permission` keeps `permission` (new: the default)."""
    return ExtensionInput(
        number=context.form("number").strip(),
        name=context.form("name").strip(),
        secret=context.form("secret"),
        enabled=context.form("enabled") == "1",
        permission=context.form("permission", permission).strip(),
    )


def _report(change: Change, key: str, number: str) -> None:
    context.flash("success", key, number=number)
    if not change.applied:
        context.flash("warning", "core.unreachable")


def _form_error(original: str | None, data: ExtensionInput, exc: ValidationError) -> str:
    bottle.response.status = 422
    errors = {field: context.t(key, number=data.number) for field, key in exc.errors.items()}
    return _form_page(original, _values(data), errors)


def _values(data: ExtensionInput) -> dict:
    """Return the entered values for the form again, except the secret: it never appears in a page."""
    return {
        "number": data.number,
        "name": data.name,
        "enabled": data.enabled,
        "permission": data.permission,
    }


def _form_page(original: str | None, values: dict, errors: dict[str, str]) -> str:
    title = (
        context.t("extensions.edit_title", number=original) if original else context.t("extensions.new_title")
    )
    return context.render(
        "extensions/edit",
        title=title,
        area="extensions",
        original=original,
        values=values,
        errors=errors,
        permissions=PERMISSIONS,
    )

"""Pause codes: list, create, edit, delete; the reasons agents pause with, labelled in both languages."""

from __future__ import annotations

import bottle

from telephony.callcenter.errors import InvalidInput, PauseCodeNotFound
from telephony.callcenter.service import PauseCodeInput
from telephony.models import PauseCode
from webadmin import auth, context
from webadmin.services.callcenter import CallCenterAdmin, Change

FIELDS = ("code", "label_zh", "label_en")


def register(app: bottle.Bottle) -> None:
    app.route("/pausecodes", "GET", list_codes)
    app.route("/pausecodes", "POST", create)
    app.route("/pausecodes/new", "GET", new_form)
    app.route("/pausecodes/<code_id:int>/edit", "GET", edit_form)
    app.route("/pausecodes/<code_id:int>/edit", "POST", update)
    app.route("/pausecodes/<code_id:int>/delete", "GET", confirm_delete)
    app.route("/pausecodes/<code_id:int>/delete", "POST", delete)


def _admin() -> CallCenterAdmin:
    return CallCenterAdmin(context.state().control)


def _get(admin: CallCenterAdmin, code_id: int) -> PauseCode:
    try:
        return admin.service.pause_code(code_id)
    except PauseCodeNotFound:
        raise bottle.HTTPError(404) from None


@auth.require("admin")
def list_codes() -> str:
    rows = _admin().service.pause_codes()
    return context.render(
        "pausecodes/list", title=context.t("pausecodes.title"), area="pausecodes", rows=rows
    )


@auth.require("admin")
def new_form() -> str:
    return _form_page(None, {"code": "", "label_zh": "", "label_en": "", "productive": False}, {})


@auth.require("admin")
def create() -> str:
    return _save(None)


@auth.require("admin")
def edit_form(code_id: int) -> str:
    row = _get(_admin(), code_id)
    values = {
        "code": row.code,
        "label_zh": row.label_zh,
        "label_en": row.label_en,
        "productive": row.productive,
    }
    return _form_page(row, values, {})


@auth.require("admin")
def update(code_id: int) -> str:
    return _save(code_id)


def _save(code_id: int | None) -> str:
    admin = _admin()
    row = _get(admin, code_id) if code_id is not None else None
    values = {name: context.form(name).strip() for name in FIELDS}
    values["productive"] = context.form("productive") == "1"
    data = PauseCodeInput(values["code"], values["label_zh"], values["label_en"], values["productive"])
    try:
        change = admin.save_pause_code(data, code_id)
    except InvalidInput as exc:
        bottle.response.status = 422
        return _form_page(row, values, exc.messages(context.language()))
    context.audit(
        "pause_code.create" if row is None else "pause_code.update", target=data.code, detail=change.detail
    )
    _report(change, "pausecodes.created" if row is None else "pausecodes.saved", data.code)
    context.redirect("/pausecodes")


@auth.require("admin")
def confirm_delete(code_id: int) -> str:
    row = _get(_admin(), code_id)
    return context.render(
        "callcenter/delete",
        title=context.t("pausecodes.delete_title", code=row.code),
        area="pausecodes",
        what=f"{row.code} · {row.label(context.language())}",
        text=context.t("pausecodes.delete_text"),
        action=f"/pausecodes/{row.id}/delete",
        back="/pausecodes",
        confirm=context.t("pausecodes.delete_confirm"),
        error="",
    )


@auth.require("admin")
def delete(code_id: int) -> str:
    admin = _admin()
    row = _get(admin, code_id)
    admin.service.delete_pause_code(code_id)
    context.audit("pause_code.delete", target=row.code)
    _report(Change(admin.service.reloaded), "pausecodes.deleted", row.code)
    context.redirect("/pausecodes")


def _report(change: Change, key: str, code: str) -> None:
    context.flash("success", key, code=code)
    if not change.applied:
        context.flash("warning", "core.unreachable")


def _form_page(row: PauseCode | None, values: dict, errors: dict[str, str]) -> str:
    title = context.t("pausecodes.edit_title", code=row.code) if row else context.t("pausecodes.new_title")
    return context.render(
        "pausecodes/edit",
        title=title,
        area="pausecodes",
        action=f"/pausecodes/{row.id}/edit" if row else "/pausecodes",
        values=values,
        errors=errors,
    )

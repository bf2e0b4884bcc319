"""Paging groups: a number that pages member extensions (auto-answer, one-way audio)."""

from __future__ import annotations

import bottle

from telephony.models import PagingGroup
from telephony.park import admin as features
from telephony.park.errors import InvalidInput, NoSuchGroup
from webadmin import auth, context
from webadmin.routes.park import field_errors

FIELDS = ("number", "name", "members")


def register(app: bottle.Bottle) -> None:
    app.route("/paging", "GET", list_groups)
    app.route("/paging", "POST", create)
    app.route("/paging/new", "GET", new_form)
    app.route("/paging/<group_id:int>/edit", "GET", edit_form)
    app.route("/paging/<group_id:int>/edit", "POST", update)
    app.route("/paging/<group_id:int>/delete", "GET", confirm_delete)
    app.route("/paging/<group_id:int>/delete", "POST", delete)


def _group(group_id: int) -> PagingGroup:
    try:
        return features.paging_group(group_id)
    except NoSuchGroup:
        raise bottle.HTTPError(404) from None


@auth.require("admin")
def list_groups() -> str:
    return context.render(
        "paging/list", title=context.t("paging.title"), area="paging", rows=features.paging_groups()
    )


@auth.require("admin")
def new_form() -> str:
    return _form(None, dict.fromkeys(FIELDS, ""), {})


@auth.require("admin")
def edit_form(group_id: int) -> str:
    row = _group(group_id)
    return _form(row, {"number": row.number, "name": row.name, "members": row.members}, {})


def _form(row: PagingGroup | None, values: dict[str, str], errors: dict[str, str]) -> str:
    title = context.t("paging.new") if row is None else context.t("paging.edit_title", number=row.number)
    return context.render(
        "paging/edit",
        title=title,
        area="paging",
        values=values,
        errors=errors,
        action="/paging" if row is None else f"/paging/{row.id}/edit",
    )


@auth.require("admin")
def create() -> str:
    return _save(None)


@auth.require("admin")
def update(group_id: int) -> str:
    return _save(_group(group_id))


def _save(row: PagingGroup | None) -> str:
    values = {name: context.form(name).strip() for name in FIELDS}
    try:
        saved = features.save_paging(features.PagingInput(**values), row)
    except InvalidInput as exc:
        bottle.response.status = 422
        return _form(row, values, field_errors(exc))
    context.audit(
        "paging.create" if row is None else "paging.update", target=saved.number, detail=saved.members
    )
    context.flash("success", "paging.created" if row is None else "paging.saved", number=saved.number)
    context.redirect("/paging")


@auth.require("admin")
def confirm_delete(group_id: int) -> str:
    row = _group(group_id)
    return context.render(
        "callcenter/delete",
        title=context.t("paging.delete_title", number=row.number),
        area="paging",
        what=f"{row.number} {row.name}: {row.members}",
        text=context.t("paging.delete_text"),
        action=f"/paging/{row.id}/delete",
        back="/paging",
        confirm=context.t("paging.delete_confirm"),
        error="",
    )


@auth.require("admin")
def delete(group_id: int) -> str:
    row = features.delete_paging(_group(group_id).id)
    context.audit("paging.delete", target=row.number, detail=row.members)
    context.flash("success", "paging.deleted", number=row.number)
    context.redirect("/paging")

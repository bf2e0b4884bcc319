"""Customers: search and page through, create, edit, delete, CSV import (all or nothing) and export.

Supervisors keep the customer table (it is operational data, not box configuration); every
change, import and export is audited. The import answers with every bad row at once and saves
nothing until the whole file is right.
"""

from __future__ import annotations

import datetime as dt
import urllib.parse

import bottle

from telephony.callcenter.customers import CustomerInput
from telephony.callcenter.errors import CustomerNotFound, ImportFailed, InvalidInput
from telephony.models import Customer
from webadmin import auth, context
from webadmin.services.callcenter import CustomerAdmin
from webadmin.services.paging import parse_page

FIELDS = ("name", "phone", "company", "priority", "tags", "notes")
# A CSV of a few thousand customers is larger than the forms' body limit (webadmin.plugins).
IMPORT_MAX_BODY = 4 * 1024 * 1024


def register(app: bottle.Bottle) -> None:
    app.route("/customers", "GET", list_customers)
    app.route("/customers", "POST", create)
    app.route("/customers/new", "GET", new_form)
    app.route("/customers/<customer_id:int>/edit", "GET", edit_form)
    app.route("/customers/<customer_id:int>/edit", "POST", update)
    app.route("/customers/<customer_id:int>/delete", "GET", confirm_delete)
    app.route("/customers/<customer_id:int>/delete", "POST", delete)
    app.route("/customers/import", "GET", import_form)
    app.route("/customers/import", "POST", import_csv, **{"pbx.max_body": IMPORT_MAX_BODY})
    app.route("/customers/export.csv", "GET", export_csv)


def _get(admin: CustomerAdmin, customer_id: int) -> Customer:
    try:
        return admin.service.get(customer_id)
    except CustomerNotFound:
        raise bottle.HTTPError(404) from None


@auth.require("supervisor")
def list_customers() -> str:
    query = bottle.request.query.getunicode("q", default="") or ""
    query = query.strip()[:64]
    page = CustomerAdmin().page(query, parse_page(bottle.request.query.get("page")))

    def page_url(number: int) -> str:
        params = {"q": query, "page": str(number)} if query else {"page": str(number)}
        return "/customers?" + urllib.parse.urlencode(params)

    return context.render(
        "customers/list",
        title=context.t("customers.title"),
        area="customers",
        page=page,
        query=query,
        page_url=page_url,
    )


@auth.require("supervisor")
def new_form() -> str:
    return _form_page(None, CustomerAdmin().form(None), {})


@auth.require("supervisor")
def create() -> str:
    data, values = _submitted()
    try:
        row, change = CustomerAdmin().create(data)
    except InvalidInput as exc:
        return _form_error(None, values, exc)
    context.audit("customer.create", target=f"{row.id} {row.name}", detail=change.detail)
    context.flash("success", "customers.created", name=row.name)
    context.redirect("/customers")


@auth.require("supervisor")
def edit_form(customer_id: int) -> str:
    admin = CustomerAdmin()
    row = _get(admin, customer_id)
    return _form_page(row, admin.form(row), {})


@auth.require("supervisor")
def update(customer_id: int) -> str:
    admin = CustomerAdmin()
    row = _get(admin, customer_id)
    data, values = _submitted()
    try:
        row, change = admin.update(customer_id, data)
    except InvalidInput as exc:
        return _form_error(row, values, exc)
    context.audit("customer.update", target=f"{row.id} {row.name}", detail=change.detail)
    context.flash("success", "customers.saved", name=row.name)
    context.redirect("/customers")


@auth.require("supervisor")
def confirm_delete(customer_id: int) -> str:
    row = _get(CustomerAdmin(), customer_id)
    return context.render(
        "callcenter/delete",
        title=context.t("customers.delete_title", name=row.name),
        area="customers",
        what=f"{row.name} · {', '.join(row.number_list())}",
        text=context.t("customers.delete_text"),
        action=f"/customers/{row.id}/delete",
        back="/customers",
        confirm=context.t("customers.delete_confirm"),
        error="",
    )


@auth.require("supervisor")
def delete(customer_id: int) -> str:
    admin = CustomerAdmin()
    row = _get(admin, customer_id)
    numbers = ";".join(row.number_list())  # before the delete takes them
    admin.service.delete(customer_id)
    context.audit("customer.delete", target=f"{row.id} {row.name}", detail=numbers)
    context.flash("success", "customers.deleted", name=row.name)
    context.redirect("/customers")


@auth.require("supervisor")
def import_form() -> str:
    return _import_page([], "")


@auth.require("supervisor")
def import_csv() -> str:
    upload = bottle.request.files.get("file")
    if upload is None or not upload.filename:
        bottle.response.status = 422
        return _import_page([], context.t("customers.import_no_file"))
    data = upload.file.read(IMPORT_MAX_BODY + 1)
    try:
        result = CustomerAdmin().import_csv(data)
    except ImportFailed as exc:
        bottle.response.status = 422
        return _import_page(exc.render(context.language()), "")
    detail = f"file={upload.raw_filename!r} created={result.created} updated={result.updated}"
    context.audit("customer.import", target=upload.raw_filename[:128], detail=detail)
    context.flash(
        "success", "customers.import_done", created=str(result.created), updated=str(result.updated)
    )
    context.redirect("/customers")


@auth.require("supervisor")
def export_csv() -> bytes:
    data, count = CustomerAdmin().export_csv()
    context.audit("customer.export", detail=f"{count} customers")
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    bottle.response.content_type = "text/csv; charset=utf-8"
    bottle.response.set_header("Content-Disposition", f'attachment; filename="customers-{stamp}.csv"')
    return data


def _import_page(errors: list[str], problem: str) -> str:
    return context.render(
        "customers/import",
        title=context.t("customers.import_title"),
        area="customers",
        errors=errors,
        problem=problem,
    )


def _submitted() -> tuple[CustomerInput, dict[str, str]]:
    values = {name: context.form(name).strip() for name in FIELDS}
    data = CustomerInput(
        name=values["name"],
        phone=values["phone"],
        company=values["company"],
        notes=values["notes"],
        priority=values["priority"] or 0,
        tags=values["tags"],
    )
    return data, values


def _form_error(row: Customer | None, values: dict[str, str], exc: InvalidInput) -> str:
    bottle.response.status = 422
    return _form_page(row, values, exc.messages(context.language()))


def _form_page(row: Customer | None, values: dict[str, str], errors: dict[str, str]) -> str:
    title = context.t("customers.edit_title", name=row.name) if row else context.t("customers.new_title")
    return context.render(
        "customers/edit",
        title=title,
        area="customers",
        action=f"/customers/{row.id}/edit" if row else "/customers",
        values=values,
        errors=errors,
    )

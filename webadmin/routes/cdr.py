"""Call records: a paged list, newest first, and one page per call with its legs."""

from __future__ import annotations

import bottle

from telephony.errors import NotFound
from webadmin import auth, context, i18n
from webadmin.services import cdr
from webadmin.services.paging import parse_page


def register(app: bottle.Bottle) -> None:
    app.route("/cdr", "GET", list_calls)
    app.route("/cdr/<cdr_id:int>", "GET", show_call)


@auth.require("admin")
def list_calls() -> str:
    page = cdr.page(parse_page(bottle.request.query.get("page")))
    return context.render(
        "cdr/list", title=context.t("cdr.title"), area="cdr", page=page, disposition=_disposition
    )


@auth.require("admin")
def show_call(cdr_id: int) -> str:
    try:
        call, legs = cdr.get(cdr_id)
    except NotFound:
        raise bottle.HTTPError(404) from None
    return context.render(
        "cdr/detail",
        title=context.t("cdr.detail_title", uniqueid=call.uniqueid),
        area="cdr",
        call=call,
        legs=legs,
        disposition=_disposition,
        hangup_by=_hangup_by,
        leg_role=_leg_role,
    )


def _translated(prefix: str, value: str) -> str:
    key = f"{prefix}.{value}"
    return context.t(key) if i18n.has(key) else value


def _disposition(value: str) -> str:
    return _translated("cdr.disposition", value)


def _hangup_by(value: str) -> str:
    return _translated("cdr.hangup", value) if value else ""


def _leg_role(value: str) -> str:
    return _translated("leg.role", value)

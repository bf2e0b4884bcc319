"""The audit log: who did what, from where; newest first, paged."""

from __future__ import annotations

import bottle

from webadmin import auth, context, i18n
from webadmin.services import audit
from webadmin.services.paging import parse_page


def register(app: bottle.Bottle) -> None:
    app.route("/audit", "GET", list_audit)


@auth.require("admin")
def list_audit() -> str:
    page = audit.page(parse_page(bottle.request.query.get("page")))
    return context.render(
        "audit/list", title=context.t("audit.title"), area="audit", page=page, action=_action
    )


def _action(value: str) -> str:
    key = f"audit.action.{value}"
    return context.t(key) if i18n.has(key) else value

"""SIP bans: what the edge blocked, and lifting a ban."""

from __future__ import annotations

import logging

import bottle

from telephony.errors import ControlError
from webadmin import auth, context

log = logging.getLogger(__name__)


def register(app: bottle.Bottle) -> None:
    app.route("/bans", "GET", list_bans)
    app.route("/bans/lift", "POST", lift)


@auth.require("admin")
def list_bans() -> str:
    control = context.state().control
    bans: list[dict] | None = None
    if control is not None:
        try:
            answer = control.bans()
            bans = [b for b in answer if isinstance(b, dict)] if isinstance(answer, list) else []
        except ControlError as exc:
            log.warning("cannot list bans: %s", exc)
    return context.render("bans/list", title=context.t("bans.title"), area="bans", bans=bans)


@auth.require("admin")
def lift() -> None:
    address = context.form("address").strip()
    if not address or len(address) > 64 or not address.isprintable() or " " in address:
        context.flash("error", "bans.bad_address")
        context.redirect("/bans")
    control = context.state().control
    if control is None:
        context.flash("error", "core.not_reachable")
        context.redirect("/bans")
    try:
        answer = control.lift_ban(address)
    except ControlError as exc:
        log.warning("cannot lift ban on %s: %s", address, exc)
        context.flash("error", "core.not_reachable")
        context.redirect("/bans")
    lifted = not (isinstance(answer, dict) and answer.get("ok") is False)
    context.audit("ban.lift", target=address, detail="" if lifted else "edge did not lift")
    if lifted:
        context.flash("success", "bans.lifted", address=address)
    else:
        context.flash("warning", "bans.not_lifted", address=address)
    context.redirect("/bans")

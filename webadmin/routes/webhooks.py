"""Webhooks: the URL, event filter and signing secret of outbound events, and how delivery goes."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import bottle

from telephony.callcenter.webhook_settings import (
    KNOWN_EVENTS,
    InvalidWebhookSettings,
    WebhookService,
    mask,
    shown_url,
)
from telephony.errors import ControlError
from webadmin import auth, context

log = logging.getLogger(__name__)

# What the page shows of the core's answer; anything else stays out of the browser.
COUNTERS = ("delivered", "failed", "dropped", "queued")


def register(app: bottle.Bottle) -> None:
    app.route("/webhooks", "GET", edit_form)
    app.route("/webhooks", "POST", save)


@auth.require("admin")
def edit_form() -> str:
    config = WebhookService().current()
    values = {"webhook_url": config.url, "webhook_events": ",".join(config.events)}
    return _page(values, {}, config.secret)


@auth.require("admin")
def save() -> str:
    values = {"webhook_url": context.form("webhook_url"), "webhook_events": context.form("webhook_events")}
    service = WebhookService(context.state().control)
    try:
        result = service.save(
            values["webhook_url"],
            values["webhook_events"],
            secret=context.form("webhook_secret"),
            regenerate=context.form("regenerate") == "1",
        )
    except InvalidWebhookSettings as exc:
        bottle.response.status = 422
        return _page(values, exc.messages(context.language()), service.current().secret)
    context.audit("webhooks.update", target=shown_url(result.config.url) or "off", detail=result.detail)
    if result.shown_secret is not None:
        # The new secret is shown in this answer only: never in a redirect, a cookie or the log.
        bottle.response.set_header("Cache-Control", "no-store")
        config = result.config
        values = {"webhook_url": config.url, "webhook_events": ",".join(config.events)}
        return _page(values, {}, config.secret, new_secret=result.shown_secret, applied=result.applied)
    context.flash("success", "webhooks.saved")
    if not result.applied:
        context.flash("warning", "core.unreachable")
    context.redirect("/webhooks")


def _page(
    values: dict[str, str],
    errors: dict[str, str],
    secret: str,
    new_secret: str | None = None,
    applied: bool = True,
) -> str:
    return context.render(
        "webhooks/edit",
        title=context.t("webhooks.title"),
        area="webhooks",
        values=values,
        errors=errors,
        masked=mask(secret),
        new_secret=new_secret,
        applied=applied,
        known=", ".join(KNOWN_EVENTS),
        status=_status(),
    )


def _status() -> dict[str, Any] | None:
    """Return the sender's counters from pbx-core, or None when it does not answer."""
    control = context.state().control
    if control is None:
        return None
    try:
        answer = control.get("/webhooks/status")
    except ControlError as exc:
        log.info("no webhook status: %s", exc)
        return None
    if not isinstance(answer, dict):
        return None
    out: dict[str, Any] = {key: int(answer.get(key) or 0) for key in COUNTERS}
    out["enabled"] = bool(answer.get("enabled"))
    out["last_error"] = str(answer.get("last_error") or "")[:300]
    at = answer.get("last_error_at")
    out["last_error_at"] = (
        dt.datetime.fromtimestamp(float(at)).strftime("%Y-%m-%d %H:%M:%S")
        if isinstance(at, int | float)
        else ""
    )
    return out

"""The landing page: pbx-core status and a few counts."""

from __future__ import annotations

import bottle

from telephony.errors import ControlError
from webadmin import auth, context, i18n
from webadmin.services import cdr, ports, status
from webadmin.services.extensions import ExtensionAdmin


def register(app: bottle.Bottle) -> None:
    app.route("/", "GET", dashboard)


@auth.require("admin")
def dashboard() -> str:
    control = context.state().control
    core: list[tuple[str, str]] | None = None
    board_error: dict[str, str] | None = None
    bans: int | None = None
    if control is not None:
        try:
            reported = control.status()
        except ControlError:
            pass
        else:
            board_error = ports.board_error(reported)
            core = [
                (_label(key), _value(key, value))
                for key, value in status.flatten(reported)
                if key.split(".", 1)[0] != "board_error"  # shown as its own warning, not as a row
            ]
        if core is not None:
            try:
                answer = control.bans()
                bans = len(answer) if isinstance(answer, list) else None
            except ControlError:
                bans = None
    return context.render(
        "dashboard/index",
        title=context.t("dashboard.title"),
        area="dashboard/index",
        core=core,
        board_error=board_error,
        extension_count=ExtensionAdmin(control).count(),
        calls_24h=cdr.count_since(hours=24),
        ban_count=bans,
    )


def _label(key: str) -> str:
    """Translate the keys we know; show any other key the core adds as it is."""
    return context.t(f"status.{key}") if i18n.has(f"status.{key}") else key


def _value(key: str, value: object) -> str:
    if key == "uptime" and isinstance(value, int | float):
        parts = status.duration_parts(value)
        template = "duration.dhm" if parts["d"] else "duration.hms"
        return context.t(template, **parts)
    if isinstance(value, bool):
        return context.t("common.yes" if value else "common.no")
    return "" if value is None else str(value)

"""Recent calls of a phone (from CDRs): any phone for an admin, an agent's own extension for the agent."""

from __future__ import annotations

import bottle

from telephony.models import Agent
from telephony.park.admin import is_phone
from telephony.recent import recent_calls
from webadmin import auth, context
from webadmin.routes.agent_console import agent_only
from webadmin.routes.live_common import agent_nav

LIMIT = 20


def register(app: bottle.Bottle) -> None:
    app.route("/recent", "GET", admin_page)
    app.route("/agent/recent", "GET", agent_page)


@auth.require("admin")
def admin_page() -> str:
    number = bottle.request.query.getunicode("number", "").strip()
    error = ""
    calls = []
    if number:
        if is_phone(number):
            calls = recent_calls(number, LIMIT)
        else:
            bottle.response.status = 422
            error = context.t("recent.unknown", number=number)
    return context.render(
        "recent/list",
        title=context.t("recent.title_of", number=number)
        if number and not error
        else context.t("recent.title"),
        area="recent",
        number=number,
        calls=calls,
        error=error,
        chooser=True,
    )


@agent_only()
def agent_page(agent: Agent) -> str:
    number = agent.default_extension or ""
    calls = recent_calls(number, LIMIT) if number else []
    return context.render(
        "recent/list",
        title=context.t("recent.title_of", number=number) if number else context.t("recent.title"),
        area="recent",
        nav=agent_nav() + (("recent", "/agent/recent"),),
        number=number,
        calls=calls,
        error="" if number else context.t("recent.no_extension"),
        chooser=False,
    )

"""Agents: list, create, edit (skills with levels, queue memberships), PIN set/reset, delete.

A PIN is never shown again once set; "generate" shows the new one once on the answer page (not
in a cookie or a redirect). Every change is audited without the PIN.
"""

from __future__ import annotations

from typing import Any

import bottle

from telephony.callcenter.errors import AgentNotFound, InvalidInput
from telephony.callcenter.service import AgentInput, AgentSkillInput, MembershipInput
from telephony.models import MEMBER_KINDS, Agent, Queue, Skill
from webadmin import auth, context
from webadmin.services.callcenter import CallCenterAdmin, Change


def register(app: bottle.Bottle) -> None:
    app.route("/agents", "GET", list_agents)
    app.route("/agents", "POST", create)
    app.route("/agents/new", "GET", new_form)
    app.route("/agents/<number>/edit", "GET", edit_form)
    app.route("/agents/<number>/edit", "POST", update)
    app.route("/agents/<number>/pin", "GET", pin_form)
    app.route("/agents/<number>/pin", "POST", pin_change)
    app.route("/agents/<number>/delete", "GET", confirm_delete)
    app.route("/agents/<number>/delete", "POST", delete)


def _admin() -> CallCenterAdmin:
    return CallCenterAdmin(context.state().control)


def _get(admin: CallCenterAdmin, number: str) -> Agent:
    try:
        return admin.service.agent(number)
    except AgentNotFound:
        raise bottle.HTTPError(404) from None


@auth.require("admin")
def list_agents() -> str:
    rows = _admin().agent_rows()
    return context.render("agents/list", title=context.t("agents.title"), area="agents", rows=rows)


@auth.require("admin")
def new_form() -> str:
    admin = _admin()
    return _form_page(None, admin.agent_form(None), {})


@auth.require("admin")
def create() -> str:
    data, values = _submitted()
    try:
        change = _admin().create_agent(data)
    except InvalidInput as exc:
        return _form_error(None, values, exc)
    context.audit("agent.create", target=data.number.strip(), detail=change.detail)
    _report(change, "agents.created", data.number.strip())
    context.redirect("/agents")


@auth.require("admin")
def edit_form(number: str) -> str:
    admin = _admin()
    agent = _get(admin, number)
    return _form_page(agent.number, admin.agent_form(agent), {})


@auth.require("admin")
def update(number: str) -> str:
    admin = _admin()
    _get(admin, number)
    data, values = _submitted()
    try:
        change = admin.update_agent(number, data)
    except InvalidInput as exc:
        return _form_error(number, values, exc)
    context.audit("agent.update", target=number, detail=change.detail)
    _report(change, "agents.saved", data.number.strip())
    context.redirect("/agents")


@auth.require("admin")
def pin_form(number: str) -> str:
    return _pin_page(_get(_admin(), number), {}, "")


@auth.require("admin")
def pin_change(number: str) -> str:
    admin = _admin()
    agent = _get(admin, number)
    if context.form("action") == "reset":
        pin = admin.service.reset_pin(number)
        context.audit("agent.pin_reset", target=number)
        return _pin_page(agent, {}, pin)
    try:
        admin.service.set_pin(number, context.form("pin"), _confirm())
    except InvalidInput as exc:
        bottle.response.status = 422
        return _pin_page(agent, exc.messages(context.language()), "")
    context.audit("agent.pin_set", target=number)
    context.flash("success", "agents.pin_saved", number=number)
    context.redirect("/agents")


def _pin_page(agent: Agent, errors: dict[str, str], new_pin: str) -> str:
    return context.render(
        "agents/pin",
        title=context.t("agents.pin_title", number=agent.number),
        area="agents",
        agent=agent,
        errors=errors,
        new_pin=new_pin,
    )


@auth.require("admin")
def confirm_delete(number: str) -> str:
    return _delete_page(_get(_admin(), number))


@auth.require("admin")
def delete(number: str) -> str:
    admin = _admin()
    agent = _get(admin, number)
    change = admin.delete_agent(number)
    context.audit("agent.delete", target=number, detail=agent.name)
    _report(change, "agents.deleted", number)
    context.redirect("/agents")


def _delete_page(agent: Agent) -> str:
    return context.render(
        "callcenter/delete",
        title=context.t("agents.delete_title", number=agent.number),
        area="agents",
        what=f"{agent.number} · {agent.name}",
        text=context.t("agents.delete_text"),
        action=f"/agents/{agent.number}/delete",
        back="/agents",
        confirm=context.t("agents.delete_confirm"),
        error="",
    )


def _submitted() -> tuple[AgentInput, dict[str, Any]]:
    """Read the form; skills and memberships are replaced only when the form carried them."""
    values: dict[str, Any] = {
        "number": context.form("number").strip(),
        "name": context.form("name").strip(),
        "default_extension": context.form("default_extension").strip(),
        "enabled": context.form("enabled") == "1",
        "skills": {},
        "memberships": {},
    }
    skills = memberships = None
    if context.form("skills_present") == "1":
        skills = []
        for skill in Skill.select().order_by(Skill.name):
            level = context.form(f"skill_{skill.id}").strip()
            if level:
                values["skills"][skill.name] = level
                skills.append(AgentSkillInput(skill.name, level))
    if context.form("memberships_present") == "1":
        memberships = []
        for queue in Queue.select().order_by(Queue.number):
            kind = context.form(f"queue_kind_{queue.number}").strip()
            if kind:
                penalty = context.form(f"queue_penalty_{queue.number}").strip()
                values["memberships"][queue.number] = {"kind": kind, "penalty": penalty}
                memberships.append(MembershipInput(queue.number, kind, penalty))
    data = AgentInput(
        number=values["number"],
        name=values["name"],
        pin=context.form("pin"),
        pin_confirm=_confirm(),
        default_extension=values["default_extension"],
        enabled=values["enabled"],
        skills=tuple(skills) if skills is not None else None,
        memberships=tuple(memberships) if memberships is not None else None,
    )
    return data, values


def _confirm() -> str | None:
    """Return the repeated PIN, or None when the client sent no such field (nothing to compare)."""
    return None if bottle.request.forms.get("pin_confirm") is None else context.form("pin_confirm")


def _report(change: Change, key: str, number: str) -> None:
    context.flash("success", key, number=number)
    if not change.applied:
        context.flash("warning", "core.unreachable")


def _form_error(original: str | None, values: dict, exc: InvalidInput) -> str:
    bottle.response.status = 422
    # The entered values come back, except the PIN: it never appears in a page.
    return _form_page(original, values, exc.messages(context.language()))


def _form_page(original: str | None, values: dict, errors: dict[str, str]) -> str:
    title = context.t("agents.edit_title", number=original) if original else context.t("agents.new_title")
    return context.render(
        "agents/edit",
        title=title,
        area="agents",
        original=original,
        values=values,
        errors=errors,
        skills=list(Skill.select().order_by(Skill.name)),
        queues=list(Queue.select().order_by(Queue.number)),
        member_kinds=MEMBER_KINDS,
        levels=[str(n) for n in range(1, 11)],
    )

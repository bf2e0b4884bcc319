"""Queues: list, create, edit (every setting, grouped; members; required skills), delete.

Each change is validated and saved by telephony.callcenter, audited with what changed, then
applied by pbx-core (reload "callcenter").
"""

from __future__ import annotations

from typing import Any

import bottle

from telephony.callcenter.errors import CallCenterInUse, InvalidInput, QueueNotFound
from telephony.callcenter.service import QueueInput, QueueMemberInput, SkillRequirement
from telephony.callcenter.settings import GROUPS, QUEUE_SETTINGS
from telephony.models import MEMBER_KINDS, Agent, Queue, Skill
from webadmin import auth, context, i18n
from webadmin.services import moh as moh_service
from webadmin.services.callcenter import CallCenterAdmin, Change

# Catalog prefix of the labels of each choice setting's values (callback_key shows the key itself).
CHOICE_LABELS = {
    "strategy": "strategy.",
    "join_empty": "empty.",
    "leave_when_empty": "empty.",
    "timeout_kind": "target.",
    "full_kind": "target.",
    "no_agents_kind": "target.",
}


def register(app: bottle.Bottle) -> None:
    app.route("/queues", "GET", list_queues)
    app.route("/queues", "POST", create)
    app.route("/queues/new", "GET", new_form)
    app.route("/queues/<number>/edit", "GET", edit_form)
    app.route("/queues/<number>/edit", "POST", update)
    app.route("/queues/<number>/delete", "GET", confirm_delete)
    app.route("/queues/<number>/delete", "POST", delete)


def _admin() -> CallCenterAdmin:
    return CallCenterAdmin(context.state().control)


def _get(admin: CallCenterAdmin, number: str) -> Queue:
    try:
        return admin.service.queue(number)
    except QueueNotFound:
        raise bottle.HTTPError(404) from None


@auth.require("admin")
def list_queues() -> str:
    rows = _admin().queue_rows()
    return context.render(
        "queues/list", title=context.t("queues.title"), area="queues", rows=rows, choice_label=_choice_label
    )


@auth.require("admin")
def new_form() -> str:
    admin = _admin()
    return _form_page(admin, None, admin.queue_form(None), {})


@auth.require("admin")
def create() -> str:
    admin = _admin()
    data, values = _submitted()
    try:
        moh_service.check_queue_class(data, None)
        change = admin.create_queue(data)
    except InvalidInput as exc:
        return _form_error(admin, None, values, exc)
    context.audit("queue.create", target=data.number.strip(), detail=change.detail)
    _report(change, "queues.created", data.number.strip())
    context.redirect("/queues")


@auth.require("admin")
def edit_form(number: str) -> str:
    admin = _admin()
    queue = _get(admin, number)
    return _form_page(admin, queue, admin.queue_form(queue), {})


@auth.require("admin")
def update(number: str) -> str:
    admin = _admin()
    queue = _get(admin, number)
    data, values = _submitted()
    try:
        moh_service.check_queue_class(data, queue)
        change = admin.update_queue(number, data)
    except InvalidInput as exc:
        return _form_error(admin, queue, values, exc)
    context.audit("queue.update", target=number, detail=change.detail)
    _report(change, "queues.saved", data.number.strip())
    context.redirect("/queues")


@auth.require("admin")
def confirm_delete(number: str) -> str:
    return _delete_page(_get(_admin(), number), "")


@auth.require("admin")
def delete(number: str) -> str:
    admin = _admin()
    queue = _get(admin, number)
    try:
        change = admin.delete_queue(number)
    except CallCenterInUse as exc:
        # Nothing was deleted: say what uses the queue (not audited, nothing changed).
        bottle.response.status = 409
        return _delete_page(queue, exc.render(context.language()))
    context.audit("queue.delete", target=number, detail=queue.name)
    _report(change, "queues.deleted", number)
    context.redirect("/queues")


def _delete_page(queue: Queue, error: str) -> str:
    return context.render(
        "callcenter/delete",
        title=context.t("queues.delete_title", number=queue.number),
        area="queues",
        what=f"{queue.number} · {queue.name}",
        text=context.t("queues.delete_text", number=queue.number),
        action=f"/queues/{queue.number}/delete",
        back="/queues",
        confirm=context.t("queues.delete_confirm"),
        error=error,
    )


def _submitted() -> tuple[QueueInput, dict[str, Any]]:
    """Read the form into the domain input, and into the values the form shows again on error.

    A text setting the client left out keeps its value; a checkbox left out is off (as browsers
    send it). Members and skills are replaced only when the form carried those sections.
    """
    forms = bottle.request.forms
    settings: dict[str, Any] = {}
    values: dict[str, Any] = {"number": context.form("number").strip(), "name": context.form("name").strip()}
    for s in QUEUE_SETTINGS:
        if s.kind == "bool":
            settings[s.key] = context.form(s.key) == "1"
            values[s.key] = "1" if settings[s.key] else ""
        elif forms.get(s.key) is not None:
            settings[s.key] = values[s.key] = context.form(s.key).strip()
    values["members"], values["skills"] = {}, {}
    members = skills = None
    if context.form("members_present") == "1":
        members = []
        for agent in Agent.select().order_by(Agent.number):
            kind = context.form(f"member_kind_{agent.number}").strip()
            if not kind:
                continue
            row = {
                f: context.form(f"member_{f}_{agent.number}").strip()
                for f in ("penalty", "position", "weight")
            }
            values["members"][agent.number] = {"kind": kind, **row}
            members.append(
                QueueMemberInput(agent.number, kind, row["penalty"], row["position"], row["weight"])
            )
    if context.form("skills_present") == "1":
        skills = []
        for skill in Skill.select().order_by(Skill.name):
            level = context.form(f"skill_{skill.id}").strip()
            if level:
                values["skills"][skill.name] = level
                skills.append(SkillRequirement(skill.name, level))
    data = QueueInput(
        values["number"],
        values["name"],
        settings,
        tuple(members) if members is not None else None,
        tuple(skills) if skills is not None else None,
    )
    return data, values


def _report(change: Change, key: str, number: str) -> None:
    context.flash("success", key, number=number)
    if not change.applied:
        context.flash("warning", "core.unreachable")


def _form_error(admin: CallCenterAdmin, queue: Queue | None, values: dict, exc: InvalidInput) -> str:
    bottle.response.status = 422
    return _form_page(admin, queue, values, exc.messages(context.language()))


def _choice_label(key: str, value: str) -> str:
    prefix = CHOICE_LABELS.get(key)
    return context.t(prefix + value) if prefix else value


def _form_page(admin: CallCenterAdmin, queue: Queue | None, values: dict, errors: dict[str, str]) -> str:
    title = context.t("queues.edit_title", number=queue.number) if queue else context.t("queues.new_title")
    groups = [(g, [s for s in QUEUE_SETTINGS if s.group == g]) for g in GROUPS]
    choices = {
        s.key: [(v, _choice_label(s.key, v)) for v in s.choices()]
        for s in QUEUE_SETTINGS
        if s.kind == "choice"
    }
    return context.render(
        "queues/edit",
        title=title,
        area="queues",
        original=queue.number if queue else None,
        values=values,
        errors=errors,
        groups=groups,
        choices=choices,
        agents=list(Agent.select().order_by(Agent.number)),
        skills=list(Skill.select().order_by(Skill.name)),
        member_kinds=MEMBER_KINDS,
        unqualified=admin.unqualified(queue),
        levels=[str(n) for n in range(1, 11)],
        helps={s.key for s in QUEUE_SETTINGS if i18n.has("queues.help." + s.key)},
        moh_classes=moh_service.class_choices(values.get("moh_class")),
    )

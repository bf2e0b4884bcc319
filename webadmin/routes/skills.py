"""Skills: list, create, edit, delete (refused while a queue requires the skill)."""

from __future__ import annotations

import bottle

from telephony.callcenter.errors import CallCenterInUse, InvalidInput, SkillNotFound
from telephony.callcenter.service import SkillInput
from telephony.models import Skill
from webadmin import auth, context
from webadmin.services.callcenter import CallCenterAdmin, Change


def register(app: bottle.Bottle) -> None:
    app.route("/skills", "GET", list_skills)
    app.route("/skills", "POST", create)
    app.route("/skills/new", "GET", new_form)
    app.route("/skills/<skill_id:int>/edit", "GET", edit_form)
    app.route("/skills/<skill_id:int>/edit", "POST", update)
    app.route("/skills/<skill_id:int>/delete", "GET", confirm_delete)
    app.route("/skills/<skill_id:int>/delete", "POST", delete)


def _admin() -> CallCenterAdmin:
    return CallCenterAdmin(context.state().control)


def _get(admin: CallCenterAdmin, skill_id: int) -> Skill:
    try:
        return admin.service.skill(skill_id)
    except SkillNotFound:
        raise bottle.HTTPError(404) from None


@auth.require("admin")
def list_skills() -> str:
    rows = _admin().skill_rows()
    return context.render("skills/list", title=context.t("skills.title"), area="skills", rows=rows)


@auth.require("admin")
def new_form() -> str:
    return _form_page(None, {"name": "", "description": ""}, {})


@auth.require("admin")
def create() -> str:
    return _save(None)


@auth.require("admin")
def edit_form(skill_id: int) -> str:
    skill = _get(_admin(), skill_id)
    return _form_page(skill, {"name": skill.name, "description": skill.description}, {})


@auth.require("admin")
def update(skill_id: int) -> str:
    return _save(skill_id)


def _save(skill_id: int | None) -> str:
    admin = _admin()
    skill = _get(admin, skill_id) if skill_id is not None else None
    data = SkillInput(context.form("name").strip(), context.form("description").strip())
    try:
        change = admin.save_skill(data, skill_id)
    except InvalidInput as exc:
        bottle.response.status = 422
        values = {"name": data.name, "description": data.description}
        return _form_page(skill, values, exc.messages(context.language()))
    context.audit("skill.create" if skill is None else "skill.update", target=data.name, detail=change.detail)
    _report(change, "skills.created" if skill is None else "skills.saved", data.name)
    context.redirect("/skills")


@auth.require("admin")
def confirm_delete(skill_id: int) -> str:
    return _delete_page(_get(_admin(), skill_id), "")


@auth.require("admin")
def delete(skill_id: int) -> str:
    admin = _admin()
    skill = _get(admin, skill_id)
    try:
        admin.service.delete_skill(skill_id)
    except CallCenterInUse as exc:
        bottle.response.status = 409
        return _delete_page(skill, exc.render(context.language()))
    context.audit("skill.delete", target=skill.name)
    _report(Change(admin.service.reloaded), "skills.deleted", skill.name)
    context.redirect("/skills")


def _delete_page(skill: Skill, error: str) -> str:
    return context.render(
        "callcenter/delete",
        title=context.t("skills.delete_title", name=skill.name),
        area="skills",
        what=skill.name,
        text=context.t("skills.delete_text"),
        action=f"/skills/{skill.id}/delete",
        back="/skills",
        confirm=context.t("skills.delete_confirm"),
        error=error,
    )


def _report(change: Change, key: str, name: str) -> None:
    context.flash("success", key, name=name)
    if not change.applied:
        context.flash("warning", "core.unreachable")


def _form_page(skill: Skill | None, values: dict, errors: dict[str, str]) -> str:
    title = context.t("skills.edit_title", name=skill.name) if skill else context.t("skills.new_title")
    return context.render(
        "skills/edit",
        title=title,
        area="skills",
        action=f"/skills/{skill.id}/edit" if skill else "/skills",
        values=values,
        errors=errors,
    )

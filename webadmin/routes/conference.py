"""Conference rooms: list, create, edit, delete; the live view mutes, removes, locks and invites."""

from __future__ import annotations

from typing import Any

import bottle

from telephony.conference import admin as rooms
from telephony.conference.errors import NoSuchRoom
from telephony.errors import ControlError
from telephony.models import ConferenceRoom
from webadmin import auth, context

TEXT_FIELDS = ("number", "name", "pin", "moderator_pin", "max_participants")
FLAGS = ("music_when_alone", "entry_exit_tones", "locked", "record")
LIVE_ACTIONS = ("mute", "unmute", "kick")


def register(app: bottle.Bottle) -> None:
    app.route("/conference", "GET", list_rooms)
    app.route("/conference", "POST", create)
    app.route("/conference/new", "GET", new_form)
    app.route("/conference/<room_id:int>/edit", "GET", edit_form)
    app.route("/conference/<room_id:int>/edit", "POST", update)
    app.route("/conference/<room_id:int>/delete", "GET", confirm_delete)
    app.route("/conference/<room_id:int>/delete", "POST", delete)
    app.route("/conference/<room_id:int>/live", "GET", live)
    app.route("/conference/<room_id:int>/live/<action>", "POST", live_action)


def _room(room_id: int) -> ConferenceRoom:
    try:
        return rooms.room(room_id)
    except NoSuchRoom:
        raise bottle.HTTPError(404) from None


@auth.require("admin")
def list_rooms() -> str:
    return context.render(
        "conference/list", title=context.t("conference.title"), area="conference", rows=rooms.rooms()
    )


@auth.require("admin")
def new_form() -> str:
    values = {name: "" for name in TEXT_FIELDS} | {"max_participants": "60", "clear_pins": False}
    values |= {"music_when_alone": True, "entry_exit_tones": True, "locked": False, "record": False}
    return _form_page(None, values, {})


@auth.require("admin")
def create() -> str:
    return _save(None)


@auth.require("admin")
def edit_form(room_id: int) -> str:
    row = _room(room_id)
    values: dict[str, Any] = {"number": row.number, "name": row.name, "pin": "", "moderator_pin": ""}
    values |= {"max_participants": str(row.max_participants), "clear_pins": False}
    values |= {flag: getattr(row, flag) for flag in FLAGS}
    return _form_page(row, values, {})


@auth.require("admin")
def update(room_id: int) -> str:
    return _save(room_id)


def _save(room_id: int | None) -> str:
    row = _room(room_id) if room_id is not None else None
    values: dict[str, Any] = {name: context.form(name).strip() for name in TEXT_FIELDS}
    values |= {flag: context.form(flag) == "1" for flag in (*FLAGS, "clear_pins")}
    data = rooms.RoomInput(**values)
    try:
        saved = rooms.save(data, row)
    except rooms.InvalidRoom as exc:
        bottle.response.status = 422
        errors = {field: context.t(key) for field, key in exc.errors.items()}
        return _form_page(row, values | {"pin": "", "moderator_pin": ""}, errors)
    changed = [f for f in ("pin", "moderator_pin") if values[f]] + (
        ["pins cleared"] if data.clear_pins else []
    )
    detail = f"max={saved.max_participants} locked={saved.locked}" + "".join(f" {c}=changed" for c in changed)
    context.audit(
        "conference.create" if row is None else "conference.update", target=saved.number, detail=detail
    )
    context.flash("success", "conference.created" if row is None else "conference.saved", number=saved.number)
    context.redirect("/conference")


@auth.require("admin")
def confirm_delete(room_id: int) -> str:
    row = _room(room_id)
    return context.render(
        "callcenter/delete",
        title=context.t("conference.delete_title", number=row.number),
        area="conference",
        what=f"{row.number} {row.name}".strip(),
        text=context.t("conference.delete_text"),
        action=f"/conference/{row.id}/delete",
        back="/conference",
        confirm=context.t("conference.delete_confirm"),
        error="",
    )


@auth.require("admin")
def delete(room_id: int) -> str:
    row = rooms.delete(_room(room_id).id)
    context.audit("conference.delete", target=row.number)
    context.flash("success", "conference.deleted", number=row.number)
    context.redirect("/conference")


# --- live view (through pbx-core's control API) ---------------------------------------------------


@auth.require("admin")
def live(room_id: int) -> str:
    row = _room(room_id)
    participants: list[dict[str, Any]] = []
    locked = row.locked
    reachable = True
    try:
        for live_room in context.state().control.get("/conference/rooms"):
            if live_room.get("number") == row.number:
                participants = live_room.get("participants", [])
                locked = bool(live_room.get("locked", locked))
    except ControlError:
        reachable = False
    return context.render(
        "conference/live",
        title=context.t("conference.live_title", number=row.number),
        area="conference",
        row=row,
        participants=participants,
        locked=locked,
        reachable=reachable,
    )


@auth.require("admin")
def live_action(room_id: int, action: str) -> str:
    row = _room(room_id)
    control = context.state().control
    target = context.form("participant").strip()
    try:
        if action in LIVE_ACTIONS:
            control.post(f"/conference/{action}", {"room": row.number, "participant": target})
        elif action in ("lock", "unlock"):
            control.post("/conference/lock", {"room": row.number, "locked": action == "lock"})
            target = action
        elif action == "dial":
            target = context.form("number").strip()
            control.post("/conference/dial", {"room": row.number, "number": target})
        else:
            raise bottle.HTTPError(404)
    except ControlError:
        context.flash("warning", "core.unreachable")
    else:
        context.audit(f"conference.{action}", target=row.number, detail=target)
        context.flash("success", "conference.done", number=row.number)
    context.redirect(f"/conference/{row.id}/live")


def _form_page(row: ConferenceRoom | None, values: dict, errors: dict[str, str]) -> str:
    title = (
        context.t("conference.edit_title", number=row.number) if row else context.t("conference.new_title")
    )
    return context.render(
        "conference/edit",
        title=title,
        area="conference",
        action=f"/conference/{row.id}/edit" if row else "/conference",
        values=values,
        errors=errors,
        flags=FLAGS,
    )

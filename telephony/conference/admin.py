"""Validate -> save conference rooms for the web admin (the runtime reads rooms per call: no reload)."""

from __future__ import annotations

import dataclasses
import re

from telephony import numbering
from telephony.conference.errors import ConferenceError, NoSuchRoom
from telephony.models import ConferenceRoom, utcnow

NUMBER_RE = re.compile(r"^[0-9]{2,8}$")
PIN_RE = re.compile(r"^[0-9]{3,12}$")
MAX_PARTICIPANTS = 120


class InvalidRoom(ConferenceError, ValueError):
    """A room form with problems: `errors` maps a field to a catalog key."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclasses.dataclass(frozen=True)
class RoomInput:
    number: str
    name: str = ""
    pin: str = ""  # empty: a new room has none, an edited room keeps its own
    moderator_pin: str = ""
    clear_pins: bool = False
    max_participants: str = "60"
    music_when_alone: bool = True
    entry_exit_tones: bool = True
    locked: bool = False
    record: bool = False


def number_taken(number: str, exclude: int | None = None) -> bool:
    """Return whether anything but room `exclude` is dialed as `number` (telephony.numbering)."""
    return numbering.owner(number, ignore=("room", exclude)) is not None


def rooms() -> list[ConferenceRoom]:
    return list(ConferenceRoom.select().order_by(ConferenceRoom.number))


def room(room_id: int) -> ConferenceRoom:
    row = ConferenceRoom.get_or_none(ConferenceRoom.id == room_id)
    if row is None:
        raise NoSuchRoom(f"no room {room_id}")
    return row


def validate(data: RoomInput, existing: ConferenceRoom | None = None) -> int:
    """Raise InvalidRoom naming every bad field; return the max participants."""
    errors: dict[str, str] = {}
    if not NUMBER_RE.match(data.number):
        errors["number"] = "conference.err_number"
    elif number_taken(data.number, existing.id if existing else None):
        errors["number"] = "conference.err_taken"
    if len(data.name) > 64:
        errors["name"] = "conference.err_name"
    for field in ("pin", "moderator_pin"):
        if getattr(data, field) and not PIN_RE.match(getattr(data, field)):
            errors[field] = "conference.err_pin"
    if data.pin and data.pin == data.moderator_pin:
        errors["moderator_pin"] = "conference.err_same_pin"
    try:
        limit = int(data.max_participants)
    except ValueError:
        limit = 0
    if not 2 <= limit <= MAX_PARTICIPANTS:
        errors["max_participants"] = "conference.err_max"
    if errors:
        raise InvalidRoom(errors)
    return limit


def save(data: RoomInput, existing: ConferenceRoom | None = None) -> ConferenceRoom:
    """Validate and save a room; return it. PINs are stored only hashed."""
    limit = validate(data, existing)
    row = existing or ConferenceRoom()
    row.number, row.name, row.max_participants = data.number, data.name, limit
    row.music_when_alone, row.entry_exit_tones = data.music_when_alone, data.entry_exit_tones
    row.locked, row.record = data.locked, data.record
    if data.clear_pins:
        row.set_pin("")
        row.set_moderator_pin("")
    if data.pin:
        row.set_pin(data.pin)
    if data.moderator_pin:
        row.set_moderator_pin(data.moderator_pin)
    row.updated = utcnow()
    row.save()
    return row


def delete(room_id: int) -> ConferenceRoom:
    row = room(room_id)
    row.delete_instance()
    return row

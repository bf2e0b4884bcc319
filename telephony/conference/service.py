"""The conference number service of pbx-core and its control API.

Registered in engine.services (owns/complete/enter): a dialed room number answers the caller,
who gives the room's PIN and joins its Room. The control handlers list rooms with participants,
mute, unmute, kick and lock. Everything here runs on the engine thread.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from telephony.callcenter.runtime.moh import MohPool
from telephony.calls.legs import CallLeg
from telephony.conference.call import ConferenceCall
from telephony.conference.errors import NoSuchRoom
from telephony.conference.room import Room
from telephony.models import ConferenceRoom, Setting
from telephony.prompts import LANGUAGES, Prompts

if TYPE_CHECKING:
    from telephony.engine import Engine

log = logging.getLogger(__name__)

SAY: dict[str, dict[str, str]] = {
    "zh-CN": {
        "pin": "请输入会议密码，以井号键结束。",
        "bad_pin": "密码错误。",
        "full": "会议室已满。",
        "locked": "会议室已锁定。",
        "unable": "现在无法加入会议。",
        "goodbye": "再见。",
    },
    "en": {
        "pin": "Please enter the conference PIN, then press pound.",
        "bad_pin": "Wrong PIN.",
        "full": "The conference is full.",
        "locked": "The conference is locked.",
        "unable": "You cannot join the conference now.",
        "goodbye": "Goodbye.",
    },
}

ENGINE_ROUTES = {
    "GET /conference/rooms": "conf_rooms",
    "POST /conference/mute": "conf_mute",
    "POST /conference/unmute": "conf_unmute",
    "POST /conference/kick": "conf_kick",
    "POST /conference/lock": "conf_lock",
    "POST /conference/dial": "conf_dial",
}


class ConferenceService:
    """Live rooms by number; a Room exists while someone is in it."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.prompts = Prompts(engine.cfg.media_dir)
        self.moh = MohPool(engine.cfg.media_dir)
        self.rooms: dict[str, Room] = {}

    def close(self) -> None:
        for room in self.rooms.values():
            room.tones.clear()
            room.stop_recording()
        self.rooms.clear()
        self.prompts.close()
        self.moh.close()

    # --- a number service of the engine (engine.services) ----------------------------------------

    def owns(self, number: str) -> bool:
        return self.room_row(number) is not None

    def complete(self, number: str) -> bool:
        return self.owns(number)

    def enter(self, leg: CallLeg, caller: str, caller_name: str, number: str) -> None:
        call = ConferenceCall(self, leg, caller, caller_name, number)
        log.info("call %s: %s dials conference %s", call.uniqueid, caller, number)
        call.answer()

    # --- rooms ----------------------------------------------------------------------------------

    def room_row(self, number: str) -> ConferenceRoom | None:
        return ConferenceRoom.get_or_none(ConferenceRoom.number == number) if number else None

    def room_setting(self, number: str, field: str) -> Any:
        row = self.room_row(number)
        return getattr(row, field) if row is not None else None

    def join(self, call: ConferenceCall) -> str:
        """Put `call` in its room; return '' or the key of the refusal to say."""
        row = self.room_row(call.room_number)
        if row is None:
            return "unable"
        room = self.rooms.get(row.number)
        if room is None:
            room = self.rooms[row.number] = Room(self, row.number)
            room.locked = row.locked
        if room.locked and call.role != "moderator":
            return "locked"
        if len(room.participants) >= row.max_participants:
            return "full"
        try:
            room.add(call)
        except Exception:  # pjsua2 refused a connection: say so rather than drop the caller silently
            log.exception("room %s: %s could not join", row.number, call.caller)
            return "unable"
        call.joined = True
        return ""

    def leave(self, call: ConferenceCall) -> None:
        room = self.rooms.get(call.room_number)
        if room is not None:
            room.remove(call)

    def room_empty(self, room: Room) -> None:
        if self.rooms.get(room.number) is room and not room.participants:
            del self.rooms[room.number]

    def language(self) -> str:
        language = Setting.get_value("prompt_language", "zh-CN")
        return language if language in LANGUAGES else "zh-CN"

    def text(self, key: str) -> str:
        return SAY[self.language()][key]

    # --- control API (engine thread) ------------------------------------------------------------

    def list_rooms(self, _args: dict) -> list[dict[str, Any]]:
        out = []
        for row in ConferenceRoom.select().order_by(ConferenceRoom.number):
            room = self.rooms.get(row.number)
            live = (
                room.summary() if room else {"number": row.number, "locked": row.locked, "participants": []}
            )
            out.append({**live, "name": row.name, "max_participants": row.max_participants})
        return out

    def _participant(self, args: dict) -> tuple[Room, ConferenceCall]:
        room = self.rooms.get(str(args.get("room", "")))
        if room is None:
            raise NoSuchRoom(f"no live room {args.get('room')!r}")
        call = room.find(str(args.get("participant", "")))
        if call is None:
            raise NoSuchRoom(f"no participant {args.get('participant')!r} in room {room.number}")
        return room, call

    def mute(self, args: dict, muted: bool = True) -> dict:
        room, call = self._participant(args)
        room.set_muted(call, muted)
        return {"ok": True}

    def kick(self, args: dict) -> dict:
        _room, call = self._participant(args)
        call.hang_up()
        return {"ok": True}

    def lock(self, args: dict) -> dict:
        number = str(args.get("room", ""))
        if self.room_row(number) is None:
            raise NoSuchRoom(f"no room {number!r}")
        locked = bool(args.get("locked", True))
        room = self.rooms.get(number)
        if room is not None:
            room.locked = locked
        ConferenceRoom.update(locked=locked).where(ConferenceRoom.number == number).execute()
        return {"ok": True, "locked": locked}

    def dial(self, args: dict) -> dict:
        """Invite `number` into `room`: ring it, join it on answer; return the new call's id."""
        from telephony.conference.dialout import DialOutCall

        row = self.room_row(str(args.get("room", "")))
        if row is None:
            raise NoSuchRoom(f"no room {args.get('room')!r}")
        number = str(args.get("number", "")).strip()
        if not number or not number.lstrip("+").isdigit():
            raise ValueError(f"{number!r} is not a phone number")
        call = DialOutCall(self, number, row.number, row.name)
        call.invite()
        return {"ok": True, "id": call.uniqueid}

    def engine_handlers(self) -> dict[str, Any]:
        return {
            "conf_rooms": self.list_rooms,
            "conf_mute": lambda args: self.mute(args, True),
            "conf_unmute": lambda args: self.mute(args, False),
            "conf_kick": self.kick,
            "conf_lock": self.lock,
            "conf_dial": self.dial,
        }

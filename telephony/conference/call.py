"""A caller in a conference room: answered, asked for the PIN, then a participant of the Room.

ConferenceCall reuses VoicemailCall's one-leg life cycle (answer, spoken prompts, DTMF from SIP
and analog legs, hang-up) and adds the room. In the room, keys are `*` then a digit: *1 mutes or
unmutes oneself; a moderator also has *5 (lock/unlock) and *7 (kick the last one who joined).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from telephony.calls.legs import CallLeg
from telephony.voicemail.calls import VoicemailCall

if TYPE_CHECKING:
    from telephony.conference.service import ConferenceService

log = logging.getLogger(__name__)

PIN_TRIES = 3
MAX_PIN = 16


class ConferenceCall(VoicemailCall):
    """One participant: asks the PIN (if the room has one), joins, then takes in-room keys."""

    service: ConferenceService

    def __init__(self, service: ConferenceService, leg: CallLeg, caller: str, caller_name: str, number: str):
        super().__init__(service, leg, caller, caller_name, number)  # type: ignore[arg-type]
        self.room_number = number
        self.pin = ""
        self.tries = 0
        self.role = ""
        self.joined = False
        self.muted = False
        self.star = False

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.uniqueid,
            "caller": self.caller,
            "name": self.caller_name,
            "role": self.role,
            "muted": self.muted,
            "joined": self.answered_at.isoformat() if self.answered_at else "",
        }

    def begin(self) -> None:
        row = self.service.room_row(self.room_number)
        if row is None:
            self.say(self.service.text("goodbye"), self.hang_up)
        elif not row.pin_hash and not row.moderator_pin_hash:
            self.role = "participant"
            self.play_timer = self.engine.call_later(0.3, self._join)
        else:
            self.say(self.service.text("pin"), lambda: None)

    def digit(self, digit: str) -> None:
        if self.joined:
            self._room_key(digit)
        elif not self.role:
            self._pin_key(digit)

    def bridge(self) -> None:
        """A media update (re-INVITE) may replace the stream: connect it to the room again."""
        room = self.service.rooms.get(self.room_number)
        if self.joined and room is not None:
            room.reconnect(self)

    def closing(self) -> None:
        if self.joined:
            self.joined = False
            self.service.leave(self)

    # --- before joining -------------------------------------------------------------------------

    def _pin_key(self, digit: str) -> None:
        if digit != "#":
            self.pin = (self.pin + digit)[-MAX_PIN:]
            return
        pin, self.pin = self.pin, ""
        row = self.service.room_row(self.room_number)
        role = row.role_for(pin) if row is not None else None
        if role is not None:
            self.role = role
            self.stop_audio()
            self._join()
            return
        self.tries += 1
        log.info("call %s: wrong PIN for room %s (%d)", self.uniqueid, self.room_number, self.tries)
        if self.tries >= PIN_TRIES:
            self.say(self.service.text("bad_pin") + self.service.text("goodbye"), self.hang_up)
        else:
            self.say(self.service.text("bad_pin") + self.service.text("pin"), lambda: None)

    def _join(self) -> None:
        self.play_timer = None
        if self.state != "answered":
            return
        refusal = self.service.join(self)
        if refusal:
            self.say(self.service.text(refusal), self.hang_up)

    # --- in the room ----------------------------------------------------------------------------

    def _room_key(self, digit: str) -> None:
        if digit == "*":
            self.star = True
            return
        if not self.star:
            return
        self.star = False
        room = self.service.rooms.get(self.room_number)
        if room is None:
            return
        if digit == "1":
            room.set_muted(self, not self.muted)
        elif digit == "5" and self.role == "moderator":
            room.locked = not room.locked
            log.info("room %s %s by %s", room.number, "locked" if room.locked else "unlocked", self.caller)
        elif digit == "7" and self.role == "moderator":
            others = [p for p in room.participants if p is not self]
            if others:
                others[-1].hang_up()

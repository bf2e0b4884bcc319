"""Conference rooms callers dial into: a number, PINs (hashed), limits and what the room plays.

A room is reached by its dialable `number` (never an extension's, port's, queue's or IVR's). An
empty `pin_hash` lets callers in without a PIN; `moderator_pin_hash` (when set) is a second PIN that
joins as moderator. Created by migration 0006 (telephony.models.schema_0006 is its frozen copy): a
change here needs a new migration.
"""

from __future__ import annotations

import peewee

from telephony.models.base import BaseModel, utcnow
from telephony.models.callcenter import hash_pin, pin_matches


class ConferenceRoom(BaseModel):
    """A conference room; PINs are stored only as hash_pin hashes."""

    number = peewee.CharField(unique=True, max_length=32)
    name = peewee.CharField(max_length=64, default="")
    pin_hash = peewee.CharField(max_length=128, default="")
    moderator_pin_hash = peewee.CharField(max_length=128, default="")
    max_participants = peewee.IntegerField(default=60)
    music_when_alone = peewee.BooleanField(default=True)
    entry_exit_tones = peewee.BooleanField(default=True)
    locked = peewee.BooleanField(default=False)
    record = peewee.BooleanField(default=False)
    created = peewee.DateTimeField(default=utcnow)
    updated = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "conference_room"

    def set_pin(self, pin: str) -> None:
        self.pin_hash = hash_pin(pin) if pin else ""

    def set_moderator_pin(self, pin: str) -> None:
        self.moderator_pin_hash = hash_pin(pin) if pin else ""

    def role_for(self, pin: str) -> str | None:
        """Return 'moderator', 'participant', or None when `pin` opens neither."""
        if self.moderator_pin_hash and pin_matches(self.moderator_pin_hash, pin):
            return "moderator"
        if not self.pin_hash or pin_matches(self.pin_hash, pin):
            return "participant"
        return None


CONFERENCE_MODELS = [ConferenceRoom]

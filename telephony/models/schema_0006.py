"""The conference table exactly as migration 0006 creates it: a frozen copy, never edit.

See schema_0003 for why migrations create frozen copies rather than the live models.
"""

from __future__ import annotations

import peewee


class _Frozen(peewee.Model):
    class Meta:
        database = None


class ConferenceRoom(_Frozen):
    number = peewee.CharField(unique=True, max_length=32)
    name = peewee.CharField(max_length=64)
    pin_hash = peewee.CharField(max_length=128)
    moderator_pin_hash = peewee.CharField(max_length=128)
    max_participants = peewee.IntegerField()
    music_when_alone = peewee.BooleanField()
    entry_exit_tones = peewee.BooleanField()
    locked = peewee.BooleanField()
    record = peewee.BooleanField()
    created = peewee.DateTimeField()
    updated = peewee.DateTimeField()

    class Meta:
        table_name = "conference_room"


TABLES: list[type[peewee.Model]] = [ConferenceRoom]

"""The recording tables exactly as migration 0007 creates them: a frozen copy, never edit.

See schema_0003 for why migrations create frozen copies rather than the live models.
"""

from __future__ import annotations

import peewee


class _Frozen(peewee.Model):
    class Meta:
        database = None


class RecordingRule(_Frozen):
    kind = peewee.CharField(max_length=16)
    value = peewee.CharField(max_length=64)
    mode = peewee.CharField(max_length=8)
    announce = peewee.BooleanField()
    enabled = peewee.BooleanField()
    created = peewee.DateTimeField()

    class Meta:
        table_name = "recording_rule"


class Recording(_Frozen):
    uniqueid = peewee.CharField(max_length=64, index=True)
    caller = peewee.CharField(max_length=64)
    callee = peewee.CharField(max_length=64)
    extension = peewee.CharField(max_length=64)
    queue = peewee.CharField(max_length=32)
    agent = peewee.CharField(max_length=32)
    trunk = peewee.CharField(max_length=32)
    direction = peewee.CharField(max_length=8)
    started = peewee.DateTimeField(index=True)
    duration = peewee.FloatField()
    path = peewee.CharField(max_length=255, unique=True)
    size = peewee.BigIntegerField()
    mode = peewee.CharField(max_length=8)
    trigger = peewee.CharField(max_length=32)
    state = peewee.CharField(max_length=12)

    class Meta:
        table_name = "recording"


TABLES: list[type[peewee.Model]] = [RecordingRule, Recording]

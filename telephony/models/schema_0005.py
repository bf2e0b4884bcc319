"""The IVR tables exactly as migration 0005 creates them: a frozen copy, never edit.

See schema_0003 for why migrations create frozen copies rather than the live models.
(0004 is voicemail's, telephony.models.schema_0004; 0005 is the IVR's.)
"""

from __future__ import annotations

import peewee


class _Frozen(peewee.Model):
    class Meta:
        database = None


class IvrFlow(_Frozen):
    number = peewee.CharField(unique=True, max_length=32)
    name = peewee.CharField(max_length=64)
    language = peewee.CharField(max_length=8)
    entry = peewee.CharField(max_length=32)
    active = peewee.BooleanField()
    created = peewee.DateTimeField()
    updated = peewee.DateTimeField()

    class Meta:
        table_name = "ivr_flow"


class IvrNode(_Frozen):
    flow = peewee.ForeignKeyField(IvrFlow, on_delete="CASCADE")
    key = peewee.CharField(max_length=32)
    kind = peewee.CharField(max_length=16)
    params = peewee.TextField()
    branches = peewee.TextField()

    class Meta:
        table_name = "ivr_node"
        indexes = ((("flow", "key"), True),)


class IvrTrail(_Frozen):
    call_id = peewee.CharField(max_length=64, index=True)
    flow = peewee.CharField(max_length=32)
    caller = peewee.CharField(max_length=64)
    trail = peewee.TextField()
    outcome = peewee.CharField(max_length=64)
    at = peewee.DateTimeField(index=True)

    class Meta:
        table_name = "ivr_trail"


TABLES: list[type[peewee.Model]] = [IvrFlow, IvrNode, IvrTrail]

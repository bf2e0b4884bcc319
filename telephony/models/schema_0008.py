"""The routing-feature tables exactly as migration 0008 creates them: a frozen copy, never edit.

See schema_0003 for why migrations create frozen copies rather than the live models.
"""

from __future__ import annotations

import peewee


class _Frozen(peewee.Model):
    class Meta:
        database = None


class ExtensionFeatures(_Frozen):
    number = peewee.CharField(unique=True, max_length=32)
    dnd = peewee.BooleanField()
    forward_always = peewee.CharField(max_length=32)
    forward_busy = peewee.CharField(max_length=32)
    forward_no_answer = peewee.CharField(max_length=32)
    followme_enabled = peewee.BooleanField()
    followme_numbers = peewee.CharField(max_length=128)
    followme_mode = peewee.CharField(max_length=16)
    followme_ring_seconds = peewee.IntegerField()
    hotdesk_pin_hash = peewee.CharField(max_length=128)
    updated = peewee.DateTimeField()

    class Meta:
        table_name = "extension_features"


class RingGroup(_Frozen):
    number = peewee.CharField(unique=True, max_length=32)
    name = peewee.CharField(max_length=64)
    strategy = peewee.CharField(max_length=16)
    members = peewee.CharField(max_length=256)
    ring_seconds = peewee.IntegerField()
    fallback = peewee.CharField(max_length=32)
    updated = peewee.DateTimeField()

    class Meta:
        table_name = "ring_group"


class CallerList(_Frozen):
    name = peewee.CharField(max_length=64)
    kind = peewee.CharField(max_length=8)
    scope = peewee.CharField(max_length=32)
    numbers = peewee.TextField()
    treatment = peewee.CharField(max_length=16)
    target = peewee.CharField(max_length=32)
    message = peewee.CharField(max_length=256)
    enabled = peewee.BooleanField()
    updated = peewee.DateTimeField()

    class Meta:
        table_name = "caller_list"


class SpeedDial(_Frozen):
    code = peewee.CharField(unique=True, max_length=2)
    number = peewee.CharField(max_length=32)
    label = peewee.CharField(max_length=64)
    updated = peewee.DateTimeField()

    class Meta:
        table_name = "speed_dial"


class HotDesk(_Frozen):
    extension = peewee.CharField(unique=True, max_length=32)
    phone = peewee.CharField(unique=True, max_length=32)
    since = peewee.DateTimeField()

    class Meta:
        table_name = "hot_desk"


TABLES: list[type[peewee.Model]] = [ExtensionFeatures, RingGroup, CallerList, SpeedDial, HotDesk]

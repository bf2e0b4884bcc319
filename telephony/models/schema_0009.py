"""The pickup and paging group tables exactly as migration 0009 creates them: a frozen copy, never edit.

See schema_0003 for why migrations create frozen copies rather than the live models.
"""

from __future__ import annotations

import peewee


class _Frozen(peewee.Model):
    class Meta:
        database = None


class PickupGroup(_Frozen):
    name = peewee.CharField(unique=True, max_length=64)
    members = peewee.TextField()
    created = peewee.DateTimeField()
    updated = peewee.DateTimeField()

    class Meta:
        table_name = "pickup_group"


class PagingGroup(_Frozen):
    number = peewee.CharField(unique=True, max_length=32)
    name = peewee.CharField(max_length=64)
    members = peewee.TextField()
    created = peewee.DateTimeField()
    updated = peewee.DateTimeField()

    class Meta:
        table_name = "paging_group"


TABLES: list[type[peewee.Model]] = [PickupGroup, PagingGroup]

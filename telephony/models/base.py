"""Base model and helpers shared by every table."""

from __future__ import annotations

import datetime as dt

import peewee

from telephony.models.db import database


def utcnow() -> dt.datetime:
    """Return the current UTC time, naive (the database stores UTC)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class BaseModel(peewee.Model):
    """Bind every model to the box database proxy."""

    class Meta:
        database = database

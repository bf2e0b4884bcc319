"""The voicemail tables exactly as migration 0004 creates them: a frozen copy, never edit.

Like schema_0003: the live models (telephony.models.voicemail) may change with a later migration;
0004 keeps creating these. Unbound models; the migration binds them for the CREATE only.
"""

from __future__ import annotations

import datetime as dt

import peewee


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class _Frozen(peewee.Model):
    class Meta:
        database = None


class Mailbox(_Frozen):
    number = peewee.CharField(unique=True, max_length=32)
    pin_hash = peewee.CharField(max_length=128, default="")
    email = peewee.CharField(max_length=254, default="")
    max_message_seconds = peewee.IntegerField(default=120)
    max_messages = peewee.IntegerField(default=50)
    greeting_unavailable = peewee.CharField(max_length=255, default="")
    greeting_busy = peewee.CharField(max_length=255, default="")
    greeting_temporary = peewee.CharField(max_length=255, default="")
    on_no_answer = peewee.BooleanField(default=True)
    on_busy = peewee.BooleanField(default=True)
    attach_audio = peewee.BooleanField(default=True)
    enabled = peewee.BooleanField(default=True)
    created = peewee.DateTimeField(default=_utcnow)

    class Meta:
        table_name = "mailbox"


class VoicemailMessage(_Frozen):
    mailbox = peewee.ForeignKeyField(Mailbox, backref="messages", on_delete="CASCADE")
    caller = peewee.CharField(max_length=64, default="")
    caller_name = peewee.CharField(max_length=128, default="")
    received_at = peewee.DateTimeField(default=_utcnow, index=True)
    duration = peewee.FloatField(default=0.0)
    path = peewee.CharField(max_length=255)
    folder = peewee.CharField(max_length=8, default="new")
    heard = peewee.BooleanField(default=False)

    class Meta:
        table_name = "voicemail_message"
        indexes = ((("mailbox", "folder"), False),)


TABLES = [Mailbox, VoicemailMessage]

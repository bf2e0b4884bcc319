"""Voicemail tables: one mailbox per extension (or FXS number) and its messages.

A message's audio is a WAV file under media/voicemail/<mailbox>/ (8 kHz mono 16-bit PCM, written
by pbx-core's recorder); a row points at it by a path relative to the media directory, so the
data directory can move. Greetings are stored the same way; an empty greeting means the box
speaks a default one.

Created by migration 0004 (telephony.models.schema_0004 is its frozen copy): a change here needs
a new migration.
"""

from __future__ import annotations

import peewee

from telephony.models.base import BaseModel, utcnow
from telephony.models.callcenter import hash_pin, pin_matches

GREETING_KINDS = ("unavailable", "busy", "temporary")
FOLDERS = ("new", "saved")


class Mailbox(BaseModel):
    """A voicemail box; `number` is the extension (SIP or FXS) it belongs to."""

    number = peewee.CharField(unique=True, max_length=32)
    pin_hash = peewee.CharField(max_length=128, default="")  # hash_pin(); never the PIN
    email = peewee.CharField(max_length=254, default="")
    max_message_seconds = peewee.IntegerField(default=120)
    max_messages = peewee.IntegerField(default=50)
    # Paths relative to the media directory; "" means the spoken default greeting.
    greeting_unavailable = peewee.CharField(max_length=255, default="")
    greeting_busy = peewee.CharField(max_length=255, default="")
    greeting_temporary = peewee.CharField(max_length=255, default="")  # overrides both while set
    on_no_answer = peewee.BooleanField(default=True)  # no answer (or unreachable) -> this mailbox
    on_busy = peewee.BooleanField(default=True)  # busy -> this mailbox
    attach_audio = peewee.BooleanField(default=True)  # email notification carries the WAV
    enabled = peewee.BooleanField(default=True)
    created = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "mailbox"

    def set_pin(self, pin: str) -> None:
        self.pin_hash = hash_pin(pin)

    def check_pin(self, pin: str) -> bool:
        return bool(self.pin_hash) and pin_matches(self.pin_hash, pin)

    def greeting(self, kind: str) -> str:
        """Return the greeting file for `kind` (unavailable or busy); a temporary one wins."""
        return self.greeting_temporary or getattr(self, f"greeting_{kind}", "") or ""


class VoicemailMessage(BaseModel):
    """One message left in a mailbox."""

    mailbox = peewee.ForeignKeyField(Mailbox, backref="messages", on_delete="CASCADE")
    caller = peewee.CharField(max_length=64, default="")
    caller_name = peewee.CharField(max_length=128, default="")
    received_at = peewee.DateTimeField(default=utcnow, index=True)
    duration = peewee.FloatField(default=0.0)  # seconds of audio
    path = peewee.CharField(max_length=255)  # relative to the media directory
    folder = peewee.CharField(max_length=8, default="new")  # new, saved
    heard = peewee.BooleanField(default=False)

    class Meta:
        table_name = "voicemail_message"
        indexes = ((("mailbox", "folder"), False),)


VOICEMAIL_MODELS = [Mailbox, VoicemailMessage]

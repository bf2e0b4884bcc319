"""Per-extension routing features: do-not-disturb, forwards, follow-me, ring groups, caller lists,
speed dials and hot-desk logins.

Rows are keyed by dialable numbers (a SIP extension's or an FXS port's number), read on every call
by telephony.features (nothing is cached). Created by migration 0008 (telephony.models.schema_0008
is its frozen copy): a change here needs a new migration.
"""

from __future__ import annotations

import peewee

from telephony.models.base import BaseModel, utcnow
from telephony.models.callcenter import hash_pin, pin_matches

FOLLOWME_MODES = ("sequence", "together")
RING_STRATEGIES = ("ringall", "hunt")
LIST_KINDS = ("block", "allow")
TREATMENTS = ("hangup", "busy", "message", "voicemail", "number")
MAX_FOLLOWME = 3


def split_numbers(text: str) -> list[str]:
    """Numbers kept as one comma- or line-separated string, in order, blanks dropped."""
    return [n.strip() for n in text.replace("\n", ",").split(",") if n.strip()]


class ExtensionFeatures(BaseModel):
    """What one extension (SIP or FXS number) does with its calls before and after it rings."""

    number = peewee.CharField(unique=True, max_length=32)
    dnd = peewee.BooleanField(default=False)
    forward_always = peewee.CharField(max_length=32, default="")
    forward_busy = peewee.CharField(max_length=32, default="")
    forward_no_answer = peewee.CharField(max_length=32, default="")
    followme_enabled = peewee.BooleanField(default=False)
    followme_numbers = peewee.CharField(max_length=128, default="")  # up to 3, comma-separated
    followme_mode = peewee.CharField(max_length=16, default="sequence")  # sequence, together
    followme_ring_seconds = peewee.IntegerField(default=20)
    hotdesk_pin_hash = peewee.CharField(max_length=128, default="")
    updated = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "extension_features"

    def followme_list(self) -> list[str]:
        return split_numbers(self.followme_numbers)[:MAX_FOLLOWME]

    def set_hotdesk_pin(self, pin: str) -> None:
        self.hotdesk_pin_hash = hash_pin(pin) if pin else ""

    def hotdesk_pin_ok(self, pin: str) -> bool:
        return bool(self.hotdesk_pin_hash) and pin_matches(self.hotdesk_pin_hash, pin)


class RingGroup(BaseModel):
    """A number that rings several phones at once (ringall) or one after another (hunt)."""

    number = peewee.CharField(unique=True, max_length=32)
    name = peewee.CharField(max_length=64, default="")
    strategy = peewee.CharField(max_length=16, default="ringall")
    members = peewee.CharField(max_length=256, default="")  # extension/FXS numbers, in hunt order
    ring_seconds = peewee.IntegerField(default=20)  # ringall: in all; hunt: per member
    fallback = peewee.CharField(max_length=32, default="")  # where unanswered callers go ('' = busy)
    updated = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "ring_group"

    def member_list(self) -> list[str]:
        return split_numbers(self.members)


class CallerList(BaseModel):
    """A blacklist (kind block) or whitelist (kind allow) of caller numbers for a scope.

    scope: '' (every call), a callee number (extension, FXS number, ring group) or a trunk (fxoN,
    an E1 span name). Entries are exact numbers, or prefixes written with a trailing '*'. A
    blacklist gives matching callers `treatment`; a whitelist gives it to everyone not listed.
    """

    name = peewee.CharField(max_length=64)
    kind = peewee.CharField(max_length=8, default="block")
    scope = peewee.CharField(max_length=32, default="")
    numbers = peewee.TextField(default="")
    treatment = peewee.CharField(max_length=16, default="busy")
    target = peewee.CharField(max_length=32, default="")  # treatment voicemail: mailbox; number: number
    message = peewee.CharField(max_length=256, default="")  # treatment message: text spoken
    enabled = peewee.BooleanField(default=True)
    updated = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "caller_list"

    def entries(self) -> list[str]:
        return split_numbers(self.numbers)

    def matches(self, caller: str) -> bool:
        for entry in self.entries():
            if entry.endswith("*") and caller.startswith(entry[:-1]):
                return True
            if entry == caller:
                return True
        return False


class SpeedDial(BaseModel):
    """A system speed dial: `*0<code>` from any phone dials `number`."""

    code = peewee.CharField(unique=True, max_length=2)
    number = peewee.CharField(max_length=32)
    label = peewee.CharField(max_length=64, default="")
    updated = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "speed_dial"


class HotDesk(BaseModel):
    """An extension logged in at another phone (a SIP extension's or FXS port's number)."""

    extension = peewee.CharField(unique=True, max_length=32)
    phone = peewee.CharField(unique=True, max_length=32)
    since = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "hot_desk"


FEATURE_MODELS = [ExtensionFeatures, RingGroup, CallerList, SpeedDial, HotDesk]

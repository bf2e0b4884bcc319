"""PBX tables: extensions, CDR and call legs, key/value settings."""

from __future__ import annotations

import hashlib
import re

import peewee

from telephony.models.base import BaseModel, utcnow

DEFAULT_REALM = "pbx"
# A SIP digest realm the box accepts: kamailio.cfg quotes it, so only host-name characters.
REALM_RE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]{0,62}[A-Za-z0-9])?")


def sip_ha1(user: str, realm: str, secret: str) -> str:
    """Return the SIP digest HA1 = md5(user:realm:secret) kamailio authenticates against."""
    return hashlib.md5(f"{user}:{realm}:{secret}".encode()).hexdigest()  # noqa: S324 - RFC 2617


class Setting(BaseModel):
    """One box-wide setting (SIP realm, no-answer timeout, ...), stored as text."""

    key = peewee.CharField(primary_key=True, max_length=64)
    value = peewee.TextField()

    class Meta:
        table_name = "setting"

    @classmethod
    def get_value(cls, key: str, default: str = "") -> str:
        row = cls.get_or_none(cls.key == key)
        return row.value if row else default

    @classmethod
    def set_value(cls, key: str, value: str) -> None:
        cls.insert(key=key, value=value).on_conflict_replace().execute()


class Extension(BaseModel):
    """An internal number a SIP phone registers as; kamailio reads `subscriber`, a view over this."""

    number = peewee.CharField(unique=True, max_length=32)
    name = peewee.CharField(max_length=64, default="")
    # Only digest hashes are kept: HA1 over the number and realm; ha1b over number@realm.
    ha1 = peewee.CharField(max_length=64)
    ha1b = peewee.CharField(max_length=64)
    enabled = peewee.BooleanField(default=True)
    permission = peewee.CharField(max_length=16, default="national")  # outbound class (models.lines)
    created = peewee.DateTimeField(default=utcnow)
    updated = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "extension"

    def set_secret(self, secret: str, realm: str) -> None:
        self.ha1 = sip_ha1(self.number, realm, secret)
        self.ha1b = sip_ha1(f"{self.number}@{realm}", realm, secret)


class Cdr(BaseModel):
    """One call, whatever its legs: who, when, how long, how it ended."""

    uniqueid = peewee.CharField(unique=True, max_length=64)
    caller = peewee.CharField(max_length=64, index=True)
    caller_name = peewee.CharField(max_length=128, default="")
    callee = peewee.CharField(max_length=64, index=True)
    start = peewee.DateTimeField(index=True)
    answer = peewee.DateTimeField(null=True)
    end = peewee.DateTimeField(null=True)
    billsec = peewee.IntegerField(default=0)
    duration = peewee.IntegerField(default=0)
    disposition = peewee.CharField(max_length=16)  # ANSWERED, NO ANSWER, BUSY, FAILED
    status_code = peewee.IntegerField(default=0)  # the SIP status the caller got
    hangup_by = peewee.CharField(max_length=16, default="")  # caller, callee, system

    class Meta:
        table_name = "cdr"


class CallLeg(BaseModel):
    """One SIP dialog of a call, as pbx-core saw it."""

    cdr = peewee.ForeignKeyField(Cdr, backref="legs", on_delete="CASCADE")
    role = peewee.CharField(max_length=16)  # caller, callee
    peer = peewee.CharField(max_length=128)
    sip_call_id = peewee.CharField(max_length=128, default="")
    start = peewee.DateTimeField()
    answer = peewee.DateTimeField(null=True)
    end = peewee.DateTimeField(null=True)
    status_code = peewee.IntegerField(default=0)

    class Meta:
        table_name = "call_leg"

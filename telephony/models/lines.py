"""Line tables: per-port settings, trunk groups, inbound routes and outbound dial rules.

Port names are the HAL's stable names: fxs1..N, fxo1..N, e1 (span), e1/1..e1/30.
"""

from __future__ import annotations

import peewee

from telephony.models.base import BaseModel, utcnow

# Outbound permission classes, from least to most: an extension may dial a rule whose class
# is at or below its own.
PERMISSIONS = ("internal", "local", "national", "international")


class PortSetting(BaseModel):
    """Settings of one physical port; an FXS port is an extension with a number."""

    port = peewee.CharField(primary_key=True, max_length=16)
    enabled = peewee.BooleanField(default=True)
    label = peewee.CharField(max_length=64, default="")
    number = peewee.CharField(max_length=32, null=True, unique=True)  # FXS: its extension number
    caller_id_name = peewee.CharField(max_length=64, default="")  # FXS: name shown to callees
    permission = peewee.CharField(max_length=16, default="national")  # FXS: outbound class
    cid_standard = peewee.CharField(max_length=16, default="")  # FXS/FXO: '' = country default
    updated = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "port_setting"


class TrunkGroup(BaseModel):
    """A set of lines used together for outbound calls: FXO ports, the E1 span, or a SIP trunk."""

    name = peewee.CharField(unique=True, max_length=32)
    kind = peewee.CharField(max_length=8)  # fxo, e1, sip
    members = peewee.CharField(max_length=256, default="")  # comma-separated port names (fxo1,fxo2 / e1)
    hunt = peewee.CharField(max_length=16, default="linear")  # linear, round-robin

    class Meta:
        table_name = "trunk_group"

    def member_list(self) -> list[str]:
        return [m.strip() for m in self.members.split(",") if m.strip()]


class InboundRoute(BaseModel):
    """Where a call arriving on a trunk goes: by trunk (FXO line / E1 span) and dialed DID."""

    trunk = peewee.CharField(max_length=16)  # fxo1.., e1, or '*' for any
    did = peewee.CharField(max_length=32, default="")  # E1 called number; '' = any
    destination = peewee.CharField(max_length=32)  # an extension number (later: ivr:, queue:)
    priority = peewee.IntegerField(default=100)

    class Meta:
        table_name = "inbound_route"


class DialRule(BaseModel):
    """An outbound rule: digits starting with `prefix` go to `trunk_group` after manipulation."""

    name = peewee.CharField(max_length=32, default="")
    prefix = peewee.CharField(max_length=16)  # e.g. '0' for an outside line
    min_length = peewee.IntegerField(default=1)  # total dialed digits before the call is placed
    strip = peewee.IntegerField(default=0)  # digits removed from the front
    prepend = peewee.CharField(max_length=16, default="")
    trunk_group = peewee.ForeignKeyField(TrunkGroup, backref="rules", on_delete="CASCADE")
    permission = peewee.CharField(max_length=16, default="local")  # class needed to use the rule
    priority = peewee.IntegerField(default=100)

    class Meta:
        table_name = "dial_rule"

    def apply(self, digits: str) -> str:
        return self.prepend + digits[self.strip :]

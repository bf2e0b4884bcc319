"""Call recording tables: the rules that decide which calls are recorded, and the recordings.

A recording's audio is one WAV file under media/recordings/<YYYY>/<MM>/<DD>/ (8 kHz 16-bit PCM,
mono when both parties are mixed, stereo with the caller left and the callee right when split);
a row points at it by a path relative to the media directory. Rows are written when recording
starts (`state` "recording") and completed when the file is closed ("done"); a file left open by
a killed pbx-core is repaired at the next start ("repaired").

Created by migration 0007 (telephony.models.schema_0007 is its frozen copy): a change here needs
a new migration.
"""

from __future__ import annotations

import peewee

from telephony.models.base import BaseModel, utcnow

RULE_KINDS = ("all", "extension", "queue", "trunk", "direction")
DIRECTIONS = ("internal", "inbound", "outbound")
MODES = ("mixed", "stereo")
STATES = ("recording", "done", "repaired")


class RecordingRule(BaseModel):
    """Record the calls a rule matches: every call, or by extension, queue, trunk or direction.

    `value` is what the kind compares: an extension or FXS number, a queue number, a trunk port
    (fxo1, e1, e1/5) or trunk group name, or a direction (internal, inbound, outbound).
    """

    kind = peewee.CharField(max_length=16)
    value = peewee.CharField(max_length=64, default="")
    mode = peewee.CharField(max_length=8, default="mixed")  # mixed or stereo
    announce = peewee.BooleanField(default=False)  # "this call is being recorded" to both parties
    enabled = peewee.BooleanField(default=True)
    created = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "recording_rule"


class Recording(BaseModel):
    """One recorded call (or the on-demand part of one)."""

    uniqueid = peewee.CharField(max_length=64, index=True)
    caller = peewee.CharField(max_length=64, default="")
    callee = peewee.CharField(max_length=64, default="")
    extension = peewee.CharField(max_length=64, default="")  # the box's own parties, comma-separated
    queue = peewee.CharField(max_length=32, default="")
    agent = peewee.CharField(max_length=32, default="")
    trunk = peewee.CharField(max_length=32, default="")  # fxo1, e1/5, ...
    direction = peewee.CharField(max_length=8, default="internal")
    started = peewee.DateTimeField(default=utcnow, index=True)
    duration = peewee.FloatField(default=0.0)  # seconds of audio
    path = peewee.CharField(max_length=255, unique=True)  # relative to the media directory
    size = peewee.BigIntegerField(default=0)  # bytes on disk
    mode = peewee.CharField(max_length=8, default="mixed")
    trigger = peewee.CharField(max_length=32, default="")  # rule:<id> or on-demand
    state = peewee.CharField(max_length=12, default="recording")

    class Meta:
        table_name = "recording"


RECORDING_MODELS = [RecordingRule, Recording]

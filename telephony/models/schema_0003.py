"""The call-center tables exactly as migration 0003 creates them: a frozen copy, never edit.

The live models (telephony.models.callcenter) may change later; a change there must come with a
new migration, while 0003 keeps creating these tables, so a box that skipped versions migrates
the same way as one that took each release. Unbound peewee models keep this portable (SQLite
now, PostgreSQL later): the migration binds them to its database for the CREATE only.
"""

from __future__ import annotations

import peewee


class _Frozen(peewee.Model):
    class Meta:
        database = None


class Queue(_Frozen):
    number = peewee.CharField(unique=True, max_length=32)
    name = peewee.CharField(max_length=64)
    strategy = peewee.CharField(max_length=32)
    weight = peewee.IntegerField()
    max_callers = peewee.IntegerField()
    max_wait = peewee.FloatField()
    ring_timeout = peewee.FloatField()
    retry_delay = peewee.FloatField()
    backoff_rejected = peewee.FloatField()
    backoff_busy = peewee.FloatField()
    backoff_no_answer = peewee.FloatField()
    wrap_up = peewee.FloatField()
    periodic_announce_interval = peewee.FloatField()
    position_announce_interval = peewee.FloatField()
    announce_position = peewee.BooleanField()
    announce_estimate = peewee.BooleanField()
    join_empty = peewee.CharField(max_length=16)
    leave_when_empty = peewee.CharField(max_length=16)
    timeout_kind = peewee.CharField(max_length=16)
    timeout_target = peewee.CharField(max_length=64)
    full_kind = peewee.CharField(max_length=16)
    full_target = peewee.CharField(max_length=64)
    no_agents_kind = peewee.CharField(max_length=16)
    no_agents_target = peewee.CharField(max_length=64)
    auto_pause_after = peewee.IntegerField()
    stats_window = peewee.FloatField()
    aht_samples = peewee.IntegerField()
    progressive_step = peewee.FloatField()
    skill_widen = peewee.CharField(max_length=128)
    affinity_days = peewee.FloatField()
    affinity_wait = peewee.FloatField()
    rejoin_window = peewee.FloatField()
    callback_enabled = peewee.BooleanField()
    callback_key = peewee.CharField(max_length=1)
    callback_attempts = peewee.IntegerField()
    callback_retry_delay = peewee.FloatField()
    callback_lead = peewee.FloatField()
    moh_class = peewee.CharField(max_length=32)
    announce_agent_number = peewee.BooleanField()
    whisper_text = peewee.CharField(max_length=128)
    survey_enabled = peewee.BooleanField()
    crm_url = peewee.CharField(max_length=512)
    service_level = peewee.FloatField()
    created = peewee.DateTimeField()
    updated = peewee.DateTimeField()

    class Meta:
        table_name = "cc_queue"


class Agent(_Frozen):
    number = peewee.CharField(unique=True, max_length=32)
    name = peewee.CharField(max_length=64)
    pin_hash = peewee.CharField(max_length=128)
    default_extension = peewee.CharField(max_length=32, null=True)
    enabled = peewee.BooleanField()
    created = peewee.DateTimeField()
    updated = peewee.DateTimeField()

    class Meta:
        table_name = "cc_agent"


class QueueMember(_Frozen):
    queue = peewee.ForeignKeyField(Queue, on_delete="CASCADE")
    agent = peewee.ForeignKeyField(Agent, on_delete="CASCADE")
    kind = peewee.CharField(max_length=8)
    penalty = peewee.IntegerField()
    position = peewee.IntegerField()
    weight = peewee.FloatField()

    class Meta:
        table_name = "cc_queue_member"
        indexes = ((("queue", "agent"), True),)


class Skill(_Frozen):
    name = peewee.CharField(unique=True, max_length=32)
    description = peewee.CharField(max_length=128)

    class Meta:
        table_name = "cc_skill"


class AgentSkill(_Frozen):
    agent = peewee.ForeignKeyField(Agent, on_delete="CASCADE")
    skill = peewee.ForeignKeyField(Skill, on_delete="CASCADE")
    level = peewee.IntegerField()

    class Meta:
        table_name = "cc_agent_skill"
        indexes = ((("agent", "skill"), True),)


class QueueSkill(_Frozen):
    queue = peewee.ForeignKeyField(Queue, on_delete="CASCADE")
    skill = peewee.ForeignKeyField(Skill, on_delete="CASCADE")
    min_level = peewee.IntegerField()

    class Meta:
        table_name = "cc_queue_skill"
        indexes = ((("queue", "skill"), True),)


class PauseCode(_Frozen):
    code = peewee.CharField(unique=True, max_length=16)
    label_zh = peewee.CharField(max_length=64)
    label_en = peewee.CharField(max_length=64)
    productive = peewee.BooleanField()
    created = peewee.DateTimeField()

    class Meta:
        table_name = "cc_pause_code"


class Customer(_Frozen):
    name = peewee.CharField(max_length=64)
    company = peewee.CharField(max_length=128)
    notes = peewee.TextField()
    priority = peewee.IntegerField()
    tags = peewee.CharField(max_length=256)
    created = peewee.DateTimeField()
    updated = peewee.DateTimeField()

    class Meta:
        table_name = "cc_customer"


class CustomerNumber(_Frozen):
    customer = peewee.ForeignKeyField(Customer, on_delete="CASCADE")
    number = peewee.CharField(unique=True, max_length=32)

    class Meta:
        table_name = "cc_customer_number"


class AcdEvent(_Frozen):
    at = peewee.DateTimeField(index=True)
    kind = peewee.CharField(max_length=24)
    queue = peewee.CharField(max_length=32)
    agent = peewee.CharField(max_length=32)
    call_id = peewee.CharField(max_length=64, index=True)
    caller = peewee.CharField(max_length=64)
    wait_ms = peewee.IntegerField()
    talk_ms = peewee.IntegerField()
    wrap_ms = peewee.IntegerField()
    reason = peewee.CharField(max_length=32)
    extra = peewee.TextField()

    class Meta:
        table_name = "acd_event"
        indexes = ((("queue", "at"), False), (("agent", "at"), False))


class SurveyScore(_Frozen):
    call_id = peewee.CharField(max_length=64, index=True)
    agent = peewee.CharField(max_length=32)
    queue = peewee.CharField(max_length=32)
    score = peewee.IntegerField()
    at = peewee.DateTimeField(index=True)

    class Meta:
        table_name = "survey_score"
        indexes = ((("queue", "at"), False), (("agent", "at"), False))


TABLES: list[type[peewee.Model]] = [
    Queue,
    Agent,
    QueueMember,
    Skill,
    AgentSkill,
    QueueSkill,
    PauseCode,
    Customer,
    CustomerNumber,
    AcdEvent,
    SurveyScore,
]

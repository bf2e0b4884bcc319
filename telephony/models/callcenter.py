"""Call-center tables: queues, agents, skills, pause codes, customers, and the ACD event log.

The engine (telephony.acd) names queues and agents by string ids; the box uses the queue's
dialable number and the agent's login number for them, so the event log and survey scores store
those strings rather than foreign keys: reports outlive a deleted queue or agent.

Queue columns carry the names of telephony.acd.config.QueueConfig fields wherever the engine has
that setting; an overflow destination is two columns (`<which>_kind`, `<which>_target`); the rest
(announce flags, callback key, music on hold, whisper, survey, CRM URL, service level) are for
the core and reports. telephony.callcenter.service.queue_config builds the engine's config.

Created by migration 0003 (telephony.models.schema_0003 is its frozen copy): a change here needs a
new migration.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

import peewee

from telephony.models.base import BaseModel, utcnow

# Agent PINs use PBKDF2-HMAC-SHA256 from hashlib, not argon2id as admin passwords do, on purpose:
# pbx-core checks a PIN typed on a phone (feature-code login) on its one engine thread, and an
# argon2id hash with 64 MiB takes ~0.2 s on a PC and more on the board, a stall every call would
# feel. A 4-8 digit PIN has at most 10^8 values, so no hash makes a stolen database safe from a
# patient attacker; what protects a PIN is the login throttle. PBKDF2 with a per-PIN salt still
# stops precomputed tables and costs a brute force 10^8 * ITERATIONS hashes.
PIN_SCHEME = "pbkdf2_sha256"
PIN_ITERATIONS = 20_000


def hash_pin(pin: str, *, iterations: int = PIN_ITERATIONS) -> str:
    """Return `pbkdf2_sha256$<iterations>$<salt>$<hash>` (base64) for a PIN."""
    salt = secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, iterations)
    return "$".join((PIN_SCHEME, str(iterations), _b64(salt), _b64(digest)))


def pin_matches(pin_hash: str, pin: str) -> bool:
    """Return whether `pin` matches a hash made by hash_pin; a malformed or empty hash never matches."""
    try:
        scheme, iterations, salt, digest = pin_hash.split("$")
        rounds = int(iterations)
        if scheme != PIN_SCHEME or not 1 <= rounds <= 10_000_000:
            return False
        expected = base64.b64decode(digest, validate=True)
        actual = hashlib.pbkdf2_hmac("sha256", pin.encode(), base64.b64decode(salt, validate=True), rounds)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


class Queue(BaseModel):
    """A call queue callers dial by `number`; every setting of the engine's QueueConfig and more."""

    number = peewee.CharField(unique=True, max_length=32)  # dialable; never an extension's or port's
    name = peewee.CharField(max_length=64)
    # --- strategy
    strategy = peewee.CharField(max_length=32, default="ring-all")
    weight = peewee.IntegerField(default=0)
    progressive_step = peewee.FloatField(default=5.0)
    skill_widen = peewee.CharField(max_length=128, default="0:1")  # "seconds:level, ..." steps
    stats_window = peewee.FloatField(default=3600.0)
    aht_samples = peewee.IntegerField(default=20)
    affinity_days = peewee.FloatField(default=0.0)
    affinity_wait = peewee.FloatField(default=0.0)
    # --- timeouts and limits
    max_callers = peewee.IntegerField(default=0)
    max_wait = peewee.FloatField(default=0.0)
    ring_timeout = peewee.FloatField(default=15.0)
    retry_delay = peewee.FloatField(default=5.0)
    backoff_rejected = peewee.FloatField(default=10.0)
    backoff_busy = peewee.FloatField(default=10.0)
    backoff_no_answer = peewee.FloatField(default=5.0)
    wrap_up = peewee.FloatField(default=0.0)
    auto_pause_after = peewee.IntegerField(default=0)
    rejoin_window = peewee.FloatField(default=0.0)
    # --- announcements
    periodic_announce_interval = peewee.FloatField(default=0.0)
    position_announce_interval = peewee.FloatField(default=0.0)
    announce_position = peewee.BooleanField(default=True)
    announce_estimate = peewee.BooleanField(default=True)
    moh_class = peewee.CharField(max_length=32, default="default")
    announce_agent_number = peewee.BooleanField(default=False)
    whisper_text = peewee.CharField(max_length=128, default="")
    # --- empty rules and overflow
    join_empty = peewee.CharField(max_length=16, default="never")
    leave_when_empty = peewee.CharField(max_length=16, default="never")
    timeout_kind = peewee.CharField(max_length=16, default="hangup")
    timeout_target = peewee.CharField(max_length=64, default="")
    full_kind = peewee.CharField(max_length=16, default="hangup")
    full_target = peewee.CharField(max_length=64, default="")
    no_agents_kind = peewee.CharField(max_length=16, default="hangup")
    no_agents_target = peewee.CharField(max_length=64, default="")
    # --- callback, survey, CRM, reports
    callback_enabled = peewee.BooleanField(default=False)
    callback_key = peewee.CharField(max_length=1, default="1")
    callback_attempts = peewee.IntegerField(default=3)
    callback_retry_delay = peewee.FloatField(default=60.0)
    callback_lead = peewee.FloatField(default=0.0)
    survey_enabled = peewee.BooleanField(default=False)
    crm_url = peewee.CharField(max_length=512, default="")  # {caller} {queue} {digits} {callid}
    service_level = peewee.FloatField(default=20.0)  # answered within this many seconds
    created = peewee.DateTimeField(default=utcnow)
    updated = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "cc_queue"


class Agent(BaseModel):
    """A person who takes queue calls: logs in by `number` and PIN from any phone, not a phone."""

    number = peewee.CharField(unique=True, max_length=32)  # login id, announced to callers
    name = peewee.CharField(max_length=64, default="")
    pin_hash = peewee.CharField(max_length=128, default="")  # hash_pin(); never the PIN
    default_extension = peewee.CharField(max_length=32, null=True)  # where offers ring by default
    enabled = peewee.BooleanField(default=True)
    created = peewee.DateTimeField(default=utcnow)
    updated = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "cc_agent"

    def set_pin(self, pin: str) -> None:
        self.pin_hash = hash_pin(pin)

    def check_pin(self, pin: str) -> bool:
        return bool(self.pin_hash) and pin_matches(self.pin_hash, pin)


MEMBER_KINDS = ("static", "dynamic")


class QueueMember(BaseModel):
    """An agent's place in a queue.

    static: a member whenever logged in. dynamic: may join and leave the queue at will (console,
    feature code); the row holds the settings used while joined. `position` is the hunt order
    (linear, round-robin), then the agent number; `penalty` lower first; `weight` for
    weighted-random.
    """

    queue = peewee.ForeignKeyField(Queue, backref="members", on_delete="CASCADE")
    agent = peewee.ForeignKeyField(Agent, backref="memberships", on_delete="CASCADE")
    kind = peewee.CharField(max_length=8, default="static")
    penalty = peewee.IntegerField(default=0)
    position = peewee.IntegerField(default=0)
    weight = peewee.FloatField(default=1.0)

    class Meta:
        table_name = "cc_queue_member"
        indexes = ((("queue", "agent"), True),)


class Skill(BaseModel):
    """Something an agent can be good at (a language, a product line)."""

    name = peewee.CharField(unique=True, max_length=32)
    description = peewee.CharField(max_length=128, default="")

    class Meta:
        table_name = "cc_skill"


SKILL_LEVELS = range(1, 11)


class AgentSkill(BaseModel):
    """How good an agent is at a skill: 1 (beginner) to 10 (expert)."""

    agent = peewee.ForeignKeyField(Agent, backref="skills", on_delete="CASCADE")
    skill = peewee.ForeignKeyField(Skill, backref="agents", on_delete="CASCADE")
    level = peewee.IntegerField()

    class Meta:
        table_name = "cc_agent_skill"
        indexes = ((("agent", "skill"), True),)


class QueueSkill(BaseModel):
    """A skill a queue requires: members below `min_level` in it get no calls of the queue."""

    queue = peewee.ForeignKeyField(Queue, backref="skills", on_delete="CASCADE")
    skill = peewee.ForeignKeyField(Skill, backref="queues", on_delete="CASCADE")
    min_level = peewee.IntegerField(default=1)

    class Meta:
        table_name = "cc_queue_skill"
        indexes = ((("queue", "skill"), True),)


class PauseCode(BaseModel):
    """A reason an agent may pause with; productive pauses (training, back office) count as work."""

    code = peewee.CharField(unique=True, max_length=16)
    label_zh = peewee.CharField(max_length=64)
    label_en = peewee.CharField(max_length=64)
    productive = peewee.BooleanField(default=False)
    created = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "cc_pause_code"

    def label(self, language: str) -> str:
        return self.label_zh if language == "zh-CN" else self.label_en


class Customer(BaseModel):
    """A caller the agents know: screen pop shows it; `priority` > 0 makes it a VIP in queues."""

    name = peewee.CharField(max_length=64)
    company = peewee.CharField(max_length=128, default="")
    notes = peewee.TextField(default="")
    priority = peewee.IntegerField(default=0)  # the engine's caller priority; higher is served first
    tags = peewee.CharField(max_length=256, default="")  # comma-separated
    created = peewee.DateTimeField(default=utcnow)
    updated = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "cc_customer"

    def number_list(self) -> list[str]:
        return [n.number for n in self.numbers.order_by(CustomerNumber.id)]

    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.tags.split(",") if t.strip()]


class CustomerNumber(BaseModel):
    """One phone number of a customer, normalized to digits; a number belongs to one customer."""

    customer = peewee.ForeignKeyField(Customer, backref="numbers", on_delete="CASCADE")
    number = peewee.CharField(unique=True, max_length=32)

    class Meta:
        table_name = "cc_customer_number"


class AcdEvent(BaseModel):
    """One fact of the ACD event log (telephony.acd.records) as stored; reports read only these.

    `at` is UTC wall time; `kind` the record (entered, offered, offer-ended, answered, abandoned,
    overflowed, callback-requested, callback-started, callback-ended, completed, agent-state);
    durations in milliseconds; `extra` a JSON object for whatever else a kind carries.
    """

    at = peewee.DateTimeField(index=True, default=utcnow)
    kind = peewee.CharField(max_length=24)
    queue = peewee.CharField(max_length=32, default="")  # queue number
    agent = peewee.CharField(max_length=32, default="")  # agent number
    call_id = peewee.CharField(max_length=64, default="", index=True)
    caller = peewee.CharField(max_length=64, default="")
    wait_ms = peewee.IntegerField(default=0)
    talk_ms = peewee.IntegerField(default=0)
    wrap_ms = peewee.IntegerField(default=0)
    reason = peewee.CharField(max_length=32, default="")
    extra = peewee.TextField(default="{}")

    class Meta:
        table_name = "acd_event"
        indexes = ((("queue", "at"), False), (("agent", "at"), False))


class SurveyScore(BaseModel):
    """A caller's post-call rating of an agent, from the survey IVR."""

    call_id = peewee.CharField(max_length=64, index=True)
    agent = peewee.CharField(max_length=32)
    queue = peewee.CharField(max_length=32)
    score = peewee.IntegerField()
    at = peewee.DateTimeField(index=True, default=utcnow)

    class Meta:
        table_name = "survey_score"
        indexes = ((("queue", "at"), False), (("agent", "at"), False))


CALLCENTER_MODELS = [
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

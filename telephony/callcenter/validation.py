"""Inputs of the call-center services and their validation: every problem found, then one error.

Validation collects every problem before raising InvalidInput, so a form shows them all at once;
field names are the input's (settings keys, `member.<agent>.penalty`, `skill.<name>.level`, ...).
Checks that read other rows (numbers taken, overflow targets, skills) run inside the caller's
transaction, so what was checked is what gets saved.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from telephony import numbering
from telephony.acd.config import Destination, QueueConfig
from telephony.acd.errors import InvalidConfig
from telephony.callcenter.errors import InvalidInput
from telephony.callcenter.settings import (
    BY_KEY,
    CRM_FIELDS,
    TOKEN_RE,
    WHISPER_FIELDS,
    defaults,
    format_widen,
    parse_bool,
    parse_number,
    parse_settings,
    parse_widen,
    template_fields,
)
from telephony.callcenter.usage import OVERFLOWS, queue_users
from telephony.extensions.service import NUMBER_RE
from telephony.ivr.usage import ivr_number_taken
from telephony.messages import Phrase
from telephony.models import (
    MEMBER_KINDS,
    Agent,
    ConferenceRoom,
    Extension,
    PauseCode,
    PortSetting,
    Queue,
    Skill,
)

EXTERNAL_RE = re.compile(r"^\+?[0-9]{3,32}$")
PIN_RE = re.compile(r"^[0-9]{4,8}$")
PAUSE_CODE_RE = re.compile(r"^[a-z0-9_-]{1,16}$")


@dataclass(frozen=True)
class QueueMemberInput:
    """An agent in a queue, by agent number; kind static or dynamic (see models.QueueMember)."""

    agent: str
    kind: str = "static"
    penalty: Any = 0
    position: Any = 0
    weight: Any = 1.0


@dataclass(frozen=True)
class SkillRequirement:
    """A skill (by name) a queue requires, and the lowest level (1..10) that qualifies."""

    skill: str
    min_level: Any = 1


@dataclass(frozen=True)
class QueueInput:
    """What a person submits for a queue.

    `settings` maps QUEUE_SETTINGS keys to raw values (text or typed); a key left out keeps the
    current value (a new queue: the default). `members` / `skills` None keep the current lists.
    """

    number: str
    name: str
    settings: Mapping[str, Any] = field(default_factory=dict)
    members: tuple[QueueMemberInput, ...] | None = None
    skills: tuple[SkillRequirement, ...] | None = None


@dataclass(frozen=True)
class AgentSkillInput:
    skill: str
    level: Any


@dataclass(frozen=True)
class MembershipInput:
    """A queue (by number) an agent belongs to; position and weight stay as set on the queue."""

    queue: str
    kind: str = "static"
    penalty: Any = 0


@dataclass(frozen=True)
class AgentInput:
    """What a person submits for an agent; `pin` empty on edit keeps the PIN (required on create).

    `pin_confirm`, when given, must equal `pin`. `skills` / `memberships` None keep the current.
    """

    number: str
    name: str
    pin: str = ""
    pin_confirm: str | None = None
    default_extension: str = ""
    enabled: bool = True
    skills: tuple[AgentSkillInput, ...] | None = None
    memberships: tuple[MembershipInput, ...] | None = None


@dataclass(frozen=True)
class SkillInput:
    name: str
    description: str = ""


@dataclass(frozen=True)
class PauseCodeInput:
    code: str
    label_zh: str
    label_en: str
    productive: bool = False


class _Errors:
    """Collect field errors with their message arguments; raise them all at once."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}
        self.params: dict[str, dict[str, object]] = {}

    def add(self, name: str, key: str, /, **args: object) -> None:
        if name not in self.errors:
            self.errors[name], self.params[name] = key, args

    def replace(self, name: str, key: str, /, **args: object) -> None:
        self.errors[name], self.params[name] = key, args

    def __contains__(self, name: str) -> bool:
        return name in self.errors

    def raise_any(self) -> None:
        if self.errors:
            raise InvalidInput(self.errors, self.params)


def collector() -> _Errors:
    """Return an empty error collector (for checks outside the validate_* functions)."""
    return _Errors()


def _printable(text: str, low: int, high: int) -> bool:
    return low <= len(text) <= high and text.isprintable()


def _int_in(errors: _Errors, name: str, raw: Any, low: int, high: int) -> int:
    value = parse_number(raw, integer=True)
    if value is None or not low <= value <= high:
        errors.add(name, "cc.integer", low=low, high=high)
        return low
    return int(value)


def dialable_exists(number: str) -> bool:
    """Return whether an extension or an FXS port has `number`."""
    return (
        Extension.select().where(Extension.number == number).exists()
        or PortSetting.select().where(PortSetting.number == number).exists()
    )


def check_number(errors: _Errors, number: str, existing: Queue | None) -> None:
    if not number:
        errors.add("number", "required")
    elif not NUMBER_RE.match(number):
        errors.add("number", "cc.number.format")
    else:
        clash = Queue.get_or_none(Queue.number == number)
        if clash is not None and (existing is None or clash.id != existing.id):
            errors.add("number", "cc.queue.taken", number=number)
        elif Extension.select().where(Extension.number == number).exists():
            errors.add("number", "cc.number.extension", number=number)
        elif PortSetting.select().where(PortSetting.number == number).exists():
            errors.add("number", "cc.number.port", number=number)
        elif ivr_number_taken(number):
            errors.add("number", "ivr.number.taken", number=number)
        elif ConferenceRoom.select().where(ConferenceRoom.number == number).exists():
            errors.add("number", "conference.number.taken", number=number)
        elif other := numbering.owner(number, kinds=("ring_group", "paging", "park")):
            errors.add("number", other.taken_key, number=number)
        elif existing is not None and existing.number != number:
            users = queue_users(existing)
            if users:
                # Routes and overflows name the old number: they would go nowhere.
                what = Phrase("inuse.queue", existing.number)
                errors.add("number", "inuse.refused", what=what, users=users)


def check_destination(
    errors: _Errors, values: dict[str, Any], kind_key: str, target_key: str, own: set[str]
) -> None:
    kind, target = values[kind_key], str(values[target_key]).strip()
    if kind_key in errors or target_key in errors:
        return
    if kind == "hangup":
        values[target_key] = ""
        return
    values[target_key] = target
    if not target:
        errors.add(target_key, "cc.destination.target")
    elif kind == "queue":
        if target in own:
            errors.add(target_key, "cc.destination.self")
        elif not Queue.select().where(Queue.number == target).exists():
            errors.add(target_key, "cc.destination.queue", target=target)
    elif kind in ("extension", "voicemail"):
        if not dialable_exists(target):
            errors.add(target_key, "cc.destination.extension", target=target)
    elif kind == "ivr":
        if not TOKEN_RE.match(target):
            errors.add(target_key, "cc.token")
    elif kind == "external" and not EXTERNAL_RE.match(target):
        errors.add(target_key, "cc.destination.external")


def check_templates(errors: _Errors, values: dict[str, Any]) -> None:
    """Check the whisper text and CRM URL; either message states the whole rule."""
    names = template_fields(values["whisper_text"])
    if "whisper_text" in errors or names is None or not names <= WHISPER_FIELDS:
        errors.replace("whisper_text", "cc.whisper")
    url = values["crm_url"]
    if "crm_url" in errors or not url:
        if "crm_url" in errors:
            errors.replace("crm_url", "cc.crm_url")
        return
    names = template_fields(url)
    scheme_ok = url.startswith(("http://", "https://")) and len(url) > len("https://")
    if not scheme_ok or any(c.isspace() for c in url) or names is None or not names <= CRM_FIELDS:
        errors.add("crm_url", "cc.crm_url")


def validate_queue(data: QueueInput, existing: Queue | None = None) -> tuple[dict[str, Any], list, list]:
    """Return (settings, members, skills) ready to save, or raise InvalidInput naming every bad field."""
    errors = _Errors()
    number, name = data.number.strip(), data.name.strip()
    check_number(errors, number, existing)
    if not _printable(name, 1, 64):
        errors.add("name", "cc.name")
    current = {k: getattr(existing, k) for k in BY_KEY} if existing is not None else defaults()
    values, bad, params = parse_settings(data.settings, current)
    for key, message in bad.items():
        errors.add(key, message, **params[key])
    own = {number} | ({existing.number} if existing is not None else set())
    for kind_key, target_key in OVERFLOWS:
        check_destination(errors, values, kind_key, target_key, own)
    if "skill_widen" not in errors:
        steps = parse_widen(str(values["skill_widen"]))
        if steps is None:
            errors.add("skill_widen", "cc.skill_widen")
        else:
            values["skill_widen"] = format_widen(steps)
    if values["affinity_days"] > 0 and values["affinity_wait"] <= 0 and "affinity_wait" not in errors:
        errors.add("affinity_wait", "cc.affinity_wait")
    check_templates(errors, values)
    members = _members(errors, data.members) if data.members is not None else None
    skills = _requirements(errors, data.skills) if data.skills is not None else None
    errors.raise_any()
    _engine_check(number, values)
    return values, members, skills


def _members(errors: _Errors, members: tuple[QueueMemberInput, ...]) -> list[tuple[Agent, dict[str, Any]]]:
    out, seen = [], set()
    for m in members:
        agent = Agent.get_or_none(Agent.number == m.agent)
        if agent is None:
            errors.add("members", "cc.member.unknown", name=m.agent)
            continue
        if m.agent in seen:
            errors.add("members", "cc.member.twice", name=m.agent)
            continue
        seen.add(m.agent)
        prefix = f"member.{m.agent}"
        if m.kind not in MEMBER_KINDS:
            errors.add(f"{prefix}.kind", "cc.choice", choices=", ".join(MEMBER_KINDS))
        penalty = _int_in(errors, f"{prefix}.penalty", m.penalty, 0, 1000)
        position = _int_in(errors, f"{prefix}.position", m.position, 0, 9999)
        weight = parse_number(m.weight, integer=False)
        if weight is None or not 0.01 <= weight <= 1000:
            errors.add(f"{prefix}.weight", "cc.decimal", low="0.01", high=1000)
        out.append((agent, {"kind": m.kind, "penalty": penalty, "position": position, "weight": weight}))
    return out


def _requirements(errors: _Errors, skills: tuple[SkillRequirement, ...]) -> list[tuple[Skill, int]]:
    out, seen = [], set()
    for r in skills:
        skill = Skill.get_or_none(Skill.name == r.skill)
        if skill is None:
            errors.add("skills", "cc.skill.unknown", name=r.skill)
        elif r.skill in seen:
            errors.add("skills", "cc.skill.twice", name=r.skill)
        else:
            seen.add(r.skill)
            out.append((skill, _int_in(errors, f"skill.{r.skill}.min_level", r.min_level, 1, 10)))
    return out


def _engine_check(number: str, values: dict[str, Any]) -> None:
    """Build the engine's config from the values: the engine must accept whatever is saved."""
    try:
        QueueConfig(
            queue_id=number,
            **{k: values[k] for k in BY_KEY if k in QueueConfig.__dataclass_fields__ and k != "skill_widen"},
            skill_widen=parse_widen(values["skill_widen"]) or ((0.0, 1),),
            timeout_destination=Destination(values["timeout_kind"], values["timeout_target"]),
            full_destination=Destination(values["full_kind"], values["full_target"]),
            no_agents_destination=Destination(values["no_agents_kind"], values["no_agents_target"]),
        )
    except InvalidConfig as exc:
        name = exc.key.rsplit(".", 1)[-1]
        name = name if name in BY_KEY else "strategy"
        raise InvalidInput({name: "cc.engine"}, {name: {"reason": exc.reason}}) from None


def validate_agent(data: AgentInput, existing: Agent | None = None) -> tuple[list, list]:
    """Return (skills, memberships) ready to save, or raise InvalidInput naming every bad field."""
    errors = _Errors()
    number = data.number.strip()
    if not number:
        errors.add("number", "required")
    elif not NUMBER_RE.match(number):
        errors.add("number", "cc.number.format")
    else:
        clash = Agent.get_or_none(Agent.number == number)
        if clash is not None and (existing is None or clash.id != existing.id):
            errors.add("number", "cc.agent.taken", number=number)
    if not _printable(data.name.strip(), 1, 64):
        errors.add("name", "cc.name")
    if existing is None and not data.pin:
        errors.add("pin", "required")
    elif data.pin:
        check_pin(errors, data.pin, number, data.pin_confirm)
    ext = data.default_extension.strip()
    if ext and not dialable_exists(ext):
        errors.add("default_extension", "cc.agent.extension", number=ext)
    skills = []
    if data.skills is not None:
        seen = set()
        for s in data.skills:
            skill = Skill.get_or_none(Skill.name == s.skill)
            if skill is None or s.skill in seen:
                errors.add("skills", "cc.skill.twice" if skill else "cc.skill.unknown", name=s.skill)
                continue
            seen.add(s.skill)
            skills.append((skill, _int_in(errors, f"skill.{s.skill}.level", s.level, 1, 10)))
    memberships = []
    if data.memberships is not None:
        seen = set()
        for m in data.memberships:
            queue = Queue.get_or_none(Queue.number == m.queue)
            if queue is None or m.queue in seen:
                errors.add(
                    "memberships", "cc.membership.twice" if queue else "cc.membership.unknown", name=m.queue
                )
                continue
            seen.add(m.queue)
            if m.kind not in MEMBER_KINDS:
                errors.add(f"membership.{m.queue}.kind", "cc.choice", choices=", ".join(MEMBER_KINDS))
            penalty = _int_in(errors, f"membership.{m.queue}.penalty", m.penalty, 0, 1000)
            memberships.append((queue, m.kind, penalty))
    errors.raise_any()
    return skills, memberships


def check_pin(errors: _Errors, pin: str, number: str, confirm: str | None) -> None:
    if not PIN_RE.match(pin):
        errors.add("pin", "cc.agent.pin_format")
    elif len(set(pin)) == 1 or pin == number:
        errors.add("pin", "cc.agent.pin_weak")
    elif confirm is not None and confirm != pin:
        errors.add("pin_confirm", "cc.agent.pin_mismatch")


def validate_skill(data: SkillInput, existing: Skill | None = None) -> None:
    errors = _Errors()
    name = data.name.strip()
    if not _printable(name, 1, 32) or "," in name or ":" in name:
        errors.add("name", "cc.skill.name")
    else:
        clash = Skill.get_or_none(Skill.name == name)
        if clash is not None and (existing is None or clash.id != existing.id):
            errors.add("name", "cc.skill.taken", name=name)
    if not _printable(data.description.strip(), 0, 128):
        errors.add("description", "cc.text", max=128)
    errors.raise_any()


def validate_pause_code(data: PauseCodeInput, existing: PauseCode | None = None) -> None:
    errors = _Errors()
    code = data.code.strip()
    if not PAUSE_CODE_RE.match(code):
        errors.add("code", "cc.pause.code")
    else:
        clash = PauseCode.get_or_none(PauseCode.code == code)
        if clash is not None and (existing is None or clash.id != existing.id):
            errors.add("code", "cc.pause.taken", code=code)
    for name in ("label_zh", "label_en"):
        if not _printable(getattr(data, name).strip(), 1, 64):
            errors.add(name, "cc.name")
    if parse_bool(data.productive) is None:
        errors.add("productive", "cc.choice", choices="1, 0")
    errors.raise_any()

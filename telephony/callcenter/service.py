"""Validate -> save -> tell the core to reload, for queues, agents, skills and pause codes.

Shared by the web admin (and later pbxctl and the configuration document). Every change is one
transaction; afterwards pbx-core is asked to reload "callcenter", which rebuilds the engine's
settings with telephony.callcenter.builder (re-exported here: `queue_config`, `agent_config`,
`queue_configs`, `agent_configs`, `dynamic_member`, `pause_codes`, `crm_link`). A core that is
down does not undo the change: it reads the tables when it is back. Inputs and their checks are
in telephony.callcenter.validation (the input classes are re-exported here too).
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

from telephony.callcenter.builder import (  # noqa: F401  (the builders, re-exported for the core)
    agent_config,
    agent_configs,
    crm_link,
    dynamic_member,
    pause_codes,
    queue_config,
    queue_configs,
)
from telephony.callcenter.errors import (
    AgentNotFound,
    LoginRefused,
    PauseCodeNotFound,
    QueueNotFound,
    SkillNotFound,
)
from telephony.callcenter.settings import parse_bool
from telephony.callcenter.usage import check_queue_unused, check_skill_unused
from telephony.callcenter.validation import (  # noqa: F401  (inputs re-exported for callers)
    AgentInput,
    AgentSkillInput,
    MembershipInput,
    PauseCodeInput,
    QueueInput,
    QueueMemberInput,
    SkillInput,
    SkillRequirement,
    check_pin,
    collector,
    validate_agent,
    validate_pause_code,
    validate_queue,
    validate_skill,
)
from telephony.control.client import ControlClient
from telephony.control.reload import ReloadsCore
from telephony.models import (
    Agent,
    AgentSkill,
    PauseCode,
    Queue,
    QueueMember,
    QueueSkill,
    Skill,
    database,
    utcnow,
)
from telephony.models.callcenter import hash_pin, pin_matches

log = logging.getLogger(__name__)

# A dummy hash checked for unknown agents, so a wrong number costs as long as a wrong PIN.
_DUMMY_PIN_HASH = hash_pin(secrets.token_hex(8))


class CallCenterService(ReloadsCore):
    """Create, update and delete queues, agents, skills and pause codes; each change, then a reload."""

    reload_what = "callcenter"

    def __init__(self, control: ControlClient | None = None) -> None:
        self.control = control
        self.reload_failed = False

    # --- queues --------------------------------------------------------------------------------

    def queues(self) -> list[Queue]:
        return list(Queue.select().order_by(Queue.number))

    def queue(self, number: str) -> Queue:
        row = Queue.get_or_none(Queue.number == number)
        if row is None:
            raise QueueNotFound(f"queue {number} does not exist")
        return row

    def members(self, queue: Queue) -> list[QueueMember]:
        """Return the queue's members in hunt order (position, then agent number)."""
        return list(
            QueueMember.select(QueueMember, Agent)
            .join(Agent)
            .where(QueueMember.queue == queue.id)
            .order_by(QueueMember.position, Agent.number)
        )

    def requirements(self, queue: Queue) -> list[QueueSkill]:
        return list(
            QueueSkill.select(QueueSkill, Skill)
            .join(Skill)
            .where(QueueSkill.queue == queue.id)
            .order_by(Skill.name)
        )

    def create_queue(self, data: QueueInput) -> Queue:
        return self._save_queue(data, None)

    def update_queue(self, number: str, data: QueueInput) -> Queue:
        return self._save_queue(data, number)

    def _save_queue(self, data: QueueInput, number: str | None) -> Queue:
        with database.atomic():
            row = self.queue(number) if number is not None else None
            values, members, skills = validate_queue(data, row)
            row = row or Queue()
            row.number, row.name = data.number.strip(), data.name.strip()
            for key, value in values.items():
                setattr(row, key, value)
            row.updated = utcnow()
            row.save()
            if members is not None:
                self._replace_members(row, members)
            if skills is not None:
                QueueSkill.delete().where(QueueSkill.queue == row.id).execute()
                for skill, level in skills:
                    QueueSkill.create(queue=row, skill=skill, min_level=level)
        self._reload()
        return row

    @staticmethod
    def _replace_members(queue: Queue, members: list[tuple[Agent, dict[str, Any]]]) -> None:
        keep = [agent.id for agent, _ in members]
        QueueMember.delete().where((QueueMember.queue == queue.id) & QueueMember.agent.not_in(keep)).execute()
        for agent, fields in members:
            row = QueueMember.get_or_none((QueueMember.queue == queue.id) & (QueueMember.agent == agent.id))
            row = row or QueueMember(queue=queue, agent=agent)
            for key, value in fields.items():
                setattr(row, key, value)
            row.save()

    def delete_queue(self, number: str) -> None:
        """Delete a queue; raise CallCenterInUse (changing nothing) while a route or queue names it."""
        with database.atomic():
            row = self.queue(number)
            check_queue_unused(row)
            row.delete_instance()
        self._reload()

    # --- agents --------------------------------------------------------------------------------

    def agents(self) -> list[Agent]:
        return list(Agent.select().order_by(Agent.number))

    def agent(self, number: str) -> Agent:
        row = Agent.get_or_none(Agent.number == number)
        if row is None:
            raise AgentNotFound(f"agent {number} does not exist")
        return row

    def agent_skills(self, agent: Agent) -> list[AgentSkill]:
        return list(
            AgentSkill.select(AgentSkill, Skill)
            .join(Skill)
            .where(AgentSkill.agent == agent.id)
            .order_by(Skill.name)
        )

    def memberships(self, agent: Agent) -> list[QueueMember]:
        return list(
            QueueMember.select(QueueMember, Queue)
            .join(Queue)
            .where(QueueMember.agent == agent.id)
            .order_by(Queue.number)
        )

    def create_agent(self, data: AgentInput) -> Agent:
        return self._save_agent(data, None)

    def update_agent(self, number: str, data: AgentInput) -> Agent:
        return self._save_agent(data, number)

    def _save_agent(self, data: AgentInput, number: str | None) -> Agent:
        with database.atomic():
            row = self.agent(number) if number is not None else None
            skills, memberships = validate_agent(data, row)
            row = row or Agent()
            row.number, row.name = data.number.strip(), data.name.strip()
            row.default_extension = data.default_extension.strip() or None
            row.enabled = data.enabled
            if data.pin:
                row.set_pin(data.pin)
            row.updated = utcnow()
            row.save()
            if data.skills is not None:
                AgentSkill.delete().where(AgentSkill.agent == row.id).execute()
                for skill, level in skills:
                    AgentSkill.create(agent=row, skill=skill, level=level)
            if data.memberships is not None:
                keep = [queue.id for queue, _, _ in memberships]
                QueueMember.delete().where(
                    (QueueMember.agent == row.id) & QueueMember.queue.not_in(keep)
                ).execute()
                for queue, kind, penalty in memberships:
                    member = QueueMember.get_or_none(
                        (QueueMember.agent == row.id) & (QueueMember.queue == queue.id)
                    )
                    member = member or QueueMember(agent=row, queue=queue)
                    member.kind, member.penalty = kind, penalty
                    member.save()
        self._reload()
        return row

    def set_pin(self, number: str, pin: str, confirm: str | None = None) -> Agent:
        """Give an agent a new PIN (4-8 digits)."""
        with database.atomic():
            row = self.agent(number)
            errors = collector()
            check_pin(errors, pin, row.number, confirm)
            errors.raise_any()
            row.set_pin(pin)
            row.updated = utcnow()
            row.save()
        return row

    def reset_pin(self, number: str) -> str:
        """Give an agent a random 6-digit PIN and return it (shown once; only its hash is kept)."""
        row = self.agent(number)
        while True:
            pin = f"{secrets.randbelow(10**6):06d}"
            if len(set(pin)) > 1 and pin != row.number:
                break
        self.set_pin(number, pin)
        return pin

    def check_login(self, number: str, pin: str) -> Agent:
        """Return the agent whose number and PIN these are; raise LoginRefused (same for every failure)."""
        row = Agent.get_or_none(Agent.number == number)
        if row is None:
            pin_matches(_DUMMY_PIN_HASH, pin)  # as long as a wrong PIN takes
            raise LoginRefused(number)
        if not row.check_pin(pin) or not row.enabled:
            raise LoginRefused(number)
        return row

    def delete_agent(self, number: str) -> None:
        """Delete an agent with its skills and memberships (nothing else names an agent)."""
        with database.atomic():
            self.agent(number).delete_instance()
        self._reload()

    # --- skills --------------------------------------------------------------------------------

    def skills(self) -> list[Skill]:
        return list(Skill.select().order_by(Skill.name))

    def skill(self, skill_id: int) -> Skill:
        row = Skill.get_or_none(Skill.id == skill_id)
        if row is None:
            raise SkillNotFound(f"skill {skill_id} does not exist")
        return row

    def save_skill(self, data: SkillInput, skill_id: int | None = None) -> Skill:
        with database.atomic():
            row = self.skill(skill_id) if skill_id is not None else None
            validate_skill(data, row)
            row = row or Skill()
            row.name, row.description = data.name.strip(), data.description.strip()
            row.save()
        self._reload()
        return row

    def delete_skill(self, skill_id: int) -> None:
        """Delete a skill and the agents' levels in it; refused (CallCenterInUse) while a queue requires it."""
        with database.atomic():
            row = self.skill(skill_id)
            check_skill_unused(row)
            row.delete_instance()
        self._reload()

    # --- pause codes ---------------------------------------------------------------------------

    def pause_codes(self) -> list[PauseCode]:
        return list(PauseCode.select().order_by(PauseCode.code))

    def pause_code(self, code_id: int) -> PauseCode:
        row = PauseCode.get_or_none(PauseCode.id == code_id)
        if row is None:
            raise PauseCodeNotFound(f"pause code {code_id} does not exist")
        return row

    def save_pause_code(self, data: PauseCodeInput, code_id: int | None = None) -> PauseCode:
        with database.atomic():
            row = self.pause_code(code_id) if code_id is not None else None
            validate_pause_code(data, row)
            row = row or PauseCode()
            row.code, row.label_zh, row.label_en = (
                data.code.strip(),
                data.label_zh.strip(),
                data.label_en.strip(),
            )
            row.productive = bool(parse_bool(data.productive))
            row.save()
        self._reload()
        return row

    def delete_pause_code(self, code_id: int) -> None:
        """Delete a pause code; agents paused with it stay paused until they resume."""
        with database.atomic():
            self.pause_code(code_id).delete_instance()
        self._reload()


__all__ = [
    "AgentInput",
    "AgentSkillInput",
    "CallCenterService",
    "MembershipInput",
    "PauseCodeInput",
    "QueueInput",
    "QueueMemberInput",
    "SkillInput",
    "SkillRequirement",
    "agent_config",
    "agent_configs",
    "crm_link",
    "dynamic_member",
    "pause_codes",
    "queue_config",
    "queue_configs",
    "validate_queue",
]

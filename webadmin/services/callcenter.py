"""Call-center changes for the web admin: the domain services, what changed (for the audit log),
and whether pbx-core took the change.

Forms carry one value per setting and one row per agent / skill; this module turns rows into the
domain inputs and back, so the routes hold no SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telephony.callcenter import builder
from telephony.callcenter.customers import CustomerInput, CustomerService, ImportResult
from telephony.callcenter.service import CallCenterService
from telephony.callcenter.settings import QUEUE_SETTINGS, display
from telephony.control.client import ControlClient
from telephony.models import Agent, AgentSkill, Customer, PauseCode, Queue, QueueMember, QueueSkill, Skill
from webadmin.services.paging import Page, paginate


@dataclass(frozen=True)
class Change:
    """A saved change; `applied` is False when pbx-core could not be told to reload."""

    applied: bool
    detail: str = ""


def diff(before: dict[str, str], after: dict[str, str]) -> str:
    """Describe what changed between two snapshots: "name 'A'->'B', wrap_up 0->15"."""
    changes = [f"{k} {before.get(k, '')!r}->{v!r}" for k, v in after.items() if before.get(k) != v]
    return ", ".join(changes) or "no change"


def listing(snapshot: dict[str, str]) -> str:
    return " ".join(f"{k}={v!r}" for k, v in snapshot.items() if v not in ("", "0", "no"))


def queue_snapshot(queue: Queue) -> dict[str, str]:
    """Every value of a queue as text, members and required skills included."""
    snap = {"number": queue.number, "name": queue.name}
    snap.update({s.key: display(s, getattr(queue, s.key)) or "no" for s in QUEUE_SETTINGS})
    members = CallCenterService().members(queue)
    snap["members"] = ";".join(
        f"{m.agent.number}:{m.kind}:{m.penalty}:{m.position}:{m.weight:g}" for m in members
    )
    requirements = CallCenterService().requirements(queue)
    snap["skills"] = ";".join(f"{r.skill.name}>={r.min_level}" for r in requirements)
    return snap


def agent_snapshot(agent: Agent) -> dict[str, str]:
    service = CallCenterService()
    return {
        "number": agent.number,
        "name": agent.name,
        "default_extension": agent.default_extension or "",
        "enabled": "yes" if agent.enabled else "no",
        "skills": ";".join(f"{s.skill.name}:{s.level}" for s in service.agent_skills(agent)),
        "queues": ";".join(f"{m.queue.number}:{m.kind}:{m.penalty}" for m in service.memberships(agent)),
    }


class _Reporting(CallCenterService):
    """The domain service, remembering whether its reload reached pbx-core (one per request)."""

    reloaded: bool = False

    def _reload(self) -> bool:
        self.reloaded = super()._reload()
        return self.reloaded


class CallCenterAdmin:
    """Queues, agents, skills and pause codes on behalf of one request."""

    def __init__(self, control: ControlClient | None) -> None:
        self.service = _Reporting(control)

    def _change(self, before: dict[str, str] | None, after: dict[str, str]) -> Change:
        detail = listing(after) if before is None else diff(before, after)
        return Change(self.service.reloaded, detail)

    # --- queues --------------------------------------------------------------------------------

    def queue_rows(self) -> list[tuple[Queue, int, int]]:
        """Return (queue, static members, dynamic members) of every queue."""
        counts: dict[tuple[int, str], int] = {}
        for m in QueueMember.select(QueueMember.queue, QueueMember.kind):
            counts[(m.queue_id, m.kind)] = counts.get((m.queue_id, m.kind), 0) + 1
        return [
            (q, counts.get((q.id, "static"), 0), counts.get((q.id, "dynamic"), 0))
            for q in self.service.queues()
        ]

    def queue_form(self, queue: Queue | None) -> dict[str, Any]:
        """Return the form values of a queue (None: a new queue's defaults)."""
        values: dict[str, Any] = {
            "number": queue.number if queue else "",
            "name": queue.name if queue else "",
        }
        for s in QUEUE_SETTINGS:
            values[s.key] = display(s, getattr(queue, s.key) if queue else s.default)
        values["members"] = {}
        values["skills"] = {}
        if queue is not None:
            for m in self.service.members(queue):
                values["members"][m.agent.number] = {
                    "kind": m.kind,
                    "penalty": str(m.penalty),
                    "position": str(m.position),
                    "weight": f"{m.weight:g}",
                }
            values["skills"] = {r.skill.name: str(r.min_level) for r in self.service.requirements(queue)}
        return values

    def unqualified(self, queue: Queue | None) -> set[str]:
        """Return the numbers of members the queue's required skills leave out."""
        if queue is None:
            return set()
        required = builder.required_skills(queue)
        return {
            m.agent.number
            for m in self.service.members(queue)
            if builder.member_skill(required, builder.agent_levels(m.agent)) is None
        }

    def create_queue(self, data: Any) -> Change:
        queue = self.service.create_queue(data)
        return self._change(None, queue_snapshot(queue))

    def update_queue(self, number: str, data: Any) -> Change:
        before = queue_snapshot(self.service.queue(number))
        queue = self.service.update_queue(number, data)
        return self._change(before, queue_snapshot(queue))

    def delete_queue(self, number: str) -> Change:
        """Delete; raises CallCenterInUse, changing nothing, while a route or queue names it."""
        self.service.delete_queue(number)
        return Change(self.service.reloaded)

    # --- agents --------------------------------------------------------------------------------

    def agent_rows(self) -> list[tuple[Agent, list[str], list[str]]]:
        """Return (agent, skills as "name level", queue numbers) of every agent."""
        skills: dict[int, list[str]] = {}
        for s in AgentSkill.select(AgentSkill, Skill).join(Skill).order_by(Skill.name):
            skills.setdefault(s.agent_id, []).append(f"{s.skill.name} {s.level}")
        queues: dict[int, list[str]] = {}
        for m in QueueMember.select(QueueMember, Queue).join(Queue).order_by(Queue.number):
            queues.setdefault(m.agent_id, []).append(m.queue.number)
        return [(a, skills.get(a.id, []), queues.get(a.id, [])) for a in self.service.agents()]

    def agent_form(self, agent: Agent | None) -> dict[str, Any]:
        values: dict[str, Any] = {
            "number": agent.number if agent else "",
            "name": agent.name if agent else "",
            "default_extension": (agent.default_extension or "") if agent else "",
            "enabled": agent.enabled if agent else True,
            "skills": {},
            "memberships": {},
        }
        if agent is not None:
            values["skills"] = {s.skill.name: str(s.level) for s in self.service.agent_skills(agent)}
            values["memberships"] = {
                m.queue.number: {"kind": m.kind, "penalty": str(m.penalty)}
                for m in self.service.memberships(agent)
            }
        return values

    def create_agent(self, data: Any) -> Change:
        agent = self.service.create_agent(data)
        return self._change(None, agent_snapshot(agent))

    def update_agent(self, number: str, data: Any) -> Change:
        before = agent_snapshot(self.service.agent(number))
        agent = self.service.update_agent(number, data)
        change = self._change(before, agent_snapshot(agent))
        if data.pin:
            return Change(change.applied, (change.detail + ", PIN changed").removeprefix("no change, "))
        return change

    def delete_agent(self, number: str) -> Change:
        self.service.delete_agent(number)
        return Change(self.service.reloaded)

    # --- skills and pause codes ----------------------------------------------------------------

    def skill_rows(self) -> list[tuple[Skill, int, list[str]]]:
        """Return (skill, agents with it, numbers of queues requiring it)."""
        agents: dict[int, int] = {}
        for s in AgentSkill.select(AgentSkill.skill):
            agents[s.skill_id] = agents.get(s.skill_id, 0) + 1
        queues: dict[int, list[str]] = {}
        for r in QueueSkill.select(QueueSkill, Queue).join(Queue).order_by(Queue.number):
            queues.setdefault(r.skill_id, []).append(r.queue.number)
        return [(s, agents.get(s.id, 0), queues.get(s.id, [])) for s in self.service.skills()]

    def save_skill(self, data: Any, skill_id: int | None) -> Change:
        before = None
        if skill_id is not None:
            old = self.service.skill(skill_id)
            before = {"name": old.name, "description": old.description}
        row = self.service.save_skill(data, skill_id)
        return self._change(before, {"name": row.name, "description": row.description})

    def save_pause_code(self, data: Any, code_id: int | None) -> Change:
        before = None if code_id is None else pause_snapshot(self.service.pause_code(code_id))
        row = self.service.save_pause_code(data, code_id)
        return self._change(before, pause_snapshot(row))


def pause_snapshot(row: PauseCode) -> dict[str, str]:
    return {
        "code": row.code,
        "label_zh": row.label_zh,
        "label_en": row.label_en,
        "productive": "yes" if row.productive else "no",
    }


def customer_snapshot(row: Customer) -> dict[str, str]:
    return {
        "name": row.name,
        "phone": ";".join(row.number_list()),
        "company": row.company,
        "priority": str(row.priority),
        "tags": row.tags,
        "notes": row.notes,
    }


class CustomerAdmin:
    """Customers on behalf of one request: search pages, edits, CSV."""

    def __init__(self) -> None:
        self.service = CustomerService()

    def page(self, query: str, number: int) -> Page:
        return paginate(self.service.search(query), number)

    def form(self, row: Customer | None) -> dict[str, str]:
        if row is None:
            return {"name": "", "phone": "", "company": "", "priority": "0", "tags": "", "notes": ""}
        snap = customer_snapshot(row)
        snap["phone"] = ", ".join(row.number_list())
        return snap

    def create(self, data: CustomerInput) -> tuple[Customer, Change]:
        row = self.service.create(data)
        return row, Change(True, listing(customer_snapshot(row)))

    def update(self, customer_id: int, data: CustomerInput) -> tuple[Customer, Change]:
        before = customer_snapshot(self.service.get(customer_id))
        row = self.service.update(customer_id, data)
        return row, Change(True, diff(before, customer_snapshot(row)))

    def import_csv(self, data: bytes) -> ImportResult:
        return self.service.import_csv(data)

    def export_csv(self) -> tuple[bytes, int]:
        return self.service.export_csv(), Customer.select().count()

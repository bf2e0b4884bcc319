"""Turn the call-center rows into the ACD engine's settings: what pbx-core feeds AcdEngine.

Ids: the engine's queue_id is the queue's dialable number and its agent_id the agent's login
number, the same strings the event log (AcdEvent.queue / .agent) and CTI events carry.

Members: QueueConfig.members holds the static members whose agent is enabled and qualified, in
hunt order (position, then agent number). Dynamic rows are the queues an agent may join at will;
`dynamic_member` gives the MemberSpec for AgentJoinQueue, or None when the agent may not join.

Skills: an agent qualifies for a queue when, for every skill the queue requires, the agent's
level is at least the queue's min_level. Its member skill (MemberSpec.skill, what skills-based
ranks and skill_widen steps compare) is its lowest level among the required skills, 1..10; a queue
that requires no skill counts every member as 10, so widening steps never lock its members out.

Callers: the engine's per-queue VIP list is left empty; the core gives CallerArrived the caller's
priority from the customer table (telephony.callcenter.customers.caller_priority).
"""

from __future__ import annotations

import urllib.parse

from telephony.acd.config import AgentConfig, Destination, MemberSpec, QueueConfig
from telephony.callcenter.errors import QueueNotFound
from telephony.callcenter.settings import parse_widen
from telephony.models import Agent, AgentSkill, PauseCode, Queue, QueueMember, QueueSkill

FULL_SKILL = 10


def required_skills(queue: Queue) -> dict[int, int]:
    """Return {skill id: min level} the queue requires."""
    return {r.skill_id: r.min_level for r in QueueSkill.select().where(QueueSkill.queue == queue.id)}


def agent_levels(agent: Agent) -> dict[int, int]:
    """Return {skill id: level} of an agent."""
    return {r.skill_id: r.level for r in AgentSkill.select().where(AgentSkill.agent == agent.id)}


def member_skill(required: dict[int, int], levels: dict[int, int]) -> int | None:
    """Return the member skill (1..10) for a queue's requirements, or None if not qualified."""
    if not required:
        return FULL_SKILL
    if any(levels.get(skill, 0) < minimum for skill, minimum in required.items()):
        return None
    return min(levels[skill] for skill in required)


def _destination(kind: str, target: str) -> Destination:
    return Destination(kind, "" if kind == "hangup" else target)


def _spec(member: QueueMember, skill: int) -> MemberSpec:
    return MemberSpec(member.agent.number, penalty=member.penalty, skill=skill, weight=member.weight)


def queue_config(queue: Queue) -> QueueConfig:
    """Return the engine's QueueConfig for a queue row (raises InvalidConfig if a row is corrupt)."""
    required = required_skills(queue)
    rows = (
        QueueMember.select(QueueMember, Agent)
        .join(Agent)
        .where((QueueMember.queue == queue.id) & (QueueMember.kind == "static") & Agent.enabled)
        .order_by(QueueMember.position, Agent.number)
    )
    members = []
    for row in rows:
        skill = member_skill(required, agent_levels(row.agent))
        if skill is not None:
            members.append(_spec(row, skill))
    return QueueConfig(
        queue_id=queue.number,
        strategy=queue.strategy,
        members=tuple(members),
        weight=queue.weight,
        max_callers=queue.max_callers,
        max_wait=queue.max_wait,
        timeout_destination=_destination(queue.timeout_kind, queue.timeout_target),
        full_destination=_destination(queue.full_kind, queue.full_target),
        no_agents_destination=_destination(queue.no_agents_kind, queue.no_agents_target),
        join_empty=queue.join_empty,
        leave_when_empty=queue.leave_when_empty,
        wrap_up=queue.wrap_up,
        ring_timeout=queue.ring_timeout,
        retry_delay=queue.retry_delay,
        backoff_rejected=queue.backoff_rejected,
        backoff_busy=queue.backoff_busy,
        backoff_no_answer=queue.backoff_no_answer,
        periodic_announce_interval=queue.periodic_announce_interval,
        position_announce_interval=queue.position_announce_interval,
        auto_pause_after=queue.auto_pause_after,
        stats_window=queue.stats_window,
        aht_samples=queue.aht_samples,
        progressive_step=queue.progressive_step,
        skill_widen=parse_widen(queue.skill_widen) or ((0.0, 1),),
        affinity_days=queue.affinity_days,
        affinity_wait=queue.affinity_wait,
        rejoin_window=queue.rejoin_window,
        callback_attempts=queue.callback_attempts if queue.callback_enabled else 0,
        callback_retry_delay=queue.callback_retry_delay,
        callback_lead=queue.callback_lead,
    )


def agent_config(agent: Agent) -> AgentConfig:
    """Return the engine's AgentConfig for an agent row."""
    return AgentConfig(agent_id=agent.number, number=agent.number, name=agent.name)


def queue_configs() -> list[QueueConfig]:
    """Return the QueueConfig of every queue, by number."""
    return [queue_config(q) for q in Queue.select().order_by(Queue.number)]


def agent_configs() -> list[AgentConfig]:
    """Return the AgentConfig of every enabled agent, by number."""
    return [agent_config(a) for a in Agent.select().where(Agent.enabled).order_by(Agent.number)]


def pause_codes() -> tuple[str, ...]:
    """Return every pause code, for AcdEngine(pause_codes=...)."""
    return tuple(p.code for p in PauseCode.select().order_by(PauseCode.code))


def dynamic_member(queue_number: str, agent_number: str) -> MemberSpec | None:
    """Return the MemberSpec an agent joins `queue_number` with, or None if it may not join it.

    It may when it is enabled, has a dynamic membership of that queue and meets its skills.
    """
    queue = Queue.get_or_none(Queue.number == queue_number)
    if queue is None:
        raise QueueNotFound(f"queue {queue_number} does not exist")
    row = (
        QueueMember.select(QueueMember, Agent)
        .join(Agent)
        .where(
            (QueueMember.queue == queue.id)
            & (Agent.number == agent_number)
            & (QueueMember.kind == "dynamic")
            & Agent.enabled
        )
        .first()
    )
    if row is None:
        return None
    skill = member_skill(required_skills(queue), agent_levels(row.agent))
    return None if skill is None else _spec(row, skill)


def crm_link(queue: Queue, *, caller: str, digits: str = "", call_id: str = "") -> str:
    """Return the queue's CRM URL with {caller} {queue} {digits} {callid} filled in ('' if none).

    Values are percent-encoded, so a caller ID cannot add query parameters or change the path.
    """
    if not queue.crm_url:
        return ""
    values = {"caller": caller, "queue": queue.number, "digits": digits, "callid": call_id}
    return queue.crm_url.format(**{k: urllib.parse.quote(v, safe="") for k, v in values.items()})


def whisper_for(queue: Queue, *, caller: str, name: str = "") -> str:
    """Return the text whispered to the agent before connect: {queue} {caller} {name} filled in."""
    return queue.whisper_text.format(queue=queue.name or queue.number, caller=caller, name=name)

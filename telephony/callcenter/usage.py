"""Who refers to a queue, a skill or a dialable number: the checks behind refused deletes.

Inbound routes name their destination by number (a queue is reached by its number, or written
`queue:<number>`), and queues name their overflow targets by queue or extension number, so a queue
or an extension they name must not vanish unseen. Memberships and agent skills belong to their
agent or queue and go with it (foreign keys cascade); they are not "uses".

`number_users` and `queue_number_taken` are for the extension and port services: an extension a
queue overflows to, or an agent's default phone, is in use; a number a queue has is taken.
"""

from __future__ import annotations

from telephony.callcenter.errors import CallCenterInUse
from telephony.messages import Phrase
from telephony.models import Agent, InboundRoute, Queue, QueueSkill, Skill
from telephony.routing.usage import route_label

# Overflow columns of a queue, as (kind column, target column).
OVERFLOWS = (
    ("timeout_kind", "timeout_target"),
    ("full_kind", "full_target"),
    ("no_agents_kind", "no_agents_target"),
)


def queue_label(queue: Queue) -> str:
    return f"{queue.number} {queue.name}".strip()


def queue_destinations(number: str) -> tuple[str, ...]:
    """Return the ways an inbound route may name the queue `number`."""
    return (number, f"queue:{number}")


def overflowing_to(kinds: tuple[str, ...], target: str, exclude: int | None = None) -> list[Queue]:
    """Return the queues (by number) with an overflow of one of `kinds` to `target`."""
    query = Queue.select().order_by(Queue.number)
    if exclude is not None:
        query = query.where(Queue.id != exclude)
    out = []
    for queue in query:
        if any(getattr(queue, k) in kinds and getattr(queue, t) == target for k, t in OVERFLOWS):
            out.append(queue)
    return out


def queue_users(queue: Queue, number: str | None = None) -> list[Phrase]:
    """Return what refers to `queue` by `number` (default its own): inbound routes, other queues."""
    number = number or queue.number
    routes = (
        InboundRoute.select()
        .where(InboundRoute.destination.in_(queue_destinations(number)))
        .order_by(InboundRoute.priority, InboundRoute.id)
    )
    users = [Phrase("inuse.inbound_route", route_label(r)) for r in routes]
    users += [
        Phrase("inuse.queue_overflow", queue_label(q)) for q in overflowing_to(("queue",), number, queue.id)
    ]
    return users


def check_queue_unused(queue: Queue) -> None:
    """Raise CallCenterInUse naming every user of `queue`."""
    users = queue_users(queue)
    if users:
        raise CallCenterInUse(Phrase("inuse.queue", queue_label(queue)), users)


def skill_users(skill: Skill) -> list[Phrase]:
    """Return the queues that require `skill`."""
    rows = (
        QueueSkill.select(QueueSkill, Queue)
        .join(Queue)
        .where(QueueSkill.skill == skill.id)
        .order_by(Queue.number)
    )
    return [Phrase("inuse.queue", queue_label(r.queue)) for r in rows]


def check_skill_unused(skill: Skill) -> None:
    users = skill_users(skill)
    if users:
        raise CallCenterInUse(Phrase("inuse.skill", skill.name), users)


def number_users(number: str) -> list[Phrase]:
    """Return the call-center rows that use the extension or FXS port `number`.

    Queues overflowing to it (as an extension or its voicemail) and agents whose phone it is.
    """
    users = [
        Phrase("inuse.queue_overflow", queue_label(q))
        for q in overflowing_to(("extension", "voicemail"), number)
    ]
    agents = Agent.select().where(Agent.default_extension == number).order_by(Agent.number)
    return users + [Phrase("inuse.agent", f"{a.number} {a.name}".strip()) for a in agents]


def queue_number_taken(number: str) -> bool:
    """Return whether a queue, room, group or the park lot is dialed as `number` (no phone may take it)."""
    from telephony import numbering

    return numbering.owner(number, kinds=numbering.SERVICES) is not None

"""The box's one numbering plan: which thing a dialed number belongs to.

Extensions, analog (FXS) ports, queues, IVR flows, conference rooms, ring groups, paging groups
and the call-park lot with its slots all share one space of numbers. Every validator asks
`owner(number, ignore=...)` before it lets something take a number, so no two of them can be
dialed the same way; routing forms ask `exists(number)` before they send calls to a number.
"""

from __future__ import annotations

import dataclasses

import peewee

from telephony.messages import Phrase

KINDS = ("extension", "port", "queue", "ivr", "room", "ring_group", "paging", "park")
SERVICES = ("queue", "ivr", "room", "ring_group", "paging", "park")  # numbers no phone may take
TAKEN_KEYS = {
    "extension": "extension.number.taken",
    "port": "extension.number.port",
    "queue": "cc.number.queue",
    "ivr": "ivr.number.taken",
    "room": "conference.number.taken",
    "ring_group": "numbering.taken.ring_group",
    "paging": "numbering.taken.paging",
    "park": "numbering.taken.park",
}


@dataclasses.dataclass(frozen=True)
class Owner:
    """What a number reaches: `kind` (one of KINDS) and the row's id (None for the park lot)."""

    kind: str
    id: int | str | None  # a port's id is its name (fxs1)
    number: str

    def phrase(self) -> Phrase:
        """The owner for a message, in the reader's language ("conference room 8001")."""
        return Phrase(f"numbering.{self.kind}", self.number)

    @property
    def taken_key(self) -> str:
        """The message key (argument `number`) refusing another thing this number."""
        return TAKEN_KEYS[self.kind]


def _rows(number: str):
    """(kind, model, id field) for each table that owns numbers; imported late (models import this)."""
    from telephony.models import (
        ConferenceRoom,
        Extension,
        IvrFlow,
        PagingGroup,
        PortSetting,
        Queue,
        RingGroup,
    )

    return (
        ("extension", Extension.select(Extension.id).where(Extension.number == number)),
        ("port", PortSetting.select(PortSetting.port).where(PortSetting.number == number)),
        ("queue", Queue.select(Queue.id).where(Queue.number == number)),
        ("ivr", IvrFlow.select(IvrFlow.id).where(IvrFlow.number == number)),
        ("room", ConferenceRoom.select(ConferenceRoom.id).where(ConferenceRoom.number == number)),
        ("ring_group", RingGroup.select(RingGroup.id).where(RingGroup.number == number)),
        ("paging", PagingGroup.select(PagingGroup.id).where(PagingGroup.number == number)),
    )


def owners(number: str) -> list[Owner]:
    """Everything dialed as `number` (normally one thing; more only in a database edited by hand)."""
    if not number:
        return []
    found = [Owner(kind, row._pk, number) for kind, query in _rows(number) for row in query]
    from telephony.models import park_config

    if park_config().owns(number):
        found.append(Owner("park", None, number))
    return found


def owner(
    number: str, ignore: tuple[str, int | None] | None = None, kinds: tuple[str, ...] = KINDS
) -> Owner | None:
    """The first thing of `kinds` dialed as `number`, other than `ignore` (kind, id): the row being edited."""
    for found in owners(number):
        if found.kind not in kinds:
            continue
        if ignore is not None and (found.kind, found.id) == ignore:
            continue
        if ignore is not None and found.kind == ignore[0] == "park":
            continue
        return found
    return None


def extends(prefix: str) -> bool:
    """Whether a longer number starts with `prefix`: an analog phone dialing it must wait for more digits.

    An analog phone sends digits one by one; after "700" (the park lot) the caller may still be
    dialing 7000 (an IVR). Like Asterisk's "match more", the line then waits for the next digit or
    the inter-digit timeout (or `#`) before it routes.
    """
    if not prefix or not prefix.isdigit():
        return False
    from telephony.models import (
        ConferenceRoom,
        Extension,
        IvrFlow,
        PagingGroup,
        PortSetting,
        Queue,
        RingGroup,
        park_config,
    )

    for model in (Extension, PortSetting, Queue, IvrFlow, ConferenceRoom, RingGroup, PagingGroup):
        field = model.number
        longer = model.select().where(field.startswith(prefix) & (peewee.fn.LENGTH(field) > len(prefix)))
        if longer.exists():
            return True
    park = park_config()
    return any(n.startswith(prefix) and len(n) > len(prefix) for n in [park.lot, *park.slots()])


def exists(number: str) -> bool:
    """Whether a call sent to `number` reaches something on the box."""
    return bool(owners(number))

"""Read call detail records and their legs for the call list and the call page."""

from __future__ import annotations

import datetime as dt

import peewee

from telephony.errors import NotFound
from telephony.models import CallLeg, Cdr, utcnow
from webadmin.services.paging import Page, paginate


def page(number: int) -> Page:
    """Return one page of calls, newest first; each row carries `leg_count`."""
    query = (
        Cdr.select(Cdr, peewee.fn.COUNT(CallLeg.id).alias("leg_count"))
        .join(CallLeg, peewee.JOIN.LEFT_OUTER)
        .group_by(Cdr.id)
        .order_by(Cdr.start.desc(), Cdr.id.desc())
    )
    return paginate(query, number)


def get(cdr_id: int) -> tuple[Cdr, list[CallLeg]]:
    """Return one call and its legs in the order they started."""
    call = Cdr.get_or_none(Cdr.id == cdr_id)
    if call is None:
        raise NotFound(f"call {cdr_id} does not exist")
    legs = list(call.legs.order_by(CallLeg.start, CallLeg.id))
    return call, legs


def count_since(hours: int) -> int:
    return Cdr.select().where(Cdr.start >= utcnow() - dt.timedelta(hours=hours)).count()

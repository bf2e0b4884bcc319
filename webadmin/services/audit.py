"""Write and read the audit log of admin actions."""

from __future__ import annotations

import logging

from telephony.models import AuditLog
from webadmin.services.paging import Page, paginate

log = logging.getLogger(__name__)


def record(action: str, *, username: str, target: str = "", detail: str = "", remote_addr: str = "") -> None:
    """Append one audit row; text that came from a request is cut to the column sizes."""
    AuditLog.create(
        username=username[:64],
        action=action[:64],
        target=target[:128],
        detail=detail[:2000],
        remote_addr=remote_addr[:64],
    )
    log.info("audit: %s %s %s from %s", username[:64], action, target[:128], remote_addr)


def page(number: int) -> Page:
    """Return one page of the audit log, newest first."""
    query = AuditLog.select().order_by(AuditLog.time.desc(), AuditLog.id.desc())
    return paginate(query, number)

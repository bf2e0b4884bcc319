"""Recordings for the pages: search pages, and pbx-core's disk state and retention over the control API."""

from __future__ import annotations

import logging
from typing import Any

from telephony.control.client import ControlClient
from telephony.errors import ControlError
from telephony.recording import admin
from webadmin.services.paging import Page, paginate

log = logging.getLogger(__name__)

PAGE_SIZE = 25


def search_page(data: admin.SearchInput, number: int) -> Page:
    """One page of the recordings matching `data` (raises InvalidRecordingInput)."""
    return paginate(admin.search(data), number, PAGE_SIZE)


def disk_status(control: ControlClient | None) -> dict[str, Any] | None:
    """pbx-core's view of the recording disk (free space, reserve, low_space), or None when away."""
    if control is None:
        return None
    try:
        return control.get("/recording/status")
    except ControlError as exc:
        log.info("recording status not available: %s", exc)
        return None


def run_retention(control: ControlClient | None) -> dict[str, int]:
    """Ask pbx-core to apply the retention limits now; raise ControlError when it cannot."""
    if control is None:
        raise ControlError("no pbx-core configured")
    return control.post("/recording/retention", {})

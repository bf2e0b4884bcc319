"""Hot-desk: an extension logs in at any phone with `*11<extension>*<PIN>` and out with `*12`.

While logged in, the extension's calls ring that phone (dialplan.resolve follows the HotDesk row)
and calls from that phone carry the extension's number, name and permission class (a Router
screen rewrites the caller before anything else). The PIN is the extension's hot-desk PIN
(ExtensionFeatures); after MAX_FAILURES wrong tries from one phone within LOCKOUT that phone is
refused for LOCKOUT.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from telephony.calls.line import LineCall
from telephony.features import common
from telephony.models import database
from telephony.models.features import HotDesk

if TYPE_CHECKING:
    from telephony.features.service import FeatureService

log = logging.getLogger(__name__)

MAX_FAILURES = 5
LOCKOUT = 300.0


def extension_at(phone: str) -> str | None:
    row = HotDesk.get_or_none(HotDesk.phone == phone) if phone else None
    return row.extension if row is not None else None


def identity_screen(service: FeatureService, call: LineCall, digits: str, permission: str) -> bool:
    """Router screen: a call from a hot-desk phone goes on as the logged-in extension."""
    if getattr(call, "feature_identity", False):
        return False
    call.feature_identity = True  # type: ignore[attr-defined]
    extension = extension_at(call.caller)
    if extension is None:
        return False
    log.info("call %s: phone %s is hot-desk extension %s", call.uniqueid, call.caller, extension)
    call.caller = extension
    call.caller_name = common.name_of(extension)
    service.engine.router.route(call, digits, common.permission_of(extension))
    return True


class HotDeskCodes:
    """`*11<extension>*<PIN>` and `*12` from a phone."""

    def __init__(self) -> None:
        self.failures: dict[str, list[float]] = {}

    def login(self, phone: str, rest: str) -> tuple[str, str]:
        """Return (prompt key, extension)."""
        if not phone or not common.is_local_number(phone):
            return "no_extension", ""
        now = time.monotonic()
        recent = [t for t in self.failures.get(phone, []) if now - t < LOCKOUT]
        self.failures[phone] = recent
        if len(recent) >= MAX_FAILURES:
            log.warning("hot-desk login at %s refused: %d wrong tries", phone, len(recent))
            return "hotdesk_locked", ""
        extension, _, pin = rest.partition("*")
        row = common.features_of(extension)
        if row is None or not pin or not row.hotdesk_pin_ok(pin) or not common.is_local_number(extension):
            recent.append(now)
            log.warning("hot-desk login at %s failed (extension %r)", phone, extension)
            return "hotdesk_bad", ""
        with database.atomic():
            HotDesk.delete().where((HotDesk.extension == extension) | (HotDesk.phone == phone)).execute()
            if extension != phone:
                HotDesk.create(extension=extension, phone=phone)
        self.failures.pop(phone, None)
        log.info("hot-desk: extension %s logged in at phone %s", extension, phone)
        return "hotdesk_in", extension

    @staticmethod
    def logout(phone: str) -> tuple[str, str]:
        extension = extension_at(phone)
        if extension is None:
            return "hotdesk_none", ""
        HotDesk.delete().where(HotDesk.phone == phone).execute()
        log.info("hot-desk: extension %s logged out of phone %s", extension, phone)
        return "hotdesk_out", extension

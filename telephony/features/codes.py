"""Feature codes dialed from any phone (SIP or analog), a number service of the engine.

    *78 / *79            do-not-disturb on / off
    *72<number> / *73    forward always to <number> / cancel
    *74<number> / *75    forward when busy / cancel
    *52<number> / *53    forward when not answered / cancel
    *21 / *22            follow-me on / off (its numbers are set in the web admin)
    *0NN                 system speed dial NN
    *11<ext>*<PIN> / *12 hot-desk log in at this phone / log out

Settings codes answer, say what is set now (zh-CN or English) and hang up. From a hot-desk phone
they set the logged-in extension's features. A forward target the extension may not dial is
refused with a prompt saying so.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

from telephony.calls import dialplan
from telephony.calls.legs import CallLeg
from telephony.calls.line import LineCall
from telephony.features import common, hotdesk
from telephony.features.announce import Announcement
from telephony.models import utcnow
from telephony.models.features import SpeedDial

if TYPE_CHECKING:
    from telephony.features.service import FeatureService

log = logging.getLogger(__name__)

TOGGLES = {
    "*78": ("dnd", True, "dnd_on"),
    "*79": ("dnd", False, "dnd_off"),
    "*73": ("forward_always", "", "fwd_always_off"),
    "*75": ("forward_busy", "", "fwd_busy_off"),
    "*53": ("forward_no_answer", "", "fwd_no_answer_off"),
    "*21": ("followme_enabled", True, "followme_on"),
    "*22": ("followme_enabled", False, "followme_off"),
}
FORWARDS = {"*72": ("forward_always", "fwd_always_on"), "*74": ("forward_busy", "fwd_busy_on"),
            "*52": ("forward_no_answer", "fwd_no_answer_on")}  # fmt: skip
MIN_FORWARD = 5  # *72 plus at least two digits: *7xx (3 characters after *) stays someone else's
SPEED_RE = re.compile(r"^\*0(\d\d)$")
LOGIN = "*11"
LOGOUT = "*12"


class FeatureCodes:
    """The codes above as one number service (owns/complete/enter)."""

    def __init__(self, service: FeatureService) -> None:
        self.service = service
        self.hotdesk = hotdesk.HotDeskCodes()

    def owns(self, number: str) -> bool:
        if number in TOGGLES or number == LOGOUT or SPEED_RE.match(number):
            return True
        if number[:3] in FORWARDS:
            return len(number) >= MIN_FORWARD and number[3:].isdigit()
        return number.startswith(LOGIN) and len(number) > len(LOGIN)

    def complete(self, number: str) -> bool:
        if number in TOGGLES or number == LOGOUT or SPEED_RE.match(number):
            return True
        if number[:3] in FORWARDS:
            return dialplan.exact_match(number[3:])
        return False  # a PIN has no fixed length: an analog phone ends it with # or the timeout

    def enter(self, leg: CallLeg, caller: str, caller_name: str, number: str) -> None:
        speed = SPEED_RE.match(number)
        if speed:
            self.speed_dial(leg, caller, caller_name, speed.group(1))
            return
        key, args = self.run(caller, number)
        log.info("feature code %s from %s: %s", number[:3], caller, key)
        Announcement(self.service, leg, caller, caller_name, number).say(common.say(key, **args))

    def run(self, phone: str, number: str) -> tuple[str, dict[str, str]]:
        """Carry out a settings code for `phone`; return the prompt key and its arguments."""
        if number.startswith(LOGIN):
            key, extension = self.hotdesk.login(phone, number[len(LOGIN) :])
            return key, {"number": extension}
        if number == LOGOUT:
            key, extension = self.hotdesk.logout(phone)
            return key, {"number": extension}
        owner = hotdesk.extension_at(phone) or phone
        if not common.is_local_number(owner):
            return "no_extension", {}
        row = common.features_for_update(owner)
        if number in TOGGLES:
            field, value, key = TOGGLES[number]
            if field == "followme_enabled" and value and not row.followme_list():
                return "followme_none", {}
        else:
            field, key = FORWARDS[number[:3]]
            value = number[3:]
            if value == owner:
                return "fwd_self", {}
            if dialplan.resolve(value, common.permission_of(owner)).kind in ("none", "denied"):
                return "fwd_denied", {"number": value}
        setattr(row, field, value)
        row.updated = utcnow()
        row.save()
        log.info("extension %s: %s = %r (from phone %s)", owner, field, value, phone)
        return key, {"number": str(value)}

    def speed_dial(self, leg: CallLeg, caller: str, caller_name: str, code: str) -> None:
        """`*0NN`: dial the speed dial's number with the caller's own permission class."""
        row = SpeedDial.get_or_none(SpeedDial.code == code)
        if row is None:
            Announcement(self.service, leg, caller, caller_name, f"*0{code}").say(common.say("speed_none"))
            return
        owner = hotdesk.extension_at(caller)
        if owner is not None:  # a hot-desk phone dials as its extension
            caller, caller_name = owner, common.name_of(owner)
        call = LineCall(self.service.engine, leg, caller, caller_name, row.number)
        log.info("call %s: %s speed dial %s -> %s", call.uniqueid, caller, code, row.number)
        self.service.engine.router.route(call, row.number, common.permission_of(caller))

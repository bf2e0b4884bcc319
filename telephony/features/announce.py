"""A one-leg call that answers, says one prompt and hangs up (feature-code confirmations, a blocked
caller's message); the call itself is telephony.calls.announce."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telephony.calls.announce import OnePromptCall
from telephony.calls.legs import CallLeg
from telephony.features import common

if TYPE_CHECKING:
    from telephony.features.service import FeatureService


class Announcement(OnePromptCall):
    """Answer leg A, say `text` in the box's prompt language, hang up; waits up to 5 s for media."""

    def __init__(self, service: FeatureService, leg: CallLeg, caller: str, caller_name: str, number: str):
        super().__init__(service.engine, leg, caller, caller_name, number, service.prompts, common.language)
        self.service = service

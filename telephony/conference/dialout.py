"""Dial-out: the box rings a number and puts it in a room once it answers.

DialOutCall is a ConferenceCall whose leg A is an outbound SIP dialog (sent through the SIP
edge, which routes extensions and trunks alike). It rings until answered, refused or the
box's no-answer timeout; once answered and its media is up it joins the room without a PIN.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from telephony.calls.legs import NORMAL, CallLeg, SipLeg
from telephony.conference.call import ConferenceCall
from telephony.models import utcnow
from telephony.voicemail.calls import MEDIA_RETRIES

if TYPE_CHECKING:
    from telephony.conference.service import ConferenceService

log = logging.getLogger(__name__)


class DialOutCall(ConferenceCall):
    """Ring `number` on behalf of room `room_number`; join it to the room on answer."""

    def __init__(self, service: ConferenceService, number: str, room_number: str, room_name: str) -> None:
        engine = service.engine
        leg = SipLeg(engine, engine.new_leg(), number, inbound=False)
        super().__init__(service, leg, number, "", room_number)
        self.room_name = room_name
        self.role = "participant"  # invited: no PIN asked

    def invite(self) -> None:
        self._goto("ringing")
        try:
            self.a.ring(self.room_number, self.room_name, self.caller)
        except Exception as exc:  # a SIP error at once: the invitation fails, the room goes on
            log.info("room %s: cannot ring %s: %s", self.room_number, self.caller, exc)
            self.a.ended = True
            self.fail(NORMAL, "FAILED")
            return
        self.timer = self.engine.call_later(self.engine.no_answer_timeout, self._no_answer)

    def leg_answered(self, leg: CallLeg) -> None:
        if leg is not self.a or self.state != "ringing":
            return
        self._cancel_timer()
        self._goto("answered")
        self.answered_at = self.legs["caller"].answer = utcnow()
        self.status_code, self.disposition = 200, "ANSWERED"
        log.info("room %s: %s answered the invitation", self.room_number, self.caller)
        self._join_when_media(0)

    def _join_when_media(self, tries: int) -> None:
        self.play_timer = None
        if self.state != "answered" or self.joined:
            return
        if self.a.media() is None:
            if tries >= MEDIA_RETRIES:
                log.warning("room %s: %s answered without media", self.room_number, self.caller)
                self.hang_up()
                return
            self.play_timer = self.engine.call_later(0.2, lambda: self._join_when_media(tries + 1))
            return
        self._join()

    def _no_answer(self) -> None:
        self.timer = None
        if self.state == "ringing":
            log.info("room %s: %s did not answer", self.room_number, self.caller)
            self.disposition = "NO ANSWER"
            self.hang_up()

    def begin(self) -> None:
        return None  # nothing is said before joining

"""The calls a transfer makes and the helpers every kind of transfer shares.

TransferCall is the new call of the transferee Y with the target T (its CDR has a leg with role
`transferor`); Blind follows a blind transfer until T answers or fails. See telephony.calls.transfer.
"""

from __future__ import annotations

import logging
import re
import urllib.parse
from typing import TYPE_CHECKING, Any

import pjsua2 as pj

from telephony.calls.legs import CallLeg, SipLeg
from telephony.calls.line import LineCall
from telephony.cdr import LegRecord
from telephony.models import Extension, utcnow
from telephony.models.lines import PortSetting

if TYPE_CHECKING:
    from telephony.calls.transfer import TransferService
    from telephony.engine import Engine

log = logging.getLogger(__name__)

_URI_USER = re.compile(r"^<?\s*sips?:([^@;>?]+)@")


def parse_refer_to(value: str) -> tuple[str, str]:
    """Return (number, Replaces value or "") of a Refer-To header value."""
    value = value.strip()
    match = _URI_USER.match(value)
    number = urllib.parse.unquote(match.group(1)) if match else ""
    replaces = ""
    if "?" in value:
        query = value.split("?", 1)[1].rstrip(">").strip()
        for part in query.split("&"):
            key, _, val = part.partition("=")
            if key.lower() == "replaces":
                replaces = urllib.parse.unquote(val)
    return number, replaces


def number_of(call: Any, leg: CallLeg) -> str:
    """The number a party of a call is known by (caller's number, or the number dialed)."""
    if leg is call.a:
        return call.caller
    return call.callee if not isinstance(leg, SipLeg) else leg.peer


def permission_of(number: str, leg: CallLeg) -> str:
    """The outbound class a transferor dials with: its extension's or its analog port's."""
    row = Extension.select(Extension.permission).where(Extension.number == number).first()
    if row is not None:
        return row.permission
    setting = PortSetting.get_or_none(PortSetting.port == leg.peer)
    return setting.permission if setting is not None else "internal"


def send_refer_notify(leg: Any, code: int, reason: str, final: bool) -> None:
    """NOTIFY the transferor's phone of the transfer's progress (message/sipfrag, RFC 3515)."""
    prm = pj.CallSendRequestParam()
    prm.method = "NOTIFY"
    for name, value in (
        ("Event", "refer"),
        ("Subscription-State", "terminated;reason=noresource" if final else "active;expires=60"),
    ):
        header = pj.SipHeader()
        header.hName, header.hValue = name, value
        prm.txOption.headers.append(header)
    prm.txOption.contentType = "message/sipfrag"
    prm.txOption.msgBody = f"SIP/2.0 {code} {reason}\r\n"
    try:
        leg.sendRequest(prm)
    except pj.Error as exc:
        log.info("NOTIFY %d to the transferor not sent: %s", code, exc.info())


class TransferCall(LineCall):
    """The call a transfer makes: transferee Y (already talking) and target T."""

    def __init__(
        self, engine: Engine, y: CallLeg, caller: str, caller_name: str, callee: str, by: str
    ) -> None:
        super().__init__(engine, y, caller, caller_name, callee)
        if by:  # "" when the other party hung up during a consultation: no transfer, just a call
            self.legs["transferor"] = LegRecord("transferor", by, start=self.start, end=self.start)
        self.tone: pj.ToneGenerator | None = None
        self.job: Any = None  # the Blind transfer waiting for T, if any

    def adopt(self, t: CallLeg) -> None:
        """T is already ringing (pjsua's REFER dial, or a consultation still ringing)."""
        self.b = t
        self._attach(t, "callee")
        self.legs["callee"] = LegRecord("callee", t.peer, start=utcnow())
        self._goto("ringing")
        self.record_sip_id(t)
        self.timer = self.engine.call_later(self.engine.no_answer_timeout, self._no_answer)

    def joined(self, t: CallLeg) -> None:
        """T already talks (attended transfer): bridge at once."""
        self.adopt(t)
        self.leg_answered(t)

    def leg_alerting(self, leg: CallLeg) -> None:
        if leg is self.b and self.state == "ringing":
            self.ringback_on()
            if self.job is not None:
                self.job.alerting()

    def ringback_on(self) -> None:
        med = self.a.media()
        if med is not None and self.tone is None:
            self.tone = self.engine.tones.ringback()
            self.tone.startTransmit(med)

    def leg_answered(self, leg: CallLeg) -> None:
        if leg is not self.b or self.state != "ringing":
            return
        self._tone_off()
        self._cancel_timer()
        self.answered_at = utcnow()
        self.legs["callee"].answer = self.legs["caller"].answer = self.answered_at
        self.status_code, self.disposition = 200, "ANSWERED"
        self._goto("answered")
        self.bridge()
        self.engine.notify("call_answered", self)
        if self.job is not None:
            self.job.answered(self)

    def leg_ended(self, leg: CallLeg, cause: int) -> None:
        self._tone_off()
        if leg is self.b and self.state == "ringing":
            self._give_back(cause)
        super().leg_ended(leg, cause)

    def fail(self, cause: int, disposition: str = "") -> None:
        """The target could not even be rung: the transferee goes back if it can."""
        self._tone_off()
        self._give_back(cause)
        super().fail(cause, disposition)

    def _give_back(self, cause: int) -> None:
        if self.job is None:
            return
        y = self.a
        if self.job.failed(self, cause):  # Y went back to the transferor
            self.legs["caller"].end = utcnow()
            self.a = CallLeg(y.peer)
            self.a.role, self.a.ended = "caller", True

    def _tone_off(self) -> None:
        if self.tone is not None:
            self.engine.tones.release(self.tone)
            self.tone = None


class Blind:
    """A blind transfer waiting for the target: Y rings T; X stays until T answers.

    `tell`: if T fails while X is still there, X is told why before Y comes back (in-call codes
    and hook-flash; a REFERring phone learns it from pjsua's NOTIFY instead).
    """

    def __init__(
        self, service: TransferService, oc: LineCall, x: CallLeg, nc: TransferCall, tell: bool
    ) -> None:
        self.service, self.oc, self.x, self.nc = service, oc, x, nc
        self.tell = tell
        self.record = oc.legs.get("transfer")

    def alerting(self) -> None:
        """T rings (Y hears ringback already)."""

    def answered(self, nc: TransferCall) -> None:
        nc.job = None
        if self.record is not None:
            self.record.answer = self.record.end = utcnow()
            self.record.status_code = 200
        self.service.end_transferor(self.oc, self.x)

    def failed(self, nc: TransferCall, cause: int) -> bool:
        """T failed; True when Y went back to X (the new call then lets Y go)."""
        nc.job = None
        if self.record is not None:
            self.record.end = utcnow()
            self.record.status_code = cause
        y = nc.a
        if self.x.ended or self.oc.state == "ended" or y.ended:
            self.service.close_old(self.oc)
            return False
        log.info(
            "call %s: transfer to %s failed (%d): %s back to %s",
            nc.uniqueid,
            nc.callee,
            cause,
            y.peer,
            self.x.peer,
        )
        self.service.reattach(self.oc, y, self.x, nc.callee, cause if self.tell else 0)
        return True

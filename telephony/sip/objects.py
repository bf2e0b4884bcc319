"""pjsua2 Account and Call subclasses whose callbacks post events and do nothing else."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pjsua2 as pj

from telephony.events import Event, IncomingCall, LegDtmf, LegMedia, LegState, LegTransfer

Post = Callable[[Event], None]


class Leg(pj.Call):
    """One SIP dialog of pbx-core; `call` is the B2BUA call it belongs to (set by the engine)."""

    def __init__(self, account: pj.Account, post: Post, call_id: int = pj.PJSUA_INVALID_ID) -> None:
        super().__init__(account, call_id)
        self.post = post
        self.call: Any = None
        self.role = ""
        self.wrapper: Any = None  # the calls.legs.SipLeg when a LineCall owns this dialog
        self.pj_id = call_id
        self.account = account

    def onCallState(self, prm: pj.OnCallStateParam) -> None:  # noqa: N802 - pjsua2 API
        info = self.getInfo()
        self.post(LegState(self, info.state, info.lastStatusCode, info.lastReason))

    def onCallMediaState(self, prm: pj.OnCallMediaStateParam) -> None:  # noqa: N802 - pjsua2 API
        self.post(LegMedia(self))

    def onDtmfDigit(self, prm: pj.OnDtmfDigitParam) -> None:  # noqa: N802 - pjsua2 API
        self.post(LegDtmf(self, prm.digit, prm.method))

    def onCallTransferRequest(self, prm: pj.OnCallTransferRequestParam) -> None:  # noqa: N802 - pjsua2 API
        # pjsua answers the REFER 202 and dials the Refer-To URI itself as soon as this returns;
        # it must be given a Call object of its own (else it reuses this one). The engine decides
        # what that dialog becomes (telephony.calls.transfer).
        new_leg = Leg(self.account, self.post)
        prm.newCall = new_leg
        self.post(LegTransfer(self, prm.dstUri, new_leg))


class CoreAccount(pj.Account):
    """The core's one local account: no registration; receives every INVITE kamailio relays."""

    def __init__(self, post: Post) -> None:
        super().__init__()
        self.post = post

    def onIncomingCall(self, prm: pj.OnIncomingCallParam) -> None:  # noqa: N802 - pjsua2 API
        leg = Leg(self, self.post, prm.callId)
        self.post(IncomingCall(leg, prm.rdata.srcAddress, prm.rdata.wholeMsg))

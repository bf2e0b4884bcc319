"""Run one Q.931 call as a state machine, user side (U states) or network side (N states).

The states (hal.isdn.q931_states, where the table of U/N numbers is) have one method per event:
`on_<message>` for peer messages, `on_<x>_req` for local requests, `on_t3xx` for timers, `on_abort`.
Anything else raises InvalidTransition; the owner answers one on a peer message with STATUS cause 101
and keeps the call. `Call._dispatch` is the one place transitions happen and are logged. Upward
notifications go through `CallOwner.call_event` after the transition: setup, proceeding, alerting,
connect (far end answered), active (our answer acknowledged), disconnect (far end cleared or failed;
once), released (call gone). Timers: T303 (SETUP), T305 (DISCONNECT), T308 (RELEASE), T310 (CALL
PROCEEDING), T313 (CONNECT, user side), T309 (D-channel lost, active call held) and T322 (STATUS
ENQUIRY).

Data-link failure (Q.931 5.8.9): `link_lost()` clears a call that is not active at once (cause 41) and
holds an active one for T309; `link_restored()` stops T309 and checks the far end's state with STATUS
ENQUIRY (5.8.10); T309 expiry clears the call with cause 41. `drop()` is the local user clearing a call
while no message can be sent. A Display IE in the far end's SETUP or CONNECT is kept in `display` and
passed up as `display` with the setup / connect notification.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from typing import Any, Protocol

from hal.isdn import q931
from hal.isdn.q931 import IE, MT, Cause, Message
from hal.isdn.q931_states import (
    Active,
    CallState,
    ConnectRequest,
    Null,
    ReleaseRequest,
)
from hal.isdn.timers import Clock, Timers

log = logging.getLogger(__name__)


class CallOwner(Protocol):
    """What a call needs from its signalling layer."""

    def send_message(self, msg: Message) -> None: ...

    def call_event(self, call: Call, event: str, **data: Any) -> None: ...

    def accept_channel(self, call: Call, ie: q931.ChannelId) -> bool:
        """Take the channel the far end chose in its first answer; False if it is unusable."""
        ...


@dataclasses.dataclass(frozen=True)
class CallTimers:
    """Q.931 timer values in seconds (table 9-1/9-2)."""

    t303: float = 4.0
    t305: float = 30.0
    t308: float = 4.0
    t310: float = 30.0
    t313: float = 4.0
    # Q.931 5.8.9 names #27 for T309 expiry; this stack reports #41 (temporary failure) to its user, as
    # for every other call the link loss clears, so the core sees one cause for "the D-channel failed".
    t309: float = 6.0
    t316: float = 120.0  # RESTART (global call reference; hal.e1.pri runs it)
    t322: float = 4.0


class Call:
    """One call: its reference, channel, numbers, timers and current state."""

    def __init__(
        self,
        owner: CallOwner,
        call_ref: int,
        outgoing: bool,
        network: bool,
        *,
        clock: Clock = time.monotonic,
        config: CallTimers | None = None,
    ) -> None:
        self.owner, self.call_ref, self.outgoing, self.network = owner, call_ref, outgoing, network
        self.config = config or CallTimers()
        self.timers = Timers(clock)
        self.state: CallState = Null()
        self.channel: int | None = None
        self.exclusive = self.any_channel = False
        self.calling = self.called = ""
        self.display = ""  # the far end's Display IE (SETUP or CONNECT)
        self.display_out = ""  # our Display IE for SETUP / CONNECT (the network side sends it)
        self.cause: int | None = None
        self.clearing: str | None = None  # "local" or "remote": who cleared first
        self.channel_sent = False
        self.setup_attempts = self.release_attempts = self.enquiries = 0
        self._pending: list[tuple[str, dict[str, Any]]] = []

    def __repr__(self) -> str:
        return f"<Call {self.call_ref} {self.state_name} ch={self.channel}>"

    @property
    def state_name(self) -> str:
        return f"{'N' if self.network else 'U'}{self.state.number(self.network)}"

    @property
    def idle(self) -> bool:
        return isinstance(self.state, Null)

    # --- requests from the local user -----------------------------------------------------
    def setup(
        self, calling: str, called: str, channel: int | None, exclusive: bool, display: str = ""
    ) -> None:
        self.calling, self.called, self.channel, self.exclusive = calling, called, channel, exclusive
        self.display_out = display
        self._dispatch("setup_req")

    def proceeding(self) -> None:
        self._dispatch("proceeding_req")

    def alerting(self) -> None:
        self._dispatch("alerting_req")

    def connect(self, display: str = "") -> None:
        self.display_out = display
        self._dispatch("connect_req")

    def disconnect(self, cause: int = Cause.NORMAL_CLEARING) -> None:
        self._dispatch("disconnect_req", cause)

    def release(self, cause: int = Cause.NORMAL_CLEARING) -> None:
        self._dispatch("release_req", cause)

    def abort(self, cause: int) -> None:
        self._dispatch("abort", cause)

    def drop(self, cause: int) -> None:
        """The local user clears while no message can reach the far end: go to Null at once."""
        self._dispatch("drop", cause)

    # --- from the data link -----------------------------------------------------------------
    def link_lost(self) -> None:
        """The D-channel failed (DL-RELEASE indication, Q.931 5.8.9)."""
        self._dispatch("link_lost")

    def link_restored(self) -> None:
        """The D-channel is established again (DL-ESTABLISH confirmation or indication)."""
        self._dispatch("link_up")

    @property
    def held(self) -> bool:
        """True while the call is kept across a D-channel failure (T309 running)."""
        return self.timers.running("T309")

    # --- from the peer and the clock ------------------------------------------------------------
    def receive(self, msg: Message) -> None:
        """Handle a peer message; raises InvalidTransition when the state does not accept it."""
        if msg.mtype in (MT.SETUP, MT.CONNECT):
            display = msg.get(IE.DISPLAY)
            if display is not None:
                self.display = display.text
        self._dispatch(MT(msg.mtype).name.lower(), msg)

    def poll(self) -> None:
        for name in self.timers.expired():
            self._dispatch(name.lower())

    def _dispatch(self, event: str, *args: Any) -> None:
        old = self.state
        new = getattr(old, f"on_{event}")(self, *args)
        if type(new) is not type(old):
            old_name = self.state_name
            self.state = new
            log.info("Q.931 call %d: %s -> %s on %s", self.call_ref, old_name, self.state_name, event)
            if isinstance(new, Null):
                self.timers.stop_all()
                self.notify("released", cause=self.cause)
        while self._pending:
            name, data = self._pending.pop(0)
            self.owner.call_event(self, name, **data)

    # --- actions the states use -----------------------------------------------------------------
    def notify(self, event: str, **data: Any) -> None:
        self._pending.append((event, data))

    def far_end_cleared(self, cause: int) -> None:
        if self.clearing is None:
            self.clearing, self.cause = "remote", cause
            self.notify("disconnect", cause=cause)

    def cleared_locally(self, cause: int) -> None:
        if self.clearing is None:
            self.clearing, self.cause = "local", cause

    def send(
        self,
        mtype: int,
        *,
        cause: int | None = None,
        channel: bool = False,
        ies: dict[int, Any] | None = None,
    ) -> None:
        msg = Message(mtype, self.call_ref, flag=not self.outgoing)
        if cause is not None:
            msg.ies[IE.CAUSE] = q931.CauseIE(cause, location=2 if self.network else 0)
        if channel and not self.channel_sent and self.channel is not None:
            msg.ies[IE.CHANNEL_ID] = q931.ChannelId(self.channel, exclusive=True)
            self.channel_sent = True
        msg.ies.update(ies or {})
        self.owner.send_message(msg)

    def send_setup(self) -> None:
        self.setup_attempts += 1
        ies: dict[int, Any] = {IE.BEARER_CAPABILITY: q931.BearerCapability()}
        if self.channel is not None:
            ies[IE.CHANNEL_ID] = q931.ChannelId(self.channel, exclusive=self.exclusive)
        elif self.any_channel:
            ies[IE.CHANNEL_ID] = q931.ChannelId(any_channel=True)
        if self.calling:
            screening = 3 if self.network else 0  # network provided / user provided, not screened
            ies[IE.CALLING_NUMBER] = q931.PartyNumber(self.calling, presentation=0, screening=screening)
        ies[IE.CALLED_NUMBER] = q931.PartyNumber(self.called)
        if self.display_out:
            ies[IE.DISPLAY] = q931.Display(self.display_out)
        msg = Message(MT.SETUP, self.call_ref, flag=False, ies=ies, sending_complete=True)
        self.owner.send_message(msg)

    def send_status(self, cause: int) -> None:
        self.send(
            MT.STATUS, cause=cause, ies={IE.CALL_STATE: q931.CallState(self.state.number(self.network))}
        )

    def enquire(self) -> None:
        """Send STATUS ENQUIRY and time the answer with T322 (Q.931 5.8.10)."""
        self.enquiries += 1
        self.send(MT.STATUS_ENQUIRY)
        self.timers.start("T322", self.config.t322)

    def send_release(self) -> CallState:
        self.release_attempts += 1
        self.timers.stop_all()
        self.send(MT.RELEASE, cause=self.cause or Cause.NORMAL_CLEARING)
        self.timers.start("T308", self.config.t308)
        return ReleaseRequest()

    def first_response(self, msg: Message) -> bool:
        """Take the channel from the far end's first answer to our SETUP; clear if it is unusable."""
        ie = msg.get(IE.CHANNEL_ID)
        if ie is not None and ie.channel is not None and self.owner.accept_channel(self, ie):
            return True
        if ie is None and self.channel is not None:
            return True
        cause = Cause.MANDATORY_IE_MISSING if ie is None else 6  # 6: channel unacceptable
        log.warning(
            "call %d: far end's channel answer %s unusable, clearing with cause %d", self.call_ref, ie, cause
        )
        self.far_end_cleared(cause)
        self.send_release()
        return False

    def connected(self) -> CallState:
        self.send(MT.CONNECT_ACKNOWLEDGE)
        self.notify("connect", **({"display": self.display} if self.display else {}))
        return Active()

    def answer(self) -> CallState:
        ies = {IE.DISPLAY: q931.Display(self.display_out)} if self.display_out else None
        self.send(MT.CONNECT, channel=True, ies=ies)
        if self.network:
            self.notify("active")
            return Active()
        self.timers.start("T313", self.config.t313)
        return ConnectRequest()

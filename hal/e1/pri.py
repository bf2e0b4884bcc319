"""Run ISDN PRI signalling for a span: Q.921 on timeslot 16, Q.931 calls on top, user or network side.

Call references: each side allocates its own (15 bits); the flag bit tells whose a message refers to.
Towards the span a call is named by its *public* call reference: the value with 0x8000 set when the
far end allocated it (the call reference as it appears in the messages we send). So every call on the
span has a distinct int.

Channel selection: an outgoing call takes a free timeslot, hunting downwards on the user side and
upwards on the network side; the network side always sends an exclusive channel, the user side a
preferred one unless the caller named a channel. An incoming SETUP for a busy channel is refused with
cause 44 when exclusive; otherwise another free channel is offered in the first answer; with none free
the answer is RELEASE COMPLETE cause 34. Glare: when the network offers, exclusively, a channel our own
not yet answered SETUP holds, the network wins (Q.931 practice): our call moves to whatever channel the
network gives it in its first answer.

Malformed input never reaches the caller: a message with a bad header is logged and ignored; a
message type we do not know gets STATUS cause 97; a message the call state does not allow, STATUS cause
101; a missing or invalid mandatory IE, STATUS (or RELEASE COMPLETE for a SETUP) with cause 96 or 100;
an unknown IE, STATUS cause 99 after acting on the rest. The link stays up through all of it.

D-channel failure (Q.931 5.8.9): calls not yet active are cleared at once with cause 41; active calls
are held for T309 and, when the link is back in time, re-synchronised with STATUS ENQUIRY; otherwise
they are cleared with cause 41 when T309 expires. A call the local user hangs up while the link is down
is cleared internally (no message could reach the far end).

Restart (Q.931 5.5): with `restart_on_link_up`, each time the D-channel comes up with no call left (the
first time, or after a failure that outlived every call) this side sends RESTART for all interfaces and
is not `up` (places and accepts no call) until RESTART ACKNOWLEDGE arrives; T316 repeats the RESTART once.
A received RESTART clears the calls on the channels it names internally (no clearing messages; the user
sees cause 41) and is answered with RESTART ACKNOWLEDGE; a malformed one is answered with STATUS (cause
96 or 100) and logged, and the link stays up.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable
from typing import Any

from hal.e1.errors import ChannelUnavailable, NoChannelAvailable, SpanNotReady, UnknownCall
from hal.e1.signalling import ChannelPool, Signalling, SignallingUser, register_signalling
from hal.isdn import q931
from hal.isdn.errors import InvalidTransition, MessageError
from hal.isdn.q921_link import DataLink, LinkConfig
from hal.isdn.q921_states import TeiAssigned
from hal.isdn.q931 import IE, MT, Cause, Message
from hal.isdn.q931_call import Call, CallTimers
from hal.isdn.q931_states import DisconnectIndication, OutgoingInitiated
from hal.isdn.timers import Clock, Timers

log = logging.getLogger(__name__)

PEER_REF = 0x8000
ESTABLISH_RETRY = 2.0
N316 = 2  # RESTART attempts before giving up on the acknowledgement (Q.931 5.5.1 default)
ALL_INTERFACES, SINGLE_INTERFACE, INDICATED_CHANNELS = 7, 6, 0
_CLEARING = (MT.DISCONNECT, MT.RELEASE, MT.RELEASE_COMPLETE)
Tap = Callable[[str, Message], None]


@register_signalling
class PriSignalling(Signalling):
    """ISDN PRI (ETSI/ITU Q.921 + Q.931) on one E1 span."""

    name = "pri"

    def __init__(
        self,
        user: SignallingUser,
        pool: ChannelPool,
        *,
        network: bool = False,
        clock: Clock = time.monotonic,
        link_config: LinkConfig | None = None,
        call_timers: CallTimers | None = None,
        tap: Tap | None = None,
        restart_on_link_up: bool = False,
    ) -> None:
        super().__init__(user, pool)
        self.network, self.clock, self.tap = network, clock, tap
        self.call_timers = call_timers or CallTimers()
        self.restart_on_link_up = restart_on_link_up
        self.timers = Timers(clock)  # global call reference: T316
        self.restarting = False  # our RESTART is waiting for its acknowledgement
        self.restart_attempts = 0
        self.restarts_received = 0
        cfg = dataclasses.replace(link_config or LinkConfig(), network=network)
        self.link = DataLink(cfg, self._transmit, self, clock)
        self._calls: dict[int, Call] = {}  # by public call reference
        self._next_ref = 1
        self._layer1 = False
        self._retry_at: float | None = None
        self.bad_messages = 0

    # --- Signalling: layer 1 / link -------------------------------------------------------------
    @property
    def up(self) -> bool:
        return self._layer1 and self.link.established and not self.restarting

    def layer1(self, up: bool) -> None:
        self._layer1 = up
        if up:
            self.link.ph_activate()
            if isinstance(self.link.state, TeiAssigned):
                self.link.establish()
        else:
            self._retry_at = None
            self.link.ph_deactivate()

    def receive(self, frame: bytes) -> None:
        self.link.receive(frame)

    def poll(self) -> None:
        self.link.poll()
        for name in self.timers.expired():
            if name == "T316":
                self._t316()
        for call in list(self._calls.values()):
            call.poll()
            self._forget_if_idle(call)
        if self._retry_at is not None and self.clock() >= self._retry_at:
            self._retry_at = None
            if self._layer1 and isinstance(self.link.state, TeiAssigned):
                log.info("PRI: retrying link establishment")
                self.link.establish()

    def next_deadline(self) -> float | None:
        deadlines = [self.link.timers.next_deadline(), self.timers.next_deadline(), self._retry_at]
        deadlines += [call.timers.next_deadline() for call in self._calls.values()]
        return min((d for d in deadlines if d is not None), default=None)

    def _transmit(self, frame: bytes) -> None:
        self.user.sig_transmit(frame)

    # LinkUser
    def dl_established(self, confirm: bool) -> None:
        held = [call for call in self._calls.values() if call.held]
        log.info("PRI %s: D-channel established (%d calls held)", self._side, len(held))
        for call in list(self._calls.values()):
            call.link_restored()
            self._forget_if_idle(call)
        if self.restarting or (self.restart_on_link_up and not self._calls):
            self._send_restart(first=True)
        if self.up:
            self.user.sig_link(True)

    def dl_released(self) -> None:
        self.timers.stop("T316")  # a pending RESTART is sent again once the link is back
        for call in list(self._calls.values()):
            call.link_lost()
            self._forget_if_idle(call)
        log.warning(
            "PRI %s: D-channel released; %d active calls held for T309 (%.0f s), the others cleared",
            self._side,
            len(self._calls),
            self.call_timers.t309,
        )
        if self._layer1:
            self._retry_at = self.clock() + ESTABLISH_RETRY
        self.user.sig_link(False)

    def dl_data(self, info: bytes) -> None:
        try:
            msg = q931.decode(info)
        except MessageError as e:
            self.bad_messages += 1
            log.warning("PRI: ignored undecodable message %s: %s", info[:24].hex(), e)
            return
        if self.tap:
            self.tap("rx", msg)
        log.debug("PRI rx %s", msg)
        if msg.cr_len == 0:
            return  # dummy call reference: supplementary services, not used
        if msg.call_ref == q931.GLOBAL_CALL_REF:
            self._global(msg)
            return
        if msg.mtype in (MT.RESTART, MT.RESTART_ACKNOWLEDGE):
            self.bad_messages += 1
            log.warning(
                "PRI: %s on call reference %d, not the global one: answered with cause 81",
                msg.name,
                msg.call_ref,
            )
            self._reply(msg, MT.STATUS, Cause.INVALID_CALL_REFERENCE, {IE.CALL_STATE: q931.CallState(0)})
            return
        public = msg.call_ref | (0 if msg.flag else PEER_REF)
        call = self._calls.get(public)
        if not msg.known:
            self.bad_messages += 1
            log.warning("PRI: unknown message type 0x%02x on call %d", msg.mtype, public)
            self._status(msg, Cause.MESSAGE_TYPE_NONEXISTENT, call)
        elif call is None:
            self._unknown_call(msg, public)
        else:
            self._to_call(call, msg)

    # --- Signalling: calls ----------------------------------------------------------------------
    def place_call(
        self,
        calling: str,
        called: str,
        ts: int | None = None,
        *,
        any_channel: bool = False,
        display: str = "",
    ) -> int:
        """Send SETUP; with `any_channel` and no free timeslot, offer it with "any channel" and let the
        far end choose or refuse (the simulated carrier uses this to overbook a full span). `display`
        adds a Display IE (a network-to-user element: the carrier's caller name)."""
        if not self.up:
            raise SpanNotReady("PRI D-channel not established")
        exclusive = ts is not None or self.network
        if ts is None:
            ts = self.pool.pick(descending=not self.network)
            if ts is None and not any_channel:
                raise NoChannelAvailable("all B-channels busy")
        elif not self.pool.is_free(ts):
            raise ChannelUnavailable(f"timeslot {ts} busy or absent")
        ref = self._allocate_ref()
        call = self._new_call(ref, outgoing=True)
        if ts is not None:
            self.pool.take(ts, ref)
        call.any_channel = ts is None
        call.setup(calling, called, ts, exclusive, display)
        return ref

    def proceeding(self, call_ref: int) -> None:
        self._call(call_ref).proceeding()

    def alerting(self, call_ref: int) -> None:
        self._call(call_ref).alerting()

    def answer(self, call_ref: int, display: str = "") -> None:
        self._call(call_ref).connect(display)

    def hangup(self, call_ref: int, cause: int = Cause.NORMAL_CLEARING) -> None:
        call = self._calls.get(call_ref)
        if call is None or call.clearing == "local":
            return
        if call.held:
            log.info("PRI: call %d cleared internally (cause %d): the D-channel is down", call_ref, cause)
            call.drop(cause)
        elif isinstance(call.state, DisconnectIndication):
            call.release(cause)
        else:
            call.disconnect(cause)
        self._forget_if_idle(call)

    def timeslot_of(self, call_ref: int) -> int | None:
        return self._call(call_ref).channel

    def calls(self) -> list[dict[str, Any]]:
        return [
            {
                "call_ref": ref,
                "state": call.state_name,
                "timeslot": call.channel,
                "calling": call.calling,
                "called": call.called,
                "direction": "out" if call.outgoing else "in",
                **({"held": True} if call.held else {}),
            }
            for ref, call in sorted(self._calls.items())
        ]

    def restart(self) -> None:
        """Send RESTART for the whole interface and drop every call (cause 41); no call is placed or
        accepted until the far end acknowledges."""
        self._abort_all(Cause.TEMPORARY_FAILURE)
        was_up = self.up
        self._send_restart(first=True)
        if was_up and not self.up:
            self.user.sig_link(False)

    # --- CallOwner --------------------------------------------------------------------------------
    def send_message(self, msg: Message) -> None:
        if self.tap:
            self.tap("tx", msg)
        log.debug("PRI tx %s", msg)
        try:
            self.link.send_data(q931.encode(msg))
        except InvalidTransition:
            log.warning("PRI: D-channel down, %s not sent", msg.name)

    def call_event(self, call: Call, event: str, **data: Any) -> None:
        ref = self._public(call)
        if event == "released":
            self.pool.release(call.channel, ref)
            data["timeslot"] = call.channel
        elif event == "setup":
            data = {"timeslot": call.channel, "calling": call.calling, "called": call.called}
            if call.display:
                data["display"] = call.display
        self.user.sig_event(ref, event, **data)
        if event == "disconnect" and isinstance(call.state, DisconnectIndication):
            call.release(call.cause or Cause.NORMAL_CLEARING)  # the far end cleared: complete it

    def accept_channel(self, call: Call, ie: q931.ChannelId) -> bool:
        if ie.channel is None:
            return False
        if ie.channel == call.channel:
            return True
        if not self.pool.is_free(ie.channel):
            return False
        ref = self._public(call)
        self.pool.release(call.channel, ref)
        self.pool.take(ie.channel, ref)
        call.channel = ie.channel
        return True

    # --- internals --------------------------------------------------------------------------------
    @property
    def _side(self) -> str:
        return "network" if self.network else "user"

    def _public(self, call: Call) -> int:
        return call.call_ref | (0 if call.outgoing else PEER_REF)

    def _call(self, call_ref: int) -> Call:
        call = self._calls.get(call_ref)
        if call is None:
            raise UnknownCall(f"no call {call_ref} on the span")
        return call

    def _new_call(self, ref: int, outgoing: bool) -> Call:
        call = Call(self, ref & 0x7FFF, outgoing, self.network, clock=self.clock, config=self.call_timers)
        self._calls[ref] = call
        return call

    def _forget_if_idle(self, call: Call) -> None:
        if call.idle:
            self._calls.pop(self._public(call), None)

    def _allocate_ref(self) -> int:
        for _ in range(0x7FFF):
            ref, self._next_ref = self._next_ref, self._next_ref % 0x7FFF + 1
            if ref not in self._calls:
                return ref
        raise NoChannelAvailable("no free call reference")

    def _abort_all(self, cause: int) -> None:
        for call in list(self._calls.values()):
            call.abort(cause)
            self._forget_if_idle(call)

    def _reply(
        self, msg: Message, mtype: int, cause: int | None = None, ies: dict[int, Any] | None = None
    ) -> None:
        """Answer a message that belongs to no live call."""
        out = Message(mtype, msg.call_ref, flag=not msg.flag, ies=dict(ies or {}))
        if cause is not None:
            out.ies[IE.CAUSE] = q931.CauseIE(cause, location=2 if self.network else 0)
        self.send_message(out)

    def _status(self, msg: Message, cause: int, call: Call | None) -> None:
        if call is not None:
            call.send_status(cause)
        else:
            self._reply(msg, MT.STATUS, cause, {IE.CALL_STATE: q931.CallState(0)})

    def _global(self, msg: Message) -> None:
        if msg.mtype == MT.RESTART:
            self._restart_received(msg)
        elif msg.mtype == MT.RESTART_ACKNOWLEDGE:
            self._restart_acknowledged(msg)
        elif msg.mtype != MT.STATUS:
            self._reply(msg, MT.STATUS, Cause.INVALID_CALL_REFERENCE, {IE.CALL_STATE: q931.CallState(0)})

    # --- restart (Q.931 5.5) ------------------------------------------------------------------------
    def _send_restart(self, first: bool) -> None:
        if first:
            self.restart_attempts = 0
        self.restarting = True
        self.restart_attempts += 1
        log.info("PRI %s: RESTART all interfaces (attempt %d)", self._side, self.restart_attempts)
        restart = Message(MT.RESTART, 0, ies={IE.RESTART_INDICATOR: q931.RestartIndicator(ALL_INTERFACES)})
        self.send_message(restart)
        if self.link.established:
            self.timers.start("T316", self.call_timers.t316)

    def _t316(self) -> None:
        if self.restart_attempts < N316:
            self._send_restart(first=False)
            return
        # Q.931 leaves the interface out of service for a maintenance action here. An appliance has no
        # operator to take it: put the channels into service and say so, rather than stay dead.
        log.error(
            "PRI %s: no RESTART ACKNOWLEDGE after %d RESTART; taking the channels into service anyway",
            self._side,
            self.restart_attempts,
        )
        self._restart_done()

    def _restart_done(self) -> None:
        self.timers.stop("T316")
        self.restarting = False
        if self.up:
            self.user.sig_link(True)

    def _restart_acknowledged(self, msg: Message) -> None:
        if not self.restarting:
            log.info("PRI: RESTART ACKNOWLEDGE for no RESTART of ours ignored")
            return
        ind = msg.get(IE.RESTART_INDICATOR)
        log.info("PRI %s: RESTART acknowledged (class %s)", self._side, ind.restart_class if ind else "?")
        self._restart_done()

    def _restart_received(self, msg: Message) -> None:
        """Return the named channels to idle, clearing their calls internally, and acknowledge."""
        reason, cause = self._restart_problem(msg)
        if reason:
            self.bad_messages += 1
            log.warning("PRI: RESTART rejected (cause %d): %s", cause, reason)
            self._reply(msg, MT.STATUS, cause, {IE.CALL_STATE: q931.CallState(0)})
            return
        ind = msg.get(IE.RESTART_INDICATOR)
        chan = msg.get(IE.CHANNEL_ID) if ind.restart_class == INDICATED_CHANNELS else None
        if chan is None and IE.CHANNEL_ID in msg.ies:
            log.info("PRI: RESTART of the whole interface names a channel; the channel is ignored")
        cleared = 0
        for call in list(self._calls.values()):
            if chan is None or call.channel == chan.channel:
                call.abort(Cause.TEMPORARY_FAILURE)  # locally: no DISCONNECT/RELEASE goes out (5.5.2)
                self._forget_if_idle(call)
                cleared += 1
        if chan is None:
            self.pool.clear()
        else:
            self.pool.release(chan.channel)
        self.restarts_received += 1
        log.info(
            "PRI %s: RESTART %s: %d calls cleared, acknowledged",
            self._side,
            "all interfaces" if chan is None else f"timeslot {chan.channel}",
            cleared,
        )
        ies: dict[int, Any] = {IE.RESTART_INDICATOR: ind}
        if chan is not None:
            ies[IE.CHANNEL_ID] = q931.ChannelId(chan.channel, exclusive=True)
        self._reply(msg, MT.RESTART_ACKNOWLEDGE, ies=ies)

    def _restart_problem(self, msg: Message) -> tuple[str, int]:
        """Return why a RESTART cannot be acted on and the STATUS cause, or ("", 0)."""
        fatal, _ = q931.problems(msg)
        if fatal == Cause.INVALID_IE_CONTENTS:
            return "invalid restart indicator", fatal
        if fatal is not None:
            return "no restart indicator", fatal
        if msg.get(IE.RESTART_INDICATOR).restart_class != INDICATED_CHANNELS:
            return "", 0
        if IE.CHANNEL_ID in msg.bad_ies:
            return "invalid channel identification", Cause.INVALID_IE_CONTENTS
        chan = msg.get(IE.CHANNEL_ID)
        if chan is None:  # Q.931 5.5.2: "indicated channels" without the channel, 5.8.6.1
            return "indicated channels without a channel identification", Cause.MANDATORY_IE_MISSING
        if chan.channel is None or not self.pool.exists(chan.channel):
            return f"channel identification {chan} names no B-channel of the span", Cause.INVALID_IE_CONTENTS
        return "", 0

    def _unknown_call(self, msg: Message, public: int) -> None:
        if msg.mtype == MT.SETUP and not msg.flag:
            self._incoming(msg, public)
        elif msg.mtype == MT.STATUS_ENQUIRY:
            self._reply(msg, MT.STATUS, Cause.RESPONSE_TO_STATUS_ENQUIRY, {IE.CALL_STATE: q931.CallState(0)})
        elif msg.mtype == MT.STATUS:
            state = msg.get(IE.CALL_STATE)
            if state is not None and state.value != 0:
                self._reply(msg, MT.RELEASE_COMPLETE, Cause.INVALID_CALL_REFERENCE)
        elif msg.mtype != MT.RELEASE_COMPLETE:
            log.info("PRI: %s for unknown call %d answered with cause 81", msg.name, public)
            self._reply(msg, MT.RELEASE_COMPLETE, Cause.INVALID_CALL_REFERENCE)

    def _to_call(self, call: Call, msg: Message) -> None:
        fatal, minor = q931.problems(msg)
        if fatal is not None and msg.mtype not in _CLEARING:
            self.bad_messages += 1
            log.warning("PRI: %s on call %d unusable (cause %d)", msg.name, call.call_ref, fatal)
            call.send_status(fatal)
            return
        try:
            call.receive(msg)
        except InvalidTransition:
            self.bad_messages += 1
            log.warning("PRI: %s not allowed in call state %s", msg.name, call.state_name)
            call.send_status(Cause.WRONG_MESSAGE_FOR_STATE)
            return
        if minor is not None and not call.idle and msg.mtype not in _CLEARING:
            call.send_status(minor)
        self._forget_if_idle(call)

    def _incoming(self, msg: Message, public: int) -> None:
        if self.restarting:  # Q.931 5.5.1: no call is accepted until our RESTART is acknowledged
            log.info("PRI: SETUP %d refused with cause 41: our RESTART is not acknowledged yet", msg.call_ref)
            self._reply(msg, MT.RELEASE_COMPLETE, Cause.TEMPORARY_FAILURE)
            return
        mandatory = (IE.BEARER_CAPABILITY,) if self.network else (IE.BEARER_CAPABILITY, IE.CHANNEL_ID)
        fatal, minor = q931.problems(msg, mandatory)
        if fatal is not None:
            log.warning("PRI: SETUP %d refused, cause %d", msg.call_ref, fatal)
            self._reply(msg, MT.RELEASE_COMPLETE, fatal)
            return
        bc = msg.get(IE.BEARER_CAPABILITY)
        if bc.capability not in (q931.SPEECH, q931.AUDIO_3K1):
            self._reply(msg, MT.RELEASE_COMPLETE, Cause.BEARER_NOT_IMPLEMENTED)
            return
        ts, cause = self._select(msg.get(IE.CHANNEL_ID))
        if ts is None:
            log.info("PRI: SETUP %d refused, cause %d", msg.call_ref, cause)
            self._reply(msg, MT.RELEASE_COMPLETE, cause)
            return
        call = self._new_call(public, outgoing=False)
        self.pool.take(ts, public)
        call.channel = ts
        calling, called = msg.get(IE.CALLING_NUMBER), msg.get(IE.CALLED_NUMBER)
        call.calling = calling.digits if calling else ""
        call.called = called.digits if called else ""
        call.receive(msg)
        if minor is not None:
            call.send_status(minor)

    def _select(self, ie: q931.ChannelId | None) -> tuple[int | None, int]:
        """Choose the timeslot for an incoming SETUP; return (timeslot, 0) or (None, cause)."""
        if ie is not None and ie.channel is not None:
            if not self.pool.exists(ie.channel):
                return None, Cause.CHANNEL_DOES_NOT_EXIST
            if self.pool.is_free(ie.channel):
                return ie.channel, 0
            if ie.exclusive and not self.network and self._yield_glare(ie.channel):
                return ie.channel, 0
            if ie.exclusive:
                return None, Cause.REQUESTED_CHANNEL_NOT_AVAILABLE
        ts = self.pool.pick(descending=not self.network)
        return (ts, 0) if ts is not None else (None, Cause.NO_CIRCUIT_AVAILABLE)

    def _yield_glare(self, ts: int) -> bool:
        """User side: give the network a channel our unanswered SETUP holds (the network wins)."""
        owner = self.pool.owner_of(ts)
        call = self._calls.get(owner) if owner is not None else None
        if call is None or not call.outgoing or not isinstance(call.state, OutgoingInitiated):
            return False
        log.info("PRI: glare on timeslot %d; the network's call takes it, call %d waits", ts, call.call_ref)
        self.pool.release(ts, owner)
        call.channel = None
        return True

"""The Q.931 call states, user side (U states) or network side (N states): a class per state.

States are named from the local end's point of view; `number` gives the Q.931 state number for the
side in use (the Call state IE and logs use it):

    local state            user  network   meaning
    Null                    U0    N0
    OutgoingInitiated       U1    N6       we sent SETUP (T303)
    OutgoingProceeding      U3    N9       far end sent CALL PROCEEDING (T310)
    OutgoingDelivered       U4    N7       far end is alerting
    IncomingPresent         U6    N1       we received SETUP
    IncomingProceeding      U9    N3       we sent CALL PROCEEDING
    IncomingReceived        U7    N4       we sent ALERTING
    ConnectRequest          U8    -        we sent CONNECT, wait for CONNECT ACK (T313); the network
                                           side goes straight to N10 when it sends CONNECT
    Active                  U10   N10
    DisconnectRequest       U11   N12      we sent DISCONNECT (T305)
    DisconnectIndication    U12   N11      we received DISCONNECT
    ReleaseRequest          U19   N19      we sent RELEASE (T308)

Each state has one method per event (`on_<message>` for peer messages, `on_<x>_req` for local
requests, `on_t3xx` for timers, `on_link_lost` / `on_link_up` from the data link) returning the next
state; anything else raises InvalidTransition. The
owner answers an InvalidTransition on a peer message with STATUS cause 101 and keeps the call.
hal.isdn.q931_call.Call holds the call's data and timers, dispatches events and logs transitions.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from hal.isdn.errors import InvalidTransition
from hal.isdn.q931 import IE, MT, Cause, Message

if TYPE_CHECKING:
    from hal.isdn.q931_call import Call

log = logging.getLogger(__name__)


class CallState:
    """Base state: every event is invalid unless a subclass handles it."""

    user_number = network_number = 0

    def __str__(self) -> str:
        return type(self).__name__

    def number(self, network: bool) -> int:
        return self.network_number if network else self.user_number

    def __getattr__(self, name: str) -> Callable[..., CallState]:
        if not name.startswith("on_"):
            raise AttributeError(name)

        def invalid(call: Call, *args: Any) -> CallState:
            raise InvalidTransition(self, name[3:])

        return invalid

    def _stay(self, call: Call, msg: Message) -> CallState:
        return self


class Live(CallState):
    """Events every state of an existing call handles alike."""

    def on_status_enquiry(self, call: Call, msg: Message) -> CallState:
        call.send_status(Cause.RESPONSE_TO_STATUS_ENQUIRY)
        return self

    def on_status(self, call: Call, msg: Message) -> CallState:
        if msg.cause != Cause.MESSAGE_TYPE_NONEXISTENT:  # 97: keep waiting for a real answer (5.8.10)
            call.timers.stop("T322")
        state = msg.get(IE.CALL_STATE)
        if state is not None and state.value == 0:  # the far end has no such call (Q.931 5.8.11)
            call.timers.stop_all()
            # Cause 30 only says "this answers your enquiry": the call was lost at the far end (e.g.
            # across a D-channel failure), which the local user hears as a temporary failure.
            cause = msg.cause or Cause.WRONG_MESSAGE_FOR_STATE
            call.far_end_cleared(
                Cause.TEMPORARY_FAILURE if cause == Cause.RESPONSE_TO_STATUS_ENQUIRY else cause
            )
            return Null()
        return self

    def on_disconnect(self, call: Call, msg: Message) -> CallState:
        call.timers.stop_all()
        call.far_end_cleared(msg.cause or Cause.NORMAL_UNSPECIFIED)
        return DisconnectIndication()

    def on_release(self, call: Call, msg: Message) -> CallState:
        call.timers.stop_all()
        call.send(MT.RELEASE_COMPLETE)
        call.far_end_cleared(msg.cause or Cause.NORMAL_CLEARING)
        return Null()

    def on_release_complete(self, call: Call, msg: Message) -> CallState:
        call.timers.stop_all()
        call.far_end_cleared(msg.cause or Cause.NORMAL_CLEARING)
        return Null()

    def on_abort(self, call: Call, cause: int) -> CallState:
        """Drop the call without messages: link failure, RESTART, local maintenance."""
        call.timers.stop_all()
        call.far_end_cleared(cause)
        return Null()

    def on_drop(self, call: Call, cause: int) -> CallState:
        """The local user clears while the D-channel is down: no message can go, so clear internally."""
        call.cleared_locally(cause)
        call.timers.stop_all()
        return Null()

    def on_link_lost(self, call: Call) -> CallState:
        """Q.931 5.8.9 a): a call not in the Active state is cleared internally."""
        return self.on_abort(call, Cause.TEMPORARY_FAILURE)

    def on_link_up(self, call: Call) -> CallState:
        """A call that outlived a data-link reset continues as it was (Q.931 5.8.8)."""
        return self

    def on_disconnect_req(self, call: Call, cause: int) -> CallState:
        call.cleared_locally(cause)
        call.timers.stop_all()
        call.send(MT.DISCONNECT, cause=cause)
        call.timers.start("T305", call.config.t305)
        return DisconnectRequest()


class Null(CallState):
    """No call: a SETUP arrives or we send one."""

    def on_setup_req(self, call: Call) -> CallState:
        call.send_setup()
        call.timers.start("T303", call.config.t303)
        return OutgoingInitiated()

    def on_setup(self, call: Call, msg: Message) -> CallState:
        call.notify("setup")
        return IncomingPresent()


class OutgoingInitiated(Live):
    user_number, network_number = 1, 6

    def on_call_proceeding(self, call: Call, msg: Message) -> CallState:
        call.timers.stop("T303")
        if not call.first_response(msg):
            return ReleaseRequest()
        call.timers.start("T310", call.config.t310)
        call.notify("proceeding")
        return OutgoingProceeding()

    on_setup_acknowledge = on_call_proceeding  # overlap sending is not used: treat as proceeding

    def on_alerting(self, call: Call, msg: Message) -> CallState:
        call.timers.stop("T303")
        if not call.first_response(msg):
            return ReleaseRequest()
        call.notify("alerting")
        return OutgoingDelivered()

    def on_connect(self, call: Call, msg: Message) -> CallState:
        call.timers.stop("T303")
        if not call.first_response(msg):
            return ReleaseRequest()
        return call.connected()

    def on_t303(self, call: Call) -> CallState:
        if call.setup_attempts < 2:
            call.send_setup()
            call.timers.start("T303", call.config.t303)
            return self
        call.send(MT.RELEASE_COMPLETE, cause=Cause.TIMER_EXPIRY)
        call.far_end_cleared(Cause.TIMER_EXPIRY)
        return Null()


class OutgoingProceeding(Live):
    user_number, network_number = 3, 9

    def on_alerting(self, call: Call, msg: Message) -> CallState:
        call.timers.stop("T310")
        call.notify("alerting")
        return OutgoingDelivered()

    def on_connect(self, call: Call, msg: Message) -> CallState:
        call.timers.stop("T310")
        return call.connected()

    on_progress = Live._stay

    def on_t310(self, call: Call) -> CallState:
        call.far_end_cleared(Cause.TIMER_EXPIRY)
        call.send(MT.DISCONNECT, cause=Cause.TIMER_EXPIRY)
        call.timers.start("T305", call.config.t305)
        return DisconnectRequest()


class OutgoingDelivered(Live):
    user_number, network_number = 4, 7

    def on_connect(self, call: Call, msg: Message) -> CallState:
        return call.connected()

    on_progress = Live._stay


class IncomingPresent(Live):
    user_number, network_number = 6, 1

    def on_proceeding_req(self, call: Call) -> CallState:
        call.send(MT.CALL_PROCEEDING, channel=True)
        return IncomingProceeding()

    def on_alerting_req(self, call: Call) -> CallState:
        call.send(MT.ALERTING, channel=True)
        return IncomingReceived()

    def on_connect_req(self, call: Call) -> CallState:
        return call.answer()

    def on_disconnect_req(self, call: Call, cause: int) -> CallState:
        call.cleared_locally(cause)  # refusing an offered call: RELEASE COMPLETE (Q.931 5.2.5.1)
        call.send(MT.RELEASE_COMPLETE, cause=cause)
        return Null()


class IncomingProceeding(Live):
    user_number, network_number = 9, 3

    def on_alerting_req(self, call: Call) -> CallState:
        call.send(MT.ALERTING)
        return IncomingReceived()

    def on_proceeding_req(self, call: Call) -> CallState:
        return self

    def on_connect_req(self, call: Call) -> CallState:
        return call.answer()


class IncomingReceived(Live):
    user_number, network_number = 7, 4

    def on_alerting_req(self, call: Call) -> CallState:
        return self

    def on_proceeding_req(self, call: Call) -> CallState:
        return self

    def on_connect_req(self, call: Call) -> CallState:
        return call.answer()


class ConnectRequest(Live):
    user_number, network_number = 8, 8

    def on_connect_acknowledge(self, call: Call, msg: Message) -> CallState:
        call.timers.stop("T313")
        call.notify("active")
        return Active()

    def on_t313(self, call: Call) -> CallState:
        call.far_end_cleared(Cause.TIMER_EXPIRY)
        call.send(MT.DISCONNECT, cause=Cause.TIMER_EXPIRY)
        call.timers.start("T305", call.config.t305)
        return DisconnectRequest()


class Active(Live):
    user_number, network_number = 10, 10

    on_connect_acknowledge = on_progress = on_notify = on_information = Live._stay

    def on_link_lost(self, call: Call) -> CallState:
        """Q.931 5.8.9 b): keep the call for T309 (not restarted if already running)."""
        call.timers.stop("T322")  # no answer can come over a failed link; asked again once it is back
        if not call.timers.running("T309"):
            call.timers.start("T309", call.config.t309)
        return self

    def on_link_up(self, call: Call) -> CallState:
        """Back within T309: stop it and check the far end still has the call (5.8.9, 5.8.10)."""
        if call.timers.running("T309"):
            call.timers.stop("T309")
            call.enquiries = 0
            if not call.timers.running("T322"):
                call.enquire()
        return self

    def on_t309(self, call: Call) -> CallState:
        log.warning("call %d: D-channel not back within T309; cleared with cause 41", call.call_ref)
        call.timers.stop_all()
        call.far_end_cleared(Cause.TEMPORARY_FAILURE)
        return Null()

    def on_t322(self, call: Call) -> CallState:
        if call.enquiries < 2:
            call.enquire()
            return self
        log.warning("call %d: no STATUS after %d enquiries; clearing", call.call_ref, call.enquiries)
        call.far_end_cleared(Cause.TEMPORARY_FAILURE)
        call.send(MT.DISCONNECT, cause=Cause.TEMPORARY_FAILURE)
        call.timers.start("T305", call.config.t305)
        return DisconnectRequest()


class DisconnectRequest(Live):
    user_number, network_number = 11, 12

    def on_release(self, call: Call, msg: Message) -> CallState:
        call.timers.stop_all()
        call.send(MT.RELEASE_COMPLETE)
        return Null()

    def on_disconnect(self, call: Call, msg: Message) -> CallState:
        call.timers.stop("T305")  # clear collision: both sent DISCONNECT (Q.931 5.3.5)
        return call.send_release()

    def on_t305(self, call: Call) -> CallState:
        return call.send_release()

    def on_disconnect_req(self, call: Call, cause: int) -> CallState:
        return self

    on_progress = on_notify = on_information = Live._stay


class DisconnectIndication(Live):
    user_number, network_number = 12, 11

    def on_release_req(self, call: Call, cause: int) -> CallState:
        return call.send_release()

    def on_disconnect_req(self, call: Call, cause: int) -> CallState:
        return call.send_release()

    on_disconnect = on_progress = on_notify = on_information = Live._stay


class ReleaseRequest(Live):
    user_number, network_number = 19, 19

    def on_release_complete(self, call: Call, msg: Message) -> CallState:
        call.timers.stop_all()
        return Null()

    def on_release(self, call: Call, msg: Message) -> CallState:
        call.timers.stop_all()  # clear collision: no RELEASE COMPLETE (Q.931 5.3.5)
        return Null()

    def on_t308(self, call: Call) -> CallState:
        if call.release_attempts < 2:
            return call.send_release()
        log.warning("call %d: no RELEASE COMPLETE after two RELEASE; channel freed", call.call_ref)
        return Null()

    def on_disconnect_req(self, call: Call, cause: int) -> CallState:
        return self

    on_release_req = on_disconnect_req
    on_disconnect = on_progress = on_notify = on_information = Live._stay

"""Where a dialed number goes, for every kind of caller (SIP phone, analog phone, trunk, IVR, queue).

One place decides: a core service (queue, IVR, voicemail, conference, feature code) if one owns
the number, else the dial plan (SIP extension, FXS number, outbound rule). SIP extensions work on
a box without a board; FXS ports and trunks need the board's LineService.

Per-extension features that act before a phone rings (do-not-disturb, call forward, follow-me,
ring groups, blacklists) hook in through `screens`: callables `screen(call, digits, permission)`
that return True when they took the call.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from telephony.calls import dialplan
from telephony.calls.legs import NO_CIRCUIT, UNALLOCATED, CallLeg, SipLeg

if TYPE_CHECKING:
    from telephony.calls.line import LineCall
    from telephony.engine import Engine

log = logging.getLogger(__name__)


class RouteFailed(Exception):
    """A route exists but its destination cannot take a call now; carries the Q.850 cause."""

    def __init__(self, message: str, cause: int) -> None:
        super().__init__(message)
        self.cause = cause


class Router:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.screens: list[Callable[[LineCall, str, str], bool]] = []

    def route(self, call: LineCall, digits: str, permission: str, screen: bool = True) -> None:
        """Route dialed digits from any caller leg; a failure ends the call with a cause."""
        engine = self.engine
        service = engine.service_for(digits)
        if service is not None:
            call.hand_over()  # the service's own call record takes the caller leg
            if engine.lines is not None:
                engine.lines.listen_digits(call.a)  # IVRs, queues, voicemail: the caller's keys matter
            service.enter(call.a, call.caller, call.caller_name, digits)
            return
        if screen:
            for check in self.screens:
                if check(call, digits, permission):
                    return
        route = dialplan.resolve(digits, permission)
        if route.kind == "none":
            log.info("call %s: %r matches no route", call.uniqueid, digits)
            call.fail(UNALLOCATED)
            return
        if route.kind == "denied":
            log.info("call %s: %s may not dial %s", call.uniqueid, call.caller, digits)
            call.fail(21)
            return
        try:
            leg = self.callee_leg(route)
        except RouteFailed as exc:
            log.info("call %s: %s", call.uniqueid, exc)
            call.fail(exc.cause)
            return
        call.dial(leg, route.digits or digits)

    def callee_leg(self, route: dialplan.Route) -> CallLeg:
        """Make the B leg for a route: a SIP dialog, an idle FXS port or a free trunk member."""
        if route.kind == "sip":
            return SipLeg(self.engine, self.engine.new_leg(), route.target, inbound=False)
        if self.engine.lines is None:
            raise RouteFailed(f"no board for {route.kind} route {route.target}", NO_CIRCUIT)
        return self.engine.lines.callee_leg(route)

    def leg_for(self, number: str, permission: str = "national") -> CallLeg:
        """A ringing leg to a number (extension, analog phone, or outside number by the dial rules)."""
        route = dialplan.resolve(number, permission)
        if route.kind in ("none", "denied"):
            raise RouteFailed(f"{number!r} is not a reachable number", UNALLOCATED)
        return self.callee_leg(route)

    def from_sip(self, leg: Any, caller: str, caller_name: str, callee: str, permission: str) -> LineCall:
        """A SIP phone (authenticated by the edge) dialed `callee`."""
        from telephony.calls.line import LineCall

        call = LineCall(
            self.engine, SipLeg(self.engine, leg, caller, inbound=True), caller, caller_name, callee
        )
        call.record_sip_id(call.a)
        log.info("call %s: %s (%s) -> %s", call.uniqueid, caller, caller_name, callee)
        self.route(call, callee, permission)
        return call

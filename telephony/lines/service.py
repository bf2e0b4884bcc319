"""The board in the core: opens it, puts every port into the bridge, and turns HAL events into calls.

Per-port state lives here (an FXS port is idle, dialing, in a call, ringing or playing busy
tone; an FXO port is free or in use; an E1 span is up or out of routing). Calls themselves are
LineCalls with CallLegs from telephony.calls.legs. Everything runs on the engine thread.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from hal import events as ev
from telephony import numbering
from telephony.calls import dialplan
from telephony.calls.legs import (
    BUSY,
    NO_CIRCUIT,
    NORMAL,
    UNALLOCATED,
    CallLeg,
    E1Leg,
    FxoLeg,
    FxsLeg,
    PortLeg,
)
from telephony.calls.line import LineCall
from telephony.calls.router import RouteFailed
from telephony.lines.media import ChannelPort
from telephony.models.lines import PortSetting

if TYPE_CHECKING:
    from telephony.engine import Engine

log = logging.getLogger(__name__)

FIRST_DIGIT_TIMEOUT = 10.0
INTER_DIGIT_TIMEOUT = 4.0
FXO_GUARD = 2.0  # after release the exchange needs time to clear down before the line is seized again
CID_WAIT = 6.0  # caller ID arrives between the first and second ring (China: 1 s on, 4 s off)


class FxsLine:
    """What one analog phone is doing: idle, dialing, call, ringing or busytone."""

    def __init__(self, port: str) -> None:
        self.port = port
        self.state = "idle"
        self.digits = ""
        self.timer: Any = None
        self.leg: FxsLeg | None = None


class LineService:
    """Owns the board (a hal Board), its bridge ports and the per-port call state."""

    def __init__(self, engine: Engine, board: Any) -> None:
        self.engine = engine
        self.board = board
        self.media: dict[str, ChannelPort] = {}
        self.fxs: dict[str, FxsLine] = {}
        self.fxo_busy: set[str] = set()
        self.fxo_pending: dict[str, Any] = {}  # ringing FXO line -> CID wait timer
        self.fxo_legs: dict[str, FxoLeg] = {}
        self.fxo_guard: dict[str, float] = {}  # port -> monotonic time it may be seized again
        self.hunt_last: dict[str, str] = {}  # trunk group name -> member used last (round-robin)
        self.e1_calls: dict[tuple[str, int], E1Leg] = {}
        self.span_up: dict[str, bool] = {}
        self.digit_legs: dict[str, CallLeg] = {}  # FXO/E1 port -> the leg whose call hears its keys

    # --- life cycle -------------------------------------------------------------------------

    def start(self) -> None:
        """Create one bridge port per port/channel (after libStart) and start the board."""
        for name, port in self.board.ports.items():
            if port.kind == "e1":
                self.span_up[name] = False
                continue
            self.media[name] = ChannelPort(name, port.audio)
            if port.kind == "fxs":
                self.fxs[name] = FxsLine(name)
        self.board.start()
        for name, port in self.board.ports.items():
            if port.kind == "e1":
                self.span_up[name] = bool(getattr(port, "is_up", False))  # later changes: SpanUp/Down
        self.apply_settings()
        log.info("lines: %d bridge ports", len(self.media))

    def apply_settings(self) -> None:
        """Give the ports what the admin set that the HAL itself keeps (the caller-ID standard)."""
        settings = {s.port: s for s in PortSetting.select()}
        for name in self.fxs:
            port = self.board.ports[name]
            standard = settings[name].cid_standard if name in settings else ""
            try:
                port.set_caller_id_standard(standard)
            except (ValueError, KeyError, AttributeError) as exc:
                log.error("%s: caller-ID standard %r not applied: %s", name, standard, exc)

    def stop(self) -> None:
        """Stop the board, then drop the bridge ports (before libDestroy)."""
        try:
            self.board.stop()
        except Exception:  # shutting down: log and go on to free the media ports
            log.exception("stopping the board")
        self.media.clear()

    # --- events -----------------------------------------------------------------------------

    def poll(self) -> None:
        """Dispatch every queued HAL event (cheap when there are none)."""
        for event in self.board.drain_events():
            try:
                self.dispatch(event)
            except Exception:  # one bad event must not stop the other ports
                log.exception("error handling %s on %s", type(event).__name__, event.port)

    def dispatch(self, event: ev.HalEvent) -> None:
        port = event.port
        if port in self.fxs:
            self._fxs_event(self.fxs[port], event)
        elif isinstance(event, ev.Digit):
            self._line_digit(event)
        elif isinstance(event, ev.RingStart | ev.CallerId | ev.RingStop | ev.Disconnect):
            self._fxo_event(port, event)
        elif isinstance(event, ev.E1Setup):
            self._e1_setup(event)
        elif isinstance(event, ev.E1Alerting | ev.E1Connect | ev.E1Disconnect):
            self._e1_progress(event)
        elif isinstance(event, ev.SpanDown | ev.SpanUp | ev.SpanAlarm):
            self._span_event(event)
        elif isinstance(event, ev.PortFaulted):
            log.warning("port %s faulted: %s", port, event.reason)

    # --- keys from the PSTN and the carrier (in-band DTMF) ---------------------------------------

    def listen_digits(self, leg: CallLeg) -> None:
        """Detect the keys pressed at the far end of an FXO line or E1 channel and give them to the
        leg's call (its `on_line_digit`); analog phones' keys always arrive (FXS dial path)."""
        if not isinstance(leg, PortLeg) or leg.peer in self.fxs:
            return
        if leg.peer not in self.board.ports and isinstance(leg, E1Leg):
            leg.media()  # an inbound E1 leg learns its B-channel name
        port = self.board.ports.get(leg.peer)
        if port is None:
            return
        port.listen_digits = True
        self.digit_legs[leg.peer] = leg
        log.debug("%s: listening for the far end's keys", leg.peer)

    def stop_digits(self, leg: CallLeg) -> None:
        if self.digit_legs.get(leg.peer) is leg:
            del self.digit_legs[leg.peer]
            port = self.board.ports.get(leg.peer)
            if port is not None:
                port.listen_digits = False

    def _line_digit(self, event: ev.Digit) -> None:
        leg = self.digit_legs.get(event.port)
        if leg is None or leg.ended:
            return
        handler = getattr(leg.call, "on_line_digit", None)
        if handler is not None:
            handler(leg, event.digit)

    # --- FXS --------------------------------------------------------------------------------

    def _fxs_event(self, line: FxsLine, event: ev.HalEvent) -> None:
        port = self.board.ports[line.port]
        if isinstance(event, ev.OffHook):
            if line.state == "ringing" and line.leg is not None:
                line.state = "call"
                line.leg.offhook()
            elif line.state == "idle":
                setting = PortSetting.get_or_none(PortSetting.port == line.port)
                if setting is not None and not setting.enabled:
                    return  # a port the admin disabled gets no dial tone
                line.state, line.digits = "dialing", ""
                port.play_tone("dial")
                self._digit_timer(line, FIRST_DIGIT_TIMEOUT)
        elif isinstance(event, ev.OnHook):
            self._cancel(line)
            leg, line.leg = line.leg, None
            prior, line.state = line.state, "idle"
            if prior in ("dialing", "busytone"):
                port.stop_tone()
            if leg is not None and prior == "call":
                leg.onhook()
        elif isinstance(event, ev.Digit) and line.state == "dialing":
            if not line.digits:
                port.stop_tone()
            if event.digit == "#":
                self._fxs_dialed(line)
                return
            line.digits += event.digit
            service = self.engine.service_for(line.digits)
            done = dialplan.exact_match(line.digits) or (
                service is not None and service.complete(line.digits)
            )
            if done and not numbering.extends(line.digits):  # "700" may still become 7000
                self._fxs_dialed(line)
            else:
                self._digit_timer(line, INTER_DIGIT_TIMEOUT)
        elif isinstance(event, ev.Flash) and line.state == "call" and line.leg is not None:
            transfers = getattr(self.engine, "transfers", None)  # hook-flash: telephony.calls.transfer
            if transfers is not None:
                transfers.flash(line.leg)
        elif isinstance(event, ev.Digit) and line.state == "call" and line.leg is not None:
            # A key pressed during a call (an IVR menu): the call decides whether it listens.
            handler = getattr(line.leg.call, "on_line_digit", None)
            if handler is not None:
                handler(line.leg, event.digit)
        elif isinstance(event, ev.PortFaulted):
            log.warning("FXS %s faulted: %s", line.port, event.reason)

    def _digit_timer(self, line: FxsLine, seconds: float) -> None:
        self._cancel(line)
        line.timer = self.engine.call_later(seconds, lambda: self._fxs_dialed(line))

    @staticmethod
    def _cancel(line: FxsLine) -> None:
        if line.timer is not None:
            line.timer.cancel()
            line.timer = None

    def _fxs_dialed(self, line: FxsLine) -> None:
        self._cancel(line)
        if line.state != "dialing":
            return
        setting = PortSetting.get_or_none(PortSetting.port == line.port)
        caller = (setting.number if setting and setting.number else "") or line.port
        name = (setting.caller_id_name or setting.label) if setting else ""
        permission = setting.permission if setting else "internal"
        leg = FxsLeg(self, line.port)
        line.leg, line.state = leg, "call"
        call = LineCall(self.engine, leg, caller, name, line.digits)
        log.info("call %s: %s (%s) dialed %s", call.uniqueid, line.port, caller, line.digits)
        self.route(call, line.digits, permission)

    def fxs_released(self, leg: FxsLeg, cause: int) -> None:
        """The call ended this phone's leg: stop ringing it, or give busy tone until it hangs up."""
        line = self.fxs[leg.peer]
        if line.leg is not leg:
            return
        port = self.board.ports[leg.peer]
        line.leg = None
        if line.state == "ringing":
            port.stop_ring()
            line.state = "idle"
        elif line.state == "call":
            port.stop_tone()
            # The far end hung up or is busy: busy tone; anything else failed: congestion.
            port.play_tone("busy" if cause in (NORMAL, BUSY) else "congestion")
            line.state = "busytone"

    def fxs_free(self, name: str) -> bool:
        line = self.fxs.get(name)
        return line is not None and line.state == "idle" and not self.board.ports[name].faulty

    # --- routing ----------------------------------------------------------------------------

    def route(self, call: LineCall, digits: str, permission: str) -> None:
        """Route dialed digits from any caller leg (the engine's router decides for every caller)."""
        self.engine.router.route(call, digits, permission)

    def callee_leg(self, route: dialplan.Route) -> CallLeg:
        """Make the B leg for a board route: an idle FXS port or a free trunk member."""
        if route.kind == "sip":
            return self.engine.router.callee_leg(route)
        if route.kind == "fxs":
            if not self.fxs_free(route.target):
                waiting = getattr(self.engine, "callwaiting", None)  # telephony.lines.callwaiting
                leg = waiting.offer(route.target) if waiting is not None else None
                if leg is not None:
                    return leg
                raise RouteFailed(f"{route.target} is busy or faulty", BUSY)
            line = self.fxs[route.target]
            leg = FxsLeg(self, route.target)
            line.leg, line.state = leg, "ringing"
            return leg
        group = route.group
        for member in self.hunt_order(group):
            port = self.board.ports.get(member)
            if port is None or port.faulty:
                continue
            if port.kind == "fxo" and self._fxo_free(member):
                self.hunt_last[group.name] = member
                self.fxo_busy.add(member)
                self.fxo_legs[member] = FxoLeg(self, member, outbound=True)
                return self.fxo_legs[member]
            if port.kind == "e1" and self.span_up.get(member):
                return E1Leg(self, member, None)
        raise RouteFailed(f"no free line in trunk group {route.target}", NO_CIRCUIT)

    def hunt_order(self, group) -> list[str]:
        """Return the group's members in the order to try: as listed (linear), or starting after
        the member used last (round-robin, so wear and charges spread over the lines)."""
        if group is None:
            return []
        members = group.member_list()
        if group.hunt != "round-robin" or not members:
            return members
        last = self.hunt_last.get(group.name)
        start = members.index(last) + 1 if last in members else 0
        return members[start:] + members[:start]

    def _fxo_free(self, port: str) -> bool:
        if port in self.fxo_busy or port in self.fxo_pending:
            return False
        return time.monotonic() >= self.fxo_guard.get(port, 0.0)

    def trunk_done(self, port: str) -> None:
        if port in self.fxo_busy:
            self.fxo_guard[port] = time.monotonic() + FXO_GUARD
        self.fxo_busy.discard(port)
        self.fxo_legs.pop(port, None)

    def inbound(self, leg: CallLeg, trunk: str, caller: str, caller_name: str, did: str) -> LineCall:
        """A call from a trunk: route it by InboundRoute to an extension or FXS number."""
        call = LineCall(self.engine, leg, caller, caller_name, did)
        dest = dialplan.inbound(trunk, did)
        log.info("call %s: %s from %r to %r -> %s", call.uniqueid, leg.peer, caller, did, dest)
        if dest is None:
            call.fail(UNALLOCATED)
            return call
        route = dialplan.resolve(dest, "internal")
        if route.kind not in ("sip", "fxs") and self.engine.service_for(dest) is None:
            call.fail(UNALLOCATED)
            return call
        self.route(call, dest, "internal")
        return call

    # --- FXO --------------------------------------------------------------------------------

    def _fxo_event(self, port: str, event: ev.HalEvent) -> None:
        if isinstance(event, ev.RingStart):
            if port in self.fxo_busy or port in self.fxo_pending:
                return
            self.fxo_pending[port] = self.engine.call_later(CID_WAIT, lambda: self._fxo_route(port, "", ""))
        elif isinstance(event, ev.CallerId) and port in self.fxo_pending:
            self.fxo_pending.pop(port).cancel()
            self._fxo_route(port, event.number, event.name)
        elif isinstance(event, ev.RingStop):
            timer = self.fxo_pending.pop(port, None)
            if timer is not None:
                timer.cancel()
            leg = self.fxo_legs.get(port)
            if leg is not None and not leg.seized:  # the PSTN caller gave up before we answered
                leg._report_end(NORMAL)
        elif isinstance(event, ev.Disconnect):
            leg = self.fxo_legs.get(port)
            if leg is not None:
                log.info("%s: far end hung up (%s)", port, event.reason)
                leg._report_end(NORMAL)

    def _fxo_route(self, port: str, number: str, name: str) -> None:
        self.fxo_pending.pop(port, None)
        if port in self.fxo_busy:
            return
        self.fxo_busy.add(port)
        leg = FxoLeg(self, port, outbound=False)
        self.fxo_legs[port] = leg
        self.inbound(leg, port, number, name, "")

    # --- E1 ---------------------------------------------------------------------------------

    def _e1_setup(self, event: ev.E1Setup) -> None:
        span = event.port.split("/", 1)[0]
        leg = E1Leg(self, span, event.call_ref, event.port)
        self.e1_calls[(span, event.call_ref)] = leg
        self.board.ports[span].proceeding(event.call_ref)
        self.inbound(leg, span, event.calling, event.display, event.called)  # Display IE: the caller's name

    def _e1_progress(self, event: ev.HalEvent) -> None:
        span = event.port.split("/", 1)[0]
        leg = self.e1_calls.get((span, event.call_ref))
        if leg is None or leg.call is None:
            return
        if isinstance(event, ev.E1Alerting):
            leg.call.leg_alerting(leg)
        elif isinstance(event, ev.E1Connect):
            leg.call.leg_answered(leg)
        elif isinstance(event, ev.E1Disconnect):
            self.e1_calls.pop((span, event.call_ref), None)
            leg._report_end(event.cause)

    def _span_event(self, event: ev.HalEvent) -> None:
        span = event.port
        if isinstance(event, ev.SpanUp):
            self.span_up[span] = True
            log.info("%s up: back in routing", span)
        elif isinstance(event, ev.SpanDown):
            self.span_up[span] = False
            log.warning("%s down (%s): out of routing", span, event.reason)

    # --- status -----------------------------------------------------------------------------

    def ports(self) -> list[dict[str, Any]]:
        """Every port/channel: HAL info plus its settings and what the core is doing with it."""
        settings = {s.port: s for s in PortSetting.select()}
        out = []
        for name, port in self.board.ports.items():
            row = dict(port.info())
            setting = settings.get(name)
            row["number"] = setting.number if setting else None
            row["label"] = setting.label if setting else ""
            row["enabled"] = setting.enabled if setting else True
            if name in self.fxs:
                row["call_state"] = self.fxs[name].state
            elif port.kind == "fxo":
                row["call_state"] = "busy" if name in self.fxo_busy else "idle"
            elif port.kind == "e1":
                row["routing"] = self.span_up.get(name, False)
                row.setdefault("alarms", sorted(getattr(port, "alarms", ())))
            out.append(row)
        return out

"""pbx-core's engine: owns the pjsua2 endpoint and the one loop that runs everything.

The loop: `libHandleEvents` (pjsua2 runs with no worker threads and mainThreadOnly, so every
callback fires in here), then drain the event queue, then run due timers. Control requests from
the API thread arrive as events too. Nothing calls pjsua2 off this thread.
"""

from __future__ import annotations

import collections
import heapq
import itertools
import logging
import queue
import time
from collections.abc import Callable
from typing import Any

import pjsua2 as pj

from telephony.boxconfig import BoxConfig
from telephony.calls.incall import InCallCodes
from telephony.calls.router import Router
from telephony.cdr import CdrRecord, CdrWriter
from telephony.events import (
    Callback,
    ControlRequest,
    Event,
    IncomingCall,
    LegDtmf,
    LegMedia,
    LegState,
    LegTransfer,
)
from telephony.models import DEFAULT_REALM, Extension, Setting
from telephony.sip.objects import CoreAccount, Leg
from telephony.sipmsg import caller_identity, request_uri_user
from telephony.tones import TonePlayer

log = logging.getLogger(__name__)

LOOP_SLICE_MS = 10


def _noop() -> None:
    return None


class Timer:
    """A one-shot callback the loop runs at `due` unless cancelled."""

    __slots__ = ("due", "seq", "func", "cancelled")

    def __init__(self, due: float, seq: int, func: Callable[[], None]) -> None:
        self.due, self.seq, self.func, self.cancelled = due, seq, func, False

    def __lt__(self, other: Timer) -> bool:
        return (self.due, self.seq) < (other.due, other.seq)

    def cancel(self) -> None:
        # Drop the callback now: it holds the call and its pjsua2 Call objects, and a pj.Call freed
        # late (after pjsua reused its slot) would hang up whichever new call has that slot.
        self.cancelled = True
        self.func = _noop


class Engine:
    """The B2BUA: one pjsua2 endpoint, one account, calls bridged in the conference bridge."""

    def __init__(self, cfg: BoxConfig) -> None:
        self.cfg = cfg
        self.ep: pj.Endpoint | None = None
        self.account: CoreAccount | None = None
        self.events: collections.deque[Event] = collections.deque()
        self.control: queue.Queue[ControlRequest] = queue.Queue()
        self.timers: list[Timer] = []
        self._seq = itertools.count()
        self.calls: dict[str, Any] = {}  # LineCalls and the services' own call records, by uniqueid
        self.lines: Any = None  # telephony.lines.service.LineService once a board is attached
        # Why the board's line hardware could not be started (board, error, at), else None: the
        # core then runs SIP-only and says so in its status (web admin, `pbxctl status`).
        self.board_error: dict[str, str] | None = None
        self.queues: Any = None  # telephony.callcenter.runtime.service.QueueRuntime once started
        # Numbers served inside the core (queues, feature codes, ...): objects with owns(number),
        # complete(number) and enter(leg, caller, caller_name, number); the first owner wins.
        self.services: list[Any] = []
        self.router = Router(self)
        self.incall = InCallCodes(self)
        # Features that follow calls (recording, recent-calls lists, ...): objects with optional
        # methods named after the notice (`call_answered(call)`, `call_ended(call)`).
        self.observers: list[Any] = []
        self.legs: set[Leg] = set()
        self.tones = TonePlayer("cn")
        self.cdr = CdrWriter()
        self.started = time.monotonic()
        self.running = False
        self.handlers: dict[str, Callable[[dict], Any]] = {}
        self.realm = DEFAULT_REALM
        self.no_answer_timeout = 30.0
        self.calls_total = 0
        self.reload()

    # --- start / stop -----------------------------------------------------------------------

    def start(self) -> None:
        ep = pj.Endpoint()
        ep.libCreate()
        epcfg = pj.EpConfig()
        ua = epcfg.uaConfig
        ua.threadCnt = 0
        ua.mainThreadOnly = True
        ua.maxCalls = self.cfg.max_calls
        ua.userAgent = "pbx-core"
        med = epcfg.medConfig
        med.clockRate = 8000  # the 16 kHz default would resample every G.711 call
        med.sndClockRate = 8000
        med.ecTailLen = 0
        med.noVad = True
        med.maxMediaPorts = max(4 * self.cfg.max_calls, 254)
        epcfg.logConfig.level = 3
        epcfg.logConfig.consoleLevel = 2
        ep.libInit(epcfg)
        ep.audDevManager().setNullDev()
        tcfg = pj.TransportConfig()
        tcfg.port = self.cfg.core_sip_port
        tcfg.boundAddress = "127.0.0.1"
        ep.transportCreate(pj.PJSIP_TRANSPORT_UDP, tcfg)
        ep.libStart()
        self._limit_codecs(ep)
        self.ep = ep
        acfg = pj.AccountConfig()
        acfg.idUri = f"sip:pbx@127.0.0.1:{self.cfg.core_sip_port}"
        acfg.mediaConfig.transportConfig.port = self.cfg.rtp_port
        acfg.mediaConfig.transportConfig.portRange = 4 * self.cfg.max_calls
        acfg.mediaConfig.transportConfig.boundAddress = "127.0.0.1" if self._loopback_media() else ""
        acfg.callConfig.timerUse = pj.PJSUA_SIP_TIMER_OPTIONAL
        self.account = CoreAccount(self.post)
        self.account.create(acfg, True)
        self.cdr.start()
        self.running = True
        log.info(
            "pbx-core up: SIP 127.0.0.1:%d, RTP from %d; limits: maxCalls=%d, conference ports=%d "
            "(compiled PJSUA_MAX_CALLS=512, PJSUA_MAX_CONF_PORTS=2048, PJ_IOQUEUE_MAX_HANDLES=4096)",
            self.cfg.core_sip_port,
            self.cfg.rtp_port,
            self.cfg.max_calls,
            ep.mediaMaxPorts(),
        )

    def _loopback_media(self) -> bool:
        return self.cfg.sip_host.startswith("127.")

    @staticmethod
    def _limit_codecs(ep: pj.Endpoint) -> None:
        """Offer G.711 first: the bridge runs at 8 kHz and the box's own legs are G.711."""
        for info in ep.codecEnum2():
            prio = 0
            if info.codecId.startswith("PCMA/"):
                prio = 254
            elif info.codecId.startswith("PCMU/"):
                prio = 253
            elif info.codecId.startswith(("telephone-event", "G722/")):
                prio = 100
            ep.codecSetPriority(info.codecId, prio)

    def stop(self) -> None:
        """Hang up every call, store their CDRs, delete media ports, then destroy the library."""
        self.running = False
        if self.ep is None:
            return
        for call in list(self.calls.values()):
            for leg in (call.a, call.b):
                if leg is not None:
                    call._hangup(leg, 503)
        deadline = time.monotonic() + 2.0
        while self.calls and time.monotonic() < deadline:
            self.run_once()
        self.tones.release_all()
        self.calls.clear()
        if self.queues is not None:
            self.queues.close()  # its music players must go before libDestroy
            self.queues = None
        self.services.clear()
        if self.lines is not None:
            self.lines.stop()  # its bridge ports must go before libDestroy
            self.lines = None
        self.legs.clear()
        self.account = None
        self.cdr.stop()
        self.ep.libDestroy()
        self.ep = None

    # --- the loop ---------------------------------------------------------------------------

    def post(self, event: Event) -> None:
        """Queue an event from a pjsua2 callback (engine thread)."""
        self.events.append(event)

    def run_soon(self, func: Callable[[], None]) -> None:
        """Run func on the engine thread at its next turn (safe from any thread: a deque append)."""
        self.events.append(Callback(func))

    def submit(self, request: ControlRequest) -> None:
        """Queue a control request from another thread."""
        self.control.put(request)

    def run(self) -> None:
        while self.running:
            self.run_once()

    def run_once(self, slice_ms: int = LOOP_SLICE_MS) -> None:
        timeout = slice_ms
        if self.timers:
            timeout = max(0, min(slice_ms, int((self.timers[0].due - time.monotonic()) * 1000)))
        if self.events:
            timeout = 0
        self.ep.libHandleEvents(timeout)
        if self.lines is not None:
            self.lines.poll()
        while self.events:
            self.dispatch(self.events.popleft())
        while True:
            try:
                request = self.control.get_nowait()
            except queue.Empty:
                break
            self.dispatch(request)
        now = time.monotonic()
        while self.timers and self.timers[0].due <= now:
            timer = heapq.heappop(self.timers)
            if not timer.cancelled:
                timer.func()

    def call_later(self, delay: float, func: Callable[[], None]) -> Timer:
        timer = Timer(time.monotonic() + delay, next(self._seq), func)
        heapq.heappush(self.timers, timer)
        return timer

    def dispatch(self, event: Event) -> None:
        try:
            if isinstance(event, LegState):
                if event.leg.call is not None:
                    event.leg.call.on_leg_state(event.leg, event.state, event.status_code)
                if event.state == pj.PJSIP_INV_STATE_DISCONNECTED and event.leg.call is None:
                    self.legs.discard(event.leg)
            elif isinstance(event, LegMedia):
                if event.leg.call is not None:
                    event.leg.call.on_leg_media(event.leg)
            elif isinstance(event, LegDtmf):
                handler = getattr(event.leg.call, "on_leg_dtmf", None)
                if handler is not None:
                    handler(event.leg, event.digit)
            elif isinstance(event, Callback):
                event.func()
            elif isinstance(event, IncomingCall):
                self._incoming(event)
            elif isinstance(event, LegTransfer):
                self.legs.add(event.new_leg)  # pjsua dials it already: keep the object alive
                transfers = getattr(self, "transfers", None)  # telephony.calls.transfer
                if transfers is not None:
                    transfers.on_refer(event)
                else:
                    event.new_leg.hangup(pj.CallOpParam(True))
            elif isinstance(event, ControlRequest):
                self._control(event)
        except pj.Error as exc:
            log.error("pjsua2 error handling %s: %s", type(event).__name__, exc.info())
        except Exception:  # one bad event must not stop the box; it is logged with its trace
            log.exception("error handling %s", type(event).__name__)

    # --- calls ------------------------------------------------------------------------------

    def new_leg(self) -> Leg:
        leg = Leg(self.account, self.post)
        self.legs.add(leg)
        return leg

    def _incoming(self, event: IncomingCall) -> None:
        leg = event.leg
        self.legs.add(leg)
        # Only kamailio may hand us calls: it authenticated the caller.
        if event.source != f"127.0.0.1:{self.cfg.sip_port}":
            log.warning("refusing INVITE from %s: not the SIP edge", event.source)
            prm = pj.CallOpParam(True)
            prm.statusCode = 403
            leg.hangup(prm)
            return
        from_name, caller = caller_identity(event.message)
        caller_name = self.extension_name(caller) or from_name
        callee = request_uri_user(event.message)
        row = Extension.select(Extension.permission).where(Extension.number == caller).first()
        self.router.from_sip(leg, caller, caller_name, callee, row.permission if row else "internal")

    def finish(self, call: Any, record: CdrRecord) -> None:
        """Forget a call whose legs have both ended and queue its CDR."""
        self.calls.pop(call.uniqueid, None)
        for leg in (call.a, call.b):
            if leg is not None:
                leg.call = None
                self.legs.discard(leg)
        self.cdr.submit(record)
        log.info("call %s ended: %s %s", call.uniqueid, record.disposition, record.status_code)

    def notify(self, notice: str, *args: Any) -> None:
        """Tell every observer that has a method `notice`; one failing observer stops no call."""
        for observer in self.observers:
            method = getattr(observer, notice, None)
            if method is None:
                continue
            try:
                method(*args)
            except Exception:  # a recorder's full disk must not break the call
                log.exception("%s.%s failed", type(observer).__name__, notice)

    def service_for(self, number: str) -> Any:
        """The core service (queue, feature code, ...) a dialed number reaches, if any."""
        return next((s for s in self.services if s.owns(number)), None)

    def is_extension(self, number: str) -> bool:
        return Extension.select().where((Extension.number == number) & Extension.enabled).exists()

    def extension_name(self, number: str) -> str:
        """Return the name the admin gave an extension (trusted, unlike a phone's From display)."""
        row = Extension.select(Extension.name).where(Extension.number == number).first()
        return row.name if row else ""

    def extension_uri(self, number: str) -> str:
        host = "127.0.0.1" if self.cfg.sip_host in ("0.0.0.0", "") else self.cfg.sip_host
        return f"sip:{number}@{host}:{self.cfg.sip_port}"

    def reload(self) -> None:
        """Re-read the settings the core caches; extensions are read per call, never cached."""
        self.realm = Setting.get_value("sip_realm", DEFAULT_REALM)
        self.no_answer_timeout = float(Setting.get_value("no_answer_timeout", "30"))
        if self.lines is not None:
            self.lines.apply_settings()
        if self.queues is not None:
            self.queues.load()

    # --- control ----------------------------------------------------------------------------

    def _control(self, request: ControlRequest) -> None:
        handler = self.handlers.get(request.command)
        if handler is None:
            request.reply.set_exception(KeyError(f"unknown command {request.command}"))
            return
        try:
            request.reply.set_result(handler(request.args))
        except Exception as exc:  # the error goes back to the API caller
            request.reply.set_exception(exc)

    def status(self) -> dict:
        return {
            "uptime": round(time.monotonic() - self.started, 1),
            "calls": [c.summary() for c in self.calls.values()],
            "calls_total": self.calls_total,
            "legs": len(self.legs),
            "limits": {"max_calls": self.cfg.max_calls, "conference_ports": self.ep.mediaMaxPorts()},
            "conference_ports_in_use": self.ep.mediaActivePorts(),
            "ports_summary": self.ports_summary(),
            "board_error": self.board_error,
        }

    def ports_summary(self) -> dict[str, int]:
        """Count the board's ports by state (empty when the core runs SIP-only)."""
        out: dict[str, int] = {}
        if self.lines is not None:
            for row in self.lines.ports():
                out[row["state"]] = out.get(row["state"], 0) + 1
        return out

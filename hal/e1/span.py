"""Run an E1 span: layer 1 state from the line module, 30 B-channels with audio, calls via a Signalling.

Ports: the span is `e1` (or the name the board gives it), its B-channels `e1/1`..`e1/30` (timeslots 1-15
and 17-31; timeslot 16 is the D-channel). Events posted (hal.events), all stamped on arrival:

    SpanAlarm(port=span, alarm='LOS'|'AIS'|'RAI'|'LOF', on)   each alarm raised or cleared
    SpanDown(port=span, reason)  the span stopped carrying calls (alarm, D-channel down, module lost)
    SpanUp(port=span)            module connected, no alarm, signalling link established (and, when
                                 the signalling restarts on link-up, its RESTART acknowledged)
    PortFaulted(port=span, reason) / PortRecovered(port=span)   the line module's serial link
    E1Setup(port=e1/N, call_ref, calling, called, display)   incoming call; answer with
                                 proceeding/alerting/answer (display: the SETUP's Display IE or "")
    E1Proceeding / E1Alerting / E1Connect(port=e1/N, call_ref[, display])   progress of a call we placed
    E1Disconnect(port=e1/N or span, call_ref, cause)  the far end cleared or the call failed (once per
                                 call; not posted when the core cleared first with hangup())

When the span goes down, calls not yet answered are dropped at once with E1Disconnect cause 41
(temporary failure); answered calls are held for T309 (6 s) and carry on if the D-channel comes back in
time, else they are dropped with cause 41 too (hal.e1.pri).
Threads: the line driver's reader thread delivers frames; a small timer thread polls protocol timers;
the core calls the API from its own loop. One lock serialises all of it; events go out through `post`
(e.g. a queue's put), never into core code directly.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from hal import events
from hal.analog.dtmf import DtmfDetector
from hal.e1 import pri  # noqa: F401  registers the 'pri' signalling
from hal.e1.errors import SpanNotReady, UnknownCall
from hal.e1.signalling import SIGNALLINGS, ChannelPool, Signalling, b_to_ts
from hal.isdn.timers import Clock
from hal.ports import AudioChannel, E1Channel, E1Span

log = logging.getLogger(__name__)

POLL_INTERVAL = 0.02
Post = Callable[[events.HalEvent], None]


class Line(Protocol):
    """What the span needs from its line module driver (hal.drivers.e1_uart.E1Uart)."""

    def start(self, listener: Any) -> None: ...

    def stop(self) -> None: ...

    def attach_audio(self, audio: Mapping[int, AudioChannel]) -> None: ...

    def send_signalling(self, frame: bytes) -> None: ...

    def stats(self) -> dict[str, Any]: ...


class BChannel(E1Channel):
    """One B-channel port; its state comes from the span's channel pool."""

    def __init__(self, name: str, b: int, span: Span) -> None:
        super().__init__(name)
        self.b, self.timeslot, self._span = b, b_to_ts(b), span

    @property
    def listen_digits(self) -> bool:
        return self.audio.tap is not None

    @listen_digits.setter
    def listen_digits(self, on: bool) -> None:
        """Detect in-band DTMF in what the carrier sends on this channel and post Digit events."""
        if not on:
            self.audio.tap = None
            return
        detector = DtmfDetector()

        def tap(frame: bytes) -> None:
            digit = detector.feed(frame)
            if digit:
                self._span.post(events.Digit(self.name, digit, mode="dtmf"))

        self.audio.tap = tap

    @property
    def call_ref(self) -> int | None:
        return self._span.pool.owner_of(self.timeslot)

    def state(self) -> str:
        if self._span.faulty:
            return "faulty"
        if self.call_ref is not None:
            return "busy"
        return "idle" if self._span.is_up else "blocked"

    def info(self) -> dict[str, Any]:
        return {**super().info(), "timeslot": self.timeslot, "call_ref": self.call_ref}


class Span(E1Span):
    """An E1 span on a line module; `signalling` names the call control (SIGNALLINGS: 'pri')."""

    def __init__(
        self,
        name: str = "e1",
        *,
        line: Line,
        post: Post,
        signalling: str = "pri",
        network: bool = False,
        clock: Clock = time.monotonic,
        signalling_options: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(name)
        self.line, self.post, self.clock = line, post, clock
        self.channels: dict[str, E1Channel] = {
            f"{name}/{b}": BChannel(f"{name}/{b}", b, self) for b in range(1, 31)
        }
        self._by_ts = {ch.timeslot: ch for ch in self.channels.values() if isinstance(ch, BChannel)}
        self.pool = ChannelPool(self._by_ts)
        self._lock = threading.RLock()
        if signalling not in SIGNALLINGS:
            raise ValueError(f"unknown signalling {signalling!r} (known: {', '.join(sorted(SIGNALLINGS))})")
        options = dict(signalling_options or {})
        self.sig: Signalling = SIGNALLINGS[signalling](
            self, self.pool, network=network, clock=clock, **options
        )
        self.alarms: frozenset[str] = frozenset()
        self._connected = False
        self._layer1 = False
        self._up = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # --- lifecycle --------------------------------------------------------------------------------
    def start(self) -> Span:
        self.line.attach_audio({ts: ch.audio for ts, ch in self._by_ts.items()})
        self._stop.clear()
        self._thread = threading.Thread(target=self._run_timers, name=f"{self.name}-timers", daemon=True)
        self._thread.start()
        self.line.start(self)
        return self

    def stop(self) -> None:
        self._stop.set()
        self.line.stop()
        if self._thread is not None:
            self._thread.join(timeout=2)

    def _run_timers(self) -> None:
        while not self._stop.wait(POLL_INTERVAL):
            with self._lock:
                self.sig.poll()

    # --- status -----------------------------------------------------------------------------------
    @property
    def is_up(self) -> bool:
        return self._up

    def state(self) -> str:
        if self.faulty:
            return "faulty"
        if self.alarms:
            return "alarm"
        return "up" if self._up else "down"

    def info(self) -> dict[str, Any]:
        with self._lock:
            return {
                **super().info(),
                "alarms": sorted(self.alarms),
                "signalling": self.sig.name,
                "calls": self.sig.calls(),
                "line": self.line.stats(),
            }

    # --- E1Span API (core side) -------------------------------------------------------------------
    def place_call(self, calling: str, called: str, channel: str | None = None) -> int:
        """Send SETUP on a free (or the named e1/N) B-channel; raise CallRefused(cause) when impossible:
        NoChannelAvailable (34), ChannelUnavailable (44), SpanNotReady (38)."""
        ts = None
        if channel is not None:
            ch = self.channels.get(channel)
            if not isinstance(ch, BChannel):
                raise ValueError(f"{self.name} has no B-channel {channel!r}")
            ts = ch.timeslot
        with self._lock:
            if not self._up:
                raise SpanNotReady(f"{self.name} is {self.state()}")
            ref = self.sig.place_call(calling, called, ts)
        log.info("%s: call %d placed %s -> %s", self.name, ref, calling, called)
        return ref

    def proceeding(self, call_ref: int) -> None:
        with self._lock:
            self.sig.proceeding(call_ref)

    def alerting(self, call_ref: int) -> None:
        with self._lock:
            self.sig.alerting(call_ref)

    def answer(self, call_ref: int) -> None:
        with self._lock:
            self.sig.answer(call_ref)

    def hangup(self, call_ref: int, cause: int = 16) -> None:
        """Clear the call; a call already gone or clearing is left alone."""
        with self._lock:
            self.sig.hangup(call_ref, cause)

    def channel_of(self, call_ref: int) -> str:
        with self._lock:
            ts = self.sig.timeslot_of(call_ref)
        if ts is None:
            raise UnknownCall(f"call {call_ref} has no B-channel yet")
        return self._by_ts[ts].name

    # --- LineListener (driver's reader thread) ----------------------------------------------------
    def line_connected(self) -> None:
        with self._lock:
            self._connected = True
            if self.fault is not None:
                log.info("%s: line module back", self.name)
                self.fault = None
                self.post(events.PortRecovered(self.name))

    def line_lost(self, reason: str) -> None:
        with self._lock:
            self._connected = False
            self.fault = reason
            self.post(events.PortFaulted(self.name, reason))
            self._set_layer1()
            self._update()

    def line_status(self, alarms: frozenset[str]) -> None:
        with self._lock:
            for alarm in sorted(alarms ^ self.alarms):
                on = alarm in alarms
                (log.warning if on else log.info)("%s: alarm %s %s", self.name, alarm, "on" if on else "off")
                self.post(events.SpanAlarm(self.name, alarm, on))
            self.alarms = alarms
            self._set_layer1()
            self._update()

    def line_signalling(self, frame: bytes) -> None:
        with self._lock:
            self.sig.receive(frame)

    # --- SignallingUser ---------------------------------------------------------------------------
    def sig_transmit(self, frame: bytes) -> None:
        self.line.send_signalling(frame)

    def sig_link(self, up: bool) -> None:
        self._update()

    def sig_event(self, call_ref: int, event: str, **data: Any) -> None:
        ts = data.get("timeslot") or self.sig_timeslot(call_ref)
        port = self._by_ts[ts].name if ts in self._by_ts else self.name
        if event == "setup":
            self._by_ts[ts].audio.clear()
            log.info(
                "%s: incoming call %d %s -> %s on %s",
                self.name,
                call_ref,
                data["calling"],
                data["called"],
                port,
            )
            self.post(
                events.E1Setup(
                    port,
                    call_ref=call_ref,
                    calling=data["calling"],
                    called=data["called"],
                    display=data.get("display", ""),
                )
            )
        elif event == "proceeding":
            self.post(events.E1Proceeding(port, call_ref=call_ref))
        elif event == "alerting":
            self.post(events.E1Alerting(port, call_ref=call_ref))
        elif event == "connect":
            self.post(events.E1Connect(port, call_ref=call_ref, display=data.get("display", "")))
        elif event == "disconnect":
            self.post(events.E1Disconnect(port, call_ref=call_ref, cause=data["cause"]))
        elif event == "released" and ts in self._by_ts:
            self._by_ts[ts].audio.clear()

    def sig_timeslot(self, call_ref: int) -> int | None:
        try:
            return self.sig.timeslot_of(call_ref)
        except UnknownCall:
            return None

    # --- internals --------------------------------------------------------------------------------
    def _set_layer1(self) -> None:
        layer1 = self._connected and not self.alarms
        if layer1 != self._layer1:
            self._layer1 = layer1
            self.sig.layer1(layer1)

    def _update(self) -> None:
        up = self._connected and not self.alarms and self.sig.up
        if up == self._up:
            return
        self._up = up
        if up:
            log.info("%s: span up", self.name)
            self.post(events.SpanUp(self.name))
            return
        if not self._connected:
            reason = f"line module lost: {self.fault}"
        elif self.alarms:
            reason = "alarm " + ",".join(sorted(self.alarms))
        else:
            reason = "D-channel down"
        log.warning("%s: span down: %s", self.name, reason)
        self.post(events.SpanDown(self.name, reason))

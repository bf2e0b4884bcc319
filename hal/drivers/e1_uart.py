"""Drive an E1 line module over a UART: D-channel frames, alarms, commands and (optionally) voice.

The module (framer + microcontroller, e.g. a DS26521 behind an MCU) speaks the framed protocol of
hal.e1.wire: 0x7E-delimited, byte-stuffed frames with a CRC-16, carrying Q.921 frames of timeslot 16
(SIG), alarm reports (STATUS: LOS, AIS, RAI, LOF), commands (CONFIG framing CRC-4 / line code HDB3,
LOOPBACK, STATUS_REQ) and, when the module is not wired to the SoC's PCM bus, 20 ms blocks of A-law voice
for the B-channel timeslots (PCM). The simulated carrier always uses the PCM frames; a board whose module
puts voice on the PCM/TDM bus never receives any, and the audio path is the PCM bus driver's.

Voice: the module is the clock. Each PCM block it sends is converted (whole blocks, in C) and queued on
the timeslot's AudioChannel; the driver answers at once with one block per timeslot taken from the same
AudioChannels (silence when the core has nothing queued).

Link loss: a read or write error, or the port vanishing, closes the port, tells the listener
(`line_lost`, once per outage) and reopens the port every `reconnect_interval` seconds until it works
(`line_connected`). Garbage on the line is dropped by the decoder, which resyncs on the next flag and
counts it (`stats`). Everything received is handled on the driver's reader thread.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable, Mapping
from typing import Any, Protocol

import serial

from hal.drivers.bus import open_serial
from hal.e1 import g711, wire
from hal.ports import AudioChannel

log = logging.getLogger(__name__)

READ_TIMEOUT = 0.05


class LineListener(Protocol):
    """Who the driver reports to (the span); called on the driver's reader thread."""

    def line_connected(self) -> None: ...

    def line_lost(self, reason: str) -> None: ...

    def line_status(self, alarms: frozenset[str]) -> None: ...

    def line_signalling(self, frame: bytes) -> None: ...


class E1Uart:
    """One E1 line module on a serial port (a real UART, or a pty in the simulator)."""

    def __init__(
        self,
        device: str,
        *,
        baud: int = 921600,
        framing: str = "crc4",
        line_code: str = "hdb3",
        reconnect_interval: float = 0.5,
        opener: Callable[[], Any] | None = None,
        name: str = "e1",
    ) -> None:
        if framing not in wire.FRAMINGS or line_code not in wire.LINE_CODES:
            raise ValueError(f"unknown framing {framing!r} or line code {line_code!r}")
        self.device, self.name = device, name
        self.framing, self.line_code = framing, line_code
        self.reconnect_interval = reconnect_interval
        self._open = opener or functools.partial(open_serial, device, baud, READ_TIMEOUT)
        self._listener: LineListener | None = None
        self._audio: Mapping[int, AudioChannel] = {}
        self._port: Any = None
        self._wlock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._decoder = wire.Decoder(f"{name} uart")
        self._lost_reported = False
        self.frames_sent = 0
        self.unknown_frames = 0

    # --- lifecycle ------------------------------------------------------------------------------
    def start(self, listener: LineListener) -> None:
        """Open the port (retrying in the background) and start handling what the module sends."""
        self._listener = listener
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=f"{self.name}-uart", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
        self._close()

    @property
    def connected(self) -> bool:
        return self._port is not None

    def attach_audio(self, audio: Mapping[int, AudioChannel]) -> None:
        """Give the AudioChannel of each timeslot the module's PCM blocks belong to."""
        self._audio = audio

    def stats(self) -> dict[str, Any]:
        c = self._decoder.counters
        return {
            "connected": self.connected,
            "frames_received": c.frames,
            "frames_sent": self.frames_sent,
            "garbage_bytes": c.garbage_bytes,
            "bad_frames": c.bad_frames,
            "unknown_frames": self.unknown_frames,
        }

    # --- commands ------------------------------------------------------------------------------
    def send_signalling(self, frame: bytes) -> None:
        self._write(wire.encode(wire.Kind.SIG, frame))

    def configure(self, framing: str | None = None, line_code: str | None = None) -> None:
        """Set framing ('crc4' or 'doubleframe') and line code ('hdb3' or 'ami'); resent on reconnect."""
        self.framing = framing or self.framing
        self.line_code = line_code or self.line_code
        payload = bytes((wire.FRAMINGS[self.framing], wire.LINE_CODES[self.line_code]))
        self._write(wire.encode(wire.Kind.CONFIG, payload))

    def loopback(self, mode: str) -> None:
        """Loop 'local' (host audio back to the host), 'remote' (line back to the line) or 'none'."""
        self._write(wire.encode(wire.Kind.LOOPBACK, bytes((wire.LOOPBACKS[mode],))))

    def request_status(self) -> None:
        self._write(wire.encode(wire.Kind.STATUS_REQ))

    # --- I/O ------------------------------------------------------------------------------------
    def _write(self, data: bytes) -> None:
        with self._wlock:
            port = self._port
            if port is None:
                log.debug("%s: port closed, %d octets not sent", self.name, len(data))
                return
            try:
                port.write(data)
                self.frames_sent += 1
            except (serial.SerialException, OSError) as e:
                log.warning("%s: write failed: %s", self.name, e)
                self._port = None  # the reader notices and reconnects
                self._safe_close(port)

    def _run(self) -> None:
        while not self._stop.is_set():
            port = self._port
            if port is None:
                if not self._connect():
                    self._stop.wait(self.reconnect_interval)
                continue
            try:
                data = port.read(max(1, port.in_waiting))
            except (serial.SerialException, OSError, TypeError, AttributeError) as e:
                # pyserial raises TypeError/AttributeError when another thread closed the port
                self._lost(f"serial read failed: {e}")
                continue
            if data:
                self._handle(data)

    def _connect(self) -> bool:
        try:
            port = self._open()
        except (serial.SerialException, OSError, ValueError) as e:
            self._report_lost(f"cannot open {self.device}: {e}")
            return False
        with self._wlock:
            self._port = port
        self._lost_reported = False
        self._decoder = wire.Decoder(f"{self.name} uart")
        log.info("%s: line module connected on %s", self.name, self.device)
        if self._listener:
            self._listener.line_connected()
        self.configure()
        self.request_status()
        return True

    def _lost(self, reason: str) -> None:
        self._close()
        self._report_lost(reason)
        self._stop.wait(self.reconnect_interval)

    def _report_lost(self, reason: str) -> None:
        if self._lost_reported:
            return
        self._lost_reported = True
        log.error("%s: line module link lost: %s", self.name, reason)
        if self._listener:
            self._listener.line_lost(reason)

    def _close(self) -> None:
        with self._wlock:
            port, self._port = self._port, None
        if port is not None:
            self._safe_close(port)

    @staticmethod
    def _safe_close(port: Any) -> None:
        try:
            port.close()
        except (serial.SerialException, OSError) as e:
            log.debug("closing the port: %s", e)

    def _handle(self, data: bytes) -> None:
        for kind, payload in self._decoder.feed(data):
            try:
                if kind == wire.Kind.SIG:
                    if self._listener:
                        self._listener.line_signalling(payload)
                elif kind == wire.Kind.PCM:
                    self._pcm(payload)
                elif kind == wire.Kind.STATUS:
                    if self._listener:
                        self._listener.line_status(wire.decode_status(payload))
                else:
                    self.unknown_frames += 1
                    log.warning("%s: ignored frame of unknown kind 0x%02x", self.name, kind)
            except ValueError as e:
                self._decoder.counters.bad_frames += 1
                log.warning("%s: ignored malformed frame of kind 0x%02x: %s", self.name, kind, e)

    def _pcm(self, payload: bytes) -> None:
        blocks = wire.decode_pcm(payload)
        reply: dict[int, bytes] = {}
        for ts, alaw in blocks.items():
            audio = self._audio.get(ts)
            if audio is None:
                reply[ts] = g711.alaw_silence(wire.PCM_BLOCK)
                continue
            audio.put_from_line(g711.alaw_to_linear(alaw))
            reply[ts] = g711.linear_to_alaw(audio.take_to_line())
        self._write(wire.encode_pcm(reply))

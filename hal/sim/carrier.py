"""Simulate a carrier switch on the far end of the E1, reached through a pty like the real line module.

The box's driver (hal.drivers.e1_uart) opens `CarrierSim.path`, a symlink to the pty's slave side, and
speaks the module protocol (hal.e1.wire) to it. This side plays both the module (alarm reports, 20 ms PCM
blocks as the clock master, commands) and the carrier exchange behind it: network-side Q.921/Q.931 with
the same stack the box runs (hal.e1.pri, network=True).

API (thread-safe): call(calling, called, display=...) -> call_id; answer/alert/proceeding/busy/
hangup(call_id); events(call_id) (what the carrier received from the box, per call); calls(); los(on) and
alarm(name, on) (cable pulled, AIS, RAI, LOF); garbage(data) (raw bytes on the UART); unplug()/replug()
(the serial link drops and comes back); restart() (RESTART all interfaces); play(channel, wav) and
record(channel, wav, seconds) on B-channels 1..30 (or 'e1/N').

Calls the box places get CALL PROCEEDING at once (auto_proceeding), then what the answer mode says
(set_answer_mode(mode), globally or for one called number):

    proceeding   nothing more: the caller answers, alerts or clears the call by hand (the default)
    alert        ALERTING, then it rings until answer(call_id), busy(call_id) or hangup(call_id)
    answer       CONNECT at once (auto-answer)
    busy         DISCONNECT cause 17 (user busy)
"""

from __future__ import annotations

import collections
import dataclasses
import logging
import os
import select
import shutil
import tempfile
import threading
import time
import tty
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hal.e1 import g711, wire
from hal.e1.pri import PEER_REF, PriSignalling
from hal.e1.signalling import ChannelPool, b_to_ts, ts_to_b
from hal.isdn.q921_link import LinkConfig
from hal.isdn.q931 import IE, MT, Message
from hal.isdn.q931_call import CallTimers
from hal.ports import FRAME_BYTES, SILENCE

log = logging.getLogger(__name__)

TICK = 0.02
WRITE_TIMEOUT = 0.2
ANSWER_MODES = ("proceeding", "alert", "answer", "busy")
USER_BUSY = 17


@dataclasses.dataclass
class _Recording:
    path: Path
    frames_wanted: int
    frames: list[bytes] = dataclasses.field(default_factory=list)
    done: threading.Event = dataclasses.field(default_factory=threading.Event)

    def add(self, frame: bytes) -> None:
        if self.done.is_set():
            return
        self.frames.append(frame)
        if len(self.frames) >= self.frames_wanted:
            with wave.open(str(self.path), "wb") as out:
                out.setnchannels(1)
                out.setsampwidth(2)
                out.setframerate(8000)
                out.writeframes(b"".join(self.frames))
            self.done.set()


def _timeslot(channel: int | str) -> int:
    """Accept a B-channel number 1..30 or a port name 'e1/N'."""
    b = int(channel.rsplit("/", 1)[-1]) if isinstance(channel, str) else channel
    return b_to_ts(b)


class CarrierSim:
    """A network-side PRI switch plus line module on a pty; see the module docstring."""

    def __init__(
        self,
        directory: str | Path | None = None,
        *,
        auto_proceeding: bool = True,
        link_config: LinkConfig | None = None,
        call_timers: CallTimers | None = None,
        restart_on_link_up: bool = False,
        answer_mode: str = "proceeding",
    ) -> None:
        self._own_dir = directory is None
        self.directory = Path(directory or tempfile.mkdtemp(prefix="e1-carrier-"))
        self.path = str(self.directory / "e1-uart")
        self.auto_proceeding = auto_proceeding
        self._lock = threading.RLock()
        self._wlock = threading.Lock()
        self.pool = ChannelPool()
        self.sig = PriSignalling(
            self,
            self.pool,
            network=True,
            link_config=link_config,
            call_timers=call_timers,
            tap=self._tap,
            restart_on_link_up=restart_on_link_up,
        )
        self.answer_mode = _check_mode(answer_mode)
        self._modes_by_number: dict[str, str] = {}
        self.alarms: set[str] = set()
        self.config: dict[str, int] = {}
        self.loopback_mode = 0
        self.link_up = False
        self._layer1 = False
        self.overruns = 0
        self._master: int | None = None
        self._slave: int | None = None
        self._decoder = wire.Decoder("carrier")
        self._events: dict[int, list[dict[str, Any]]] = collections.defaultdict(list)
        self._info: dict[int, dict[str, Any]] = {}
        self._players: dict[int, collections.deque[bytes]] = {}
        self._recordings: dict[int, _Recording] = {}
        self._unplug = threading.Event()
        self._unplugged = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    # --- lifecycle ------------------------------------------------------------------------------
    def start(self) -> CarrierSim:
        self._plug()
        for target, name in ((self._read_loop, "carrier-rx"), (self._tick_loop, "carrier-tick")):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    @property
    def running(self) -> bool:
        return bool(self._threads) and not self._stop.is_set()

    def close(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=2)
        self._close_pty()
        if self._own_dir:
            shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self) -> CarrierSim:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _plug(self) -> None:
        master, slave = os.openpty()
        tty.setraw(slave)  # no echo, no line discipline: a byte pipe like a UART
        os.set_blocking(master, False)
        tmp = self.path + ".new"
        os.symlink(os.ttyname(slave), tmp)
        os.replace(tmp, self.path)
        with self._wlock:
            self._master, self._slave = master, slave
        self._decoder = wire.Decoder("carrier")
        self.config = {}  # the line starts once the host configures the module
        log.info("carrier: line module on %s -> %s", self.path, os.ttyname(slave))

    def _close_pty(self) -> None:
        with self._wlock:
            fds, self._master, self._slave = (self._master, self._slave), None, None
        for fd in fds:
            if fd is not None:
                os.close(fd)
        with self._lock:
            self.config = {}
            self._set_layer1()

    def _set_layer1(self) -> None:
        up = bool(self.config) and not self.alarms and self._master is not None
        if up != self._layer1:
            self._layer1 = up
            self.sig.layer1(up)

    def unplug(self) -> None:
        """Pull the serial cable: the pty goes away and the box's driver sees its link drop."""
        self._unplugged.clear()
        self._unplug.set()
        if not self._unplugged.wait(2):
            raise TimeoutError("carrier reader did not release the pty")
        Path(self.path).unlink(missing_ok=True)

    def replug(self) -> None:
        """Plug the serial cable back (a new pty behind the same path)."""
        self._plug()

    # --- calls ----------------------------------------------------------------------------------
    def call(self, calling: str, called: str, channel: int | str | None = None, display: str = "") -> int:
        """Offer a call to the box (exclusive channel; "any channel" when the carrier has none free);
        `display` sends a Display IE (the caller's name) in the SETUP.

        A carrier places calls only on an established D-channel: when its own link is still coming
        up (the box may see its side up a moment earlier), wait for it briefly instead of refusing.
        """
        try:
            self.wait_for(lambda: self.sig.up, timeout=3.0, what="the carrier's D-channel")
        except TimeoutError:
            pass  # place_call below refuses with SpanNotReady (cause 38), naming the reason
        with self._lock:
            ts = None if channel is None else _timeslot(channel)
            call_id = self.sig.place_call(calling, called, ts, any_channel=True, display=display)
            self._info[call_id] = {"direction": "to_box", "calling": calling, "called": called}
            if display:
                self._info[call_id]["display"] = display
            return call_id

    def set_answer_mode(self, mode: str, number: str | None = None) -> None:
        """Choose what happens to the box's calls (ANSWER_MODES): for every call, or only for calls to
        `number` (that setting wins over the global one; mode "" removes it)."""
        with self._lock:
            if number is None:
                self.answer_mode = _check_mode(mode)
            elif mode:
                self._modes_by_number[number] = _check_mode(mode)
            else:
                self._modes_by_number.pop(number, None)

    def answer_mode_for(self, called: str) -> str:
        with self._lock:
            return self._modes_by_number.get(called, self.answer_mode)

    def answer(self, call_id: int, display: str = "") -> None:
        """Answer (CONNECT, with a Display IE when `display` is given)."""
        with self._lock:
            self.sig.answer(call_id, display)

    def busy(self, call_id: int) -> None:
        """The called party is busy: clear with cause 17."""
        self.hangup(call_id, USER_BUSY)

    def alert(self, call_id: int) -> None:
        with self._lock:
            self.sig.alerting(call_id)

    def proceeding(self, call_id: int) -> None:
        with self._lock:
            self.sig.proceeding(call_id)

    def hangup(self, call_id: int, cause: int = 16) -> None:
        with self._lock:
            self.sig.hangup(call_id, cause)

    def restart(self) -> None:
        """Send RESTART for the whole interface (every call is dropped on both sides)."""
        with self._lock:
            self.sig.restart()

    def events(self, call_id: int | None = None) -> list[dict[str, Any]]:
        """What the carrier got from the box: Q.931 messages per call ('setup', 'connect', 'disconnect'
        with 'cause', ...) and 'released' when the call was gone; all calls when call_id is None."""
        with self._lock:
            if call_id is not None:
                return list(self._events.get(call_id, []))
            return [{"call_id": cid, **ev} for cid, evs in self._events.items() for ev in evs]

    def event_names(self, call_id: int) -> list[str]:
        return [ev["event"] for ev in self.events(call_id)]

    def calls(self) -> list[dict[str, Any]]:
        """Every call seen: call_id, direction (to_box/from_box), calling, called, channel (1..30) and
        state (the carrier's Q.931 state, N0..N19, or 'released')."""
        with self._lock:
            live = {c["call_ref"]: c for c in self.sig.calls()}
            out = []
            for call_id, info in self._info.items():
                c = live.get(call_id)
                ts = c["timeslot"] if c else info.get("timeslot")
                public = {k: v for k, v in info.items() if k != "timeslot"}
                channel = ts_to_b(ts) if ts else None
                out.append(
                    {
                        "call_id": call_id,
                        **public,
                        "channel": channel,
                        "state": c["state"] if c else "released",
                    }
                )
            return out

    def wait_for(self, predicate: Callable[[], Any], timeout: float = 5.0, what: str = "condition") -> Any:
        """Poll `predicate` until it returns something true; raise TimeoutError naming `what`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = predicate()
            if result:
                return result
            time.sleep(0.005)
        raise TimeoutError(f"carrier: timed out waiting for {what}")

    # --- line -------------------------------------------------------------------------------------
    def los(self, on: bool) -> None:
        """Pull (on) or plug back (off) the E1 cable: loss of signal on both sides."""
        self.alarm("LOS", on)

    def alarm(self, name: str, on: bool) -> None:
        if name not in wire.ALARMS:
            raise ValueError(f"unknown alarm {name!r}")
        with self._lock:
            (self.alarms.add if on else self.alarms.discard)(name)
            self._send(wire.encode_status(self.alarms))
            self._set_layer1()

    def garbage(self, data: bytes) -> None:
        """Write raw bytes on the UART between frames (noise, a rebooting module)."""
        self._send(data)

    # --- audio --------------------------------------------------------------------------------------
    def play(self, channel: int | str, wav_path: str | Path, loop: bool = False) -> None:
        """Send a WAV (8 kHz mono 16-bit) to the box on a B-channel, 20 ms per tick."""
        with wave.open(str(wav_path), "rb") as src:
            if (src.getframerate(), src.getnchannels(), src.getsampwidth()) != (8000, 1, 2):
                raise ValueError(f"{wav_path}: need 8 kHz mono 16-bit PCM")
            data = src.readframes(src.getnframes())
        data += bytes(-len(data) % FRAME_BYTES)
        frames = [data[i : i + FRAME_BYTES] for i in range(0, len(data), FRAME_BYTES)]
        player: collections.deque[bytes] = collections.deque(frames * (50 if loop else 1))
        with self._lock:
            self._players[_timeslot(channel)] = player

    def record(self, channel: int | str, wav_path: str | Path, seconds: float, wait: bool = True) -> Path:
        """Record what the box sends on a B-channel into a WAV; with wait, block until it is written."""
        rec = _Recording(Path(wav_path), max(1, round(seconds / TICK)))
        with self._lock:
            self._recordings[_timeslot(channel)] = rec
        if wait and not rec.done.wait(seconds + 10):
            raise TimeoutError(
                f"recording {channel}: only {len(rec.frames)} of {rec.frames_wanted} frames arrived"
            )
        return rec.path

    # --- SignallingUser ---------------------------------------------------------------------------
    def sig_transmit(self, frame: bytes) -> None:
        if not self.alarms:
            self._send(wire.encode(wire.Kind.SIG, frame))

    def sig_link(self, up: bool) -> None:
        self.link_up = up

    def sig_event(self, call_ref: int, event: str, **data: Any) -> None:
        info = self._info.setdefault(call_ref, {"direction": "from_box"})
        if data.get("timeslot"):
            info["timeslot"] = data["timeslot"]
        if event == "setup":
            info.update(calling=data["calling"], called=data["called"])
            mode = info["mode"] = self._modes_by_number.get(data["called"], self.answer_mode)
            if self.auto_proceeding:
                self.sig.proceeding(call_ref)
            if mode == "alert":
                self.sig.alerting(call_ref)
            elif mode == "answer":
                self.sig.answer(call_ref)
            elif mode == "busy":
                self.sig.hangup(call_ref, USER_BUSY)
        elif event == "released":
            self._events[call_ref].append(
                {"event": "released", "cause": data.get("cause"), "at": time.monotonic()}
            )

    def _tap(self, direction: str, msg: Message) -> None:
        if direction != "rx" or msg.call_ref == 0:
            return
        event: dict[str, Any] = {"event": msg.name.lower().replace(" ", "_"), "at": time.monotonic()}
        if msg.cause is not None:
            event["cause"] = msg.cause
        chan = msg.get(IE.CHANNEL_ID)
        if chan is not None and chan.channel is not None:
            event["channel"] = ts_to_b(chan.channel)
        if msg.mtype == MT.SETUP:
            for key, ie in (("calling", IE.CALLING_NUMBER), ("called", IE.CALLED_NUMBER)):
                event[key] = msg.get(ie).digits if msg.get(ie) else ""
        if msg.get(IE.DISPLAY) is not None:
            event["display"] = msg.get(IE.DISPLAY).text
        self._events[msg.call_ref | (0 if msg.flag else PEER_REF)].append(event)

    # --- threads ------------------------------------------------------------------------------------
    def _send(self, data: bytes) -> None:
        with self._wlock:
            fd = self._master
            view = memoryview(data)
            while fd is not None and view:
                try:
                    view = view[os.write(fd, view) :]
                except BlockingIOError:
                    if not select.select([], [fd], [], WRITE_TIMEOUT)[1]:
                        self.overruns += 1  # nobody reads the UART: drop, like a module without flow control
                        return
                except OSError as e:
                    log.debug("carrier: write failed: %s", e)
                    return

    def _read_loop(self) -> None:
        while not self._stop.is_set():
            if self._unplug.is_set():
                self._unplug.clear()
                self._close_pty()
                self._unplugged.set()
            fd = self._master
            if fd is None:
                self._stop.wait(0.02)
                continue
            try:
                ready = select.select([fd], [], [], 0.05)[0]
                data = os.read(fd, 65536) if ready else b""
            except BlockingIOError:
                continue
            except OSError as e:
                log.debug("carrier: read failed: %s", e)
                self._stop.wait(0.02)
                continue
            for kind, payload in self._decoder.feed(data):
                self._handle(kind, payload)

    def _handle(self, kind: int, payload: bytes) -> None:
        with self._lock:
            if kind == wire.Kind.SIG:
                if not self.alarms:
                    self.sig.receive(payload)
            elif kind == wire.Kind.PCM:
                self._pcm_from_box(payload)
            elif kind == wire.Kind.STATUS_REQ:
                self._send(wire.encode_status(self.alarms))
            elif kind == wire.Kind.CONFIG and len(payload) == 2:
                self.config = {"framing": payload[0], "line_code": payload[1]}
                self._set_layer1()
            elif kind == wire.Kind.LOOPBACK and payload:
                self.loopback_mode = payload[0]
            else:
                log.warning("carrier: ignored frame kind 0x%02x (%d octets)", kind, len(payload))

    def _pcm_from_box(self, payload: bytes) -> None:
        try:
            blocks = wire.decode_pcm(payload)
        except ValueError as e:
            log.warning("carrier: bad PCM frame: %s", e)
            return
        for ts, alaw in blocks.items():
            rec = self._recordings.get(ts)
            if rec is not None:
                rec.add(g711.alaw_to_linear(alaw))

    def _tick_loop(self) -> None:
        next_tick = time.monotonic()
        while not self._stop.is_set():
            next_tick += TICK
            delay = next_tick - time.monotonic()
            if delay < -0.1:  # fell far behind (a stalled host): start again from now
                next_tick = time.monotonic()
            elif delay > 0 and self._stop.wait(delay):
                return
            blocks: dict[int, bytes] = {}
            with self._lock:
                self.sig.poll()
                if self.alarms or self._master is None:
                    continue
                busy = [ts for ts in wire_timeslots() if self.pool.owner_of(ts) is not None]
                for ts in busy:
                    player = self._players.get(ts)
                    frame = player.popleft() if player else SILENCE
                    blocks[ts] = g711.linear_to_alaw(frame)
            if blocks:
                self._send(wire.encode_pcm(blocks))


def _check_mode(mode: str) -> str:
    if mode not in ANSWER_MODES:
        raise ValueError(f"unknown answer mode {mode!r} (one of {', '.join(ANSWER_MODES)})")
    return mode


def wire_timeslots() -> tuple[int, ...]:
    """The 30 B-channel timeslots, in order."""
    return tuple(b_to_ts(b) for b in range(1, 31))

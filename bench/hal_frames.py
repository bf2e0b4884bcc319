"""HAL frame-interval and FXS dial-tone bench (issue 3, "Measure").

Runs in ONE process: the simulated board (hal.builder.open_board("sim")) and a pjsua2 Endpoint
with the real telephony.lines.media.ChannelPort per HAL port (subclassed only to timestamp each
onFrameRequested / onFrameReceived with time.perf_counter() into preallocated arrays). Every
port's bridge port is looped back to itself (port.startTransmit(port)) so audio flows line ->
core -> line on all 30 E1 B-channels, 4 FXS and 4 FXO at once; the four sim phones are off hook.
No SIP calls: the engine, kamailio and pjsua2 calls are not loaded (see BENCHMARKS.md).

Dial tone: sim phone off hook -> OffHook event drained by a loop shaped like LineService.poll ->
port.play_tone("dial"); the bench reports that latency (not the first 450 Hz sample at the phone).

    .venv/bin/python bench/hal_frames.py [--quick] [--seconds N] [--trials N] [--no-write]
"""

from __future__ import annotations

import argparse
import datetime
import logging
import os
import platform
import re
import statistics
import sys
import tempfile
import threading
import time
import wave
from array import array
from pathlib import Path

import pjsua2 as pj

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hal import events as ev  # noqa: E402
from hal.builder import open_board  # noqa: E402
from telephony.lines.media import ChannelPort  # noqa: E402

log = logging.getLogger("bench.hal_frames")
BEGIN = "<!-- bench/hal_frames.py: begin -->"
END = "<!-- bench/hal_frames.py: end -->"
FRAME_MS = 20.0
GAP_MS = 30.0


class TimedPort(ChannelPort):
    """The product's ChannelPort; each callback stores perf_counter() before doing the real work."""

    def __init__(self, name: str, audio, cap: int) -> None:
        super().__init__(name, audio)
        self.req = array("d", bytes(8 * cap))
        self.rcv = array("d", bytes(8 * cap))
        self.nreq = 0
        self.nrcv = 0
        self.cap = cap
        self.on = False

    def onFrameRequested(self, frame: pj.MediaFrame) -> None:  # noqa: N802 - pjsua2 API
        if self.on and self.nreq < self.cap:
            self.req[self.nreq] = time.perf_counter()
            self.nreq += 1
        super().onFrameRequested(frame)

    def onFrameReceived(self, frame: pj.MediaFrame) -> None:  # noqa: N802 - pjsua2 API
        if self.on and self.nrcv < self.cap:
            self.rcv[self.nrcv] = time.perf_counter()
            self.nrcv += 1
        super().onFrameReceived(frame)


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))] if s else float("nan")


def intervals(stamps: array, n: int) -> list[float]:
    return [(stamps[i] - stamps[i - 1]) * 1000.0 for i in range(1, n)]


def start_endpoint() -> pj.Endpoint:
    ep = pj.Endpoint()
    ep.libCreate()
    cfg = pj.EpConfig()
    cfg.logConfig.level = 1
    cfg.logConfig.consoleLevel = 1
    cfg.uaConfig.threadCnt = 0
    cfg.medConfig.clockRate = 8000
    cfg.medConfig.audioFramePtime = 20
    ep.libInit(cfg)
    ep.audDevManager().setNullDev()
    ep.libStart()
    return ep


def make_wav(path: Path) -> None:
    """2 s of 1 kHz at 8 kHz mono 16-bit (the sim carrier's format)."""
    import math

    pcm = array("h", (int(8000 * math.sin(2 * math.pi * 1000 * i / 8000)) for i in range(16000)))
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(pcm.tobytes())


def e1_calls(board, wav: Path) -> int:
    """Carrier offers 30 calls; the box answers each on its B-channel; carrier plays a tone on each."""
    carrier = board.sim_peers["e1"]
    span = board.ports["e1"]
    for ch in range(1, 31):
        carrier.call("5550100", "8000", channel=ch)
    answered: set[str] = set()
    deadline = time.time() + 15
    while len(answered) < 30 and time.time() < deadline:
        for event in board.wait_events(0.05):
            if isinstance(event, ev.E1Setup):
                span.answer(event.call_ref)
                answered.add(event.port)
    time.sleep(0.5)
    for ch in range(1, 31):
        carrier.play(ch, wav, loop=True)
    log.info("E1: %d calls answered", len(answered))
    return len(answered)


def dial_tone_trials(board, trials: int) -> list[float]:
    """Off hook -> OffHook event -> play_tone, with a poll loop like LineService's (1 ms wait)."""
    phone = board.sim_peers["fxs1"]
    port = board.ports["fxs1"]
    out: list[float] = []
    for _ in range(trials):
        board.drain_events()
        t0 = time.perf_counter()
        phone.offhook()
        t1 = None
        deadline = t0 + 2.0
        while t1 is None and time.perf_counter() < deadline:
            for event in board.wait_events(0.001):
                if isinstance(event, ev.OffHook) and event.port == "fxs1":
                    port.play_tone("dial")
                    t1 = time.perf_counter()
        if t1 is None:
            log.warning("no OffHook event within 2 s")
        else:
            out.append((t1 - t0) * 1000.0)
        time.sleep(0.3)
        port.stop_tone()
        phone.onhook()
        time.sleep(1.2)  # past the 700 ms hook-flash window so the next off hook is a new one
        board.drain_events()
    return out


def machine() -> str:
    cpu = "?"
    try:
        m = re.search(r"model name\s*:\s*(.*)", Path("/proc/cpuinfo").read_text())
        cpu = m.group(1).strip() if m else platform.processor()
    except OSError:
        pass
    ram = "?"
    try:
        m = re.search(r"MemTotal:\s*(\d+)", Path("/proc/meminfo").read_text())
        ram = f"{int(m.group(1)) / 1048576:.1f} GiB" if m else "?"
    except OSError:
        pass
    return (
        f"nproc {os.cpu_count()}, {cpu}, RAM {ram}, Python {platform.python_version()}, {platform.system()}"
    )


def write_section(text: str) -> None:
    path = ROOT / "BENCHMARKS.md"
    old = path.read_text() if path.exists() else ""
    block = f"{BEGIN}\n{text.rstrip()}\n{END}"
    if BEGIN in old and END in old:
        new = old[: old.index(BEGIN)] + block + old[old.index(END) + len(END) :]
    else:
        new = old.rstrip() + ("\n\n" if old else "") + block + "\n"
    tmp = path.with_suffix(f".md.tmp{os.getpid()}")
    tmp.write_text(new)
    os.replace(tmp, path)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="10 s of audio, 5 dial-tone trials")
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--trials", type=int, default=20)
    ap.add_argument("--no-write", action="store_true", help="do not update BENCHMARKS.md")
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    seconds = 10.0 if args.quick else min(args.seconds, 180.0)
    trials = 5 if args.quick else args.trials

    ep = start_endpoint()
    board = open_board("sim")
    cap = int(seconds * 1000 / FRAME_MS * 1.5) + 100
    ports: dict[str, TimedPort] = {}
    for name, port in board.ports.items():
        if port.kind != "e1":
            ports[name] = TimedPort(name, port.audio, cap)
    board.start()
    try:
        deadline = time.time() + 10
        while not getattr(board.ports["e1"], "is_up", True) and time.time() < deadline:
            time.sleep(0.1)
        wav = Path(tempfile.mkdtemp(prefix="hal_frames_")) / "tone.wav"
        make_wav(wav)
        n_e1 = e1_calls(board, wav)
        for name in ports:
            if name.startswith("fxs"):
                board.sim_peers[name].offhook()
        for tp in ports.values():
            tp.startTransmit(tp)  # loopback: every frame from the line goes back to it
        time.sleep(1.0)
        board.drain_events()
        before = {n: (p.audio.frames_in, p.audio.frames_out, p.audio.underruns) for n, p in ports.items()}
        t0 = time.perf_counter()
        for tp in ports.values():
            tp.on = True
        log.info("measuring %d ports for %.0f s", len(ports), seconds)
        time.sleep(seconds)
        for tp in ports.values():
            tp.on = False
        elapsed = time.perf_counter() - t0
        after = {n: (p.audio.frames_in, p.audio.frames_out, p.audio.underruns) for n, p in ports.items()}
        for tp in ports.values():
            tp.stopTransmit(tp)
        for name in ports:
            if name.startswith("fxs"):
                board.sim_peers[name].onhook()
        time.sleep(1.2)  # past the 700 ms hook-flash window
        board.drain_events()
        log.info("dial tone: %d trials", trials)
        dial = dial_tone_trials(board, trials)
    finally:
        board.stop()
        threading.Event().wait(0.1)
    ivs_req: list[float] = []
    ivs_rcv: list[float] = []
    gaps = 0
    for tp in ports.values():
        a, b = intervals(tp.req, tp.nreq), intervals(tp.rcv, tp.nrcv)
        gaps += sum(1 for x in a + b if x > GAP_MS)
        ivs_req += a
        ivs_rcv += b
    d_in = sum(after[n][0] - before[n][0] for n in ports)
    d_out = sum(after[n][1] - before[n][1] for n in ports)
    d_under = sum(after[n][2] - before[n][2] for n in ports)
    expected = len(ports) * elapsed * 1000 / FRAME_MS
    lines = [
        "## HAL frame interval and FXS dial tone (bench/hal_frames.py)",
        "",
        f"Run {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M UTC}; {machine()}; "
        f"{'--quick' if args.quick else 'full'} run, {elapsed:.1f} s measured.",
        "",
        "Method: in-process sim board + pjsua2 bridge with the product's ChannelPort per port "
        f"({len(ports)} ports: 30 E1 B-channels with {n_e1} carrier calls answered and a 1 kHz tone played "
        "by the carrier, 4 FXS off hook, 4 FXO idle), each looped back to itself; "
        "callbacks timestamped with perf_counter. Load: audio on every port only -- NO SIP calls, "
        "no engine/kamailio in this process.",
        "",
        "| direction | frames | p50 ms | p99 ms | max ms | gaps > 30 ms |",
        "|---|---|---|---|---|---|",
    ]
    for label, v in (
        ("core <- line (onFrameRequested)", ivs_req),
        ("core -> line (onFrameReceived)", ivs_rcv),
    ):
        g = sum(1 for x in v if x > GAP_MS)
        lines.append(
            f"| {label} | {len(v)} | {pct(v, 0.5):.2f} | {pct(v, 0.99):.2f} | {max(v, default=0):.2f} | {g} |"
        )
    lines += [
        "",
        f"Counters over the window (all ports): frames_in {d_in}, frames_out {d_out}, "
        f"underruns {d_under}; expected ~{expected:.0f} per direction at 20 ms.",
        "",
        f"Dial tone (off hook -> play_tone, {len(dial)} trials): p50 {pct(dial, 0.5):.1f} ms, "
        f"p99 {pct(dial, 0.99):.1f} ms, max {max(dial, default=float('nan')):.1f} ms"
        + (f", mean {statistics.mean(dial):.1f} ms" if dial else "")
        + ". Target: p99 < 25 ms, no frame lost, dial tone < 100 ms.",
    ]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        write_section(text)
    ep.libDestroy()
    return 0


if __name__ == "__main__":
    sys.exit(main())

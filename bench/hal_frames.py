"""HAL frame timing and FXS dial tone in the running box, under load (issue 3, "Measure").

Starts one whole box (kamailio, pbx-core with the simulated board, webadmin under supervisord) and
loads it the way a busy branch office would, all at once:

- 30 E1 calls: the simulated carrier places them to DID 2002, which routes to extension 2002 (a
  SIPp UAS answering every call, its RTP echoed by the bench's tap); the carrier plays a tone on
  every B-channel, so audio crosses line -> bridge -> RTP -> bridge -> line on each;
- the 4 FXO lines ring in from the PSTN with caller ID and reach 2002 the same way, tone playing;
- the 4 FXS phones call each other in pairs (fxs1 -> fxs2, fxs3 -> fxs4), a tone playing on each;
- SIP calls 2001 -> 2002 (SIPp, digest auth, G.711 RTP) keep arriving at --sip-rate calls/s.

Then it reads pbx-core's own frame-interval histograms (`GET /ports/frames`: every bridge port
stamps each onFrameRequested / onFrameReceived in pjmedia's clock thread) over a --seconds window,
and reports p50/p99/max against the 20 ms frame, frames lost (drops in the channel queues) and
underruns. Last, with the E1/FXO/SIP load still up, it measures FXS off-hook to dial tone on fxs4:
from the phone's off-hook to the first loud frame of 450 Hz the phone hears (both in bus time:
the lift stamped to the millisecond, the tone at the start of its first frame), --trials times.

    .venv/bin/python bench/hal_frames.py [--quick] [--seconds N] [--trials N] [--sip-rate R] [--no-write]
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import logging
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(1, str(ROOT))

import report  # noqa: E402 - bench/ is sys.path[0] when run as a script
from harness import CALLEE, Bench, Plan  # noqa: E402

log = logging.getLogger("hal_frames")
BEGIN = "<!-- bench/hal_frames.py: begin -->"
END = "<!-- bench/hal_frames.py: end -->"
FRAME_MS = 20
P99_TARGET_MS, DIAL_TONE_TARGET_MS = 25.0, 100.0
E1_CHANNELS = 30
CARRIER_DID = CALLEE  # the E1 DID and the FXO lines route to the SIPp UAS
FXS_NUMBERS = {"fxs1": "3001", "fxs2": "3002", "fxs3": "3003", "fxs4": "3004"}
TONES = {"e1": 1000, "fxo": 1400, "fxs": 600}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="15 s window, 5 dial-tone trials, no BENCHMARKS.md")
    p.add_argument("--seconds", type=float, default=60.0, help="measuring window (default 60)")
    p.add_argument("--trials", type=int, default=20, help="dial-tone trials (default 20)")
    p.add_argument("--sip-rate", type=int, default=5, help="SIP calls/s during the window (default 5)")
    p.add_argument("--sip-hold-ms", type=int, default=4000, help="each SIP call's length (default 4000)")
    p.add_argument("--write", action=argparse.BooleanOptionalAction, help="replace the BENCHMARKS.md section")
    p.add_argument("--keep", action="store_true", help="keep the box's data directory")
    a = p.parse_args(argv)
    if a.quick:
        a.seconds, a.trials = 15.0, 5
    a.write = a.write if a.write is not None else not a.quick
    return a


# --- load ----------------------------------------------------------------------------------------


def sim(bench: Bench, verb: str, **args):
    from telephony.control.client import ControlClient

    return ControlClient(bench.box.cfg.control_url, timeout=30).post(f"/sim/{verb}", args)["result"]


def ports(bench: Bench) -> dict[str, dict]:
    return {row["name"]: row for row in bench.box.control.get("/ports")}


def wait_for(what: str, predicate, timeout: float, interval: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def configure_lines(bench: Bench) -> None:
    """FXS numbers, E1 DID and FXO lines to the SIPp UAS; then tell pbx-core."""
    from telephony.models.lines import InboundRoute, PortSetting

    for port, number in FXS_NUMBERS.items():
        PortSetting.create(port=port, number=number, caller_id_name=port.upper())
    InboundRoute.create(trunk="e1", did=CARRIER_DID, destination=CALLEE)
    for n in range(1, 5):
        InboundRoute.create(trunk=f"fxo{n}", destination=CALLEE)
    bench.box.control.reload()
    wait_for("the E1 span up", lambda: ports(bench)["e1"].get("routing"), 30)


def start_line_calls(bench: Bench, workdir: Path, seconds: float) -> dict[str, int]:
    """Bring up 30 E1 calls, 4 FXO calls and 2 FXS-to-FXS calls, each with a tone; return counts."""
    from tests.support.audio import write_tone

    length = seconds + 120
    wav = {kind: write_tone(workdir / f"{kind}.wav", f, seconds=length) for kind, f in TONES.items()}
    calls = [sim(bench, "e1_call", calling=f"1380000{n:04d}", called=CARRIER_DID) for n in range(E1_CHANNELS)]
    for n in range(1, 5):
        sim(bench, "ring", port=f"fxo{n}", cid_number=f"1390000{n:04d}")
    for caller, callee in (("fxs1", "fxs2"), ("fxs3", "fxs4")):
        sim(bench, "offhook", port=caller)
        sim(bench, "dial", port=caller, digits=FXS_NUMBERS[callee])
        wait_for(f"{callee} ringing", lambda c=callee: ports(bench)[c]["call_state"] == "ringing", 15)
        sim(bench, "offhook", port=callee)

    def up() -> dict[str, int]:
        rows = ports(bench)
        return {
            "e1": sum(1 for n in range(1, E1_CHANNELS + 1) if rows[f"e1/{n}"]["state"] == "busy"),
            "fxo": sum(1 for n in range(1, 5) if rows[f"fxo{n}"]["call_state"] == "busy"),
            "fxs": sum(1 for p in FXS_NUMBERS if rows[p]["call_state"] == "call"),
        }

    try:
        wait_for("every line call up", lambda: up() == {"e1": E1_CHANNELS, "fxo": 4, "fxs": 4}, 60, 0.5)
    except RuntimeError as exc:
        log.warning("%s: %s", exc, up())
    for n in range(1, E1_CHANNELS + 1):
        sim(bench, "play", port=f"e1/{n}", file=str(wav["e1"]))
    for n in range(1, 5):
        sim(bench, "play", port=f"fxo{n}", file=str(wav["fxo"]))
    for port in FXS_NUMBERS:
        sim(bench, "play", port=port, file=str(wav["fxs"]))
    log.info("line calls up: %s (E1 call ids %s..)", up(), calls[:2])
    return up()


# --- measuring -----------------------------------------------------------------------------------


def diff_timing(before: dict, after: dict) -> dict:
    """Per direction: the window's interval histogram over every port; plus summed counters."""
    out: dict = {}
    for direction in ("to_core", "to_line"):
        hist: collections.Counter[int] = collections.Counter()
        for name, now in after.items():
            was = before.get(name, {}).get(direction, {}).get("hist", {})
            for bucket, count in now[direction]["hist"].items():
                if count - was.get(bucket, 0):
                    hist[int(bucket)] += count - was.get(bucket, 0)
        bucket_ms = next(iter(after.values()))[direction]["bucket_ms"]
        out[direction] = {"hist": hist, "bucket_ms": bucket_ms}
    for key in ("frames_in", "frames_out", "underruns", "dropped"):
        out[key] = sum(after[n][key] - before.get(n, {}).get(key, 0) for n in after)
    return out


def percentile(timing: dict, q: float) -> float:
    """The q-th interval in ms (the middle of its bucket)."""
    hist, width = timing["hist"], timing["bucket_ms"]
    total = sum(hist.values())
    if not total:
        return float("nan")
    seen = 0
    for bucket in sorted(hist):
        seen += hist[bucket]
        if seen >= q * total:
            return (bucket + 0.5) * width
    return float("nan")


def longest(timing: dict) -> float:
    """The longest interval of the window (upper edge of the last non-empty bucket)."""
    return (max(timing["hist"], default=-1) + 1) * timing["bucket_ms"]


def late(timing: dict, ms: float) -> int:
    return sum(n for b, n in timing["hist"].items() if b * timing["bucket_ms"] >= ms)


def dial_tone_trials(bench: Bench, trials: int) -> list[float]:
    """fxs4 (its call ended) off hook -> first loud 450 Hz frame it hears, in bus time (ms)."""
    out: list[float] = []
    for _ in range(trials):
        since = len(sim(bench, "events", port="fxs4"))
        sim(bench, "offhook", port="fxs4")
        found: dict = {}

        def tone(since=since, found=found) -> bool:
            evs = sim(bench, "events", port="fxs4", since=since)
            hook = next((e for e in evs if e["type"] == "offhook"), None)
            heard = next(
                (e for e in evs if e["type"] == "tone" and any(abs(f - 450) < 15 for f in e["freqs"])), None
            )
            if hook and heard:
                found["ms"] = (heard["start"] - hook["t"]) * 1000.0
            return bool(found)

        try:
            wait_for("dial tone on fxs4", tone, 5, 0.1)
            out.append(found["ms"])
        except RuntimeError as exc:
            log.warning("%s", exc)
        sim(bench, "onhook", port="fxs4")
        wait_for("fxs4 idle", lambda: ports(bench)["fxs4"]["call_state"] == "idle", 10)
        time.sleep(0.8)  # past the 700 ms hook-flash window, so the next lift is a new call
    return out


# --- report --------------------------------------------------------------------------------------


def render(args, timing: dict, elapsed: float, counts: dict, sip: dict, dial: list[float], cpu: dict) -> str:
    expected = (E1_CHANNELS + 8) * elapsed * 1000 / FRAME_MS
    info = report.machine_info()
    rows = []
    worst_p99 = 0.0
    for label, key in (
        ("line -> core (onFrameRequested)", "to_core"),
        ("core -> line (onFrameReceived)", "to_line"),
    ):
        p99 = percentile(timing[key], 0.99)
        worst_p99 = max(worst_p99, p99)
        rows.append(
            f"| {label} | {sum(timing[key]['hist'].values())} | {percentile(timing[key], 0.5):.1f} | "
            f"{p99:.1f} | {longest(timing[key]):.1f} | {late(timing[key], 30.0)} |"
        )
    lost = timing["dropped"]
    dial_sorted = sorted(dial)
    dial_p99 = dial_sorted[min(len(dial) - 1, int(0.99 * (len(dial) - 1) + 0.5))] if dial else float("nan")
    met = worst_p99 < P99_TARGET_MS and lost == 0 and dial and dial_p99 < DIAL_TONE_TARGET_MS
    lines = [
        "## HAL frame interval and FXS dial tone under load (`bench/hal_frames.py`)",
        "",
        f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; {info['cpus']} cpus, {info['cpu model']}, "
        f"{info['RAM']}, {info['kernel']}, load average at start {info['load average at start']}; "
        f"{'quick' if args.quick else 'full'} run, {elapsed:.0f} s window.",
        "",
        f"Load during the window, all in one running box: {counts.get('e1', 0)}/30 E1 calls, "
        f"{counts.get('fxo', 0)}/4 FXO calls, {counts.get('fxs', 0)}/4 FXS legs (2 calls), each with a tone; "
        f"SIP calls at {args.sip_rate}/s of {args.sip_hold_ms} ms ({sip.get('ok', 0)} completed, "
        f"{sip.get('failed', 0)} failed). CPU over the window: pbx-core {cpu.get('pbx-core', 0):.0f}%, "
        f"kamailio {cpu.get('kamailio', 0):.0f}%, SIPp {cpu.get('sipp', 0):.0f}%, bench + tap "
        f"{cpu.get('bench', 0):.0f}% (100 = one core); machine {cpu.get('machine', 0):.0f}% busy, "
        f"{cpu.get('steal', 0):.0f}% stolen by the hypervisor.",
        "",
        "| direction (38 bridge ports) | intervals | p50 ms | p99 ms | max ms | intervals >= 30 ms |",
        "|---|---:|---:|---:|---:|---:|",
        *rows,
        "",
        f"Frames over the window, all ports: from the lines {timing['frames_in']}, to the lines "
        f"{timing['frames_out']} (expected ~{expected:.0f} each at 20 ms); lost (queue overflow) {lost}; "
        f"underruns (core asked before the line delivered) {timing['underruns']}.",
        "",
        f"FXS off hook to the first 450 Hz frame heard ({len(dial)} of {args.trials} trials, bus time; "
        f"the lift stamped to the ms, the tone at its first frame): p50 {percentile_list(dial, 0.5):.0f} ms, "
        f"p99 {dial_p99:.0f} ms, max {max(dial, default=float('nan')):.0f} ms.",
        "",
        f"Targets: p99 frame interval < {P99_TARGET_MS:.0f} ms, no frame lost, dial tone < "
        f"{DIAL_TONE_TARGET_MS:.0f} ms: **{'met' if met else 'NOT met'}**.",
        "",
        "Method: the histograms are pbx-core's own (telephony/lines/media.py FrameTiming: 0.1 ms buckets; "
        "an interval is the time between two callbacks of one port in one direction; percentiles are "
        "bucket middles, max the last bucket's upper edge). pjmedia's clock thread calls every bridge port's callbacks each 20 ms tick; the "
        "simulated PCM bus's clock thread runs the real drivers, fake chips and far ends.",
    ]
    return "\n".join(lines)


def percentile_list(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(q * (len(s) - 1) + 0.5))] if s else float("nan")


def write_section(text: str) -> None:
    report.replace_section(ROOT / "BENCHMARKS.md", BEGIN, END, text)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    workdir = Path(tempfile.mkdtemp(prefix="hal_frames_"))
    plan = Plan(
        rates=[],
        step_seconds=0.0,
        hold_ms=args.sip_hold_ms,
        levels=[],
        setup_rate=args.sip_rate,
        window=args.seconds,
        max_legs=512,
        rtp_port=24000,
        sipp_rtp_port=28000,
        sources=20,
        budget=args.seconds + 600,
        quick=args.quick,
        write=args.write,
        keep=args.keep,
        trace=False,
        no_answer_timeout=0,
    )
    bench = Bench(plan, workdir)
    try:
        bench.setup()
        configure_lines(bench)
        counts = start_line_calls(bench, workdir, args.seconds + args.trials * 3)
        sip_calls = int(args.sip_rate * (args.seconds + 10))
        uac = bench.caller(
            "sip-load", sip_calls, args.sip_rate, args.sip_hold_ms, sip_calls, args.seconds + 120
        )
        uac.start()
        time.sleep(args.sip_hold_ms / 1000 + 3)  # SIP calls reach their steady number
        before, mark = bench.box.control.get("/ports/frames"), bench.meter.mark()
        t0 = time.monotonic()
        time.sleep(args.seconds)
        after, elapsed = bench.box.control.get("/ports/frames"), time.monotonic() - t0
        cpu = bench.meter.since(mark)
        timing = diff_timing(before, after)
        sim(bench, "onhook", port="fxs3")
        sim(bench, "onhook", port="fxs4")
        wait_for("fxs3/fxs4 idle", lambda: ports(bench)["fxs4"]["call_state"] == "idle", 10)
        time.sleep(0.8)
        dial = dial_tone_trials(bench, args.trials)
        uac.wait(args.seconds + 120)
        stats = uac.stats()
        text = render(args, timing, elapsed, counts, {"ok": stats.ok, "failed": stats.failed}, dial, cpu)
    finally:
        bench.close()
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print(text)
    if args.write:
        write_section(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

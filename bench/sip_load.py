"""Measure the box's SIP capacity with SIPp on loopback: call setup rate, then concurrent bridged calls.

`make bench` runs this. It starts one whole box (kamailio, pbx-core, webadmin under supervisord) in a
temporary directory, creates extensions 2001 (caller) and 2002 (callee), registers a SIPp UAS as
2002 and drives calls from a SIPp UAC as 2001 (digest auth on every INVITE):

1. rate ramp: short calls (1 s) at 5, 10, 20, ... calls/s until the first step with a failure;
2. concurrency ramp: 25, 50, 75, ... calls held up at once with G.711 RTP both ways, measured over a
   steady window (pbx-core CPU and RSS, kamailio CPU, answered calls, RTP reaching the callee).

It prints a table and replaces its section of BENCHMARKS.md. Ctrl-C stops every process it started.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(1, str(ROOT))  # the box's packages and tests/support/box.py

import probes  # noqa: E402 - bench/ is sys.path[0] when run as a script
import report  # noqa: E402
import sippctl  # noqa: E402
from harness import CALLEE, CALLER, Bench, Plan  # noqa: E402

log = logging.getLogger("sip_load")

RATE_TARGET, LOAD_TARGET = 20, 100
ALL_UP_GRACE = 5.0  # seconds after the last call was sent for all of them to be answered
MEDIA_SETTLE = 2.0  # seconds between "all answered" and the start of the measuring window
STEAL_RETRY_PCT = 20.0  # a concurrency step that lost RTP while the hypervisor took more is measured again


def _ints(text: str) -> list[int]:
    return [int(v) for v in text.split(",") if v.strip()]


def parse_args(argv: list[str] | None = None) -> Plan:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--quick", action="store_true", help="short smoke run (2 small steps each); no BENCHMARKS.md"
    )
    p.add_argument(
        "--rates", type=_ints, help="call rates of the setup ramp (default 5,10,20,30,40,50,60,80)"
    )
    p.add_argument("--step-seconds", type=float, help="seconds of calls per rate step (default 10)")
    p.add_argument("--hold-ms", type=int, default=1000, help="call duration in the rate ramp (default 1000)")
    p.add_argument("--levels", type=_ints, help="concurrent calls per step (default 25,50,...,250)")
    p.add_argument(
        "--setup-rate",
        type=int,
        default=10,
        help="calls/s building up concurrent calls (never above the best passing rate)",
    )
    p.add_argument("--window", type=float, help="seconds measured with every call up (default 10)")
    p.add_argument("--max-calls", type=int, default=512, help="PBX_MAX_CALLS (call legs) of the box")
    p.add_argument("--rtp-port", type=int, default=24000, help="PBX_RTP_PORT of the box")
    p.add_argument("--sipp-rtp-port", type=int, default=28000, help="first RTP port of the SIPp caller")
    p.add_argument("--sources", type=int, default=100, help="loopback addresses the calls come from")
    p.add_argument("--budget", type=float, help="seconds after which no new step starts (default 780)")
    p.add_argument("--write", action=argparse.BooleanOptionalAction, help="replace the BENCHMARKS.md section")
    p.add_argument("--keep", action="store_true", help="keep the box's data directory and SIPp files")
    p.add_argument("--trace", action="store_true", help="SIPp logs every SIP message (implies --keep)")
    p.add_argument(
        "--no-answer-timeout", type=int, default=0, help="set the box's no_answer_timeout setting (s) first"
    )
    p.add_argument("-v", "--verbose", action="store_true")
    a = p.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if a.verbose else logging.INFO, format="%(asctime)s %(levelname)s %(message)s"
    )
    quick = a.quick
    return Plan(
        rates=a.rates or ([5, 10] if quick else [5, 10, 20, 30, 40, 50, 60, 80]),
        step_seconds=a.step_seconds or (4.0 if quick else 10.0),
        hold_ms=a.hold_ms,
        levels=a.levels or ([10, 20] if quick else list(range(25, 251, 25))),
        setup_rate=a.setup_rate,
        window=a.window or (4.0 if quick else 10.0),
        max_legs=a.max_calls,
        rtp_port=a.rtp_port,
        sipp_rtp_port=a.sipp_rtp_port,
        sources=a.sources,
        budget=a.budget or (240.0 if quick else 780.0),
        quick=quick,
        write=a.write if a.write is not None else not quick,
        keep=a.keep or a.trace,
        trace=a.trace,
        no_answer_timeout=a.no_answer_timeout,
    )


# --- the two ramps -------------------------------------------------------------------------------


def rate_step(bench: Bench, rate: int) -> report.RateStep:
    plan = bench.plan
    calls = max(1, int(rate * plan.step_seconds))
    hold = plan.hold_ms / 1000
    bench.begin_step()
    cdr0, callee0 = bench.cdr_mark(), bench.callee.stats()
    uac = bench.caller(
        f"rate-{rate}",
        calls,
        rate,
        plan.hold_ms,
        limit=int(rate * (hold + 10)) + 10,
        timeout=plan.step_seconds + 60,
    )
    uac.start()
    # CPU over the steady part of the step, while SIPp is still sending calls (its own CPU included).
    time.sleep(min(1.0, plan.step_seconds / 4))
    mark = bench.meter.mark()
    time.sleep(plan.step_seconds / 2)
    cpu = bench.meter.since(mark)
    rc = uac.wait(plan.step_seconds + hold + 75)
    stats = uac.stats()
    notes: list[str] = []
    if rc is None:
        notes.append("SIPp caller overran its time limit")
    bench.common_checks(notes, callee0)
    cdrs = bench.cdrs_since(cdr0, calls)
    if cdrs["ANSWERED"] != calls or len(cdrs) > 1:
        notes.append(f"CDRs {dict(cdrs)}")
    if stats.failed:
        notes.append(f"{stats.failed} failed calls: {'; '.join(uac.errors(2))}")
    elif stats.ok < calls:
        notes.append(f"only {stats.ok} of {calls} calls completed")
    return report.RateStep(
        rate=rate,
        attempted=calls,
        ok=stats.ok,
        failed=stats.failed or max(0, calls - stats.ok),
        setup_ms=percentiles(uac.response_times()),
        cdr_answered=cdrs["ANSWERED"],
        cpu=cpu,
        notes=notes,
    )


def load_step(bench: Bench, calls: int, setup_rate: int) -> report.LoadStep:
    plan = bench.plan
    ramp = calls / setup_rate
    hold = ramp + ALL_UP_GRACE + MEDIA_SETTLE + plan.window + 5
    bench.begin_step()
    cdr0, callee0 = bench.cdr_mark(), bench.callee.stats()
    uac = bench.caller(
        f"load-{calls}", calls, setup_rate, int(hold * 1000), limit=calls, timeout=ramp + hold + 60
    )
    uac.start()
    notes: list[str] = []
    deadline = time.monotonic() + ramp + ALL_UP_GRACE
    while bench.answered() < calls and time.monotonic() < deadline and uac.running():
        time.sleep(0.5)
    time.sleep(MEDIA_SETTLE)
    mark, tap0, up_start = bench.meter.mark(), bench.tap.snapshot(), bench.answered()
    time.sleep(plan.window)
    cpu = bench.meter.since(mark)
    window = bench.tap.window(tap0, bench.tap.snapshot())
    up_end, rss = bench.answered(), probes.rss_mb(bench.core_pid)
    log.info(
        "  %d calls: up %d/%d, RTP %d streams %.1f pkt/s/call, pbx-core %.0f%% CPU %.0f MB, kamailio %.0f%%",
        calls,
        up_start,
        up_end,
        window.streams,
        window.pps_per_call(calls),
        cpu["pbx-core"],
        rss,
        cpu["kamailio"],
    )
    rc = uac.wait(hold + 60)
    stats = uac.stats()
    if rc is None:
        notes.append("SIPp caller overran its time limit")
    if min(up_start, up_end) < calls:
        notes.append(f"only {min(up_start, up_end)} of {calls} calls up in pbx-core during the window")
    if window.streams < calls:
        notes.append(f"RTP reached the callee on {window.streams} of {calls} calls")
    if window.loss_pct(calls) > report.MAX_RTP_LOSS_PCT:
        notes.append(f"{window.loss_pct(calls):.0f}% of the RTP to the callee was lost")
    if window.dropped:
        log.warning("  the tap's socket dropped %d packets (counted as delivered)", window.dropped)
    if window.packets and window.audible_ratio < 0.9:
        notes.append(f"only {100 * window.audible_ratio:.0f}% of callee RTP carried the caller's tone")
    bench.common_checks(notes, callee0)
    cdrs = bench.cdrs_since(cdr0, calls)
    if cdrs["ANSWERED"] != calls or len(cdrs) > 1:
        notes.append(f"CDRs {dict(cdrs)}")
    if stats.failed:
        notes.append(f"{stats.failed} failed calls: {'; '.join(uac.errors(2))}")
    elif stats.ok < calls:
        notes.append(f"only {stats.ok} of {calls} calls completed")
    return report.LoadStep(
        calls=calls,
        up_start=up_start,
        up_end=up_end,
        ok=stats.ok,
        failed=stats.failed or max(0, calls - stats.ok),
        rtp_streams=window.streams,
        pps_per_call=window.pps_per_call(calls),
        rtp_loss_pct=window.loss_pct(calls),
        tap_dropped=window.dropped,
        audible_pct=100 * window.audible_ratio,
        cpu=cpu,
        core_rss_mb=rss,
        cdr_answered=cdrs["ANSWERED"],
        notes=notes,
    )


def percentiles(values: list[float]) -> tuple[float, float, float]:
    """Return the median, 95th percentile and maximum of some response times."""
    if not values:
        return (0.0, 0.0, 0.0)
    ordered = sorted(values)
    return (ordered[len(ordered) // 2], ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], ordered[-1])


def saturation(cpu: dict[str, float]) -> str:
    """Say which process was busiest during a step, in words for the findings."""
    parts = [f"{name} {cpu.get(name, 0):.0f}%" for name in ("pbx-core", "kamailio", "sipp", "bench", "other")]
    return (
        f"CPU: {', '.join(parts)} of one core; machine {cpu.get('machine', 0):.0f}% busy, "
        f"{cpu.get('steal', 0):.0f}% stolen by the hypervisor"
    )


def run_rates(bench: Bench, results: report.Results, started: float) -> None:
    plan = bench.plan
    for rate in plan.rates:
        if time.monotonic() - started + plan.step_seconds + 30 > plan.budget:
            results.findings.append(f"- Rate ramp stopped before {rate} calls/s: time budget.")
            return
        log.info("rate step: %d calls/s for %.0f s", rate, plan.step_seconds)
        step = rate_step(bench, rate)
        results.rates.append(step)
        log.info("  -> %s", "pass" if step.passed else f"FAIL {step.notes}")
        if not step.passed:
            results.findings.append(
                f"- Rate ramp: first failure at {rate} calls/s ({'; '.join(step.notes)}). {saturation(step.cpu)}."
            )
            return


def starved_media(step: report.LoadStep) -> bool:
    """Tell a step that failed only on RTP while the hypervisor starved the VM (worth one more try)."""
    rtp_only = all("RTP" in note for note in step.notes)
    return not step.passed and rtp_only and step.failed == 0 and step.cpu.get("steal", 0.0) > STEAL_RETRY_PCT


def wait_for_quiet_host(limit: float = 90.0, sample: float = 5.0) -> float:
    """Wait (up to `limit` s) until the hypervisor steals less than STEAL_RETRY_PCT; return the last steal %."""
    deadline = time.monotonic() + limit
    while True:
        before = probes.machine_ticks()
        time.sleep(sample)
        after = probes.machine_ticks()
        steal = 100.0 * (after[1] - before[1]) / max(1, after[2] - before[2])
        if steal < STEAL_RETRY_PCT or time.monotonic() > deadline:
            log.info("  CPU steal now %.0f%%", steal)
            return steal


def load_setup_rate(plan: Plan, results: report.Results) -> int:
    """Build concurrent calls up no faster than the rate ramp proved, so this ramp measures holding calls."""
    best = results.best_rate()
    return max(1, min(plan.setup_rate, best) if best else plan.setup_rate)


def run_levels(bench: Bench, results: report.Results, started: float) -> None:
    plan = bench.plan
    setup_rate = load_setup_rate(plan, results)
    left = len(bench.core_status().get("calls", []))
    if left:
        results.findings.append(
            f"- When the rate ramp ended, pbx-core still held {left} calls that were over on the SIP side."
        )
    # A fresh pbx-core, so that what the rate ramp leaves behind (stuck calls, legs still waiting to be
    # freed) cannot disturb this ramp: the two measure different things.
    bench.restart_core()
    for calls in plan.levels:
        if calls * 2 > plan.max_legs:
            results.findings.append(
                f"- Concurrency ramp stops at the box's PBX_MAX_CALLS={plan.max_legs} legs."
            )
            return
        estimate = 2 * calls / setup_rate + plan.window + ALL_UP_GRACE + 30
        if time.monotonic() - started + estimate > plan.budget:
            results.findings.append(f"- Concurrency ramp stopped before {calls} calls: time budget.")
            return
        log.info("concurrency step: %d calls (set up at %d calls/s)", calls, setup_rate)
        step = load_step(bench, calls, setup_rate)
        results.loads.append(step)
        log.info("  -> %s", "pass" if step.passed else f"FAIL {step.notes}")
        if starved_media(step) and time.monotonic() - started + estimate <= plan.budget:
            log.info("  the hypervisor took %.0f%% of the CPU: measuring this step again", step.cpu["steal"])
            step.notes.append(f"CPU {step.cpu['steal']:.0f}% stolen: measured again")
            wait_for_quiet_host()
            step = load_step(bench, calls, setup_rate)
            results.loads.append(step)
            log.info("  -> %s", "pass" if step.passed else f"FAIL {step.notes}")
        if not step.passed:
            results.findings.append(
                f"- Concurrency ramp: first failure at {calls} calls ({'; '.join(step.notes)}). "
                f"{saturation(step.cpu)}."
            )
            return


# --- report ------------------------------------------------------------------------------------


def method(plan: Plan, setup_rate: int) -> list[str]:
    return [
        f"- One box (`tests/support/box.py`, PBX_MAX_CALLS={plan.max_legs}) on loopback; SIPp caller "
        f"`bench/scenarios/caller.xml` as extension {CALLER} (INVITE, 407, INVITE with digest, 200, ACK), "
        f"SIPp callee `callee.xml` registered as {CALLEE} with digest (`register.xml`), answering 180 + 200.",
        f"- Calls leave from {plan.sources} loopback addresses (SIPp `-t ui`), as from many phones: kamailio's "
        "pike flood limit counts requests per source address, and one address is banned as a flood from "
        "about 7 calls/s (5 requests per authenticated call against 64 requests per 2 s).",
        "- The caller streams a 700 Hz tone as G.711 A-law (`rtp_stream`, 50 packets/s). The callee's SDP "
        "points at the bench's RTP tap, which counts pbx-core's packets per stream, checks they carry the "
        "tone (the caller's audio crossed the conference bridge) and echoes them back.",
        f"- Rate steps: {plan.step_seconds:.0f} s of calls of {plan.hold_ms} ms each; a step passes when SIPp "
        "counts every call successful, the callee UAS has no failed call, every call has an ANSWERED CDR, "
        "pbx-core ends with no call or leg left, no address is banned and pbx-core did not restart.",
        f"- Concurrency steps: calls set up at {setup_rate} calls/s and held; once pbx-core reports them all "
        f"answered, a {plan.window:.0f} s window measures CPU (from /proc/<pid>/stat, kamailio = all its "
        "processes), pbx-core RSS and RTP. A step passes with every call up in pbx-core at both ends of the "
        "window, an RTP stream to the callee for every call, and the rate-step checks.",
        "- pbx-core is restarted between the two ramps (kamailio and the registration stay), so each "
        "starts from a fresh process. The ramps stop at the first failing step; the reported capacity is the "
        "last step that passed.",
    ]


def log_findings(bench: Bench) -> list[str]:
    out = []
    for name, lines in bench.log_lines.items():
        if lines:
            summary = "; ".join(f"`{s}`" for s in probes.summarize(lines))
            out.append(f"- `log/{name}.log`: {len(lines)} warning/error lines, most frequent: {summary}")
    return out


def box_facts(bench: Bench) -> dict[str, str]:
    facts = {"box": f"PBX_MAX_CALLS={bench.plan.max_legs} legs"}
    if bench.plan.no_answer_timeout:
        facts["box"] += f", no_answer_timeout={bench.plan.no_answer_timeout} s (default 30)"
    if bench.box is None:
        return facts
    cfg_path = bench.box.cfg.run_dir / "kamailio.cfg"
    try:
        text = cfg_path.read_text()
    except OSError:
        return facts
    values = {}
    for key in ("children", "tcp_children"):
        for line in text.splitlines():
            if line.startswith(f"{key}="):
                values[key] = line.split("=", 1)[1]
    for key in ("sampling_time_unit", "reqs_density_per_unit"):
        for line in text.splitlines():
            if f'"{key}"' in line:
                values[key] = line.rsplit(",", 1)[1].strip(" );")
    facts["kamailio config"] = (
        f"children={values.get('children', '?')}, pike {values.get('reqs_density_per_unit', '?')} requests "
        f"per {values.get('sampling_time_unit', '?')} s per source address"
    )
    return facts


STALE_LEG_FINDING = (
    "- pbx-core hung up calls it had just set up (603 Decline to callers still ringing, or a BYE right "
    "after answering) and never ended them in its own state: they stay in `/status` and get no CDR. "
    "Known cause: pjsua2 2.17 keeps `Call.id` after DISCONNECTED and `Call::~Call()` runs "
    "`pjsua_call_set_user_data(id, NULL)` and `hangup()` on whichever call holds that slot by then; "
    "pbx-core frees a `Leg` late (its cancelled no-answer `Timer` keeps the `BridgeCall` and both legs "
    "for `no_answer_timeout`, 30 s), after pjsua has handed the slot to a new call. "
    "`--no-answer-timeout 2` makes the failures go away, which confirms it."
)


def finish(bench: Bench, results: report.Results, plan: Plan) -> None:
    steps: list = [*results.rates, *results.loads]
    if any("never ended" in note for step in steps for note in step.notes):
        results.findings.append(STALE_LEG_FINDING)
    top = results.loads[-1] if results.loads else None
    if top and top.passed and top.calls * 2 < 0.9 * plan.max_legs:
        results.findings.append(
            f"- The concurrency ramp passed every step it tried, up to {top.calls} calls."
        )
    elif top and top.passed:
        results.findings.append(
            f"- The concurrency ramp passed its last step ({top.calls} calls) with pbx-core at "
            f"{top.cpu.get('pbx-core', 0):.0f}% of one core: the limit is the configured "
            f"PBX_MAX_CALLS={plan.max_legs} legs ({plan.max_legs // 2} bridged calls; pjsua is compiled "
            "with PJSUA_MAX_CALLS=512), not CPU."
        )
    stolen = max((step.cpu.get("steal", 0.0) for step in steps), default=0.0)
    if stolen > 20:
        results.findings.append(
            f"- The hypervisor took up to {stolen:.0f}% of this VM's CPU during a step (steal %): results "
            "of such steps understate the box; rerun when the host is quiet."
        )
    results.findings += log_findings(bench)
    setup_rate = load_setup_rate(plan, results)
    section = report.render_section(results, RATE_TARGET, LOAD_TARGET, method(plan, setup_rate))
    print()
    print(section)
    if plan.write:
        report.write_benchmarks(ROOT / "BENCHMARKS.md", section)
        log.info("wrote the results to %s", ROOT / "BENCHMARKS.md")


def _sigterm(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    plan = parse_args(argv)
    signal.signal(signal.SIGTERM, _sigterm)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # also when started in the background
    from firmware.kamailio import kamailio_binary

    results = report.Results(
        started=dt.datetime.now(dt.UTC),
        machine=report.machine_info(),
        versions=report.versions(kamailio_binary(), sippctl.sipp_version()),
        box={},
        quick=plan.quick,
    )
    workdir = Path(tempfile.mkdtemp(prefix="pbx-bench-"))
    bench = Bench(plan, workdir)
    started = time.monotonic()
    ticks0 = probes.machine_ticks()
    interrupted = False
    try:
        bench.setup()
        results.box = box_facts(bench)
        run_rates(bench, results, started)
        run_levels(bench, results, started)
    except KeyboardInterrupt:
        interrupted = True
        log.warning("interrupted: stopping SIPp and the box")
    except Exception:
        log.exception("the bench failed")
        if bench.box is not None:
            log.error("box output:\n%s", bench.box.output())
        interrupted = True
    finally:
        bench.close()
        results.seconds = time.monotonic() - started
        ticks1 = probes.machine_ticks()
        total = max(1, ticks1[2] - ticks0[2])
        results.machine["CPU during the run"] = (
            f"{100 * (ticks1[0] - ticks0[0]) / total:.0f}% busy, "
            f"{100 * (ticks1[1] - ticks0[1]) / total:.0f}% stolen by the hypervisor (of all cores)"
        )
    if plan.keep:
        log.info("kept %s (box data in box/, SIPp files beside it)", workdir)
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    if interrupted:
        return 130 if not results.rates else 1
    finish(bench, results, plan)
    met = results.best_rate() >= RATE_TARGET and results.best_load() >= LOAD_TARGET
    return 0 if met or plan.quick else 1


if __name__ == "__main__":
    sys.exit(main())

"""Results of the SIP load bench: step records, the machine they ran on, the table, BENCHMARKS.md."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import platform
import re
import subprocess
import sys
from pathlib import Path

SECTION_BEGIN = "<!-- bench/sip_load.py: begin (generated, replaced on every run) -->"
SECTION_END = "<!-- bench/sip_load.py: end -->"
MAX_RTP_LOSS_PCT = 5.0
HEADER = """# Benchmarks

Measured capacity of the box. Each section is written by the script named in it (`make bench`);
rerun the script rather than editing numbers by hand.
"""


@dataclasses.dataclass
class RateStep:
    """One step of the call-setup-rate ramp."""

    rate: int
    attempted: int
    ok: int
    failed: int
    setup_ms: tuple[float, float, float]  # INVITE (first, unauthenticated) to 200: median, p95, max
    cdr_answered: int
    cpu: dict[str, float]
    notes: list[str] = dataclasses.field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.notes and self.failed == 0 and self.ok == self.attempted == self.cdr_answered


@dataclasses.dataclass
class LoadStep:
    """One step of the concurrent-calls ramp, measured over a steady window with every call up."""

    calls: int
    up_start: int  # answered calls pbx-core reported when the window opened
    up_end: int
    ok: int
    failed: int
    rtp_streams: int  # pbx-core -> callee RTP streams alive in the window
    pps_per_call: float
    rtp_loss_pct: float  # of 50 packets/s per call, what pbx-core did not deliver to the tap's socket
    tap_dropped: int  # packets the kernel dropped on the tap's socket (the bench's fault, not the box's)
    audible_pct: float
    cpu: dict[str, float]
    core_rss_mb: float
    cdr_answered: int
    notes: list[str] = dataclasses.field(default_factory=list)

    @property
    def passed(self) -> bool:
        return (
            not self.notes
            and self.failed == 0
            and self.ok == self.calls == self.cdr_answered
            and min(self.up_start, self.up_end) >= self.calls
            and self.rtp_streams >= self.calls
            and self.rtp_loss_pct <= MAX_RTP_LOSS_PCT
        )


@dataclasses.dataclass
class Results:
    started: dt.datetime
    machine: dict[str, str]
    versions: dict[str, str]
    box: dict[str, str]
    rates: list[RateStep] = dataclasses.field(default_factory=list)
    loads: list[LoadStep] = dataclasses.field(default_factory=list)
    findings: list[str] = dataclasses.field(default_factory=list)
    seconds: float = 0.0
    quick: bool = False

    def best_rate(self) -> int:
        return max((s.rate for s in self.rates if s.passed), default=0)

    def best_load(self) -> int:
        return max((s.calls for s in self.loads if s.passed), default=0)


# --- the machine -----------------------------------------------------------------------------


def _first_line(argv: list[str], pattern: str = "") -> str:
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    text = out.stdout + out.stderr
    if pattern:
        m = re.search(pattern, text)
        return m.group(0) if m else "unknown"
    return text.strip().splitlines()[0] if text.strip() else "unknown"


def machine_info() -> dict[str, str]:
    cpuinfo = Path("/proc/cpuinfo").read_text(errors="replace")
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.MULTILINE)
    meminfo = Path("/proc/meminfo").read_text()
    mem_kb = int(re.search(r"MemTotal:\s+(\d+)", meminfo).group(1))
    debian = Path("/etc/debian_version")
    return {
        "cpus": str(os.cpu_count()),
        "cpu model": model.group(1).strip() if model else platform.machine(),
        "RAM": f"{mem_kb / 1024 / 1024:.1f} GiB",
        "kernel": f"{platform.system()} {platform.release()} ({platform.machine()})",
        "Debian": debian.read_text().strip() if debian.exists() else "not Debian",
        "load average at start": " ".join(Path("/proc/loadavg").read_text().split()[:3]),
    }


def versions(kamailio: str, sipp: str) -> dict[str, str]:
    pj = _first_line(
        [
            sys.executable,
            "-c",
            "import pjsua2 as pj; ep = pj.Endpoint(); ep.libCreate(); print(ep.libVersion().full); ep.libDestroy()",
        ]
    )
    return {
        "pjproject (pjsua2)": pj,
        "kamailio": _first_line([kamailio, "-v"], r"kamailio \S+"),
        "SIPp": sipp,
        "Python": platform.python_version(),
    }


# --- rendering -------------------------------------------------------------------------------


def _cpu(step_cpu: dict[str, float], key: str) -> str:
    return f"{step_cpu.get(key, 0.0):.0f}"


def rate_table(steps: list[RateStep]) -> list[str]:
    rows = [
        "| rate (calls/s) | attempted | ok | failed | CDRs ANSWERED | setup ms (INVITE to 200) p50 / p95 / max "
        "| pbx-core CPU % | kamailio CPU % | SIPp CPU % | other processes CPU % | machine busy % | steal % "
        "| result |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for s in steps:
        result = "pass" if s.passed else "FAIL: " + "; ".join(s.notes or ["failed calls"])
        rows.append(
            f"| {s.rate} | {s.attempted} | {s.ok} | {s.failed} | {s.cdr_answered} "
            f"| {s.setup_ms[0]:.0f} / {s.setup_ms[1]:.0f} / {s.setup_ms[2]:.0f} "
            f"| {_cpu(s.cpu, 'pbx-core')} | {_cpu(s.cpu, 'kamailio')} | {_cpu(s.cpu, 'sipp')} "
            f"| {_cpu(s.cpu, 'other')} | {_cpu(s.cpu, 'machine')} | {_cpu(s.cpu, 'steal')} | {result} |"
        )
    return rows


def load_table(steps: list[LoadStep]) -> list[str]:
    rows = [
        "| calls | up in pbx-core (window start/end) | ok | failed | RTP streams to callee | RTP pkt/s per call "
        "| RTP loss % | audible % | pbx-core CPU % | pbx-core RSS MB | kamailio CPU % | SIPp + tap CPU % "
        "| other processes CPU % | machine busy % | steal % | result |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for s in steps:
        result = "pass" if s.passed else "FAIL: " + "; ".join(s.notes or ["failed calls"])
        load_gen = s.cpu.get("sipp", 0.0) + s.cpu.get("bench", 0.0)
        rows.append(
            f"| {s.calls} | {s.up_start}/{s.up_end} | {s.ok} | {s.failed} | {s.rtp_streams} "
            f"| {s.pps_per_call:.1f} | {s.rtp_loss_pct:.1f} | {s.audible_pct:.0f} | {_cpu(s.cpu, 'pbx-core')} "
            f"| {s.core_rss_mb:.0f} | {_cpu(s.cpu, 'kamailio')} | {load_gen:.0f} | {_cpu(s.cpu, 'other')} "
            f"| {_cpu(s.cpu, 'machine')} | {_cpu(s.cpu, 'steal')} | {result} |"
        )
    return rows


def targets(results: Results, rate_target: int, load_target: int) -> list[str]:
    best_rate, best_load = results.best_rate(), results.best_load()
    rate_ok = "met" if best_rate >= rate_target else "NOT met"
    load_ok = "met" if best_load >= load_target else "NOT met"
    return [
        f"- Call setup rate: highest step with zero failed calls **{best_rate} calls/s** "
        f"(target >= {rate_target}: **{rate_ok}**).",
        f"- Concurrent bridged G.711 calls with RTP: highest step with zero failures **{best_load}** "
        f"(target >= {load_target}: **{load_ok}**).",
    ]


def render_section(results: Results, rate_target: int, load_target: int, method: list[str]) -> str:
    lines = [
        SECTION_BEGIN,
        "## SIP load: call setup rate and concurrent bridged calls (`bench/sip_load.py`)",
        "",
        f"Run {results.started:%Y-%m-%d %H:%M} UTC, {results.seconds / 60:.1f} min"
        + (" (`--quick` smoke run: small steps, not a capacity figure)" if results.quick else "")
        + ".",
        "",
        "| machine | |",
        "|---|---|",
        *[f"| {k} | {v} |" for k, v in results.machine.items()],
        *[f"| {k} | {v} |" for k, v in results.versions.items()],
        *[f"| {k} | {v} |" for k, v in results.box.items()],
        "",
        "### Targets",
        "",
        *targets(results, rate_target, load_target),
        "",
        "### Call setup rate",
        "",
        *rate_table(results.rates),
        "",
        "### Concurrent answered calls with RTP",
        "",
        *load_table(results.loads),
        "",
        "CPU % is per process group (100 = one core busy) over the middle half of a rate step, while SIPp "
        "is still sending calls, and over the measuring window of a concurrency step; machine busy % is of all "
        f"{results.machine.get('cpus', '?')} cores. SIPp, the RTP tap and the box share the same machine; "
        "'other processes' is whatever else ran on it meanwhile (not the box, not the bench); steal % is "
        "CPU time the hypervisor gave to other VMs (this machine is a VM), of all cores. RTP loss "
        f"above {MAX_RTP_LOSS_PCT:.0f}% fails a step; packets the kernel dropped on the tap's own socket "
        "count as delivered.",
        "",
        "### Method",
        "",
        *method,
        "",
        "### Findings",
        "",
        *(results.findings or ["- none"]),
        SECTION_END,
    ]
    return "\n".join(lines) + "\n"


def write_benchmarks(path: Path, section: str) -> None:
    """Replace this script's section of BENCHMARKS.md (create the file with a header if missing)."""
    text = path.read_text() if path.exists() else HEADER
    if SECTION_BEGIN in text and SECTION_END in text:
        head, rest = text.split(SECTION_BEGIN, 1)
        tail = rest.split(SECTION_END, 1)[1].lstrip("\n")
        text = head + section + ("\n" + tail if tail else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text)
    tmp.replace(path)


def replace_section(path: Path, begin: str, end: str, text: str) -> None:
    """Put `text` between the `begin` and `end` markers of BENCHMARKS.md (appended when missing)."""
    old = path.read_text() if path.exists() else ""
    block = f"{begin}\n{text.rstrip()}\n{end}"
    if begin in old and end in old:
        new = old[: old.index(begin)] + block + old[old.index(end) + len(end) :]
    else:
        new = old.rstrip() + ("\n\n" if old else "") + block + "\n"
    tmp = path.with_suffix(".md.tmp")
    tmp.write_text(new)
    tmp.replace(path)

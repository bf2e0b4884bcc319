"""Run one SIPp process for the bench and read its counters from its -trace_stat CSV file."""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import logging
import os
import re
import shutil
import signal
import subprocess
from pathlib import Path

log = logging.getLogger(__name__)

SCENARIOS = Path(__file__).resolve().parent / "scenarios"


def sipp_binary() -> str:
    path = shutil.which("sipp")
    if not path:
        raise FileNotFoundError("sipp not found: install Debian's sip-tester (make setup does)")
    return path


def sipp_version() -> str:
    out = subprocess.run([sipp_binary(), "-v"], capture_output=True, text=True, timeout=10).stdout
    m = re.search(r"SIPp v[^\s,]+", out)
    return m.group(0).rstrip(".") if m else "unknown"


def _duration_ms(text: str) -> float:
    """Parse SIPp's HH:MM:SS:uuuuuu durations to milliseconds."""
    try:
        hours, minutes, seconds, micros = (int(p) for p in text.split(":"))
    except ValueError:
        return 0.0
    return ((hours * 60 + minutes) * 60 + seconds) * 1000 + micros / 1000


@dataclasses.dataclass(frozen=True)
class SippStats:
    """Cumulative counters of one SIPp run (its last statistics row)."""

    created: int = 0
    ok: int = 0
    failed: int = 0
    current: int = 0
    retransmissions: int = 0
    unexpected: int = 0
    max_retrans: int = 0
    setup_ms: float = 0.0  # mean of the 'setup' response-time (first INVITE -> 200), callers only

    @classmethod
    def from_row(cls, row: dict[str, str]) -> SippStats:
        def num(key: str) -> int:
            try:
                return int(row.get(key) or 0)
            except ValueError:
                return 0

        return cls(
            created=num("TotalCallCreated"),
            ok=num("SuccessfulCall(C)"),
            failed=num("FailedCall(C)"),
            current=num("CurrentCall"),
            retransmissions=num("Retransmissions(C)"),
            unexpected=num("FailedUnexpectedMessage(C)"),
            max_retrans=num("FailedMaxUDPRetrans(C)"),
            setup_ms=_duration_ms(row.get("ResponseTimesetup(C)", "")),
        )


class SippRun:
    """One SIPp process: scenario, arguments, its own stat/error files in the bench's work directory."""

    def __init__(self, name: str, scenario: str, args: list[str], workdir: Path) -> None:
        self.name = name
        self.scenario = Path(scenario).stem
        self.workdir = workdir
        self.stat_file = workdir / f"{name}.csv"
        self.error_file = workdir / f"{name}-errors.log"
        self.out_file = workdir / f"{name}.out"
        self.argv = [
            sipp_binary(),
            "-sf",
            str(SCENARIOS / scenario),
            "-nostdin",
            "-trace_stat",
            "-stf",
            str(self.stat_file),
            "-fd",
            "1",
            "-trace_err",
            "-error_file",
            str(self.error_file),
            "-max_socket",
            "4096",
            # A busy 2-core machine can starve SIPp's scheduler for a moment; that is not a failed call.
            "-watchdog_major_maxtriggers",
            "100000",
            "-watchdog_minor_maxtriggers",
            "100000",
            *args,
        ]
        self.proc: subprocess.Popen | None = None

    def start(self) -> SippRun:
        log.debug("%s: %s", self.name, " ".join(self.argv))
        with self.out_file.open("wb") as err:
            self.proc = subprocess.Popen(
                self.argv, cwd=self.workdir, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err
            )
        return self

    @property
    def pid(self) -> int:
        return self.proc.pid if self.proc else 0

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def wait(self, timeout: float) -> int | None:
        """Wait for SIPp to end; return its exit code, or None (after killing it) if it overran."""
        if self.proc is None:
            return None
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            log.warning("%s: still running after %.0f s, stopping it", self.name, timeout)
            self.stop()
            return None

    def stop(self) -> None:
        if not self.running():
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)

    def stats(self) -> SippStats:
        """Return the last complete statistics row (SIPp writes one a second and one at exit)."""
        try:
            lines = self.stat_file.read_text(errors="replace").splitlines()
        except OSError:
            return SippStats()
        if len(lines) < 2:
            return SippStats()
        header = lines[0].split(";")
        for line in reversed(lines[1:]):
            row = next(csv.reader([line], delimiter=";"))
            if len(row) >= len(header) - 1:
                return SippStats.from_row(dict(zip(header, row, strict=False)))
        return SippStats()

    def response_times(self) -> list[float]:
        """Return every response time (ms) SIPp traced with -trace_rtt -rtt_freq 1, in call order."""
        out = []
        for path in self.workdir.glob(f"{self.scenario}_{self.pid}_rtt.csv"):
            for line in path.read_text(errors="replace").splitlines()[1:]:
                parts = line.split(";")
                with contextlib.suppress(IndexError, ValueError):
                    out.append(float(parts[1]))
        return out

    def errors(self, limit: int = 5) -> list[str]:
        """Return the first lines SIPp logged about unexpected messages or aborted calls."""
        out = []
        for path in (self.error_file, self.out_file):
            try:
                text = path.read_text(errors="replace")
            except OSError:
                continue
            # SIPp writes its events without newlines between them; each starts with a timestamp.
            for event in re.split(r"\s*\d{4}-\d\d-\d\d\t[\d:.]+\t[\d.]+: ", text)[1:]:
                event = " ".join(event.split())
                if event and "ulimit" not in event and "watchdog" not in event:
                    out.append(event[:200])
        return out[:limit]

"""The bench's harness: the box under test, the registered callee UAS, the RTP tap and per-step checks."""

from __future__ import annotations

import collections
import dataclasses
import logging
import os
import socket
import time
from pathlib import Path

import probes
import sippctl

log = logging.getLogger("sip_load")

CALLER, CALLER_SECRET = "2001", "BenchCaller7x"
CALLEE, CALLEE_SECRET = "2002", "BenchCallee7x"
TONE_FILE = "tone-700.al"  # the name caller.xml streams (relative to SIPp's working directory)
SOURCES_FILE = "sources.csv"


@dataclasses.dataclass(frozen=True)
class Plan:
    """What to run; see parse_args for each knob."""

    rates: list[int]
    step_seconds: float
    hold_ms: int
    levels: list[int]
    setup_rate: int
    window: float
    max_legs: int
    rtp_port: int
    sipp_rtp_port: int
    sources: int
    budget: float
    quick: bool
    write: bool
    keep: bool
    trace: bool
    no_answer_timeout: int


class Bench:
    """The box under test, the callee UAS and the RTP tap, plus helpers to run and check one step."""

    def __init__(self, plan: Plan, workdir: Path) -> None:
        self.plan = plan
        self.workdir = workdir
        self.box = None
        self.tap: probes.RtpTap | None = None
        self.callee: sippctl.SippRun | None = None
        self.runs: list[sippctl.SippRun] = []
        self.core_pid = 0
        self.kamailio_pids: list[int] = []
        self.meter: probes.CpuMeter | None = None
        self.watches: dict[str, probes.LogWatch] = {}
        self.log_lines: dict[str, list[str]] = collections.defaultdict(list)
        self.stale: set[str] = set()

    # --- set-up and tear-down -------------------------------------------------------------------

    def setup(self) -> None:
        self._start_box()
        self._add_extensions()
        probes.write_alaw_tone(self.workdir / TONE_FILE)
        sources = [f"127.0.{1 + i // 250}.{1 + i % 250};" for i in range(self.plan.sources)]
        (self.workdir / SOURCES_FILE).write_text("SEQUENTIAL\n" + "\n".join(sources) + "\n")
        self.tap = probes.RtpTap(first_port=self.plan.sipp_rtp_port + 2000).start()
        callee_port = self._free_udp_port()
        self._register_callee(callee_port)
        self._start_callee(callee_port)
        self.meter = probes.CpuMeter(
            {
                "pbx-core": lambda: [self.core_pid],
                "kamailio": lambda: self.kamailio_pids,
                "sipp": lambda: [r.pid for r in self.runs if r.running()],
                "bench": lambda: [os.getpid()],
            }
        )

    def _start_box(self) -> None:
        from telephony import boxconfig
        from tests.support.box import Box

        data_dir = self.workdir / "box"
        data_dir.mkdir()  # Box.start opens box.out in it before creating it
        box = Box(data_dir, rtp_port=self.plan.rtp_port)
        box.env["PBX_MAX_CALLS"] = str(self.plan.max_legs)
        box.cfg = boxconfig.load(box.env)
        log.info(
            "starting the box in %s (SIP %s, PBX_MAX_CALLS=%d)", box.cfg.data_dir, box.sip, box.cfg.max_calls
        )
        self.box = box.start()
        self.box.db()
        self.core_pid = self._pid("pbx-core")
        kamailio = self._pid("kamailio")
        self.kamailio_pids = [kamailio, *probes.children_of(kamailio)]
        logs = self.box.cfg.log_dir
        self.watches = {
            "pbx-core": probes.LogWatch(logs / "pbx-core.log", r"WARNING|ERROR|CRITICAL|Traceback|Exception"),
            "kamailio": probes.LogWatch(logs / "kamailio.log", r"ERROR|CRITICAL|ALERT|WARN|edge:"),
        }
        log.info("box up: pbx-core pid %d, kamailio pids %s", self.core_pid, self.kamailio_pids)

    def _pid(self, program: str) -> int:
        text = self.box.supervisorctl("pid", program).strip()
        if not text.isdigit() or text == "0":
            raise RuntimeError(f"supervisorctl pid {program}: {text!r}")
        return int(text)

    def _add_extensions(self) -> None:
        self.box.add_extension(CALLER, CALLER_SECRET, "Bench caller")
        self.box.add_extension(CALLEE, CALLEE_SECRET, "Bench callee")
        if self.plan.no_answer_timeout:
            from telephony.models import Setting

            Setting.set_value("no_answer_timeout", str(self.plan.no_answer_timeout))
            self.box.control.reload()

    @staticmethod
    def _free_udp_port() -> int:
        from tests.support.box import free_port

        return free_port(socket.SOCK_DGRAM)

    def _register_callee(self, port: int) -> None:
        reg = self._sipp(
            "register",
            "register.xml",
            ["-i", "127.0.0.1", "-p", str(port), "-s", CALLEE, "-au", CALLEE, "-ap", CALLEE_SECRET],
            ["-m", "1", "-timeout", "20s", "-recv_timeout", "5000", self.box.sip],
        )
        rc = reg.start().wait(30)
        stats = reg.stats()
        if rc != 0 or stats.ok != 1:
            raise RuntimeError(f"the callee could not register (sipp rc {rc}): {reg.errors()}")
        aors = {r.get("aor") for r in self.box.control.status().get("registrations", [])}
        if CALLEE not in aors:
            raise RuntimeError(f"REGISTER got 200 but kamailio lists {sorted(aors)}")
        log.info("callee %s registered from 127.0.0.1:%d", CALLEE, port)

    def _start_callee(self, port: int) -> None:
        self.callee = self._sipp(
            "callee",
            "callee.xml",
            ["-i", "127.0.0.1", "-mi", "127.0.0.1", "-p", str(port), "-s", CALLEE],
            ["-key", "tap_port", str(self.tap.port), "-m", "10000000", "-l", "100000"],
            ["-timeout", f"{int(self.plan.budget + 600)}s", self.box.sip],
        ).start()
        time.sleep(0.5)
        if not self.callee.running():
            raise RuntimeError(f"the callee UAS exited: {self.callee.errors()}")

    def _sipp(self, name: str, scenario: str, *arg_lists: list[str]) -> sippctl.SippRun:
        name = f"{len(self.runs):02d}-{name}"  # its files in workdir: NN-name.csv, NN-name-errors.log, ...
        args = [a for args in arg_lists for a in args]
        if self.plan.trace:
            args = ["-trace_msg", "-message_file", str(self.workdir / f"{name}-messages.log"), *args]
        run = sippctl.SippRun(name, scenario, args, self.workdir)
        self.runs.append(run)
        return run

    def close(self) -> None:
        for run in self.runs:
            run.stop()
        if self.tap is not None:
            self.tap.stop()
        if self.box is not None:
            self.box.stop()

    # --- observations ---------------------------------------------------------------------------

    def caller(
        self, name: str, calls: int, rate: int, hold_ms: int, limit: int, timeout: float
    ) -> sippctl.SippRun:
        port = self._free_udp_port()
        return self._sipp(
            name,
            "caller.xml",
            [
                "-t",
                "ui",
                "-inf",
                str(self.workdir / SOURCES_FILE),
                "-p",
                str(port),
                "-key",
                "src_port",
                str(port),
            ],
            ["-key", "caller", CALLER, "-s", CALLEE, "-au", CALLER, "-ap", CALLER_SECRET],
            ["-mi", "127.0.0.1", "-mp", str(self.plan.sipp_rtp_port), "-d", str(hold_ms)],
            ["-r", str(rate), "-m", str(calls), "-l", str(limit)],
            ["-timeout", f"{int(timeout)}s", "-recv_timeout", "15000", "-trace_rtt", "-rtt_freq", "1"],
            [self.box.sip],
        )

    def core_status(self) -> dict:
        from telephony.errors import ControlError

        try:
            return self.box.control.status()
        except ControlError as exc:
            log.warning("control API: %s", exc)
            return {}

    def begin_step(self) -> None:
        """Remember the calls pbx-core already holds (left over by an earlier step), to not count them."""
        self.stale = {c.get("uniqueid") for c in self.core_status().get("calls", [])}

    def answered(self) -> int:
        """Return this step's answered calls in pbx-core, -1 if the control API did not answer."""
        status = self.core_status()
        if not status:
            return -1
        calls = status.get("calls", [])
        return sum(1 for c in calls if c.get("state") == "answered" and c.get("uniqueid") not in self.stale)

    def wait_idle(self, timeout: float = 20.0) -> int:
        """Wait until pbx-core holds none of this step's calls; return how many it still holds."""
        deadline = time.monotonic() + timeout
        left = -1
        while time.monotonic() < deadline:
            calls = self.core_status().get("calls")
            if calls is not None:
                left = sum(1 for c in calls if c.get("uniqueid") not in self.stale)
                if left == 0:
                    break
            time.sleep(0.5)
        return left

    def restart_core(self) -> None:
        """Restart pbx-core (kamailio keeps the callee's registration) to drop calls it will never end."""
        from tests.support.box import wait_until

        self.box.supervisorctl("restart", "pbx-core")
        wait_until(self.box.core_healthy, 30, "pbx-core to answer after its restart", interval=0.2)
        self.core_pid = self._pid("pbx-core")
        self.stale = set()

    def cdr_mark(self) -> int:
        from telephony.models import Cdr

        last = Cdr.select(Cdr.id).order_by(Cdr.id.desc()).first()
        return last.id if last else 0

    def cdrs_since(self, mark: int, expected: int, timeout: float = 15.0) -> collections.Counter:
        """Return the dispositions of CDRs written after `mark`, waiting for `expected` rows."""
        from telephony.models import Cdr

        deadline = time.monotonic() + timeout
        while True:
            rows = Cdr.select(Cdr.disposition).where(Cdr.id > mark)
            counts = collections.Counter(r.disposition for r in rows)
            if sum(counts.values()) >= expected or time.monotonic() > deadline:
                return counts
            time.sleep(0.5)

    def common_checks(self, notes: list[str], callee_before: sippctl.SippStats) -> None:
        """Checks every step ends with: core still the same process, callee UAS clean, no ban, no leak."""
        left = self.wait_idle()
        if left:
            notes.append(f"pbx-core never ended {left} of the step's calls")
        pid = self._pid("pbx-core")
        if pid != self.core_pid:
            notes.append(f"pbx-core restarted (pid {self.core_pid} -> {pid})")
            self.core_pid = pid
        callee = self.callee.stats()
        if callee.failed > callee_before.failed:
            notes.append(f"callee UAS failed {callee.failed - callee_before.failed} calls")
        if not self.callee.running():
            notes.append("callee UAS exited")
        bans = self._bans()
        if bans:
            notes.append(f"kamailio banned {', '.join(bans)}")
        for name, watch in self.watches.items():
            self.log_lines[name] += watch.new_matches()

    def _bans(self) -> list[str]:
        from telephony.errors import ControlError

        try:
            bans = self.box.control.bans()
        except ControlError as exc:
            log.warning("bans: %s", exc)
            return []
        out = []
        for ban in bans:
            address = str(ban.get("address", ""))
            out.append(f"{address} ({ban.get('reason', '?')})")
            try:
                self.box.control.lift_ban(address)
            except ControlError as exc:
                log.warning("lift ban %s: %s", address, exc)
        return out

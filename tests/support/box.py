"""Start the whole box (supervisord: kamailio, pbx-core, webadmin) on free loopback ports for a test."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from telephony import boxconfig
from telephony.control.client import ControlClient
from telephony.errors import ControlError

ROOT = Path(__file__).resolve().parents[2]


def free_port(kind: int = socket.SOCK_STREAM, also_udp: bool = False) -> int:
    """Return a port free for TCP (and UDP when asked) on 127.0.0.1."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, kind) as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if also_udp:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
                try:
                    udp.bind(("127.0.0.1", port))
                except OSError:
                    continue
        return port
    raise RuntimeError("no free port")


def wait_until(predicate, timeout: float, what: str, interval: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


class Box:
    """A running box under supervisord in a temporary data directory."""

    def __init__(self, data_dir: Path, rtp_port: int = 21000) -> None:
        self.env = dict(
            os.environ,
            PBX_DATA_DIR=str(data_dir),
            PBX_SIP_HOST="127.0.0.1",
            PBX_SIP_PORT=str(free_port(also_udp=True)),
            PBX_HTTP_PORT=str(free_port()),
            PBX_CORE_SIP_PORT=str(free_port(socket.SOCK_DGRAM)),
            PBX_CONTROL_PORT=str(free_port()),
            PBX_RTP_PORT=str(rtp_port),
            PBX_MAX_CALLS="64",
            PBX_LOG_LEVEL="INFO",
        )
        self.cfg = boxconfig.load(self.env)
        self.control = ControlClient(self.cfg.control_url, timeout=5)
        self.proc: subprocess.Popen | None = None

    @property
    def sip(self) -> str:
        return f"127.0.0.1:{self.cfg.sip_port}"

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.cfg.http_port}"

    def start(self) -> Box:
        self.cfg.data_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.cfg.data_dir / "box.out", "wb")  # noqa: SIM115 - kept for the process lifetime
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "firmware.run"],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            self.wait_ready()
        except AssertionError:
            self.stop()
            raise
        return self

    def core_healthy(self) -> bool:
        try:
            return bool(self.control.get("/health").get("ok"))
        except ControlError:
            return False

    def web_up(self) -> bool:
        try:
            with urllib.request.urlopen(self.web_url + "/login", timeout=2):
                return True
        except urllib.error.HTTPError:
            return True
        except OSError:
            return False

    def edge_up(self) -> bool:
        from telephony.edge import KamailioRpc

        try:
            return KamailioRpc(self.cfg.kamailio_ctl).ping()
        except Exception:
            return False

    def wait_ready(self, timeout: float = 30) -> None:
        def ready() -> bool:
            if self.proc.poll() is not None:
                raise AssertionError(f"the box exited with {self.proc.returncode}: {self.output()}")
            return self.core_healthy() and self.edge_up() and self.web_up()

        wait_until(ready, timeout, "kamailio, pbx-core and webadmin to answer")

    def output(self) -> str:
        parts = []
        for name in ("box.out", "log/pbx-core.log", "log/kamailio.log", "log/webadmin.log"):
            path = self.cfg.data_dir / name
            if path.exists():
                parts.append(f"--- {name}\n" + path.read_text(errors="replace")[-3000:])
        return "\n".join(parts)

    def supervisorctl(self, *args: str) -> str:
        return subprocess.run(
            [
                str(Path(sys.executable).parent / "supervisorctl"),
                "-c",
                str(self.cfg.run_dir / "supervisord.conf"),
                *args,
            ],
            capture_output=True,
            text=True,
            timeout=30,
        ).stdout

    def db(self):
        """Bind the test process's models to this box's database (other tests may have rebound them)."""
        from telephony.models import open_database

        return open_database(self.cfg.db_path)

    @contextlib.contextmanager
    def port_numbers(self, numbers: dict[str, str]):
        """Give FXS ports numbers for a while, then put their settings back (the box is shared)."""
        from telephony.models.lines import PortSetting

        self.db()
        saved = {port: PortSetting.get_or_none(PortSetting.port == port) for port in numbers}
        for port, number in numbers.items():
            PortSetting.insert(port=port, number=number).on_conflict_replace().execute()
        try:
            yield self
        finally:
            self.db()
            for port, row in saved.items():
                PortSetting.delete().where(PortSetting.port == port).execute()
                if row is not None:
                    row.save(force_insert=True)

    def add_extension(self, number: str, secret: str, name: str = "") -> None:
        from telephony.extensions.service import ExtensionInput, ExtensionService

        self.db()
        ExtensionService(self.control).create(ExtensionInput(number=number, name=name, secret=secret))

    def cdrs(self) -> list:
        from telephony.models import Cdr

        self.db()
        return list(Cdr.select().order_by(Cdr.id))

    def stop(self) -> None:
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(5)
        self.proc = None

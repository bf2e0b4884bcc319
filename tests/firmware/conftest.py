"""A real kamailio edge on free loopback ports, real SIPp peers and a tiny raw SIP client."""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import re
import signal
import socket
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from firmware.kamailio import EdgeLimits, kamailio_command, write_kamailio
from telephony import boxconfig
from telephony.edge import KamailioRpc
from telephony.extensions.service import ExtensionInput, ExtensionService
from telephony.models import open_database
from tests.support.box import free_port, wait_until

SIPP_DIR = Path(__file__).resolve().parents[1] / "sipp"
SECRET = "Secr3tPass"
REALM = "pbx"
# Low thresholds so the tests trip them quickly; phones of other tests stay on 127.0.0.1, each
# attacker on its own 127.0.0.x (Linux routes all of 127/8 to lo).
LIMITS = EdgeLimits(pike_window=2, pike_limit=40, auth_fail_limit=3, auth_fail_window=60, ban_time=120)


def free_udp_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def udp_port_bound(host: str, port: int) -> bool:
    """Return True if some process holds host:port (UDP), read from /proc so the port is never touched."""
    wanted = f"{socket.inet_aton(host)[::-1].hex().upper()}:{port:04X}"
    with open("/proc/net/udp") as table:
        return any(line.split()[1] == wanted for line in table.readlines()[1:])


@dataclasses.dataclass
class SippRun:
    """One SIPp process running one call of a scenario from tests/sipp/."""

    name: str
    argv: list[str]
    trace_dir: Path
    proc: subprocess.Popen | None = None
    returncode: int | None = None

    @property
    def messages(self) -> str:
        path = self.trace_dir / f"{self.name}_messages.log"
        return path.read_text(errors="replace") if path.exists() else ""

    @property
    def errors(self) -> str:
        path = self.trace_dir / f"{self.name}_errors.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def received(self, first_line_prefix: str) -> list[str]:
        """Return the SIP messages SIPp received whose first line starts with the prefix."""
        out = []
        for block in self.messages.split("message received")[1:]:
            text = block.split("\n", 1)[1].split("-----------------------------------------------", 1)[0]
            text = text.replace("\r\n", "\n").strip("\n")
            if text.startswith(first_line_prefix):
                out.append(text)
        return out

    def start(self) -> SippRun:
        log = open(self.trace_dir / f"{self.name}_screen.log", "wb")  # noqa: SIM115 - closed in wait()
        self.proc = subprocess.Popen(
            self.argv, cwd=self.trace_dir, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT
        )
        self._log = log
        return self

    def wait(self, timeout: float = 20) -> SippRun:
        assert self.proc is not None
        try:
            self.returncode = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.returncode = self.proc.wait(5)
        finally:
            self._log.close()
        return self

    def explain(self) -> str:
        return (
            f"sipp {self.name} exited {self.returncode}\nargv: {' '.join(self.argv)}\n{self.errors[-3000:]}"
        )


class Edge:
    """A running kamailio rendered by firmware/kamailio.py for a temporary box."""

    def __init__(self, tmp: Path, limits: EdgeLimits = LIMITS) -> None:
        self.tmp = tmp
        self.cfg = boxconfig.load(
            {},
            data_dir=tmp / "data",
            sip_host="127.0.0.1",
            sip_port=free_port(also_udp=True),
            core_sip_port=free_udp_port(),
            log_level="INFO",
        )
        self.limits = limits
        self.rpc = KamailioRpc(self.cfg.kamailio_ctl)
        self.proc: subprocess.Popen | None = None
        self.log_path = tmp / "kamailio.log"
        self._runs = 0

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.cfg.sip_port}"

    def start(self) -> Edge:
        open_database(self.cfg.db_path)
        service = ExtensionService(control=None)
        for number in ("1001", "1002", "1003", "1004"):
            service.create(ExtensionInput(number=number, name=f"Phone {number}", secret=SECRET))
        write_kamailio(self.cfg, REALM, self.limits)
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                kamailio_command(self.cfg), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

        def ready() -> bool:
            if self.proc.poll() is not None:
                raise AssertionError(f"kamailio exited with {self.proc.returncode}:\n{self.log_tail()}")
            return self.rpc.ping()

        wait_until(ready, 10, "kamailio to answer on its ctl socket")
        return self

    def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(5)
        self.proc = None

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def log_tail(self, chars: int = 4000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:] if self.log_path.exists() else ""

    def sipp(
        self,
        scenario: str,
        *args: str,
        local_ip: str = "127.0.0.1",
        port: int | None = None,
        to_edge: bool = True,
    ) -> SippRun:
        """Return (not started) a SIPp run of one call; UAS runs pass to_edge=False."""
        self._runs += 1
        name = f"{self._runs:02d}_{Path(scenario).stem}"
        port = port or free_udp_port(local_ip)
        argv = ["sipp", *([self.address] if to_edge else [])]
        argv += ["-sf", str(SIPP_DIR / scenario), "-i", local_ip, "-p", str(port), "-m", "1"]
        argv += ["-timeout", "15s", "-recv_timeout", "8000", "-max_retrans", "3", "-nostdin"]
        argv += ["-trace_err", "-error_file", str(self.tmp / f"{name}_errors.log")]
        argv += ["-trace_msg", "-message_file", str(self.tmp / f"{name}_messages.log")]
        return SippRun(name, argv + list(args), self.tmp)

    def run_sipp(self, scenario: str, *args: str, **kwargs) -> SippRun:
        return self.sipp(scenario, *args, **kwargs).start().wait()

    def register(
        self,
        number: str,
        contact_port: int,
        *extra: str,
        secret: str = SECRET,
        scenario: str = "kam_register.xml",
        local_ip: str = "127.0.0.1",
    ) -> SippRun:
        """Run a SIPp REGISTER of `number` whose Contact names <local_ip>:contact_port."""
        args = ["-s", number, "-au", number, "-ap", secret, "-key", "contact_port", str(contact_port), *extra]
        return self.run_sipp(scenario, *args, local_ip=local_ip)

    def registered(self, aor: str) -> bool:
        return any(r["aor"] == aor for r in self.rpc.registrations())


@pytest.fixture(scope="module")
def edge(tmp_path_factory):
    e = Edge(tmp_path_factory.mktemp("edge"))
    try:
        e.start()
        yield e
    finally:
        e.stop()


# --- a raw SIP client: exact bytes, exact answers ------------------------------------------------


@dataclasses.dataclass
class Response:
    status: int
    reason: str
    text: str

    def header(self, name: str) -> list[str]:
        head = self.text.split("\r\n\r\n", 1)[0]
        out = []
        for line in head.split("\r\n")[1:]:
            key, sep, value = line.partition(":")
            if sep and key.strip().lower() == name.lower():
                out.append(value.strip())
        return out


def digest_params(challenge: str) -> dict[str, str]:
    return {k.lower(): v for k, v in re.findall(r'(\w+)="?([^",]*)"?', challenge.removeprefix("Digest "))}


class SipClient:
    """Send hand-written SIP requests over UDP from a chosen loopback address; read the answers."""

    def __init__(self, edge_host: str, edge_port: int, local_ip: str = "127.0.0.1") -> None:
        self.edge = (edge_host, edge_port)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((local_ip, 0))
        self.local = self.sock.getsockname()
        self.cseq = 0

    def close(self) -> None:
        self.sock.close()

    def send_raw(self, data: bytes) -> None:
        self.sock.sendto(data, self.edge)

    def recv(self, timeout: float) -> Response | None:
        """Return the next final response, or None if none came within `timeout` s."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self.sock.settimeout(left)
            try:
                data = self.sock.recv(65535)
            except TimeoutError:
                return None
            text = data.decode(errors="replace")
            first = text.split("\r\n", 1)[0].split(" ", 2)
            if len(first) == 3 and first[0] == "SIP/2.0" and first[1].isdigit() and int(first[1]) >= 200:
                return Response(int(first[1]), first[2], text)

    def build(
        self,
        method: str,
        ruri: str,
        from_user: str,
        to_user: str,
        call_id: str,
        extra: tuple[str, ...] = (),
    ) -> bytes:
        self.cseq += 1
        host, port = self.local
        edge = f"{self.edge[0]}:{self.edge[1]}"
        lines = [
            f"{method} {ruri} SIP/2.0",
            f"Via: SIP/2.0/UDP {host}:{port};branch=z9hG4bK{uuid.uuid4().hex[:16]};rport",
            "Max-Forwards: 70",
            f"From: <sip:{from_user}@{edge}>;tag={uuid.uuid4().hex[:8]}",
            f"To: <sip:{to_user}@{edge}>",
            f"Call-ID: {call_id}",
            f"CSeq: {self.cseq} {method}",
            f"Contact: <sip:{from_user}@{host}:{port}>",
            *extra,
            "Content-Length: 0",
        ]
        return ("\r\n".join(lines) + "\r\n\r\n").encode()

    def request(
        self,
        method: str,
        to_user: str,
        from_user: str | None = None,
        password: str | None = None,
        auth_user: str | None = None,
        timeout: float = 2.0,
    ) -> tuple[Response | None, Response | None]:
        """Send a request; if challenged and given a password, answer the challenge once.

        Return (first answer, answer to the authenticated retry or None).
        """
        from_user = from_user or to_user
        ruri = (
            f"sip:{self.edge[0]}:{self.edge[1]}" if method == "REGISTER" else f"sip:{to_user}@{self.edge[0]}"
        )
        call_id = f"{uuid.uuid4().hex}@test"
        extra = ("Expires: 60",) if method == "REGISTER" else ()
        self.send_raw(self.build(method, ruri, from_user, to_user, call_id, extra))
        first = self.recv(timeout)
        if first is None or first.status not in (401, 407) or password is None:
            return first, None
        header = "WWW-Authenticate" if first.status == 401 else "Proxy-Authenticate"
        params = digest_params(first.header(header)[0])
        user = auth_user or from_user
        ha1 = md5(f"{user}:{params['realm']}:{password}")
        ha2 = md5(f"{method}:{ruri}")
        cnonce, nc = uuid.uuid4().hex[:8], "00000001"
        resp = md5(f"{ha1}:{params['nonce']}:{nc}:{cnonce}:auth:{ha2}")
        auth = (
            f'Digest username="{user}", realm="{params["realm"]}", nonce="{params["nonce"]}", '
            f'uri="{ruri}", response="{resp}", algorithm=MD5, cnonce="{cnonce}", nc={nc}, qop=auth'
        )
        name = "Authorization" if first.status == 401 else "Proxy-Authorization"
        self.send_raw(self.build(method, ruri, from_user, to_user, call_id, (*extra, f"{name}: {auth}")))
        return first, self.recv(timeout)

    def options(self, timeout: float = 2.0) -> Response | None:
        call_id = f"{uuid.uuid4().hex}@test"
        self.send_raw(self.build("OPTIONS", f"sip:{self.edge[0]}:{self.edge[1]}", "ping", "ping", call_id))
        return self.recv(timeout)


def md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()  # noqa: S324 - SIP digest is MD5


@pytest.fixture
def sip_client(edge):
    """Make raw SIP clients bound to a given loopback address; closed after the test."""
    made: list[SipClient] = []

    def make(local_ip: str = "127.0.0.1") -> SipClient:
        client = SipClient("127.0.0.1", edge.cfg.sip_port, local_ip)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()

"""Health checks of the box's three services, each asked the way a user of it would ask.

- pbx-core: its control API's GET /status, which is answered from the engine loop itself, so a
  hung loop fails the check even while the HTTP thread still accepts connections.
- kamailio: a SIP OPTIONS to the edge's port, which the edge answers itself (200 Keepalive).
- webadmin: a GET of /login (any HTTP status is an answer; a refused or hung connection is not).
  With HTTPS on (PBX_HTTPS_PORT, the image) that GET goes over TLS to the HTTPS port, as an admin's
  does, and the plain HTTP port must answer too (with its redirect to HTTPS): no page is left on
  plain HTTP for the check. The TLS connection is on the box's own address and the certificate is
  the box's self-signed one, so it is not verified: the check asks whether the server answers.
"""

from __future__ import annotations

import dataclasses
import http.client
import secrets
import socket
import ssl
import time
from collections.abc import Callable

from telephony.boxconfig import BoxConfig
from telephony.control.client import ControlClient
from telephony.errors import ControlError

TIMEOUT = 3.0


@dataclasses.dataclass(frozen=True)
class CheckResult:
    """One service's answer (or its absence) to one check."""

    name: str
    ok: bool
    detail: str = ""
    seconds: float = 0.0


def _connect_host(host: str) -> str:
    return "127.0.0.1" if host in ("", "0.0.0.0", "*") else host


def check_core(cfg: BoxConfig, timeout: float = TIMEOUT) -> tuple[bool, str]:
    try:
        ControlClient(cfg.control_url, timeout=timeout).get("/status")
        return True, "control API /status answered"
    except ControlError as exc:
        return False, f"control API /status: {exc}"


def options_request(host: str, port: int, local_port: int) -> tuple[bytes, str]:
    """Return an OPTIONS request to host:port from 127.0.0.1:local_port and its Call-ID."""
    call_id = secrets.token_hex(8) + "@pbx-watchdog"
    branch = "z9hG4bK" + secrets.token_hex(8)
    text = (
        f"OPTIONS sip:{host}:{port} SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP 127.0.0.1:{local_port};branch={branch};rport\r\n"
        "Max-Forwards: 70\r\n"
        f"From: <sip:watchdog@127.0.0.1>;tag={secrets.token_hex(4)}\r\n"
        f"To: <sip:{host}:{port}>\r\n"
        f"Call-ID: {call_id}\r\n"
        "CSeq: 1 OPTIONS\r\n"
        "User-Agent: pbx-watchdog\r\n"
        "Content-Length: 0\r\n\r\n"
    )
    return text.encode(), call_id


def check_edge(cfg: BoxConfig, timeout: float = TIMEOUT) -> tuple[bool, str]:
    host = _connect_host(cfg.sip_host)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.settimeout(timeout)
        request, call_id = options_request(host, cfg.sip_port, sock.getsockname()[1])
        deadline = time.monotonic() + timeout
        try:
            sock.sendto(request, (host, cfg.sip_port))
            while True:
                sock.settimeout(max(0.01, deadline - time.monotonic()))
                data = sock.recv(65535)
                if call_id.encode() in data and data.startswith(b"SIP/2.0 "):
                    return True, "SIP OPTIONS answered " + data.split(b"\r\n", 1)[0][8:].decode(
                        errors="replace"
                    )
        except TimeoutError:
            return False, f"SIP OPTIONS to {host}:{cfg.sip_port}: no answer in {timeout:g} s"
        except OSError as exc:
            return False, f"SIP OPTIONS to {host}:{cfg.sip_port}: {exc}"


def _get_login(conn: http.client.HTTPConnection, scheme: str) -> tuple[bool, str]:
    """GET /login on `conn`; any HTTP status is an answer."""
    where = f"{scheme} GET /login on {conn.host}:{conn.port}"
    try:
        conn.request("GET", "/login")
        return True, f"{where} answered {conn.getresponse().status}"
    except (OSError, http.client.HTTPException) as exc:
        return False, f"{where}: {exc or type(exc).__name__}"
    finally:
        conn.close()


def _unverified_tls() -> ssl.SSLContext:
    """TLS without verification: the box asks itself, and its certificate is its own self-signed one."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def check_web(cfg: BoxConfig, timeout: float = TIMEOUT) -> tuple[bool, str]:
    host = _connect_host(cfg.http_host)
    http_ok, http_detail = _get_login(
        http.client.HTTPConnection(host, cfg.http_port, timeout=timeout), "HTTP"
    )
    if not cfg.https_port:
        return http_ok, http_detail
    https = http.client.HTTPSConnection(host, cfg.https_port, timeout=timeout, context=_unverified_tls())
    https_ok, https_detail = _get_login(https, "HTTPS")
    return http_ok and https_ok, f"{https_detail}; {http_detail}"


CHECKS: tuple[tuple[str, Callable[[BoxConfig, float], tuple[bool, str]]], ...] = (
    ("pbx-core", check_core),
    ("kamailio", check_edge),
    ("webadmin", check_web),
)


def check_all(cfg: BoxConfig, timeout: float = TIMEOUT) -> list[CheckResult]:
    """Run every check once; return one result per service, in CHECKS order."""
    out = []
    for name, check in CHECKS:
        start = time.monotonic()
        ok, detail = check(cfg, timeout)
        out.append(CheckResult(name, ok, detail, round(time.monotonic() - start, 3)))
    return out

"""pbx-webadmin with PBX_HTTPS_PORT: the app over TLS with first boot's certificate, HTTP redirects to it.

The real process is started on a data dir whose certificate firstboot.make_tls_certificate made;
readiness is its own log line saying it listens (read with a deadline), never a sleep.
"""

from __future__ import annotations

import http.client
import os
import queue
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

import pytest

from firmware import health
from firmware.firstboot import make_tls_certificate, read_secret
from firmware.run import check_ports
from telephony import boxconfig
from tests.support.box import Box, free_port
from tests.webadmin.conftest import ADMIN, PASSWORD, closed_port
from tests.webadmin.wsgi_client import CSRF_RE
from webadmin import auth

START_DEADLINE = 30.0


class WebadminProcess:
    """`python -m webadmin.main` with the given environment; its stderr lines arrive on a queue."""

    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "webadmin.main"],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.log: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stderr:
            self.lines.put(line)
        self.lines.put(None)  # end of file: the process exited

    def wait_for_line(self, text: str, deadline_s: float = START_DEADLINE) -> str | None:
        """Return the first log line containing `text`; None if the process ends first (AssertionError on time)."""
        deadline = time.monotonic() + deadline_s
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no log line with {text!r} in {deadline_s} s:\n{''.join(self.log)}")
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                continue
            if line is None:
                return None
            self.log.append(line)
            if text in line:
                return line

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.terminate()
        try:
            return self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()


def _env(data_dir: Path, http_port: int, https_port: int) -> dict[str, str]:
    return dict(
        os.environ,
        PBX_DATA_DIR=str(data_dir),
        PBX_HTTP_HOST="127.0.0.1",
        PBX_HTTP_PORT=str(http_port),
        PBX_HTTPS_PORT=str(https_port),
        PBX_CONTROL_PORT=str(closed_port()),
        PBX_LOG_LEVEL="INFO",
    )


@dataclass
class Served:
    cfg: boxconfig.BoxConfig
    cert: Path
    process: WebadminProcess


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    data = tmp_path_factory.mktemp("https") / "data"
    (data / "keys").mkdir(parents=True)
    cert, key = data / "keys" / "web-tls.crt", data / "keys" / "web-tls.key"  # first boot's names
    make_tls_certificate(cert, key)
    env = _env(data, closed_port(), closed_port())
    cfg = boxconfig.load(env)
    assert (cfg.web_tls_cert, cfg.web_tls_key) == (cert, key)
    process = WebadminProcess(env, cwd=data.parent)
    try:
        for line in (
            f"listening on https://127.0.0.1:{cfg.https_port}",
            f"http://127.0.0.1:{cfg.http_port} redir",
        ):
            assert process.wait_for_line(line) is not None, "".join(process.log)
        yield Served(cfg, cert, process)
    finally:
        process.stop()


def unverified() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    text: str

    def cookie_line(self, name: str) -> str:
        for line in self.headers.get_all("Set-Cookie") or []:
            if line.split("=", 1)[0].strip() == name:
                return line
        raise AssertionError(f"no Set-Cookie for {name}: {self.headers.get_all('Set-Cookie')}")


@dataclass
class Browser:
    """Just enough of a browser over HTTPS: a cookie jar, forms with their CSRF token."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    login_answer: Answer | None = None  # the answer that logged this browser in

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> Answer:
        conn = http.client.HTTPSConnection("127.0.0.1", self.port, timeout=20, context=unverified())
        headers = {"Accept-Language": "en"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            answer = Answer(response.status, response.headers, response.read().decode())
        finally:
            conn.close()
        for line in answer.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(line).items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return answer

    def submit(self, page: str, action: str, fields: dict[str, str]) -> Answer:
        match = CSRF_RE.search(self.request("GET", page).text)
        assert match, f"{page} carries no csrf_token"
        return self.request("POST", action, {"csrf_token": match.group(1), **fields})


@pytest.fixture(scope="module")
def admin(served) -> Browser:
    """A browser logged in over HTTPS as the administrator it set up on the first visit."""
    browser = Browser(served.cfg.https_port)
    setup = browser.submit("/setup", "/setup", {"username": ADMIN, "password": PASSWORD, "confirm": PASSWORD})
    assert setup.status == 303, setup.text
    login = browser.submit("/login", "/login", {"username": ADMIN, "password": PASSWORD})
    assert (login.status, login.headers["Location"]) == (303, "/"), login.text
    browser.login_answer = login
    return browser


def plain_http(port: int, method: str, path: str, host: str | None = None) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request(method, path, body=b"" if method == "POST" else None, headers={"Host": host} if host else {})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response


# --- TLS -------------------------------------------------------------------------------------------


def test_the_tls_handshake_presents_exactly_first_boots_certificate(served):
    expected = ssl.PEM_cert_to_DER_cert(served.cert.read_text())
    with socket.create_connection(("127.0.0.1", served.cfg.https_port), timeout=10) as raw:
        with unverified().wrap_socket(raw) as tls:
            assert tls.getpeercert(binary_form=True) == expected
            assert tls.version() in ("TLSv1.2", "TLSv1.3")
    # And a client that trusts that one certificate only verifies the box by name.
    pinned = ssl.create_default_context(cafile=str(served.cert))
    with socket.create_connection(("127.0.0.1", served.cfg.https_port), timeout=10) as raw:
        with pinned.wrap_socket(raw, server_hostname="localhost") as tls:
            assert tls.getpeercert(binary_form=True) == expected


def test_the_login_page_answers_over_https(served, admin):
    fresh = Browser(served.cfg.https_port)
    page = fresh.request("GET", "/login")
    assert page.status == 200
    assert "<form" in page.text and 'name="password"' in page.text
    assert page.headers["Strict-Transport-Security"] is None  # see webadmin/main.py: no HSTS


def test_the_session_cookie_is_secure_over_https(admin):
    flags = [part.strip().lower() for part in admin.login_answer.cookie_line(auth.SESSION_COOKIE).split(";")]
    assert "secure" in flags and "httponly" in flags and "samesite=strict" in flags
    assert admin.request("GET", "/extensions").status == 200


def test_a_session_cookie_with_a_changed_mac_is_logged_out(served, admin):
    good = admin.cookies[auth.SESSION_COOKIE]
    token, mac = good.split(".")
    forged = Browser(served.cfg.https_port, {auth.SESSION_COOKIE: f"{token}.{mac[::-1]}"})
    answer = forged.request("GET", "/extensions")
    assert answer.status == 303 and answer.headers["Location"].startswith("/login"), answer.status
    assert admin.request("GET", "/extensions").status == 200  # the real session still works


# --- plain HTTP ------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "HEAD", "POST"])
@pytest.mark.parametrize("path", ["/", "/login", "/cdr?page=2&to=1001", "/static/app.css"])
def test_plain_http_redirects_to_the_same_path_over_https(served, method, path):
    answer = plain_http(served.cfg.http_port, method, path)
    assert answer.status == 308
    assert answer.headers["Location"] == f"https://127.0.0.1:{served.cfg.https_port}{path}"
    assert answer.headers["Cache-Control"] == "no-store"  # turning HTTPS off later strands no browser
    assert answer.headers.get_all("Set-Cookie") is None


def test_the_redirect_keeps_the_host_name_the_browser_used(served):
    https = served.cfg.https_port
    for host, name in (("pbx.branch.example:8080", "pbx.branch.example"), ("[fe80::1]:8080", "[fe80::1]")):
        answer = plain_http(served.cfg.http_port, "GET", "/users?x=%20y", host=host)
        assert answer.headers["Location"] == f"https://{name}:{https}/users?x=%20y"


def test_the_redirect_target_answers(served):
    location = plain_http(served.cfg.http_port, "GET", "/login").headers["Location"]
    url = urllib.parse.urlsplit(location)
    assert Browser(url.port).request("GET", url.path).status == 200


def test_a_request_without_a_usable_host_gets_the_https_address_in_its_language(served):
    with socket.create_connection(("127.0.0.1", served.cfg.http_port), timeout=10) as sock:
        sock.sendall(b"GET /login HTTP/1.0\r\nAccept-Language: zh-CN\r\n\r\n")
        reply = b"".join(iter(lambda: sock.recv(4096), b"")).decode()
    assert reply.startswith("HTTP/1.1 400") or reply.startswith("HTTP/1.0 400"), reply
    assert f"https://<本设备地址>:{served.cfg.https_port}/" in reply


# --- the box's own health check --------------------------------------------------------------------


def test_the_health_check_asks_login_over_https_and_the_http_port_too(served):
    ok, detail = health.check_web(served.cfg, timeout=10)
    assert ok, detail
    assert f"HTTPS GET /login on 127.0.0.1:{served.cfg.https_port} answered 200" in detail
    assert f"HTTP GET /login on 127.0.0.1:{served.cfg.http_port} answered 308" in detail


@pytest.mark.parametrize("dead", ["http_port", "https_port"])
def test_the_health_check_fails_when_either_port_does_not_answer(served, dead):
    cfg = boxconfig.load(served.cfg.environ(), **{dead: closed_port()})
    ok, detail = health.check_web(cfg, timeout=5)
    assert not ok and "refused" in detail.lower(), detail


def test_box_start_names_a_taken_https_port(served):
    cfg = boxconfig.load(served.cfg.environ(), http_port=closed_port())
    web = [line for line in check_ports(cfg) if line.startswith("PBX_HTTP")]  # SIP ports: whatever runs here
    assert web == [f"PBX_HTTPS_PORT: 127.0.0.1:{cfg.https_port} is already in use by another program"]


# --- no certificate --------------------------------------------------------------------------------


@pytest.mark.parametrize("missing", ["web-tls.crt", "web-tls.key"])
def test_without_its_certificate_the_admin_refuses_to_start_and_names_the_file(tmp_path, missing):
    keys = tmp_path / "data" / "keys"
    keys.mkdir(parents=True)
    make_tls_certificate(keys / "web-tls.crt", keys / "web-tls.key")
    (keys / missing).unlink()
    http_port = closed_port()
    process = WebadminProcess(_env(tmp_path / "data", http_port, closed_port()), cwd=tmp_path)
    try:
        line = process.wait_for_line(str(keys / missing))
        assert line is not None and "first boot makes it again" in line, "".join(process.log)
        assert "not served over plain HTTP" in line
        assert process.proc.wait(timeout=15) == 1
    finally:
        process.stop()
    with socket.socket() as sock, pytest.raises(ConnectionRefusedError):
        sock.connect(("127.0.0.1", http_port))  # and it does not serve plain HTTP instead


# --- the whole box, as the image runs it -----------------------------------------------------------


class HttpsBox(Box):
    """The box under supervisord with PBX_HTTPS_PORT set; first boot makes the certificate."""

    def __init__(self, data_dir: Path) -> None:
        super().__init__(data_dir, rtp_port=23400)
        self.env["PBX_HTTPS_PORT"] = str(free_port())
        self.cfg = boxconfig.load(self.env)

    def web_up(self) -> bool:
        return health.check_web(self.cfg, timeout=2)[0]  # the watchdog's own check


def test_the_box_serves_first_boots_certificate_and_kamailio_uses_its_edge_secret(tmp_path):
    box = HttpsBox(tmp_path / "data").start()
    try:
        https = box.cfg.https_port
        banner = (box.cfg.data_dir / "box.out").read_text()
        assert f"Web admin:  https://127.0.0.1:{https}/" in banner
        assert f"http://127.0.0.1:{box.cfg.http_port}/ redirects there" in banner
        der = ssl.PEM_cert_to_DER_cert((box.cfg.data_dir / "keys" / "web-tls.crt").read_text())
        with socket.create_connection(("127.0.0.1", https), timeout=10) as raw:
            with unverified().wrap_socket(raw) as tls:
                assert tls.getpeercert(binary_form=True) == der
        assert Browser(https).request("GET", "/setup").status == 200
        location = plain_http(box.cfg.http_port, "GET", "/setup").headers["Location"]
        assert location == f"https://127.0.0.1:{https}/setup"
        secret = read_secret(box.cfg, "edge.secret")
        assert f'modparam("auth", "secret", "{secret}")' in (box.cfg.run_dir / "kamailio.cfg").read_text()
        logs = "".join(p.read_text(errors="replace") for p in box.cfg.log_dir.glob("*.log"))
        assert secret not in logs + banner
        assert read_secret(box.cfg, "session.key") not in logs + banner
    finally:
        box.stop()

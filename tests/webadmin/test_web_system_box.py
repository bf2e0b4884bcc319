"""System page of a real running box: pbx-core crashed repeatedly shows its count and its last log lines."""

from __future__ import annotations

import html
import http.cookiejar
import os
import signal
import urllib.parse
import urllib.request
import uuid

from tests.support.box import Box, wait_until
from tests.webadmin.wsgi_client import CSRF_RE

PASSWORD = "Corr3ctHorse42"


class Browser:
    """A cookie-keeping HTTP client that follows redirects, as a browser would for plain forms."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=15) as response:
            return response.read().decode()

    def submit(self, page: str, action: str, data: dict[str, str]) -> str:
        token = CSRF_RE.search(self.get(page)).group(1)
        body = urllib.parse.urlencode({"csrf_token": token, **data}).encode()
        with self.opener.open(self.base + action, body, timeout=30) as response:
            return response.read().decode()


def _pid(box: Box, name: str) -> int:
    return int(box.supervisorctl("pid", name).strip() or 0)


def test_given_pbx_core_crashes_three_times_then_the_system_page_shows_the_count_and_its_last_log_lines(
    tmp_path,
):
    box = Box(tmp_path)
    box.start()
    try:
        browser = Browser(box.web_url)
        browser.submit("/setup", "/setup", {"username": "admin", "password": PASSWORD, "confirm": PASSWORD})
        browser.submit("/login", "/login", {"username": "admin", "password": PASSWORD})
        for _ in range(3):
            pid = _pid(box, "pbx-core")
            assert pid
            os.kill(pid, signal.SIGKILL)
            wait_until(
                lambda old=pid: _pid(box, "pbx-core") not in (0, old), 30, "supervisord to restart pbx-core"
            )
            wait_until(box.core_healthy, 30, "the restarted pbx-core to answer")
            running = lambda: "RUNNING" in box.supervisorctl("status", "pbx-core")  # noqa: E731
            wait_until(running, 30, "supervisord to count pbx-core as running (startsecs)")
        page = browser.get("/system")
        row = page[page.index('data-process="pbx-core"') :].split("</tr>", 1)[0]
        assert 'data-state="RUNNING"' in row and 'data-crashes="3"' in row, row
        assert "terminated by SIGKILL; not expected" in row
        assert 'data-crashes="0"' in page[page.index('data-process="webadmin"') :].split("</tr>", 1)[0]
        tail = page[page.index('data-tail="pbx-core"') :].split("</pre>", 1)[0]
        last_line = [
            line for line in (box.cfg.log_dir / "pbx-core.log").read_text().splitlines() if line.strip()
        ][-1]
        assert html.escape(last_line, quote=True)[:60] in tail or last_line[:60] in html.unescape(tail)
        assert 'data-tail="webadmin"' not in page
    finally:
        box.stop()


def _multipart(token: str, filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            "Content-Type: application/gzip\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def test_a_backup_with_media_downloaded_from_a_running_box_restores_through_the_real_server(tmp_path):
    box = Box(tmp_path)
    box.start()
    try:
        browser = Browser(box.web_url)
        browser.submit("/setup", "/setup", {"username": "admin", "password": PASSWORD, "confirm": PASSWORD})
        browser.submit("/login", "/login", {"username": "admin", "password": PASSWORD})
        box.add_extension("1001", "Secr3tPass1")
        recording = box.cfg.media_dir / "recordings" / "call-1.wav"
        recording.parent.mkdir(parents=True, exist_ok=True)
        recording.write_bytes(os.urandom(600 * 1024))  # beyond the default 256 KiB body limit
        token = CSRF_RE.search(browser.get("/system")).group(1)
        body = urllib.parse.urlencode({"csrf_token": token, "media": "1"}).encode()
        with browser.opener.open(box.web_url + "/system/backup", body, timeout=30) as response:
            backup = response.read()
            assert response.headers["Content-Type"] == "application/gzip"
        assert len(backup) > 600 * 1024
        box.add_extension("1002", "Secr3tPass2")
        recording.unlink()
        from firmware.apply import apply_config
        from telephony.models import Setting

        Setting.set_value("sip_realm", "changed.example")
        apply_config(box.cfg)  # kamailio.cfg now has the changed realm; the restore brings 'pbx' back
        kamailio_pid = _pid(box, "kamailio")
        token = CSRF_RE.search(browser.get("/system")).group(1)
        data, kind = _multipart(token, "backup.tar.gz", backup)
        request = urllib.request.Request(box.web_url + "/system/restore", data, {"Content-Type": kind})
        with browser.opener.open(request, timeout=60) as response:
            # to /login, which sends on to / since the snapshot holds this very login's session
            assert response.geturl() in (box.web_url + "/login", box.web_url + "/")
        assert recording.stat().st_size == 600 * 1024
        assert "changed.example" not in (box.cfg.run_dir / "kamailio.cfg").read_text()
        assert _pid(box, "kamailio") not in (0, kamailio_pid)  # restarted on the restored config
        wait_until(box.edge_up, 20, "kamailio to answer after the restore")
        from telephony.models import Extension

        box.db()
        assert [e.number for e in Extension.select()] == ["1001"]
        wait_until(box.core_healthy, 10, "pbx-core to answer after the restore")
    finally:
        box.stop()


def test_a_factory_reset_of_a_running_box_erases_it_and_brings_every_service_back(tmp_path):
    box = Box(tmp_path)
    box.start()
    try:
        browser = Browser(box.web_url)
        browser.submit("/setup", "/setup", {"username": "admin", "password": PASSWORD, "confirm": PASSWORD})
        browser.submit("/login", "/login", {"username": "admin", "password": PASSWORD})
        box.add_extension("1001", "Secr3tPass1")
        old_cert = (box.cfg.data_dir / "keys" / "web-tls.crt").read_bytes()
        core_pid = _pid(box, "pbx-core")
        page = browser.submit("/system", "/system/factory-reset", {"confirm": "1", "password": PASSWORD})
        assert 'name="confirm"' in page and "设备已恢复出厂设置" in page  # setup, in the default zh-CN
        wait_until(lambda: box.core_healthy() and box.edge_up() and box.web_up(), 30, "every service back")
        assert _pid(box, "pbx-core") != core_pid
        assert (box.cfg.data_dir / "keys" / "web-tls.crt").read_bytes() != old_cert
        from telephony.models import AdminUser, Extension

        box.db()
        assert Extension.select().count() == 0 and AdminUser.select().count() == 0
        assert "/setup" in browser.opener.open(box.web_url + "/", timeout=10).geturl()
    finally:
        box.stop()

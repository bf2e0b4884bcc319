"""pbx-webadmin as a process: serves on its configured port from any directory, stops cleanly on signals."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from tests.webadmin.conftest import closed_port


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


def wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_main_serves_and_stops_cleanly_on_signal(tmp_path, signum):
    port = closed_port()
    env = dict(
        os.environ,
        PBX_DATA_DIR=str(tmp_path / "data"),
        PBX_HTTP_HOST="127.0.0.1",
        PBX_HTTP_PORT=str(port),
        PBX_CONTROL_PORT=str(closed_port()),
        PBX_LOG_LEVEL="INFO",
    )
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    proc = subprocess.Popen(
        [sys.executable, "-m", "webadmin.main"], cwd=workdir, env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        wait_for(
            lambda: proc.poll() is not None or answers(f"http://127.0.0.1:{port}/setup"), 20, "the web admin"
        )
        assert proc.poll() is None, proc.stderr.read()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
            assert response.url.endswith("/setup")  # first run, via the redirect
            assert "<form" in response.read().decode()
        proc.send_signal(signum)
        assert proc.wait(timeout=15) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    log = proc.stderr.read()
    assert "web admin listening on http://127.0.0.1:" in log
    assert "web admin stopped" in log
    assert (tmp_path / "data" / "db" / "pbx.sqlite3").exists()
    with socket.socket() as sock, pytest.raises(ConnectionRefusedError):
        sock.connect(("127.0.0.1", port))  # nothing listens any more


def test_main_reports_a_bad_setting(tmp_path):
    env = dict(os.environ, PBX_DATA_DIR=str(tmp_path), PBX_HTTP_PORT="99999")
    result = subprocess.run(
        [sys.executable, "-m", "webadmin.main"], env=env, capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 2
    assert "PBX_HTTP_PORT" in result.stderr

"""`make run` (firmware.run): refuses taken ports clearly; starts every process; Ctrl-C stops them all."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys

from tests.support.box import ROOT, Box, wait_until


def test_given_a_taken_web_port_when_the_box_starts_then_it_names_the_port_and_exits(tmp_path):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        env = dict(os.environ, PBX_DATA_DIR=str(tmp_path), PBX_HTTP_PORT=str(port), PBX_SIP_HOST="127.0.0.1")
        proc = subprocess.run(
            [sys.executable, "-m", "firmware.run"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert proc.returncode == 1
    assert "PBX_HTTP_PORT" in proc.stderr and f"127.0.0.1:{port}" in proc.stderr


def test_run_prints_the_addresses_and_ctrl_c_stops_every_process(tmp_path):
    box = Box(tmp_path)
    box.start()
    try:
        banner = (tmp_path / "box.out").read_text()
        assert f"http://127.0.0.1:{box.cfg.http_port}/" in banner
        assert f":{box.cfg.sip_port} (UDP and TCP)" in banner
        assert "set the admin password" in banner
        pids = [int(box.supervisorctl("pid", name).strip()) for name in ("kamailio", "pbx-core", "webadmin")]
        assert all(pids)
        os.killpg(box.proc.pid, signal.SIGINT)  # what the terminal sends on Ctrl-C
        box.proc.wait(30)

        def all_gone() -> bool:
            for pid in pids:
                try:
                    os.kill(pid, 0)
                    return False
                except ProcessLookupError:
                    continue
            return True

        wait_until(all_gone, 20, "every process of the box to stop")
    finally:
        box.stop()

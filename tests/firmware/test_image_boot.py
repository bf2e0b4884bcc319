"""Boot the amd64 firmware image in qemu: the web admin and SIP answer through forwarded ports, then it
powers off cleanly through ACPI. Slow: `make image-test` (marker `image`); builds the image if missing."""

from __future__ import annotations

import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.support.box import free_port

pytestmark = [pytest.mark.image, pytest.mark.timeout(5400)]

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "out" / "qemu-amd64-amd64"
READY_DEADLINE = 600.0  # s from qemu start to web + SIP answering (TCG without KVM is slow)
POWEROFF_DEADLINE = 120.0


def kvm_usable(kernel: Path, work: Path) -> bool:
    """Return True when a KVM guest really runs here: /dev/kvm opens and the kernel prints within 20 s.

    Nested KVM can open /dev/kvm yet never run a guest (or abort on an MSR), so this probes with the
    image's own kernel (no root: it panics and exits). PBX_QEMU_ACCEL=kvm|tcg skips the probe.
    """
    forced = os.environ.get("PBX_QEMU_ACCEL", "")
    if forced in ("kvm", "tcg"):
        return forced == "kvm"
    try:
        os.close(os.open("/dev/kvm", os.O_RDWR))
    except OSError:
        return False
    log = work / "kvm-probe.log"
    probe = subprocess.Popen(
        ["qemu-system-x86_64", "-enable-kvm", "-m", "256", "-display", "none", "-no-reboot", "-kernel", str(kernel),
         "-append", "console=ttyS0 panic=-1", "-serial", f"file:{log}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and probe.poll() is None:
            if log.exists() and "Linux version" in log.read_text(errors="replace"):
                return True
            time.sleep(0.5)
        return log.exists() and "Linux version" in log.read_text(errors="replace")
    finally:
        if probe.poll() is None:
            probe.kill()
        probe.wait(timeout=10)


@pytest.fixture(scope="module")
def image() -> Path:
    """Return out/qemu-amd64-amd64/, building the image first if it is not there."""
    if not (OUT / "sdcard.img").is_file():
        proc = subprocess.run(
            [sys.executable, str(REPO / "image-build" / "build.py"), "--arch", "amd64"], check=False
        )
        assert proc.returncode == 0, "make image ARCH=amd64 failed (see out/qemu-amd64-amd64/build.log)"
    for name in ("sdcard.img", "boot/vmlinuz", "boot/initrd.img", "boot/cmdline.txt"):
        assert (OUT / name).is_file(), f"{OUT / name} missing"
    return OUT


def qemu_command(
    out: Path, work: Path, http_port: int, https_port: int, sip_port: int, kvm: bool
) -> list[str]:
    # The journal goes to the serial console too, so a failure shows the box's own log lines.
    cmdline = (out / "boot" / "cmdline.txt").read_text().strip() + " systemd.journald.forward_to_console=1"
    fwd = (
        f"hostfwd=tcp:127.0.0.1:{http_port}-:8080,hostfwd=tcp:127.0.0.1:{https_port}-:8443,"
        f"hostfwd=udp:127.0.0.1:{sip_port}-:5060"
    )
    return [
        shutil.which("qemu-system-x86_64") or "qemu-system-x86_64",
        *(["-enable-kvm"] if kvm else ["-accel", "tcg"]),
        "-m", "1024", "-smp", "2", "-display", "none", "-no-reboot",
        "-kernel", str(out / "boot" / "vmlinuz"),
        "-initrd", str(out / "boot" / "initrd.img"),
        "-append", cmdline,
        # snapshot=on: the guest's writes go to a temporary overlay; the built image stays as it is.
        "-drive", f"file={out / 'sdcard.img'},format=raw,if=virtio,snapshot=on",
        "-netdev", f"user,id=net0,{fwd}", "-device", "virtio-net-pci,netdev=net0",
        "-serial", f"file:{work / 'console.log'}",
        "-monitor", f"unix:{work / 'monitor.sock'},server=on,wait=off",
    ]  # fmt: skip


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the redirect itself is the answer looked at


def web_answers(http_port: int, https_port: int) -> tuple[int, str, int] | None:
    """Return (HTTP status, its Location, HTTPS /login status), or None while either does not answer.

    The box's certificate is its own, self-signed at first boot: the handshake must work, trust is
    the installer's to give.
    """
    tls = ssl.create_default_context()
    tls.check_hostname, tls.verify_mode = False, ssl.CERT_NONE
    try:
        urllib.request.build_opener(NoRedirect).open(f"http://127.0.0.1:{http_port}/login", timeout=5)
        return None  # a page on plain HTTP: not the image's web admin
    except urllib.error.HTTPError as exc:
        plain = (exc.code, exc.headers.get("Location", ""))
    except (OSError, urllib.error.URLError):
        return None
    try:
        with urllib.request.urlopen(f"https://127.0.0.1:{https_port}/login", timeout=5, context=tls) as resp:
            return (*plain, resp.status)
    except urllib.error.HTTPError as exc:
        return (*plain, exc.code)
    except (OSError, urllib.error.URLError):
        return None


def register(port: int, user: str = "1001") -> str | None:
    """Send one REGISTER through the forwarded SIP port; return the response's first lines, or None."""
    tag, call_id, branch = uuid.uuid4().hex[:8], uuid.uuid4().hex, "z9hG4bK" + uuid.uuid4().hex[:12]
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        local = sock.getsockname()[1]
        msg = (
            f"REGISTER sip:pbx SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP 127.0.0.1:{local};branch={branch};rport\r\n"
            f"Max-Forwards: 70\r\nFrom: <sip:{user}@pbx>;tag={tag}\r\nTo: <sip:{user}@pbx>\r\n"
            f"Call-ID: {call_id}\r\nCSeq: 1 REGISTER\r\nContact: <sip:{user}@127.0.0.1:{local}>\r\n"
            f"Expires: 60\r\nUser-Agent: pbx-image-test\r\nContent-Length: 0\r\n\r\n"
        )
        sock.sendto(msg.encode(), ("127.0.0.1", port))
        sock.settimeout(2.0)
        try:
            data = sock.recv(65535).decode(errors="replace")
        except OSError:
            return None
    return data if data.startswith("SIP/2.0 ") else None


def monitor(work: Path, command: str) -> None:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.connect(str(work / "monitor.sock"))
        sock.sendall(command.encode() + b"\n")
        time.sleep(0.2)


def wait_ready(
    vm: subprocess.Popen,
    start: float,
    console: Path,
    http_port: int,
    https_port: int,
    sip_port: int,
    deadline_s: float,
) -> tuple[float, float, tuple[int, str, int], str]:
    """Poll until the web admin and the SIP edge answer (deadline from `start`) and check their answers.

    Returns (web ready s, SIP ready s, the web answers, the SIP status line).
    """
    web_status = sip_reply = None
    web_at = sip_at = None
    deadline = start + deadline_s
    while time.monotonic() < deadline and (web_at is None or sip_at is None):
        assert vm.poll() is None, (
            f"qemu exited early ({vm.returncode}): {vm.stdout.read().decode()[-2000:]}\nconsole:\n"
            + (console.read_text(errors="replace")[-3000:] if console.exists() else "")
        )
        if web_at is None and (web_status := web_answers(http_port, https_port)) is not None:
            web_at = time.monotonic() - start
        if sip_at is None and (sip_reply := register(sip_port)) is not None:
            sip_at = time.monotonic() - start
        time.sleep(1.0)
    tail = console.read_text(errors="replace")[-3000:] if console.exists() else ""
    assert web_at is not None, f"web admin did not answer within {deadline_s:.0f} s; console:\n{tail}"
    assert sip_at is not None, f"no SIP answer within {deadline_s:.0f} s; console:\n{tail}"
    status_line = sip_reply.splitlines()[0]
    # A fresh box has no extensions: kamailio challenges (401) every REGISTER, known or not.
    assert status_line.startswith(("SIP/2.0 401", "SIP/2.0 403")), sip_reply
    # plain HTTP only redirects to the same path on the HTTPS port (8443 in the guest); HTTPS serves the page
    assert web_status[:2] == (308, "https://127.0.0.1:8443/login") and web_status[2] == 200, web_status
    return web_at, sip_at, web_status, status_line


def power_down(
    vm: subprocess.Popen, work: Path, console: Path, deadline: float = POWEROFF_DEADLINE
) -> tuple[float, list[str]]:
    """Press the power button (qemu monitor), require a clean power-off; return its seconds and FAILED units."""
    monitor(work, "system_powerdown")
    off_start = time.monotonic()
    try:
        rc = vm.wait(timeout=deadline)
    except subprocess.TimeoutExpired:
        pytest.fail(
            f"no poweroff within {deadline:.0f} s of the power button; console:\n"
            + console.read_text(errors="replace")[-3000:]
        )
    poweroff = time.monotonic() - off_start
    log = console.read_text(errors="replace")
    assert rc == 0
    assert "reboot: Power down" in log, log[-3000:]
    return poweroff, [line for line in log.splitlines() if "FAILED" in line]


def test_image_boots_to_web_admin_and_sip_then_powers_off_cleanly(image, tmp_path):
    http_port, https_port, sip_port = free_port(), free_port(), free_port(socket.SOCK_DGRAM)
    kvm = kvm_usable(image / "boot" / "vmlinuz", tmp_path)
    cmd = qemu_command(image, tmp_path, http_port, https_port, sip_port, kvm)
    start = time.monotonic()
    vm = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    console = tmp_path / "console.log"
    try:
        web_at, sip_at, web_status, status_line = wait_ready(
            vm, start, console, http_port, https_port, sip_port, READY_DEADLINE
        )
        ready = max(web_at, sip_at)

        poweroff, failed = power_down(vm, tmp_path, console)
        result = {
            "accel": "kvm" if kvm else "tcg",
            "web_ready_s": round(web_at, 1),
            "sip_ready_s": round(sip_at, 1),
            "boot_to_ready_s": round(ready, 1),
            "poweroff_s": round(poweroff, 1),
            "sip_answer": status_line,
            "web_status": web_status,
            "failed_units": failed,
        }
        (image / "boot-test.json").write_text(json.dumps(result, indent=2) + "\n")
        shutil.copyfile(console, image / "boot-test-console.log")
        print(json.dumps(result, indent=2))
        assert not failed, failed
    finally:
        if vm.poll() is None:
            vm.kill()
            vm.wait(timeout=30)

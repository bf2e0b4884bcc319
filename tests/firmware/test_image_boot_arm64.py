"""Boot the arm64 (rpi4-pbx) firmware image in qemu's `virt` machine: the web admin and SIP answer through
forwarded ports, pbx-core stays up without the board's line modules and says they are missing, then the
box powers off cleanly. Slow (TCG emulation of a cortex-a72): `make image-test` (marker `image`); skipped
until `make image ARCH=arm64` has built the image.

qemu's virt machine has none of the carrier's hardware (I2C1, SPI0, the PCM card, UART3, the Pi's GPIO
and watchdog), so this is the box with no line modules fitted: SIP and the web admin must work, and
the line ports must show up as faulty (or none at all) instead of pbx-core crash-looping.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests.firmware.test_image_boot import power_down, wait_ready
from tests.support.box import free_port
from tests.webadmin.conftest import ADMIN, PASSWORD
from tests.webadmin.test_https import Browser

pytestmark = [pytest.mark.image, pytest.mark.timeout(7200)]

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "out" / "rpi4-pbx-arm64"
READY_DEADLINE = 1500.0  # s from qemu start to web + SIP answering (TCG arm64 on 2 busy cores is slow)
POWEROFF_DEADLINE = 300.0
# The Pi's console names (serial0 is an alias its firmware resolves); virt's serial is a PL011.
VIRT_CONSOLE = "console=ttyAMA0,115200"


@pytest.fixture(scope="module")
def image() -> Path:
    """Return out/rpi4-pbx-arm64/. Not built here: under qemu-user that takes most of an hour, too much
    for `make image-test` to start by itself; `make image ARCH=arm64` builds it."""
    if not (OUT / "sdcard.img").is_file():
        pytest.skip(f"no arm64 image in {OUT}: run `make image ARCH=arm64` first")
    for name in ("sdcard.img", "boot/vmlinuz", "boot/initrd.img", "boot/cmdline.txt"):
        assert (OUT / name).is_file(), f"{OUT / name} missing"
    return OUT


def kernel_cmdline(out: Path) -> str:
    """The image's cmdline.txt with virt's serial console last (so it is /dev/console), a watchdog and the
    journal on the console."""
    cmdline = (out / "boot" / "cmdline.txt").read_text().strip()
    if "console=ttyAMA0" not in cmdline:
        cmdline += " " + VIRT_CONSOLE
    # The Pi's SoC has a watchdog (bcm2835_wdt) for pbx-watchdog to feed; virt has none, so the kernel's
    # softdog stands in, as on the amd64 image. The journal goes to the serial console too, so a failure
    # shows the box's own log lines.
    return cmdline + " modules-load=softdog systemd.journald.forward_to_console=1"


def qemu_command(out: Path, work: Path, http_port: int, https_port: int, sip_port: int) -> list[str]:
    fwd = (
        f"hostfwd=tcp:127.0.0.1:{http_port}-:8080,hostfwd=tcp:127.0.0.1:{https_port}-:8443,"
        f"hostfwd=udp:127.0.0.1:{sip_port}-:5060"
    )
    return [
        shutil.which("qemu-system-aarch64") or "qemu-system-aarch64",
        "-M", "virt", "-cpu", "cortex-a72", "-accel", "tcg",
        "-m", "1024", "-smp", "2", "-display", "none", "-no-reboot",
        "-kernel", str(out / "boot" / "vmlinuz"),
        "-initrd", str(out / "boot" / "initrd.img"),
        "-append", kernel_cmdline(out),
        # snapshot=on: the guest's writes go to a temporary overlay; the built image stays as it is.
        "-drive", f"file={out / 'sdcard.img'},format=raw,if=virtio,snapshot=on",
        "-netdev", f"user,id=net0,{fwd}", "-device", "virtio-net-pci,netdev=net0",
        "-serial", f"file:{work / 'console.log'}",
        "-monitor", f"unix:{work / 'monitor.sock'},server=on,wait=off",
    ]  # fmt: skip


PROCESS_RE = re.compile(r'<tr data-process="([^"]+)" data-state="([^"]+)" data-crashes="([0-9]+)">')
TAIL_RE = re.compile(r'<div class="card log-tail" data-tail="([^"]+)">.*?<pre class="mono">(.*?)</pre>', re.S)


def box_view(https_port: int) -> dict:
    """Set up the first administrator, log in over HTTPS and read what the box says about itself:
    the supervised processes (state, crash count, the log tail of any that crashed) and the line ports."""
    browser = Browser(https_port)
    setup = browser.submit("/setup", "/setup", {"username": ADMIN, "password": PASSWORD, "confirm": PASSWORD})
    assert setup.status == 303, setup.text[-2000:]
    login = browser.submit("/login", "/login", {"username": ADMIN, "password": PASSWORD})
    assert (login.status, login.headers["Location"]) == (303, "/"), login.text[-2000:]
    system = browser.request("GET", "/system")
    assert system.status == 200, system.text[-2000:]
    ports = browser.request("GET", "/ports.json")
    assert ports.status == 200, ports.text[-2000:]
    return {
        "processes": {
            name: (state, int(crashes)) for name, state, crashes in PROCESS_RE.findall(system.text)
        },
        "tails": dict(TAIL_RE.findall(system.text)),
        "ports": json.loads(ports.text),
    }


def core_lines(log: str) -> list[str]:
    """supervisord's lines about pbx-core on the console (its own log is a file in /var/log/pbx)."""
    return [line for line in log.splitlines() if "pbx-core" in line and "pbx-box[" in line]


def test_arm64_image_boots_without_line_modules_then_powers_off_cleanly(image, tmp_path):
    http_port, https_port, sip_port = free_port(), free_port(), free_port(socket.SOCK_DGRAM)
    cmd = qemu_command(image, tmp_path, http_port, https_port, sip_port)
    start = time.monotonic()
    vm = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    console = tmp_path / "console.log"
    try:
        web_at, sip_at, web_status, status_line = wait_ready(
            vm, start, console, http_port, https_port, sip_port, READY_DEADLINE
        )
        ready = max(web_at, sip_at)

        # No line modules: pbx-core must keep running (SIP calls work without lines) and report the
        # missing hardware through its ports (faulty, or none when the board could not be opened).
        view = box_view(https_port)
        procs, ports = view["processes"], view["ports"]
        core_log = core_lines(console.read_text(errors="replace"))
        assert procs.get("pbx-core", ("?", -1))[0] == "RUNNING", (procs, view["tails"], core_log)
        assert procs["pbx-core"][1] == 0, f"pbx-core crashed: {view['tails'].get('pbx-core')}\n{core_log}"
        assert not [line for line in core_log if "exited: pbx-core" in line or "gave up" in line], core_log
        for name in ("kamailio", "webadmin", "pbx-watchdog"):
            assert procs.get(name, ("?", -1)) == ("RUNNING", 0), (name, procs, view["tails"].get(name))
        assert ports["ok"] is True, ports  # the core answers its control API
        working = [p["name"] for p in ports["ports"] if not p.get("fault")]
        assert not working, f"ports without hardware claim to work: {working}; {ports}"

        poweroff, failed = power_down(vm, tmp_path, console, POWEROFF_DEADLINE)
        result = {
            "machine": "qemu virt, cortex-a72, 2 vCPUs, 1 GiB",
            "accel": "tcg",
            "web_ready_s": round(web_at, 1),
            "sip_ready_s": round(sip_at, 1),
            "boot_to_ready_s": round(ready, 1),
            "poweroff_s": round(poweroff, 1),
            "sip_answer": status_line,
            "web_status": web_status,
            "processes": view["processes"],
            "ports": [{k: p.get(k) for k in ("name", "kind", "state", "fault")} for p in ports["ports"]],
            "crashed_process_tails": view["tails"],
            "pbx_core_supervisord": core_log,
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

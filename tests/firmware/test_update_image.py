"""The whole update in qemu: the built image boots from slot A, an admin uploads a signed bundle through the
web admin, the box installs it to slot B, restarts into B, and B is marked good after the health checks;
the admin account (on the data partition) is still there. Slow: `make image-test` (marker `image`).

Needs out/qemu-amd64-amd64/ from `make image ARCH=amd64` (built with the same PBX_RAUC_KEYS the bundle
is signed with). The image is copied (sparse) so the guest's writes persist across its reboot.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.firmware.test_image_boot import REPO, kvm_usable, monitor
from tests.support.box import free_port

pytestmark = [pytest.mark.image, pytest.mark.timeout(5400)]

# The image build's own setting (build.py PBX_IMAGE_OUT) names where out/<board>-<arch>/ is.
OUT = Path(os.environ.get("PBX_IMAGE_OUT", REPO / "out")) / "qemu-amd64-amd64"

READY_DEADLINE = 900.0
PASSWORD = "Upd4te-Test-Pass"


class Web:
    """A browser's worth of HTTP: cookies, CSRF tokens from forms, multipart upload."""

    def __init__(self, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str, timeout: float = 20) -> tuple[int, str]:
        try:
            with self.opener.open(self.base + path, timeout=timeout) as resp:
                return resp.status, resp.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode(errors="replace")

    def post(self, path: str, body: bytes, content_type: str, timeout: float = 600) -> tuple[int, str]:
        req = urllib.request.Request(self.base + path, data=body, headers={"Content-Type": content_type})
        try:
            with self.opener.open(req, timeout=timeout) as resp:
                return resp.status, resp.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode(errors="replace")

    def csrf(self, path: str) -> str:
        status, text = self.get(path)
        match = re.search(r'name="csrf_token" value="([^"]+)"', text)
        assert match, f"no CSRF token on {path} ({status}): {text[:500]}"
        return match.group(1)

    def form(self, page: str, action: str, fields: dict[str, str]) -> tuple[int, str]:
        data = urllib.parse.urlencode({"csrf_token": self.csrf(page), **fields}).encode()
        return self.post(action, data, "application/x-www-form-urlencoded")

    def upload(self, page: str, action: str, name: str, content: bytes) -> tuple[int, str]:
        boundary = uuid.uuid4().hex
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{self.csrf(page)}\r\n'
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n"
            ).encode()
            + content
            + f"\r\n--{boundary}--\r\n".encode()
        )
        return self.post(action, body, f"multipart/form-data; boundary={boundary}")


def wait_for(what: str, check, deadline_s: float, console: Path, vm: subprocess.Popen):
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        assert vm.poll() is None, f"qemu exited ({vm.returncode}) waiting for {what}"
        result = check()
        if result:
            return result
        time.sleep(2)
    tail = console.read_text(errors="replace")[-4000:] if console.exists() else ""
    raise AssertionError(f"{what}: not within {deadline_s:.0f} s; console:\n{tail}")


def web_up(web: Web) -> bool:
    try:
        return web.get("/login", timeout=5)[0] in (200, 302, 303)
    except OSError:
        return False


@pytest.fixture(scope="module")
def bundle_file() -> Path:
    if not (OUT / "sdcard.img").is_file():
        pytest.fail("no out/qemu-amd64-amd64/sdcard.img: run `make image ARCH=amd64` first")
    proc = subprocess.run(
        [sys.executable, str(REPO / "image-build" / "bundle.py"), "--arch", "amd64", "--version", "9.9-test"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr + proc.stdout
    return OUT / "update-9.9-test.raucb"


def test_image_installs_a_bundle_from_the_web_admin_reboots_into_slot_b_and_marks_it_good(
    bundle_file, tmp_path
):
    disk = tmp_path / "sdcard.img"
    subprocess.run(["cp", "--sparse=always", str(OUT / "sdcard.img"), str(disk)], check=True)
    http_port = free_port()
    console = tmp_path / "console.log"
    # KVM only when asked: on a nested-virtualisation host /dev/kvm opens but -cpu host aborts (MSR 0x10a).
    kvm = os.environ.get("PBX_QEMU_KVM") == "1" and kvm_usable()
    cmd = [
        shutil.which("qemu-system-x86_64") or "qemu-system-x86_64",
        *(["-enable-kvm", "-cpu", "host"] if kvm else ["-accel", "tcg"]),
        "-m", "1024", "-smp", "2", "-display", "none",
        "-kernel", str(OUT / "boot" / "vmlinuz"), "-initrd", str(OUT / "boot" / "initrd.img"),
        "-append", (OUT / "boot" / "cmdline.txt").read_text().strip(),
        "-drive", f"file={disk},format=raw,if=virtio",
        "-netdev", f"user,id=net0,hostfwd=tcp:127.0.0.1:{http_port}-:8080", "-device", "virtio-net-pci,netdev=net0",
        "-serial", f"file:{console}",
        "-monitor", f"unix:{tmp_path / 'monitor.sock'},server=on,wait=off",
    ]  # fmt: skip
    start = time.monotonic()
    vm = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    web = Web(http_port)
    result: dict[str, object] = {"accel": "kvm" if kvm else "tcg", "bundle_bytes": bundle_file.stat().st_size}
    try:
        wait_for("web admin on slot A", lambda: web_up(web), READY_DEADLINE, console, vm)
        assert "pbx-slot: booting slot A" in console.read_text(errors="replace")
        status, _ = web.form(
            "/setup", "/setup", {"username": "admin", "password": PASSWORD, "confirm": PASSWORD}
        )
        assert status in (200, 303), status
        status, _ = web.form("/login", "/login", {"username": "admin", "password": PASSWORD})
        assert status == 200
        _, page = web.get("/update")
        assert 'data-slot="A"' in page, page[-3000:]

        upload_start = time.monotonic()
        status, page = web.upload("/update", "/update", bundle_file.name, bundle_file.read_bytes())
        assert status == 200, page[-2000:]  # the 303 to /update, followed
        result["upload_s"] = round(time.monotonic() - upload_start, 1)

        def installed():
            try:
                state = json.loads(web.get("/update/status.json", timeout=5)[1])
            except (OSError, ValueError):
                return None
            assert state["phase"] not in ("refused", "failed"), state
            return state if state["phase"] == "rebooting" else None

        wait_for("the install", installed, 900, console, vm)
        result["install_s"] = round(time.monotonic() - upload_start, 1)
        reboot_start = time.monotonic()
        wait_for("the reboot to begin", lambda: not web_up(web), 300, console, vm)
        wait_for("web admin on slot B", lambda: web_up(web), READY_DEADLINE, console, vm)
        result["reboot_to_ready_s"] = round(time.monotonic() - reboot_start, 1)
        assert "pbx-slot: booting slot B" in console.read_text(errors="replace")

        # the data partition kept the admin account (the session cookie did not survive the reboot)
        web = Web(http_port)
        status, _ = web.form("/login", "/login", {"username": "admin", "password": PASSWORD})
        assert status == 200

        def marked_good():
            _, text = web.get("/update")
            row = re.search(r'<tr data-slot="B">(.*?)</tr>', text, re.S)
            return (
                row
                and "running now" in row.group(1)
                and ">good<" in row.group(1)
                and "9.9-test" in row.group(1)
            )

        wait_for("slot B running and marked good", marked_good, 600, console, vm)
        result["boot_b_to_good_s"] = round(time.monotonic() - reboot_start, 1)
        monitor(tmp_path, "system_powerdown")
        vm.wait(timeout=180)
    finally:
        if vm.poll() is None:
            vm.kill()
            vm.wait(timeout=30)
        if console.exists():
            shutil.copyfile(console, OUT / "update-test-console.log")
    result["total_s"] = round(time.monotonic() - start, 1)
    (OUT / "update-test.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))

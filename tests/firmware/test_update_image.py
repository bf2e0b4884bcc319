"""The whole update in qemu, over the web admin's HTTPS port.

1. The built image boots from slot A on a card larger than the image (the data partition grows to it).
   An admin uploads a signed bundle; the box installs it to slot B, restarts into B, and B is marked
   good after the health checks; the admin account (on the data partition) is still there.
2. The admin then uploads a bundle whose box never starts (its root carries a drop-in making
   pbx-box.service fail; the health gate's wait is shortened to 60 s to keep the test short). It is
   installed to slot A; A boots 3 times, never passes the health checks, each time the mark-good unit
   reboots the box, and then the initramfs chooser returns to slot B by itself. The update page says
   so, and slot A is bad.

Slow: `make image-test` (marker `image`). Needs out/qemu-amd64-amd64/ from `make image ARCH=amd64`
(built with the same PBX_RAUC_KEYS the bundles are signed with). The image is copied (sparse) so the
guest's writes persist across its reboots.
"""

from __future__ import annotations

import html
import http.cookiejar
import json
import os
import re
import shutil
import ssl
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
GROW = 4 << 30  # the "card" is this much larger than the image
HTTPS_PORT = 8443  # the image's web admin (pbx-box's PBX_HTTPS_PORT)
# The broken update: its box never starts; its health gate gives up after 60 s instead of 300 s.
BROKEN_DROPINS = {
    "/etc/systemd/system/pbx-box.service.d/99-test-broken.conf": "[Service]\nExecStartPre=/bin/false\n",
    "/etc/systemd/system/pbx-mark-good.service.d/99-test-short.conf": "[Service]\nEnvironment=PBX_MARK_GOOD_WAIT=60\n",
}


class Web:
    """A browser's worth of HTTPS: cookies, CSRF tokens from forms, multipart upload.

    The box's certificate is its own self-signed one (made at first boot): not verified here, as an
    installer's browser is told to accept it once.
    """

    def __init__(self, port: int) -> None:
        self.base = f"https://127.0.0.1:{port}"
        tls = ssl.create_default_context()
        tls.check_hostname = False
        tls.verify_mode = ssl.CERT_NONE
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
            urllib.request.HTTPSHandler(context=tls),
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


def box_logs(web: Web) -> str:
    """The last log lines of each program, as the web admin's system page shows them (for failure messages)."""
    try:
        _, page = web.get("/system", timeout=20)
    except OSError as exc:
        return f"(no system page: {exc})"
    tails = re.findall(r'data-tail="([^"]+)">.*?<pre class="mono">(.*?)</pre>', page, re.S)
    return "\n".join(f"--- {name}\n{html.unescape(text)[-3000:]}" for name, text in tails) or page[-2000:]


def web_up(web: Web) -> bool:
    try:
        return web.get("/login", timeout=5)[0] in (200, 302, 303)
    except OSError:
        return False


def make_bundle(version: str, rootfs: Path | None = None) -> Path:
    argv = [sys.executable, str(REPO / "image-build" / "bundle.py"), "--arch", "amd64", "--version", version]
    proc = subprocess.run(
        argv + (["--rootfs", str(rootfs)] if rootfs else []), capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr + proc.stdout
    return OUT / f"update-{version}.raucb"


def add_files(ext4: Path, files: dict[str, str], work: Path) -> None:
    """Write files into an ext4 image with debugfs (no mount), making their directories."""
    script = []
    for number, (path, text) in enumerate(files.items()):
        local = work / f"file{number}"
        local.write_text(text)
        script += [f"mkdir {os.path.dirname(path)}", f"write {local} {path}"]
    (work / "debugfs.cmd").write_text("\n".join(script) + "\n")
    subprocess.run(
        ["debugfs", "-w", "-f", str(work / "debugfs.cmd"), str(ext4)], capture_output=True, check=True
    )
    for (
        path,
        text,
    ) in files.items():  # `mkdir` of an existing directory only complains; the files must be there
        shown = subprocess.run(["debugfs", "-R", f"cat {path}", str(ext4)], capture_output=True, text=True)
        assert shown.stdout == text, f"{path} not written into {ext4}: {shown.stderr}"


@pytest.fixture(scope="module")
def bundles(tmp_path_factory) -> dict[str, Path]:
    """The good update (the built root) and a broken one (the same root, its box made to fail)."""
    if not (OUT / "sdcard.img").is_file():
        pytest.fail("no out/qemu-amd64-amd64/sdcard.img: run `make image ARCH=amd64` first")
    good = make_bundle("9.9-test")  # also leaves the root's ext4 image in work/bundle-rootfs.ext4
    work = tmp_path_factory.mktemp("broken")
    rootfs = work / "rootfs.ext4"
    subprocess.run(
        ["cp", "--sparse=always", str(OUT / "work" / "bundle-rootfs.ext4"), str(rootfs)], check=True
    )
    add_files(rootfs, BROKEN_DROPINS, work)
    return {"good": good, "broken": make_bundle("9.9-broken", rootfs)}


def boots(console: Path) -> list[str]:
    """The slots the initramfs chooser booted, in order, from the serial console."""
    return re.findall(r"pbx-slot: booting slot ([AB])", console.read_text(errors="replace"))


def login(port: int) -> Web:
    """Log in as the admin, in English (the account keeps its language on the data partition)."""
    web = Web(port)
    status, _ = web.form("/login", "/login", {"username": "admin", "password": PASSWORD})
    assert status == 200
    status, _ = web.form("/update", "/lang", {"lang": "en", "next": "/update"})
    assert status == 200
    return web


def slot_row(web: Web, slot: str) -> str:
    _, text = web.get("/update")
    row = re.search(rf'<tr data-slot="{slot}">(.*?)</tr>', text, re.S)
    return row.group(1) if row else ""


def upload_and_install(web: Web, bundle: Path, console: Path, vm: subprocess.Popen) -> float:
    """Upload through the page, wait until RAUC installed it and the box restarts; return the seconds taken."""
    start = time.monotonic()
    status, page = web.upload("/update", "/update", bundle.name, bundle.read_bytes())
    shown = re.search(r'id="update-state".*?</div>', page, re.S)
    said = html.unescape(re.sub(r"<[^>]+>", " ", shown.group(0))) if shown else page[-1500:]
    assert status == 200, f"upload answered {status}: {said}\n{box_logs(web)}"  # the 303 to /update, followed

    def installed():
        try:
            state = json.loads(web.get("/update/status.json", timeout=5)[1])
        except (OSError, ValueError):
            return None
        assert state["phase"] not in ("refused", "failed"), f"{state}\n{box_logs(web)}"
        return state if state["phase"] == "rebooting" else None

    wait_for(f"the install of {bundle.name}", installed, 900, console, vm)
    return round(time.monotonic() - start, 1)


def test_image_updates_from_the_web_admin_to_slot_b_then_a_broken_update_rolls_back_to_b(bundles, tmp_path):
    disk = tmp_path / "sdcard.img"
    subprocess.run(["cp", "--sparse=always", str(OUT / "sdcard.img"), str(disk)], check=True)
    os.truncate(disk, disk.stat().st_size + GROW)
    port = free_port()
    console = tmp_path / "console.log"
    # KVM only when asked: on a nested-virtualisation host /dev/kvm opens but -cpu host aborts (MSR 0x10a).
    kvm = os.environ.get("PBX_QEMU_KVM") == "1" and kvm_usable(OUT / "boot" / "vmlinuz", tmp_path)
    cmd = [
        shutil.which("qemu-system-x86_64") or "qemu-system-x86_64",
        *(["-enable-kvm", "-cpu", "host"] if kvm else ["-accel", "tcg"]),
        "-m", "1024", "-smp", "2", "-display", "none",
        "-kernel", str(OUT / "boot" / "vmlinuz"), "-initrd", str(OUT / "boot" / "initrd.img"),
        "-append", (OUT / "boot" / "cmdline.txt").read_text().strip() + " systemd.journald.forward_to_console=1",
        "-drive", f"file={disk},format=raw,if=virtio",
        "-netdev", f"user,id=net0,hostfwd=tcp:127.0.0.1:{port}-:{HTTPS_PORT}", "-device", "virtio-net-pci,netdev=net0",
        "-serial", f"file:{console}",
        "-monitor", f"unix:{tmp_path / 'monitor.sock'},server=on,wait=off",
    ]  # fmt: skip
    start = time.monotonic()
    vm = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    web = Web(port)
    result: dict[str, object] = {
        "accel": "kvm" if kvm else "tcg",
        "bundle_bytes": bundles["good"].stat().st_size,
    }
    try:
        wait_for("web admin on slot A", lambda: web_up(web), READY_DEADLINE, console, vm)
        result["boot_a_to_ready_s"] = round(time.monotonic() - start, 1)
        assert boots(console) == ["A"]
        assert re.search(r"pbx-grow-data: /dev/vda4 grown to", console.read_text(errors="replace")), (
            "data not grown"
        )
        status, _ = web.form(
            "/setup", "/setup", {"username": "admin", "password": PASSWORD, "confirm": PASSWORD}
        )
        assert status in (200, 303), status
        web = login(port)
        assert "running now" in slot_row(web, "A")

        # 1. the good update: installed to B, restarted into B, marked good there
        result["upload_and_install_s"] = upload_and_install(web, bundles["good"], console, vm)
        reboot_start = time.monotonic()
        wait_for("the reboot to begin", lambda: not web_up(web), 300, console, vm)
        wait_for("web admin on slot B", lambda: web_up(web), READY_DEADLINE, console, vm)
        result["reboot_to_ready_s"] = round(time.monotonic() - reboot_start, 1)
        assert boots(console) == ["A", "B"]
        web = login(
            port
        )  # the data partition kept the admin account (the session did not survive the reboot)

        def b_good():
            row = slot_row(web, "B")
            return "running now" in row and ">good<" in row and "9.9-test" in row

        wait_for("slot B running and marked good", b_good, 600, console, vm)
        result["boot_b_to_good_s"] = round(time.monotonic() - reboot_start, 1)

        # 2. the broken update: installed to A, which never gets healthy; after 3 boots of A, B again
        result["broken_upload_and_install_s"] = upload_and_install(web, bundles["broken"], console, vm)
        rollback_start = time.monotonic()
        wait_for("3 boots of the broken slot A, then B", lambda: len(boots(console)) >= 6, 2400, console, vm)
        assert boots(console) == ["A", "B", "A", "A", "A", "B"], boots(console)
        wait_for("web admin on slot B after the rollback", lambda: web_up(web), READY_DEADLINE, console, vm)
        result["rollback_to_ready_s"] = round(time.monotonic() - rollback_start, 1)
        text = console.read_text(errors="replace")
        assert "pbx-mark-good" in text and "health checks still failing" in text, "the gate did not give up"
        web = login(port)
        _, page = web.get("/update")
        page = html.unescape(page)
        assert 'id="update-rolled-back"' in page, page[-3000:]
        assert "version 9.9-broken (slot A) did not pass its health checks" in page
        wait_for("slot B running and good again", b_good, 600, console, vm)
        assert ">bad<" in slot_row(web, "A"), slot_row(web, "A")
        monitor(tmp_path, "system_powerdown")
        vm.wait(timeout=180)
    finally:
        if vm.poll() is None:  # a failure: power down cleanly, so the data partition's logs can be read after
            try:
                monitor(tmp_path, "system_powerdown")
                vm.wait(timeout=180)
            except (OSError, subprocess.TimeoutExpired):
                vm.kill()
                vm.wait(timeout=30)
        if console.exists():
            shutil.copyfile(console, OUT / "update-test-console.log")
    result["total_s"] = round(time.monotonic() - start, 1)
    (OUT / "update-test.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))

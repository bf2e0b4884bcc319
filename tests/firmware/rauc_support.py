"""A real RAUC on files: the image's system.conf with file slots, its service on a private D-Bus.

RAUC installs into a slot whose device is a plain ext4 image file (type=ext4 copies the image
in), so the whole install path runs here: `rauc service` with the custom bootloader backend
(firmware/bootstate.py on a bootstate.env file), the shipped post-install handler, the keyring.
Only the bundle's loop mount needs root, which the tests run as.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
STAGE = REPO / "image-build" / "stages" / "40-rauc" / "overlay"
sys.path.insert(0, str(REPO / "image-build"))

import bundle  # noqa: E402  (image-build/bundle.py)

needs_rauc = pytest.mark.skipif(
    shutil.which("rauc") is None or shutil.which("mksquashfs") is None,
    reason="rauc and squashfs-tools are not installed (make setup installs them)",
)
needs_root = pytest.mark.skipif(
    os.geteuid() != 0, reason="RAUC mounts the bundle through a loop device (root)"
)


def ext4_image(path: Path, label: str, files: dict[str, str], size_mib: int = 8) -> Path:
    """An ext4 image holding `files`, made without mounting (mkfs.ext4 -d)."""
    tree = path.with_suffix(".tree")
    shutil.rmtree(tree, ignore_errors=True)
    tree.mkdir(parents=True)
    for name, text in files.items():
        (tree / name).write_text(text)
    subprocess.run(
        ["mkfs.ext4", "-q", "-F", "-L", label, "-d", str(tree), str(path), f"{size_mib}M"], check=True
    )
    shutil.rmtree(tree)
    return path


def read_file(image: Path, name: str) -> str:
    """A file's text from an ext4 image (debugfs, no mount)."""
    out = subprocess.run(["debugfs", "-R", f"cat /{name}", str(image)], capture_output=True, text=True)
    return out.stdout


def label(image: Path) -> str:
    return subprocess.run(["e2label", str(image)], capture_output=True, text=True, check=True).stdout.strip()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class RaucBox:
    """Slots A and B (files), a data partition (file), BOOT's bootstate.env, RAUC's service."""

    def __init__(self, root: Path, board: str, keyring: Path) -> None:
        self.root = root
        self.board = board
        self.slots = {"A": root / "rootfsA.img", "B": root / "rootfsB.img"}
        self.data = root / "data.img"
        self.bootstate = root / "boot" / "bootstate.env"
        self.marker = root / "run" / "pbx-boot-slot"
        for d in ("boot", "run", "rauc-data", "mnt"):
            (root / d).mkdir(parents=True, exist_ok=True)
        ext4_image(self.slots["A"], "rootfsA", {"VERSION": "1.0\n"})
        ext4_image(self.slots["B"], "rootfsB", {})
        ext4_image(self.data, "data", {"pbx.sqlite3": "the box's database\n"})
        backend = root / "rauc-backend"
        backend.write_text(
            "#!/bin/sh\n"
            f"PYTHONPATH={REPO} exec {sys.executable} -m firmware.bootstate "
            f'--file {self.bootstate} --marker {self.marker} "$@"\n'
        )
        backend.chmod(0o755)
        conf = (STAGE / "etc" / "rauc" / "system.conf").read_text()
        for old, new in (
            ("@BOARD@", board),
            ("/dev/disk/by-partuuid/50425842-02", str(self.slots["A"])),
            ("/dev/disk/by-partuuid/50425842-03", str(self.slots["B"])),
            ("/usr/lib/pbx/rauc-backend", str(backend)),
            ("/usr/lib/pbx/rauc-post-install", str(STAGE / "usr" / "lib" / "pbx" / "rauc-post-install")),
            ("/etc/rauc/keyring.pem", str(keyring)),
            ("/data/rauc", str(root / "rauc-data")),
            ("/run/rauc", str(root / "mnt")),
        ):
            assert old in conf, old
            conf = conf.replace(old, new)
        self.conf = root / "system.conf"
        self.conf.write_text(conf)
        self.keyring = keyring
        self._dbus: subprocess.Popen[str] | None = None
        self._service: subprocess.Popen[str] | None = None
        self.env: dict[str, str] = {}

    def power_on(self) -> str:
        """Boot: the initramfs chooser picks a slot from bootstate.env, then RAUC's service starts."""
        chooser = STAGE / "usr" / "lib" / "pbx" / "pbx-slot-choose"
        slot = subprocess.run(
            ["sh", str(chooser), str(self.bootstate)], capture_output=True, text=True, check=True
        ).stdout.strip()
        self.marker.write_text(slot + "\n")
        self.start_service(slot)
        return slot

    def start_service(self, booted: str) -> None:
        self.stop()
        self._dbus = subprocess.Popen(
            ["dbus-daemon", "--config-file=/usr/share/dbus-1/session.conf", "--nofork", "--print-address=1"],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._dbus.stdout is not None
        address = self._dbus.stdout.readline().strip()
        assert address.startswith("unix:"), address
        self.env = {"DBUS_SYSTEM_BUS_ADDRESS": address}
        log = open(self.root / "rauc-service.log", "a")  # noqa: SIM115 (kept open by the child)
        self._service = subprocess.Popen(
            ["rauc", f"--conf={self.conf}", "service", f"--override-boot-slot={booted}"],
            env={**os.environ, **self.env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + 15
        while True:  # the service answers `rauc status` once it owns its bus name
            proc = subprocess.run(
                ["rauc", "status"], env={**os.environ, **self.env}, capture_output=True, text=True, timeout=15
            )
            if proc.returncode == 0:
                return
            if time.monotonic() > deadline or self._service.poll() is not None:
                raise AssertionError(f"rauc service did not come up: {proc.stderr}\n{self.service_log()}")
            time.sleep(0.1)

    def service_log(self) -> str:
        path = self.root / "rauc-service.log"
        return path.read_text() if path.exists() else ""

    def stop(self) -> None:
        for proc in (self._service, self._dbus):
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(5)
        self._service = self._dbus = None

    def rauc(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["rauc", *args], env={**os.environ, **self.env}, capture_output=True, text=True, timeout=120
        )


def make_keys(directory: Path, name: str) -> bundle.Keys:
    return bundle.ensure_keys(directory, name)


def make_bundle(
    tmp: Path, keys: bundle.Keys, compatible: str, version: str, rootfs_files: dict[str, str]
) -> Path:
    rootfs = ext4_image(tmp / f"rootfs-{version}-{compatible}.ext4", "rootfsA", rootfs_files)
    return bundle.create_bundle(
        rootfs, tmp / f"update-{version}-{compatible}.raucb", compatible, version, keys
    )

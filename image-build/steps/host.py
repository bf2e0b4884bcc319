"""Check this machine has the build's tools; let the kernel run arm64 binaries through qemu-user."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from steps import BuildError, log

# tool -> Debian package that brings it (image-build/host-setup.sh --image installs them)
TOOLS = {
    "mmdebstrap": "mmdebstrap",
    "genimage": "genimage",
    "mke2fs": "e2fsprogs",
    "mkdosfs": "dosfstools",
    "mcopy": "mtools",
    "git": "git",
}
ARM64_TOOLS = {
    "dtc": "device-tree-compiler",  # the Pi 4 device trees get the board's buses merged in (steps/boot.py)
    "qemu-aarch64-static": "qemu-user-static",
}
BINFMT = Path("/proc/sys/fs/binfmt_misc")
QEMU_BINFMT_CONF = Path("/usr/lib/binfmt.d/qemu-aarch64.conf")


def missing_tools(arch: str, which=shutil.which) -> list[str]:
    """Return 'tool (package)' for every tool the build needs that is not on PATH."""
    wanted = dict(TOOLS, **(ARM64_TOOLS if arch == "arm64" else {}))
    return [f"{tool} ({pkg})" for tool, pkg in wanted.items() if which(tool) is None]


def check_tools(ctx) -> None:
    missing = missing_tools(ctx.arch)
    if missing:
        raise BuildError(f"missing tools: {', '.join(missing)}; fix: bash image-build/host-setup.sh --image")


def enable_binfmt(ctx) -> None:
    """Register qemu-aarch64 with binfmt_misc (arm64 only) so the arm64 root's programs run in chroot."""
    if ctx.arch != "arm64":
        log.info("    amd64 target: nothing to register")
        return
    if not (BINFMT / "register").exists():
        subprocess.run(["mount", "-t", "binfmt_misc", "binfmt_misc", str(BINFMT)], check=False)
    entry = BINFMT / "qemu-aarch64"
    if not entry.exists():
        if not QEMU_BINFMT_CONF.is_file():
            raise BuildError(f"{QEMU_BINFMT_CONF} is missing; fix: apt-get install qemu-user-static")
        try:
            (BINFMT / "register").write_text(QEMU_BINFMT_CONF.read_text().strip() + "\n")
        except OSError as exc:
            raise BuildError(
                f"cannot register qemu-aarch64 with binfmt_misc: {exc}; fix: run as root"
            ) from exc
    if "enabled" not in entry.read_text():
        raise BuildError(f"{entry} is disabled; fix: echo 1 > {entry}")
    log.info("    qemu-aarch64 registered (%s)", entry)

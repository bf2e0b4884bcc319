"""The Debian root: mmdebstrap it, run commands inside it (chroot), trim it before it becomes a filesystem."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator, Sequence
from pathlib import Path

from steps import BuildError, log, sh
from steps.stages import collect_packages

# Only the box's languages: no man pages, info, docs (copyright files stay) or other locales.
DPKG_FILTERS = (
    "path-exclude=/usr/share/man/*",
    "path-exclude=/usr/share/info/*",
    "path-exclude=/usr/share/doc/*",
    "path-include=/usr/share/doc/*/copyright",
    "path-exclude=/usr/share/lintian/*",
    "path-exclude=/usr/share/locale/*",
    "path-include=/usr/share/locale/locale.alias",
    "path-include=/usr/share/locale/zh_CN/*",
    "path-include=/usr/share/locale/en*",
)
HOST_CA = Path("/etc/ssl/certs/ca-certificates.crt")
COMPONENTS = "main non-free-firmware"  # non-free-firmware: the Raspberry Pi boot firmware (raspi-firmware)
# The initrd is made once, by the boot-files step, after every stage's initramfs hooks are in the root.
# While mmdebstrap installs the packages, update-initramfs is diverted to a no-op (the kernel's
# postinst hook would otherwise generate an initrd that the boot-files step throws away: a whole
# extra generation, minutes under qemu-user); the diversion is removed before mmdebstrap finishes.
INITRAMFS = "/usr/sbin/update-initramfs"
INITRAMFS_DIVERTED = INITRAMFS + ".pbx-real"
INITRAMFS_STUB_ECHO = (
    "update-initramfs: deferred (the image build makes the initrd once, in its boot-files step)"
)
DEFER_INITRAMFS_HOOK = (
    f'chroot "$1" dpkg-divert --local --rename --divert {INITRAMFS_DIVERTED} --add {INITRAMFS}'
    f" && printf '%s\\n' '#!/bin/sh' 'echo \"{INITRAMFS_STUB_ECHO}\"' >\"$1{INITRAMFS}\""
    f' && chmod 755 "$1{INITRAMFS}"'
)
RESTORE_INITRAMFS_HOOK = (
    f'rm -f "$1{INITRAMFS}"'
    f' && chroot "$1" dpkg-divert --local --rename --divert {INITRAMFS_DIVERTED} --remove {INITRAMFS}'
    f' && test -x "$1{INITRAMFS}"'
)


def apt_sources(ctx) -> list[str]:
    """Return the one-line apt sources of the pinned suite (main archive, updates, security)."""
    return [
        f"deb {ctx.mirror} {ctx.suite} {COMPONENTS}",
        f"deb {ctx.mirror} {ctx.suite}-updates {COMPONENTS}",
        f"deb {ctx.security_mirror} {ctx.suite}-security {COMPONENTS}",
    ]


def mmdebstrap_command(ctx, packages: Sequence[str]) -> list[str]:
    """Return the mmdebstrap command line that makes the root (minbase + the stages' packages)."""
    cmd = [
        "mmdebstrap",
        "--mode=root",
        "--variant=minbase",
        f"--arch={ctx.arch}",
        '--aptopt=APT::Install-Recommends "false"',
        '--aptopt=APT::Install-Suggests "false"',
        f"--include={','.join(packages)}",
        "--skip=cleanup/apt/lists",  # kept for the manifest's Release dates and cache-miss builds; trimmed later
        f"--essential-hook={DEFER_INITRAMFS_HOOK}",
        f"--customize-hook={RESTORE_INITRAMFS_HOOK}",
    ]
    cmd += [f"--dpkgopt={f}" for f in DPKG_FILTERS]
    return [*cmd, ctx.suite, str(ctx.root), *apt_sources(ctx)]


def mounts_under(path: Path) -> list[str]:
    """Return the mount points at or below `path`, deepest first."""
    prefix = str(path.resolve())
    points = []
    for line in Path("/proc/self/mounts").read_text().splitlines():
        point = line.split()[1].replace("\\040", " ")
        if point == prefix or point.startswith(prefix + "/"):
            points.append(point)
    return sorted(points, key=len, reverse=True)


def remove_root(root: Path) -> None:
    """Delete an old root tree, refusing if anything is still mounted inside it."""
    for point in mounts_under(root):
        subprocess.run(["umount", "-l", point], check=False)
    left = mounts_under(root)
    if left:
        raise BuildError(f"still mounted inside the old root: {left}; fix: umount them, then build again")
    if root.exists():
        shutil.rmtree(root)


def source_date_epoch(repo: Path) -> str:
    """Return the app commit's time: every file's date in the image is clamped to it."""
    out = subprocess.run(
        ["git", "-C", str(repo), "log", "-1", "--format=%ct"], capture_output=True, text=True
    )
    return out.stdout.strip() or "0"


def bootstrap(ctx) -> None:
    remove_root(ctx.root)
    ctx.work.mkdir(parents=True, exist_ok=True)
    packages = collect_packages(ctx.stages_dir, ctx.arch)
    ctx.facts["stage_packages"] = ",".join(packages)  # the manifest records what was asked for (an input)
    log.info("    %d packages from the stages (+ their dependencies), suite %s", len(packages), ctx.suite)
    env = dict(os.environ, SOURCE_DATE_EPOCH=source_date_epoch(ctx.repo))
    sh(
        mmdebstrap_command(ctx, packages),
        what="mmdebstrap",
        fix="read the log; a package name may be wrong for this suite, or the mirror unreachable",
        log_file=ctx.log_file,
        env=env,
    )


@contextlib.contextmanager
def mounted(root: Path) -> Iterator[Path]:
    """Mount /proc, /sys, /dev and a resolv.conf into the root for chroot commands; undo on exit."""
    # Fresh proc and sysfs, and a non-recursive private bind of /dev: unmounting them can never
    # propagate back to the host's own /dev/pts or /sys submounts.
    mounts = [
        ("proc", ["-t", "proc", "proc"]),
        ("sys", ["-t", "sysfs", "sysfs"]),
        ("dev", ["--bind", "/dev"]),
    ]
    resolv = root / "etc" / "resolv.conf"
    saved = resolv.read_bytes() if resolv.is_file() and not resolv.is_symlink() else None
    try:
        for sub, args in mounts:
            target = root / sub
            target.mkdir(exist_ok=True)
            sh(["mount", *args, target], what=f"mount {sub} in the root", fix="run as root")
            sh(["mount", "--make-private", target], what=f"make {sub} private", fix="run as root")
        if resolv.is_symlink():
            resolv.unlink()
        shutil.copyfile("/etc/resolv.conf", resolv)  # pip/apt inside the root need DNS
        if HOST_CA.is_file():  # this host's CAs (an egress proxy may sign PyPI's certificate)
            shutil.copyfile(HOST_CA, root / "tmp" / HOST_CA.name)
        yield root
    finally:
        for point in mounts_under(root):
            subprocess.run(["umount", "-l", point], check=False)
        (root / "tmp" / HOST_CA.name).unlink(missing_ok=True)
        if saved is not None:
            resolv.write_bytes(saved)
        else:
            resolv.unlink(missing_ok=True)


def chroot(
    ctx, args: Sequence[str], *, what: str, fix: str, capture: bool = False, env: dict | None = None
) -> str:
    """Run a command inside the mounted root (arm64: through qemu-user via binfmt_misc)."""
    base = {
        "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "LC_ALL": "C.UTF-8",
        "DEBIAN_FRONTEND": "noninteractive",
        "HOME": "/root",
    }
    if (ctx.root / "tmp" / HOST_CA.name).is_file():
        base["PIP_CERT"] = f"/tmp/{HOST_CA.name}"
    return sh(
        ["chroot", ctx.root, *args],
        what=what,
        fix=fix,
        log_file=None if capture else ctx.log_file,
        env=dict(base, **(env or {})),
        capture=capture,
    )


def trim(ctx) -> None:
    """Drop what only the build needed: apt lists and caches, temporary files, this build's logs."""
    root = ctx.root
    if mounts_under(root):
        raise BuildError(f"still mounted inside the root: {mounts_under(root)}; fix: umount them")
    for pattern in (
        "var/lib/apt/lists/*",
        "var/cache/apt/*",
        "var/cache/debconf/*-old",
        "tmp/*",
        "var/tmp/*",
        "var/log/*",
        "root/.cache",
        "var/lib/dbus/machine-id",
    ):
        for path in root.glob(pattern):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink(missing_ok=True)
    (root / "var/lib/apt/lists/partial").mkdir(parents=True, exist_ok=True)
    # An empty machine-id: systemd makes one per boot on the read-only root (the box's identity is on /data).
    (root / "etc/machine-id").write_text("")
    used = int(subprocess.run(["du", "-sb", str(root)], capture_output=True, text=True).stdout.split()[0])
    ctx.facts["rootfs_used_bytes"] = used
    log.info("    root tree: %.0f MiB", used / 2**20)

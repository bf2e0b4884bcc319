"""BOOT's files: kernel, initrd, kernel command line, the A/B boot state; the Pi's firmware and config.txt."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from steps import BuildError, log
from steps.rootfs import chroot, mounted

# root= names slot A: the fallback when no slot chooser is in the initrd (stage 40-rauc's local-top
# script sets ROOT from bootstate.env and wins over it). The root is mounted read-only.
CMDLINE = {
    "amd64": "root=LABEL=rootfsA ro rootwait console=tty0 console=ttyS0,115200 panic=10",
    "arm64": "root=LABEL=rootfsA ro rootwait console=serial0,115200 console=tty1 panic=10",
}
DEFAULT_BOOTSTATE = 'ORDER="A B"\nA_OK=1\nA_TRY=3\nB_OK=0\nB_TRY=0\n'
PI_DTBS = ("bcm2711-rpi-4-b.dtb", "bcm2711-rpi-400.dtb", "bcm2711-rpi-cm4.dtb", "bcm2712-rpi-5-b.dtb")


def default_bootstate() -> str:
    """Return bootstate.env for a fresh image: slot A good with 3 tries, slot B empty."""
    try:
        from firmware import bootstate  # the update engineer's format, when present
    except ImportError:
        return DEFAULT_BOOTSTATE
    return bootstate.BootState.default().render()


def newest(root: Path, pattern: str) -> Path:
    found = sorted(root.glob(pattern))
    if not found:
        raise BuildError(f"no {pattern} in the root; fix: the kernel package is missing from stage 00-base")
    return found[-1]


def collect_boot_files(ctx) -> None:
    boot = ctx.boot_dir
    if boot.exists():
        shutil.rmtree(boot)
    boot.mkdir(parents=True)
    # The one initrd generation of the build (the bootstrap defers the package hooks' own, see
    # rootfs.DEFER_INITRAMFS_HOOK): every stage's initramfs hooks and scripts are in the root now.
    # -c (create) for every installed kernel: no initrd exists yet, and -u only updates existing ones.
    with mounted(ctx.root):
        chroot(
            ctx, ["update-initramfs", "-c", "-k", "all"], what="update-initramfs", fix="read the build log"
        )
    kernel = newest(ctx.root / "boot", "vmlinuz-*")
    version = kernel.name.removeprefix("vmlinuz-")
    shutil.copy2(kernel, boot / "vmlinuz")
    shutil.copy2(ctx.root / "boot" / f"initrd.img-{version}", boot / "initrd.img")
    (boot / "cmdline.txt").write_text(CMDLINE[ctx.arch] + "\n")
    (boot / "bootstate.env").write_text(default_bootstate())
    if ctx.arch == "arm64":
        _raspberry_pi(ctx, boot, version)
    # BOOT is mounted over /boot/firmware; whatever a package hook left there stays out of the root.
    firmware_dir = ctx.root / "boot" / "firmware"
    if firmware_dir.exists():
        shutil.rmtree(firmware_dir)
    firmware_dir.mkdir()
    ctx.facts["kernel"] = version
    log.info("    kernel %s; BOOT: %s", version, " ".join(sorted(p.name for p in boot.iterdir())))


def _raspberry_pi(ctx, boot: Path, version: str) -> None:
    """Copy the Pi's boot firmware, device trees and the board's config.txt (kernel and initrd by name)."""
    fw = ctx.root / "usr/lib/raspi-firmware"
    blobs = [p for p in fw.iterdir() if p.suffix in (".bin", ".dat", ".elf")] if fw.is_dir() else []
    if not blobs:
        raise BuildError(
            f"no Raspberry Pi firmware in {fw}; fix: raspi-firmware in stage 00-base packages.arm64"
        )
    for blob in blobs:
        shutil.copy2(blob, boot / blob.name)
    dtb_dir = ctx.root / f"usr/lib/linux-image-{version}/broadcom"
    for name in PI_DTBS:
        if (dtb_dir / name).is_file():
            shutil.copy2(dtb_dir / name, boot / name)
    if not (boot / PI_DTBS[0]).is_file():
        raise BuildError(f"no {PI_DTBS[0]} in {dtb_dir}; fix: the arm64 kernel package changed layout")
    merged = merge_board_trees(ctx.board_dir, boot)
    ctx.facts["device_trees_merged"] = merged
    if merged:
        log.info("    board device tree merged into %s", " ".join(merged))
    config = ctx.board_dir / "config.txt"
    if not config.is_file():
        raise BuildError(f"board {ctx.board} has no config.txt for the Pi firmware ({config})")
    shutil.copy2(config, boot / "config.txt")


def merge_board_trees(board_dir: Path, boot: Path, dtc: str = "dtc") -> list[str]:
    """Merge the board's `<soc>-*.dtsi` (e.g. bcm2711-pbx.dtsi) into every `<soc>-*.dtb` on BOOT.

    Debian's Pi device trees have no __symbols__/__overrides__ and raspi-firmware ships no
    overlays, so `dtoverlay=`/`dtparam=` in config.txt cannot enable the board's buses; instead
    each tree is decompiled, the board's source (which addresses nodes by path) appended, and the
    result compiled back under the same name. Return the DTB names changed.
    """
    merged: list[str] = []
    for dtsi in sorted(board_dir.glob("*.dtsi")):
        soc = dtsi.name.split("-", 1)[0]
        for dtb in sorted(boot.glob(f"{soc}-*.dtb")):
            if shutil.which(dtc) is None:
                raise BuildError(f"{dtsi} needs dtc; fix: apt-get install device-tree-compiler")
            source = dtb.with_suffix(".pbx.dts")
            _dtc(dtc, ["-I", "dtb", "-O", "dts", "-o", str(source), str(dtb)], dtb)
            source.write_text(source.read_text() + "\n" + dtsi.read_text())
            _dtc(dtc, ["-I", "dts", "-O", "dtb", "-o", str(dtb), str(source)], dtsi)
            source.unlink()
            merged.append(dtb.name)
    return merged


def _dtc(dtc: str, args: list[str], what: Path) -> None:
    # -q: the decompiled tree's numeric phandles make dtc warn; errors still fail.
    done = subprocess.run([dtc, "-q", *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise BuildError(f"dtc failed on {what}: {done.stderr.strip()[-600:]}; fix: the board's .dtsi")

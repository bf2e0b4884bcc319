"""The partitioned image: genimage builds BOOT (mkdosfs + mtools), the ext4 filesystems (mke2fs -d) and the
MBR disk from board-configs/<board>/genimage.cfg; no loop mounts."""

from __future__ import annotations

import re
import shutil

from steps import BuildError, log, sh

PLACEHOLDER = re.compile(r"@([A-Z_]+)@")
LABELS = ("BOOT", "rootfsA", "rootfsB", "data")  # the agreed partition labels, in partition order
# The MBR disk signature every board's image carries: RAUC's system.conf (stage 40-rauc) names the
# root slots /dev/disk/by-partuuid/50425842-02 and -03, which stay put while an update rewrites and
# relabels a slot's filesystem (its by-label link disappears until the post-install handler names it).
DISK_SIGNATURE = "0x50425842"


def render_genimage(template: str, values: dict[str, str], source: str = "genimage.cfg") -> str:
    """Fill @NAME@ placeholders; raise BuildError for a placeholder without a value."""
    unknown = sorted({m.group(1) for m in PLACEHOLDER.finditer(template)} - set(values))
    if unknown:
        raise BuildError(f"{source}: unknown placeholder(s) {', '.join('@' + u + '@' for u in unknown)}")
    return PLACEHOLDER.sub(lambda m: values[m.group(1)], template)


def check_layout(text: str, source: str = "genimage.cfg") -> None:
    """Refuse a genimage config that lacks one of the agreed labels or the sdcard.img disk."""
    for label in LABELS:
        if not re.search(rf'label\s*=\s*"{label}"', text):
            raise BuildError(f"{source}: no filesystem labelled {label!r} (the agreed layout needs {LABELS})")
    if "image sdcard.img" not in text:
        raise BuildError(f"{source}: no 'image sdcard.img' disk image")
    if not re.search(rf"disk-signature\s*=\s*{DISK_SIGNATURE}\b", text):
        raise BuildError(
            f"{source}: the sdcard.img hdimage needs disk-signature = {DISK_SIGNATURE} "
            "(RAUC finds the root slots by that PARTUUID)"
        )


def make_image(ctx) -> None:
    source = ctx.board_dir / "genimage.cfg"
    text = render_genimage(
        source.read_text(), {"BOOT_DIR": str(ctx.boot_dir), "ROOT_DIR": str(ctx.root)}, str(source)
    )
    check_layout(text, str(source))
    cfg = ctx.work / "genimage.cfg"
    cfg.write_text(text)
    tmp, empty = ctx.work / "genimage-tmp", ctx.work / "genimage-root"
    for path in (tmp, empty):
        shutil.rmtree(path, ignore_errors=True)
    empty.mkdir()
    (ctx.out / "sdcard.img").unlink(missing_ok=True)
    sh(
        [
            "genimage",
            "--config",
            cfg,
            "--rootpath",
            empty,
            "--tmppath",
            tmp,
            "--inputpath",
            ctx.out,
            "--outputpath",
            ctx.out,
        ],
        what="genimage",
        fix="read the build log",
        log_file=ctx.log_file,
    )
    shutil.rmtree(tmp, ignore_errors=True)
    image = ctx.out / "sdcard.img"
    if not image.is_file():
        raise BuildError(f"genimage made no {image}")
    ctx.facts["image_bytes"] = image.stat().st_size
    ctx.facts["image_allocated_bytes"] = image.stat().st_blocks * 512
    log.info(
        "    %s: %.0f MiB (%.0f MiB allocated)",
        image,
        image.stat().st_size / 2**20,
        image.stat().st_blocks * 512 / 2**20,
    )

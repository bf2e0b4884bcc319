"""pi-gen-style stages (image-build/stages/NN-name/): package lists, overlays, run-chroot.sh.

A stage folder may hold `packages` (and `packages.<arch>`): one Debian package per line, each with
a `# why` comment; `overlay/`: files copied into the root as they are (modes kept); `run-chroot.sh`:
run inside the root after every stage's packages are installed and this stage's overlay is copied.
Stages run in name order.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from steps import BuildError, log

_NAME = re.compile(r"^[a-z0-9][a-z0-9.+-]+$")
_STAGE = re.compile(r"^\d\d-[a-z0-9-]+$")


@dataclass(frozen=True)
class Package:
    name: str
    why: str
    stage: str
    arch: str  # "" for every architecture


def stage_dirs(stages_dir: Path) -> list[Path]:
    """Return the stage folders (NN-name) in the order they run."""
    return sorted(p for p in stages_dir.iterdir() if p.is_dir() and _STAGE.match(p.name))


def parse_packages(path: Path, stage: str, arch: str = "") -> list[Package]:
    """Parse a `packages` file; raise BuildError naming the file and line of a bad entry."""
    found: list[Package] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        name, _, why = text.partition("#")
        name, why = name.strip(), why.strip()
        if not _NAME.match(name):
            raise BuildError(f"{path}:{number}: {name!r} is not one Debian package name")
        if not why:
            raise BuildError(f"{path}:{number}: {name} has no '# why' comment saying why the box needs it")
        found.append(Package(name, why, stage, arch))
    return found


def stage_packages(stages_dir: Path) -> list[Package]:
    """Return every stage's packages, for every architecture, in stage order."""
    found: list[Package] = []
    for stage in stage_dirs(stages_dir):
        for path in sorted(stage.glob("packages*")):
            arch = path.suffix.lstrip(".") if path.name != "packages" else ""
            found += parse_packages(path, stage.name, arch)
    return found


def collect_packages(stages_dir: Path, arch: str) -> list[str]:
    """Return the package names to install for `arch`, each once, in stage order."""
    names: list[str] = []
    for pkg in stage_packages(stages_dir):
        if pkg.arch in ("", arch) and pkg.name not in names:
            names.append(pkg.name)
    return names


def packages_markdown(stages_dir: Path) -> str:
    """Return the 'what is installed and why' table (README) generated from the stages' package lists."""
    lines = ["| package | stage | arch | why |", "|---|---|---|---|"]
    for pkg in stage_packages(stages_dir):
        lines.append(f"| `{pkg.name}` | {pkg.stage} | {pkg.arch or 'all'} | {pkg.why} |")
    return "\n".join(lines)


def write_readme_table(readme: Path, stages_dir: Path) -> None:
    """Replace the table between README's packages markers with the generated one."""
    text = readme.read_text()
    begin, end = "<!-- packages:begin -->", "<!-- packages:end -->"
    if begin not in text or end not in text:
        raise BuildError(f"{readme}: no {begin} ... {end} markers for the package table")
    head, rest = text.split(begin, 1)
    tail = rest.split(end, 1)[1]
    readme.write_text(f"{head}{begin}\n{packages_markdown(stages_dir)}\n{end}{tail}")


def copy_overlay(overlay: Path, root: Path) -> int:
    """Copy an overlay tree into the root as it is (modes and symlinks kept); return the file count."""
    count = 0
    for dirpath, dirnames, filenames in os.walk(overlay):
        rel = Path(dirpath).relative_to(overlay)
        (root / rel).mkdir(parents=True, exist_ok=True)
        for name in filenames + [d for d in dirnames if (Path(dirpath) / d).is_symlink()]:
            src, dst = Path(dirpath) / name, root / rel / name
            if dst.is_symlink() or dst.is_file():
                dst.unlink()
            if src.is_symlink():
                dst.symlink_to(os.readlink(src))
            else:
                shutil.copy2(src, dst)
                os.chown(dst, 0, 0)
            count += 1
    return count


def apply_stages(ctx) -> None:
    from steps.rootfs import chroot, mounted

    with mounted(ctx.root):
        for stage in stage_dirs(ctx.stages_dir):
            overlay = stage / "overlay"
            if overlay.is_dir():
                log.info("    %s: overlay (%d files)", stage.name, copy_overlay(overlay, ctx.root))
            script = stage / "run-chroot.sh"
            if script.is_file():
                inside = ctx.root / "tmp" / f"run-chroot-{stage.name}.sh"
                shutil.copyfile(script, inside)
                log.info("    %s: run-chroot.sh", stage.name)
                chroot(
                    ctx,
                    ["/bin/bash", "-euo", "pipefail", f"/tmp/{inside.name}"],
                    what=f"stage {stage.name}: run-chroot.sh",
                    fix=f"read the build log; fix image-build/stages/{stage.name}/run-chroot.sh",
                    env={"PBX_BOARD": ctx.board, "PBX_ARCH": ctx.arch},
                )
                inside.unlink()
    if not (ctx.stages_dir / "40-rauc").is_dir():
        log.info("    no stage 40-rauc yet: the kernel command line names root=LABEL=rootfsA")

#!/usr/bin/env python3
"""Build the box's SD-card image: `make image BOARD=<board> ARCH=amd64|arm64` -> out/<board>-<arch>/.

The build is `build_image(ctx)`: one flat list of small steps (image-build/steps/<topic>.py), each
logged and timed. Plain content lives in pi-gen-style stages (image-build/stages/NN-name/:
`packages`, `packages.<arch>`, `overlay/`, `run-chroot.sh`). Every setting is declared once in
SETTINGS and parsed into the frozen `Context`.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from steps import (  # noqa: E402
    BuildError,
    Step,
    StepTiming,
    app,
    boot,
    disk,
    host,
    manifest,
    rauc,
    rootfs,
    run_steps,
    stages,
)

REPO = HERE.parent
ARCHES = ("amd64", "arm64")
DEFAULT_BOARD = {"amd64": "qemu-amd64", "arm64": "rpi4-pbx"}


def _arch(value: str) -> str:
    if value not in ARCHES:
        raise ValueError(f"must be one of {', '.join(ARCHES)}")
    return value


def _text(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value.strip()


# key, environment variable, parser, default, help
SETTINGS: tuple[tuple[str, str, Callable[[str], object], str, str], ...] = (
    ("arch", "ARCH", _arch, "amd64", "target architecture: amd64 (qemu board) or arm64 (Raspberry Pi)"),
    ("board", "BOARD", str, "", "board-configs/<board>; default qemu-amd64 for amd64, rpi4-pbx for arm64"),
    ("suite", "PBX_IMAGE_SUITE", _text, "bookworm", "Debian suite (pinned: the same suite every build)"),
    ("mirror", "PBX_IMAGE_MIRROR", _text, "http://deb.debian.org/debian", "Debian mirror"),
    (
        "security_mirror",
        "PBX_IMAGE_SECURITY_MIRROR",
        _text,
        "http://deb.debian.org/debian-security",
        "Debian security mirror",
    ),
    ("out_root", "PBX_IMAGE_OUT", Path, str(REPO / "out"), "where out/<board>-<arch>/ is written"),
    (
        "cache",
        "PBX_CACHE",
        Path,
        str(Path.home() / ".cache" / "pbx-box"),
        "caches (pjsua2 wheels, wheelhouse)",
    ),
)


@dataclass(frozen=True)
class Context:
    """Everything a step may read; steps never look at the environment themselves."""

    arch: str
    board: str
    suite: str
    mirror: str
    security_mirror: str
    out_root: Path
    cache: Path
    repo: Path = REPO
    stages_dir: Path = HERE / "stages"
    facts: dict[str, object] = field(default_factory=dict)  # what steps learn (versions, sizes)

    @property
    def out(self) -> Path:
        return self.out_root / f"{self.board}-{self.arch}"

    @property
    def work(self) -> Path:
        return self.out / "work"

    @property
    def root(self) -> Path:
        return self.work / "root"

    @property
    def boot_dir(self) -> Path:
        return self.out / "boot"

    @property
    def board_dir(self) -> Path:
        return self.repo / "board-configs" / self.board

    @property
    def log_file(self) -> Path:
        return self.out / "build.log"


def parse_context(values: Mapping[str, str]) -> Context:
    """Parse the settings table from `values` (environment or options); raise BuildError naming the key."""
    parsed: dict[str, object] = {}
    for key, env, parser, default, _help in SETTINGS:
        raw = values.get(env, "") or default
        try:
            parsed[key] = parser(raw)
        except ValueError as exc:
            raise BuildError(f"setting {env}={raw!r}: {exc}") from exc
    if not parsed["board"]:
        parsed["board"] = DEFAULT_BOARD[str(parsed["arch"])]
    ctx = Context(**parsed)  # type: ignore[arg-type]
    if not (ctx.board_dir / "board.toml").is_file():
        known = sorted(p.name for p in (REPO / "board-configs").iterdir() if (p / "board.toml").is_file())
        raise BuildError(
            f"setting BOARD={ctx.board!r}: no board-configs/{ctx.board}/board.toml (boards: {known})"
        )
    if not (ctx.board_dir / "genimage.cfg").is_file():
        raise BuildError(f"setting BOARD={ctx.board!r}: board-configs/{ctx.board}/genimage.cfg is missing")
    return ctx


STEPS: tuple[Step, ...] = (
    Step("check host tools", host.check_tools),
    Step("register qemu-user for the target (binfmt_misc)", host.enable_binfmt),
    Step("bootstrap Debian root (mmdebstrap)", rootfs.bootstrap),
    Step("copy the app (git archive) and the board file", app.copy_app),
    Step("pjsua2 wheel and wheelhouse (build.sh in the target root)", app.build_wheels),
    Step("RAUC keyring (update CA certificate; stage 40-rauc checks it)", rauc.install_keyring),
    Step("stages: overlays and run-chroot.sh", stages.apply_stages),
    Step("manifest", manifest.write_manifest),
    Step("boot files", boot.collect_boot_files),
    Step("trim the root (caches, apt lists)", rootfs.trim),
    Step("disk image (genimage)", disk.make_image),
)


def build_image(ctx: Context) -> list[StepTiming]:
    """Build out/<board>-<arch>/sdcard.img and its manifest; return each step's duration."""
    return run_steps(ctx, STEPS)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arch", help="amd64 or arm64 (ARCH)")
    parser.add_argument("--board", help="board-configs/<board> (BOARD)")
    parser.add_argument(
        "--readme", action="store_true", help="rewrite README.md's 'what is installed and why' table"
    )
    opts = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stdout)
    if opts.readme:
        stages.write_readme_table(HERE / "README.md", HERE / "stages")
        print(f"updated the package table in {HERE / 'README.md'}")
        return 0
    values = dict(os.environ)
    if opts.arch:
        values["ARCH"] = opts.arch
    if opts.board:
        values["BOARD"] = opts.board
    try:
        ctx = parse_context(values)
        if os.geteuid() != 0:
            raise BuildError("the image build runs as root (mmdebstrap root mode, chroot); run it as root")
        ctx.out.mkdir(parents=True, exist_ok=True)
        ctx.log_file.write_text("")
        start = time.monotonic()
        timings = build_image(ctx)
    except BuildError as exc:
        print(f"image-build: {exc}", file=sys.stderr)
        return 1
    total = time.monotonic() - start
    report = {
        "board": ctx.board,
        "arch": ctx.arch,
        "total_seconds": round(total, 1),
        "steps": [{"name": t.name, "seconds": round(t.seconds, 1)} for t in timings],
        **ctx.facts,
    }
    (ctx.out / "build.json").write_text(json.dumps(report, indent=2) + "\n")
    print(f"==> image built in {total:.0f} s: {ctx.out / 'sdcard.img'}")
    for key in ("image_bytes", "image_allocated_bytes", "rootfs_used_bytes"):
        if key in ctx.facts:
            print(f"    {key}: {ctx.facts[key]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

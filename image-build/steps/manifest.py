"""The image's manifest: what went in, so the same inputs can be checked to give the same image."""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from steps import log
from steps.rootfs import apt_sources, chroot, mounted


def release_dates(lists_dir: Path) -> list[tuple[str, str]]:
    """Return (Release file, its Date:) for every suite apt fetched, in name order."""
    found = []
    for path in sorted(lists_dir.glob("*Release")):
        match = re.search(r"^Date:\s*(.+)$", path.read_text(errors="replace"), re.MULTILINE)
        found.append((path.name, match.group(1).strip() if match else "unknown"))
    return found


def dpkg_packages(root: Path) -> list[str]:
    """Return 'name version arch' for every package installed in the root (dpkg-query on its database)."""
    out = subprocess.run(
        [
            "dpkg-query",
            f"--admindir={root}/var/lib/dpkg",
            "-W",
            "-f",
            "${db:Status-Abbrev}|${Package} ${Version} ${Architecture}\\n",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return sorted(line.split("|", 1)[1] for line in out.splitlines() if line.startswith("ii"))


def render_manifest(
    facts: dict, sources: list[str], releases: list[tuple[str, str]], packages: list[str], freeze: list[str]
) -> str:
    """Return the manifest text (stable order, one fact per line)."""
    lines = ["# pbx-box firmware image manifest"]
    for key in (
        "board",
        "arch",
        "suite",
        "app_commit",
        "source_date_epoch",
        "built_utc",
        "pjproject_tarball",
        "pjproject_sha256",
        "pjsua2_wheel",
        "stage_packages",
    ):
        lines.append(f"{key}: {facts.get(key, '')}")
    lines.append("")
    lines.append("## apt sources (suite pinned; the Release dates say which archive state was used)")
    lines += [f"source: {s}" for s in sources]
    lines += [f"release: {name} Date: {date}" for name, date in releases]
    lines.append("")
    lines.append(f"## Debian packages ({len(packages)}, dpkg-query in the root)")
    lines += packages
    lines.append("")
    lines.append(f"## Python venv /opt/pbx/venv (pip freeze, {len(freeze)})")
    lines += freeze
    return "\n".join(lines) + "\n"


def write_manifest(ctx) -> None:
    from steps.rootfs import source_date_epoch

    facts = dict(
        ctx.facts,
        board=ctx.board,
        arch=ctx.arch,
        suite=ctx.suite,
        source_date_epoch=source_date_epoch(ctx.repo),
        built_utc=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    with mounted(ctx.root):
        freeze = chroot(
            ctx,
            ["/opt/pbx/venv/bin/pip", "freeze", "--all", "--disable-pip-version-check"],
            what="pip freeze in the root",
            fix="stage 10-app did not make the venv",
            capture=True,
        )
    packages = dpkg_packages(ctx.root)
    releases = release_dates(ctx.root / "var/lib/apt/lists")
    text = render_manifest(
        facts, apt_sources(ctx), releases, packages, [line for line in freeze.splitlines() if line.strip()]
    )
    (ctx.out / "manifest.txt").write_text(text)
    ctx.facts["debian_packages"] = len(packages)
    for name, date in releases:
        log.info("    %s: %s", name, date)
    log.info(
        "    manifest: %d Debian packages, %d Python packages -> %s",
        len(packages),
        len(freeze.splitlines()),
        ctx.out / "manifest.txt",
    )

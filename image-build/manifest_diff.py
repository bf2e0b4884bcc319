#!/usr/bin/env python3
"""Compare two image manifests: `manifest_diff.py A/manifest.txt B/manifest.txt`.

Exit 0 when both images hold the same package set (Debian packages name=version and the venv's
pip freeze), 1 when they differ, 2 when a file is missing or is not a manifest. What is expected to
differ between two builds (app commit, build time, SOURCE_DATE_EPOCH) and the build inputs the
manifest records (apt sources, each suite's Release date, the pjproject tarball) are printed in their
own section and are not failures by themselves: a package difference together with a different
Release date means the Debian archive moved between the builds (not the same inputs); a package
difference with the same Release dates and sources means the build itself is not reproducible.

The format read is the one image-build/steps/manifest.py writes (render_manifest).
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

# Header facts that differ from build to build by design (reported, never a failure).
BUILD_FACTS = ("app_commit", "source_date_epoch", "built_utc")
# Header facts that are inputs of the build: a difference explains package differences.
INPUT_FACTS = ("board", "arch", "suite", "pjproject_tarball", "pjproject_sha256", "pjsua2_wheel")
# The stages' package names the build asked mmdebstrap for (manifests from before 2026-11-30 19:30
# lack it: then the package lists are read from the two commits with git, when the repo has them).
STAGE_PACKAGES = "stage_packages"
REPO = Path(__file__).resolve().parent.parent


class ManifestError(ValueError):
    """The file is not a manifest in steps/manifest.py's format."""


@dataclass
class Manifest:
    facts: dict[str, str] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    releases: dict[str, str] = field(default_factory=dict)  # Release file name -> its Date:
    packages: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (version, arch)
    python: dict[str, str] = field(default_factory=dict)  # normalised name (or "-e path") -> version


def _pip_key(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_manifest(text: str) -> Manifest:
    """Parse a manifest's text; raise ManifestError if it does not look like one."""
    lines = text.splitlines()
    if not lines or not lines[0].startswith("# pbx-box firmware image manifest"):
        raise ManifestError("first line is not '# pbx-box firmware image manifest'")
    found = Manifest()
    section = "facts"
    for number, raw in enumerate(lines[1:], 2):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("## "):
            heading = line[3:].lower()
            if heading.startswith("apt sources"):
                section = "sources"
            elif heading.startswith("debian packages"):
                section = "packages"
            elif heading.startswith("python venv"):
                section = "python"
            else:
                raise ManifestError(f"line {number}: unknown section {line!r}")
            continue
        if section == "facts":
            key, sep, value = line.partition(":")
            if not sep:
                raise ManifestError(f"line {number}: expected 'key: value', got {line!r}")
            found.facts[key.strip()] = value.strip()
        elif section == "sources":
            if line.startswith("source: "):
                found.sources.append(line.removeprefix("source: "))
            elif line.startswith("release: "):
                name, sep, date = line.removeprefix("release: ").partition(" Date: ")
                if not sep:
                    raise ManifestError(f"line {number}: release line without ' Date: ': {line!r}")
                found.releases[name.strip()] = date.strip()
            else:
                raise ManifestError(f"line {number}: expected 'source:' or 'release:', got {line!r}")
        elif section == "packages":
            parts = line.split()
            if len(parts) != 3:
                raise ManifestError(f"line {number}: expected 'name version arch', got {line!r}")
            found.packages[parts[0]] = (parts[1], parts[2])
        else:  # pip freeze --all
            if line.startswith("#"):
                continue
            if line.startswith("-e "):
                found.python[line] = "editable"
            elif "==" in line:
                name, _, version = line.partition("==")
                found.python[_pip_key(name.strip())] = version.strip()
            elif " @ " in line:
                name, _, where = line.partition(" @ ")
                found.python[_pip_key(name.strip())] = "@ " + where.strip()
            else:
                raise ManifestError(f"line {number}: not a pip freeze line: {line!r}")
    if not found.packages:
        raise ManifestError("no Debian packages section (or it is empty)")
    return found


@dataclass
class SetDiff:
    added: list[str] = field(default_factory=list)  # in B only: "name=version"
    removed: list[str] = field(default_factory=list)  # in A only
    changed: list[str] = field(default_factory=list)  # "name=old -> name=new"

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    def lines(self) -> list[str]:
        out = [f"  changed: {c}" for c in self.changed]
        out += [f"  added:   {a}" for a in self.added]
        out += [f"  removed: {r}" for r in self.removed]
        return out


def _diff(a: dict[str, str], b: dict[str, str], show) -> SetDiff:
    result = SetDiff()
    for name in sorted(a.keys() | b.keys()):
        if name not in b:
            result.removed.append(show(name, a[name]))
        elif name not in a:
            result.added.append(show(name, b[name]))
        elif a[name] != b[name]:
            result.changed.append(f"{show(name, a[name])} -> {show(name, b[name])}")
    return result


def diff_packages(a: Manifest, b: Manifest) -> SetDiff:
    """Debian packages added, removed or at another version.

    The architecture column counts only between manifests of the same target architecture (a
    package that moved between `all` and the target); across targets name=version is compared.
    """
    same_target = a.facts.get("arch", "") == b.facts.get("arch", "")
    result = SetDiff()
    for name in sorted(a.packages.keys() | b.packages.keys()):
        if name not in b.packages:
            result.removed.append(f"{name}={a.packages[name][0]}")
        elif name not in a.packages:
            result.added.append(f"{name}={b.packages[name][0]}")
        else:
            (va, aa), (vb, ab) = a.packages[name], b.packages[name]
            if va != vb:
                result.changed.append(f"{name}={va} -> {name}={vb}")
            elif same_target and aa != ab:
                result.changed.append(f"{name}={va} [{aa}] -> {name}={vb} [{ab}]")
    return result


def diff_python(a: Manifest, b: Manifest) -> SetDiff:
    """pip freeze lines added, removed or at another version."""
    return _diff(a.python, b.python, lambda n, v: n if v == "editable" else f"{n}=={v}")


def _list_change(a: list[str], b: list[str]) -> str:
    return " ".join([f"+{n}" for n in b if n not in a] + [f"-{n}" for n in a if n not in b])


def stage_packages_at(repo: Path, commit: str, arch: str) -> list[str] | None:
    """Return the stage package names a commit asks for on `arch` (git show), or None if git cannot tell."""

    def git(*args: str) -> str | None:
        proc = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=False)
        return proc.stdout if proc.returncode == 0 else None

    listing = git("ls-tree", "-r", "--name-only", commit, "--", "image-build/stages")
    if not commit or listing is None:
        return None
    names: list[str] = []
    for path in sorted(listing.split()):
        match = re.fullmatch(r"image-build/stages/\d\d-[^/]+/packages(\.([a-z0-9]+))?", path)
        if not match or (match.group(2) and match.group(2) != arch):
            continue
        for line in (git("show", f"{commit}:{path}") or "").splitlines():
            name = line.split("#", 1)[0].strip()
            if name and name not in names:
                names.append(name)
    return names


def diff_inputs(a: Manifest, b: Manifest, repo: Path | None = REPO) -> tuple[list[str], list[str]]:
    """Return (input differences, expected per-build differences) as printable lines."""
    inputs: list[str] = []
    for key in INPUT_FACTS:
        if a.facts.get(key, "") != b.facts.get(key, ""):
            inputs.append(f"  {key}: {a.facts.get(key, '') or '-'} -> {b.facts.get(key, '') or '-'}")
    wanted_a = [n for n in a.facts.get(STAGE_PACKAGES, "").split(",") if n]
    wanted_b = [n for n in b.facts.get(STAGE_PACKAGES, "").split(",") if n]
    if wanted_a and wanted_b:
        if set(wanted_a) != set(wanted_b):
            inputs.append(f"  stage packages asked for: {_list_change(wanted_a, wanted_b)}")
    elif a.facts.get("app_commit") != b.facts.get("app_commit") and repo is not None:
        # An older manifest does not say what was asked for: read the two commits' package lists.
        arch_a, arch_b = a.facts.get("arch", ""), b.facts.get("arch", "")
        wanted_a = wanted_a or stage_packages_at(repo, a.facts.get("app_commit", ""), arch_a) or []
        wanted_b = wanted_b or stage_packages_at(repo, b.facts.get("app_commit", ""), arch_b) or []
        if not (wanted_a and wanted_b):
            inputs.append(
                "  stage packages asked for: unknown (a manifest does not record them and git does not know"
                " both commits); compare `git log -p image-build/stages/*/packages*` between the commits"
            )
        elif set(wanted_a) != set(wanted_b):
            inputs.append(
                f"  stage packages asked for (image-build/stages/*/packages* at the two commits, git): "
                f"{_list_change(wanted_a, wanted_b)}"
            )
    if a.sources != b.sources:
        inputs += [f"  source (A only): {s}" for s in a.sources if s not in b.sources]
        inputs += [f"  source (B only): {s}" for s in b.sources if s not in a.sources]
    for name in sorted(a.releases.keys() | b.releases.keys()):
        da, db = a.releases.get(name, "-"), b.releases.get(name, "-")
        if da != db:
            inputs.append(f"  release {name}: {da} -> {db}")
    build = [
        f"  {key}: {a.facts.get(key, '') or '-'} -> {b.facts.get(key, '') or '-'}"
        for key in BUILD_FACTS
        if a.facts.get(key, "") != b.facts.get(key, "")
    ]
    return inputs, build


def compare(a: Manifest, b: Manifest, repo: Path | None = REPO) -> tuple[int, list[str]]:
    """Return (exit code, report lines): 0 when the package sets are the same, 1 when they differ."""
    report: list[str] = []
    inputs, build = diff_inputs(a, b, repo)
    report.append("build facts (differ by design, not failures):" if build else "build facts: same")
    report += build
    report.append(
        "inputs (reported, not failures by themselves):"
        if inputs
        else "inputs (sources, Release dates, pjproject): same"
    )
    report += inputs
    debs, pys = diff_packages(a, b), diff_python(a, b)
    report.append(
        f"Debian packages: {len(a.packages)} vs {len(b.packages)}: "
        + ("DIFFERENT" if debs else "same name=version set")
    )
    report += debs.lines()
    report.append(
        f"Python venv (pip freeze): {len(a.python)} vs {len(b.python)}: " + ("DIFFERENT" if pys else "same")
    )
    report += pys.lines()
    if not (debs or pys):
        report.append("result: SAME package set")
        return 0, report
    if any("asked for: unknown" in line for line in inputs) and len(inputs) == 1:
        why = "the commits differ and their package lists are unknown here: cannot tell (see above)"
    elif inputs:
        why = "the inputs differ (see above): not 'the same inputs', so this is expected"
    else:
        why = "the recorded inputs are the same: the build is NOT reproducible"
    report.append(f"result: DIFFERENT package set; {why}")
    return 1, report


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2 or args[0].startswith("-"):
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        return 2
    manifests = []
    for path in map(Path, args):
        try:
            manifests.append(parse_manifest(path.read_text()))
        except (OSError, ManifestError) as exc:
            print(f"manifest_diff: {path}: {exc}", file=sys.stderr)
            return 2
    code, report = compare(*manifests)
    print(f"A: {args[0]}\nB: {args[1]}")
    print("\n".join(report))
    return code


if __name__ == "__main__":
    sys.exit(main())

"""image-build/manifest_diff.py: two manifests (as steps/manifest.py renders them) have the same package set or not."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "image-build"))

manifest = importlib.import_module("steps.manifest")
manifest_diff = importlib.import_module("manifest_diff")

SOURCES = [
    "deb http://deb.debian.org/debian bookworm main non-free-firmware",
    "deb http://deb.debian.org/debian-security bookworm-security main non-free-firmware",
]
RELEASES = [
    ("deb.debian.org_debian-security_dists_bookworm-security_InRelease", "Sun, 29 Nov 2026 00:53:13 UTC"),
    ("deb.debian.org_debian_dists_bookworm_InRelease", "Sat, 11 Jul 2026 10:16:37 UTC"),
]
PACKAGES = ["bash 5.2.15-2+b13 amd64", "kamailio 5.6.3-2 amd64", "openssl 3.0.17-1~deb12u3 amd64"]
FREEZE = [
    "bottle==0.13.4",
    "# Editable install with no version control (pbx-box==0.1.0)",
    "-e /opt/pbx/app",
    "pjsua2==2.17",
]


def render(
    commit="aaa",
    built="2026-11-30T17:23:50Z",
    releases=RELEASES,
    packages=PACKAGES,
    freeze=FREEZE,
    wanted="kamailio,openssl",
):
    facts = {
        "stage_packages": wanted,
        "board": "qemu-amd64",
        "arch": "amd64",
        "suite": "bookworm",
        "app_commit": commit,
        "source_date_epoch": "1796059096",
        "built_utc": built,
        "pjproject_sha256": "6860c2f7",
    }
    return manifest.render_manifest(facts, SOURCES, list(releases), list(packages), list(freeze))


def run(tmp_path, a_text, b_text, capsys):
    (tmp_path / "a.txt").write_text(a_text)
    (tmp_path / "b.txt").write_text(b_text)
    code = manifest_diff.main([str(tmp_path / "a.txt"), str(tmp_path / "b.txt")])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_parse_reads_what_render_manifest_writes():
    parsed = manifest_diff.parse_manifest(render())
    assert parsed.facts["app_commit"] == "aaa" and parsed.facts["arch"] == "amd64"
    assert parsed.sources == SOURCES
    assert (
        parsed.releases["deb.debian.org_debian_dists_bookworm_InRelease"] == "Sat, 11 Jul 2026 10:16:37 UTC"
    )
    assert parsed.packages["kamailio"] == ("5.6.3-2", "amd64")
    assert parsed.python == {"bottle": "0.13.4", "-e /opt/pbx/app": "editable", "pjsua2": "2.17"}


def test_identical_package_sets_exit_0_and_commit_and_dates_are_reported_not_failures(tmp_path, capsys):
    code, out = run(tmp_path, render(), render(commit="bbb", built="2026-11-30T19:30:00Z"), capsys)
    assert code == 0
    assert "app_commit: aaa -> bbb" in out and "built_utc:" in out
    assert "result: SAME package set" in out


def test_same_manifest_twice_reports_nothing_but_same(tmp_path, capsys):
    code, out = run(tmp_path, render(), render(), capsys)
    assert code == 0
    assert "build facts: same" in out and "DIFFERENT" not in out


def test_added_and_removed_debian_packages_exit_1(tmp_path, capsys):
    b = [p for p in PACKAGES if not p.startswith("openssl")] + ["sox 14.4.2+git20190427-3.5 amd64"]
    code, out = run(tmp_path, render(), render(packages=sorted(b)), capsys)
    assert code == 1
    assert "added:   sox=14.4.2+git20190427-3.5" in out
    assert "removed: openssl=3.0.17-1~deb12u3" in out
    assert "recorded inputs are the same: the build is NOT reproducible" in out


def test_changed_version_with_a_newer_release_date_is_explained_by_the_archive(tmp_path, capsys):
    newer = [(RELEASES[0][0], "Mon, 30 Nov 2026 08:00:00 UTC"), RELEASES[1]]
    b = [p.replace("3.0.17-1~deb12u3", "3.0.18-1~deb12u1") for p in PACKAGES]
    code, out = run(tmp_path, render(), render(releases=newer, packages=b), capsys)
    assert code == 1
    assert "changed: openssl=3.0.17-1~deb12u3 -> openssl=3.0.18-1~deb12u1" in out
    assert (
        "release deb.debian.org_debian-security_dists_bookworm-security_InRelease: "
        "Sun, 29 Nov 2026 00:53:13 UTC -> Mon, 30 Nov 2026 08:00:00 UTC" in out
    )
    assert "the inputs differ" in out


def test_newer_release_date_alone_is_not_a_failure(tmp_path, capsys):
    newer = [(RELEASES[0][0], "Mon, 30 Nov 2026 08:00:00 UTC"), RELEASES[1]]
    code, out = run(tmp_path, render(), render(releases=newer), capsys)
    assert code == 0
    assert "release deb.debian.org_debian-security" in out and "result: SAME package set" in out


def test_pip_freeze_differences_exit_1(tmp_path, capsys):
    b = ["Bottle==0.13.5", "-e /opt/pbx/app", "pjsua2==2.17", "PyYAML==6.0.3"]
    code, out = run(tmp_path, render(), render(freeze=b), capsys)
    assert code == 1
    assert "Debian packages: 3 vs 3: same name=version set" in out
    assert "changed: bottle==0.13.4 -> bottle==0.13.5" in out
    assert "added:   pyyaml==6.0.3" in out


def test_editable_app_missing_is_a_pip_difference(tmp_path, capsys):
    code, out = run(tmp_path, render(), render(freeze=["bottle==0.13.4", "pjsua2==2.17"]), capsys)
    assert code == 1
    assert "removed: -e /opt/pbx/app" in out


@pytest.mark.parametrize("text", ["", "hello\n", "# pbx-box firmware image manifest\nboard: x\n"])
def test_not_a_manifest_exits_2(tmp_path, capsys, text):
    code, out = run(tmp_path, text, render(), capsys)
    assert code == 2
    assert "manifest_diff:" in out and "a.txt" in out


def test_missing_file_exits_2(tmp_path, capsys):
    assert manifest_diff.main([str(tmp_path / "nope.txt"), str(tmp_path / "nope2.txt")]) == 2


def test_a_changed_stage_package_list_explains_the_difference(tmp_path, capsys):
    b = sorted([*PACKAGES, "cloud-guest-utils 0.33-1 all", "fdisk 2.38.1-5+deb12u3 amd64"])
    code, out = run(
        tmp_path,
        render(),
        render(commit="bbb", packages=b, wanted="kamailio,openssl,cloud-guest-utils"),
        capsys,
    )
    assert code == 1
    assert "stage packages asked for: +cloud-guest-utils" in out
    assert "added:   fdisk=2.38.1-5+deb12u3" in out
    assert "the inputs differ" in out


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
    ).stdout.strip()


def test_manifests_without_the_stage_list_read_it_from_the_two_commits(tmp_path):
    repo = tmp_path / "repo"
    stage = repo / "image-build" / "stages" / "00-base"
    stage.mkdir(parents=True)
    _git(repo, "init", "-q")
    (stage / "packages").write_text("# base\nkamailio  # SIP\nopenssl # certs\n")
    (stage / "packages.arm64").write_text("raspi-firmware # Pi boot\n")
    _git(repo, "add", ".")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "one")
    first = _git(repo, "rev-parse", "HEAD")
    (stage / "packages").write_text("kamailio # SIP\nopenssl # certs\ncloud-guest-utils # growpart\n")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-am", "two")
    second = _git(repo, "rev-parse", "HEAD")
    assert manifest_diff.stage_packages_at(repo, first, "amd64") == ["kamailio", "openssl"]
    assert manifest_diff.stage_packages_at(repo, first, "arm64") == ["kamailio", "openssl", "raspi-firmware"]
    assert manifest_diff.stage_packages_at(repo, "0" * 40, "amd64") is None

    old_a = manifest_diff.parse_manifest(render(commit=first, wanted=""))
    old_b = manifest_diff.parse_manifest(
        render(commit=second, wanted="", packages=sorted([*PACKAGES, "cloud-guest-utils 0.33-1 all"]))
    )
    code, report = manifest_diff.compare(old_a, old_b, repo)
    assert code == 1
    assert any(
        "image-build/stages/*/packages* at the two commits, git): +cloud-guest-utils" in line
        for line in report
    )
    assert "the inputs differ" in report[-1]
    # Without a repo that knows the commits the report says it cannot tell, and does not blame the build.
    code, report = manifest_diff.compare(old_a, old_b, tmp_path / "not-a-repo")
    assert code == 1
    assert any("stage packages asked for: unknown" in line for line in report)
    assert "cannot tell" in report[-1] and "NOT reproducible" not in report[-1]

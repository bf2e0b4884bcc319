"""Fast checks of the image build: its step list, settings, stage package lists, genimage configs, manifest."""

from __future__ import annotations

import contextlib
import importlib
import re
import sys
import types
from pathlib import Path

import pytest

from hal.board import load_board

REPO = Path(__file__).resolve().parents[2]
IMAGE_BUILD = REPO / "image-build"
sys.path.insert(0, str(IMAGE_BUILD))

build = importlib.import_module("build")
steps = importlib.import_module("steps")
stages = importlib.import_module("steps.stages")
disk = importlib.import_module("steps.disk")
manifest = importlib.import_module("steps.manifest")
app = importlib.import_module("steps.app")
rootfs = importlib.import_module("steps.rootfs")
host = importlib.import_module("steps.host")
boot = importlib.import_module("steps.boot")


def test_build_image_is_one_flat_list_of_named_steps_in_build_order():
    names = [s.name for s in build.STEPS]
    assert len(names) == len(set(names))
    order = [
        "bootstrap",
        "copy the app",
        "pjsua2 wheel",
        "stages",
        "manifest",
        "boot files",
        "trim",
        "disk image",
    ]
    positions = [next(i for i, n in enumerate(names) if n.startswith(word)) for word in order]
    assert positions == sorted(positions)
    assert all(callable(s.run) for s in build.STEPS)


def test_run_steps_times_each_step_and_names_the_failing_one(caplog):
    seen = []
    ok = steps.Step("first", lambda ctx: seen.append(ctx))

    def broken(ctx):
        raise steps.BuildError("disk full")

    with caplog.at_level("INFO", logger="image-build"):
        timings = steps.run_steps("ctx", [ok])
        with pytest.raises(steps.BuildError, match="step 'second' failed: disk full"):
            steps.run_steps("ctx", [ok, steps.Step("second", broken)])
    assert seen == ["ctx", "ctx"]
    assert [t.name for t in timings] == ["first"] and timings[0].seconds >= 0
    assert re.search(r"\[image 1/1\] first done in \d+\.\d s", caplog.text)


def test_context_defaults_board_by_arch_and_refuses_bad_settings():
    assert build.parse_context({}).board == "qemu-amd64"
    ctx = build.parse_context({"ARCH": "arm64"})
    assert (ctx.board, ctx.arch, ctx.suite) == ("rpi4-pbx", "arm64", "bookworm")
    assert ctx.out.name == "rpi4-pbx-arm64"
    with pytest.raises(steps.BuildError, match=r"ARCH='riscv64': must be one of amd64, arm64"):
        build.parse_context({"ARCH": "riscv64"})
    with pytest.raises(steps.BuildError, match=r"BOARD='nope': no board-configs/nope/board.toml"):
        build.parse_context({"BOARD": "nope"})
    with pytest.raises(steps.BuildError, match=r"sim/genimage.cfg is missing"):
        build.parse_context({"BOARD": "sim"})


def test_every_stage_package_has_a_why_and_the_kernel_is_per_arch():
    pkgs = stages.stage_packages(IMAGE_BUILD / "stages")
    assert all(p.why for p in pkgs)
    amd64 = stages.collect_packages(IMAGE_BUILD / "stages", "amd64")
    arm64 = stages.collect_packages(IMAGE_BUILD / "stages", "arm64")
    for wanted in ("systemd", "kamailio", "kamailio-sqlite-modules", "espeak-ng", "python3-venv"):
        assert wanted in amd64 and wanted in arm64
    assert "linux-image-amd64" in amd64 and "linux-image-amd64" not in arm64
    assert {"linux-image-arm64", "raspi-firmware"} <= set(arm64)
    assert len(amd64) == len(set(amd64))
    # Build-only packages never go into the image's package lists.
    assert not set(amd64) & {"build-essential", "swig", "python3-dev", "gcc"}


def test_packages_file_refuses_a_line_without_why_or_with_two_names(tmp_path):
    bad = tmp_path / "packages"
    bad.write_text("kamailio  # SIP edge\nsox\n")
    with pytest.raises(steps.BuildError, match=r"packages:2: sox has no '# why' comment"):
        stages.parse_packages(bad, "10-app")
    bad.write_text("sox espeak-ng  # audio\n")
    with pytest.raises(steps.BuildError, match=r"packages:1: 'sox espeak-ng' is not one Debian package name"):
        stages.parse_packages(bad, "10-app")


def test_readme_lists_what_is_installed_and_why_as_generated():
    readme = (IMAGE_BUILD / "README.md").read_text()
    begin, end = readme.index("<!-- packages:begin -->"), readme.index("<!-- packages:end -->")
    table = readme[begin:end]
    fix = "run `.venv/bin/python image-build/build.py --readme` (rewrites image-build/README.md's table)"
    assert table.strip().endswith(stages.packages_markdown(IMAGE_BUILD / "stages").strip()), fix


def test_mmdebstrap_command_pins_the_suite_and_keeps_docs_and_other_locales_out():
    ctx = build.parse_context({"ARCH": "arm64"})
    cmd = rootfs.mmdebstrap_command(ctx, ["systemd", "kamailio"])
    assert "--variant=minbase" in cmd and "--arch=arm64" in cmd and "--include=systemd,kamailio" in cmd
    assert '--aptopt=APT::Install-Recommends "false"' in cmd
    assert "--dpkgopt=path-exclude=/usr/share/doc/*" in cmd
    assert "--dpkgopt=path-include=/usr/share/locale/zh_CN/*" in cmd
    assert cmd[cmd.index("bookworm") + 1] == str(ctx.root)
    assert all(" bookworm" in src for src in rootfs.apt_sources(ctx))


@pytest.mark.parametrize("board", ["qemu-amd64", "rpi4-pbx"])
def test_board_genimage_config_renders_the_agreed_layout(board, tmp_path):
    source = (REPO / "board-configs" / board / "genimage.cfg").read_text()
    text = disk.render_genimage(source, {"BOOT_DIR": "/b", "ROOT_DIR": "/r"})
    disk.check_layout(text)
    assert 'srcpath = "/b"' in text and 'srcpath = "/r"' in text and "@" not in text
    parts = re.findall(r"partition (\w+) \{[^}]*image = \"([^\"]+)\"", text)
    assert parts == [
        ("boot", "boot.vfat"),
        ("rootfsA", "rootfsA.ext4"),
        ("rootfsB", "rootfsB.ext4"),
        ("data", "data.ext4"),
    ]
    assert load_board(board).name == board


def test_genimage_rendering_refuses_unknown_placeholders_and_missing_labels():
    with pytest.raises(steps.BuildError, match=r"unknown placeholder\(s\) @KERNEL@"):
        disk.render_genimage('srcpath = "@KERNEL@"', {"BOOT_DIR": "/b"})
    with pytest.raises(steps.BuildError, match=r"no filesystem labelled 'rootfsB'"):
        disk.check_layout('label = "BOOT" label = "rootfsA" label = "data" image sdcard.img')
    labels = 'label = "BOOT" label = "rootfsA" label = "rootfsB" label = "data" image sdcard.img'
    with pytest.raises(steps.BuildError, match=r"needs disk-signature = 0x50425842"):
        disk.check_layout(labels + " disk-signature = 0x12345678")


def test_rauc_finds_each_root_slot_by_the_partuuid_the_disk_signature_gives():
    conf = (
        REPO / "image-build" / "stages" / "40-rauc" / "overlay" / "etc" / "rauc" / "system.conf"
    ).read_text()
    signature = int(disk.DISK_SIGNATURE, 16)
    devices = re.findall(r"^device=(.*)$", conf, re.M)
    assert devices == [f"/dev/disk/by-partuuid/{signature:08x}-{n:02d}" for n in (2, 3)]


def test_pinned_dependencies_are_pyproject_runtime_deps_without_test_extras():
    deps = app.pinned_dependencies(REPO / "pyproject.toml")
    assert any(d.startswith("supervisor==") for d in deps)
    assert not any(d.startswith(("pytest", "ruff", "selenium")) for d in deps)


def test_pjsua2_cache_key_matches_build_sh(tmp_path):
    src = tmp_path / "pjsua2" / "src"
    src.mkdir(parents=True)
    (src / "x.orig-Xpjproject.tar.xz").write_bytes(b"tarball")
    folder = app.pjsua2_cache_dir(REPO, tmp_path, "arm64")
    import hashlib

    here = IMAGE_BUILD / "pjsua2"
    cfg = hashlib.sha256((here / "config_site.h").read_bytes() + (here / "build.sh").read_bytes()).hexdigest()
    assert folder.name == f"{hashlib.sha256(b'tarball').hexdigest()[:16]}-{cfg[:12]}-cp311-aarch64"


def test_manifest_lists_sources_release_dates_packages_and_freeze(tmp_path):
    (tmp_path / "deb.debian.org_debian_dists_bookworm_InRelease").write_text(
        "Origin: Debian\nDate: Sat, 08 Nov 2025 09:36:40 UTC\n"
    )
    releases = manifest.release_dates(tmp_path)
    text = manifest.render_manifest(
        {"board": "qemu-amd64", "app_commit": "abc", "pjproject_sha256": "f00"},
        ["deb http://deb.debian.org/debian bookworm main"],
        releases,
        ["kamailio 5.6.3-2 amd64"],
        ["bottle==0.13.4"],
    )
    assert "app_commit: abc" in text and "pjproject_sha256: f00" in text
    assert (
        "release: deb.debian.org_debian_dists_bookworm_InRelease Date: Sat, 08 Nov 2025 09:36:40 UTC" in text
    )
    assert "## Debian packages (1, dpkg-query in the root)\nkamailio 5.6.3-2 amd64" in text
    assert text.endswith("bottle==0.13.4\n")


def test_missing_host_tools_name_their_debian_package():
    assert (
        host.missing_tools("arm64", which=lambda tool: None)[-1] == "qemu-aarch64-static (qemu-user-static)"
    )
    assert "genimage (genimage)" in host.missing_tools("amd64", which=lambda tool: None)
    assert host.missing_tools("amd64", which=lambda tool: "/usr/bin/" + tool) == []


def test_kernel_command_line_falls_back_to_slot_a_read_only():
    for arch in ("amd64", "arm64"):
        assert "root=LABEL=rootfsA" in boot.CMDLINE[arch].split() and "ro" in boot.CMDLINE[arch].split()
    assert 'ORDER="A B"' in boot.default_bootstate()


def test_overlays_mount_root_read_only_and_run_the_box_from_systemd():
    fstab = (IMAGE_BUILD / "stages/00-base/overlay/etc/fstab").read_text()
    mounts = {
        line.split()[1]: line.split() for line in fstab.splitlines() if line and not line.startswith("#")
    }
    assert "/" not in mounts  # the initramfs mounts the chosen slot read-only
    assert mounts["/data"][0] == "LABEL=data" and mounts["/boot/firmware"][0] == "LABEL=BOOT"
    assert all("size=" in mounts[p][3] for p in ("/tmp", "/var/log"))
    unit = (IMAGE_BUILD / "stages/10-app/overlay/etc/systemd/system/pbx-box.service").read_text()
    assert "ExecStart=/opt/pbx/venv/bin/pbx-box" in unit and "RequiresMountsFor=/data" in unit
    assert "PBX_DATA_DIR=/data/pbx" in unit or "EnvironmentFile=/etc/pbx/box.env" in unit


def test_initrd_is_generated_once_by_the_boot_files_step(tmp_path, monkeypatch):
    # mmdebstrap: update-initramfs is a diverted no-op while the packages install (the kernel's
    # postinst would make an initrd the boot-files step replaces), and the real one is back after.
    cmd = rootfs.mmdebstrap_command(build.parse_context({"ARCH": "arm64"}), ["linux-image-arm64"])
    essential = [a for a in cmd if a.startswith("--essential-hook=")]
    customize = [a for a in cmd if a.startswith("--customize-hook=")]
    assert essential == [f"--essential-hook={rootfs.DEFER_INITRAMFS_HOOK}"]
    assert customize == [f"--customize-hook={rootfs.RESTORE_INITRAMFS_HOOK}"]
    assert "dpkg-divert --local --rename" in rootfs.DEFER_INITRAMFS_HOOK
    assert "--add /usr/sbin/update-initramfs" in rootfs.DEFER_INITRAMFS_HOOK
    assert "--remove /usr/sbin/update-initramfs" in rootfs.RESTORE_INITRAMFS_HOOK
    # The boot-files step then creates it (-c: no initrd exists yet; -u would do nothing), once.
    root = tmp_path / "root"
    (root / "boot").mkdir(parents=True)
    (root / "boot" / "vmlinuz-6.1.0-57-amd64").write_text("kernel")
    calls = []

    def fake_chroot(ctx, args, **_kw):
        calls.append(list(args))
        (root / "boot" / "initrd.img-6.1.0-57-amd64").write_text("initrd")
        return ""

    monkeypatch.setattr(boot, "chroot", fake_chroot)
    monkeypatch.setattr(boot, "mounted", lambda _root: contextlib.nullcontext(_root))
    ctx = types.SimpleNamespace(
        root=root, boot_dir=tmp_path / "out" / "boot", arch="amd64", facts={}, board_dir=tmp_path
    )
    boot.collect_boot_files(ctx)
    assert [c for c in calls if c[0] == "update-initramfs"] == [["update-initramfs", "-c", "-k", "all"]]
    assert (ctx.boot_dir / "initrd.img").read_text() == "initrd"

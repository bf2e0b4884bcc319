"""The app in the root: its source at /opt/pbx/app, and the wheels its venv is made from.

pjsua2 is built by image-build/pjsua2/build.sh (the script `make setup` uses) inside the target
root, so it links against the target's own libraries (arm64: under qemu-user, slow). Its wheel is
cached like build.sh caches it (tarball sha, config sha, Python tag); the other pinned
dependencies go into a wheelhouse keyed on pyproject's dependency list and the target. On a cache
miss the build packages are installed into the root for the build and purged again after it, so
the root's package set is the same either way.
"""

from __future__ import annotations

import fcntl
import hashlib
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

from steps import BuildError, log, sh

APP_PATHS = ("pyproject.toml", "telephony", "webadmin", "firmware", "hal", "board-configs")
# What pjproject and the sdist-only dependencies (spidev) build against; the same list `make setup` uses.
BUILD_PACKAGES = (
    "build-essential pkg-config swig python3-dev python3-venv libsrtp2-dev libgsm1-dev libspeex-dev "
    "libspeexdsp-dev libsamplerate0-dev libopus-dev libssl-dev uuid-dev"
).split()
BUILD_TOOLS = ("setuptools==80.9.0", "wheel==0.45.1")  # pinned like host-setup.sh's venv
PYTAG = {"amd64": "cp311-x86_64", "arm64": "cp311-aarch64"}  # bookworm's python3 is 3.11
# Wheels one target's venv needs beyond pyproject's pins: pin -> (the exact wheel, its sha256).
# arm64 (the Pi): lgpio, gpiozero's pin factory for the GPIO character device (/dev/gpiochip*, all
# that Debian's arm64 kernel has; no /dev/gpiomem). Bookworm has no lgpio package (no
# python3-lgpio, no liblgpio*), and the sdist links a liblgpio that bookworm lacks; the PyPI
# wheel is the upstream build with liblgpio linked in statically (glibc >= 2.34; bookworm has
# 2.36). It is fetched by the host's pip for the target's platform (nothing to build under
# qemu-user) and checked against the pinned sha256; pip in the root then refuses it if it does not
# fit the target. amd64 (the qemu board) runs the simulator: no GPIO, no lgpio.
ARCH_WHEELS = {
    "arm64": {
        "lgpio==0.2.2.0": (
            "lgpio-0.2.2.0-cp311-cp311-manylinux_2_34_aarch64.whl",
            "a2f71fb95b149d8ac82c7c6bae70f054f6dc42a006ad35c90c7d8e54921fbcf4",
        ),
    },
}


# lgpio opens a notification FIFO (.lgd-nfy<N>) at import in LG_WD, else in the working directory
# (/ for the box's units: the read-only root, so the import fails), and chdirs the process there.
LGPIO_ENV = (
    "# lgpio (GPIO pin factory) makes its notification FIFO in LG_WD and moves there: the RAM /tmp.\n"
    "LG_WD=/tmp\n"
)


def pinned_dependencies(pyproject: Path) -> list[str]:
    """Return the app's runtime dependencies (no test extras), each pinned with '=='."""
    deps = tomllib.loads(pyproject.read_text())["project"]["dependencies"]
    loose = [d for d in deps if "==" not in d]
    if loose:
        raise BuildError(f"{pyproject}: dependencies must be pinned with '==': {loose}")
    return list(deps)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pjproject_tarball(cache: Path) -> Path:
    found = sorted((cache / "pjsua2" / "src").glob("*orig-Xpjproject.tar.*"))
    if not found:
        raise BuildError(
            f"no pjproject source tarball in {cache / 'pjsua2' / 'src'}; fix: run `make setup` once (it downloads"
            " it), or, for a fresh PBX_CACHE, copy *orig-Xpjproject.tar.xz from another cache's pjsua2/src/"
        )
    return found[0]


def pjsua2_cache_dir(repo: Path, cache: Path, arch: str) -> Path:
    """Return build.sh's cache folder for this target: <tarball sha>-<config sha>-<python tag>."""
    here = repo / "image-build" / "pjsua2"
    src_sha = _sha(pjproject_tarball(cache).read_bytes())[:16]
    cfg_sha = _sha((here / "config_site.h").read_bytes() + (here / "build.sh").read_bytes())[:12]
    return cache / "pjsua2" / f"{src_sha}-{cfg_sha}-{PYTAG[arch]}"


def wheelhouse_dir(repo: Path, cache: Path, arch: str) -> Path:
    """Return the wheelhouse of the pinned dependencies for this target."""
    key = _sha("\n".join([*BUILD_TOOLS, *pinned_dependencies(repo / "pyproject.toml")]).encode())[:16]
    return cache / "wheelhouse" / f"{key}-{PYTAG[arch]}"


def _cached_wheel(folder: Path) -> Path | None:
    wheels = sorted((folder / "dist").glob("pjsua2-*.whl"))
    return wheels[0] if wheels and (folder / ".done").is_file() else None


def app_commit(repo: Path) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()


def copy_app(ctx) -> None:
    """Put the committed app (git archive of HEAD) at /opt/pbx/app and name the board in /etc/pbx/box.env."""
    commit = app_commit(ctx.repo)
    ctx.facts["app_commit"] = commit
    dirty = subprocess.run(
        ["git", "-C", str(ctx.repo), "status", "--porcelain", "--", *APP_PATHS],
        capture_output=True,
        text=True,
    ).stdout.strip()
    if dirty:
        log.warning(
            "    uncommitted changes are NOT in the image (it holds commit %s):\n%s", commit[:12], dirty
        )
    target = ctx.root / "opt" / "pbx" / "app"
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "-C", str(ctx.repo), "archive", "--format=tar", commit, *APP_PATHS],
        capture_output=True,
        check=False,
    )
    if archive.returncode != 0:
        raise BuildError(f"git archive failed: {archive.stderr.decode().strip()}")
    subprocess.run(["tar", "-x", "-C", str(target), "--no-same-owner"], input=archive.stdout, check=True)
    (target / "COMMIT").write_text(commit + "\n")
    etc = ctx.root / "etc" / "pbx"
    etc.mkdir(parents=True, exist_ok=True)
    (etc / "box.env").write_text(
        "# The box's settings (telephony/boxconfig.py), read by every unit that runs its code (pbx-box,\n"
        "# first boot, the update health gate), so they all check the same ports. Written by image-build.\n"
        "# The web admin: HTTPS on 8443 with first boot's self-signed certificate; 8080 only redirects.\n"
        f"PBX_BOARD={ctx.board}\nPBX_DATA_DIR=/data/pbx\nPBX_HTTP_HOST=0.0.0.0\nPBX_HTTPS_PORT=8443\n"
        "# Program logs in RAM (/var/log is a tmpfs), 1 MB a file: the SD card is spared.\n"
        "PBX_LOG_DIR=/var/log/pbx\nPBX_LOG_FILE_MB=1\n"
        + (LGPIO_ENV if any(pin.startswith("lgpio==") for pin in ARCH_WHEELS.get(ctx.arch, {})) else "")
    )
    log.info("    app at /opt/pbx/app (commit %s), board %s", commit[:12], ctx.board)


def build_wheels(ctx) -> None:
    """Make sure the pjsua2 wheel and the wheelhouse exist for this target; stage them in the root's /tmp."""

    pj_dir = pjsua2_cache_dir(ctx.repo, ctx.cache, ctx.arch)
    house = wheelhouse_dir(ctx.repo, ctx.cache, ctx.arch)
    deps = pinned_dependencies(ctx.repo / "pyproject.toml")
    # Two builds for the same target share the caches: the second waits for the first's (long) build.
    lock_path = ctx.cache / f"image-wheels-{ctx.arch}.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.info("    another build holds %s (building pjsua2?); waiting for it", lock_path)
            fcntl.flock(lock, fcntl.LOCK_EX)
        _wheels_locked(ctx, pj_dir, house, deps)


def _wheels_locked(ctx, pj_dir: Path, house: Path, deps: list[str]) -> None:
    from steps.rootfs import chroot, mounted

    wheel = _cached_wheel(pj_dir)
    house_ok = (house / ".done").is_file()
    ctx.facts["pjsua2_cache"] = str(pj_dir)
    if wheel and house_ok:
        log.info("    cached: %s and %s", wheel.name, house)
        ctx.facts["pjsua2_build_seconds"] = "cached"
    else:
        with mounted(ctx.root):
            before = set(_installed(ctx))
            log.info(
                "    cache miss: installing %d build packages into the root (purged afterwards)",
                len(BUILD_PACKAGES),
            )
            chroot(
                ctx,
                ["apt-get", "install", "-y", "-q", "--no-install-recommends", *BUILD_PACKAGES],
                what="apt-get install the build packages",
                fix="read the build log",
            )
            try:
                _build_in_root(ctx, pj_dir, house, deps, wheel is None, not house_ok)
            finally:
                added = sorted(set(_installed(ctx)) - before)
                chroot(
                    ctx,
                    ["apt-get", "purge", "-y", "-q", *added],
                    what="purge the build packages",
                    fix="read the build log",
                )
                shutil.rmtree(ctx.root / "tmp" / "build-venv", ignore_errors=True)
        wheel = _cached_wheel(pj_dir)
        if wheel is None:
            raise BuildError(f"build.sh left no wheel in {pj_dir}/dist")
    stage = ctx.root / "tmp" / "pbx-wheels"
    if stage.exists():
        shutil.rmtree(stage)
    shutil.copytree(house, stage, ignore=shutil.ignore_patterns(".done"))
    shutil.copy2(wheel, stage)
    version = wheel.name.split("-")[1]
    extra = ARCH_WHEELS.get(ctx.arch, {})
    for pin, (filename, sha) in extra.items():
        shutil.copy2(arch_wheel(ctx.cache, pin, filename, sha), stage)
    (stage / "requirements.txt").write_text(
        "\n".join([*BUILD_TOOLS, *deps, *extra, f"pjsua2=={version}"]) + "\n"
    )
    ctx.facts["pjsua2_wheel"] = wheel.name
    ctx.facts["pjproject_tarball"] = pjproject_tarball(ctx.cache).name
    ctx.facts["pjproject_sha256"] = _sha(pjproject_tarball(ctx.cache).read_bytes())


def arch_wheel(cache: Path, pin: str, filename: str, sha: str) -> Path:
    """Return the cached wheel `filename` (downloaded for its platform tag on a miss), checked against sha."""
    folder = cache / "arch-wheels"
    wheel = folder / filename
    if not wheel.is_file():
        rest = filename.partition("-")[2]
        _version, pytag, abi, platform = rest.removesuffix(".whl").split("-")
        log.info("    downloading %s for %s", pin, platform)
        folder.mkdir(parents=True, exist_ok=True)
        got = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "-q",
                "--disable-pip-version-check",
                "--no-deps",
                "--only-binary=:all:",
                "--platform",
                platform,
                "--implementation",
                pytag[:2],
                "--python-version",
                pytag[2:],
                "--abi",
                abi,
                "-d",
                str(folder),
                pin,
            ],
            capture_output=True,
            text=True,
        )
        if got.returncode != 0 or not wheel.is_file():
            raise BuildError(
                f"cannot download {filename} ({pin}): {got.stderr.strip()[-400:]}; fix: check PyPI is reachable"
            )
    actual = _sha(wheel.read_bytes())
    if actual != sha:
        wheel.unlink()
        raise BuildError(
            f"{filename}: sha256 {actual}, pinned {sha}; fix: check the download, or the pin in app.py"
        )
    return wheel


def _installed(ctx) -> list[str]:
    out = subprocess.run(
        ["dpkg-query", f"--admindir={ctx.root}/var/lib/dpkg", "-W", "-f", "${Package}\\n"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [p for p in out.split() if p]


def _bind(src: Path, dst: Path) -> None:
    src.mkdir(parents=True, exist_ok=True)
    dst.mkdir(parents=True, exist_ok=True)
    sh(["mount", "--bind", src, dst], what=f"bind {src} into the root", fix="run as root")
    sh(["mount", "--make-private", dst], what=f"make {dst} private", fix="run as root")


def _build_in_root(ctx, pj_dir: Path, house: Path, deps: list[str], need_pj: bool, need_house: bool) -> None:
    from steps.rootfs import chroot

    tmp = ctx.root / "tmp"
    chroot(ctx, ["python3", "-m", "venv", "/tmp/build-venv"], what="make the build venv", fix="python3-venv")
    chroot(
        ctx,
        ["/tmp/build-venv/bin/pip", "install", "-q", "--disable-pip-version-check", *BUILD_TOOLS],
        what="pip install setuptools/wheel",
        fix="check PyPI is reachable",
    )
    if need_pj:
        shutil.copytree(ctx.repo / "image-build" / "pjsua2", tmp / "pjsua2", dirs_exist_ok=True)
        _bind(ctx.cache / "pjsua2", tmp / "pjsua2-cache")
        tarball = pjproject_tarball(ctx.cache).name
        start = time.monotonic()
        log.info(
            "    building pjsua2 with build.sh inside the %s root (arm64 under qemu-user: long)", ctx.arch
        )
        chroot(
            ctx,
            ["bash", "/tmp/pjsua2/build.sh", "/tmp/build-venv/bin/python", "/tmp/pjsua2-cache"],
            what="image-build/pjsua2/build.sh in the root",
            fix=f"read {pj_dir}/build.log",
            env={"PJPROJECT_TARBALL": f"/tmp/pjsua2-cache/src/{tarball}"},
        )
        ctx.facts["pjsua2_build_seconds"] = round(time.monotonic() - start)
    if need_house:
        part = house.with_name(house.name + ".part")
        shutil.rmtree(part, ignore_errors=True)
        _bind(part, tmp / "wheelhouse")
        chroot(
            ctx,
            [
                "/tmp/build-venv/bin/pip",
                "wheel",
                "-q",
                "--disable-pip-version-check",
                "-w",
                "/tmp/wheelhouse",
                *BUILD_TOOLS,
                *deps,
            ],
            what="pip wheel of the pinned dependencies",
            fix="check PyPI is reachable; read the build log",
        )
        subprocess.run(["umount", str(tmp / "wheelhouse")], check=False)
        shutil.rmtree(house, ignore_errors=True)
        part.rename(house)
        (house / ".done").write_text("")

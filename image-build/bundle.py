"""`make bundle BOARD=... ARCH=...`: a signed RAUC update bundle of the built root filesystem.

    out/<board>-<arch>/update-<version>.raucb   (manifest: compatible=<board>, version)

Keys: the bundle is signed with a signing key whose certificate chains to the CA certificate
the image carries as RAUC's keyring (/etc/rauc/keyring.pem, stage 40-rauc). For development,
`ensure_keys` makes a CA and a signing key on first use in PBX_RAUC_KEYS (default
image-build/keys/, git-ignored): production keys are made per vendor/build, kept off this
repository, and pointed to with PBX_RAUC_KEYS. Nothing here is committed.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
log = logging.getLogger("image-build.bundle")
DEFAULT_BOARD = {"amd64": "qemu-amd64", "arm64": "rpi4-pbx"}  # as build.py
# zstd 9: on the 1.1 GB amd64 root, 9 s and 259 MB where mksquashfs's default gzip took 194 s and 276 MB
# (2 cores). The box's kernel mounts the bundle through its squashfs driver, which reads zstd.
MKSQUASHFS_ARGS = "-comp zstd -Xcompression-level 9"


class BundleError(RuntimeError):
    """Making the keys or the bundle failed; the message names what and the fix."""


@dataclass(frozen=True)
class Keys:
    """A CA (the image's keyring) and a signing key+certificate issued by it."""

    ca_cert: Path
    ca_key: Path
    cert: Path
    key: Path


def keys_in(directory: Path) -> Keys:
    return Keys(
        directory / "ca.cert.pem",
        directory / "ca.key.pem",
        directory / "signing.cert.pem",
        directory / "signing.key.pem",
    )


def _openssl(*args: str) -> None:
    proc = subprocess.run(["openssl", *args], capture_output=True, text=True)
    if proc.returncode != 0:
        raise BundleError(f"openssl {args[0]} failed: {proc.stderr.strip()[-400:]} (is openssl installed?)")


def ensure_keys(directory: Path, name: str = "PBX Box development") -> Keys:
    """Return the keys in `directory`, making a CA and a signing key there first if there are none."""
    keys = keys_in(directory)
    if keys.ca_cert.exists() and keys.cert.exists() and keys.key.exists():
        return keys
    directory.mkdir(parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    log.info("making RAUC keys in %s (%s CA + signing key)", directory, name)
    _openssl(
        "req", "-x509", "-newkey", "rsa:3072", "-nodes", "-sha256", "-days", "36500",
        "-keyout", str(keys.ca_key), "-out", str(keys.ca_cert), "-subj", f"/O={name}/CN={name} CA",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
    )  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        csr, ext = Path(tmp) / "signing.csr", Path(tmp) / "ext.cnf"
        ext.write_text(
            "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n"
            "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n"
        )
        _openssl(
            "req", "-new", "-newkey", "rsa:3072", "-nodes", "-keyout", str(keys.key), "-out", str(csr),
            "-subj", f"/O={name}/CN={name} update signing",
        )  # fmt: skip
        _openssl(
            "x509", "-req", "-sha256", "-days", "36500", "-in", str(csr), "-CA", str(keys.ca_cert),
            "-CAkey", str(keys.ca_key), "-set_serial", str(int(time.time())), "-extfile", str(ext),
            "-out", str(keys.cert),
        )  # fmt: skip
    for private in (keys.ca_key, keys.key):
        os.chmod(private, 0o600)
    return keys


def manifest(compatible: str, version: str, image_name: str = "rootfs.ext4") -> str:
    """The bundle's manifest: one ext4 image for the rootfs slot class (plain format: the signature
    covers the whole payload, so `rauc info` catches a flipped byte anywhere before installing)."""
    return (
        "[update]\n"
        f"compatible={compatible}\n"
        f"version={version}\n"
        "\n[bundle]\nformat=plain\n"
        f"\n[image.rootfs]\nfilename={image_name}\n"
    )


def create_bundle(rootfs: Path, out: Path, compatible: str, version: str, keys: Keys) -> Path:
    """Write a signed bundle of `rootfs` (an ext4 image) to `out`; return `out`."""
    if not rootfs.is_file():
        raise BundleError(f"no root filesystem image at {rootfs}: run `make image` first (or pass --rootfs)")
    if not shutil.which("rauc"):
        raise BundleError(
            "rauc is not installed: run image-build/host-setup.sh (APT_IMAGE) or apt-get install rauc"
        )
    with tempfile.TemporaryDirectory(dir=out.parent) as tmp:
        content = Path(tmp) / "content"
        content.mkdir()
        os.link(rootfs, content / "rootfs.ext4") if _same_fs(rootfs, content) else shutil.copy(
            rootfs, content
        )
        (content / "manifest.raucm").write_text(manifest(compatible, version))
        out.unlink(missing_ok=True)
        proc = subprocess.run(
            [
                "rauc",
                "bundle",
                f"--cert={keys.cert}",
                f"--key={keys.key}",
                f"--mksquashfs-args={MKSQUASHFS_ARGS}",
                str(content),
                str(out),
            ],
            capture_output=True,
            text=True,
        )
    if proc.returncode != 0:
        raise BundleError(f"rauc bundle failed: {proc.stderr.strip()[-600:]}")
    log.info("bundle %s: compatible=%s version=%s (%d bytes)", out, compatible, version, out.stat().st_size)
    return out


def _same_fs(a: Path, b: Path) -> bool:
    return a.stat().st_dev == b.stat().st_dev


def rootfs_from_tree(root: Path, image: Path, label: str = "rootfs") -> Path:
    """Make an ext4 image of a root tree without mounting (mkfs.ext4 -d), 25% + 64 MiB headroom."""
    used = int(
        subprocess.run(["du", "-sb", str(root)], capture_output=True, text=True, check=True).stdout.split()[0]
    )
    size_mib = int(used * 1.25 / 2**20) + 64
    image.unlink(missing_ok=True)
    proc = subprocess.run(
        ["mkfs.ext4", "-q", "-F", "-L", label, "-d", str(root), str(image), f"{size_mib}M"],
        capture_output=True,
        text=True,
        env={**os.environ, "E2FSPROGS_FAKE_TIME": os.environ.get("SOURCE_DATE_EPOCH", "0")},
    )
    if proc.returncode != 0:
        raise BundleError(f"mkfs.ext4 -d {root} failed: {proc.stderr.strip()[-400:]}")
    return image


def default_version() -> str:
    """<pyproject version>+<commit date>.<short hash>: later builds compare greater, and say what they hold."""
    import tomllib

    base = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
    out = subprocess.run(
        ["git", "-C", str(REPO), "log", "-1", "--format=%cd.%h", "--date=format:%Y%m%d%H%M%S"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    return f"{base}+{out}" if out else base


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--board", default=os.environ.get("BOARD") or "")
    parser.add_argument("--arch", default=os.environ.get("ARCH") or "amd64")
    parser.add_argument("--version", default=os.environ.get("VERSION") or "")
    parser.add_argument(
        "--rootfs", type=Path, help="ext4 image (default: made from out/<board>-<arch>/work/root)"
    )
    parser.add_argument("--out-root", type=Path, default=Path(os.environ.get("PBX_IMAGE_OUT", REPO / "out")))
    opts = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stdout)
    if opts.arch not in DEFAULT_BOARD:
        print(f"bundle: ARCH={opts.arch!r}: must be one of {sorted(DEFAULT_BOARD)}", file=sys.stderr)
        return 2
    opts.board = opts.board or DEFAULT_BOARD[opts.arch]
    out_dir = opts.out_root / f"{opts.board}-{opts.arch}"
    keys_dir = Path(os.environ.get("PBX_RAUC_KEYS", HERE / "keys"))
    version = opts.version or default_version()
    try:
        keys = ensure_keys(keys_dir)
        rootfs = opts.rootfs
        if rootfs is None:
            tree = out_dir / "work" / "root"
            if not tree.is_dir():
                raise BundleError(
                    f"no built root at {tree}: run `make image BOARD={opts.board} ARCH={opts.arch}` first"
                )
            start = time.monotonic()
            rootfs = rootfs_from_tree(tree, out_dir / "work" / "bundle-rootfs.ext4")
            log.info("root filesystem image made in %.1f s", time.monotonic() - start)
        start = time.monotonic()
        bundle = create_bundle(rootfs, out_dir / f"update-{version}.raucb", opts.board, version, keys)
    except (BundleError, OSError, subprocess.CalledProcessError) as exc:
        print(f"bundle: {exc}", file=sys.stderr)
        return 1
    print(f"==> bundle {bundle} ({bundle.stat().st_size} bytes, {time.monotonic() - start:.1f} s)")
    print(f"    signed by {keys.cert}; the image trusts {keys.ca_cert}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

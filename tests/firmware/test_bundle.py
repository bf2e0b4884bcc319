"""Update bundles: made and signed by image-build/bundle.py, checked by `rauc info --keyring`, refusals named."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from firmware import update
from tests.firmware.rauc_support import bundle, make_bundle, make_keys, needs_rauc

pytestmark = needs_rauc

BOARD = "qemu-amd64"


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> dict:
    tmp = tmp_path_factory.mktemp("bundles")
    keys = make_keys(tmp / "keys", "PBX Box test")
    other = make_keys(tmp / "other-keys", "Someone Else")
    good = make_bundle(tmp, keys, BOARD, "2.0", {"VERSION": "2.0\n"})
    return {"tmp": tmp, "keys": keys, "other": other, "good": good}


def rauc_for(kit: dict) -> update.Rauc:
    return update.Rauc(compatible=BOARD, keyring=kit["keys"].ca_cert)


def test_ensure_keys_makes_a_ca_and_a_signing_key_once_and_keeps_private_keys_private(tmp_path: Path) -> None:
    keys = bundle.ensure_keys(tmp_path / "keys")
    first = keys.cert.read_bytes()
    assert bundle.ensure_keys(tmp_path / "keys").cert.read_bytes() == first  # kept, not remade
    assert (keys.key.stat().st_mode & 0o077, keys.ca_key.stat().st_mode & 0o077) == (0, 0)
    chain = subprocess.run(
        ["openssl", "verify", "-CAfile", str(keys.ca_cert), str(keys.cert)], capture_output=True, text=True
    )
    assert chain.returncode == 0, chain.stderr


def test_bundle_manifest_names_compatible_and_version_and_rauc_info_verifies_the_signature(kit: dict) -> None:
    proc = subprocess.run(
        ["rauc", "info", f"--keyring={kit['keys'].ca_cert}", str(kit["good"])], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    assert "Verified" in proc.stderr and "PBX Box test update signing" in proc.stderr
    assert f"Compatible: \t'{BOARD}'" in proc.stdout and "Version:    \t'2.0'" in proc.stdout
    assert "Bundle Format: \tplain" in proc.stdout
    info = update.check_bundle(kit["good"], rauc_for(kit))
    assert info == update.BundleInfo(compatible=BOARD, version="2.0", images=("rootfs",))


def _refusal(kit: dict, path: Path) -> update.UpdateRefused:
    with pytest.raises(update.UpdateRefused) as err:
        update.check_bundle(path, rauc_for(kit))
    return err.value


def test_an_unsigned_bundle_is_refused(kit: dict) -> None:
    content = kit["tmp"] / "unsigned-content"
    content.mkdir()
    (content / "manifest.raucm").write_text(bundle.manifest(BOARD, "2.0"))
    subprocess.run(
        ["cp", str(kit["tmp"] / f"rootfs-2.0-{BOARD}.ext4"), str(content / "rootfs.ext4")], check=True
    )
    unsigned = kit["tmp"] / "unsigned.raucb"
    subprocess.run(
        ["mksquashfs", str(content), str(unsigned), "-quiet", "-noappend", "-all-root"], check=True
    )
    refusal = _refusal(kit, unsigned)
    assert refusal.reason == "unsigned"
    assert str(refusal).startswith("the bundle is not signed (")


@pytest.mark.parametrize("offset_fraction", [0.1, 0.5])
def test_a_tampered_bundle_is_refused(kit: dict, offset_fraction: float) -> None:
    tampered = kit["tmp"] / f"tampered-{offset_fraction}.raucb"
    data = bytearray(kit["good"].read_bytes())
    at = int(len(data) * offset_fraction)  # inside the squashfs payload, before the signature
    data[at : at + 4] = bytes(b ^ 0xFF for b in data[at : at + 4])
    tampered.write_bytes(bytes(data))
    refusal = _refusal(kit, tampered)
    assert refusal.reason == "tampered", refusal.detail
    assert "do not match its signature" in str(refusal)


def test_a_bundle_signed_by_another_key_is_refused(kit: dict) -> None:
    foreign = make_bundle(kit["tmp"], kit["other"], BOARD, "2.0-foreign", {"VERSION": "evil\n"})
    refusal = _refusal(kit, foreign)
    assert refusal.reason == "untrusted", refusal.detail
    assert "signed by a key this box does not trust" in str(refusal)


def test_a_bundle_for_another_board_is_refused_naming_both_boards(kit: dict) -> None:
    wrong = make_bundle(kit["tmp"], kit["keys"], "rpi4-pbx", "2.0", {"VERSION": "2.0\n"})
    refusal = _refusal(kit, wrong)
    assert refusal.reason == "wrong_board"
    assert refusal.detail == f"bundle compatible 'rpi4-pbx', this box is '{BOARD}'"


def test_a_file_that_is_not_a_bundle_is_refused(kit: dict) -> None:
    junk = kit["tmp"] / "holiday.jpg.raucb"
    junk.write_bytes(b"\xff\xd8\xff\xe0" + b"JFIF" * 1000)
    refusal = _refusal(kit, junk)
    assert refusal.reason in ("not_bundle", "unsigned"), refusal.detail

"""Backup and restore: one tar.gz, everything checked before anything is replaced."""

from __future__ import annotations

import gzip
import io
import json
import sqlite3
import tarfile
from pathlib import Path

import pytest

from firmware.backup import (
    CONFIG,
    DATABASE,
    MANIFEST,
    BackupError,
    create_backup,
    restore_backup,
    supported_schema,
)
from firmware.firstboot import first_boot
from telephony import boxconfig
from telephony.extensions.service import ExtensionInput, ExtensionService
from telephony.models import Extension, Setting


@pytest.fixture
def cfg(tmp_path):
    cfg = boxconfig.load({}, data_dir=tmp_path / "data")
    first_boot(cfg)
    ExtensionService(None).create(ExtensionInput(number="1001", name="Front desk", secret="Secr3tPass1"))
    Setting.set_value("sip_realm", "branch.example")
    (cfg.media_dir / "voicemail").mkdir()
    (cfg.media_dir / "voicemail" / "1001-1.wav").write_bytes(b"RIFF" + bytes(100))
    return cfg


def _backup(cfg, tmp_path, media=False) -> Path:
    path = tmp_path / ("with-media.tar.gz" if media else "backup.tar.gz")
    with path.open("wb") as out:
        create_backup(cfg, out, include_media=media)
    return path


def _members(path: Path) -> dict[str, bytes]:
    with tarfile.open(path) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar}


def _write(path: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def _state(cfg) -> tuple:
    return (
        sorted(e.number for e in Extension.select()),
        Setting.get_value("sip_realm"),
        sorted(p.name for p in cfg.media_dir.rglob("*")),
    )


def test_a_backup_holds_manifest_config_and_a_consistent_db_snapshot_with_hashes(cfg, tmp_path):
    path = _backup(cfg, tmp_path)
    members = _members(path)
    assert list(members)[0] == MANIFEST and set(members) == {MANIFEST, CONFIG, DATABASE}
    manifest = json.loads(members[MANIFEST])
    assert manifest["schema_version"] == supported_schema() and manifest["format"] == 1
    assert manifest["firmware_version"] and manifest["media"] is False
    assert "number: '1001'" in members[CONFIG].decode() or "1001" in members[CONFIG].decode()
    snap = tmp_path / "snap.sqlite3"
    snap.write_bytes(members[DATABASE])
    with sqlite3.connect(snap) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT number FROM extension").fetchall() == [("1001",)]
    with_media = _members(_backup(cfg, tmp_path, media=True))
    assert with_media["media/voicemail/1001-1.wav"].startswith(b"RIFF")


def test_restore_brings_back_the_database_and_media_after_changes(cfg, tmp_path):
    path = _backup(cfg, tmp_path, media=True)
    before = _state(cfg)
    ExtensionService(None).create(ExtensionInput(number="1002", name="Later", secret="Secr3tPass2"))
    Setting.set_value("sip_realm", "other.example")
    (cfg.media_dir / "voicemail" / "1001-1.wav").unlink()
    (cfg.media_dir / "later.wav").write_bytes(b"x")
    result = restore_backup(cfg, path)
    assert result.media_restored and result.schema_version == supported_schema()
    assert _state(cfg) == before
    assert not list(cfg.data_dir.glob(".restore-*")) and not (cfg.data_dir / ".media-replaced").exists()
    with sqlite3.connect(cfg.db_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def _tampered(cfg, tmp_path, name: str, change) -> Path:
    members = _members(_backup(cfg, tmp_path))
    change(members)
    return _write(tmp_path / f"{name}.tar.gz", members)


def _manifest_edit(edit):
    def change(members):
        manifest = json.loads(members[MANIFEST])
        edit(manifest)
        members[MANIFEST] = json.dumps(manifest).encode()

    return change


def _replace(name, data):
    def change(members):
        members[name] = data

    return change


def _corrupt_db(members):
    data = bytearray(members[DATABASE])
    for page in range(1, len(data) // 4096):  # every b-tree page's header after the schema page
        data[page * 4096 : page * 4096 + 12] = b"\x0d\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"
    members[DATABASE] = bytes(data)


CASES = {
    "tampered_db": (lambda m: m.__setitem__(DATABASE, m[DATABASE][:-1] + b"\x01"), "hash_mismatch", DATABASE),
    "tampered_yaml": (_replace(CONFIG, b"version: 1\n"), "hash_mismatch", CONFIG),
    "extra_member": (_replace("media/evil.wav", b"x"), "unlisted_member", "media/evil.wav"),
    "no_manifest": (lambda m: m.pop(MANIFEST), "no_manifest", ""),
    "missing_db": (lambda m: m.pop(DATABASE), "missing_member", DATABASE),
    "bad_json": (_replace(MANIFEST, b"{not json"), "bad_manifest", "JSONDecodeError"),
    "future_format": (_manifest_edit(lambda d: d.update(format=2)), "format", "2"),
    "newer_schema": (_manifest_edit(lambda d: d.update(schema_version=999)), "schema_newer", "999"),
    "path_escape": (_replace("../../etc/passwd", b"x"), "unsafe_member", "../../etc/passwd"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_bad_backup_is_refused_naming_the_problem_and_nothing_changes(cfg, tmp_path, case):
    change, key, detail = CASES[case]
    path = _tampered(cfg, tmp_path, case, change)
    ExtensionService(None).create(ExtensionInput(number="1003", name="Kept", secret="Secr3tPass3"))
    before, db_bytes = _state(cfg), cfg.db_path.read_bytes()
    with pytest.raises(BackupError) as info:
        restore_backup(cfg, path)
    assert info.value.key == key and detail in str(info.value)
    assert isinstance(info.value, ValueError)
    assert _state(cfg) == before and cfg.db_path.read_bytes() == db_bytes
    assert not list(cfg.data_dir.glob(".restore-*"))


def _rehash(members, name):
    import hashlib

    manifest = json.loads(members[MANIFEST])
    manifest["members"][name] = {
        "size": len(members[name]),
        "sha256": hashlib.sha256(members[name]).hexdigest(),
    }
    members[MANIFEST] = json.dumps(manifest).encode()


def test_a_consistently_rehashed_but_corrupt_db_or_invalid_yaml_is_still_refused(cfg, tmp_path):
    def corrupt(members):
        _corrupt_db(members)
        _rehash(members, DATABASE)

    with pytest.raises(BackupError) as info:
        restore_backup(cfg, _tampered(cfg, tmp_path, "corrupt", corrupt))
    assert info.value.key == "db_corrupt"

    def bad_yaml(members):
        members[CONFIG] = b"version: 1\nextensions: [{number: 12}]\nnonsense: true\n"
        _rehash(members, CONFIG)

    with pytest.raises(BackupError) as info:
        restore_backup(cfg, _tampered(cfg, tmp_path, "yaml", bad_yaml))
    assert info.value.key == "config_invalid" and "nonsense" in str(info.value)
    assert Extension.select().count() == 1


def test_a_truncated_or_foreign_file_is_refused(cfg, tmp_path):
    data = _backup(cfg, tmp_path, media=True).read_bytes()
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(BackupError) as info:
        restore_backup(cfg, cut)
    assert info.value.key == "truncated", info.value
    foreign = tmp_path / "photo.jpg"
    foreign.write_bytes(b"\xff\xd8\xff\xe0 not a backup")
    with pytest.raises(BackupError) as info:
        restore_backup(cfg, foreign)
    assert info.value.key == "not_backup"
    plain = tmp_path / "plain.gz"
    plain.write_bytes(gzip.compress(b"hello"))
    with pytest.raises(BackupError) as info:
        restore_backup(cfg, plain)
    assert info.value.key in ("not_backup", "truncated")
    assert Extension.select().count() == 1


def test_a_backup_from_the_previous_release_schema_is_restored_and_migrated_forward(cfg, tmp_path):
    import hashlib

    fixture = Path(__file__).parent / "fixtures" / "pbx-schema-0006.sql"
    old = tmp_path / "old.sqlite3"
    with sqlite3.connect(old) as conn:
        conn.executescript(fixture.read_text(encoding="utf-8"))
    members = {CONFIG: b"version: 1\n", DATABASE: old.read_bytes()}
    manifest = {
        "format": 1,
        "schema_version": 6,
        "members": {n: {"size": len(d), "sha256": hashlib.sha256(d).hexdigest()} for n, d in members.items()},
    }
    path = _write(tmp_path / "previous.tar.gz", {MANIFEST: json.dumps(manifest).encode(), **members})
    result = restore_backup(cfg, path)
    assert result.schema_version == supported_schema() > 6
    assert sorted(e.number for e in Extension.select()) == ["8001", "8002"]
    with sqlite3.connect(cfg.db_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)

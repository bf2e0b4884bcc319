"""Backup and restore of a box as one tar.gz file.

A backup holds, in this order:
    manifest.json   format, firmware version, DB schema version, config document version, and the
                    size and sha256 of every other member
    config.yaml     the configuration document (telephony.configdoc), for people and other boxes
    pbx.sqlite3     a consistent snapshot of the database (sqlite3's online backup API, so the
                    box keeps running while it is taken), the source of truth on restore
    media/...       optionally: voicemail, recordings, prompts, music on hold

Restore checks everything before it replaces anything: the archive reads to its end, every
member is a plain file with a safe name, the manifest lists exactly the members present with
matching hashes, the schema is not newer than this firmware's, the database passes
`PRAGMA integrity_check` and is at the manifest's version, the YAML parses and validates. Only
then is the database replaced in one step (the backup API again, now into the live database:
other processes see the old or the new content, never a mix) and the media directory swapped
by rename. A refusal raises BackupError, whose `key` and `params` the web admin shows in the
user's language; nothing on the box has changed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import io
import json
import logging
import os
import shutil
import sqlite3
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import IO, Any

from firmware.errors import FirmwareError
from telephony.boxconfig import BoxConfig

log = logging.getLogger(__name__)

FORMAT = 1
MANIFEST = "manifest.json"
CONFIG = "config.yaml"
DATABASE = "pbx.sqlite3"
MEDIA = "media"
MAX_MEMBER_BYTES = 4 * 1024**3  # a tar bomb is refused before it fills the data partition
MAX_MANIFEST_BYTES = 4 * 1024**2

# key: English text; the web admin's catalog (webadmin/catalog_system.py) has both languages.
MESSAGES = {
    "not_backup": "the file is not a backup of this box (not a tar.gz archive): {detail}",
    "truncated": "the backup file is cut short or damaged: {detail}",
    "unsafe_member": "the backup contains {name!s}, which is not a plain file with a safe name",
    "no_manifest": "the backup has no manifest.json",
    "bad_manifest": "the backup's manifest.json is unreadable: {detail}",
    "format": "the backup's format {found} is not one this firmware reads (format {supported})",
    "unlisted_member": "the backup contains {name}, which its manifest does not list (tampered?)",
    "missing_member": "the backup lacks {name}, which its manifest lists",
    "hash_mismatch": "{name} does not match its sha256 in the manifest (tampered or damaged)",
    "too_big": "{name} is larger than a backup member may be",
    "schema_newer": "the backup's database schema {found} is newer than this firmware's ({supported}): update the firmware first",
    "db_corrupt": "the backup's database fails its integrity check: {detail}",
    "db_version": "the backup's database is at schema {found}, its manifest says {expected}",
    "config_invalid": "the backup's config.yaml is not a valid configuration: {detail}",
}


class BackupError(FirmwareError, ValueError):
    """A backup was refused; `key` names the problem (MESSAGES), `params` fill in its details."""

    def __init__(self, key: str, **params: Any) -> None:
        self.key = key
        self.params = {k: str(v) for k, v in params.items()}
        super().__init__("backup refused: " + MESSAGES[key].format(**self.params))


@dataclasses.dataclass(frozen=True)
class RestoreResult:
    """What a restore replaced."""

    manifest: dict[str, Any]
    schema_version: int
    media_restored: bool


def firmware_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pbx-box")
    except PackageNotFoundError:
        return "unknown"


def supported_schema() -> int:
    from telephony.models.migrations import MIGRATIONS

    return MIGRATIONS[-1][0]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as src:
        for block in iter(lambda: src.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _schema_version(path: Path) -> int:
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        row = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def snapshot_database(live: Path, target: Path) -> None:
    """Copy the live database to `target` as one self-contained file (no WAL), consistently."""
    with contextlib.closing(sqlite3.connect(live, timeout=30)) as src:
        with contextlib.closing(sqlite3.connect(target)) as dst:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")


def _media_files(media_dir: Path) -> Iterator[tuple[Path, str]]:
    if not media_dir.is_dir():
        return
    for path in sorted(media_dir.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path, f"{MEDIA}/{path.relative_to(media_dir).as_posix()}"


def create_backup(cfg: BoxConfig, out: IO[bytes], include_media: bool = False) -> dict[str, Any]:
    """Write a backup of the box to `out` (a binary file); return its manifest.

    The models must be bound to the box database (the web admin's request does that).
    """
    from telephony.configdoc.schema import VERSION as CONFIG_VERSION
    from telephony.configdoc.service import ConfigDocService

    with tempfile.TemporaryDirectory(prefix=".backup-", dir=cfg.run_dir) as tmp_name:
        tmp = Path(tmp_name)
        snapshot_database(cfg.db_path, tmp / DATABASE)
        (tmp / CONFIG).write_text(ConfigDocService().export_text(), encoding="utf-8")
        files: list[tuple[Path, str]] = [(tmp / CONFIG, CONFIG), (tmp / DATABASE, DATABASE)]
        if include_media:
            files += list(_media_files(cfg.media_dir))
        manifest = {
            "format": FORMAT,
            "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "firmware_version": firmware_version(),
            "schema_version": _schema_version(tmp / DATABASE),
            "config_version": CONFIG_VERSION,
            "board": cfg.board,
            "media": include_media,
            "members": {name: {"size": p.stat().st_size, "sha256": _sha256(p)} for p, name in files},
        }
        data = json.dumps(manifest, indent=2, sort_keys=True).encode()
        with tarfile.open(fileobj=out, mode="w:gz") as tar:
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(data), int(dt.datetime.now().timestamp()), 0o600
            tar.addfile(info, io.BytesIO(data))
            for path, name in files:
                tar.add(path, arcname=name, recursive=False)
    log.info("backup made: %d members, schema %s", len(manifest["members"]), manifest["schema_version"])
    return manifest


def _safe_name(name: str) -> bool:
    parts = PurePosixPath(name).parts
    if not parts or name.startswith("/") or any(p in ("..", ".", "") for p in parts):
        return False
    if name in (MANIFEST, CONFIG, DATABASE):
        return True
    return parts[0] == MEDIA and len(parts) > 1 and all(ord(c) >= 0x20 for c in name)


def _extract(archive: Path, staging: Path) -> dict[str, str]:
    """Extract every member into staging with its sha256; raise BackupError on any oddity."""
    hashes: dict[str, str] = {}
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            for member in tar:
                if not member.isfile() or not _safe_name(member.name):
                    raise BackupError("unsafe_member", name=member.name)
                if member.size > MAX_MEMBER_BYTES:
                    raise BackupError("too_big", name=member.name)
                if member.name in hashes:
                    raise BackupError("unsafe_member", name=member.name)
                target = staging / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                src = tar.extractfile(member)
                assert src is not None  # a regular file always has data
                with target.open("wb") as dst:
                    while block := src.read(1 << 20):
                        digest.update(block)
                        dst.write(block)
                hashes[member.name] = digest.hexdigest()
    except BackupError:
        raise
    except (EOFError, zlib.error) as exc:
        raise BackupError("truncated", detail=str(exc) or type(exc).__name__) from None
    except tarfile.ReadError as exc:
        text = str(exc)
        key = "truncated" if hashes or "unexpected end" in text.lower() else "not_backup"
        raise BackupError(key, detail=text) from None
    except (OSError, tarfile.TarError) as exc:
        raise BackupError("truncated", detail=str(exc)) from None
    return hashes


def _check_manifest(staging: Path, hashes: dict[str, str]) -> dict[str, Any]:
    if MANIFEST not in hashes:
        raise BackupError("no_manifest")
    try:
        if (staging / MANIFEST).stat().st_size > MAX_MANIFEST_BYTES:
            raise ValueError("too large")
        manifest = json.loads((staging / MANIFEST).read_text(encoding="utf-8"))
        if not isinstance(manifest, dict):
            raise ValueError("not a JSON object")
        if manifest.get("format") != FORMAT:
            raise BackupError("format", found=manifest.get("format"), supported=FORMAT)
        members = manifest["members"]
        if not isinstance(members, dict) or not isinstance(manifest["schema_version"], int):
            raise ValueError("members or schema_version has the wrong type")
        listed = {name: str(entry["sha256"]) for name, entry in members.items()}
    except BackupError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise BackupError("bad_manifest", detail=f"{type(exc).__name__}: {exc}") from None
    for name in sorted(set(hashes) - {MANIFEST}):
        if name not in listed:
            raise BackupError("unlisted_member", name=name)
    for name, sha in sorted(listed.items()):
        if name not in hashes:
            raise BackupError("missing_member", name=name)
        if hashes[name] != sha:
            raise BackupError("hash_mismatch", name=name)
    for required in (DATABASE, CONFIG):
        if required not in listed:
            raise BackupError("missing_member", name=required)
    return manifest


def _check_database(path: Path, manifest: dict[str, Any]) -> int:
    expected, supported = manifest["schema_version"], supported_schema()
    if expected > supported:
        raise BackupError("schema_newer", found=expected, supported=supported)
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            rows = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
            if rows != ["ok"]:
                raise BackupError("db_corrupt", detail="; ".join(map(str, rows[:3])))
        found = _schema_version(path)
    except sqlite3.DatabaseError as exc:
        raise BackupError("db_corrupt", detail=str(exc)) from None
    if found != expected:
        raise BackupError("db_version", found=found, expected=expected)
    return found


def _check_config(path: Path) -> None:
    from telephony.configdoc.schema import parse_document
    from telephony.errors import ConfigError

    try:
        parse_document(path.read_text(encoding="utf-8-sig"), CONFIG)
    except (ConfigError, UnicodeDecodeError) as exc:
        raise BackupError("config_invalid", detail=str(exc)) from None


def validate(archive: Path, staging: Path) -> dict[str, Any]:
    """Extract and check a backup into `staging`; return its manifest or raise BackupError."""
    hashes = _extract(archive, staging)
    manifest = _check_manifest(staging, hashes)
    _check_database(staging / DATABASE, manifest)
    _check_config(staging / CONFIG)
    return manifest


def restore_backup(cfg: BoxConfig, archive: Path) -> RestoreResult:
    """Validate a backup completely, then replace the database (and media, if it has them).

    The caller asks pbx-core to reload and re-applies the service configs afterwards.
    """
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=cfg.data_dir))
    try:
        manifest = validate(archive, staging)
        # The database: one backup-API copy into the live file, under sqlite's own locking.
        with contextlib.closing(sqlite3.connect(staging / DATABASE)) as src:
            with contextlib.closing(sqlite3.connect(cfg.db_path, timeout=30)) as live:
                src.backup(live)
        from telephony.models import open_database

        version = (
            open_database(cfg.db_path).execute_sql("SELECT MAX(version) FROM schema_version").fetchone()[0]
        )
        media = bool(manifest.get("media")) and (staging / MEDIA).is_dir()
        if media or manifest.get("media"):
            new_media = staging / MEDIA
            new_media.mkdir(exist_ok=True)
            old = cfg.data_dir / ".media-replaced"
            shutil.rmtree(old, ignore_errors=True)
            if cfg.media_dir.exists():
                os.rename(cfg.media_dir, old)
            os.rename(new_media, cfg.media_dir)
            shutil.rmtree(old, ignore_errors=True)
            media = True
        log.warning(
            "restored a backup made %s (schema %s)", manifest.get("created"), manifest["schema_version"]
        )
        return RestoreResult(manifest, int(version), media)
    finally:
        shutil.rmtree(staging, ignore_errors=True)

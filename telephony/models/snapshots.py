"""Keep the database safe across firmware updates and rollbacks (SQLite only).

- Before a newer firmware migrates the database forward, `snapshot_before_migrating` copies it
  (sqlite3 backup API, consistent while open) to `<db dir>/pre-update-<old version>.sqlite3`.
- When an older firmware boots after a rollback and finds a database newer than the migrations
  it knows, `restore_after_rollback` sets the newer database aside
  (`<db dir>/rolled-back-from-<newer>-<time>.sqlite3`), restores the snapshot that firmware's
  update took (`pre-update-<its version>.sqlite3`), records what it did in
  `<db dir>/rollback-restore.json` (shown on the web admin's update page) and carries on.
  With no such snapshot it refuses (`SchemaTooNew`) rather than run on, or write to, a schema
  it does not understand.
"""

from __future__ import annotations

import datetime
import json
import logging
import os
import sqlite3
from pathlib import Path

import peewee

from telephony.errors import TelephonyError

log = logging.getLogger(__name__)

RECORD = "rollback-restore.json"


class SchemaTooNew(TelephonyError, RuntimeError):
    """The database was migrated by a newer firmware and no snapshot from before that exists."""


def snapshot_path(db_file: Path, version: int) -> Path:
    return db_file.parent / f"pre-update-{version}.sqlite3"


def _backup(src: sqlite3.Connection, dst_file: Path) -> None:
    tmp = dst_file.with_name(dst_file.name + ".tmp")
    tmp.unlink(missing_ok=True)
    dst = sqlite3.connect(tmp)
    try:
        src.backup(dst)
    finally:
        dst.close()
    os.replace(tmp, dst_file)


def _sqlite_file(db: peewee.Database) -> Path | None:
    if not isinstance(db, peewee.SqliteDatabase) or db.database in ("", ":memory:"):
        return None
    return Path(db.database)


def snapshot_before_migrating(db: peewee.Database, version: int) -> Path | None:
    """Copy a database at `version` aside before newer migrations touch it; return the copy's path."""
    db_file = _sqlite_file(db)
    if db_file is None or version == 0:
        return None
    target = snapshot_path(db_file, version)
    _backup(db.connection(), target)
    log.warning("database at schema %d copied to %s before migrating", version, target)
    return target


def restore_after_rollback(db: peewee.Database, found: int, known: int) -> dict:
    """Put the snapshot of schema `known` back in place of a schema-`found` database; return the record."""
    db_file = _sqlite_file(db)
    where = db_file or db.database
    snapshot = snapshot_path(db_file, known) if db_file else None
    if snapshot is None or not snapshot.exists():
        raise SchemaTooNew(
            f"database {where} has schema version {found}, newer than this firmware's {known} "
            f"(written by a newer firmware), and there is no snapshot "
            f"{snapshot.name if snapshot else f'pre-update-{known}.sqlite3'} from before that update "
            "to go back to; refusing to open it. Boot the newer firmware again or restore a backup."
        )
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    aside = db_file.parent / f"rolled-back-from-{found}-{stamp}.sqlite3"
    live = db.connection()
    _backup(live, aside)
    source = sqlite3.connect(snapshot)
    try:
        source.backup(live)
    finally:
        source.close()
    record = {
        "restored_at": stamp,
        "found_version": found,
        "restored_version": known,
        "snapshot": str(snapshot),
        "kept_aside": str(aside),
    }
    tmp = db_file.parent / (RECORD + ".tmp")
    tmp.write_text(json.dumps(record, indent=2), encoding="utf-8")
    os.replace(tmp, db_file.parent / RECORD)
    log.error(
        "database had schema %d (newer firmware, rolled back): restored snapshot %s, newer database kept as %s",
        found,
        snapshot,
        aside,
    )
    return record


def last_restore(db_dir: Path) -> dict | None:
    """The record of the last rollback restore, if one happened."""
    try:
        return json.loads((db_dir / RECORD).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None

"""Numbered schema migrations, applied in order at open; the applied number is in schema_version.

Each migration is a function of the database. Never edit one that has shipped: add the next.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import peewee

log = logging.getLogger(__name__)


def _m0001_initial(db: peewee.Database) -> None:
    from telephony.models import ALL_MODELS

    db.create_tables(ALL_MODELS, safe=True)
    # kamailio's auth_db reads `subscriber` and checks its table version in `version`.
    db.execute_sql(
        "CREATE VIEW IF NOT EXISTS subscriber AS "
        "SELECT id, number AS username, '' AS domain, ha1, ha1b FROM extension WHERE enabled = 1"
    )
    db.execute_sql(
        "CREATE TABLE IF NOT EXISTS version (table_name VARCHAR(32) NOT NULL PRIMARY KEY, "
        "table_version INTEGER NOT NULL DEFAULT 0)"
    )
    db.execute_sql("INSERT OR REPLACE INTO version (table_name, table_version) VALUES ('subscriber', 7)")


def _m0002_lines(db: peewee.Database) -> None:
    from telephony.models.lines import DialRule, InboundRoute, PortSetting, TrunkGroup

    db.create_tables([PortSetting, TrunkGroup, InboundRoute, DialRule], safe=True)
    # 0001 creates tables from today's models, so a new database already has the column.
    if "permission" not in {c.name for c in db.get_columns("extension")}:
        db.execute_sql("ALTER TABLE extension ADD COLUMN permission VARCHAR(16) NOT NULL DEFAULT 'national'")


def _m0003_callcenter(db: peewee.Database) -> None:
    # The frozen copy, not telephony.models.callcenter: what 0003 creates must never change.
    from telephony.models import schema_0003

    with db.bind_ctx(schema_0003.TABLES):
        db.create_tables(schema_0003.TABLES, safe=True)


def _m0004_voicemail(db: peewee.Database) -> None:
    from telephony.models import schema_0004

    with db.bind_ctx(schema_0004.TABLES):
        db.create_tables(schema_0004.TABLES, safe=True)


def _m0005_ivr(db: peewee.Database) -> None:
    from telephony.models import schema_0005

    with db.bind_ctx(schema_0005.TABLES):
        db.create_tables(schema_0005.TABLES, safe=True)


def _m0006_conference(db: peewee.Database) -> None:
    from telephony.models import schema_0006

    with db.bind_ctx(schema_0006.TABLES):
        db.create_tables(schema_0006.TABLES, safe=True)


def _m0007_recording(db: peewee.Database) -> None:
    from telephony.models import schema_0007

    with db.bind_ctx(schema_0007.TABLES):
        db.create_tables(schema_0007.TABLES, safe=True)


def _m0008_features(db: peewee.Database) -> None:
    from telephony.models import schema_0008

    with db.bind_ctx(schema_0008.TABLES):
        db.create_tables(schema_0008.TABLES, safe=True)


def _m0009_park(db: peewee.Database) -> None:
    from telephony.models import schema_0009

    with db.bind_ctx(schema_0009.TABLES):
        db.create_tables(schema_0009.TABLES, safe=True)


MIGRATIONS: list[tuple[int, Callable[[peewee.Database], None]]] = [
    (1, _m0001_initial),
    (2, _m0002_lines),
    (3, _m0003_callcenter),
    (4, _m0004_voicemail),
    (5, _m0005_ivr),
    (6, _m0006_conference),
    (7, _m0007_recording),
    (8, _m0008_features),
    (9, _m0009_park),
]


def current_version(db: peewee.Database) -> int:
    db.execute_sql("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    row = db.execute_sql("SELECT MAX(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def migrate(db: peewee.Database) -> int:
    """Apply every migration newer than the database, each in its own transaction; return the version.

    An older database is first copied aside (snapshots.py) so a rollback can go back to it; a
    database newer than these migrations (a rollback) is replaced by that copy, or refused.
    """
    from telephony.models import snapshots

    version = current_version(db)
    latest = MIGRATIONS[-1][0]
    if version > latest:
        snapshots.restore_after_rollback(db, version, latest)
        return current_version(db)
    if 0 < version < latest:
        snapshots.snapshot_before_migrating(db, version)
    for number, func in MIGRATIONS:
        if number <= version:
            continue
        log.info("applying schema migration %04d", number)
        with db.atomic():
            func(db)
            db.execute_sql("INSERT INTO schema_version (version) VALUES (?)", (number,))
        version = number
    return version

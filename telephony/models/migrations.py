"""Numbered schema migrations, applied in order at open; the applied number is in schema_version.

Each migration is a function of the database. Never edit one that has shipped: add the next.
"""

from __future__ import annotations

import importlib
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


def _frozen_tables(number: int, topic: str) -> Callable[[peewee.Database], None]:
    """Migration `number`, _m<number>_<topic>: create the tables of telephony.models.schema_<number>.

    Migrations 0003 and later create their tables from such a frozen copy, not from today's models,
    so what a shipped migration creates never changes when a model does; the copy's models are bound
    to the database only while they are created. The copy is imported when the migration runs, as
    the models package imports this module.
    """

    def migration(db: peewee.Database) -> None:
        tables = importlib.import_module(f"telephony.models.schema_{number:04d}").TABLES
        with db.bind_ctx(tables):
            db.create_tables(tables, safe=True)

    migration.__name__ = migration.__qualname__ = f"_m{number:04d}_{topic}"
    return migration


MIGRATIONS: list[tuple[int, Callable[[peewee.Database], None]]] = [
    (1, _m0001_initial),
    (2, _m0002_lines),
    (3, _frozen_tables(3, "callcenter")),
    (4, _frozen_tables(4, "voicemail")),
    (5, _frozen_tables(5, "ivr")),
    (6, _frozen_tables(6, "conference")),
    (7, _frozen_tables(7, "recording")),
    (8, _frozen_tables(8, "features")),
    (9, _frozen_tables(9, "park")),
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

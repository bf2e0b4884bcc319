"""Open the box database: SQLite in WAL mode with synchronous=FULL, or PostgreSQL by URL."""

from __future__ import annotations

import logging
from pathlib import Path

import peewee
from playhouse.db_url import connect

log = logging.getLogger(__name__)

database = peewee.DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    # A power cut must never lose a saved change.
    "synchronous": "full",
    "foreign_keys": 1,
    "busy_timeout": 5000,
}


def open_database(path_or_url: str | Path) -> peewee.Database:
    """Bind the models to the database at a path (SQLite) or URL (postgresql://) and migrate it."""
    from telephony.models import migrations

    text = str(path_or_url)
    if "://" in text:
        db = connect(text)
    else:
        Path(text).parent.mkdir(parents=True, exist_ok=True)
        db = peewee.SqliteDatabase(text, pragmas=SQLITE_PRAGMAS, check_same_thread=False)
    database.initialize(db)
    db.connect(reuse_if_open=True)
    migrations.migrate(db)
    return db

"""The database: WAL + synchronous=FULL, numbered migrations, kamailio's subscriber view."""

from telephony.extensions.service import ExtensionInput, ExtensionService
from telephony.models import migrations, open_database, sip_ha1


def test_sqlite_runs_in_wal_mode_with_full_sync(tmp_path):
    db = open_database(tmp_path / "pbx.sqlite3")
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute_sql("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_migrations_apply_once_and_are_idempotent(tmp_path):
    db = open_database(tmp_path / "pbx.sqlite3")
    version = migrations.current_version(db)
    assert version == migrations.MIGRATIONS[-1][0]
    assert migrations.migrate(db) == version
    assert db.execute_sql("SELECT COUNT(*) FROM schema_version").fetchone()[0] == len(migrations.MIGRATIONS)


def test_subscriber_view_exposes_only_enabled_extensions_with_ha1(tmp_path):
    db = open_database(tmp_path / "pbx.sqlite3")
    service = ExtensionService()
    service.create(ExtensionInput("1001", "A", "Secr3tPass9"))
    service.create(ExtensionInput("1002", "B", "Secr3tPass9", enabled=False))
    rows = db.execute_sql("SELECT username, ha1 FROM subscriber").fetchall()
    assert rows == [("1001", sip_ha1("1001", "pbx", "Secr3tPass9"))]
    assert (
        db.execute_sql("SELECT table_version FROM version WHERE table_name='subscriber'").fetchone()[0] == 7
    )
    stored = db.execute_sql("SELECT * FROM extension").fetchall()
    assert not any("Secr3tPass9" in str(row) for row in stored), "the plain secret must never be stored"


def test_given_a_version_1_database_when_opened_then_migration_2_adds_lines_and_keeps_data(tmp_path):
    import sqlite3

    path = tmp_path / "old.sqlite3"
    old = sqlite3.connect(path)
    old.executescript(
        """
        CREATE TABLE schema_version (version INTEGER NOT NULL);
        INSERT INTO schema_version VALUES (1);
        CREATE TABLE extension (id INTEGER PRIMARY KEY, number VARCHAR(32) UNIQUE, name VARCHAR(64),
            ha1 VARCHAR(64), ha1b VARCHAR(64), enabled INTEGER, created DATETIME, updated DATETIME);
        INSERT INTO extension VALUES (1, '1001', 'Alice', 'h1', 'h2', 1, '2026-01-01', '2026-01-01');
        """
    )
    old.commit()
    old.close()
    db = open_database(path)
    assert migrations.current_version(db) == migrations.MIGRATIONS[-1][0]
    row = db.execute_sql("SELECT number, name, permission FROM extension").fetchone()
    assert row == ("1001", "Alice", "national")
    tables = set(db.get_tables())
    assert {"port_setting", "trunk_group", "inbound_route", "dial_rule"} <= tables

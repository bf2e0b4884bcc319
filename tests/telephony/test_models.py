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

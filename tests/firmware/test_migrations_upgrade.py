"""Upgrade from the previous release's database (schema 6), rollback snapshots, and a too-new database."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from telephony.configdoc.service import ConfigDocService
from telephony.errors import ValidationError
from telephony.extensions.service import ExtensionInput, ExtensionService
from telephony.models import ALL_MODELS, database, migrations, open_database, snapshots
from telephony.models.migrations import MIGRATIONS

FIXTURE = Path(__file__).parent / "fixtures" / "pbx-schema-0006.sql"
LATEST = MIGRATIONS[-1][0]
SKIP = {"schema_version", "version", "sqlite_sequence"}


def _tables(path: Path) -> dict[str, list[tuple]]:
    con = sqlite3.connect(path)
    try:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {
            n: con.execute(f'SELECT * FROM "{n}" ORDER BY rowid').fetchall() for n in names if n not in SKIP
        }
    finally:
        con.close()


@pytest.fixture
def old_db(tmp_path: Path) -> Path:
    """A box's database as the release before migrations 7-9 left it (see fixtures/make_schema_0006.py)."""
    path = tmp_path / "db" / "pbx.sqlite3"
    path.parent.mkdir()
    con = sqlite3.connect(path)
    con.executescript(FIXTURE.read_text(encoding="utf-8"))
    con.close()
    return path


def _version(path: Path) -> int:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT MAX(version) FROM schema_version").fetchone()[0]
    finally:
        con.close()


def test_given_a_schema_6_database_with_rows_in_every_table_when_opened_then_it_migrates_and_keeps_every_row(
    old_db: Path,
) -> None:
    before = _tables(old_db)
    assert _version(old_db) == 6
    assert all(before[t] for t in before), f"the fixture must have rows in every table: {before.keys()}"

    db = open_database(old_db)
    try:
        assert migrations.current_version(db) == LATEST
        after = _tables(old_db)
        for table, rows in before.items():
            # rows are kept; a later migration may only add columns at the end
            assert [r[: len(rows[0])] for r in after[table]] == rows, table
        # every current model reads its table (all columns it expects exist)
        for model in ALL_MODELS:
            list(model.select().limit(5))
        # the app works on it: the whole configuration exports, and a new extension passes the
        # numbering checks that now look into the tables migrations 7-9 created
        doc = ConfigDocService().export_document()
        assert [e["number"] for e in doc["extensions"]] == ["8001", "8002"]
        assert [q["number"] for q in doc["queues"]] == ["6000"]
        service = ExtensionService()
        service.create(ExtensionInput(number="8003", name="New", secret="Xq7#pLm2vR9t3w"))
        assert [e.number for e in service.list()] == ["8001", "8002", "8003"]
        with pytest.raises(ValidationError, match="number"):
            service.create(ExtensionInput(number="6000", name="Clash", secret="Xq7#pLm2vR9tZ"))
        # kamailio's view over the extensions still answers
        assert db.execute_sql("SELECT username FROM subscriber ORDER BY username").fetchall()[:2] == [
            ("8001",),
            ("8002",),
        ]
    finally:
        db.close()


def test_given_an_older_database_when_migrated_then_a_snapshot_of_the_old_schema_is_kept_first(
    old_db: Path,
) -> None:
    before = _tables(old_db)
    open_database(old_db).close()
    snapshot = old_db.parent / "pre-update-6.sqlite3"
    assert snapshot.exists()
    assert _version(snapshot) == 6
    assert _tables(snapshot) == before


def test_given_a_database_newer_than_the_firmware_and_no_snapshot_when_opened_then_refused_untouched(
    tmp_path: Path,
) -> None:
    path = tmp_path / "db" / "pbx.sqlite3"
    open_database(path).close()
    con = sqlite3.connect(path)
    con.execute("INSERT INTO schema_version (version) VALUES (?)", (LATEST + 1,))
    con.execute("INSERT INTO setting (key, value) VALUES ('written_by', 'newer firmware')")
    con.commit()
    con.close()
    raw = path.read_bytes()
    with pytest.raises(snapshots.SchemaTooNew) as err:
        open_database(path)
    database.obj.close()
    message = str(err.value)
    assert f"schema version {LATEST + 1}" in message and f"this firmware's {LATEST}" in message
    assert "pre-update" in message and "refusing" in message
    assert _version(path) == LATEST + 1
    assert path.read_bytes() == raw or _tables(path)["setting"][-1] == ("written_by", "newer firmware")


def test_given_a_rollback_after_an_update_when_the_old_firmware_opens_the_db_then_it_restores_the_snapshot(
    tmp_path: Path,
) -> None:
    # this firmware's database, with data
    path = tmp_path / "db" / "pbx.sqlite3"
    db = open_database(path)
    ExtensionService().create(ExtensionInput(number="8001", name="Before", secret="Xq7#pLm2vR9t1w"))
    db.close()
    # a newer firmware boots: snapshots at our version, migrates to LATEST+1, users change things
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=wal")
    con.execute(f"VACUUM INTO '{snapshots.snapshot_path(path, LATEST)}'")
    con.execute("INSERT INTO schema_version (version) VALUES (?)", (LATEST + 1,))
    con.execute("CREATE TABLE newer_feature (id INTEGER PRIMARY KEY)")
    con.execute("UPDATE extension SET name = 'After' WHERE number = '8001'")
    con.commit()
    con.close()
    # the new slot fails; the old firmware boots again and opens the database
    db = open_database(path)
    try:
        assert migrations.current_version(db) == LATEST
        assert [e.name for e in ExtensionService().list()] == ["Before"]
        tables = {r[0] for r in db.execute_sql("SELECT name FROM sqlite_master WHERE type='table'")}
        assert "newer_feature" not in tables
    finally:
        db.close()
    record = snapshots.last_restore(path.parent)
    assert record is not None
    assert (record["found_version"], record["restored_version"]) == (LATEST + 1, LATEST)
    aside = Path(record["kept_aside"])
    assert aside.exists() and aside.name.startswith(f"rolled-back-from-{LATEST + 1}-")
    assert _version(aside) == LATEST + 1
    assert _tables(aside)["extension"][0][2] == "After"
    assert json.loads((path.parent / snapshots.RECORD).read_text())["snapshot"].endswith(
        f"pre-update-{LATEST}.sqlite3"
    )

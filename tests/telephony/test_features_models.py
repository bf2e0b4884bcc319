"""Routing-feature tables: migration 0008 creates exactly what the live models declare (from its
frozen copy), and the small rules the rows carry (number lists, list matching, hot-desk PIN)."""

from __future__ import annotations

import peewee
import pytest

from telephony.models import FEATURE_MODELS, migrations, open_database, schema_0008
from telephony.models.features import CallerList, ExtensionFeatures, RingGroup, split_numbers


def columns(db: peewee.Database, table: str) -> list[tuple]:
    return [(c.name, c.data_type, c.null, c.primary_key) for c in db.get_columns(table)]


def indexes(db: peewee.Database, table: str) -> set[tuple]:
    return {(tuple(i.columns), i.unique) for i in db.get_indexes(table)}


@pytest.fixture
def db(tmp_path):
    return open_database(tmp_path / "pbx.sqlite3")


def test_migration_0008_creates_exactly_what_the_live_models_declare(db, tmp_path):
    assert migrations.current_version(db) >= 8
    assert dict(migrations.MIGRATIONS)[8].__name__ == "_m0008_features"
    fresh = peewee.SqliteDatabase(str(tmp_path / "models.sqlite3"))
    with fresh.bind_ctx(FEATURE_MODELS):
        fresh.create_tables(FEATURE_MODELS)
    for model in FEATURE_MODELS:
        table = model._meta.table_name
        assert columns(db, table) == columns(fresh, table), table
        assert indexes(db, table) == indexes(fresh, table), table
    assert {m._meta.table_name for m in schema_0008.TABLES} == {m._meta.table_name for m in FEATURE_MODELS}


def test_number_lists_matching_and_the_hot_desk_pin(db):
    assert split_numbers(" 1001,\n1002 ,, 0114\n") == ["1001", "1002", "0114"]
    group = RingGroup.create(number="600", members="1001,1002")
    assert group.member_list() == ["1001", "1002"] and group.strategy == "ringall"
    rows = CallerList.create(name="spam", numbers="13800138000\n010*")
    assert rows.matches("13800138000") and rows.matches("01088886666")
    assert not rows.matches("1380013800") and not rows.matches("02088886666")
    row = ExtensionFeatures(number="1001", followme_numbers="1002,1003,1004,1005")
    assert row.followme_list() == ["1002", "1003", "1004"]  # three at most
    row.set_hotdesk_pin("4321")
    row.save()
    assert (
        row.hotdesk_pin_ok("4321") and not row.hotdesk_pin_ok("1234") and "4321" not in row.hotdesk_pin_hash
    )
    row.set_hotdesk_pin("")
    assert not row.hotdesk_pin_ok("")

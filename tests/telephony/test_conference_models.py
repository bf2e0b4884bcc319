"""Conference rooms: migration 0006, the frozen copy, PINs, and room numbers clashing with others."""

from __future__ import annotations

import peewee
import pytest

from telephony.models import CONFERENCE_MODELS, ConferenceRoom, migrations, open_database, schema_0006


def columns(db: peewee.Database, table: str) -> list[tuple]:
    return [(c.name, c.data_type, c.null, c.primary_key) for c in db.get_columns(table)]


@pytest.fixture
def db(tmp_path):
    return open_database(tmp_path / "pbx.sqlite3")


def test_migration_0006_creates_exactly_what_the_live_model_declares(db, tmp_path):
    assert migrations.current_version(db) >= 6
    assert dict(migrations.MIGRATIONS)[6].__name__ == "_m0006_conference"
    fresh = peewee.SqliteDatabase(str(tmp_path / "models.sqlite3"))
    with fresh.bind_ctx(CONFERENCE_MODELS):
        fresh.create_tables(CONFERENCE_MODELS)
    for model in CONFERENCE_MODELS:
        table = model._meta.table_name
        assert columns(db, table) == columns(fresh, table), table
    assert {m._meta.table_name for m in schema_0006.TABLES} == {"conference_room"}


def test_room_pins_are_hashed_and_give_a_role(db):
    room = ConferenceRoom(number="7000", name="Team")
    room.set_pin("1234")
    room.set_moderator_pin("9999")
    room.save()
    row = ConferenceRoom.get(ConferenceRoom.number == "7000")
    assert "1234" not in row.pin_hash and "9999" not in row.moderator_pin_hash
    assert row.max_participants == 60
    assert row.role_for("1234") == "participant"
    assert row.role_for("9999") == "moderator"
    assert row.role_for("1111") is None
    assert ConferenceRoom(number="7001").role_for("") == "participant"


def test_room_number_is_taken_for_extensions_and_routable(db):
    from telephony.callcenter.usage import queue_number_taken
    from telephony.routing.service import number_exists

    assert not queue_number_taken("7000") and not number_exists("7000")
    ConferenceRoom.create(number="7000")
    assert queue_number_taken("7000") and number_exists("7000")


def test_a_queue_or_an_ivr_cannot_take_a_room_number(db):
    from telephony.callcenter.validation import check_number, collector
    from telephony.ivr.service import IvrService

    ConferenceRoom.create(number="7000")
    errors = collector()
    check_number(errors, "7000", None)
    assert errors.errors == {"number": "conference.number.taken"}
    assert IvrService._number_taken("7000", None)
    assert not IvrService._number_taken("7001", None)

"""Voicemail tables: migration 0004, the frozen copy, PINs, greetings and message rows."""

from __future__ import annotations

import peewee
import pytest

from telephony.models import Mailbox, VoicemailMessage, migrations, open_database, schema_0004
from telephony.models.voicemail import VOICEMAIL_MODELS


def columns(db: peewee.Database, table: str) -> set[tuple[str, str, int]]:
    return {(c[1], c[2], c[3]) for c in db.execute_sql(f'PRAGMA table_info("{table}")').fetchall()}


@pytest.fixture
def db(tmp_path):
    return open_database(tmp_path / "pbx.sqlite3")


def test_migration_0004_creates_exactly_what_the_live_models_declare(db, tmp_path):
    assert migrations.current_version(db) >= 4
    fresh = peewee.SqliteDatabase(str(tmp_path / "models.sqlite3"))
    with fresh.bind_ctx(VOICEMAIL_MODELS):
        fresh.create_tables(VOICEMAIL_MODELS)
    assert {m._meta.table_name for m in schema_0004.TABLES} == {m._meta.table_name for m in VOICEMAIL_MODELS}
    for model in VOICEMAIL_MODELS:
        table = model._meta.table_name
        assert columns(db, table) == columns(fresh, table), table


def test_mailbox_pin_is_stored_only_as_a_hash_and_checks(db):
    box = Mailbox(number="1001")
    box.set_pin("4321")
    box.save()
    row = Mailbox.get(Mailbox.number == "1001")
    assert "4321" not in row.pin_hash
    assert row.check_pin("4321")
    assert not row.check_pin("1234")
    assert not Mailbox(number="1002").check_pin("")


def test_mailbox_temporary_greeting_overrides_the_others(db):
    box = Mailbox.create(number="1001", greeting_unavailable="voicemail/1001/unavail.wav")
    assert box.greeting("unavailable") == "voicemail/1001/unavail.wav"
    assert box.greeting("busy") == ""
    box.greeting_temporary = "voicemail/1001/temp.wav"
    assert box.greeting("busy") == box.greeting("unavailable") == "voicemail/1001/temp.wav"


def test_messages_belong_to_their_mailbox_and_go_with_it(db):
    box = Mailbox.create(number="1001")
    VoicemailMessage.create(mailbox=box, caller="1002", path="voicemail/1001/a.wav", duration=3.5)
    assert [m.folder for m in box.messages] == ["new"]
    assert box.on_no_answer and box.on_busy
    box.delete_instance(recursive=True)
    assert VoicemailMessage.select().count() == 0

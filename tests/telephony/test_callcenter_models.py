"""Call-center tables: migration 0003 (frozen), constraints, cascades, indexes and PIN hashes."""

from __future__ import annotations

import sqlite3

import peewee
import pytest

from telephony.models import (
    CALLCENTER_MODELS,
    AcdEvent,
    Agent,
    AgentSkill,
    Customer,
    CustomerNumber,
    Queue,
    QueueMember,
    QueueSkill,
    Skill,
    migrations,
    open_database,
    schema_0003,
)
from telephony.models.callcenter import hash_pin, pin_matches

SCHEMA_2 = """
CREATE TABLE schema_version (version INTEGER NOT NULL);
INSERT INTO schema_version VALUES (1);
INSERT INTO schema_version VALUES (2);
CREATE TABLE extension (id INTEGER PRIMARY KEY, number VARCHAR(32) UNIQUE, name VARCHAR(64),
    ha1 VARCHAR(64), ha1b VARCHAR(64), enabled INTEGER, permission VARCHAR(16) NOT NULL DEFAULT 'national',
    created DATETIME, updated DATETIME);
INSERT INTO extension VALUES (1, '1001', 'Alice', 'h1', 'h2', 1, 'local', '2026-01-01', '2026-01-01');
CREATE TABLE port_setting (port VARCHAR(16) PRIMARY KEY, enabled INTEGER, label VARCHAR(64),
    number VARCHAR(32) UNIQUE, caller_id_name VARCHAR(64), permission VARCHAR(16),
    cid_standard VARCHAR(16), updated DATETIME);
INSERT INTO port_setting VALUES ('fxs1', 1, 'lobby', '2001', 'Lobby', 'internal', '', '2026-01-01');
CREATE TABLE inbound_route (id INTEGER PRIMARY KEY, trunk VARCHAR(16), did VARCHAR(32),
    destination VARCHAR(32), priority INTEGER);
INSERT INTO inbound_route VALUES (1, 'e1', '5550100', '1001', 10);
"""


def columns(db: peewee.Database, table: str) -> set[tuple[str, str, int]]:
    return {(c[1], c[2], c[3]) for c in db.execute_sql(f'PRAGMA table_info("{table}")').fetchall()}


def index_columns(db: peewee.Database, table: str) -> set[tuple[tuple[str, ...], int]]:
    out = set()
    for _, name, unique, *_ in db.execute_sql(f'PRAGMA index_list("{table}")').fetchall():
        cols = tuple(r[2] for r in db.execute_sql(f'PRAGMA index_info("{name}")').fetchall())
        out.add((cols, unique))
    return out


@pytest.fixture
def db(tmp_path):
    return open_database(tmp_path / "pbx.sqlite3")


def test_given_a_schema_2_database_with_data_when_opened_then_0003_adds_the_callcenter_tables_and_keeps_data(
    tmp_path,
):
    path = tmp_path / "v2.sqlite3"
    old = sqlite3.connect(path)
    old.executescript(SCHEMA_2)
    old.commit()
    old.close()

    db = open_database(path)

    assert migrations.current_version(db) == migrations.MIGRATIONS[-1][0]  # 0003 and every later one
    assert db.execute_sql("SELECT version FROM schema_version ORDER BY version").fetchall()[:3] == [
        (1,),
        (2,),
        (3,),
    ]
    assert db.execute_sql("SELECT number, name, permission FROM extension").fetchall() == [
        ("1001", "Alice", "local")
    ]
    assert db.execute_sql("SELECT port, number, caller_id_name FROM port_setting").fetchall() == [
        ("fxs1", "2001", "Lobby")
    ]
    assert db.execute_sql("SELECT trunk, did, destination FROM inbound_route").fetchall() == [
        ("e1", "5550100", "1001")
    ]
    expected = {m._meta.table_name for m in CALLCENTER_MODELS}
    assert expected == {
        "cc_queue",
        "cc_agent",
        "cc_queue_member",
        "cc_skill",
        "cc_agent_skill",
        "cc_queue_skill",
        "cc_pause_code",
        "cc_customer",
        "cc_customer_number",
        "acd_event",
        "survey_score",
    }
    assert expected <= set(db.get_tables())
    # The new tables work at once with the live models.
    queue = Queue.create(number="800", name="Sales")
    assert Queue.get_by_id(queue.id).ring_timeout == 15.0


def test_migration_0003_creates_exactly_what_the_live_models_declare(db, tmp_path):
    fresh = peewee.SqliteDatabase(str(tmp_path / "models.sqlite3"))
    with fresh.bind_ctx(CALLCENTER_MODELS):
        fresh.create_tables(CALLCENTER_MODELS)
    for model in CALLCENTER_MODELS:
        table = model._meta.table_name
        assert columns(db, table) == columns(fresh, table), table
        assert index_columns(db, table) == index_columns(fresh, table), table


def test_migration_0003_uses_its_frozen_copy_not_the_live_models(tmp_path):
    # A later column on a live model must not leak into what 0003 creates.
    Queue._meta.add_field("later_column", peewee.IntegerField(default=0))
    try:
        db = open_database(tmp_path / "pbx.sqlite3")
        names = {c[0] for c in columns(db, "cc_queue")}
    finally:
        Queue._meta.remove_field("later_column")
    assert "later_column" not in names
    assert {m._meta.table_name for m in schema_0003.TABLES} == {m._meta.table_name for m in CALLCENTER_MODELS}


def test_event_log_has_the_indexes_reports_need(db):
    assert index_columns(db, "acd_event") == {
        (("at",), 0),
        (("call_id",), 0),
        (("queue", "at"), 0),
        (("agent", "at"), 0),
    }
    assert (("number",), 1) in index_columns(db, "cc_customer_number")
    assert index_columns(db, "survey_score") == {
        (("call_id",), 0),
        (("at",), 0),
        (("queue", "at"), 0),
        (("agent", "at"), 0),
    }


def test_numbers_are_unique(db):
    Queue.create(number="800", name="Sales")
    with pytest.raises(peewee.IntegrityError):
        Queue.create(number="800", name="Other")
    Agent.create(number="1024", name="Li")
    with pytest.raises(peewee.IntegrityError):
        Agent.create(number="1024", name="Wang")
    customer = Customer.create(name="Zhang")
    CustomerNumber.create(customer=customer, number="13800138000")
    with pytest.raises(peewee.IntegrityError):
        CustomerNumber.create(customer=Customer.create(name="Zhao"), number="13800138000")


def test_deleting_an_agent_or_queue_cascades_to_its_memberships_and_skills(db):
    queue = Queue.create(number="800", name="Sales")
    agent = Agent.create(number="1024", name="Li")
    skill = Skill.create(name="english")
    QueueMember.create(queue=queue, agent=agent, kind="static", penalty=2)
    AgentSkill.create(agent=agent, skill=skill, level=7)
    QueueSkill.create(queue=queue, skill=skill, min_level=3)
    with pytest.raises(peewee.IntegrityError):
        QueueMember.create(queue=queue, agent=agent, kind="dynamic")
    agent.delete_instance()
    assert (QueueMember.select().count(), AgentSkill.select().count()) == (0, 0)
    assert QueueSkill.select().count() == 1
    queue.delete_instance()
    assert QueueSkill.select().count() == 0
    assert Skill.select().count() == 1


def test_event_rows_default_to_empty_fields(db):
    row = AcdEvent.create(kind="answered", queue="800", agent="1024", call_id="c1", wait_ms=4200)
    again = AcdEvent.get_by_id(row.id)
    assert (again.kind, again.queue, again.agent, again.wait_ms, again.talk_ms, again.extra) == (
        "answered",
        "800",
        "1024",
        4200,
        0,
        "{}",
    )


def test_pin_hash_is_salted_pbkdf2_and_verifies_only_the_right_pin():
    first, second = hash_pin("246810"), hash_pin("246810")
    assert first != second  # a fresh salt each time
    scheme, iterations, salt, digest = first.split("$")
    assert (scheme, iterations, len(salt), len(digest)) == ("pbkdf2_sha256", "20000", 24, 44)
    assert "246810" not in first
    assert pin_matches(first, "246810") and pin_matches(second, "246810")
    assert not pin_matches(first, "246811")
    assert not pin_matches("", "246810")
    assert not pin_matches("argon2$x$y$z", "246810")
    assert not pin_matches("pbkdf2_sha256$0$AAAA$AAAA", "246810")
    agent = Agent(number="1024")
    assert not agent.check_pin("")
    agent.set_pin("9753")
    assert agent.check_pin("9753") and not agent.check_pin("9754")

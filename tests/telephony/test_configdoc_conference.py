"""Conference rooms in the configuration document: exported with PIN hashes, imported with errors by
key path in both languages, all or nothing, and a re-import of an export changing nothing."""

from __future__ import annotations

import pytest

from telephony.configdoc import ConfigDocError, ConfigDocService
from telephony.configdoc.schema import describe
from telephony.extensions.service import ExtensionInput, ExtensionService
from telephony.models import open_database
from telephony.models.callcenter import Queue
from telephony.models.conference import ConferenceRoom


@pytest.fixture
def doc_db(tmp_path):
    db = open_database(tmp_path / "db" / "pbx.sqlite3")
    ExtensionService().create(ExtensionInput("1001", "Alice", "Passw0rd99"))
    Queue.create(number="6000", name="Sales")
    yield db
    db.close()


def rooms_doc(body: str) -> str:
    return "version: 1\nconference_rooms:\n" + body


def room(number: str, **values) -> ConferenceRoom:
    row = ConferenceRoom(number=number, **{k: v for k, v in values.items() if "pin" not in k})
    row.set_pin(values.get("pin", ""))
    row.set_moderator_pin(values.get("moderator_pin", ""))
    row.save()
    return row


def test_conference_rooms_are_exported_with_pin_hashes_and_a_reimport_changes_nothing(doc_db):
    board = room("8000", name="Board", pin="2468", moderator_pin="97531", max_participants=12, record=True)
    room("8001", name="Open", music_when_alone=False, locked=True)
    service = ConfigDocService()
    data = service.export_document()
    assert data["conference_rooms"] == [
        {
            "number": "8000",
            "name": "Board",
            "pin_hash": board.pin_hash,
            "moderator_pin_hash": board.moderator_pin_hash,
            "max_participants": 12,
            "music_when_alone": True,
            "entry_exit_tones": True,
            "locked": False,
            "record": True,
        },
        {
            "number": "8001",
            "name": "Open",
            "pin_hash": "",
            "moderator_pin_hash": "",
            "max_participants": 60,
            "music_when_alone": False,
            "entry_exit_tones": True,
            "locked": True,
            "record": False,
        },
    ]
    text = service.export_text()
    assert "2468" not in text and "97531" not in text
    result = service.import_text(text)
    assert result.counts["conference_rooms"].unchanged == 2 and service.export_text() == text
    assert ConferenceRoom.get(ConferenceRoom.number == "8000").role_for("97531") == "moderator"
    assert "conference_rooms: list of mappings" in describe()


def test_conference_rooms_are_imported_with_pins_hashed_and_unlisted_ones_deleted(doc_db):
    old = room("8001", name="Old")
    kept = room("8000", name="Board", pin="2468")
    result = ConfigDocService().import_text(
        rooms_doc(
            '  - {number: "8000", name: Board room, pin: "2468", moderator_pin: "1357", max_participants: 60}\n'
            '  - {number: "8002", name: Sales, record: true}\n'
        )
    )
    counts = result.counts["conference_rooms"]
    assert (counts.created, counts.updated, counts.deleted) == (1, 1, 1)
    board = ConferenceRoom.get(ConferenceRoom.number == "8000")
    assert board.pin_hash == kept.pin_hash  # the same PIN keeps its hash
    assert board.role_for("1357") == "moderator" and board.role_for("2468") == "participant"
    assert board.role_for("0000") is None and board.name == "Board room"
    sales = ConferenceRoom.get(ConferenceRoom.number == "8002")
    assert sales.record and sales.pin_hash == "" and sales.role_for("") == "participant"
    assert ConferenceRoom.get_or_none(ConferenceRoom.id == old.id) is None


@pytest.mark.parametrize(
    ("body", "key", "en", "zh"),
    [
        (
            '  - {number: "80a"}\n',
            "conference_rooms[0].number",
            "80a is not 2 to 8 digits",
            "不是 2 到 8 位数字",
        ),
        ('  - {number: "1001"}\n', "conference_rooms[0].number", "1001 is already used", "1001 已被使用"),
        ('  - {number: "6000"}\n', "conference_rooms[0].number", "6000 is already used", "6000 已被使用"),
        ('  - {number: "8000", pin: "12"}\n', "conference_rooms[0].pin", "3 to 12 digits", "3 到 12 位数字"),
        (
            '  - {number: "8000", moderator_pin: "12345678901234"}\n',
            "conference_rooms[0].moderator_pin",
            "3 to 12 digits",
            "3 到 12 位数字",
        ),
        (
            '  - {number: "8000", pin: "2468", pin_hash: "pbkdf2_sha256$1$aa$bb"}\n',
            "conference_rooms[0].pin",
            "give pin or pin_hash, not both",
            "只能给出一个",
        ),
        (
            '  - {number: "8000", pin: "2468", moderator_pin: "2468"}\n',
            "conference_rooms[0].moderator_pin",
            "must differ from the PIN",
            "不能与参会密码相同",
        ),
        ('  - {number: "8000", max_participants: 500}\n', "conference_rooms[0].max_participants", "", ""),
        ('  - {number: "8000", locked: maybe}\n', "conference_rooms[0].locked", "", ""),
        ('  - {number: "8000"}\n  - {number: "8000"}\n', "conference_rooms[1].number", "", ""),
    ],
)
def test_a_bad_conference_room_is_refused_by_its_key_path_in_both_languages_and_nothing_changes(
    doc_db, body, key, en, zh
):
    room("8009", name="Before", pin="2468")
    before = ConfigDocService().export_text()
    document = rooms_doc('  - {number: "8003", name: Fine}\n' + body)
    key = key.replace("[1]", "[2]").replace("[0]", "[1]")
    with pytest.raises(ConfigDocError) as info:
        ConfigDocService().import_text(document)
    assert info.value.key == key
    assert en in info.value.render("en") and zh in info.value.render("zh-CN")
    assert ConfigDocService().export_text() == before  # all or nothing: 8003 was not added, 8009 not deleted


def test_a_document_deleting_a_room_an_inbound_route_it_keeps_goes_to_is_refused(doc_db):
    from telephony.routing.service import InboundRouteInput, RoutingService

    room("8000", name="Board")
    RoutingService().save_route(InboundRouteInput(trunk="e1", did="95599", destination="8000"))
    with pytest.raises(ConfigDocError) as info:
        ConfigDocService().import_text(
            rooms_doc("  []\n").replace("conference_rooms:\n  []", "conference_rooms: []")
        )
    assert info.value.key == "conference_rooms" and "8000" in str(info.value)
    assert ConferenceRoom.select().count() == 1


def test_inbound_routes_of_the_same_document_may_go_to_a_new_room(doc_db):
    ConfigDocService().import_text(
        "version: 1\n"
        'conference_rooms:\n  - {number: "8100", name: Town hall}\n'
        'inbound_routes:\n  - {trunk: e1, did: "95599", destination: "8100"}\n'
    )
    assert ConferenceRoom.get(ConferenceRoom.number == "8100").name == "Town hall"

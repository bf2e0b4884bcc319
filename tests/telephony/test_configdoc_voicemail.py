"""Mailboxes in the configuration document: exported with PIN hashes, imported with checks by key path,
a re-import of an export changing nothing, and recordings never deleted by a document."""

from __future__ import annotations

import pytest

from telephony.configdoc import ConfigDocError, ConfigDocService
from telephony.extensions.service import ExtensionInput, ExtensionService
from telephony.models import open_database
from telephony.models.voicemail import Mailbox, VoicemailMessage


@pytest.fixture
def doc_db(tmp_path):
    db = open_database(tmp_path / "db" / "pbx.sqlite3")
    ExtensionService().create(ExtensionInput("1001", "Alice", "Passw0rd99"))
    ExtensionService().create(ExtensionInput("1002", "Bob", "Passw0rd88"))
    yield db
    db.close()


def mailboxes_doc(body: str) -> str:
    return "version: 1\nmailboxes:\n" + body


def test_mailboxes_are_exported_with_pin_hashes_and_a_reimport_changes_nothing(doc_db):
    box = Mailbox(number="1001", email="alice@example.com", on_busy=False, max_messages=9)
    box.set_pin("4321")
    box.save()
    service = ConfigDocService()
    data = service.export_document()
    assert data["mailboxes"] == [
        {
            "number": "1001",
            "pin_hash": box.pin_hash,
            "email": "alice@example.com",
            "max_message_seconds": 120,
            "max_messages": 9,
            "on_no_answer": True,
            "on_busy": False,
            "attach_audio": True,
            "enabled": True,
        }
    ]
    text = service.export_text()
    assert "4321" not in text
    result = service.import_text(text)
    assert result.counts["mailboxes"].unchanged == 1 and service.export_text() == text


def test_mailboxes_are_imported_with_a_pin_hashed_and_unlisted_ones_deleted(doc_db):
    Mailbox.create(number="1002")
    result = ConfigDocService().import_text(
        mailboxes_doc('  - {number: "1001", pin: "2468", email: a@example.com, on_no_answer: false}\n')
    )
    counts = result.counts["mailboxes"]
    assert (counts.created, counts.deleted) == (1, 1)
    box = Mailbox.get(Mailbox.number == "1001")
    assert box.check_pin("2468") and box.email == "a@example.com" and not box.on_no_answer
    assert Mailbox.get_or_none(Mailbox.number == "1002") is None


@pytest.mark.parametrize(
    ("body", "key", "message"),
    [
        ('  - {number: "9999", pin: "2468"}\n', "mailboxes[0].number", "config.mailbox.number"),
        ('  - {number: "1001"}\n', "mailboxes[0].pin", "config.mailbox.pin"),
        ('  - {number: "1001", pin: "12"}\n', "mailboxes[0].pin", "config.mailbox.pin"),
        ('  - {number: "1001", pin: "2468", email: nope}\n', "mailboxes[0].email", "config.mailbox.email"),
    ],
)
def test_a_bad_mailbox_is_refused_by_its_key_path_and_nothing_changes(doc_db, body, key, message):
    with pytest.raises(ConfigDocError) as info:
        ConfigDocService().import_text(mailboxes_doc(body))
    assert (info.value.key, info.value.message) == (key, message)
    assert Mailbox.select().count() == 0


def test_a_document_never_deletes_a_mailbox_holding_messages(doc_db):
    box = Mailbox.create(number="1002")
    VoicemailMessage.create(mailbox=box, caller="1001", path="voicemail/1002/a.wav", duration=2.0)
    with pytest.raises(ConfigDocError) as info:
        ConfigDocService().import_text(mailboxes_doc('  - {number: "1001", pin: "2468"}\n'))
    assert info.value.message == "config.mailbox.has_messages"
    assert "holds 1 messages" in str(info.value) and Mailbox.select().count() == 1

"""Voicemail retention: age limits per folder, a box-wide quota oldest first, the free-disk reserve.

The rules run against a real SQLite database and real files, with the free space given by a
function; the last test runs them inside the running box (pbx-core sweeps on its own timer).
"""

from __future__ import annotations

import datetime as dt

import pytest

from telephony.models import Mailbox, Setting, VoicemailMessage, open_database, utcnow
from telephony.voicemail.retention import MB, LimitsInvalid, Retention, limits, save_limits
from tests.support.box import Box, wait_until

NOW = dt.datetime(2026, 11, 30, 12, 0, 0)


@pytest.fixture
def media(tmp_path):
    open_database(tmp_path / "pbx.sqlite3")
    folder = tmp_path / "media"
    folder.mkdir()
    return folder


def put(media, mailbox: Mailbox, days_old: float, folder: str = "new", size: int = 1000) -> VoicemailMessage:
    path = media / "voicemail" / mailbox.number / f"m{VoicemailMessage.select().count()}-{days_old}.wav"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\0" * size)
    return VoicemailMessage.create(
        mailbox=mailbox,
        received_at=NOW - dt.timedelta(days=days_old),
        path=str(path.relative_to(media)),
        folder=folder,
        heard=folder == "saved",
    )


def left(media) -> list[str]:
    rows = VoicemailMessage.select().order_by(VoicemailMessage.id)
    for row in rows:
        assert (media / row.path).is_file(), row.path
    return [f"{r.mailbox.number}:{r.folder}:{(NOW - r.received_at).days}" for r in rows]


def test_retention_with_no_limits_deletes_nothing(media):
    box = Mailbox.create(number="1001")
    for days in (1, 400, 4000):
        put(media, box, days)
    assert Retention(media, now=lambda: NOW).run() == {"new_by_age": 0, "saved_by_age": 0, "by_quota": 0}
    assert len(left(media)) == 3


def test_retention_deletes_new_and_saved_messages_older_than_their_own_limits(media):
    box = Mailbox.create(number="1001")
    old_new = put(media, box, 10)
    put(media, box, 5)
    put(media, box, 20, "saved")
    old_saved = put(media, box, 40, "saved")
    save_limits({"voicemail_keep_new_days": "7", "voicemail_keep_saved_days": "30"})
    assert Retention(media, now=lambda: NOW).run() == {"new_by_age": 1, "saved_by_age": 1, "by_quota": 0}
    assert left(media) == ["1001:new:5", "1001:saved:20"]
    assert not (media / old_new.path).exists() and not (media / old_saved.path).exists()


def test_retention_quota_deletes_the_oldest_messages_of_any_mailbox_until_all_fit(media):
    a, b = Mailbox.create(number="1001"), Mailbox.create(number="1002")
    put(media, a, 9, size=MB // 2)
    put(media, b, 8, "saved", size=MB // 2)
    put(media, a, 7, size=MB // 2)
    put(media, b, 1, size=MB // 2)
    Setting.set_value("voicemail_quota_mb", "1")
    retention = Retention(media, now=lambda: NOW)
    assert retention.run()["by_quota"] == 2
    assert left(media) == ["1001:new:7", "1002:new:1"]
    assert retention.used_bytes() == MB
    assert retention.run()["by_quota"] == 0  # fits now: nothing more goes


def test_retention_a_message_whose_file_is_gone_is_still_removed_and_counts_nothing(media):
    box = Mailbox.create(number="1001")
    gone = put(media, box, 30)
    (media / gone.path).unlink()
    Setting.set_value("voicemail_keep_new_days", "7")
    assert Retention(media, now=lambda: NOW).run()["new_by_age"] == 1
    assert VoicemailMessage.select().count() == 0


def test_retention_low_space_follows_the_injected_free_space_and_the_reserve(media):
    free = {"mb": 500.0}
    retention = Retention(media, free_mb=lambda: free["mb"])
    assert limits().reserve_mb == 100  # the default reserve
    assert not retention.low_space()
    free["mb"] = 99.5
    assert retention.low_space()
    Setting.set_value("voicemail_reserve_mb", "0")  # no reserve: never low
    assert not retention.low_space()
    Setting.set_value("voicemail_reserve_mb", "50")
    assert not retention.low_space()
    status = retention.status()
    assert status["reserve_mb"] == 50 and status["free_mb"] == 99.5 and status["low_space"] is False


def test_retention_an_unknown_free_space_counts_as_low(media):
    def broken() -> float:
        raise OSError("media disk gone")

    assert Retention(media, free_mb=broken).low_space()


def test_retention_bad_settings_are_refused_by_key_in_both_languages_and_nothing_is_stored(media):
    save_limits({"voicemail_keep_new_days": "30"})
    with pytest.raises(LimitsInvalid) as caught:
        save_limits(
            {"voicemail_keep_new_days": "7", "voicemail_quota_mb": "-1", "voicemail_reserve_mb": "lots"}
        )
    errors = caught.value.errors
    assert set(errors) == {"voicemail_quota_mb", "voicemail_reserve_mb"}
    assert "voicemail_quota_mb: a whole number from 0 to" in errors["voicemail_quota_mb"]["en"]
    assert "'lots'" in caught.value.render("en")["voicemail_reserve_mb"]
    assert "必须是 0 到" in caught.value.render("zh-CN")["voicemail_reserve_mb"]
    assert limits().keep_new_days == 30  # all or nothing: the good value was not stored either
    assert save_limits({"keep_saved_days": "90"}).keep_saved_days == 90  # short names too
    assert limits().keep_new_days == 30  # the others keep their stored value


def test_retention_a_bad_stored_value_counts_as_its_default(media):
    Setting.set_value("voicemail_reserve_mb", "oops")
    Setting.set_value("voicemail_keep_new_days", "-3")
    assert limits().reserve_mb == 100 and limits().keep_new_days == 0


# --- in the running box -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def retention_box(tmp_path_factory):
    box = Box(tmp_path_factory.mktemp("vm-retention"), rtp_port=27600)
    box.env["PBX_VOICEMAIL_RETENTION_SECONDS"] = "1"
    box.start()
    yield box
    box.stop()


def test_retention_pbx_core_sweeps_old_messages_on_its_own(retention_box):
    box = retention_box
    box.db()
    media = box.cfg.media_dir
    mailbox = Mailbox.create(number="1001")

    def message(days: int) -> VoicemailMessage:
        path = media / "voicemail" / "1001" / f"sweep-{days}.wav"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"RIFF")
        return VoicemailMessage.create(
            mailbox=mailbox, received_at=utcnow() - dt.timedelta(days=days), path=str(path.relative_to(media))
        )

    old, recent = message(10), message(1)
    Setting.set_value("voicemail_keep_new_days", "5")
    wait_until(
        lambda: VoicemailMessage.get_or_none(VoicemailMessage.id == old.id) is None, 15, "the core's sweep"
    )
    assert not (media / old.path).exists()
    assert VoicemailMessage.get_or_none(VoicemailMessage.id == recent.id) is not None
    assert (media / recent.path).is_file()

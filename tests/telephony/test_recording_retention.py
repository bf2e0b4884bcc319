"""Retention of recordings (by age, by a disk quota oldest first, the free-space reserve with a fake
free-space function), the recovery of files a killed pbx-core left open, and rule matching."""

from __future__ import annotations

import datetime as dt
import struct
import wave

import pytest

from telephony.models import Setting, open_database, utcnow
from telephony.models.recording import Recording, RecordingRule
from telephony.recording import files, retention
from telephony.recording.rules import CallFacts, decide
from tests.support import audio

MB = 1024 * 1024


@pytest.fixture
def media(tmp_path):
    open_database(tmp_path / "db.sqlite3")
    return tmp_path / "media"


def put(media, name: str, age_days: float, size: int, state: str = "done") -> Recording:
    path = media / "recordings" / f"{name}.wav"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\0" * size)
    return Recording.create(
        uniqueid=name,
        started=utcnow() - dt.timedelta(days=age_days),
        path=str(path.relative_to(media)),
        size=size,
        state=state,
    )


def names() -> list[str]:
    return sorted(r.uniqueid for r in Recording.select())


def test_recordings_older_than_the_retention_days_are_deleted_with_their_files(media):
    Setting.set_value("recording_retention_days", "30")
    old, young = put(media, "old", 31, 1000), put(media, "young", 29, 1000)
    busy = put(media, "busy", 40, 1000, state="recording")  # a call still being recorded stays
    assert retention.Retention(media, lambda: 10_000).run() == {"by_age": 1, "by_quota": 0}
    assert names() == ["busy", "young"]
    assert not (media / old.path).exists() and (media / young.path).exists() and (media / busy.path).exists()


def test_a_quota_deletes_the_oldest_until_the_recordings_fit(media):
    Setting.set_value("recording_quota_mb", "2")
    for n, age in enumerate([5, 1, 3, 2]):
        put(media, f"r{n}-{age}d", age, MB)
    result = retention.Retention(media, lambda: 10_000).run()
    assert result == {"by_age": 0, "by_quota": 2}
    assert names() == ["r1-1d", "r3-2d"]  # the two newest, 2 MB in all
    assert sorted(p.name for p in (media / "recordings").glob("*.wav")) == ["r1-1d.wav", "r3-2d.wav"]
    assert retention.Retention(media, lambda: 10_000).run() == {"by_age": 0, "by_quota": 0}


def test_no_limits_delete_nothing(media):
    put(media, "a", 3000, MB)
    assert retention.Retention(media, lambda: 1).run() == {"by_age": 0, "by_quota": 0} and names() == ["a"]


def test_free_space_below_the_reserve_is_low_space(media):
    free = {"mb": 500.0}
    keeper = retention.Retention(media, lambda: free["mb"])
    Setting.set_value("recording_reserve_mb", "200")
    assert not keeper.low_space()
    free["mb"] = 199.0
    assert keeper.low_space() and keeper.status()["low_space"] is True
    Setting.set_value("recording_reserve_mb", "0")  # no reserve asked for
    assert not keeper.low_space()
    assert retention.disk_free_mb(media / "not" / "there") > 0  # the real disk, by its nearest parent


def test_a_bad_stored_limit_counts_as_its_default(media):
    Setting.set_value("recording_reserve_mb", "lots")
    assert retention.limits().reserve_mb == 200


def unfinished_wav(path, seconds: float, channels_hz=(1000,)) -> None:
    """A WAV as pjsua2's writer leaves it when killed: header sizes still zero."""
    audio.write_tone(path, channels_hz[0], seconds=seconds)
    with open(path, "r+b") as fh:
        fh.seek(4)
        fh.write(struct.pack("<I", 0))
        fh.seek(40)
        fh.write(struct.pack("<I", 0))


def test_finish_file_repairs_a_mixed_file_and_merges_stereo_parts(media):
    from telephony.recording.service import finish_file

    mixed = media / "m.wav"
    mixed.parent.mkdir(parents=True)
    unfinished_wav(mixed, 2.0)
    seconds, size = finish_file(mixed, "mixed")
    assert abs(seconds - 2.0) < 0.01 and size == mixed.stat().st_size
    stereo = media / "s.wav"
    caller, callee = files.part_paths(stereo)
    unfinished_wav(caller, 1.5, (1000,))
    unfinished_wav(callee, 1.5, (400,))
    seconds, _ = finish_file(stereo, "stereo")
    assert abs(seconds - 1.5) < 0.01 and not caller.exists() and not callee.exists()
    with wave.open(str(stereo), "rb") as wav:
        assert wav.getnchannels() == 2
        frames = wav.readframes(wav.getnframes())
    import array

    samples = array.array("h", frames)
    left, right = samples[0::2], samples[1::2]
    assert audio.dominant(left, [400, 1000]) == 1000 and audio.dominant(right, [400, 1000]) == 400


def facts(**kw) -> CallFacts:
    base = {"caller": "1001", "callee": "1002", "extensions": ("1001", "1002")}
    return CallFacts(**{**base, **kw})


@pytest.mark.parametrize(
    ("rule", "call", "recorded"),
    [
        ({"kind": "all"}, facts(), True),
        ({"kind": "extension", "value": "1002"}, facts(), True),
        ({"kind": "extension", "value": "1003"}, facts(), False),
        ({"kind": "queue", "value": "600"}, facts(callee="600", queue="600", queue_id="q1"), True),
        ({"kind": "queue", "value": "600"}, facts(callee="600"), False),  # dialed 600 but no queue
        ({"kind": "trunk", "value": "fxo1"}, facts(trunk="fxo1", direction="inbound"), True),
        ({"kind": "trunk", "value": "e1"}, facts(trunk="e1/5", direction="outbound"), True),
        ({"kind": "trunk", "value": "pstn"}, facts(trunk="fxo2", trunk_groups=("pstn",)), True),
        ({"kind": "trunk", "value": "fxo1"}, facts(trunk="fxo2"), False),
        ({"kind": "direction", "value": "outbound"}, facts(direction="outbound"), True),
        ({"kind": "direction", "value": "outbound"}, facts(direction="internal"), False),
        ({"kind": "all", "enabled": False}, facts(), False),
    ],
)
def test_rules_match_by_kind(media, rule, call, recorded):
    RecordingRule.create(**{"mode": "stereo", **rule})
    decision = decide(call)
    assert (decision is not None) == recorded
    if recorded:
        assert decision.mode == "stereo" and decision.trigger.startswith("rule:")


def test_the_first_matching_rule_decides(media):
    first = RecordingRule.create(kind="direction", value="internal", mode="mixed", announce=True)
    RecordingRule.create(kind="all", mode="stereo")
    decision = decide(facts())
    assert (decision.mode, decision.announce, decision.trigger) == ("mixed", True, f"rule:{first.id}")
    assert decide(facts(direction="inbound")).mode == "stereo"

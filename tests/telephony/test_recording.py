"""End to end: call recording on the running box with real pjsua2 phones.

The caller sends 1000 Hz and the callee 400 Hz; a recorded call gives a valid WAV of the talk
time holding both (mixed) or each in its own channel (stereo). Rules decide which calls are
recorded, `*1` records on demand, a full disk (a fake free-space figure) stops recording, and
a pbx-core killed mid-call leaves a file that is repaired at the next start.
"""

from __future__ import annotations

import os
import signal
import time
import wave

import pytest

from tests.support import audio
from tests.support.box import Box, wait_until

SECRET = "Secr3tPass9"
CALLER_HZ, CALLEE_HZ, BEEP_HZ = 1000, 400, 1400


@pytest.fixture(scope="module")
def rec_box(tmp_path_factory):
    box = Box(tmp_path_factory.mktemp("recording"), rtp_port=28000)
    box.env["PBX_TEST_RECORDING"] = "1"  # lets the test pretend the disk is nearly full
    box.start()
    for number in ("1001", "1002", "1003"):
        box.add_extension(number, SECRET, f"Phone {number}")
    box.db()
    from telephony.models import Setting
    from telephony.models.callcenter import Agent, Queue, QueueMember
    from telephony.models.lines import InboundRoute

    Setting.set_value("prompt_language", "en")
    sales = Queue.create(number="6000", name="Sales", strategy="ring-all", ring_timeout=20)
    agent = Agent.create(number="801", name="Agent 801", default_extension="1003")
    agent.set_pin("24680")
    agent.save()
    QueueMember.create(queue=sales, agent=agent)
    InboundRoute.create(trunk="e1", did="88001234", destination="1002")
    box.control.reload()
    yield box
    box.stop()


@pytest.fixture
def phones(phone_host, rec_box, tmp_path):
    def make(number: str, freq: int):
        phone = phone_host.phone(rec_box.sip, number, SECRET)
        phone.record_dir = tmp_path
        phone.play_path = audio.write_tone(tmp_path / f"tone-{freq}.wav", freq, seconds=60.0)
        phone_host.wait(lambda: phone.registered, 10, f"{number} registered")
        return phone

    yield make
    phone_host.drop_phones()


@pytest.fixture
def rules(rec_box):
    """Replace the recording rules for one test; none are left afterwards."""
    from telephony.models.recording import RecordingRule

    def set_rules(*specs: dict) -> None:
        rec_box.db()
        RecordingRule.delete().execute()
        for spec in specs:
            RecordingRule.create(**spec)

    yield set_rules
    rec_box.db()
    RecordingRule.delete().execute()


def recordings(box: Box) -> list:
    from telephony.models.recording import Recording

    box.db()
    return list(Recording.select().order_by(Recording.id))


def wait_done(box: Box, count: int) -> list:
    wait_until(
        lambda: len(rows := recordings(box)) >= count and all(r.state != "recording" for r in rows),
        15,
        f"{count} finished recording rows",
    )
    return recordings(box)


def talk_seconds(box: Box, uniqueid: str) -> float:
    """The call's talk time as the box billed it: answer to end in its CDR."""
    from telephony.models import Cdr

    box.db()
    wait_until(lambda: Cdr.get_or_none(Cdr.uniqueid == uniqueid) is not None, 10, "the call's CDR")
    cdr = Cdr.get(Cdr.uniqueid == uniqueid)
    return (cdr.end - cdr.answer).total_seconds()


def talk(phone_host, seconds: float) -> None:
    end = time.monotonic() + seconds
    phone_host.wait(lambda: time.monotonic() > end, seconds + 1, "the phones talking")


def place_call(phone_host, caller, callee_number: str, callee):
    call = caller.call(callee_number)
    phone_host.wait(lambda: call.confirmed and call.media_active, 10, "the call to be answered")
    phone_host.wait(lambda: callee.incoming and callee.incoming[-1].media_active, 10, "the callee's media")
    return call


def channels(path) -> tuple[int, list]:
    """(channel count, samples per channel) of a finished WAV."""
    import array

    with wave.open(str(path), "rb") as wav:
        n, frames = wav.getnchannels(), wav.readframes(wav.getnframes())
        assert (wav.getsampwidth(), wav.getframerate()) == (2, 8000)
    samples = array.array("h", frames)
    return n, [samples[i::n] for i in range(n)]


def power(samples, freq: float) -> float:
    return audio.goertzel(samples[4000:], freq)


def test_given_a_rule_for_the_callee_when_they_talk_then_a_mixed_wav_of_the_talk_time_holds_both(
    rec_box, phones, phone_host, rules
):
    rules({"kind": "extension", "value": "1002", "mode": "mixed"})
    before = len(recordings(rec_box))
    caller, callee = phones("1001", CALLER_HZ), phones("1002", CALLEE_HZ)
    call = place_call(phone_host, caller, "1002", callee)
    started = time.monotonic()
    talk(phone_host, 4.0)
    callee.incoming[-1].hangup_now()  # the far end drops: the file must still be valid
    talked = time.monotonic() - started
    phone_host.wait(lambda: call.disconnected, 5, "the caller to be cleared")
    rows = wait_done(rec_box, before + 1)
    row = rows[-1]
    assert (row.caller, row.callee, row.direction, row.mode, row.state) == (
        "1001",
        "1002",
        "internal",
        "mixed",
        "done",
    )
    assert set(row.extension.split(",")) == {"1001", "1002"} and row.trigger.startswith("rule:")
    path = rec_box.cfg.media_dir / row.path
    assert path.is_file() and row.size == path.stat().st_size
    n, (mono,) = channels(path)
    seconds = len(mono) / 8000
    assert n == 1 and abs(seconds - talk_seconds(rec_box, row.uniqueid)) <= 0.5
    assert abs(seconds - talked) <= 1.0, (seconds, talked)  # as the phones saw it (SIP round trips)
    assert abs(row.duration - seconds) < 0.05
    quiet = audio.goertzel(mono[4000:], 700)
    assert power(mono, CALLER_HZ) > 0.01 and power(mono, CALLEE_HZ) > 0.01, "both parties in the mix"
    assert quiet < 0.001


def test_given_a_stereo_rule_then_the_caller_is_left_and_the_callee_right(rec_box, phones, phone_host, rules):
    rules({"kind": "direction", "value": "internal", "mode": "stereo"})
    before = len(recordings(rec_box))
    caller, callee = phones("1001", CALLER_HZ), phones("1003", CALLEE_HZ)
    call = place_call(phone_host, caller, "1003", callee)
    started = time.monotonic()
    talk(phone_host, 3.0)
    call.hangup_now()
    talked = time.monotonic() - started
    phone_host.wait(lambda: callee.incoming[-1].disconnected, 5, "the callee to be cleared")
    row = wait_done(rec_box, before + 1)[-1]
    assert (row.mode, row.state, row.callee) == ("stereo", "done", "1003")
    path = rec_box.cfg.media_dir / row.path
    n, (left, right) = channels(path)
    assert n == 2 and abs(len(left) / 8000 - talk_seconds(rec_box, row.uniqueid)) <= 0.5
    assert abs(len(left) / 8000 - talked) <= 1.0
    assert power(left, CALLER_HZ) > 0.01 and power(left, CALLEE_HZ) < power(left, CALLER_HZ) / 50
    assert power(right, CALLEE_HZ) > 0.01 and power(right, CALLER_HZ) < power(right, CALLEE_HZ) / 50
    assert not list(path.parent.glob("*.part.wav")), "the mono parts are removed after the merge"


def test_a_call_no_rule_matches_is_not_recorded(rec_box, phones, phone_host, rules):
    rules(
        {"kind": "extension", "value": "1003", "mode": "mixed"},
        {"kind": "direction", "value": "inbound", "mode": "mixed"},
        {"kind": "trunk", "value": "fxo1", "mode": "mixed"},
        {"kind": "all", "value": "", "mode": "mixed", "enabled": False},
    )
    before, cdrs = len(recordings(rec_box)), len(rec_box.cdrs())
    caller, callee = phones("1001", CALLER_HZ), phones("1002", CALLEE_HZ)
    call = place_call(phone_host, caller, "1002", callee)
    talk(phone_host, 1.0)
    call.hangup_now()
    wait_until(lambda: len(rec_box.cdrs()) > cdrs, 10, "the call's CDR")
    assert len(recordings(rec_box)) == before


def test_star1_starts_and_stops_recording_on_demand_with_a_beep_to_both(rec_box, phones, phone_host, rules):
    rules()
    before = len(recordings(rec_box))
    caller, callee = phones("1001", CALLER_HZ), phones("1002", CALLEE_HZ)
    call = place_call(phone_host, caller, "1002", callee)
    talk(phone_host, 1.0)
    callee.incoming[-1].dialDtmf("*1")
    wait_until(lambda: len(recordings(rec_box)) == before + 1, 10, "recording to start on *1")
    started = time.monotonic()
    talk(phone_host, 3.0)
    call.dialDtmf("*1")  # the other party stops it
    wait_until(lambda: recordings(rec_box)[-1].state == "done", 10, "recording to stop on the second *1")
    stopped = time.monotonic() - started
    assert not call.disconnected, "the call goes on"
    row = recordings(rec_box)[-1]
    assert row.trigger == "on-demand" and row.mode == "mixed"
    _, (mono,) = channels(rec_box.cfg.media_dir / row.path)
    assert abs(len(mono) / 8000 - stopped) <= 0.7, (len(mono) / 8000, stopped)
    assert power(mono, CALLER_HZ) > 0.01 and power(mono, CALLEE_HZ) > 0.01
    talk(phone_host, 0.5)
    call.hangup_now()
    phone_host.wait(lambda: call.disconnected, 5, "hang-up")
    # Both phones heard the beep (1400 Hz) among the other party's tone.
    for heard in (call.record_path, callee.incoming[-1].record_path):
        samples = audio.read_pcm(heard)
        windows = [samples[i : i + 800] for i in range(0, len(samples) - 800, 400)]
        assert any(audio.goertzel(w, BEEP_HZ) > 0.01 for w in windows), heard
    assert len(recordings(rec_box)) == before + 1


def test_given_free_space_below_the_reserve_then_no_recording_starts(rec_box, phones, phone_host, rules):
    rules({"kind": "all", "value": "", "mode": "mixed"})
    before, cdrs = len(recordings(rec_box)), len(rec_box.cdrs())
    rec_box.control.post("/recording/test_free", {"mb": 50})  # reserve: 200 MB by default
    try:
        assert rec_box.control.get("/recording/status")["low_space"] is True
        caller, callee = phones("1001", CALLER_HZ), phones("1002", CALLEE_HZ)
        call = place_call(phone_host, caller, "1002", callee)
        talk(phone_host, 1.0)
        call.hangup_now()
        wait_until(lambda: len(rec_box.cdrs()) > cdrs, 10, "the call's CDR")
        assert len(recordings(rec_box)) == before
        log = (rec_box.cfg.log_dir / "pbx-core.log").read_text(errors="replace")
        assert "below the 200 MB reserve" in log
    finally:
        rec_box.control.post("/recording/test_free", {"mb": None})
    assert rec_box.control.get("/recording/status")["low_space"] is False


def test_a_recording_survives_pbx_core_killed_mid_call(rec_box, phones, phone_host, rules):
    rules({"kind": "all", "value": "", "mode": "mixed"})
    before = len(recordings(rec_box))
    caller, callee = phones("1001", CALLER_HZ), phones("1002", CALLEE_HZ)
    place_call(phone_host, caller, "1002", callee)
    wait_until(lambda: len(recordings(rec_box)) == before + 1, 10, "the recording row")
    started = time.monotonic()
    talk(phone_host, 3.0)
    old_pid = int(rec_box.supervisorctl("pid", "pbx-core").strip())
    os.kill(old_pid, signal.SIGKILL)
    talked = time.monotonic() - started
    row = recordings(rec_box)[-1]
    path = rec_box.cfg.media_dir / row.path
    assert row.state == "recording"

    def restarted() -> bool:
        out = rec_box.supervisorctl("pid", "pbx-core").strip()
        return out.isdigit() and int(out) not in (0, old_pid) and rec_box.core_healthy()

    wait_until(restarted, 30, "supervisord to restart pbx-core")
    row = wait_done(rec_box, before + 1)[-1]
    assert row.state == "repaired"
    with wave.open(str(path), "rb") as wav:  # the header now tells the real length
        assert (wav.getnchannels(), wav.getframerate()) == (1, 8000)
        seconds = wav.getnframes() / 8000
    assert abs(seconds - talked) <= 0.6, (seconds, talked)
    assert abs(row.duration - seconds) < 0.05 and row.size == path.stat().st_size
    _, (mono,) = channels(path)
    assert power(mono, CALLER_HZ) > 0.01 and power(mono, CALLEE_HZ) > 0.01


def test_given_a_queue_rule_then_a_queue_call_is_recorded_with_its_queue_and_agent(
    rec_box, phones, phone_host, rules
):
    rules({"kind": "queue", "value": "6000", "mode": "mixed"})
    before = len(recordings(rec_box))
    caller, agent_phone = phones("1001", CALLER_HZ), phones("1003", CALLEE_HZ)
    rec_box.control.post("/acd/agents/login", {"agent": "801", "contact": "1003"})
    try:
        call = place_call(phone_host, caller, "6000", agent_phone)
        talk(phone_host, 3.0)
        call.hangup_now()
        phone_host.wait(lambda: agent_phone.incoming[-1].disconnected, 10, "the agent to be cleared")
    finally:
        rec_box.control.post("/acd/agents/logout", {"agent": "801"})
    row = wait_done(rec_box, before + 1)[-1]
    assert (row.caller, row.callee, row.queue, row.agent) == ("1001", "6000", "6000", "801")
    assert row.trigger.startswith("rule:") and "1003" in row.extension.split(",")
    _, (mono,) = channels(rec_box.cfg.media_dir / row.path)
    assert abs(len(mono) / 8000 - talk_seconds(rec_box, row.uniqueid)) <= 0.5
    assert power(mono, CALLER_HZ) > 0.01 and power(mono, CALLEE_HZ) > 0.01


def sim(box: Box, verb: str, **args):
    from telephony.control.client import ControlClient

    return ControlClient(box.cfg.control_url, timeout=30).post(f"/sim/{verb}", args)["result"]


def test_given_a_trunk_rule_then_an_inbound_e1_call_is_recorded_in_stereo(
    rec_box, phones, phone_host, rules, tmp_path
):
    rules({"kind": "trunk", "value": "e1", "mode": "stereo"})
    before = len(recordings(rec_box))
    callee = phones("1002", CALLEE_HZ)
    sim(rec_box, "e1_call", calling="13800138000", called="88001234")
    phone_host.wait(lambda: callee.incoming and callee.incoming[-1].media_active, 10, "1002 to answer")
    wait_until(lambda: len(recordings(rec_box)) == before + 1, 10, "the recording row")
    row = recordings(rec_box)[-1]
    assert (row.direction, row.caller, row.callee) == ("inbound", "13800138000", "88001234")
    assert row.trunk.startswith("e1/")
    carrier = audio.write_tone(tmp_path / "carrier-600.wav", 600, seconds=3.0)
    sim(rec_box, "play", port=row.trunk, file=str(carrier))
    talk(phone_host, 3.0)
    callee.incoming[-1].hangup_now()
    row = wait_done(rec_box, before + 1)[-1]
    n, (left, right) = channels(rec_box.cfg.media_dir / row.path)
    assert n == 2 and row.mode == "stereo"
    assert audio.dominant(left, [400, 600, 1000]) == 600 and audio.goertzel(left, 600) > 0.01
    assert audio.dominant(right, [400, 600, 1000]) == CALLEE_HZ


def test_given_an_announcing_rule_then_both_parties_hear_that_the_call_is_recorded(
    rec_box, phone_host, rules, tmp_path
):
    rules({"kind": "all", "value": "", "mode": "mixed", "announce": True})
    made = []
    for number in ("1001", "1002"):  # silent phones: whatever they hear is the announcement
        phone = phone_host.phone(rec_box.sip, number, SECRET)
        phone.record_dir = tmp_path
        phone.play_path = audio.write_tone(tmp_path / "silence.wav", 400, seconds=30.0, amplitude=0)
        phone_host.wait(lambda phone=phone: phone.registered, 10, f"{number} registered")
        made.append(phone)
    try:
        caller, callee = made
        call = place_call(phone_host, caller, "1002", callee)

        def spoken(path) -> bool:
            samples = audio.read_pcm(path) if path.exists() else []
            return any(audio.rms(samples[i : i + 1600]) > 500 for i in range(0, len(samples) - 1600, 800))

        heard = callee.incoming[-1]
        phone_host.wait(
            lambda: spoken(call.record_path) and spoken(heard.record_path), 20, "the announcement"
        )
        call.hangup_now()
        phone_host.wait(lambda: heard.disconnected, 10, "hang-up")
    finally:
        phone_host.drop_phones()
    log = (rec_box.cfg.log_dir / "pbx-core.log").read_text(errors="replace")
    assert "This call is being recorded." in log  # the English prompt was made (prompt_language en)


def test_retention_on_demand_in_the_core_keeps_the_newest_under_the_quota(rec_box, rules):
    import datetime as dt

    from telephony.models import Setting, utcnow
    from telephony.models.recording import Recording

    rules()
    rec_box.db()
    for row in Recording.select():
        (rec_box.cfg.media_dir / row.path).unlink(missing_ok=True)
        row.delete_instance()
    made = []
    for n, age in enumerate([3, 1, 2]):  # 600 kB each, 1.8 MB in all
        path = rec_box.cfg.media_dir / "recordings" / "old" / f"r{n}.wav"
        path.parent.mkdir(parents=True, exist_ok=True)
        audio.write_tone(path, 1000, seconds=37.5)
        made.append(
            Recording.create(
                uniqueid=f"old{n}",
                started=utcnow() - dt.timedelta(days=age),
                path=str(path.relative_to(rec_box.cfg.media_dir)),
                size=path.stat().st_size,
                duration=37.5,
                state="done",
            )
        )
    Setting.set_value("recording_quota_mb", "1")
    try:
        assert rec_box.control.post("/recording/retention", {}) == {"by_age": 0, "by_quota": 2}
        assert [r.uniqueid for r in recordings(rec_box)] == ["old1"]
        assert [p.name for p in (rec_box.cfg.media_dir / "recordings" / "old").iterdir()] == ["r1.wav"]
        Setting.set_value("recording_retention_days", "1")
        assert rec_box.control.post("/recording/retention", {}) == {"by_age": 1, "by_quota": 0}
        assert recordings(rec_box) == []
        status = rec_box.control.get("/recording/status")
        assert (status["count"], status["quota_mb"], status["days"]) == (0, 1, 1)
    finally:
        Setting.set_value("recording_quota_mb", "0")
        Setting.set_value("recording_retention_days", "0")

"""Bad input during live calls, end to end with the running box and real pjsua2 phones.

A full disk (the core's free-space figure comes from a file the test writes) before and while a
caller leaves a message: the caller hears why and is hung up by the box, no half-written message
is stored and the messages already there are untouched. A prompt file lost from the disk after
its flow was activated: the IVR logs it and goes on to the next node instead of dropping the
caller. (An HTTP lookup that times out is tests/telephony/test_ivr.py's fallback test.)
"""

from __future__ import annotations

import hashlib
import time

import pytest

from tests.support import audio
from tests.support.box import Box, wait_until

SECRET = "Secr3tPass9"
PLENTY, LOW = "100000", "10"  # MB free; the default reserve is 100 MB


@pytest.fixture(scope="module")
def bad_box(tmp_path_factory):
    data = tmp_path_factory.mktemp("bad-input")
    free_file = data / "free-mb"
    free_file.write_text(PLENTY)
    box = Box(data, rtp_port=27800)
    box.env["PBX_TEST_FREE_MB_FILE"] = str(free_file)
    box.start()
    box.free_file = free_file
    for number in ("1001", "1002", "1003"):
        box.add_extension(number, SECRET, f"Phone {number}")
    box.db()
    from telephony.ivr.validate import activate
    from telephony.models import IvrFlow, IvrNode, Mailbox, Setting

    Setting.set_value("prompt_language", "en")
    Mailbox.create(number="1002", max_message_seconds=30)

    def flow(number: str, entry: str, nodes: dict) -> IvrFlow:
        row = IvrFlow.create(number=number, name=f"IVR {number}", entry=entry, language="en")
        for key, (kind, params, branches) in nodes.items():
            node = IvrNode(flow=row, key=key, kind=kind)
            node.set_params(params)
            node.set_branches(branches)
            node.save()
        return row

    prompts = box.cfg.media_dir / "prompts"
    prompts.mkdir(parents=True, exist_ok=True)
    audio.write_tone(prompts / "lost.wav", 1000, seconds=1.0)
    mail = flow("7400", "vm", {"vm": ("goto", {"target": "voicemail", "number": "1002"}, {})})
    lost = flow(
        "7600",
        "hello",
        {
            "hello": ("play", {"file": "lost.wav"}, {"next": "ring"}),
            "ring": ("goto", {"target": "extension", "number": "1003"}, {}),
        },
    )
    for row in (mail, lost):
        activate(row, box.cfg.media_dir)
    (prompts / "lost.wav").unlink()  # lost after activation (a disk problem, a hand-made delete)
    yield box
    box.stop()


@pytest.fixture
def phones(phone_host, bad_box, tmp_path):
    saved, phone_host.rtp_port = phone_host.rtp_port, 44800

    def make(number: str, answer: int = 200):
        phone = phone_host.phone(bad_box.sip, number, SECRET)
        phone.record_dir = tmp_path
        phone.answer_code = answer
        phone_host.wait(lambda: phone.registered, 10, f"{number} registered")
        return phone

    yield make
    phone_host.drop_phones()
    phone_host.rtp_port = saved
    bad_box.free_file.write_text(PLENTY)


@pytest.fixture
def tone600(tmp_path):
    return audio.write_tone(tmp_path / "tone-600.wav", 600, seconds=30.0)


def messages(box: Box) -> list:
    from telephony.models import Mailbox, VoicemailMessage

    box.db()
    return list(VoicemailMessage.select().join(Mailbox).where(Mailbox.number == "1002"))


def files(box: Box) -> set:
    folder = box.cfg.media_dir / "voicemail" / "1002"
    return set(folder.glob("*.wav")) if folder.exists() else set()


def keep_message(box: Box):
    """A message already in the mailbox, with a digest of its file."""
    from telephony.models import Mailbox, VoicemailMessage

    box.db()
    path = box.cfg.media_dir / "voicemail" / "1002" / f"kept-{time.monotonic_ns()}.wav"
    path.parent.mkdir(parents=True, exist_ok=True)
    audio.write_tone(path, 1400, seconds=2.0)
    row = VoicemailMessage.create(
        mailbox=Mailbox.get(Mailbox.number == "1002"),
        caller="1003",
        duration=2.0,
        path=str(path.relative_to(box.cfg.media_dir)),
    )
    return row, path, hashlib.sha256(path.read_bytes()).hexdigest()


def spoken(box: Box, key: str):
    from telephony.prompts import Prompts
    from telephony.voicemail.service import SAY

    return Prompts(box.cfg.media_dir).path(SAY["en"][key], "en")


def heard_speech(call, start: float = 0.0) -> bool:
    pcm = audio.read_pcm(call.record_path)[int(audio.RATE * start) :]
    return audio.rms(pcm) > 200


def test_given_a_disk_below_its_reserve_when_a_caller_would_leave_a_message_then_the_mailbox_is_said_full(
    bad_box, phones, phone_host
):
    row, path, digest = keep_message(bad_box)
    before_rows, before_files = len(messages(bad_box)), files(bad_box)
    bad_box.free_file.write_text(LOW)
    call = phones("1001").call("7400")
    phone_host.wait(lambda: call.confirmed, 10, "the box to answer")
    phone_host.wait(lambda: call.disconnected, 20, "'the mailbox is full', then the box hangs up")
    assert call.recorded_seconds() > 1.0 and heard_speech(call), "the caller was not told why"
    assert spoken(bad_box, "full").exists()
    assert len(messages(bad_box)) == before_rows and files(bad_box) == before_files
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest


def test_given_a_message_being_recorded_when_the_disk_runs_low_then_an_apology_and_no_half_message(
    bad_box, phones, phone_host, tone600
):
    row, path, digest = keep_message(bad_box)
    before_rows, before_files = len(messages(bad_box)), files(bad_box)
    caller = phones("1001")
    caller.play_path = tone600
    call = caller.call("7400")
    phone_host.wait(lambda: call.confirmed, 10, "the box to answer")
    phone_host.wait(lambda: files(bad_box) - before_files, 30, "the greeting, the beep and the recording")
    recording = (files(bad_box) - before_files).pop()
    started = call.recorded_seconds()
    phone_host.wait(lambda: call.recorded_seconds() > started + 1.5, 5, "the caller talking")
    bad_box.free_file.write_text(LOW)
    low_at = call.recorded_seconds()
    phone_host.wait(lambda: call.disconnected, 20, "the apology, then the box hangs up")
    assert call.recorded_seconds() > low_at + 1.0 and heard_speech(call, low_at), "no apology heard"
    assert spoken(bad_box, "unable").exists()
    wait_until(lambda: not recording.exists(), 10, "the cut recording to be dropped")
    # The row of a kept message is written as its file closes; a dropped file never gets one.
    assert len(messages(bad_box)) == before_rows and files(bad_box) == before_files
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    assert row.id in {m.id for m in messages(bad_box)}


def test_given_a_prompt_file_lost_from_disk_when_a_caller_reaches_its_node_then_the_flow_goes_on(
    bad_box, phones, phone_host
):
    from telephony.models import IvrTrail

    callee = phones("1003", answer=0)
    call = phones("1001").call("7600")
    phone_host.wait(lambda: call.confirmed, 10, "the IVR to answer")
    phone_host.wait(lambda: callee.incoming, 10, "the next node (the extension) to ring")
    assert not call.disconnected  # never dropped: the caller is on the way to a person
    log = (bad_box.cfg.data_dir / "log" / "pbx-core.log").read_text(errors="replace")
    assert "prompt file 'lost.wav' of node hello is missing" in log
    call.hangup_now()
    bad_box.db()
    wait_until(lambda: IvrTrail.select().where(IvrTrail.flow == "7600").exists(), 10, "the key trail")
    trail = IvrTrail.select().where(IvrTrail.flow == "7600").get()
    assert [s["node"] for s in trail.steps] == ["hello", "ring"]

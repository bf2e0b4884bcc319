"""End to end: voicemail on the running box with real pjsua2 phones and the simulated board.

Unanswered and busy calls go to the callee's mailbox, the caller's audio is recorded into a
valid WAV, the owner listens to and deletes it from `*97` by DTMF (audio measured at the
phone), an analog phone's lamp follows its mailbox and the owner gets an email with the WAV.
"""

from __future__ import annotations

import email
import time
import wave

import pytest

from tests.support import audio
from tests.support import phones as phones_support
from tests.support.box import Box, wait_until
from tests.support.smtp import SmtpReceiver

SECRET = "Secr3tPass9"
PIN = "1234"
FREQS = [450, 600, 1000, 1400]


@pytest.fixture(scope="module")
def smtp():
    server = SmtpReceiver()
    yield server
    server.close()


@pytest.fixture(scope="module")
def vm_box(tmp_path_factory, smtp):
    box = Box(tmp_path_factory.mktemp("voicemail"), rtp_port=27000).start()
    for number in ("1001", "1002", "1003", "1004"):
        box.add_extension(number, SECRET, f"Phone {number}")
    box.db()
    from telephony.models import Setting
    from telephony.models.lines import PortSetting
    from telephony.models.voicemail import Mailbox

    Setting.set_value("no_answer_timeout", "3")
    Setting.set_value("prompt_language", "en")
    for key, value in {
        "smtp_host": "127.0.0.1",
        "smtp_port": str(smtp.port),
        "smtp_from": "pbx@box.test",
    }.items():
        Setting.set_value(key, value)
    greeting = box.cfg.media_dir / "voicemail" / "1002" / "greeting.wav"
    greeting.parent.mkdir(parents=True, exist_ok=True)
    audio.write_tone(greeting, 1400, seconds=0.5)
    for number in ("1002", "1003", "2001"):
        mailbox = Mailbox(number=number, email=f"owner{number}@box.test" if number == "1002" else "")
        mailbox.set_pin(PIN)
        if number == "1002":
            mailbox.greeting_unavailable = "voicemail/1002/greeting.wav"
            mailbox.max_message_seconds = 8
        mailbox.save()
    Mailbox.create(number="1004", on_no_answer=False, on_busy=False)
    PortSetting.create(port="fxs1", number="2001", caller_id_name="Lobby")
    box.control.reload()
    yield box
    box.stop()


@pytest.fixture
def phones(phone_host, vm_box, tmp_path):
    def make(number: str, answer: int = 200):
        phone = phone_host.phone(vm_box.sip, number, SECRET)
        phone.record_dir = tmp_path
        phone.answer_code = answer
        phone_host.wait(lambda: phone.registered, 10, f"{number} registered")
        return phone

    yield make
    phone_host.drop_phones()


@pytest.fixture
def tone600(tmp_path):
    return audio.write_tone(tmp_path / "tone-600.wav", 600, seconds=30.0)


def talk(phone_host, seconds: float) -> None:
    """Let the phones run (and the caller's tone play) for `seconds`."""
    end = time.monotonic() + seconds
    phone_host.wait(lambda: time.monotonic() > end, seconds + 1, "the caller talking")


def messages(box: Box, number: str) -> list:
    from telephony.models.voicemail import Mailbox, VoicemailMessage

    box.db()
    return list(
        VoicemailMessage.select().join(Mailbox).where(Mailbox.number == number).order_by(VoicemailMessage.id)
    )


def recording_files(box: Box, number: str) -> list:
    folder = box.cfg.media_dir / "voicemail" / number
    return sorted(p for p in folder.glob("*.wav") if p.name != "greeting.wav") if folder.exists() else []


def clear_mailbox(box: Box, number: str) -> None:
    for message in messages(box, number):
        (box.cfg.media_dir / message.path).unlink(missing_ok=True)
        message.delete_instance()


def test_given_no_answer_when_the_caller_talks_then_the_mailbox_holds_a_valid_wav_of_it(
    vm_box, phones, phone_host, tone600, smtp
):
    clear_mailbox(vm_box, "1002")
    before = len(smtp.mails)
    caller = phones("1001")
    caller.play_path = tone600
    callee = phones("1002", answer=0)  # rings and rings
    call = caller.call("1002")
    phone_host.wait(lambda: len(callee.incoming) == 1, 10, "the callee to ring")
    phone_host.wait(lambda: call.confirmed, 10, "voicemail to answer after the no-answer timeout")
    assert callee.incoming[0].disconnected or not callee.incoming[0].confirmed
    phone_host.wait(lambda: recording_files(vm_box, "1002"), 10, "the recording to start")
    talk(phone_host, 3.0)
    call.hangup_now()  # the caller drops: the box must still close the file properly
    phone_host.wait(lambda: call.disconnected, 5, "hang-up")
    wait_until(lambda: len(messages(vm_box, "1002")) == 1, 10, "the message row")
    message = messages(vm_box, "1002")[0]
    path = vm_box.cfg.media_dir / message.path
    assert path.parent.name == "1002" and path.is_file()
    with wave.open(str(path), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 8000)
        seconds = wav.getnframes() / 8000
    assert 2.0 <= seconds <= 4.5, seconds
    assert abs(message.duration - seconds) < 0.05
    assert message.caller == "1001" and message.caller_name == "Phone 1001" and message.folder == "new"
    samples = audio.read_pcm(path)[8000:]
    assert audio.rms(samples) > 1000
    assert audio.dominant(samples, FREQS) == 600
    # The callee's mailbox has an address: the owner gets the recording by email.
    wait_until(lambda: len(smtp.mails) > before, 15, "the notification email")
    mail_from, rcpts, raw = smtp.mails[-1]
    assert "owner1002@box.test" in rcpts[0] and "pbx@box.test" in mail_from
    parsed = email.message_from_bytes(raw)
    assert "1001" in parsed["Subject"]
    attachments = [p for p in parsed.walk() if p.get_content_type() == "audio/wav"]
    assert len(attachments) == 1 and attachments[0].get_payload(decode=True) == path.read_bytes()
    kinds = [(c.disposition, c.callee) for c in vm_box.cdrs()[-2:]]
    assert ("NO ANSWER", "1002") in kinds and ("ANSWERED", "1002") in kinds


def test_given_a_busy_callee_when_forwarding_to_voicemail_then_pound_ends_and_keeps_the_message(
    vm_box, phones, phone_host, tone600
):
    clear_mailbox(vm_box, "1003")
    caller = phones("1001")
    caller.play_path = tone600
    phones("1003", answer=486)
    call = caller.call("1003")
    phone_host.wait(lambda: call.confirmed, 10, "voicemail to answer the busy call")
    phone_host.wait(lambda: recording_files(vm_box, "1003"), 30, "the spoken greeting, beep and recording")
    talk(phone_host, 2.0)
    call.dialDtmf("#")
    phone_host.wait(lambda: call.disconnected, 5, "the box to hang up on '#'")
    wait_until(lambda: len(messages(vm_box, "1003")) == 1, 10, "the message row")
    message = messages(vm_box, "1003")[0]
    assert 1.0 <= message.duration <= 3.5
    assert audio.dominant(audio.read_pcm(vm_box.cfg.media_dir / message.path), FREQS) == 600


def test_given_forwarding_off_when_unanswered_then_the_caller_gets_480_as_before(vm_box, phones, phone_host):
    caller = phones("1001")
    phones("1004", answer=0)
    call = caller.call("1004")
    phone_host.wait(lambda: call.disconnected, 10, "the no-answer timeout")
    assert call.last_code == 480 and not call.confirmed
    assert messages(vm_box, "1004") == []


def put_message(box: Box, number: str, freq: float, caller: str = "1001"):
    from telephony.models.voicemail import Mailbox, VoicemailMessage

    box.db()
    path = box.cfg.media_dir / "voicemail" / number / f"test-{freq}.wav"
    path.parent.mkdir(parents=True, exist_ok=True)
    audio.write_tone(path, freq, seconds=3.0)
    return VoicemailMessage.create(
        mailbox=Mailbox.get(Mailbox.number == number),
        caller=caller,
        duration=3.0,
        path=str(path.relative_to(box.cfg.media_dir)),
    )


def test_star97_with_the_pin_plays_the_message_and_deletes_it(vm_box, phones, phone_host):
    clear_mailbox(vm_box, "1002")
    message = put_message(vm_box, "1002", 1000)
    owner = phones("1002")
    call = owner.call("*97")
    phone_host.wait(lambda: call.confirmed and call.media_active, 10, "the mailbox menu to answer")
    call.dialDtmf(PIN + "#")
    phone_host.wait(lambda: call.recorded_seconds() > 1.0, 10, "the main menu")
    call.dialDtmf("1")

    def hears_message() -> bool:
        if call.recorded_seconds() < 1.5:
            return False
        last = audio.read_pcm(call.record_path)[-4000:]
        return audio.rms(last) > 1000 and audio.dominant(last, FREQS) == 1000

    phone_host.wait(hears_message, 20, "the message's 1000 Hz at the phone")
    call.dialDtmf("7")
    wait_until(lambda: messages(vm_box, "1002") == [], 10, "the message to be deleted")
    assert not (vm_box.cfg.media_dir / message.path).exists()
    call.hangup_now()
    phone_host.wait(lambda: call.disconnected, 5, "hang-up")


def test_star97_with_a_wrong_pin_plays_nothing_and_keeps_the_message(vm_box, phones, phone_host):
    clear_mailbox(vm_box, "1003")
    put_message(vm_box, "1003", 1000)
    owner = phones("1003")
    call = owner.call("*97")
    phone_host.wait(lambda: call.confirmed and call.media_active, 10, "the mailbox menu to answer")
    for _ in range(3):
        call.dialDtmf("9999#")
        phone_host.pump(300)
    phone_host.wait(lambda: call.disconnected, 30, "the box to hang up after three wrong PINs")
    assert len(messages(vm_box, "1003")) == 1


def fxs_mwi(box: Box) -> list[bool]:
    events = box.control.post("/sim/events", {"port": "fxs1"})["result"]
    return [e["on"] for e in events if e["type"] == "mwi"]


def test_mwi_on_an_analog_phone_follows_its_mailbox(vm_box):
    clear_mailbox(vm_box, "2001")
    message = put_message(vm_box, "2001", 1000)
    wait_until(lambda: fxs_mwi(vm_box)[-1:] == [True], 20, "the phone to see MWI on (a new message)")
    message.heard = True
    message.save()
    wait_until(lambda: fxs_mwi(vm_box)[-1:] == [False], 20, "the phone to see MWI off (message heard)")


class MwiPhone(phones_support.Phone):
    """A test phone that keeps the message-summary NOTIFYs it receives."""

    def __init__(self, host, number: str) -> None:
        super().__init__(host, number)
        self.mwi_bodies: list[str] = []

    def onMwiInfo(self, prm) -> None:  # noqa: N802 - pjsua2 API
        msg = prm.rdata.wholeMsg
        self.mwi_bodies.append(msg.split("\r\n\r\n", 1)[-1])


def test_mwi_on_a_sip_phone_is_a_message_summary_notify(vm_box, phone_host, monkeypatch):
    clear_mailbox(vm_box, "1004")
    monkeypatch.setattr(phones_support, "Phone", MwiPhone)
    phone = phone_host.phone(vm_box.sip, "1004", SECRET)
    try:
        phone_host.wait(lambda: phone.registered, 10, "1004 registered")
        message = put_message(vm_box, "1004", 1000)
        phone_host.wait(
            lambda: any("Messages-Waiting: yes" in b for b in phone.mwi_bodies),
            20,
            "a NOTIFY with messages waiting",
        )
        assert "Voice-Message: 1/0" in phone.mwi_bodies[-1]
        message.heard = True
        message.save()
        phone_host.wait(
            lambda: "Messages-Waiting: no" in phone.mwi_bodies[-1], 20, "a NOTIFY with none waiting"
        )
        assert "Voice-Message: 0/1" in phone.mwi_bodies[-1]
    finally:
        phone_host.drop_phones()


def test_an_unanswered_analog_phone_gets_the_message_and_its_lamp_lights(vm_box, phones, phone_host, tone600):
    clear_mailbox(vm_box, "2001")
    caller = phones("1001")
    caller.play_path = tone600
    call = caller.call("2001")  # fxs1: the simulated phone rings and nobody lifts it
    phone_host.wait(lambda: call.confirmed, 10, "voicemail to answer after the no-answer timeout")
    phone_host.wait(lambda: recording_files(vm_box, "2001"), 30, "the spoken greeting, beep and recording")
    talk(phone_host, 2.0)
    call.hangup_now()
    wait_until(lambda: len(messages(vm_box, "2001")) == 1, 10, "the message row")
    assert (
        audio.dominant(audio.read_pcm(vm_box.cfg.media_dir / messages(vm_box, "2001")[0].path), FREQS) == 600
    )
    wait_until(lambda: fxs_mwi(vm_box)[-1:] == [True], 20, "the analog phone to see MWI on")


def test_a_busy_analog_phone_sends_the_caller_to_its_mailbox(vm_box, phones, phone_host):
    clear_mailbox(vm_box, "2001")
    vm_box.control.post("/sim/offhook", {"port": "fxs1"})
    try:
        caller = phones("1001")
        call = caller.call("2001")
        phone_host.wait(lambda: call.confirmed, 10, "the mailbox to answer the busy call")
        phone_host.wait(lambda: recording_files(vm_box, "2001"), 30, "the busy greeting, beep and recording")
        call.dialDtmf("#")
        phone_host.wait(lambda: call.disconnected, 5, "the box to hang up on '#'")
    finally:
        vm_box.control.post("/sim/onhook", {"port": "fxs1"})


def sim(box: Box, verb: str, **args):
    from telephony.control.client import ControlClient

    return ControlClient(box.cfg.control_url, timeout=30).post(f"/sim/{verb}", args)["result"]


def test_star97_from_an_analog_phone_plays_the_message_on_its_line_and_deletes_it(vm_box, tmp_path):
    clear_mailbox(vm_box, "2001")
    message = put_message(vm_box, "2001", 1000)
    heard = tmp_path / "fxs1-heard.wav"
    sim(vm_box, "offhook", port="fxs1")
    try:
        sim(vm_box, "dial", port="fxs1", digits="*97")
        wait_until(
            lambda: any(c["callee"] == "*97" for c in vm_box.control.status()["calls"]), 10, "the menu"
        )
        sim(vm_box, "dial", port="fxs1", digits=PIN + "#")
        time.sleep(0.5)
        sim(vm_box, "dial", port="fxs1", digits="1")
        sim(vm_box, "record", port="fxs1", file=str(heard), seconds=9)
        wait_until(
            lambda: audio.wav_done(heard) if hasattr(audio, "wav_done") else heard.exists(), 15, "recording"
        )
        wait_until(lambda: len(audio.read_pcm(heard)) >= 8 * 8000, 15, "9 s heard at the analog phone")
        samples = audio.read_pcm(heard)
        windows = [samples[i : i + 4000] for i in range(0, len(samples) - 4000, 4000)]
        assert any(audio.rms(w) > 500 and audio.dominant(w, FREQS) == 1000 for w in windows)
        sim(vm_box, "dial", port="fxs1", digits="7")
        wait_until(
            lambda: messages(vm_box, "2001") == [], 10, "the message to be deleted from the analog phone"
        )
        assert not (vm_box.cfg.media_dir / message.path).exists()
    finally:
        sim(vm_box, "onhook", port="fxs1")


def test_star97_calls_the_sender_back_on_5_and_bridges_them(vm_box, phones, phone_host, tone600):
    clear_mailbox(vm_box, "1002")
    put_message(vm_box, "1002", 1000, caller="1001")
    sender = phones("1001")
    sender.play_path = tone600
    owner = phones("1002")
    call = owner.call("*97")
    phone_host.wait(lambda: call.confirmed and call.media_active, 10, "the mailbox menu to answer")
    call.dialDtmf(PIN + "#")
    phone_host.wait(lambda: call.recorded_seconds() > 1.0, 10, "the main menu")
    call.dialDtmf("1")
    phone_host.wait(lambda: call.recorded_seconds() > 3.0, 10, "the message to start")
    call.dialDtmf("5")
    phone_host.wait(
        lambda: sender.incoming and sender.incoming[-1].confirmed, 15, "the sender to be called back"
    )
    assert "1002" in sender.incoming[-1].invite and not call.disconnected

    def hears_sender() -> bool:
        last = audio.read_pcm(call.record_path)[-4000:]
        return audio.rms(last) > 1000 and audio.dominant(last, FREQS) == 600

    phone_host.wait(hears_sender, 10, "the sender's 600 Hz at the mailbox owner's phone")
    call.hangup_now()
    phone_host.wait(lambda: sender.incoming[-1].disconnected, 10, "the sender's leg to be cleared")


def test_star97_forwards_a_message_to_another_mailbox_on_8(vm_box, phones, phone_host):
    clear_mailbox(vm_box, "1002")
    clear_mailbox(vm_box, "1003")
    original = put_message(vm_box, "1002", 1000, caller="1004")
    owner = phones("1002")
    call = owner.call("*97")
    phone_host.wait(lambda: call.confirmed and call.media_active, 10, "the mailbox menu to answer")
    call.dialDtmf(PIN + "#")
    phone_host.wait(lambda: call.recorded_seconds() > 1.0, 10, "the main menu")
    call.dialDtmf("1")
    phone_host.wait(lambda: call.recorded_seconds() > 3.0, 10, "the message to start")
    call.dialDtmf("8")
    phone_host.pump(300)
    call.dialDtmf("1003#")
    wait_until(lambda: len(messages(vm_box, "1003")) == 1, 10, "the copy in mailbox 1003")
    copy = messages(vm_box, "1003")[0]
    assert (copy.caller, copy.folder, copy.heard) == ("1004", "new", False)
    assert (vm_box.cfg.media_dir / copy.path).read_bytes() == (
        vm_box.cfg.media_dir / original.path
    ).read_bytes()
    assert copy.path != original.path and len(messages(vm_box, "1002")) == 1
    call.hangup_now()
    phone_host.wait(lambda: call.disconnected, 5, "hang-up")


def test_star97_records_a_temporary_greeting_from_the_phone_and_erases_it(
    vm_box, phones, phone_host, tmp_path
):
    from telephony.models.voicemail import Mailbox

    owner = phones("1003")
    owner.play_path = audio.write_tone(tmp_path / "tone-1400.wav", 1400, seconds=30.0)
    call = owner.call("*97")
    phone_host.wait(lambda: call.confirmed and call.media_active, 10, "the mailbox menu to answer")
    call.dialDtmf(PIN + "#")
    phone_host.wait(lambda: call.recorded_seconds() > 1.0, 10, "the main menu")
    call.dialDtmf("0")
    phone_host.pump(300)
    call.dialDtmf("3")
    folder = vm_box.cfg.media_dir / "voicemail" / "1003" / "greetings"
    phone_host.wait(lambda: (folder / ".temporary.part.wav").exists(), 20, "the greeting recording to start")
    talk(phone_host, 2.0)
    call.dialDtmf("#")

    def greeting() -> str:
        vm_box.db()
        return Mailbox.get(Mailbox.number == "1003").greeting_temporary

    wait_until(lambda: greeting() == "voicemail/1003/greetings/temporary.wav", 10, "the greeting to be kept")
    recorded = audio.read_pcm(vm_box.cfg.media_dir / greeting())
    assert 1.0 <= len(recorded) / 8000 <= 3.5 and audio.dominant(recorded, FREQS) == 1400
    call.dialDtmf("4")
    wait_until(lambda: greeting() == "", 15, "the temporary greeting to be erased")
    assert not (folder / "temporary.wav").exists()
    call.hangup_now()
    phone_host.wait(lambda: call.disconnected, 5, "hang-up")

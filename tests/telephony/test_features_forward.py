"""End to end: do-not-disturb, call forward and follow-me on the running box with real pjsua2 phones.

Feature codes set them from a phone; calls then take the forwarded path (to another extension, to
the PSTN through an FXO line of the simulated board), a loop stops with a log line, and follow-me
rings other numbers where only a 1 pressed by the called party connects it (audio measured).
"""

from __future__ import annotations

import time

import pytest

from telephony.control.client import ControlClient
from tests.support import audio
from tests.support.box import Box, wait_until

SECRET = "Secr3tPass9"
FREQS = [450, 600, 1000, 1400]
NUMBERS = ("1001", "1002", "1003", "1004", "1005")


@pytest.fixture(scope="module")
def fbox(tmp_path_factory):
    box = Box(tmp_path_factory.mktemp("features"), rtp_port=31000).start()
    for number in NUMBERS:
        box.add_extension(number, SECRET, f"Phone {number}")
    box.db()
    from telephony.models import Extension, Setting
    from telephony.models.lines import DialRule, PortSetting, TrunkGroup
    from telephony.models.voicemail import Mailbox

    Extension.update(permission="internal").where(Extension.number == "1004").execute()
    Setting.set_value("no_answer_timeout", "3")
    Setting.set_value("prompt_language", "en")
    PortSetting.create(port="fxs1", number="2001", caller_id_name="Lobby")
    pstn = TrunkGroup.create(name="pstn", kind="fxo", members="fxo1,fxo2")
    DialRule.create(prefix="0", min_length=2, strip=1, trunk_group=pstn, permission="local")
    Mailbox.create(number="1005")
    box.control.reload()
    wait_until(lambda: box.control.get("/status")["ports_summary"], 10, "the board's ports")
    yield box
    box.stop()


@pytest.fixture
def phones(phone_host, fbox, tmp_path):
    phone_host.rtp_port = 43000  # away from other suites' phones (RTP ports on a shared machine)

    def make(number: str, answer: int = 200):
        phone = phone_host.phone(fbox.sip, number, SECRET)
        phone.record_dir = tmp_path
        phone.answer_code = answer
        phone_host.wait(lambda: phone.registered, 10, f"{number} registered")
        return phone

    yield make
    phone_host.drop_phones()
    phone_host.rtp_port = 40000
    fbox.db()
    from telephony.models.features import ExtensionFeatures

    ExtensionFeatures.delete().execute()


@pytest.fixture
def tone600(tmp_path):
    return audio.write_tone(tmp_path / "tone-600.wav", 600, seconds=30.0)


def features(box: Box, number: str, **fields):
    box.db()
    from telephony.models.features import ExtensionFeatures

    row = ExtensionFeatures.get_or_none(ExtensionFeatures.number == number) or ExtensionFeatures(
        number=number
    )
    for key, value in fields.items():
        setattr(row, key, value)
    row.save()
    return row


def row_of(box: Box, number: str):
    box.db()
    from telephony.models.features import ExtensionFeatures

    return ExtensionFeatures.get_or_none(ExtensionFeatures.number == number)


def dial_code(phone, phone_host, code: str) -> None:
    """Dial a feature code and wait for the box to answer, speak and hang up."""
    call = phone.call(code)
    phone_host.wait(lambda: call.confirmed, 10, f"{code} answered")
    phone_host.wait(lambda: call.disconnected, 20, f"{code} spoken and hung up")


def hears(call, phone_host, freq: float, seconds: float = 1.0) -> bool:
    start = call.recorded_seconds()
    phone_host.wait(lambda: call.recorded_seconds() > start + seconds, 10, "audio at the phone")
    last = audio.read_pcm(call.record_path)[-4000:]
    return audio.rms(last) > 1000 and audio.dominant(last, FREQS) == freq


def sim(box: Box, verb: str, **args):
    return ControlClient(box.cfg.control_url, timeout=30).post(f"/sim/{verb}", args)["result"]


def cdr_of(box: Box, caller: str, callee: str, before: int):
    def found():
        rows = [c for c in box.cdrs()[before:] if c.caller == caller and c.callee == callee]
        return rows[-1] if rows else None

    wait_until(found, 10, f"the CDR {caller} -> {callee}")
    return found()


def test_dnd_code_turns_it_on_and_the_caller_gets_busy_then_off_rings_again(fbox, phones, phone_host):
    caller, callee = phones("1001"), phones("1002", answer=0)
    dial_code(callee, phone_host, "*78")
    assert row_of(fbox, "1002").dnd is True
    call = caller.call("1002")
    phone_host.wait(lambda: call.disconnected, 10, "the DND callee refused")
    assert call.last_code == 486 and callee.incoming == []
    dial_code(callee, phone_host, "*79")
    assert row_of(fbox, "1002").dnd is False
    call = caller.call("1002")
    phone_host.wait(lambda: len(callee.incoming) == 1, 10, "1002 rings again")
    call.hangup_now()


def test_dnd_with_forward_busy_sends_the_caller_there(fbox, phones, phone_host):
    features(fbox, "1002", dnd=True, forward_busy="1003")
    caller, owner, target = phones("1001"), phones("1002"), phones("1003")
    call = caller.call("1002")
    phone_host.wait(
        lambda: target.incoming and target.incoming[-1].confirmed, 10, "1003 answers for DND 1002"
    )
    assert owner.incoming == []
    call.hangup_now()


def test_dnd_with_a_mailbox_sends_the_caller_to_voicemail(fbox, phones, phone_host):
    features(fbox, "1005", dnd=True)
    caller, callee = phones("1001"), phones("1005")
    call = caller.call("1005")
    phone_host.wait(lambda: call.confirmed, 10, "the mailbox answers for the DND callee")
    assert callee.incoming == []
    call.hangup_now()


def test_forward_always_code_to_an_extension_rings_it_with_audio_and_the_cdr_says_forwarded(
    fbox, phones, phone_host, tone600
):
    caller, owner, target = phones("1001"), phones("1002"), phones("1003")
    caller.play_path = tone600
    dial_code(owner, phone_host, "*721003")
    assert row_of(fbox, "1002").forward_always == "1003"
    before = len(fbox.cdrs())
    call = caller.call("1002")
    phone_host.wait(lambda: target.incoming and target.incoming[-1].confirmed, 10, "1003 answers")
    assert owner.incoming == []
    assert hears(target.incoming[-1], phone_host, 600)
    call.hangup_now()
    cdr = cdr_of(fbox, "1001", "1002", before)
    legs = {leg.role: leg.peer for leg in cdr.legs}
    assert legs["forwarded_by"] == "1002" and legs["callee"] == "1003" and cdr.disposition == "ANSWERED"
    dial_code(owner, phone_host, "*73")
    assert row_of(fbox, "1002").forward_always == ""


def test_forward_always_to_an_outside_number_dials_it_on_the_pstn_line(fbox, phones, phone_host):
    caller = phones("1001")
    features(fbox, "1002", forward_always="0114")
    mark = {p: len(sim(fbox, "events", port=p)) for p in ("fxo1", "fxo2")}
    call = caller.call("1002")
    phone_host.wait(lambda: call.confirmed, 10, "the outside line taken (seize + dial)")

    def dialed() -> set:
        return {
            "".join(e["digit"] for e in sim(fbox, "events", port=p)[mark[p] :] if e["type"] == "digit")
            for p in mark
        }

    wait_until(lambda: "114" in dialed(), 15, "DTMF 114 on a PSTN line")
    call.hangup_now()


def test_a_forward_to_what_the_owner_cannot_dial_is_refused_and_not_followed(fbox, phones, phone_host):
    owner = phones("1004", answer=0)  # class internal: no PSTN
    dial_code(owner, phone_host, "*720114")
    row = row_of(fbox, "1004")
    assert row is None or row.forward_always == ""
    features(fbox, "1004", forward_always="0114")  # as if set before the class changed
    call = phones("1001").call("1004")
    phone_host.wait(lambda: len(owner.incoming) == 1, 10, "1004 itself rings")
    call.hangup_now()


def test_forward_busy_and_no_answer_go_to_their_targets(fbox, phones, phone_host):
    caller, target = phones("1001"), phones("1003")
    busy = phones("1002", answer=486)
    dial_code(busy, phone_host, "*741003")
    call = caller.call("1002")
    phone_host.wait(lambda: target.incoming and target.incoming[-1].confirmed, 10, "busy: 1003 answers")
    call.hangup_now()
    phone_host.wait(lambda: call.disconnected, 10, "hang-up")
    features(fbox, "1002", forward_busy="", forward_no_answer="1003")
    busy.answer_code = 0  # now it rings and rings
    started = time.monotonic()
    call = caller.call("1002")
    phone_host.wait(lambda: len(target.incoming) == 2 and target.incoming[-1].confirmed, 15, "1003 after 3 s")
    assert time.monotonic() - started >= 2.5 and len(busy.incoming) == 2
    phone_host.wait(lambda: busy.incoming[-1].disconnected, 5, "1002 stops ringing")
    call.hangup_now()


def test_a_forward_loop_stops_with_a_log_line(fbox, phones, phone_host):
    caller, b, c = phones("1001"), phones("1002", answer=0), phones("1003", answer=0)
    features(fbox, "1002", forward_always="1003")
    features(fbox, "1003", forward_always="1002")
    call = caller.call("1002")
    phone_host.wait(lambda: len(b.incoming) + len(c.incoming) == 1, 10, "one phone rings")
    assert len(c.incoming) == 1  # 1002 -> 1003; 1003 -> 1002 would loop: 1003 rings itself
    log = (fbox.cfg.log_dir / "pbx-core.log").read_text()
    assert "forward loop 1003 -> 1002" in log
    call.hangup_now()


def test_followme_in_sequence_only_a_1_connects_and_a_leg_without_it_hears_no_caller(
    fbox, phones, phone_host, tone600
):
    caller = phones("1001")
    caller.play_path = tone600
    owner = phones("1002", answer=0)
    first, second = phones("1003"), phones("1004")
    features(fbox, "1002", followme_numbers="1003,1004", followme_mode="sequence", followme_ring_seconds=8)
    dial_code(owner, phone_host, "*21")
    assert row_of(fbox, "1002").followme_enabled is True
    call = caller.call("1002")
    phone_host.wait(lambda: first.incoming and first.incoming[-1].confirmed, 15, "1003 answers follow-me")
    assert second.incoming == []
    leg = first.incoming[-1]
    phone_host.wait(lambda: leg.recorded_seconds() > 2.5, 10, "the accept prompt at 1003")
    heard = audio.read_pcm(leg.record_path)
    assert audio.rms(heard) > 300  # the prompt is spoken
    assert audio.goertzel(heard, 600) < 0.01  # but the caller's tone is not connected
    leg.dialDtmf("2")  # not 1: released
    phone_host.wait(lambda: leg.disconnected, 10, "1003 released after pressing 2")
    phone_host.wait(lambda: second.incoming and second.incoming[-1].confirmed, 15, "then 1004 answers")
    assert not call.confirmed
    second.incoming[-1].dialDtmf("1")
    phone_host.wait(lambda: call.confirmed, 10, "the caller connected after 1")
    assert hears(second.incoming[-1], phone_host, 600)
    call.hangup_now()
    dial_code(owner, phone_host, "*22")
    assert row_of(fbox, "1002").followme_enabled is False


def test_followme_together_rings_all_and_the_one_pressing_1_wins(fbox, phones, phone_host, tone600):
    caller = phones("1001")
    caller.play_path = tone600
    phones("1002", answer=0)
    a, b = phones("1003"), phones("1004")
    features(fbox, "1002", followme_enabled=True, followme_numbers="1003,1004", followme_mode="together")
    call = caller.call("1002")
    phone_host.wait(
        lambda: a.incoming and a.incoming[-1].confirmed and b.incoming and b.incoming[-1].confirmed,
        15,
        "both follow-me legs answered",
    )
    b.incoming[-1].dialDtmf("1")
    phone_host.wait(lambda: call.confirmed, 10, "the caller connected to 1004")
    phone_host.wait(lambda: a.incoming[-1].disconnected, 10, "1003 released once 1004 accepted")
    assert hears(b.incoming[-1], phone_host, 600)
    call.hangup_now()


def test_followme_to_a_pstn_number_connects_only_after_the_far_end_presses_1_in_band(
    fbox, phones, phone_host, tmp_path
):
    from hal.analog.dtmf import dtmf_samples
    from hal.sim.listen import write_wav

    caller = phones("1001")
    phones("1002", answer=0)
    features(fbox, "1002", followme_enabled=True, followme_numbers="0114", followme_ring_seconds=15)
    mark = {p: len(sim(fbox, "events", port=p)) for p in ("fxo1", "fxo2")}
    call = caller.call("1002")

    def line() -> str | None:
        for port in mark:
            digits = "".join(
                e["digit"] for e in sim(fbox, "events", port=port)[mark[port] :] if e["type"] == "digit"
            )
            if digits == "114":
                return port
        return None

    phone_host.wait(lambda: line() is not None, 20, "follow-me dials 114 on a PSTN line")
    port = line()
    sim(fbox, "pstn_answer", port=port)
    talk_until = time.monotonic() + 2.0
    phone_host.wait(lambda: time.monotonic() > talk_until, 3, "the accept prompt playing")
    assert not call.confirmed  # answered is not accepted
    key = tmp_path / "key1.wav"
    write_wav(key, dtmf_samples("1").tobytes())
    sim(fbox, "play", port=port, file=str(key))  # the PSTN party presses 1
    phone_host.wait(lambda: call.confirmed, 10, "the caller connected after the in-band 1")
    tone = audio.write_tone(tmp_path / "tone-1000.wav", 1000, seconds=3.0)
    sim(fbox, "play", port=port, file=str(tone))
    assert hears(call, phone_host, 1000)
    call.hangup_now()
    phone_host.wait(
        lambda: any(e["type"] == "released" for e in sim(fbox, "events", port=port)[mark[port] :]),
        10,
        "the PSTN line released",
    )

"""End to end: real pjsua2 phones register to the real kamailio and call through the real pbx-core."""

from __future__ import annotations

import os
import signal
import socket

import pjsua2 as pj
import pytest

from tests.support import audio
from tests.support.box import wait_until

SECRET = "Secr3tPass9"
DISCONNECTED = pj.PJSIP_INV_STATE_DISCONNECTED


@pytest.fixture(scope="module")
def extensions(box):
    for number, name in (("1001", "Alice"), ("1002", "Bob"), ("1003", "Carol")):
        box.add_extension(number, SECRET, name)
    return box


@pytest.fixture
def tones(tmp_path):
    return {
        "a": audio.write_tone(tmp_path / "a-1000.wav", 1000),
        "b": audio.write_tone(tmp_path / "b-600.wav", 600),
    }


def cdr_for(box, count_before: int):
    wait_until(lambda: len(box.cdrs()) > count_before, 10, "the CDR row")
    return box.cdrs()[-1]


def test_register_with_good_secret_succeeds_and_bad_secret_is_refused(extensions, phones, phone_host):
    good = phones("1001")
    phone_host.wait(lambda: good.registered, 10, "1001 registered")
    bad = phones("1002", secret="wrongSecret1")
    assert bad.reg_codes[-1] in (401, 403)
    regs = extensions.control.status()["registrations"]
    assert "1001" in {r["aor"] for r in regs}


def test_given_two_phones_when_a_calls_b_and_b_answers_then_audio_flows_both_ways(
    extensions, phones, phone_host, tones
):
    a, b = phones("1001"), phones("1002")
    phone_host.wait(lambda: a.registered and b.registered, 10, "both registered")
    a.play_path, b.play_path = tones["a"], tones["b"]
    before = len(extensions.cdrs())
    call = a.call("1002")
    phone_host.wait(lambda: call.confirmed, 10, "the call to be answered")
    incoming = b.incoming[-1]
    assert "P-Asserted-Identity" in incoming.invite and "1001" in incoming.invite
    phone_host.wait(
        lambda: call.recorded_seconds() > 2.0 and incoming.recorded_seconds() > 2.0,
        10,
        "2 s of audio each way",
    )
    heard_by_a = audio.read_pcm(call.record_path)[-8000:]
    heard_by_b = audio.read_pcm(incoming.record_path)[-8000:]
    assert audio.rms(heard_by_a) > 1000 and audio.rms(heard_by_b) > 1000
    assert audio.dominant(heard_by_a, [600, 1000, 450]) == 600
    assert audio.dominant(heard_by_b, [600, 1000, 450]) == 1000
    call.hangup_now()
    phone_host.wait(lambda: incoming.disconnected, 10, "BYE to reach the callee")
    cdr = cdr_for(extensions, before)
    assert (cdr.caller, cdr.caller_name, cdr.callee, cdr.disposition) == ("1001", "Alice", "1002", "ANSWERED")
    assert cdr.hangup_by == "caller" and cdr.billsec >= 2 and cdr.answer is not None
    assert sorted(leg.role for leg in cdr.legs) == ["callee", "caller"]


def test_given_answered_call_when_callee_hangs_up_then_caller_is_released(extensions, phones, phone_host):
    a, b = phones("1001"), phones("1002")
    phone_host.wait(lambda: a.registered and b.registered, 10, "both registered")
    before = len(extensions.cdrs())
    call = a.call("1002")
    phone_host.wait(lambda: call.confirmed, 10, "answer")
    b.incoming[-1].hangup_now()
    phone_host.wait(lambda: call.disconnected, 10, "BYE to reach the caller")
    cdr = cdr_for(extensions, before)
    assert cdr.disposition == "ANSWERED" and cdr.hangup_by == "callee"


def test_busy_callee_gives_486_and_busy_cdr(extensions, phones, phone_host):
    a, b = phones("1001"), phones("1002")
    phone_host.wait(lambda: a.registered and b.registered, 10, "both registered")
    b.answer_code = 486
    before = len(extensions.cdrs())
    call = a.call("1002")
    phone_host.wait(lambda: call.disconnected, 10, "the busy answer")
    assert call.last_code == 486
    assert cdr_for(extensions, before).disposition == "BUSY"


def test_no_answer_times_out_with_480_after_ringback(extensions, phones, phone_host):
    from telephony.models import Setting

    extensions.db()
    Setting.set_value("no_answer_timeout", "3")
    extensions.control.reload()
    try:
        a, b = phones("1001"), phones("1002")
        phone_host.wait(lambda: a.registered and b.registered, 10, "both registered")
        b.answer_code = 0
        before = len(extensions.cdrs())
        call = a.call("1002")
        phone_host.wait(lambda: call.recorded_seconds() > 1.5, 10, "early media (ringback) to the caller")
        ringback = audio.read_pcm(call.record_path)[-8000:]
        assert audio.goertzel(ringback, 450) > 10 * audio.goertzel(ringback, 1000)
        phone_host.wait(lambda: call.disconnected, 10, "the no-answer timeout")
        assert call.last_code == 480
        assert b.incoming[-1].disconnected
        assert cdr_for(extensions, before).disposition == "NO ANSWER"
    finally:
        extensions.db()
        Setting.set_value("no_answer_timeout", "30")
        extensions.control.reload()


def test_unknown_number_gives_404(extensions, phones, phone_host):
    a = phones("1001")
    phone_host.wait(lambda: a.registered, 10, "registered")
    before = len(extensions.cdrs())
    call = a.call("7777")
    phone_host.wait(lambda: call.disconnected, 10, "the 404")
    assert call.last_code == 404
    cdr = cdr_for(extensions, before)
    assert (cdr.callee, cdr.disposition, cdr.status_code) == ("7777", "FAILED", 404)


def test_unregistered_extension_gives_480(extensions, phones, phone_host):
    a = phones("1001")
    phone_host.wait(lambda: a.registered, 10, "registered")
    call = a.call("1003")
    phone_host.wait(lambda: call.disconnected, 10, "the 480")
    assert call.last_code == 480


def test_caller_cancel_while_ringing_stops_the_callee_ringing(extensions, phones, phone_host):
    a, b = phones("1001"), phones("1002")
    phone_host.wait(lambda: a.registered and b.registered, 10, "both registered")
    b.answer_code = 0
    before = len(extensions.cdrs())
    call = a.call("1002")
    phone_host.wait(lambda: bool(b.incoming) and b.incoming[-1].state >= 0, 10, "the callee to ring")
    call.hangup_now()
    phone_host.wait(lambda: b.incoming[-1].disconnected, 10, "CANCEL to reach the callee")
    assert cdr_for(extensions, before).disposition == "NO ANSWER"


def test_garbage_and_malformed_sip_are_dropped_and_calls_still_work(extensions, phones, phone_host):
    host, port = extensions.sip.split(":")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.sendto(os.urandom(300), (host, int(port)))
        sock.sendto(b"INVITE sip:1002@x SIP/2.0\r\nVia: garbage\r\nFrom: <>\r\n\r\n", (host, int(port)))
        sock.sendto(b"\x00\xff" * 40 + b"SIP/2.0 200 OK\r\n\r\n", (host, int(port)))
    a, b = phones("1001"), phones("1002")
    phone_host.wait(lambda: a.registered and b.registered, 10, "both registered")
    call = a.call("1002")
    phone_host.wait(lambda: call.confirmed, 10, "a good call after garbage")
    call.hangup_now()
    phone_host.wait(lambda: call.disconnected, 10, "hangup")


def test_killed_core_is_restarted_and_registrations_survive(extensions, phones, phone_host):
    a, b = phones("1001"), phones("1002")
    phone_host.wait(lambda: a.registered and b.registered, 10, "both registered")
    old_pid = int(extensions.supervisorctl("pid", "pbx-core").strip())
    os.kill(old_pid, signal.SIGKILL)

    def restarted() -> bool:
        out = extensions.supervisorctl("pid", "pbx-core").strip()
        return out.isdigit() and int(out) not in (0, old_pid) and extensions.core_healthy()

    wait_until(restarted, 30, "supervisord to restart pbx-core")
    regs = {r["aor"] for r in extensions.control.status()["registrations"]}
    assert {"1001", "1002"} <= regs
    call = a.call("1002")
    phone_host.wait(lambda: call.confirmed, 10, "a call after the restart")
    call.hangup_now()
    phone_host.wait(lambda: call.disconnected, 10, "hangup")

"""Music on hold when a SIP phone holds the call with a re-INVITE, measured at the held phone."""

from __future__ import annotations

import pjsua2 as pj
import pytest

from tests.support import audio
from tests.telephony.test_transfer_support import (
    SECRET,
    TONES,
    dial,
    hold,
    resume,
    until_heard,
    wait_hearing,
    wait_music,
)


@pytest.fixture(scope="module")
def extensions(box):
    for number, name in (("2111", "Hana"), ("2112", "Ivan")):
        box.add_extension(number, SECRET, name)
    return box


@pytest.fixture
def tones(tmp_path):
    return {k: audio.write_tone(tmp_path / f"{k}.wav", f, seconds=3) for k, f in TONES.items()}


def test_given_answered_call_when_phone_holds_then_other_party_hears_music_and_resume_stops_it(
    extensions, phones, phone_host, tones
):
    a, b = phones("2111"), phones("2112")
    phone_host.wait(lambda: a.registered and b.registered, 10, "both registered")
    a.play_path, b.play_path = tones["a"], tones["b"]
    call = dial(a, "2112")
    phone_host.wait(lambda: call.confirmed and b.incoming and b.incoming[-1].media_active, 10, "answer")
    held = b.incoming[-1]
    wait_hearing(phone_host, held, TONES["a"])

    hold(phone_host, call, held)  # re-INVITE a=sendonly: the held party hears music, not the holder

    resume(phone_host, call, held, TONES["a"])  # the held party hears the holder again
    wait_hearing(phone_host, call, TONES["b"])


def media_dir(call, direction: int) -> None:
    """Re-INVITE with this audio direction (a=inactive for PJMEDIA_DIR_NONE)."""
    prm = pj.CallOpParam(True)
    prm.opt.flag = pj.PJSUA_CALL_SET_MEDIA_DIR
    prm.opt.mediaDir = pj.IntVector([direction])
    call.reinvite(prm)


def test_given_answered_call_when_phone_sends_inactive_then_other_party_hears_music_until_resumed(
    extensions, phones, phone_host, tones
):
    a, b = phones("2111"), phones("2112")
    phone_host.wait(lambda: a.registered and b.registered, 10, "both registered")
    a.play_path, b.play_path = tones["a"], tones["b"]
    call = dial(a, "2112")
    phone_host.wait(lambda: call.confirmed and b.incoming and b.incoming[-1].media_active, 10, "answer")
    held = b.incoming[-1]
    wait_hearing(phone_host, held, TONES["a"])

    until_heard(  # a=inactive
        phone_host,
        lambda: media_dir(call, pj.PJMEDIA_DIR_NONE),
        lambda: wait_music(phone_host, held, timeout=4),
    )
    until_heard(
        phone_host,
        lambda: media_dir(call, pj.PJMEDIA_DIR_ENCODING_DECODING),
        lambda: wait_hearing(phone_host, held, TONES["a"], timeout=4),
    )

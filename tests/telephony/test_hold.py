"""Music on hold when a SIP phone holds the call with a re-INVITE, measured at the held phone."""

from __future__ import annotations

import pjsua2 as pj
import pytest

from tests.support import audio
from tests.telephony.test_transfer_support import SECRET, TONES, dial, heard_next, is_music, tone_of


@pytest.fixture(scope="module")
def extensions(box):
    for number, name in (("2101", "Hana"), ("2102", "Ivan")):
        box.add_extension(number, SECRET, name)
    return box


@pytest.fixture
def tones(tmp_path):
    return {k: audio.write_tone(tmp_path / f"{k}.wav", f, seconds=3) for k, f in TONES.items()}


def test_given_answered_call_when_phone_holds_then_other_party_hears_music_and_resume_stops_it(
    extensions, phones, phone_host, tones
):
    a, b = phones("2101"), phones("2102")
    phone_host.wait(lambda: a.registered and b.registered, 10, "both registered")
    a.play_path, b.play_path = tones["a"], tones["b"]
    call = dial(a, "2102")
    phone_host.wait(lambda: call.confirmed and b.incoming and b.incoming[-1].media_active, 10, "answer")
    held = b.incoming[-1]
    assert tone_of(heard_next(phone_host, held)) == TONES["a"]

    call.setHold(pj.CallOpParam(True))  # re-INVITE a=sendonly
    during = heard_next(phone_host, held, seconds=1.5)
    assert is_music(during), "the held party hears music on hold, not the holder or silence"

    prm = pj.CallOpParam(True)
    prm.opt.flag = pj.PJSUA_CALL_UNHOLD
    call.reinvite(prm)
    after = heard_next(phone_host, held)
    assert not is_music(after)
    assert tone_of(after) == TONES["a"], "after resume the held party hears the holder again"
    assert tone_of(heard_next(phone_host, call)) == TONES["b"]


def media_dir(call, direction: int) -> None:
    """Re-INVITE with this audio direction (a=inactive for PJMEDIA_DIR_NONE)."""
    prm = pj.CallOpParam(True)
    prm.opt.flag = pj.PJSUA_CALL_SET_MEDIA_DIR
    prm.opt.mediaDir = pj.IntVector([direction])
    call.reinvite(prm)


def test_given_answered_call_when_phone_sends_inactive_then_other_party_hears_music_until_resumed(
    extensions, phones, phone_host, tones
):
    a, b = phones("2101"), phones("2102")
    phone_host.wait(lambda: a.registered and b.registered, 10, "both registered")
    a.play_path, b.play_path = tones["a"], tones["b"]
    call = dial(a, "2102")
    phone_host.wait(lambda: call.confirmed and b.incoming and b.incoming[-1].media_active, 10, "answer")
    held = b.incoming[-1]
    assert not is_music(heard_next(phone_host, held))

    media_dir(call, pj.PJMEDIA_DIR_NONE)  # a=inactive
    assert is_music(heard_next(phone_host, held, seconds=1.5))

    media_dir(call, pj.PJMEDIA_DIR_ENCODING_DECODING)
    after = heard_next(phone_host, held)
    assert not is_music(after) and tone_of(after) == TONES["a"]

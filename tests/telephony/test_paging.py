"""End to end: intercom (*80<ext>) and paging groups with pjsua2 phones that auto-answer.

The test phones leave calls ringing and answer only when the INVITE carries both auto-answer
headers (Call-Info answer-after=0, Alert-Info info=alert-autoanswer), as desk phones do.
"""

from __future__ import annotations

import re

import pytest

from tests.support import audio
from tests.support.box import wait_until

SECRET = "Secr3tPass9"
FREQS = [600, 1000, 1400]
CALL_INFO = re.compile(r"^Call-Info:\s*<sip:[^>]+>;answer-after=0\s*$", re.MULTILINE | re.IGNORECASE)
ALERT_INFO = re.compile(r"^Alert-Info:.*info=alert-autoanswer", re.MULTILINE | re.IGNORECASE)


@pytest.fixture(scope="module")
def paging_box(box):
    from telephony.models import Extension, PagingGroup

    box.db()
    for number, name in (("1301", "Hal"), ("1302", "Ida"), ("1303", "Jon"), ("1304", "Kim")):
        if not Extension.select().where(Extension.number == number).exists():
            box.add_extension(number, SECRET, name)
    PagingGroup.delete().where(PagingGroup.number == "6300").execute()
    PagingGroup.create(number="6300", name="Warehouse", members="1301, 1302, 1303, 1304")
    return box


@pytest.fixture
def tones(tmp_path):
    return {f: audio.write_tone(tmp_path / f"tone-{f}.wav", f, seconds=3.0) for f in FREQS}


def auto_answering(phone_host, phones, number: str):
    """A phone that rings (no answer of its own); `answer_auto` answers what asks for auto-answer."""
    phone = phones(number)
    phone_host.wait(lambda: phone.registered, 10, f"{number} registered")
    phone.answer_code = 0
    return phone


def answer_auto(phone_host, phone):
    phone_host.wait(lambda: bool(phone.incoming), 10, f"{phone.number} to be called")
    call = phone.incoming[-1]
    assert CALL_INFO.search(call.invite), f"no Call-Info answer-after=0 in:\n{call.invite}"
    assert ALERT_INFO.search(call.invite), f"no Alert-Info alert-autoanswer in:\n{call.invite}"
    call.answer_with(200)
    return call


def level_after(call, phone_host, seconds: float = 1.5):
    start = call.recorded_seconds()
    phone_host.wait(lambda: call.recorded_seconds() > start + seconds, 10, "audio")
    return audio.read_pcm(call.record_path)[-int(seconds * audio.RATE) :]


def test_intercom_rings_the_extension_with_auto_answer_headers_and_carries_audio(
    paging_box, phones, phone_host, tones
):
    hal = phones("1301")
    ida = auto_answering(phone_host, phones, "1302")
    phone_host.wait(lambda: hal.registered, 10, "registered")
    hal.play_path, ida.play_path = tones[1000], tones[600]
    call = hal.call("*801302")
    answered = answer_auto(phone_host, ida)
    phone_host.wait(lambda: call.confirmed, 10, "the intercom call to connect")
    at_ida = level_after(answered, phone_host)
    assert audio.rms(at_ida) > 1000 and audio.dominant(at_ida, FREQS) == 1000
    at_hal = level_after(call, phone_host)
    assert audio.dominant(at_hal, FREQS) == 600  # talk-back: an intercom is a two-way call
    call.hangup_now()
    phone_host.wait(lambda: answered.disconnected, 10, "BYE to the intercom target")


def test_intercom_to_a_number_that_is_no_extension_is_refused(paging_box, phones, phone_host):
    hal = phones("1301")
    phone_host.wait(lambda: hal.registered, 10, "registered")
    call = hal.call("*809999")
    phone_host.wait(lambda: call.disconnected, 10, "the refusal")
    assert call.last_code == 404


def test_paging_three_phones_all_hear_the_pager_and_nobody_hears_them(paging_box, phones, phone_host, tones):
    pager = phones("1301")
    members = [auto_answering(phone_host, phones, n) for n in ("1302", "1303", "1304")]
    phone_host.wait(lambda: pager.registered, 10, "registered")
    pager.play_path = tones[1000]
    for member in members:
        member.play_path = tones[600]
    before = len(paging_box.cdrs())
    page = pager.call("6300")
    phone_host.wait(lambda: page.confirmed, 10, "the page to be answered")
    answered = [answer_auto(phone_host, m) for m in members]
    for call in answered:
        heard = level_after(call, phone_host)
        assert audio.rms(heard) > 1000 and audio.dominant(heard, FREQS) == 1000
    at_pager = level_after(page, phone_host)
    assert audio.rms(at_pager) < 200, "the members' audio reached the pager"
    page.hangup_now()
    for call in answered:
        phone_host.wait(lambda call=call: call.disconnected, 10, "every member released")
    wait_until(lambda: len(paging_box.cdrs()) > before, 10, "the page's CDR")
    cdr = paging_box.cdrs()[-1]
    assert (cdr.caller, cdr.callee, cdr.disposition) == ("1301", "6300", "ANSWERED")
    assert sorted(leg.peer for leg in cdr.legs if leg.role.startswith("page")) == ["1302", "1303", "1304"]

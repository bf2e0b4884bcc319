"""The recent-calls list from real CDRs (a missed, a received and a dialed call) and *69 call-back."""

from __future__ import annotations

import pytest

from tests.support.box import wait_until

SECRET = "Secr3tPass9"


@pytest.fixture(scope="module")
def recent_box(box):
    from telephony.models import Extension

    box.db()
    for number, name in (("1401", "Lea"), ("1402", "Max"), ("1403", "Ned")):
        if not Extension.select().where(Extension.number == number).exists():
            box.add_extension(number, SECRET, name)
    return box


def cdrs_after(box, count: int, more: int = 1) -> None:
    wait_until(lambda: len(box.cdrs()) >= count + more, 10, "the CDR rows")


def test_recent_calls_list_a_missed_a_received_and_a_dialed_call_and_star69_calls_back(
    recent_box, phones, phone_host
):
    from telephony.recent import recent_calls

    lea, max_, ned = phones("1401"), phones("1402"), phones("1403")
    phone_host.wait(lambda: lea.registered and max_.registered and ned.registered, 10, "registered")
    before = len(recent_box.cdrs())

    # Missed: 1402 calls 1401, which does not answer; 1402 gives up.
    lea.answer_code = 0
    missed = max_.call("1401")
    phone_host.wait(lambda: bool(lea.incoming), 10, "1401 to ring")
    missed.hangup_now()
    phone_host.wait(lambda: lea.incoming[-1].disconnected, 10, "the ringing to stop")
    cdrs_after(recent_box, before, 1)

    # Received: 1403 calls 1401, which answers.
    lea.answer_code = 200
    received = ned.call("1401")
    phone_host.wait(lambda: received.confirmed, 10, "1401 to answer")
    received.hangup_now()
    phone_host.wait(lambda: lea.incoming[-1].disconnected, 10, "hangup")
    cdrs_after(recent_box, before, 2)

    # Dialed: 1401 calls 1402, which answers.
    dialed = lea.call("1402")
    phone_host.wait(lambda: dialed.confirmed, 10, "1402 to answer")
    dialed.hangup_now()
    phone_host.wait(lambda: dialed.disconnected, 10, "hangup")
    cdrs_after(recent_box, before, 3)

    recent_box.db()
    calls = recent_calls("1401", limit=3)
    assert [(c.kind, c.number) for c in calls] == [
        ("dialed", "1402"),
        ("received", "1403"),
        ("missed", "1402"),
    ]
    assert calls[1].name == "Ned"
    assert recent_calls("1402", limit=2)[0].kind == "received"

    # *69 from 1401 rings its last caller, 1403.
    ned_rings = len(ned.incoming)
    back = lea.call("*69")
    phone_host.wait(lambda: len(ned.incoming) > ned_rings, 10, "1403 to be called back")
    phone_host.wait(lambda: back.confirmed, 10, "the call-back answered")
    assert "1401" in ned.incoming[-1].invite
    back.hangup_now()
    phone_host.wait(lambda: ned.incoming[-1].disconnected, 10, "hangup")
    cdrs_after(recent_box, before, 4)
    recent_box.db()
    assert [(c.kind, c.number) for c in recent_calls("1401", limit=1)] == [("dialed", "1403")]


def test_star69_with_no_caller_to_call_back_is_refused(recent_box, phones, phone_host):
    from telephony.models import Extension

    recent_box.db()
    if not Extension.select().where(Extension.number == "1404").exists():
        recent_box.add_extension("1404", SECRET, "Oz")
    oz = phones("1404")
    phone_host.wait(lambda: oz.registered, 10, "registered")
    call = oz.call("*69")
    phone_host.wait(lambda: call.disconnected, 10, "the refusal")
    assert call.last_code == 404, f"*69 with nobody to call back: {call.codes}"

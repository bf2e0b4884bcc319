"""Transfers between SIP phones through the real box: REFER (blind, attended with Replaces) and the
in-call codes `##` (blind) and `*2` (attended; `*` cancels). After each transfer the two remaining
parties hear each other's test tones and the CDRs name the transfer."""

from __future__ import annotations

import pjsua2 as pj
import pytest

from tests.support import audio
from tests.support.box import wait_until
from tests.telephony.test_transfer_support import (
    SECRET,
    TONES,
    cdr_rows,
    dial,
    heard_next,
    hold,
    is_music,
    legs_of,
    wait_hearing,
    wait_music,
)

A, B, C = "2301", "2302", "2303"  # numbers no other module of the shared box uses


@pytest.fixture(scope="module")
def extensions(box):
    for number, name in ((A, "Alice"), (B, "Bob"), (C, "Carol")):
        box.add_extension(number, SECRET, name)
    return box


@pytest.fixture(autouse=True)
def calls_cleared(extensions):
    """Start once the previous test's calls have left the core (their CDRs are counted from here)."""
    wait_until(lambda: not extensions.control.get("/status")["calls"], 15, "the previous test's calls to end")


@pytest.fixture
def three(phones, phone_host, tmp_path):
    """Registered phones a, b, c playing their own tones; b answered a's call."""
    out = {}
    for key, number in (("a", A), ("b", B), ("c", C)):
        phone = phones(number)
        phone.play_path = audio.write_tone(tmp_path / f"{key}.wav", TONES[key], seconds=3)
        out[key] = phone
    phone_host.wait(lambda: all(p.registered for p in out.values()), 10, "three phones registered")
    return out


def talk(phone_host, caller, callee_phone, number):
    call = dial(caller, number)
    phone_host.wait(
        lambda: call.confirmed and callee_phone.incoming and callee_phone.incoming[-1].media_active,
        10,
        f"{number} to answer",
    )
    return call, callee_phone.incoming[-1]


def assert_talking(phone_host, one, other, one_tone, other_tone):
    """`one` hears `other`'s tone and the other way round."""
    wait_hearing(phone_host, one, other_tone)
    wait_hearing(phone_host, other, one_tone)


def test_given_call_when_phone_refers_blind_then_target_rings_and_talks_to_transferee(
    extensions, three, phone_host
):
    a, b, c = three["a"], three["b"], three["c"]
    before = len(extensions.cdrs())
    ab, ba = talk(phone_host, a, b, B)
    ab.xfer(f"sip:{C}@{phone_host.box}", pj.CallOpParam(True))
    phone_host.wait(lambda: c.incoming and c.incoming[-1].media_active, 10, "the target to answer")
    cb = c.incoming[-1]
    phone_host.wait(lambda: any(final and code == 200 for code, final in ab.xfer_status), 10, "NOTIFY 200")
    phone_host.wait(lambda: ab.disconnected, 10, "the transferor's leg to end")
    assert not ba.disconnected
    assert_talking(phone_host, ba, cb, TONES["b"], TONES["c"])
    ba.hangup_now()
    phone_host.wait(lambda: cb.disconnected, 10, "BYE to the target")
    old, new = cdr_rows(extensions, before, 2)
    assert (old.caller, old.callee) == (A, B) and legs_of(old)["transfer"] == C
    assert (new.caller, new.callee, new.disposition) == (B, C, "ANSWERED")
    assert legs_of(new)["transferor"] == A


def test_given_two_calls_when_phone_refers_with_replaces_then_the_other_two_talk_and_both_legs_end(
    extensions, three, phone_host
):
    a, b, c = three["a"], three["b"], three["c"]
    before = len(extensions.cdrs())
    ab, ba = talk(phone_host, a, b, B)
    assert_talking(phone_host, ab, ba, TONES["a"], TONES["b"])
    hold(phone_host, ab, ba)  # B waits with music while A consults
    ac, ca = talk(phone_host, a, c, C)
    assert_talking(phone_host, ac, ca, TONES["a"], TONES["c"])
    ab.xferReplaces(ac, pj.CallOpParam(True))
    phone_host.wait(lambda: any(final and code == 200 for code, final in ab.xfer_status), 10, "NOTIFY 200")
    phone_host.wait(lambda: ab.disconnected and ac.disconnected, 10, "both of A's calls to end")
    assert not ba.disconnected and not ca.disconnected
    wait_hearing(phone_host, ba, TONES["c"])
    wait_hearing(phone_host, ca, TONES["b"])
    ca.hangup_now()
    phone_host.wait(lambda: ba.disconnected, 10, "BYE to B")
    rows = cdr_rows(extensions, before, 3)
    by_pair = {(r.caller, r.callee): r for r in rows}
    assert legs_of(by_pair[(A, B)])["transfer"] == C
    assert legs_of(by_pair[(A, C)])["transfer"] == C
    joined = by_pair[(B, C)]
    assert joined.disposition == "ANSWERED" and legs_of(joined)["transferor"] == A


def test_given_call_when_caller_keys_blind_code_then_other_party_goes_to_number(
    extensions, three, phone_host
):
    a, b, c = three["a"], three["b"], three["c"]
    before = len(extensions.cdrs())
    ab, ba = talk(phone_host, a, b, B)
    ab.dialDtmf(f"##{C}#")
    phone_host.wait(lambda: c.incoming and c.incoming[-1].media_active, 15, "the target to answer")
    cb = c.incoming[-1]
    phone_host.wait(lambda: ab.disconnected, 10, "the transferor's leg to end")
    assert_talking(phone_host, ba, cb, TONES["b"], TONES["c"])
    cb.hangup_now()
    phone_host.wait(lambda: ba.disconnected, 10, "BYE to B")
    old, new = cdr_rows(extensions, before, 2)
    assert legs_of(old)["transfer"] == C
    assert (new.caller, new.callee) == (B, C) and legs_of(new)["transferor"] == A


def test_given_call_when_callee_keys_attended_code_then_consults_and_hangup_completes(
    extensions, three, phone_host
):
    a, b, c = three["a"], three["b"], three["c"]
    before = len(extensions.cdrs())
    ab, ba = talk(phone_host, a, b, B)
    ba.dialDtmf(f"*2{C}#")  # the callee transfers the caller
    phone_host.wait(lambda: c.incoming and c.incoming[-1].media_active, 15, "the target to answer")
    ca = c.incoming[-1]
    wait_music(phone_host, ab)
    assert_talking(phone_host, ba, ca, TONES["b"], TONES["c"])
    ba.hangup_now()  # B hangs up: A and C are joined
    phone_host.wait(lambda: ba.disconnected, 10, "B's leg to end")
    wait_hearing(phone_host, ab, TONES["c"])
    wait_hearing(phone_host, ca, TONES["a"])
    ab.hangup_now()
    phone_host.wait(lambda: ca.disconnected, 10, "BYE to C")
    rows = cdr_rows(extensions, before, 3)
    joined = next(r for r in rows if "transferor" in legs_of(r))
    assert (joined.caller, joined.callee) == (A, C) and legs_of(joined)["transferor"] == B
    assert legs_of(next(r for r in rows if (r.caller, r.callee) == (A, B)))["transfer"] == C


def test_given_consultation_when_transferor_presses_cancel_key_then_back_to_waiting_party(
    extensions, three, phone_host
):
    a, b, c = three["a"], three["b"], three["c"]
    ab, ba = talk(phone_host, a, b, B)
    ab.dialDtmf(f"*2{C}#")
    phone_host.wait(lambda: c.incoming and c.incoming[-1].media_active, 15, "the target to answer")
    ca = c.incoming[-1]
    wait_music(phone_host, ba)
    ab.dialDtmf("*")
    phone_host.wait(lambda: ca.disconnected, 10, "the consultation to be dropped")
    assert_talking(phone_host, ab, ba, TONES["a"], TONES["b"])
    assert not is_music(heard_next(phone_host, ba))


def test_given_blind_code_when_number_does_not_exist_then_transferor_is_told_and_gets_the_call_back(
    extensions, three, phone_host
):
    a, b = three["a"], three["b"]
    extensions.db()
    from telephony.models import Setting

    Setting.insert(key="prompt_language", value="en").on_conflict_replace().execute()
    ab, ba = talk(phone_host, a, b, B)
    ab.dialDtmf("##8765#")
    told: list = []

    def spoken() -> bool:
        told[:] = heard_next(phone_host, ab, seconds=0.5, settle=0.1)
        return audio.rms(told) > 300 and audio.goertzel(told, TONES["b"]) < 0.005

    phone_host.wait(spoken, 15, "A to hear the refusal (speech, not B)")
    wait_music(phone_host, ba)
    wait_hearing(phone_host, ba, TONES["a"], timeout=20)  # after the refusal is said
    wait_hearing(phone_host, ab, TONES["b"])
    assert not ab.disconnected and not ba.disconnected


def test_given_call_when_phone_refers_to_unknown_number_then_notify_failure_and_call_stays(
    extensions, three, phone_host
):
    a, b = three["a"], three["b"]
    ab, ba = talk(phone_host, a, b, B)
    ab.xfer(f"sip:8765@{phone_host.box}", pj.CallOpParam(True))
    phone_host.wait(lambda: any(final for _, final in ab.xfer_status), 10, "the final NOTIFY")
    assert [code for code, final in ab.xfer_status if final][0] >= 400
    assert not ab.disconnected and not ba.disconnected
    assert_talking(phone_host, ab, ba, TONES["a"], TONES["b"])


def test_given_blind_code_when_target_is_busy_then_transferor_is_told_and_talks_to_the_other_party_again(
    extensions, three, phone_host
):
    a, b, c = three["a"], three["b"], three["c"]
    c.answer_code = 486
    ab, ba = talk(phone_host, a, b, B)
    ab.dialDtmf(f"##{C}#")
    phone_host.wait(lambda: c.incoming and c.incoming[-1].disconnected, 15, "the target to refuse busy")
    wait_music(phone_host, ba)
    wait_hearing(phone_host, ba, TONES["a"], timeout=20)  # after the refusal is said
    wait_hearing(phone_host, ab, TONES["b"])
    assert not ab.disconnected and not ba.disconnected


def test_given_consultation_when_waiting_party_hangs_up_then_transferor_and_target_talk_on(
    extensions, three, phone_host
):
    a, b, c = three["a"], three["b"], three["c"]
    before = len(extensions.cdrs())
    ab, ba = talk(phone_host, a, b, B)
    ab.dialDtmf(f"*2{C}#")
    phone_host.wait(lambda: c.incoming and c.incoming[-1].media_active, 15, "the target to answer")
    ca = c.incoming[-1]
    ba.hangup_now()
    phone_host.wait(lambda: ba.disconnected, 10, "B gone")
    assert not ab.disconnected and not ca.disconnected
    assert_talking(phone_host, ab, ca, TONES["a"], TONES["c"])
    ca.hangup_now()
    phone_host.wait(lambda: ab.disconnected, 10, "BYE to A")
    rows = cdr_rows(extensions, before, 3)
    assert any((r.caller, r.callee) == (A, C) and "transferor" not in legs_of(r) for r in rows)


def test_given_blind_refer_when_target_is_busy_then_notify_486_and_the_call_goes_on(
    extensions, three, phone_host
):
    a, b, c = three["a"], three["b"], three["c"]
    c.answer_code = 486
    ab, ba = talk(phone_host, a, b, B)
    ab.xfer(f"sip:{C}@{phone_host.box}", pj.CallOpParam(True))
    phone_host.wait(lambda: any(final for _, final in ab.xfer_status), 10, "the final NOTIFY")
    assert [code for code, final in ab.xfer_status if final][0] == 486
    assert_talking(phone_host, ab, ba, TONES["a"], TONES["b"])
    assert not ab.disconnected and not ba.disconnected


def test_given_blind_refer_when_transferor_hangs_up_at_once_then_target_still_gets_the_call(
    extensions, three, phone_host
):
    a, b, c = three["a"], three["b"], three["c"]
    c.answer_code = 0  # C rings until the test answers
    before = len(extensions.cdrs())
    ab, ba = talk(phone_host, a, b, B)
    ab.xfer(f"sip:{C}@{phone_host.box}", pj.CallOpParam(True))
    phone_host.wait(lambda: bool(c.incoming), 10, "C to ring")
    ab.hangup_now()  # as many phones do right after the REFER is accepted
    phone_host.wait(lambda: ab.disconnected, 10, "A gone")
    assert not ba.disconnected
    cb = c.incoming[-1]
    cb.answer_with(200)
    phone_host.wait(lambda: cb.media_active, 10, "C to answer")
    assert_talking(phone_host, ba, cb, TONES["b"], TONES["c"])
    cb.hangup_now()
    phone_host.wait(lambda: ba.disconnected, 10, "BYE to B")
    old, new = cdr_rows(extensions, before, 2)
    assert legs_of(old)["transfer"] == C and (new.caller, new.callee) == (B, C)

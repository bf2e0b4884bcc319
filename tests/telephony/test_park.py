"""End to end: call park and retrieve with real pjsua2 phones through kamailio and pbx-core.

The parker presses *3 during a call (RFC 4733), hears its slot spoken and is released; the
parked phone hears music on hold; another phone dials the slot and both hear each other (tones
found by Goertzel in what each phone records). A call left in its slot rings the parker back,
then the fallback number.
"""

from __future__ import annotations

import contextlib

import pytest

from tests.support import audio
from tests.support.box import wait_until

SECRET = "Secr3tPass9"
FREQS = [600, 1000, 1400]


def ensure_extension(box, number: str, name: str) -> None:
    from telephony.models import Extension

    box.db()
    if not Extension.select().where(Extension.number == number).exists():
        box.add_extension(number, SECRET, name)


@pytest.fixture(scope="module")
def park_box(box):
    for number, name in (("1101", "Ann"), ("1102", "Ben"), ("1103", "Cat")):
        ensure_extension(box, number, name)
    return box


@pytest.fixture
def tones(tmp_path):
    return {f: audio.write_tone(tmp_path / f"tone-{f}.wav", f, seconds=3.0) for f in FREQS}


@pytest.fixture
def park_settings(park_box):
    from telephony.models import Setting

    def apply(**values: str) -> None:
        park_box.db()
        for key, value in values.items():
            Setting.set_value(key, value)
        park_box.control.reload()

    yield apply
    apply(park_timeout="120", park_fallback="", no_answer_timeout="30", park_first="701", park_last="720")


def slots(box) -> list[dict]:
    return box.control.get("/park/slots")


def answered_pair(phones, phone_host, tones):
    """1101 calls 1102, which answers; 1101 plays 1000 Hz, 1103 (made here too) plays 600 Hz."""
    ann, ben, cat = phones("1101"), phones("1102"), phones("1103")
    phone_host.wait(lambda: ann.registered and ben.registered and cat.registered, 10, "registered")
    ann.play_path, cat.play_path = tones[1000], tones[600]
    call = ann.call("1102")
    phone_host.wait(lambda: call.confirmed and ben.incoming and ben.incoming[-1].confirmed, 10, "answer")
    return ann, ben, cat, call, ben.incoming[-1]


def park_with_star3(phone_host, parker_call) -> float:
    """Press *3 on the parker's call; return how many seconds it had recorded before."""
    phone_host.wait(lambda: parker_call.recorded_seconds() > 1.0, 10, "the call's audio")
    before = parker_call.recorded_seconds()
    parker_call.dialDtmf("*3")
    return before


def tone_share(samples, freq: float) -> float:
    """The part of the samples' energy at `freq` (about 1 for a pure tone, small for speech)."""
    level = 2 * (audio.rms(samples) / 32768.0) ** 2
    return audio.goertzel(samples, freq) / level if level else 0.0


def besides(samples, freq: float) -> float:
    """The RMS of what the samples hold besides a tone at `freq` (speech over a caller's tone)."""
    tone_power = audio.goertzel(samples, freq) * 32768.0**2 / 2
    return max(0.0, audio.rms(samples) ** 2 - tone_power) ** 0.5


def heard_after(call, seconds_before: float):
    return audio.read_pcm(call.record_path)[int(seconds_before * audio.RATE) :]


def test_star3_parks_the_other_party_announces_the_slot_and_another_phone_retrieves_it(
    park_box, phones, phone_host, tones
):
    ann, ben, cat, ann_call, ben_call = answered_pair(phones, phone_host, tones)
    before = len(park_box.cdrs())
    mark = park_with_star3(phone_host, ben_call)
    phone_host.wait(lambda: ben_call.disconnected, 30, "the parker to be released after the announcement")
    said = heard_after(ben_call, mark + 0.3)
    assert audio.rms(said) > 300, "the parker heard no announcement"
    assert tone_share(said, 1000) < 0.5, "the parker heard the parked phone, not the slot"
    rows = slots(park_box)
    assert [(r["slot"], r["number"], r["parker"]) for r in rows] == [("701", "1101", "1102")]
    assert not ann_call.disconnected
    # The parked phone hears music on hold (the built-in arpeggio: not its own tone, not silence).
    held_from = ann_call.recorded_seconds()
    phone_host.wait(lambda: ann_call.recorded_seconds() > held_from + 1.5, 10, "audio while parked")
    music = heard_after(ann_call, held_from)
    assert audio.rms(music) > 300
    retrieve = cat.call("701")
    phone_host.wait(lambda: retrieve.confirmed, 10, "the retrieve call answered")
    assert slots(park_box) == []
    start_cat, start_ann = retrieve.recorded_seconds(), ann_call.recorded_seconds()
    phone_host.wait(
        lambda: retrieve.recorded_seconds() > start_cat + 2 and ann_call.recorded_seconds() > start_ann + 2,
        10,
        "2 s of audio each way after the retrieve",
    )
    at_cat = audio.read_pcm(retrieve.record_path)[-8000:]
    at_ann = audio.read_pcm(ann_call.record_path)[-8000:]
    assert audio.rms(at_cat) > 1000 and audio.dominant(at_cat, FREQS) == 1000
    assert audio.rms(at_ann) > 1000 and audio.dominant(at_ann, FREQS) == 600
    retrieve.hangup_now()
    phone_host.wait(lambda: ann_call.disconnected, 10, "the parked phone released")
    wait_until(lambda: len(park_box.cdrs()) >= before + 3, 10, "the CDRs of call, slot and retrieve")
    rows = park_box.cdrs()[before:]
    assert ("1101", "1102", "ANSWERED") in [(r.caller, r.callee, r.disposition) for r in rows]
    taken = next(r for r in rows if r.caller == "1103")
    assert (taken.callee, taken.disposition) == ("701", "ANSWERED")
    assert sorted(leg.peer for leg in taken.legs) == ["1101", "1103"]


def test_given_a_parked_call_not_taken_then_it_rings_the_parker_then_the_fallback(
    park_box, phones, phone_host, tones, park_settings
):
    park_settings(park_timeout="3", park_fallback="1103", no_answer_timeout="4")
    ann, ben, cat, ann_call, ben_call = answered_pair(phones, phone_host, tones)
    ben.answer_code = 0  # the parker lets the ring-back ring
    cat.answer_code = 200
    park_with_star3(phone_host, ben_call)
    phone_host.wait(lambda: ben_call.disconnected, 30, "the parker released")
    phone_host.wait(lambda: len(ben.incoming) == 2, 15, "the ring-back to the parker")
    ring_back = ben.incoming[-1]
    assert "1101" in ring_back.invite  # the parked party's number as caller ID
    assert slots(park_box) == []
    phone_host.wait(lambda: ring_back.disconnected, 15, "the ring-back to give up")
    phone_host.wait(lambda: bool(cat.incoming) and cat.incoming[-1].confirmed, 15, "the fallback answered")
    fallback = cat.incoming[-1]
    start = fallback.recorded_seconds()
    phone_host.wait(lambda: fallback.recorded_seconds() > start + 1.5, 10, "audio at the fallback")
    assert audio.dominant(audio.read_pcm(fallback.record_path)[-8000:], FREQS) == 1000
    assert not ann_call.disconnected
    ann_call.hangup_now()
    phone_host.wait(lambda: fallback.disconnected, 10, "the fallback released")


def test_ring_back_answered_by_the_parker_reconnects_the_parked_party(
    park_box, phones, phone_host, tones, park_settings
):
    park_settings(park_timeout="2")
    ann, ben, cat, ann_call, ben_call = answered_pair(phones, phone_host, tones)
    park_with_star3(phone_host, ben_call)
    phone_host.wait(lambda: ben_call.disconnected, 30, "the parker released")
    phone_host.wait(
        lambda: len(ben.incoming) == 2 and ben.incoming[-1].confirmed, 15, "the ring-back answered"
    )
    back = ben.incoming[-1]
    start = back.recorded_seconds()
    phone_host.wait(lambda: back.recorded_seconds() > start + 1.5, 10, "audio after the ring-back")
    assert audio.dominant(audio.read_pcm(back.record_path)[-8000:], FREQS) == 1000
    back.hangup_now()
    phone_host.wait(lambda: ann_call.disconnected, 10, "the parked party released")


def test_dialing_the_lot_parks_the_caller_and_an_empty_slot_says_so(park_box, phones, phone_host, tones):
    ann, cat = phones("1101"), phones("1103")
    phone_host.wait(lambda: ann.registered and cat.registered, 10, "registered")
    ann.play_path = tones[1000]
    parked = ann.call("700")
    phone_host.wait(lambda: parked.confirmed, 10, "the lot answers")
    wait_until(lambda: [r["slot"] for r in slots(park_box)] == ["701"], 10, "slot 701 taken")
    empty = cat.call("702")
    phone_host.wait(lambda: empty.confirmed, 10, "the empty slot answers")
    phone_host.wait(lambda: empty.disconnected, 30, "the empty slot hangs up after saying so")
    assert audio.rms(audio.read_pcm(empty.record_path)) > 300
    taken = cat.call("701")
    phone_host.wait(lambda: taken.confirmed, 10, "the retrieve")
    start = taken.recorded_seconds()
    phone_host.wait(lambda: taken.recorded_seconds() > start + 1.5, 10, "audio after the retrieve")
    assert audio.dominant(audio.read_pcm(taken.record_path)[-8000:], FREQS) == 1000
    taken.hangup_now()
    phone_host.wait(lambda: parked.disconnected, 10, "the parked caller released")


def sim(box, verb: str, **args):
    from telephony.control.client import ControlClient

    return ControlClient(box.cfg.control_url, timeout=30).post(f"/sim/{verb}", args)["result"]


def fxs_state(box, port: str) -> str:
    return {r["name"]: r for r in box.control.get("/ports")}[port]["call_state"]


def test_analog_phone_parks_its_caller_with_star3_and_a_sip_phone_takes_it(
    park_box, phones, phone_host, tones, tmp_path, request
):
    import concurrent.futures

    stack = contextlib.ExitStack()
    stack.enter_context(park_box.port_numbers({"fxs3": "2103"}))  # the session box is shared: put it back
    request.addfinalizer(stack.close)
    ann, cat = phones("1101"), phones("1103")
    phone_host.wait(lambda: ann.registered and cat.registered, 10, "registered")
    ann.play_path, cat.play_path = tones[1000], tones[600]
    call = ann.call("2103")
    phone_host.wait(
        lambda: any(e["type"] == "ring-start" for e in sim(park_box, "events", port="fxs3")), 10, "fxs3 rings"
    )
    sim(park_box, "offhook", port="fxs3")
    try:
        phone_host.wait(lambda: call.confirmed, 10, "the analog phone answered")
        sim(park_box, "dial", port="fxs3", digits="*3")
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            fut = pool.submit(
                sim, park_box, "record", port="fxs3", file=str(tmp_path / "fxs3.wav"), seconds=1.0
            )
            phone_host.wait(fut.done, 20, "recording fxs3")
            fut.result()
        said = audio.read_pcm(tmp_path / "fxs3.wav")
        assert audio.rms(said) > 200 and tone_share(said, 1000) < 0.5, "the analog parker heard no slot"
        wait_until(
            lambda: (
                [(r["slot"], r["number"], r["parker"]) for r in slots(park_box)] == [("701", "1101", "2103")]
            ),
            10,
            "the slot row",
        )
        phone_host.wait(lambda: fxs_state(park_box, "fxs3") == "busytone", 20, "the analog parker released")
        taken = cat.call("701")
        phone_host.wait(lambda: taken.confirmed, 10, "the retrieve")
        start = taken.recorded_seconds()
        phone_host.wait(lambda: taken.recorded_seconds() > start + 1.5, 10, "audio after the retrieve")
        assert audio.dominant(audio.read_pcm(taken.record_path)[-8000:], FREQS) == 1000
        taken.hangup_now()
        phone_host.wait(lambda: call.disconnected, 10, "the parked caller released")
    finally:
        sim(park_box, "onhook", port="fxs3")
        wait_until(lambda: fxs_state(park_box, "fxs3") == "idle", 10, "fxs3 idle")


def test_given_every_slot_taken_when_star3_then_the_parker_hears_why_and_the_call_goes_on(
    park_box, phones, phone_host, tones, park_settings
):
    park_settings(park_first="701", park_last="701")
    ann, ben, cat, ann_call, ben_call = answered_pair(phones, phone_host, tones)
    cat.play_path = None
    squatter = cat.call("700")
    phone_host.wait(
        lambda: [r["number"] for r in slots(park_box)] == ["1103"], 10, "1103 parked in the only slot"
    )
    phone_host.wait(lambda: ben_call.recorded_seconds() > 2.0, 10, "the call's audio")
    baseline = heard_after(ben_call, ben_call.recorded_seconds() - 1.0)
    assert tone_share(baseline, 1000) > 0.8
    quiet = besides(baseline, 1000)
    mark = park_with_star3(phone_host, ben_call)
    phone_host.wait(lambda: ben_call.recorded_seconds() > mark + 4.0, 15, "4 s after *3")
    after = heard_after(ben_call, mark)
    windows = [after[i : i + 4000] for i in range(0, len(after) - 4000, 2000)]
    spoken = [round(besides(w, 1000)) for w in windows]
    # Speech fills a second or more of half-second windows; a click spoils one or two at most. The
    # call's own level besides the tone (`quiet`) rises on a loaded machine (jitter): judge against it.
    loud = [level > max(1000, 4 * quiet) for level in spoken]
    assert sum(loud) >= 5, f"no refusal heard: {spoken} (besides the tone before *3: {quiet:.0f})"
    assert not ben_call.disconnected and not ann_call.disconnected
    assert [r["number"] for r in slots(park_box)] == ["1103"]
    end = audio.read_pcm(ben_call.record_path)[-4000:]
    assert audio.dominant(end, FREQS) == 1000  # still talking to the caller
    squatter.hangup_now()
    ann_call.hangup_now()
    phone_host.wait(lambda: ben_call.disconnected, 10, "the call ended")


def test_blind_transfer_to_the_park_lot_parks_the_transferee(park_box, phones, phone_host, tones):
    import pjsua2 as pj

    from tests.telephony.test_transfer_support import dial

    ann, ben, cat = phones("1101"), phones("1102"), phones("1103")
    phone_host.wait(lambda: ann.registered and ben.registered and cat.registered, 10, "registered")
    ben.play_path = tones[1400]
    call = dial(ann, "1102")
    phone_host.wait(lambda: call.confirmed and ben.incoming and ben.incoming[-1].media_active, 10, "answer")
    transferee = ben.incoming[-1]
    call.xfer(f"sip:700@{phone_host.box}", pj.CallOpParam(True))
    phone_host.wait(lambda: [r["number"] for r in slots(park_box)] == ["1102"], 10, "1102 parked")
    phone_host.wait(lambda: call.disconnected, 10, "the transferor released")
    assert not transferee.disconnected
    taken = cat.call("701")
    phone_host.wait(lambda: taken.confirmed, 10, "the retrieve")
    start = taken.recorded_seconds()
    phone_host.wait(lambda: taken.recorded_seconds() > start + 1.5, 10, "audio after the retrieve")
    assert audio.dominant(audio.read_pcm(taken.record_path)[-8000:], FREQS) == 1400
    taken.hangup_now()
    phone_host.wait(lambda: transferee.disconnected, 10, "the transferee released")

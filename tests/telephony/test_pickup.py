"""End to end: call pickup (group *8 and directed **<n>) with pjsua2 phones and simulated analog phones.

The phone that rang must stop ringing (its INVITE cancelled, or the analog ring stopped), the
picker and the caller hear each other, and the CDR's callee leg names the picker.
"""

from __future__ import annotations

import concurrent.futures

import pytest

from telephony.control.client import ControlClient
from tests.support import audio
from tests.support.box import wait_until

SECRET = "Secr3tPass9"
FREQS = [600, 1000, 1400]


@pytest.fixture(scope="module")
def pickup_box(box):
    from telephony.models import Extension, PickupGroup

    box.db()
    for number, name in (("1201", "Dan"), ("1202", "Eve"), ("1203", "Fay"), ("1204", "Gus")):
        if not Extension.select().where(Extension.number == number).exists():
            box.add_extension(number, SECRET, name)
    PickupGroup.delete().where(PickupGroup.name == "front desk").execute()
    PickupGroup.create(name="front desk", members="1202, 1203, 2201, 2202")
    wait_until(lambda: box.control.get("/status")["ports_summary"], 10, "the board's ports")
    with box.port_numbers({"fxs1": "2201", "fxs2": "2202"}):  # the session box is shared: put them back
        yield box
    box.db()
    PickupGroup.delete().where(PickupGroup.name == "front desk").execute()


@pytest.fixture
def tones(tmp_path):
    return {f: audio.write_tone(tmp_path / f"tone-{f}.wav", f, seconds=3.0) for f in FREQS}


def sim(box, verb: str, **args):
    return ControlClient(box.cfg.control_url, timeout=30).post(f"/sim/{verb}", args)["result"]


def events(box, port: str) -> list[dict]:
    return sim(box, "events", port=port)


def hang_up(box, *ports: str) -> None:
    for port in ports:
        sim(box, "onhook", port=port)

    def idle() -> bool:
        rows = {r["name"]: r for r in box.control.get("/ports")}
        return all(rows[p]["call_state"] == "idle" for p in ports)

    wait_until(idle, 10, f"{', '.join(ports)} idle")


def last_cdr(box, before: int):
    wait_until(lambda: len(box.cdrs()) > before, 10, "the CDR row")
    return box.cdrs()[-1]


def two_way(phone_host, x, y) -> None:
    """x plays 1000 Hz and y 600 Hz (set before the calls): each hears the other's tone."""
    sx, sy = x.recorded_seconds(), y.recorded_seconds()
    phone_host.wait(
        lambda: x.recorded_seconds() > sx + 2 and y.recorded_seconds() > sy + 2, 10, "2 s of audio each way"
    )
    assert audio.dominant(audio.read_pcm(x.record_path)[-8000:], FREQS) == 600
    assert audio.dominant(audio.read_pcm(y.record_path)[-8000:], FREQS) == 1000


def ringing(phone_host, phone) -> object:
    phone_host.wait(
        lambda: bool(phone.incoming) and phone.incoming[-1].state >= 0, 10, f"{phone.number} to ring"
    )
    return phone.incoming[-1]


def test_group_pickup_answers_the_call_ringing_a_group_member_and_stops_its_ringing(
    pickup_box, phones, phone_host, tones
):
    dan, eve, fay = phones("1201"), phones("1202"), phones("1203")
    phone_host.wait(lambda: dan.registered and eve.registered and fay.registered, 10, "registered")
    eve.answer_code = 0
    dan.play_path, fay.play_path = tones[1000], tones[600]
    before = len(pickup_box.cdrs())
    call = dan.call("1202")
    rung = ringing(phone_host, eve)
    pick = fay.call("*8")
    phone_host.wait(lambda: pick.confirmed and call.confirmed, 10, "the pickup to connect")
    phone_host.wait(lambda: rung.disconnected, 10, "1202 to stop ringing")
    two_way(phone_host, call, pick)
    call.hangup_now()
    phone_host.wait(lambda: pick.disconnected, 10, "the picker released")
    cdr = last_cdr(pickup_box, before)
    assert (cdr.caller, cdr.callee, cdr.disposition) == ("1201", "1202", "ANSWERED")
    legs = {leg.role: leg.peer for leg in cdr.legs}
    assert legs == {"caller": "1201", "callee": "1203", "rang": "1202"}


def test_directed_pickup_takes_the_call_ringing_that_extension(pickup_box, phones, phone_host, tones):
    dan, eve, gus = phones("1201"), phones("1202"), phones("1204")  # 1204 is in no pickup group
    phone_host.wait(lambda: dan.registered and eve.registered and gus.registered, 10, "registered")
    eve.answer_code = 0
    dan.play_path, gus.play_path = tones[1000], tones[600]
    call = dan.call("1202")
    rung = ringing(phone_host, eve)
    pick = gus.call("**1202")
    phone_host.wait(lambda: pick.confirmed and call.confirmed, 10, "the directed pickup to connect")
    phone_host.wait(lambda: rung.disconnected, 10, "1202 to stop ringing")
    two_way(phone_host, call, pick)
    call.hangup_now()
    phone_host.wait(lambda: pick.disconnected, 10, "the picker released")


def test_group_pickup_from_outside_the_group_finds_nothing_and_the_call_keeps_ringing(
    pickup_box, phones, phone_host
):
    dan, eve, gus = phones("1201"), phones("1202"), phones("1204")
    phone_host.wait(lambda: dan.registered and eve.registered and gus.registered, 10, "registered")
    eve.answer_code = 0
    call = dan.call("1202")
    rung = ringing(phone_host, eve)
    pick = gus.call("*8")
    phone_host.wait(lambda: pick.confirmed, 10, "the box to answer *8")
    phone_host.wait(lambda: pick.disconnected, 30, "the box to say there is nothing and hang up")
    assert audio.rms(audio.read_pcm(pick.record_path)) > 300  # it said why
    assert not rung.disconnected and not call.disconnected
    call.hangup_now()
    phone_host.wait(lambda: rung.disconnected, 10, "the ringing to stop")


def test_analog_phone_picks_up_a_call_ringing_another_analog_phone(
    pickup_box, phones, phone_host, tones, tmp_path
):
    dan = phones("1201")
    phone_host.wait(lambda: dan.registered, 10, "registered")
    dan.play_path = tones[1000]
    call = dan.call("2201")
    phone_host.wait(
        lambda: any(e["type"] == "ring-start" for e in events(pickup_box, "fxs1")), 10, "fxs1 rings"
    )
    sim(pickup_box, "offhook", port="fxs2")
    try:
        wait_until(
            lambda: any(e["type"] == "tone" for e in events(pickup_box, "fxs2")), 5, "dial tone on fxs2"
        )
        sim(pickup_box, "dial", port="fxs2", digits="*8#")
        phone_host.wait(lambda: call.confirmed, 10, "the analog pickup to answer")
        phone_host.wait(
            lambda: any(e["type"] == "ring-stop" for e in events(pickup_box, "fxs1")),
            10,
            "fxs1 to stop ringing",
        )
        rows = {r["name"]: r for r in pickup_box.control.get("/ports")}
        assert rows["fxs1"]["call_state"] == "idle" and rows["fxs2"]["call_state"] == "call"
        sim(pickup_box, "play", port="fxs2", file=str(tones[600]))
        start = call.recorded_seconds()
        phone_host.wait(lambda: call.recorded_seconds() > start + 1.5, 10, "audio from fxs2")
        assert audio.dominant(audio.read_pcm(call.record_path)[-4000:], FREQS) == 600
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            fut = pool.submit(
                sim, pickup_box, "record", port="fxs2", file=str(tmp_path / "fxs2.wav"), seconds=1.0
            )
            phone_host.wait(fut.done, 20, "recording fxs2")
            fut.result()
        assert audio.dominant(audio.read_pcm(tmp_path / "fxs2.wav"), FREQS) == 1000
    finally:
        hang_up(pickup_box, "fxs2")
    phone_host.wait(lambda: call.disconnected, 10, "the caller released")

"""Call waiting on a simulated analog phone: the second caller rings while the phone hears the
call-waiting tone over its conversation; flash answers (the first party hears music), flash again
swaps; hanging up with a call on hold rings the phone back for it. Turned off per port: busy."""

from __future__ import annotations

import concurrent.futures

import pytest

from telephony.control.client import ControlClient
from tests.support import audio
from tests.support.box import Box, wait_until
from tests.telephony.test_transfer_support import (
    SECRET,
    TONES,
    tone_of,
    wait_hearing,
    wait_music,
)

Y1, Y2, FXS_NUMBER = "2501", "2502", "2511"


@pytest.fixture(scope="module")
def cw_box(tmp_path_factory):
    box = Box(tmp_path_factory.mktemp("callwaiting"), rtp_port=33400).start()
    from telephony.models.lines import PortSetting

    box.add_extension(Y1, SECRET, "First")
    box.add_extension(Y2, SECRET, "Second")
    box.db()
    PortSetting.create(port="fxs1", number=FXS_NUMBER, caller_id_name="Desk")
    wait_until(lambda: box.control.get("/status")["ports_summary"], 10, "the board's ports")
    yield box
    box.stop()


@pytest.fixture
def phones(phone_host, cw_box, tmp_path):
    def make(number: str, tone: str):
        phone = phone_host.phone(cw_box.sip, number, SECRET)
        phone.record_dir = tmp_path
        phone.play_path = audio.write_tone(tmp_path / f"{number}.wav", TONES[tone], seconds=3)
        phone_host.wait(lambda: phone.registered, 10, f"{number} registered")
        return phone

    yield make
    phone_host.drop_phones()


def sim(box: Box, verb: str, **args):
    return ControlClient(box.cfg.control_url, timeout=30).post(f"/sim/{verb}", args)["result"]


def port_state(box: Box) -> str:
    return next(r for r in box.control.get("/ports") if r["name"] == "fxs1")["call_state"]


def in_background(phone_host, what: str, func, *args, **kwargs):
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        fut = pool.submit(func, *args, **kwargs)
        phone_host.wait(fut.done, 30, what)
        return fut.result()


def hear_at_port(box: Box, phone_host, path, seconds: float = 1.0):
    in_background(
        phone_host, "recording fxs1", sim, box, "record", port="fxs1", file=str(path), seconds=seconds
    )
    return audio.read_pcm(path)


def port_hears(box: Box, phone_host, path, tone: float, timeout: float = 10.0) -> None:
    """Wait until the analog phone hears `tone` (0.5 s recordings, deadline `timeout`)."""
    heard: list[float] = []

    def hears() -> bool:
        heard.append(tone_of(hear_at_port(box, phone_host, path, seconds=0.5)))
        return heard[-1] == tone

    wait_until(hears, timeout, f"the analog phone to hear {tone} Hz (heard {heard[-5:]})")


def play_at_port(box: Box, tmp_path) -> None:
    sim(box, "play", port="fxs1", file=str(audio.write_tone(tmp_path / "fxs.wav", TONES["d"], seconds=3)))


def set_call_waiting(box: Box, on: bool) -> None:
    box.db()
    from telephony.lines.callwaiting import set_enabled

    set_enabled("fxs1", on)


@pytest.fixture
def first_call(cw_box, phones, phone_host):
    """Y1 called the analog phone, which answered."""
    y1 = phones(Y1, "b")
    call = y1.call(FXS_NUMBER)
    phone_host.wait(lambda: port_state(cw_box) == "ringing", 10, "fxs1 to ring")
    sim(cw_box, "offhook", port="fxs1")
    phone_host.wait(lambda: call.confirmed and call.media_active, 10, "the analog phone to answer")
    yield y1, call
    sim(cw_box, "onhook", port="fxs1")
    phone_host.wait(lambda: port_state(cw_box) == "idle", 10, "fxs1 idle")


def test_given_talking_analog_phone_when_second_call_arrives_then_waiting_tone_flash_swaps_and_hangup_rings_back(
    cw_box, phones, phone_host, first_call, tmp_path
):
    y1, call1 = first_call
    y2 = phones(Y2, "c")
    call2 = y2.call(FXS_NUMBER)
    phone_host.wait(lambda: call2.state == 2 or call2.media_active, 10, "the second caller to hear ringing")
    assert not call2.confirmed and not call2.disconnected

    # The phone hears its first caller with the 450 Hz call-waiting tone in bursts.
    heard = hear_at_port(cw_box, phone_host, tmp_path / "cw.wav", seconds=4.6)
    windows = [heard[i : i + 800] for i in range(0, len(heard) - 800, 800)]  # 100 ms each
    ratio = [audio.goertzel(w, 450) / max(audio.goertzel(w, TONES["b"]), 1e-9) for w in windows]
    assert sum(r > 0.2 for r in ratio) >= 2, "call-waiting tone bursts are heard"
    assert sum(r < 0.02 for r in ratio) >= len(ratio) // 2, "the tone is cadenced, the call goes on"
    assert tone_of(heard) == TONES["b"]

    # Flash answers the waiting call; the first caller hears music.
    in_background(phone_host, "flash", sim, cw_box, "flash", port="fxs1")
    phone_host.wait(lambda: call2.confirmed and call2.media_active, 10, "the waiting call answered")
    wait_music(phone_host, call1)
    port_hears(cw_box, phone_host, tmp_path / "second.wav", TONES["c"])
    play_at_port(cw_box, tmp_path)
    wait_hearing(phone_host, call2, TONES["d"])

    # Flash again: back to the first caller; the second one waits with music.
    in_background(phone_host, "second flash", sim, cw_box, "flash", port="fxs1")
    wait_music(phone_host, call2)
    port_hears(cw_box, phone_host, tmp_path / "first.wav", TONES["b"])
    play_at_port(cw_box, tmp_path)
    wait_hearing(phone_host, call1, TONES["d"])

    # Hang up on the first caller: that call ends and the phone rings for the held one.
    mark = len(sim(cw_box, "events", port="fxs1"))
    sim(cw_box, "onhook", port="fxs1")
    phone_host.wait(lambda: call1.disconnected, 10, "the first call to end")
    phone_host.wait(
        lambda: any(e["type"] == "ring-start" for e in sim(cw_box, "events", port="fxs1")[mark:]),
        10,
        "the phone to ring again",
    )
    assert not call2.disconnected
    sim(cw_box, "offhook", port="fxs1")
    phone_host.wait(lambda: port_state(cw_box) == "call", 10, "the rung-back phone answered")
    play_at_port(cw_box, tmp_path)
    wait_hearing(phone_host, call2, TONES["d"])
    port_hears(cw_box, phone_host, tmp_path / "back.wav", TONES["c"])


def test_given_call_waiting_off_when_second_call_arrives_then_busy(cw_box, phones, phone_host, first_call):
    set_call_waiting(cw_box, False)
    try:
        y2 = phones(Y2, "c")
        call2 = y2.call(FXS_NUMBER)
        phone_host.wait(lambda: call2.disconnected, 10, "the second call refused")
        assert call2.last_code == 486
        assert not first_call[1].disconnected
    finally:
        set_call_waiting(cw_box, True)


def test_given_call_waiting_when_phone_hangs_up_without_answering_then_it_rings_for_the_waiting_call(
    cw_box, phones, phone_host, first_call, tmp_path
):
    y1, call1 = first_call
    y2 = phones(Y2, "c")
    call2 = y2.call(FXS_NUMBER)
    phone_host.wait(lambda: call2.state == 2 or call2.media_active, 10, "the second caller to hear ringing")
    mark = len(sim(cw_box, "events", port="fxs1"))
    sim(cw_box, "onhook", port="fxs1")
    phone_host.wait(lambda: call1.disconnected, 10, "the first call to end")
    phone_host.wait(
        lambda: any(e["type"] == "ring-start" for e in sim(cw_box, "events", port="fxs1")[mark:]),
        10,
        "the phone to ring for the waiting call",
    )
    phone_host.wait(
        lambda: Y2 in str(sim(cw_box, "events", port="fxs1")[mark:]),
        10,
        "the waiting caller's ID on the phone",
    )
    sim(cw_box, "offhook", port="fxs1")
    phone_host.wait(lambda: call2.confirmed and call2.media_active, 10, "the waiting call answered")
    play_at_port(cw_box, tmp_path)
    wait_hearing(phone_host, call2, TONES["d"])
    port_hears(cw_box, phone_host, tmp_path / "second.wav", TONES["c"])

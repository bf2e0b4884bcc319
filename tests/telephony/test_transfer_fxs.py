"""Hook-flash transfers from an analog phone (simulated FXS handset on the real drivers) with SIP phones
as the other parties: flash puts the caller on music and gives dial tone, the number dialed is a
consultation call; hanging up transfers (attended, or blind while the target still rings); a second
flash drops the consultation and takes the phone back to the waiting party."""

from __future__ import annotations

import concurrent.futures

import pjsua2 as pj
import pytest

from telephony.control.client import ControlClient
from tests.support import audio
from tests.support.box import Box, wait_until
from tests.telephony.test_transfer_support import (
    SECRET,
    TONES,
    cdr_rows,
    dial,
    heard_next,
    legs_of,
    tone_of,
    wait_hearing,
    wait_music,
)

Y, C, FXS_NUMBER = "2401", "2402", "2411"


@pytest.fixture(scope="module")
def fxs_box(tmp_path_factory):
    box = Box(tmp_path_factory.mktemp("transfer-fxs"), rtp_port=33000).start()
    from telephony.models.lines import PortSetting

    box.add_extension(Y, SECRET, "Yara")
    box.add_extension(C, SECRET, "Cole")
    box.db()
    PortSetting.create(port="fxs1", number=FXS_NUMBER, caller_id_name="Front desk")
    wait_until(lambda: box.control.get("/status")["ports_summary"], 10, "the board's ports")
    yield box
    box.stop()


@pytest.fixture
def phones(phone_host, fxs_box, tmp_path):
    def make(number: str, tone: str):
        phone = phone_host.phone(fxs_box.sip, number, SECRET)
        phone.record_dir = tmp_path
        phone.play_path = audio.write_tone(tmp_path / f"{number}.wav", TONES[tone], seconds=3)
        phone_host.wait(lambda: phone.registered, 10, f"{number} registered")
        return phone

    yield make
    phone_host.drop_phones()


def sim(box: Box, verb: str, **args):
    return ControlClient(box.cfg.control_url, timeout=30).post(f"/sim/{verb}", args)["result"]


def port_state(box: Box, port: str = "fxs1") -> str:
    return next(r for r in box.control.get("/ports") if r["name"] == port)["call_state"]


def hear_at_port(box: Box, phone_host, path, seconds: float = 1.0):
    """What the analog phone hears, while the SIP phones keep being pumped."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        fut = pool.submit(sim, box, "record", port="fxs1", file=str(path), seconds=seconds)
        phone_host.wait(fut.done, seconds + 15, "recording fxs1")
        fut.result()
    return audio.read_pcm(path)


def port_hears(box: Box, phone_host, path, tone: float, timeout: float = 10.0) -> None:
    """Wait until the analog phone hears `tone` (0.5 s recordings, deadline `timeout`)."""
    heard: list[float] = []

    def hears() -> bool:
        heard.append(tone_of(hear_at_port(box, phone_host, path, seconds=0.5)))
        return heard[-1] == tone

    wait_until(hears, timeout, f"the analog phone to hear {tone} Hz (heard {heard[-5:]})")


def in_background(phone_host, what: str, func, *args, **kwargs):
    """Run a blocking sim verb (flash, dial) while pumping the SIP phones."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        fut = pool.submit(func, *args, **kwargs)
        phone_host.wait(fut.done, 20, what)
        return fut.result()


@pytest.fixture
def answered(fxs_box, phones, phone_host, tmp_path):
    """SIP phone Y called the analog phone, which answered and plays its own tone (1400 Hz)."""
    y = phones(Y, "b")
    call = y.call(FXS_NUMBER)
    phone_host.wait(lambda: port_state(fxs_box) == "ringing", 10, "fxs1 to ring")
    sim(fxs_box, "offhook", port="fxs1")
    phone_host.wait(lambda: call.confirmed and call.media_active, 10, "the analog phone to answer")
    yield y, call
    sim(fxs_box, "onhook", port="fxs1")
    phone_host.wait(lambda: port_state(fxs_box) == "idle", 10, "fxs1 idle")


def flash_and_dial(box: Box, phone_host, digits: str, tmp_path) -> None:
    """Flash, check the dial tone the analog phone then hears (450 Hz), dial `digits`."""
    in_background(phone_host, "hook flash", sim, box, "flash", port="fxs1")
    port_hears(box, phone_host, tmp_path / "dialtone.wav", 450.0)
    in_background(phone_host, "dialing", sim, box, "dial", port="fxs1", digits=digits)


def test_given_flash_and_consultation_when_analog_phone_hangs_up_then_attended_transfer(
    fxs_box, phones, phone_host, answered, tmp_path
):
    y, ycall = answered
    c = phones(C, "c")
    before = len(fxs_box.cdrs())
    flash_and_dial(fxs_box, phone_host, C, tmp_path)
    wait_music(phone_host, ycall)
    phone_host.wait(lambda: c.incoming and c.incoming[-1].media_active, 10, "C to answer the consultation")
    cin = c.incoming[-1]
    port_hears(fxs_box, phone_host, tmp_path / "consult.wav", TONES["c"])  # it talks to C
    sim(fxs_box, "onhook", port="fxs1")
    wait_hearing(phone_host, ycall, TONES["c"])
    wait_hearing(phone_host, cin, TONES["b"])
    cin.hangup_now()
    phone_host.wait(lambda: ycall.disconnected, 10, "BYE to Y")
    rows = cdr_rows(fxs_box, before, 3)
    joined = next(r for r in rows if "transferor" in legs_of(r))
    assert (joined.caller, joined.callee) == (Y, C) and legs_of(joined)["transferor"] == FXS_NUMBER
    assert legs_of(next(r for r in rows if (r.caller, r.callee) == (Y, FXS_NUMBER)))["transfer"] == C


def test_given_flash_when_hanging_up_while_target_rings_then_blind_transfer(
    fxs_box, phones, phone_host, answered, tmp_path
):
    y, ycall = answered
    c = phones(C, "c")
    c.answer_code = 0  # C only rings
    before = len(fxs_box.cdrs())
    flash_and_dial(fxs_box, phone_host, C, tmp_path)
    phone_host.wait(lambda: bool(c.incoming), 10, "C to ring")
    sim(fxs_box, "onhook", port="fxs1")
    phone_host.wait(lambda: port_state(fxs_box) == "idle", 10, "fxs1 idle")
    ringing = heard_next(phone_host, ycall)
    assert audio.goertzel(ringing, 450) > 5 * audio.goertzel(ringing, TONES["d"]), "Y hears ringback"
    cin = c.incoming[-1]
    cin.answer_with(200)
    phone_host.wait(lambda: cin.media_active, 10, "C to answer")
    wait_hearing(phone_host, ycall, TONES["c"])
    wait_hearing(phone_host, cin, TONES["b"])
    ycall.hangup_now()
    phone_host.wait(lambda: cin.disconnected, 10, "BYE to C")
    rows = cdr_rows(fxs_box, before, 3)
    joined = next(r for r in rows if "transferor" in legs_of(r))
    assert (joined.caller, joined.callee, joined.disposition) == (Y, C, "ANSWERED")
    assert legs_of(next(r for r in rows if (r.caller, r.callee) == (Y, FXS_NUMBER)))["transfer"] == C


def test_given_consultation_when_flashing_again_then_back_to_the_waiting_party(
    fxs_box, phones, phone_host, answered, tmp_path
):
    y, ycall = answered
    c = phones(C, "c")
    flash_and_dial(fxs_box, phone_host, C, tmp_path)
    phone_host.wait(lambda: c.incoming and c.incoming[-1].media_active, 10, "C to answer the consultation")
    cin = c.incoming[-1]
    in_background(phone_host, "second flash", sim, fxs_box, "flash", port="fxs1")
    phone_host.wait(lambda: cin.disconnected, 10, "the consultation dropped")
    sim(fxs_box, "play", port="fxs1", file=str(audio.write_tone(tmp_path / "fxs.wav", TONES["d"], seconds=3)))
    wait_hearing(phone_host, ycall, TONES["d"])
    port_hears(fxs_box, phone_host, tmp_path / "back.wav", TONES["b"])


def test_given_analog_phone_in_call_when_it_keys_blind_code_then_caller_goes_to_target(
    fxs_box, phones, phone_host, answered
):
    y, ycall = answered
    c = phones(C, "c")
    before = len(fxs_box.cdrs())
    in_background(phone_host, "dialing ##", sim, fxs_box, "dial", port="fxs1", digits=f"##{C}#")
    phone_host.wait(lambda: c.incoming and c.incoming[-1].media_active, 15, "C to answer")
    cin = c.incoming[-1]
    phone_host.wait(lambda: port_state(fxs_box) != "call", 10, "the analog phone released")
    wait_hearing(phone_host, ycall, TONES["c"])
    wait_hearing(phone_host, cin, TONES["b"])
    cin.hangup_now()
    phone_host.wait(lambda: ycall.disconnected, 10, "BYE to Y")
    rows = cdr_rows(fxs_box, before, 2)
    joined = next(r for r in rows if "transferor" in legs_of(r))
    assert (joined.caller, joined.callee) == (Y, C) and legs_of(joined)["transferor"] == FXS_NUMBER


def test_given_sip_call_when_phone_refers_to_the_analog_phone_then_the_box_rings_it_and_they_talk(
    fxs_box, phones, phone_host, tmp_path
):
    y, c = phones(Y, "b"), phones(C, "c")
    before = len(fxs_box.cdrs())
    yc = dial(y, C)
    phone_host.wait(lambda: yc.confirmed and c.incoming and c.incoming[-1].media_active, 10, "C to answer")
    cin = c.incoming[-1]
    yc.xfer(f"sip:{FXS_NUMBER}@{phone_host.box}", pj.CallOpParam(True))
    phone_host.wait(lambda: any(final and code == 200 for code, final in yc.xfer_status), 10, "NOTIFY 200")
    phone_host.wait(lambda: port_state(fxs_box) == "ringing", 10, "the analog phone to ring")
    sim(fxs_box, "offhook", port="fxs1")
    try:
        phone_host.wait(lambda: port_state(fxs_box) == "call", 10, "the analog phone to answer")
        phone_host.wait(lambda: yc.disconnected, 10, "the transferor's dialog to end")
        assert not cin.disconnected
        sim(
            fxs_box,
            "play",
            port="fxs1",
            file=str(audio.write_tone(tmp_path / "fxs.wav", TONES["d"], seconds=3)),
        )
        wait_hearing(phone_host, cin, TONES["d"])
        port_hears(fxs_box, phone_host, tmp_path / "c.wav", TONES["c"])
    finally:
        sim(fxs_box, "onhook", port="fxs1")
    phone_host.wait(lambda: cin.disconnected, 10, "BYE to C")
    rows = cdr_rows(fxs_box, before, 2)
    joined = next(r for r in rows if "transferor" in legs_of(r))
    assert (joined.caller, joined.callee, legs_of(joined)["transferor"]) == (C, FXS_NUMBER, Y)
    assert legs_of(next(r for r in rows if r is not joined))["transfer"] == FXS_NUMBER

"""FXS ports through the real Si3215 driver on the simulated SPI bus, with a simulated phone."""

from __future__ import annotations

import pytest

from hal.errors import InvalidState
from hal.events import Digit, Flash, OffHook, OnHook
from hal.ports import CallerIdInfo
from hal.sim.i2c import FakeMcp23017
from tests.hal.conftest import wait_until


def digits(sim, port: str) -> str:
    return "".join(e.digit for e in sim.log.of(Digit, port))


def test_fxs_given_handset_lifted_then_offhook_then_onhook_reach_drain_events(sim):
    sim.control.offhook("fxs1")
    [lifted] = sim.log.wait(OffHook, "fxs1")
    assert sim.port("fxs1").state() == "offhook"
    sim.control.onhook("fxs1")
    sim.log.wait(OnHook, "fxs1")
    assert sim.port("fxs1").state() == "onhook"
    assert not sim.log.of(Flash, "fxs1")
    assert lifted.port == "fxs1"


def test_fxs_hook_flash_is_a_flash_not_a_hang_up(sim):
    sim.control.offhook("fxs2")
    sim.log.wait(OffHook, "fxs2")
    sim.control.flash("fxs2", 300)
    sim.log.wait(Flash, "fxs2")
    assert not sim.log.of(OnHook, "fxs2")
    assert sim.port("fxs2").state() == "offhook"


def test_fxs_contact_bounce_shorter_than_debounce_is_ignored(sim):
    sim.control.offhook("fxs1")
    sim.log.wait(OffHook, "fxs1")
    sim.control.flash("fxs1", 20)  # a 20 ms break: contact bounce
    sim.control.dial("fxs1", "5")
    sim.log.wait(Digit, "fxs1")
    assert digits(sim, "fxs1") == "5"
    assert not sim.log.of(Flash, "fxs1") and not sim.log.of(OnHook, "fxs1")
    assert len(sim.log.of(OffHook, "fxs1")) == 1


def test_fxs_dtmf_digits_are_detected_on_the_phone_audio(sim):
    sim.control.offhook("fxs3")
    sim.log.wait(OffHook, "fxs3")
    sim.control.dial("fxs3", "0123456789*#")
    sim.log.wait(Digit, "fxs3", count=12)
    assert digits(sim, "fxs3") == "0123456789*#"
    assert {e.mode for e in sim.log.of(Digit, "fxs3")} == {"dtmf"}


def test_fxs_pulse_digits_are_counted_from_hook_breaks(sim):
    sim.control.offhook("fxs4")
    sim.log.wait(OffHook, "fxs4")
    sim.control.dial("fxs4", "305", pulse=True)
    sim.log.wait(Digit, "fxs4", count=3, timeout=10)
    assert digits(sim, "fxs4") == "305"
    assert {e.mode for e in sim.log.of(Digit, "fxs4")} == {"pulse"}
    assert not sim.log.of(Flash, "fxs4") and not sim.log.of(OnHook, "fxs4")


def test_fxs_dial_tone_is_heard_at_450_hz(sim):
    sim.control.offhook("fxs1")
    sim.log.wait(OffHook, "fxs1")
    sim.port("fxs1").play_tone("dial")
    [tone] = sim.wait_far("fxs1", "tone")
    assert len(tone["freqs"]) == 1 and abs(tone["freqs"][0] - 450) <= 5


def test_fxs_phone_stamps_its_lift_and_the_first_frame_of_a_tone_in_bus_time(sim):
    sim.control.offhook("fxs1")
    sim.log.wait(OffHook, "fxs1")
    sim.port("fxs1").play_tone("dial")
    [tone] = sim.wait_far("fxs1", "tone")
    [hook] = [e for e in sim.control.events("fxs1") if e["type"] == "offhook"]
    # The OffHook comes after 30 ms of debounce and the tone starts on a period after play_tone:
    # later than the lift, and well ahead of the 200 ms it takes the tracker to report the tone.
    assert hook["t"] + 0.03 <= tone["start"] < tone["t"] - 0.15
    sim.control.onhook("fxs1")
    sim.log.wait(OnHook, "fxs1")
    assert [e["type"] for e in sim.control.events("fxs1")].count("onhook") == 1


def test_fxs_busy_tone_has_the_china_cadence(sim):
    sim.control.offhook("fxs2")
    sim.log.wait(OffHook, "fxs2")
    sim.port("fxs2").play_tone("busy")
    ends = sim.wait_far("fxs2", "tone-end", count=2)
    for end in ends:
        assert abs(end["freqs"][0] - 450) <= 5
        assert 300 <= end["on_ms"] <= 400
    sim.port("fxs2").stop_tone()


def _ring_and_read(sim, port: str, standard: str, number: str, name: str) -> tuple[dict, list[dict]]:
    sim.port(port).set_caller_id_standard(standard)
    sim.port(port).ring(CallerIdInfo(number, name))
    [cid] = sim.wait_far(port, "callerid", timeout=6)
    return cid, sim.control.events(port)


@pytest.mark.parametrize(
    ("standard", "modulation"), [("yd1277-fsk", "bell202"), ("bell202", "bell202"), ("etsi-v23", "v23")]
)
def test_fxs_fsk_caller_id_is_decoded_between_first_and_second_ring(sim, standard, modulation):
    cid, seen = _ring_and_read(sim, "fxs1", standard, "13800138000", "Zhang San")
    assert (cid["number"], cid["name"], cid["modulation"]) == ("13800138000", "Zhang San", modulation)
    kinds = [e["type"] for e in seen]
    first_stop = kinds.index("ring-stop")
    assert kinds.index("callerid") > first_stop
    assert kinds.count("ring-start") == 1  # the second ring (4 s of silence later) has not begun
    sim.port("fxs1").stop_ring()


def test_fxs_dtmf_caller_id_is_decoded_before_the_first_ring(sim):
    cid, seen = _ring_and_read(sim, "fxs2", "yd1277-dtmf", "075512345678", "")
    assert (cid["number"], cid["modulation"]) == ("075512345678", "dtmf")
    kinds = [e["type"] for e in seen]
    assert "ring-start" not in kinds[: kinds.index("callerid")]
    sim.wait_far("fxs2", "ring-start")
    sim.port("fxs2").stop_ring()


def test_fxs_ring_is_tripped_by_lifting_the_handset(sim):
    sim.port("fxs3").ring()
    sim.wait_far("fxs3", "ring-start")
    assert sim.port("fxs3").state() == "ringing"
    sim.control.offhook("fxs3")
    sim.log.wait(OffHook, "fxs3")
    wait_until(lambda: sim.port("fxs3").state() == "offhook", 2, "ringing to stop")
    sim.wait_far("fxs3", "ring-stop")
    with pytest.raises(InvalidState):
        sim.port("fxs3").ring()


def test_fxs_polarity_reversal_reaches_the_phone(sim):
    sim.control.offhook("fxs4")
    sim.log.wait(OffHook, "fxs4")
    sim.port("fxs4").reverse_polarity()
    [rev] = sim.wait_far("fxs4", "polarity")
    assert rev["reversed"] is True
    sim.port("fxs4").reverse_polarity()
    assert sim.wait_far("fxs4", "polarity", count=2)[1]["reversed"] is False


def test_fxs_message_waiting_lights_the_lamp_and_sends_fsk(sim):
    sim.port("fxs2").set_mwi(True)
    [mwi] = sim.wait_far("fxs2", "mwi")
    assert mwi["on"] is True
    expander = sim.board.backend.i2c["i2c1"].chips[0x20]
    assert isinstance(expander, FakeMcp23017) and expander.output(5)  # GPA5: MWI lamp of port 2
    sim.control.offhook("fxs2")
    sim.log.wait(OffHook, "fxs2")
    sim.port("fxs2").play_tone("dial")  # message waiting: China's special dial tone
    ends = sim.wait_far("fxs2", "tone-end")
    assert abs(ends[0]["freqs"][0] - 450) <= 5 and ends[0]["on_ms"] <= 440

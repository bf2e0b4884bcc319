"""FXO ports through the real Si3050 driver on the simulated SPI bus, with a simulated PSTN line."""

from __future__ import annotations

import pytest

from hal.errors import InvalidState, PortFault
from hal.events import (
    CallerId,
    Disconnect,
    LineHealth,
    PolarityReversal,
    PortFaulted,
    PortRecovered,
    RingStart,
    RingStop,
)
from tests.hal.conftest import wait_until


@pytest.mark.parametrize("standard", [None, "etsi-v23", "yd1277-dtmf"])
def test_fxo_pstn_ring_with_caller_id_gives_ring_start_and_caller_id(sim, standard):
    sim.port("fxo1").set_caller_id_standard(standard or "yd1277-fsk")
    sim.control.ring("fxo1", "13912345678", "Li Si" if standard != "yd1277-dtmf" else "", standard)
    sim.log.wait(RingStart, "fxo1")
    [cid] = sim.log.wait(CallerId, "fxo1", timeout=6)
    assert cid.number == "13912345678"
    assert cid.name == ("Li Si" if standard != "yd1277-dtmf" else "")
    assert sim.port("fxo1").state() == "ringing"
    assert len(sim.log.of(RingStart, "fxo1")) == 1


def test_fxo_seize_on_a_ringing_line_is_an_answer_at_the_pstn(sim):
    sim.control.ring("fxo2", "13800138000")
    sim.log.wait(RingStart, "fxo2")
    sim.port("fxo2").seize()
    sim.wait_far("fxo2", "answer")
    assert sim.port("fxo2").state() == "offhook"
    assert sim.control.line("fxo2").state == "answered"


def test_fxo_dial_sends_dtmf_the_pstn_decodes(sim):
    port = sim.port("fxo3")
    with pytest.raises(InvalidState):
        port.dial("1")
    port.seize()
    sim.wait_far("fxo3", "seized")
    port.dial("010-88886666".replace("-", "") + "#")
    wait_until(lambda: sim.control.line("fxo3").digits == "01088886666#", 6, "the PSTN to decode the digits")
    assert [e["digit"] for e in sim.far_events("fxo3", "digit")] == list("01088886666#")


def test_fxo_pstn_hears_dial_tone_when_the_box_seizes(sim):
    sim.port("fxo4").seize()
    sim.wait_far("fxo4", "seized")
    line = sim.control.line("fxo4")
    assert line.state == "dialtone"


def _answered_inbound(sim, port: str) -> None:
    sim.control.ring(port, "13800138000")
    sim.log.wait(RingStart, port)
    sim.port(port).seize()
    sim.wait_far(port, "answer")


def test_fxo_far_end_hangup_by_polarity_reversal_is_a_disconnect(sim):
    _answered_inbound(sim, "fxo1")
    sim.control.pstn_hangup("fxo1", "polarity")
    [gone] = sim.log.wait(Disconnect, "fxo1")
    assert gone.reason == "polarity"
    assert sim.log.of(PolarityReversal, "fxo1")


def test_fxo_far_end_hangup_by_loop_current_drop_is_a_disconnect(sim):
    _answered_inbound(sim, "fxo2")
    sim.control.pstn_hangup("fxo2", "loop")
    [gone] = sim.log.wait(Disconnect, "fxo2")
    assert gone.reason == "loop-current"


def test_fxo_far_end_hangup_by_busy_tone_is_a_disconnect(sim):
    _answered_inbound(sim, "fxo3")
    sim.control.pstn_hangup("fxo3", "busy")
    [gone] = sim.log.wait(Disconnect, "fxo3", timeout=6)
    assert gone.reason == "busy-tone"
    sim.port("fxo3").release()
    sim.wait_far("fxo3", "released")


def test_fxo_outgoing_call_answer_reversal_then_clear_reversal(sim):
    port = sim.port("fxo4")
    port.seize()
    port.dial("8001")
    wait_until(lambda: sim.control.line("fxo4").digits == "8001", 5, "the digits")
    sim.control.pstn_answer("fxo4")
    sim.log.wait(PolarityReversal, "fxo4")
    assert not sim.log.of(Disconnect, "fxo4")  # the first reversal is the far end answering
    sim.control.pstn_hangup("fxo4", "polarity")
    [gone] = sim.log.wait(Disconnect, "fxo4")
    assert gone.reason == "polarity"


def test_fxo_line_voltage_check_and_a_cut_line(sim):
    assert sim.port("fxo1").check_line() == pytest.approx(48, abs=1)
    [health] = sim.log.wait(LineHealth, "fxo1")
    assert health.ok and health.volts == pytest.approx(48, abs=1)
    sim.control.unplug("fxo2")
    [fault] = sim.log.wait(PortFaulted, "fxo2", timeout=4)
    assert fault.reason == "no line voltage" and sim.port("fxo2").faulty
    assert not sim.log.of(LineHealth, "fxo2")[-1].ok
    with pytest.raises(PortFault):
        sim.port("fxo2").seize()
    sim.control.plug("fxo2")
    sim.log.wait(PortRecovered, "fxo2")
    assert not sim.port("fxo2").faulty and sim.log.of(LineHealth, "fxo2")[-1].ok


def test_fxo_line_check_on_a_cut_line_marks_the_port_faulty_at_once(sim):
    sim.control.unplug("fxo3")
    wait_until(lambda: sim.port("fxo3").volts == 0, 2, "the DAA to read 0 V")
    assert sim.port("fxo3").check_line() == 0
    [health] = sim.log.wait(LineHealth, "fxo3")
    assert not health.ok
    [fault] = sim.log.wait(PortFaulted, "fxo3")
    assert fault.reason == "no line voltage" and sim.port("fxo3").state() == "faulty"


def test_fxo_ring_stop_when_the_caller_gives_up(sim):
    sim.control.ring("fxo3", "")
    sim.log.wait(RingStart, "fxo3")
    sim.control.pstn_stop_ring("fxo3")
    sim.log.wait(RingStop, "fxo3", timeout=10)  # the cadence's 4 s gap plus 2 s of margin
    assert sim.port("fxo3").state() == "idle"

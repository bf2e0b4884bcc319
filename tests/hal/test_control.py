"""The control surface on the full sim board file: analog far ends and the E1 carrier side by side."""

from __future__ import annotations

import pytest

from hal.board import load_board
from hal.events import E1Setup, OffHook, SpanAlarm, SpanUp
from hal.modules import FaultyPort
from hal.sim.control import SimError
from tests.hal.conftest import start_sim


@pytest.fixture
def full():
    sim = start_sim(load_board("sim"))
    yield sim
    sim.board.stop()


def test_control_full_sim_board_has_every_port_by_stable_name(full):
    names = list(full.board.ports)
    assert names[:9] == ["fxs1", "fxs2", "fxs3", "fxs4", "fxo1", "fxo2", "fxo3", "fxo4", "e1"]
    rows = {row["name"]: row for row in full.control.ports()}
    assert rows["fxs1"]["far_end"]["kind"] == "phone" and rows["fxo1"]["far_end"]["kind"] == "pstn"
    assert full.board.info()["board"] == "sim" and full.board.info()["backend"] == "sim"
    full.control.offhook("fxs1")
    full.log.wait(OffHook, "fxs1")
    with pytest.raises(SimError):
        full.control.ring("fxs1", "1")  # a phone is not a PSTN line


def test_control_e1_verbs_reach_the_carrier(full):
    if isinstance(full.board.ports["e1"], FaultyPort):
        pytest.skip("hal.e1 is not installed")
    full.log.wait(SpanUp, "e1", timeout=10)
    call = full.control.e1_call("13800138000", "8001")
    [setup] = full.log.wait(E1Setup, timeout=10)
    assert (setup.calling, setup.called) == ("13800138000", "8001")
    e1_row = next(row for row in full.control.ports() if row["name"] == "e1")
    assert e1_row["far_end"]["kind"] == "carrier" and e1_row["far_end"]["calls"]
    full.control.e1_hangup(call)
    full.control.e1_los(True)
    alarms = full.log.wait(SpanAlarm, "e1", timeout=10)
    assert any(a.alarm == "LOS" and a.on for a in alarms)

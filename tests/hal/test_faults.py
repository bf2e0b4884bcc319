"""Missing or broken modules: those ports are faulty (PortFaulted, port.fault), every other port works."""

from __future__ import annotations

import pytest

from hal.board import load_board
from hal.builder import build_board
from hal.errors import ModuleUnavailable, PortFault
from hal.events import Digit, OffHook, PortFaulted, RingStart
from hal.moduleid import ModuleId
from hal.modules import FaultyPort, LineModule, module_factory, register_module, registered_kinds
from hal.sim.backend import SimBackend
from tests.hal.conftest import analog_spec, start_sim, wait_until


@pytest.fixture
def started():
    boards = []

    def start(spec, **backend):
        s = start_sim(spec, **backend)
        boards.append(s)
        return s

    yield start
    for s in boards:
        s.board.stop()


def test_faults_missing_module_marks_its_ports_faulty_and_the_rest_work(started):
    sim = started(analog_spec(), absent_slots={"slot2"})
    faulted = {e.port: e.reason for e in sim.log.wait(PortFaulted, count=4)}
    assert set(faulted) == {"fxo1", "fxo2", "fxo3", "fxo4"}
    assert all("not usable" in reason and "0x51" in reason for reason in faulted.values())
    for name in faulted:
        assert sim.port(name).faulty and sim.port(name).state() == "faulty"
    with pytest.raises(PortFault):
        sim.port("fxo1").seize()
    sim.control.offhook("fxs1")
    sim.log.wait(OffHook, "fxs1")
    sim.control.dial("fxs1", "42")
    sim.log.wait(Digit, "fxs1", count=2)
    assert not any(sim.port(f"fxs{i}").faulty for i in range(1, 5))


def test_faults_dead_chip_marks_only_its_port_faulty(started):
    sim = started(analog_spec(), dead_ports={"fxs3", "fxo2"})
    faulted = {e.port: e.reason for e in sim.log.wait(PortFaulted, count=2)}
    assert set(faulted) == {"fxs3", "fxo2"}
    assert "no ProSLIC answers" in faulted["fxs3"] and "no DAA answers" in faulted["fxo2"]
    sim.control.offhook("fxs4")
    sim.log.wait(OffHook, "fxs4")
    sim.control.ring("fxo1", "13800138000")
    sim.log.wait(RingStart, "fxo1")
    assert [n for n, p in sim.board.ports.items() if p.faulty] == ["fxs3", "fxo2"]


def test_faults_module_of_the_wrong_kind_is_refused(started):
    spec = analog_spec()
    backend = SimBackend(spec)
    backend.i2c["i2c1"].chips[0x51].regs[:32] = ModuleId("fxs", 4).encode()  # an FXS module in the FXO slot
    board = build_board(spec, backend)
    board.start()
    try:
        faulted = wait_until(
            lambda: [e for e in board.drain_events() if isinstance(e, PortFaulted)], 3, "faults"
        )
        assert {e.port for e in faulted} == {"fxo1", "fxo2", "fxo3", "fxo4"}
        assert "EEPROM says a 'fxs' module" in faulted[0].reason
    finally:
        board.stop()


def test_faults_module_kind_without_a_driver_gives_faulty_placeholder_ports():
    with pytest.raises(ModuleUnavailable):
        module_factory("no-such-kind")
    spec = load_board("sim")
    board = build_board(spec, SimBackend(spec))
    try:
        assert {"fxs1", "fxo4", "e1"} <= set(board.ports)
        e1 = board.ports["e1"]
        assert e1.kind == "e1"
        if isinstance(e1, FaultyPort):  # hal.e1 not installed: the slot shows, faulty
            assert "no driver" in e1.fault
    finally:
        board.stop()


def test_faults_registry_plugs_a_module_kind_in():
    @register_module("test-kind")
    class TestModule(LineModule):
        def start(self) -> None:
            pass

    assert module_factory("test-kind") is TestModule
    assert {"fxs", "fxo", "test-kind"} <= set(registered_kinds())

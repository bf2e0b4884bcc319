"""The `e1` module kind: registered with hal.modules, built from a board slot, running on the simulator."""

from __future__ import annotations

import time
import types

import pytest

from hal import events
from hal.board import parse_board
from hal.country import country
from hal.errors import BoardConfigError
from hal.modules import ModuleContext, module_factory
from hal.sim.carrier import CarrierSim
from tests.hal.e1.conftest import EventLog


def board(options: dict | None = None):
    slot = {"kind": "e1", "uart": "uart0", "chip": "e1-uart-module"}
    if options is not None:
        slot["options"] = options
    doc = {
        "board": {"name": "e1-test", "backend": "sim"},
        "buses": {"uart0": {"type": "uart", "device": "/dev/ttyAMA1", "baud": 921600}},
        "slots": [slot],
    }
    return parse_board(doc, "e1-test.toml")


def context(spec, post) -> ModuleContext:
    backend = types.SimpleNamespace(kind="sim", peers={}, pin_factory=None)
    return ModuleContext(spec, spec.slots[0], backend, country("cn"), post, time.monotonic)  # type: ignore[arg-type]


def test_e1_module_kind_is_registered_and_builds_a_span_with_its_channels():
    log = EventLog()
    spec = board({"side": "user", "framing": "crc4"})
    module = module_factory("e1")(context(spec, log.post))
    names = [p.name for p in module.ports]
    assert names == ["e1", *[f"e1/{n}" for n in range(1, 31)]]
    module.start()
    try:
        log.wait(events.SpanUp)
        carrier = module.ctx.backend.peers["e1"]
        assert isinstance(carrier, CarrierSim)
        carrier.wait_for(lambda: carrier.link_up)
        call_id = carrier.call("13800138000", "8001")
        setup = log.wait(events.E1Setup)
        assert (setup.port, setup.calling) == ("e1/1", "13800138000")
        module.span.answer(setup.call_ref)
        carrier.wait_for(lambda: "connect" in carrier.event_names(call_id))
        assert module.info()["span"]["state"] == "up"
    finally:
        module.stop()


def test_e1_module_refuses_an_unknown_side_naming_the_key():
    with pytest.raises(BoardConfigError, match=r"slots\[0\].options.side"):
        module_factory("e1")(context(board({"side": "both"}), lambda e: None))


def test_e1_module_moves_pcm_bus_frames_for_its_b_channels():
    spec = board()
    slot = spec.slots[0]
    slot = type(slot)(**{**slot.__dict__, "pcm": "pcm0", "pcm_slots": tuple(range(30))})
    ctx = context(spec, lambda e: None)
    ctx = ModuleContext(ctx.board, slot, ctx.backend, ctx.country, ctx.post, ctx.clock)
    module = module_factory("e1")(ctx)
    assert module.pcm_slots == list(range(30))
    module.span.channels["e1/3"].audio.write_frame(b"\x01" * 320)
    tx = module.pcm_exchange(0.0, {2: b"\x02" * 320})
    assert tx[2] == b"\x01" * 320 and tx[0] == bytes(320)
    assert module.span.channels["e1/3"].audio.read_frame() == b"\x02" * 320


def test_e1_module_restarts_on_link_up_unless_the_board_says_not():
    for options, expected in ((None, True), ({"restart": False}, False)):
        module = module_factory("e1")(context(board(options), lambda e: None))
        module.carrier.close()  # built, never started: only its directory to remove
        assert module.span.sig.restart_on_link_up is expected


def test_e1_module_refuses_a_restart_option_that_is_not_a_boolean():
    with pytest.raises(BoardConfigError, match=r"slots\[0\].options.restart"):
        module_factory("e1")(context(board({"restart": "yes"}), lambda e: None))

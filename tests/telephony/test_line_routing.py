"""Routing of the box's lines without a running core: dial plan, permissions, hunting past faulty ports."""

from __future__ import annotations

import types

import pytest

from telephony.calls import dialplan
from telephony.calls.legs import BUSY, NO_CIRCUIT, FxoLeg, FxsLeg
from telephony.extensions.service import ExtensionInput, ExtensionService
from telephony.lines.service import FxsLine, LineService, RouteFailed
from telephony.models import open_database
from telephony.models.lines import DialRule, InboundRoute, PortSetting, TrunkGroup


class FakePort:
    def __init__(self, name: str, kind: str, fault: str | None = None) -> None:
        self.name, self.kind, self.fault = name, kind, fault

    @property
    def faulty(self) -> bool:
        return self.fault is not None


@pytest.fixture
def db(tmp_path):
    open_database(tmp_path / "pbx.sqlite3")
    ExtensionService().create(ExtensionInput("1001", "Alice", "Secr3tPass9"))
    PortSetting.create(port="fxs1", number="2001")
    PortSetting.create(port="fxs2", number="2002")
    pstn = TrunkGroup.create(name="pstn", kind="fxo", members="fxo1,fxo2")
    carrier = TrunkGroup.create(name="carrier", kind="e1", members="e1")
    DialRule.create(prefix="0", min_length=3, strip=1, trunk_group=pstn, permission="local")
    DialRule.create(
        prefix="00", min_length=4, strip=0, trunk_group=carrier, permission="international", priority=1
    )
    InboundRoute.create(trunk="e1", did="8000", destination="1001")
    InboundRoute.create(trunk="*", destination="2001", priority=200)


@pytest.fixture
def lines(db):
    ports = {
        "fxs1": FakePort("fxs1", "fxs"),
        "fxs2": FakePort("fxs2", "fxs", fault="no ProSLIC answers"),
        "fxo1": FakePort("fxo1", "fxo", fault="no DAA answers"),
        "fxo2": FakePort("fxo2", "fxo"),
        "e1": FakePort("e1", "e1"),
    }
    service = LineService(types.SimpleNamespace(), types.SimpleNamespace(ports=ports))
    service.fxs = {name: FxsLine(name) for name in ("fxs1", "fxs2")}
    return service


def test_dialplan_resolves_extensions_fxs_numbers_rules_and_permissions(db):
    assert dialplan.resolve("1001").kind == "sip"
    assert dialplan.resolve("2002") == dialplan.Route("fxs", "fxs2", "2002")
    route = dialplan.resolve("0114", "local")
    assert (route.kind, route.target, route.digits) == ("trunk", "pstn", "114")
    assert dialplan.resolve("0012345", "international").target == "carrier"  # priority 1 wins
    assert dialplan.resolve("0012345", "national").kind == "denied"
    assert dialplan.resolve("0114", "internal").kind == "denied"
    assert dialplan.resolve("01", "international").kind == "none"  # shorter than min_length
    assert dialplan.resolve("777").kind == "none"
    assert dialplan.exact_match("2001") and not dialplan.exact_match("011")


def test_inbound_routes_match_trunk_and_did_then_the_catch_all(db):
    assert dialplan.inbound("e1", "8000") == "1001"
    assert dialplan.inbound("e1", "9999") == "2001"
    assert dialplan.inbound("fxo3") == "2001"


def test_faulty_fxs_port_is_refused_busy_and_a_working_one_is_offered(lines):
    with pytest.raises(RouteFailed) as refused:
        lines.callee_leg(dialplan.resolve("2002"))
    assert refused.value.cause == BUSY
    leg = lines.callee_leg(dialplan.resolve("2001"))
    assert isinstance(leg, FxsLeg) and lines.fxs["fxs1"].state == "ringing"
    with pytest.raises(RouteFailed):  # now busy with that call
        lines.callee_leg(dialplan.resolve("2001"))


def test_fxo_hunt_skips_faulty_and_busy_members_then_gives_no_circuit(lines):
    leg = lines.callee_leg(dialplan.resolve("0114", "local"))
    assert isinstance(leg, FxoLeg) and leg.peer == "fxo2"
    with pytest.raises(RouteFailed) as refused:
        lines.callee_leg(dialplan.resolve("0115", "local"))
    assert refused.value.cause == NO_CIRCUIT
    lines.trunk_done("fxo2")
    with pytest.raises(RouteFailed):  # the release guard keeps the line out for a moment
        lines.callee_leg(dialplan.resolve("0116", "local"))


def test_round_robin_trunk_group_starts_after_the_line_used_last(lines):
    lines.board.ports["fxo3"] = FakePort("fxo3", "fxo")
    TrunkGroup.update(members="fxo1,fxo2,fxo3", hunt="round-robin").where(TrunkGroup.name == "pstn").execute()
    used = []
    for digits in ("0114", "0115", "0116"):
        leg = lines.callee_leg(dialplan.resolve(digits, "local"))
        used.append(leg.peer)
        lines.trunk_done(leg.peer)
        lines.fxo_guard.clear()  # the release guard is not what this test is about
    assert used == ["fxo2", "fxo3", "fxo2"]  # fxo1 is faulty; each call starts after the last line


def test_e1_out_of_routing_gives_no_circuit(lines):
    lines.span_up["e1"] = False
    with pytest.raises(RouteFailed) as refused:
        lines.callee_leg(dialplan.resolve("0012345"))
    assert refused.value.cause == NO_CIRCUIT
    lines.span_up["e1"] = True
    assert lines.callee_leg(dialplan.resolve("0012345")).span_name == "e1"


def test_given_a_board_that_cannot_be_built_then_the_core_runs_sip_only(tmp_path):
    from telephony.errors import ControlError
    from tests.support.box import Box

    box = Box(tmp_path / "box", rtp_port=26000)
    box.env["PBX_BOARD"] = "no-such-board"
    box.start()
    try:
        assert box.control.get("/ports") == []
        assert box.control.get("/status")["ports_summary"] == {}
        with pytest.raises(ControlError, match="not a simulator"):
            box.control.post("/sim/offhook", {"port": "fxs1"})
        assert "running SIP-only" in (box.cfg.log_dir / "pbx-core.log").read_text()
    finally:
        box.stop()

"""The simulated carrier's answer modes for calls the box places (proceeding, alert, answer, busy), set
globally or per called number, through CarrierSim, SimControl and the HTTP control surface."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from hal import events
from hal.board import load_board
from hal.sim.http import SimHttpServer
from tests.hal.conftest import start_sim
from tests.hal.e1.conftest import Rig


def place(rig: Rig, called: str = "13800138000") -> tuple[int, int]:
    """The box calls out; return (the box's call ref, the carrier's call id)."""
    ref = rig.span.place_call("8001", called)
    call_id = rig.carrier.wait_for(
        lambda: next((c["call_id"] for c in rig.carrier.calls() if c["called"] == called), None),
        what=f"SETUP for {called} at the carrier",
    )
    return ref, call_id


def test_by_default_the_carrier_only_proceeds_and_waits(rig: Rig):
    mark = rig.log.mark()
    ref, call_id = place(rig)
    rig.log.wait(events.E1Proceeding, since=mark, call_ref=ref)
    assert rig.carrier.answer_mode_for("13800138000") == "proceeding"
    assert [c["state"] for c in rig.carrier.calls() if c["call_id"] == call_id] == ["N3"]
    rig.carrier.answer(call_id)
    rig.log.wait(events.E1Connect, since=mark, call_ref=ref)
    assert rig.log.of(events.E1Alerting, since=mark) == []


def test_alert_mode_rings_until_the_carrier_answers(rig: Rig):
    rig.carrier.set_answer_mode("alert")
    mark = rig.log.mark()
    ref, call_id = place(rig)
    rig.log.wait(events.E1Alerting, since=mark, call_ref=ref)
    assert [c["state"] for c in rig.carrier.calls() if c["call_id"] == call_id] == ["N4"]
    assert rig.log.of(events.E1Connect, since=mark) == []
    rig.carrier.answer(call_id)
    rig.log.wait(events.E1Connect, since=mark, call_ref=ref)
    rig.carrier.hangup(call_id, 16)
    assert rig.log.wait(events.E1Disconnect, since=mark, call_ref=ref).cause == 16


def test_alert_mode_then_busy_clears_with_17(rig: Rig):
    rig.carrier.set_answer_mode("alert")
    mark = rig.log.mark()
    ref, call_id = place(rig)
    rig.log.wait(events.E1Alerting, since=mark, call_ref=ref)
    rig.carrier.busy(call_id)
    assert rig.log.wait(events.E1Disconnect, since=mark, call_ref=ref).cause == 17


def test_answer_mode_connects_at_once(rig: Rig):
    rig.carrier.set_answer_mode("answer")
    mark = rig.log.mark()
    ref, _ = place(rig)
    rig.log.wait(events.E1Connect, since=mark, call_ref=ref)


def test_busy_mode_clears_with_17(rig: Rig):
    rig.carrier.set_answer_mode("busy")
    mark = rig.log.mark()
    ref, call_id = place(rig)
    assert rig.log.wait(events.E1Disconnect, since=mark, call_ref=ref).cause == 17
    rig.carrier.wait_for(lambda: rig.carrier.calls()[0]["state"] == "released", what="the call released")
    assert rig.span.pool.free_count() == 30


def test_a_mode_for_one_number_wins_over_the_global_mode_until_removed(rig: Rig):
    rig.carrier.set_answer_mode("answer")
    rig.carrier.set_answer_mode("busy", number="110")
    mark = rig.log.mark()
    busy_ref, _ = place(rig, "110")
    ok_ref, _ = place(rig, "120")
    assert rig.log.wait(events.E1Disconnect, since=mark, call_ref=busy_ref).cause == 17
    rig.log.wait(events.E1Connect, since=mark, call_ref=ok_ref)
    rig.carrier.set_answer_mode("", number="110")
    assert rig.carrier.answer_mode_for("110") == "answer"


def test_an_unknown_mode_is_refused(rig: Rig):
    with pytest.raises(ValueError, match="unknown answer mode"):
        rig.carrier.set_answer_mode("ring-forever")
    assert rig.carrier.answer_mode == "proceeding"


# --- through SimControl and its HTTP endpoint on the full sim board --------------------------------
@pytest.fixture
def full():
    sim = start_sim(load_board("sim"))
    sim.log.wait(events.SpanUp, "e1", timeout=10)
    yield sim
    sim.board.stop()


def post(server: SimHttpServer, verb: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"{server.url}/sim/{verb}", data=json.dumps(body).encode(), method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_sim_control_and_http_set_the_mode_and_act_on_calls(full):
    span = full.board.ports["e1"]
    carrier = full.control.carrier("e1")
    assert carrier.sig.restarts_received >= 1  # the board's E1 module restarts on link-up by default
    server = SimHttpServer(full.control).start()
    try:
        assert post(server, "e1_answer_mode", {"mode": "alert"}) == (200, {"ok": True})
        ref = span.place_call("2001", "13800138000")
        full.log.wait(events.E1Alerting, timeout=10)
        [call] = [c for c in carrier.calls() if c["called"] == "13800138000"]
        assert call["mode"] == "alert"
        assert post(server, "e1_answer", {"call": call["call_id"]})[0] == 200
        full.log.wait(events.E1Connect, timeout=10)
        assert post(server, "e1_hangup", {"call": call["call_id"], "cause": 16})[0] == 200
        full.log.wait(events.E1Disconnect, timeout=10)

        full.control.e1_answer_mode("alert", number="13900000000")
        full.control.e1_answer_mode("answer")
        ref = span.place_call("2001", "13900000000")
        call = carrier.wait_for(
            lambda: next((c for c in carrier.calls() if c["called"] == "13900000000"), None), what="SETUP"
        )
        full.log.wait(events.E1Alerting, count=2, timeout=10)
        assert post(server, "e1_busy", {"call": call["call_id"]})[0] == 200
        cleared = full.log.wait(events.E1Disconnect, count=2, timeout=10)
        assert (cleared[-1].call_ref, cleared[-1].cause) == (ref, 17)

        status, body = post(server, "e1_call", {"from": "13800138000", "to": "8001", "display": "Zhang San"})
        assert status == 200 and isinstance(body["call"], int)
        setup = full.log.wait(events.E1Setup, timeout=10)[-1]
        assert setup.display == "Zhang San"
        assert post(server, "e1_answer_mode", {"mode": "shout"})[0] == 400
        assert post(server, "e1_alert", {"call": 4242})[0] == 400
    finally:
        server.stop()

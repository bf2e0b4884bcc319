"""Q.931 5.8.9 over two PRI stacks back to back: a D-channel failure holds active calls for T309, clears
the others at once with cause 41, and a STATUS ENQUIRY / STATUS exchange re-synchronises what survived."""

from __future__ import annotations

from hal.isdn.q931 import IE, MT
from hal.isdn.q931_call import CallTimers
from tests.hal.e1.b2b import Pair
from tests.hal.e1.test_pri import offer


def answered(pair: Pair) -> tuple[int, int]:
    """An active call offered by the network and answered by the user: (network ref, user ref)."""
    nref, uref = offer(pair)
    pair.user.answer(uref)
    pair.pump()
    assert pair.user.calls()[-1]["state"] == "U10" and pair.net.calls()[-1]["state"] == "N10"
    return nref, uref


def causes(side, ref: int, event: str = "disconnect") -> list[int | None]:
    return [data.get("cause") for r, e, data in side.events if r == ref and e == event]


def test_given_an_active_call_when_the_link_comes_back_within_t309_then_the_call_survives():
    pair = Pair().up()
    nref, uref = answered(pair)
    pair.layer1(False)
    assert pair.u.link[-1] is False and pair.n.link[-1] is False
    assert [c["held"] for c in pair.user.calls()] == [True] and pair.net.calls()[0]["held"]
    pair.advance(5.0)  # just inside T309 (6 s)
    mark = len(pair.wire)
    pair.layer1(True)
    assert pair.user.up and pair.net.up
    # each side checks the other still has the call; both answer "active" (state 10)
    for direction in ("u>n", "n>u"):
        sent = {m.name: m for m in pair.decoded(direction, mark)}
        assert "STATUS ENQUIRY" in sent
        assert (sent["STATUS"].cause, sent["STATUS"].get(IE.CALL_STATE).value) == (30, 10)
    pair.advance(12.0)  # past T309 and T322: nothing fires
    assert causes(pair.u, uref) == [] and causes(pair.n, nref) == []
    assert pair.user.calls()[0]["state"] == "U10" and "held" not in pair.user.calls()[0]
    pair.net.hangup(nref, 16)
    pair.pump()
    assert causes(pair.u, uref) == [16]
    assert pair.user.calls() == [] and pair.user.pool.free_count() == 30


def test_given_an_active_call_when_t309_expires_then_it_is_cleared_with_41_and_its_channel_freed():
    pair = Pair().up()
    nref, uref = answered(pair)
    pair.layer1(False)
    pair.advance(5.75)
    assert causes(pair.u, uref) == [] and pair.user.pool.free_count() == 29
    pair.advance(0.5)
    assert causes(pair.u, uref) == [41] and causes(pair.u, uref, "released") == [41]
    assert causes(pair.n, nref) == [41]
    assert pair.user.calls() == [] and pair.user.pool.free_count() == 30
    assert pair.net.calls() == [] and pair.net.pool.free_count() == 30
    pair.layer1(True)
    assert pair.user.up and "STATUS ENQUIRY" not in pair.messages("u>n")


def test_when_the_link_fails_then_calls_not_yet_active_are_cleared_at_once_with_41():
    pair = Pair().up()
    _, active_ref = answered(pair)
    _, offered_ref = offer(pair)  # U6
    _, alerting_ref = offer(pair)
    pair.user.alerting(alerting_ref)  # U7
    outgoing_ref = pair.user.place_call("8001", "13800138000")
    pair.pump()
    pair.net.proceeding(pair.n.events[-1][0])
    pair.pump()  # U3
    pair.layer1(False)
    for ref in (offered_ref, alerting_ref, outgoing_ref):
        assert causes(pair.u, ref) == [41] and causes(pair.u, ref, "released") == [41]
    assert causes(pair.u, active_ref) == []
    assert [c["call_ref"] for c in pair.user.calls()] == [active_ref]
    assert pair.user.pool.free_count() == 29


def test_given_the_far_end_lost_the_call_when_the_link_returns_then_the_status_exchange_clears_it():
    pair = Pair(net_options={"call_timers": CallTimers(t309=2.0)}).up()
    nref, uref = answered(pair)
    pair.layer1(False)
    pair.advance(3.0)  # the network's T309 (2 s) has run out; ours (6 s) has not
    assert causes(pair.n, nref) == [41] and causes(pair.u, uref) == []
    mark = len(pair.wire)
    pair.layer1(True)
    [status] = [m for m in pair.decoded("n>u", mark) if m.mtype == MT.STATUS]
    assert status.get(IE.CALL_STATE).value == 0
    assert causes(pair.u, uref) == [41]
    assert pair.user.calls() == [] and pair.user.pool.free_count() == 30


def test_given_a_held_call_when_the_local_user_hangs_up_then_it_is_cleared_internally():
    pair = Pair().up()
    nref, uref = answered(pair)
    pair.layer1(False)
    mark = len(pair.u.out)
    pair.user.hangup(uref, 16)
    assert pair.u.events[-1] == (uref, "released", {"cause": 16, "timeslot": 1})
    assert causes(pair.u, uref) == []  # the core cleared first: no disconnect reported back to it
    assert len(pair.u.out) == mark and pair.user.pool.free_count() == 30
    pair.layer1(True)  # the network still holds the call; its enquiry learns we have none
    assert causes(pair.n, nref) == [41] and pair.net.calls() == []


def test_given_a_resynchronising_call_when_no_status_comes_then_it_is_cleared_with_41(monkeypatch):
    pair = Pair().up()
    nref, uref = answered(pair)
    pair.layer1(False)
    pair.advance(1.0)
    monkeypatch.setattr(pair.net, "dl_data", lambda info: None)  # LAPD works, Q.931 never answers
    mark = len(pair.wire)
    pair.layer1(True)
    pair.advance(4.2)

    def ours() -> list:  # what the user sent on its own (not its STATUS answering the network)
        return [m for m in pair.decoded("u>n", mark) if m.mtype != MT.STATUS]

    assert [m.name for m in ours()] == ["STATUS ENQUIRY", "STATUS ENQUIRY"]
    assert causes(pair.u, uref) == []
    pair.advance(4.2)
    assert [(m.name, m.cause) for m in ours()][2] == ("DISCONNECT", 41)
    assert causes(pair.u, uref) == [41]


def test_t309_is_not_restarted_by_a_second_failure():
    pair = Pair().up()
    _, uref = answered(pair)
    pair.layer1(False)
    pair.advance(4.0)
    pair.user.layer1(True)  # layer 1 flickers back, the link does not come up...
    pair.user.layer1(False)  # ...and fails again: T309 keeps counting from the first failure
    pair.advance(1.5)
    assert causes(pair.u, uref) == []
    pair.advance(0.75)
    assert causes(pair.u, uref) == [41]


def test_the_default_t309_is_six_seconds():
    assert CallTimers().t309 == 6.0

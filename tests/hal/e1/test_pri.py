"""PRI signalling, user side against network side back to back: calls, channel selection, glare,
malformed input answered with the Q.931 causes, RESTART and link loss (T309: test_pri_t309.py,
RESTART on link-up: test_pri_restart.py)."""

from __future__ import annotations

import pytest

from hal.e1.errors import ChannelUnavailable, NoChannelAvailable, SpanNotReady, UnknownCall
from hal.e1.pri import PEER_REF
from hal.e1.signalling import b_to_ts, ts_to_b
from hal.isdn.q931 import IE, MT
from tests.hal.e1.b2b import Pair


@pytest.fixture
def pair() -> Pair:
    return Pair().up()


def offer(
    pair: Pair, calling: str = "13800138000", called: str = "8001", ts: int | None = None
) -> tuple[int, int]:
    """Network offers a call; return (network ref, user ref)."""
    nref = pair.net.place_call(calling, called, ts)
    mark = len(pair.u.events)
    pair.pump()
    (uref, event, _), *_ = pair.u.events[mark:]
    assert event == "setup"
    return nref, uref


def test_timeslots_map_to_b_channels_around_the_d_channel():
    assert [b_to_ts(b) for b in (1, 15, 16, 30)] == [1, 15, 17, 31]
    assert [ts_to_b(ts) for ts in (1, 15, 17, 31)] == [1, 15, 16, 30]
    with pytest.raises(ValueError):
        ts_to_b(16)


def test_link_establishes_and_reports_up(pair):
    assert pair.u.link == [True] and pair.n.link == [True]


def test_incoming_call_reaches_the_user_with_numbers_and_channel(pair):
    nref, uref = offer(pair)
    assert uref == nref | PEER_REF
    assert pair.u.data("setup") == {"timeslot": 1, "calling": "13800138000", "called": "8001"}
    pair.user.proceeding(uref)
    pair.user.alerting(uref)
    pair.user.answer(uref)
    pair.pump()
    assert pair.n.names(nref) == ["proceeding", "alerting", "connect"]
    assert pair.u.names(uref) == ["setup", "active"]
    assert pair.messages("n>u") == ["SETUP", "CONNECT ACKNOWLEDGE"]


@pytest.mark.parametrize("cause", [16, 17, 21])
def test_network_hangup_reaches_the_user_with_its_cause(pair, cause):
    nref, uref = offer(pair)
    pair.user.answer(uref)
    pair.pump()
    pair.net.hangup(nref, cause)
    pair.pump()
    assert ("disconnect", {"cause": cause}) in [(e, d) for r, e, d in pair.u.events if r == uref]
    assert pair.user.calls() == [] and pair.net.calls() == [] and pair.user.pool.free_count() == 30


def test_user_hangup_reaches_the_network_and_frees_both_ends(pair):
    nref, uref = offer(pair)
    pair.user.answer(uref)
    pair.pump()
    pair.user.hangup(uref, 16)
    pair.pump()
    assert pair.n.events[-2] == (nref, "disconnect", {"cause": 16})
    assert pair.messages("u>n")[-2:] == ["DISCONNECT", "RELEASE COMPLETE"]
    assert pair.user.calls() == [] and pair.net.calls() == []
    pair.user.hangup(uref, 16)  # gone already: ignored


def test_user_outgoing_call_hunts_from_the_top_and_sees_progress(pair):
    uref = pair.user.place_call("8001", "13800138000")
    pair.pump()
    nref, event, data = pair.n.events[-1]
    assert event == "setup" and data["timeslot"] == 31 and data["called"] == "13800138000"
    for step in (pair.net.proceeding, pair.net.alerting, pair.net.answer):
        step(nref)
    pair.pump()
    assert pair.u.names(uref) == ["proceeding", "alerting", "connect"]
    assert pair.user.timeslot_of(uref) == 31


def test_network_moves_a_preferred_channel_when_busy(pair):
    pair.net.pool.take(31, 999)  # busy on the network side only
    uref = pair.user.place_call("1", "2")  # prefers 31
    pair.pump()
    pair.net.proceeding(pair.n.events[-1][0])
    pair.pump()
    assert pair.user.timeslot_of(uref) == 1 and pair.u.names(uref) == ["proceeding"]


def test_incoming_exclusive_busy_channel_is_refused_with_44(pair):
    pair.user.pool.take(2, 12345)  # the user side holds timeslot 2 for something else
    nref = pair.net.place_call("1", "2", 2)
    pair.pump()
    assert pair.n.events[-2:] == [
        (nref, "disconnect", {"cause": 44}),
        (nref, "released", {"cause": 44, "timeslot": 2}),
    ]


def test_all_30_channels_busy_then_the_31st_call_gets_cause_34(pair):
    for _ in range(30):
        _, uref = offer(pair)
        pair.user.answer(uref)
    pair.pump()
    assert pair.user.pool.free_count() == 0
    nref = pair.net.place_call("1", "2", any_channel=True)
    pair.pump()
    assert pair.n.events[-2] == (nref, "disconnect", {"cause": 34})
    with pytest.raises(NoChannelAvailable) as err:
        pair.user.place_call("1", "2")
    assert err.value.cause == 34


def test_placing_on_a_busy_channel_or_when_down_is_refused():
    pair = Pair()
    with pytest.raises(SpanNotReady):
        pair.user.place_call("1", "2")
    pair.up()
    offer(pair, ts=7)
    with pytest.raises(ChannelUnavailable):
        pair.user.place_call("1", "2", 7)
    with pytest.raises(UnknownCall):
        pair.user.answer(4242)


def test_glare_the_network_wins_and_our_preferred_call_moves():
    pair = Pair().up()
    uref = pair.user.place_call("100", "200")  # preferred timeslot 31, not yet delivered
    nref = pair.net.place_call("300", "400", 31)  # network picks 31 exclusively at the same time
    pair.pump()
    incoming = [r for r, e, _ in pair.u.events if e == "setup"]
    assert len(incoming) == 1 and pair.user.timeslot_of(incoming[0]) == 31
    assert pair.net.timeslot_of(nref) == 31
    assert pair.user.timeslot_of(uref) is None  # waits for the network to choose
    net_incoming = next(r for r, e, _ in pair.n.events if e == "setup")
    assert pair.n.data("setup")["timeslot"] == 1  # the network gave our call another channel
    pair.net.proceeding(net_incoming)
    pair.pump()
    assert pair.user.timeslot_of(uref) == 1 and pair.u.names(uref) == ["proceeding"]


def test_glare_with_our_exclusive_call_loses_with_44():
    pair = Pair().up()
    uref = pair.user.place_call("100", "200", 31)
    nref = pair.net.place_call("300", "400", 31)
    pair.pump()
    assert pair.u.events[-2:] == [
        (uref, "disconnect", {"cause": 44}),
        (uref, "released", {"cause": 44, "timeslot": None}),
    ]
    assert pair.net.timeslot_of(nref) == 31


# --- malformed input: answered with the Q.931 causes, the link stays up ------------------------------
def raw_call(pair: Pair) -> tuple[int, int]:
    nref, uref = offer(pair)
    pair.user.answer(uref)
    pair.pump()
    return nref, uref


def test_unknown_message_type_gets_status_97_and_the_call_lives(pair):
    nref, uref = raw_call(pair)
    replies = pair.inject_to_user(bytes((0x08, 0x02, nref >> 8, nref & 0xFF, 0x33)))
    assert [(m.name, m.cause) for m in replies] == [("STATUS", 97)]
    assert pair.user.calls()[0]["state"] == "U10" and pair.user.link.established


def test_message_not_allowed_in_the_state_gets_status_101(pair):
    nref, uref = offer(pair)  # U6: the network must not send CONNECT
    replies = pair.inject_to_user(bytes((0x08, 0x02, nref >> 8, nref & 0xFF, MT.CONNECT)))
    assert [(m.name, m.cause, m.get(IE.CALL_STATE).value) for m in replies] == [("STATUS", 101, 6)]


def test_setup_with_truncated_channel_ie_is_refused_with_100(pair):
    replies = pair.inject_to_user(bytes.fromhex("08 02 00 55 05 04 03 80 90 a3 18 05 a9 83"))
    assert [(m.name, m.cause, m.flag) for m in replies] == [("RELEASE COMPLETE", 100, True)]
    assert pair.u.events == [] and pair.user.link.established


def test_setup_without_bearer_capability_is_refused_with_96(pair):
    replies = pair.inject_to_user(bytes.fromhex("08 02 00 56 05 18 03 a9 83 81"))
    assert [(m.name, m.cause) for m in replies] == [("RELEASE COMPLETE", 96)]


def test_setup_for_data_bearer_is_refused_with_65(pair):
    replies = pair.inject_to_user(bytes.fromhex("08 02 00 57 05 04 02 88 90 18 03 a9 83 81"))
    assert [(m.name, m.cause) for m in replies] == [("RELEASE COMPLETE", 65)]


def test_setup_with_an_unknown_ie_is_accepted_then_status_99(pair):
    replies = pair.inject_to_user(
        bytes.fromhex("08 02 00 58 05 04 03 80 90 a3 18 03 a9 83 81 70 02 81 31 7e 02 01 02")
    )
    assert [(m.name, m.cause) for m in replies] == [("STATUS", 99)]
    assert pair.u.events[0][1:] == ("setup", {"timeslot": 1, "calling": "", "called": "1"})
    # the network side never placed that call: it answers our STATUS with RELEASE COMPLETE 81
    assert pair.u.events[-1][1] == "released"


def test_disconnect_without_cause_still_clears(pair):
    nref, uref = raw_call(pair)
    replies = pair.inject_to_user(bytes((0x08, 0x02, nref >> 8, nref & 0xFF, MT.DISCONNECT)))
    assert [m.name for m in replies] == ["RELEASE"]
    assert (uref, "disconnect", {"cause": 31}) in pair.u.events


def test_messages_for_unknown_calls_get_release_complete_81(pair):
    replies = pair.inject_to_user(bytes.fromhex("08 02 00 77 07"))
    assert [(m.name, m.cause) for m in replies] == [("RELEASE COMPLETE", 81)]
    replies = pair.inject_to_user(bytes.fromhex("08 02 00 77 75"))  # STATUS ENQUIRY
    assert [(m.name, m.cause, m.get(IE.CALL_STATE).value) for m in replies] == [("STATUS", 30, 0)]
    assert pair.inject_to_user(bytes.fromhex("08 02 00 77 5a")) == []  # RELEASE COMPLETE: ignored


@pytest.mark.parametrize(
    "raw", ["08", "09 02 00 01 05", "08 05 00 01 05", "08 02 00", "08 02 00 01 85", "08 00 62"]
)
def test_undecodable_or_dummy_messages_are_ignored_and_the_link_stays_up(pair, raw):
    assert pair.inject_to_user(bytes.fromhex(raw)) == []
    assert pair.user.up
    offer(pair)  # still works


def test_global_call_reference_messages_other_than_restart_get_status_81(pair):
    replies = pair.inject_to_user(bytes.fromhex("08 02 00 00 07"))
    assert [(m.name, m.cause) for m in replies] == [("STATUS", 81)]


def test_restart_drops_every_call_and_is_acknowledged(pair):
    _, u1 = raw_call(pair)
    _, u2 = raw_call(pair)
    pair.net.restart()
    pair.pump()
    assert pair.messages("u>n")[-1] == "RESTART ACKNOWLEDGE"
    assert {(r, e) for r, e, _ in pair.u.events if e == "disconnect"} == {
        (u1, "disconnect"),
        (u2, "disconnect"),
    }
    assert pair.user.calls() == [] and pair.user.pool.free_count() == 30


def test_link_loss_clears_a_call_not_yet_active_with_41_and_reestablishes():
    pair = Pair().up()
    _, uref = offer(pair)  # U6: offered, not answered
    pair.user.layer1(False)
    assert pair.u.link[-1] is False and (uref, "disconnect", {"cause": 41}) in pair.u.events
    assert pair.user.calls() == [] and pair.user.pool.free_count() == 30
    pair.user.layer1(True)
    pair.pump()
    assert pair.user.up and pair.u.link[-1] is True


def test_network_silence_makes_the_user_retry_establishment():
    pair = Pair()
    pair.user.layer1(True)
    for _ in range(20):  # the network side hears nothing for 5 s
        pair.clock.advance(0.25)
        pair.user.poll()
        pair.u.out.clear()
    assert not pair.user.up and pair.u.link == [False]
    pair.net.layer1(True)
    pair.advance(2.5)
    assert pair.user.up and pair.net.up


def test_lost_frames_are_recovered_by_lapd(pair):
    pair.net.place_call("1", "2")
    pair.n.out.clear()  # the I frame carrying SETUP is lost on the line
    pair.advance(1.5)
    assert [e for _, e, _ in pair.u.events] == ["setup"]


def test_next_deadline_reports_the_earliest_timer(pair):
    pair.user.place_call("1", "2")
    deadline = pair.user.next_deadline()
    assert deadline is not None and deadline <= pair.clock.now + 4.0


def test_t303_without_answer_clears_with_102(pair, monkeypatch):
    monkeypatch.setattr(pair.net, "dl_data", lambda info: None)  # LAPD works, Q.931 never answers
    uref = pair.user.place_call("1", "2")
    pair.advance(4.2)
    assert pair.messages("u>n") == ["SETUP", "SETUP"]
    pair.advance(4.2)
    assert pair.messages("u>n")[-1] == "RELEASE COMPLETE"
    assert pair.u.events == [
        (uref, "disconnect", {"cause": 102}),
        (uref, "released", {"cause": 102, "timeslot": 31}),
    ]

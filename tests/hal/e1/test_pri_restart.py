"""Q.931 5.5 restart over two PRI stacks back to back: RESTART when the D-channel comes up, RESTART
ACKNOWLEDGE, channels back to idle, and malformed RESTART messages refused with the link kept up."""

from __future__ import annotations

import logging

import pytest

from hal.isdn.q931 import IE, MT
from hal.isdn.q931_call import CallTimers
from tests.hal.e1.b2b import Pair
from tests.hal.e1.test_pri import offer


def answered(pair: Pair) -> tuple[int, int]:
    nref, uref = offer(pair)
    pair.user.answer(uref)
    pair.pump()
    return nref, uref


def restarting_user(**options) -> Pair:
    return Pair(user_options={"restart_on_link_up": True, **options})


def test_given_restart_on_link_up_when_the_link_first_comes_up_then_restart_all_is_acknowledged():
    pair = restarting_user()
    pair.user.layer1(True)
    pair.net.layer1(True)
    pair.pump()
    [restart] = [m for m in pair.decoded("u>n") if m.mtype == MT.RESTART]
    assert (restart.call_ref, restart.get(IE.RESTART_INDICATOR).restart_class) == (0, 7)
    assert IE.CHANNEL_ID not in restart.ies
    [ack] = pair.decoded("n>u")
    assert (ack.name, ack.call_ref, ack.get(IE.RESTART_INDICATOR).restart_class) == (
        "RESTART ACKNOWLEDGE",
        0,
        7,
    )
    # the link is reported up once, after the acknowledgement, and calls work
    assert pair.u.link == [True] and pair.user.up and not pair.user.restarting
    assert pair.net.restarts_received == 1
    offer(pair)


def test_without_restart_on_link_up_no_restart_is_sent():
    pair = Pair().up()
    assert "RESTART" not in pair.messages("u>n") + pair.messages("n>u")


def test_given_our_restart_unanswered_then_no_call_is_placed_or_accepted(monkeypatch):
    pair = restarting_user()
    monkeypatch.setattr(pair.net, "dl_data", lambda info: None)  # the far end ignores Q.931
    pair.user.layer1(True)
    pair.net.layer1(True)
    pair.pump()
    assert pair.user.link.established and not pair.user.up and pair.u.link == []
    monkeypatch.undo()
    nref = pair.net.place_call("13800138000", "8001")
    pair.pump()
    assert pair.n.events[-2] == (nref, "disconnect", {"cause": 41})  # refused: RELEASE COMPLETE 41
    assert pair.u.events == []


def test_t316_repeats_the_restart_once_then_takes_the_channels_into_service(monkeypatch, caplog):
    pair = restarting_user(call_timers=CallTimers(t316=10.0))
    monkeypatch.setattr(pair.net, "dl_data", lambda info: None)
    pair.user.layer1(True)
    pair.net.layer1(True)
    pair.advance(9.5)
    assert pair.messages("u>n") == ["RESTART"] and not pair.user.up
    pair.advance(1.0)
    assert pair.messages("u>n") == ["RESTART", "RESTART"] and not pair.user.up
    with caplog.at_level(logging.ERROR, logger="hal.e1.pri"):
        pair.advance(10.0)
    assert pair.user.up and pair.u.link == [True]
    assert "no RESTART ACKNOWLEDGE after 2 RESTART" in caplog.text


def test_given_held_calls_when_the_link_returns_then_no_restart_is_sent():
    pair = restarting_user().up()
    answered(pair)
    mark = len(pair.wire)
    pair.layer1(False)
    pair.layer1(True)
    assert "RESTART" not in [m.name for m in pair.decoded("u>n", mark)]
    assert "STATUS ENQUIRY" in [m.name for m in pair.decoded("u>n", mark)]
    assert len(pair.user.calls()) == 1 and pair.user.up


def test_given_no_call_left_after_a_failure_when_the_link_returns_then_restart_is_sent_again():
    pair = restarting_user().up()
    _, uref = answered(pair)
    pair.layer1(False)
    pair.advance(6.5)  # T309 clears the call on both sides
    assert pair.user.calls() == []
    mark = len(pair.wire)
    pair.layer1(True)
    assert [m.name for m in pair.decoded("u>n", mark)] == ["RESTART"]
    assert pair.net.restarts_received == 2 and pair.user.up


def test_restart_received_clears_every_call_without_clearing_messages_and_leaves_channels_idle():
    pair = Pair().up()
    refs = [answered(pair)[1] for _ in range(3)]
    mark = len(pair.wire)
    pair.net.restart()
    pair.pump()
    assert [m.name for m in pair.decoded("u>n", mark)] == ["RESTART ACKNOWLEDGE"]
    for ref in refs:
        assert (ref, "disconnect", {"cause": 41}) in pair.u.events
    assert pair.user.calls() == [] and pair.user.pool.free_count() == 30
    assert pair.net.up and pair.user.up and pair.n.link[-1] is True


def test_restart_of_indicated_channel_clears_only_that_call_and_echoes_the_channel():
    pair = Pair().up()
    _, u1 = answered(pair)  # timeslot 1
    _, u2 = answered(pair)  # timeslot 2
    replies = pair.inject_to_user(bytes.fromhex("08 02 00 00 46 18 03 a9 83 82 79 01 80"))
    [ack] = replies
    assert ack.name == "RESTART ACKNOWLEDGE" and ack.flag
    assert ack.get(IE.CHANNEL_ID).channel == 2 and ack.get(IE.RESTART_INDICATOR).restart_class == 0
    assert (u2, "disconnect", {"cause": 41}) in pair.u.events
    assert [c["call_ref"] for c in pair.user.calls()] == [u1]
    assert pair.user.pool.is_free(2) and not pair.user.pool.is_free(1)


def test_restart_of_an_idle_indicated_channel_is_still_acknowledged():
    pair = Pair().up()
    [ack] = pair.inject_to_user(bytes.fromhex("08 02 00 00 46 18 03 a9 83 85 79 01 80"))
    assert ack.name == "RESTART ACKNOWLEDGE" and ack.get(IE.CHANNEL_ID).channel == 5


@pytest.mark.parametrize(
    ("raw", "cause", "reason"),
    [
        ("08 02 00 00 46", 96, "no restart indicator"),
        ("08 02 00 00 46 79 01 82", 100, "invalid restart indicator"),
        ("08 02 00 00 46 79 02 87 00", 100, "invalid restart indicator"),
        ("08 02 00 00 46 79 01 80", 96, "indicated channels without a channel identification"),
        ("08 02 00 00 46 18 03 a9 83 90 79 01 80", 100, "invalid channel identification"),  # timeslot 16
        ("08 02 00 00 46 18 01 a3 79 01 80", 100, "names no B-channel"),  # "any channel"
        ("08 02 00 07 46 79 01 87", 81, "not the global one"),
    ],
)
def test_malformed_restart_is_refused_with_a_logged_reason_and_the_link_and_calls_stay(
    raw, cause, reason, caplog
):
    pair = Pair().up()
    _, uref = answered(pair)
    with caplog.at_level(logging.WARNING, logger="hal.e1.pri"):
        replies = pair.inject_to_user(bytes.fromhex(raw))
    assert [(m.name, m.cause, m.get(IE.CALL_STATE).value) for m in replies] == [("STATUS", cause, 0)]
    assert reason in caplog.text and "RESTART" in caplog.text
    assert pair.user.up and pair.user.bad_messages == 1
    assert [c["call_ref"] for c in pair.user.calls()] == [uref]
    assert "disconnect" not in pair.u.names(uref)


def test_restart_of_all_interfaces_naming_a_channel_still_restarts_everything():
    pair = Pair().up()
    _, uref = answered(pair)
    [ack] = pair.inject_to_user(bytes.fromhex("08 02 00 00 46 18 03 a9 83 85 79 01 87"))
    assert ack.name == "RESTART ACKNOWLEDGE" and IE.CHANNEL_ID not in ack.ies
    assert (uref, "disconnect", {"cause": 41}) in pair.u.events and pair.user.calls() == []


def test_unexpected_restart_acknowledge_is_ignored():
    pair = Pair().up()
    assert pair.inject_to_user(bytes.fromhex("08 02 80 00 4e 79 01 87")) == []
    assert pair.user.up

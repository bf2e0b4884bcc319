"""Callback: keep the place, hang up, be called back with a reserved agent who knows who it is."""

from __future__ import annotations

import pytest

from telephony.acd.actions import CancelOffer, CancelReason, Connect, StartCallback
from telephony.acd.errors import CallbackNotOffered, InvalidTransition, UnknownCall
from telephony.acd.records import CallerAbandoned
from tests.acd.rig import Rig, offered, only, queue


def _rig(**kw: object) -> Rig:
    kw.setdefault("callback_attempts", 2)
    r = Rig(queue("q", ["a1", "a2"], strategy="linear", **kw), agents=["a1", "a2"])
    r.login("a1", "a2")
    r.pause("a1")
    r.pause("a2")
    return r


def test_given_a_waiting_caller_when_it_asks_for_a_callback_then_it_keeps_its_place_off_the_line() -> None:
    r = _rig()
    r.arrive("c1")
    r.now = 1
    r.arrive("c2")
    r.callback("c1")
    assert r.engine.caller_state("c1") == "callback-waiting"
    assert r.engine.queue_order("q") == ["c1", "c2"]
    assert r.hangup("c1") == []  # the original leg hangs up; nothing happens
    snap = r.engine.snapshot(2).queue("q")
    assert (snap.waiting, snap.callbacks) == (1, 1)


def test_given_a_callback_at_the_head_when_an_agent_frees_then_it_is_reserved_and_the_customer_dialed() -> (
    None
):
    r = _rig()
    r.arrive("c1", number="5551")
    r.callback("c1", number="13900000000")
    r.arrive("c2")
    assert r.unpause("a1") == [StartCallback("c1", "q", "13900000000", "a1", "81", 1)]
    assert r.state("a1") == "reserved"
    r.now = 8
    assert r.callback_outcome("c1", "answered") == [Connect("c1", "q", "a1", "81", None)]
    assert r.state("a1") == "on-call"


def test_given_a_ringing_caller_when_it_asks_for_a_callback_then_its_offers_are_withdrawn() -> None:
    r = _rig()
    r.unpause("a1")
    r.arrive("c1")
    o = r.ringing("a1")
    out = r.callback("c1")
    assert out[0] == CancelOffer(o.offer_id, "c1", "a1", CancelReason.CALLER_LEFT)
    assert only(out, StartCallback) == [StartCallback("c1", "q", "555c1", "a1", "81", 1)]


def test_given_a_failed_callback_then_the_agent_is_released_and_it_is_retried_after_the_delay() -> None:
    r = _rig(callback_retry_delay=60.0, backoff_no_answer=30.0)
    r.arrive("c1")
    r.callback("c1")
    r.unpause("a1")
    r.arrive("c2")
    r.now = 10
    out = r.callback_outcome("c1", "no-answer")
    assert offered(out) == [("c2", "a1")]  # released without back-off
    r.serve("c2", "a1")
    assert r.run_until(69.9) == []
    assert r.run_until(70.0) == [StartCallback("c1", "q", "555c1", "a1", "81", 2)]


def test_given_every_callback_attempt_fails_then_the_caller_has_abandoned() -> None:
    r = _rig(callback_attempts=1)
    r.arrive("c1")
    r.callback("c1")
    r.unpause("a1")
    r.records()
    r.now = 5
    r.callback_outcome("c1", "busy")
    assert r.engine.caller_state("c1") is None
    assert [x for x in r.records() if isinstance(x, CallerAbandoned)] == [
        CallerAbandoned(5, "c1", "q", 5, "callback-failed")
    ]


def test_given_callback_lead_then_an_agent_finishing_wrap_up_is_reserved_and_connected_after_it() -> None:
    r = _rig(wrap_up=30.0, callback_lead=10.0)
    r.unpause("a1")
    r.arrive("x")
    r.serve("x", "a1")  # wrap-up until 30
    r.arrive("c1")
    r.callback("c1")
    assert r.run_until(19.9) == []
    assert r.run_until(20.0) == [StartCallback("c1", "q", "555c1", "a1", "81", 1)]
    r.now = 25
    assert r.callback_outcome("c1", "answered") == []
    assert r.engine.caller_state("c1") == "callback-holding"
    assert r.run_until(30.0) == [Connect("c1", "q", "a1", "81", None)]


def test_given_a_holding_customer_when_the_agent_ends_wrap_up_early_then_it_connects_at_once() -> None:
    r = _rig(wrap_up=30.0, callback_lead=30.0)
    r.unpause("a1")
    r.arrive("x")
    r.serve("x", "a1")
    r.arrive("c1")
    r.callback("c1")
    r.now = 4
    r.callback_outcome("c1", "answered")
    r.now = 6
    assert r.wrapup_done("a1") == [Connect("c1", "q", "a1", "81", None)]


def test_given_the_reserved_agent_logs_out_then_the_answered_customer_waits_in_its_old_place() -> None:
    r = _rig()
    r.arrive("c1")
    r.callback("c1")
    r.now = 1
    r.arrive("c2")
    r.unpause("a1")
    r.logout("a1")
    r.now = 5
    assert r.callback_outcome("c1", "answered") == []
    assert r.engine.caller_state("c1") == "waiting"
    assert offered(r.unpause("a2")) == [("c1", "a2")]


def test_given_a_queue_without_callback_then_callback_not_offered() -> None:
    r = _rig(callback_attempts=0)
    r.arrive("c1")
    with pytest.raises(CallbackNotOffered):
        r.callback("c1")
    assert r.engine.caller_state("c1") == "waiting"


def test_given_an_unknown_call_or_a_second_request_then_an_error() -> None:
    r = _rig()
    with pytest.raises(UnknownCall):
        r.callback("nope")
    r.arrive("c1")
    r.callback("c1")
    with pytest.raises(InvalidTransition):
        r.callback("c1")


def test_given_a_callback_caller_then_it_is_not_subject_to_max_wait() -> None:
    r = _rig(max_wait=20.0)
    r.arrive("c1")
    r.callback("c1")
    assert r.run_until(100.0) == []
    assert r.engine.queue_order("q") == ["c1"]


def test_given_a_reserved_agent_when_it_pauses_then_the_callback_still_connects_and_the_pause_follows() -> (
    None
):
    r = _rig()
    r.arrive("c1")
    r.callback("c1")
    r.unpause("a1")
    assert r.pause("a1", "lunch") == []
    assert r.state("a1") == "reserved"
    assert r.callback_outcome("c1", "answered") == [Connect("c1", "q", "a1", "81", None)]
    r.end("c1")
    assert r.state("a1") == "paused"

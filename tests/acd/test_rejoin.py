"""Returning callers: a caller back within rejoin_window gets its old place back."""

from __future__ import annotations

from telephony.acd.records import CallerEntered
from tests.acd.rig import Rig, queue


def _rig(**kw: object) -> Rig:
    r = Rig(queue("q", ["a1"], rejoin_window=60.0, **kw), agents=["a1"])
    r.login("a1")
    r.pause("a1")
    return r


def test_given_a_caller_who_hung_up_when_it_calls_back_within_the_window_then_it_gets_its_place_back() -> (
    None
):
    r = _rig()
    r.arrive("c1", number="777")
    r.now = 5
    r.arrive("c2")
    r.now = 10
    r.hangup("c1")
    r.now = 40
    r.records()
    r.arrive("c1b", number="777")
    assert r.engine.queue_order("q") == ["c1b", "c2"]
    assert r.records() == [CallerEntered(40, "c1b", "q", "777", 0, 0, True)]


def test_given_a_caller_back_after_the_window_then_it_joins_at_the_back() -> None:
    r = _rig()
    r.arrive("c1", number="777")
    r.now = 5
    r.arrive("c2")
    r.now = 10
    r.hangup("c1")
    r.now = 70.5
    r.arrive("c1b", number="777")
    assert r.engine.queue_order("q") == ["c2", "c1b"]


def test_given_a_restored_place_then_it_is_used_once() -> None:
    r = _rig()
    r.arrive("c1", number="777")
    r.now = 5
    r.arrive("c2")
    r.hangup("c1")
    r.arrive("c1b", number="777")
    r.arrive("c1c", number="777")
    assert r.engine.queue_order("q") == ["c1b", "c2", "c1c"]


def test_given_a_restored_caller_then_it_keeps_the_higher_priority() -> None:
    r = _rig()
    r.arrive("c1", number="777", priority=4)
    r.hangup("c1")
    r.now = 5
    r.arrive("c2", priority=2)
    r.arrive("c1b", number="777")
    assert r.engine.queue_order("q") == ["c1b", "c2"]


def test_given_an_anonymous_caller_then_no_place_is_kept() -> None:
    r = _rig()
    r.arrive("c1", number="anonymous")
    r.now = 5
    r.arrive("c2")
    r.hangup("c1")
    r.arrive("c1b", number="anonymous")
    assert r.engine.queue_order("q") == ["c2", "c1b"]


def test_given_a_caller_who_overflowed_then_no_place_is_kept() -> None:
    r = _rig(max_wait=10.0)
    r.arrive("c1", number="777")
    r.now = 5
    r.arrive("c2")
    r.run_until(10.0)  # c1 overflows, c2 is still there
    r.now = 12
    r.arrive("c1b", number="777")
    assert r.engine.queue_order("q") == ["c2", "c1b"]


def test_given_the_window_is_zero_then_places_are_not_kept() -> None:
    r = Rig(queue("q", ["a1"]), agents=["a1"])
    r.arrive("c1", number="777")
    r.now = 5
    r.arrive("c2")
    r.hangup("c1")
    r.arrive("c1b", number="777")
    assert r.engine.queue_order("q") == ["c2", "c1b"]

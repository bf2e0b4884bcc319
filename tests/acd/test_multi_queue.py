"""Agents in several queues: queue weight, then caller priority, then longest wait; one call at a time."""

from __future__ import annotations

from tests.acd.rig import Rig, offered, queue


def _rig(w1: int = 0, w2: int = 0) -> Rig:
    r = Rig(queue("q1", ["a1"], weight=w1), queue("q2", ["a1"], weight=w2), agents=["a1"])
    r.login("a1")
    r.pause("a1")
    return r


def test_given_callers_in_two_queues_when_the_agent_frees_then_the_heavier_queue_wins() -> None:
    r = _rig(w1=1, w2=5)
    r.arrive("c1", "q1", priority=9)
    r.now = 1
    r.arrive("c2", "q2")
    assert offered(r.unpause("a1")) == [("c2", "a1")]


def test_given_equal_weights_then_the_higher_priority_caller_wins_across_queues() -> None:
    r = _rig()
    r.arrive("c1", "q1")
    r.now = 1
    r.arrive("c2", "q2", priority=2)
    assert offered(r.unpause("a1")) == [("c2", "a1")]


def test_given_equal_weight_and_priority_then_the_longest_waiting_caller_wins() -> None:
    r = _rig()
    r.arrive("c1", "q2")
    r.now = 1
    r.arrive("c2", "q1")
    assert offered(r.unpause("a1")) == [("c1", "a1")]


def test_given_an_agent_in_two_queues_then_it_is_never_offered_two_calls_at_once() -> None:
    r = Rig(queue("q1", ["a1"]), queue("q2", ["a1"]), agents=["a1"])
    r.login("a1")
    out = r.arrive("c1", "q1") + r.arrive("c2", "q2")
    assert offered(out) == [("c1", "a1")]
    r.now = 1
    r.answer(r.ringing("a1"))
    r.now = 2
    assert offered(r.end("c1")) == [("c2", "a1")]


def test_given_the_agent_is_in_wrap_up_for_one_queue_then_no_queue_offers_it() -> None:
    r = Rig(queue("q1", ["a1"], wrap_up=20.0), queue("q2", ["a1"]), agents=["a1"])
    r.login("a1")
    r.arrive("c1", "q1")
    r.serve("c1", "a1")
    assert offered(r.arrive("c2", "q2")) == []
    assert offered(r.run_until(19.9)) == []
    assert offered(r.run_until(20.0)) == [("c2", "a1")]


def test_given_wrap_up_differs_per_queue_then_the_call_queue_decides() -> None:
    r = Rig(queue("q1", ["a1"], wrap_up=20.0), queue("q2", ["a1"], wrap_up=5.0), agents=["a1"])
    r.login("a1")
    r.arrive("c1", "q2")
    r.serve("c1", "a1")
    r.arrive("c2", "q1")
    assert offered(r.run_until(5.0)) == [("c2", "a1")]

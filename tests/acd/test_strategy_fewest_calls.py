"""fewest-calls: fewest calls answered (any queue) within stats_window; ties to the longest idle."""

from __future__ import annotations

from tests.acd.rig import Rig, offered, queue


def _rig() -> Rig:
    r = Rig(
        queue("q", ["a1", "a2"], strategy="fewest-calls", stats_window=100.0),
        queue("side", ["a1", "a2"], strategy="linear"),
        agents=["a1", "a2"],
    )
    r.login("a1", "a2")
    return r


def _take(r: Rig, call: str, agent: str, queue_id: str = "side") -> None:
    other = "a2" if agent == "a1" else "a1"
    r.pause(other)
    r.arrive(call, queue_id)
    r.serve(call, agent, talk=1)
    r.unpause(other)


def test_fewest_calls_offers_the_agent_with_fewer_answered_calls_on_any_queue() -> None:
    r = _rig()
    _take(r, "x1", "a1")
    _take(r, "x2", "a1")
    _take(r, "x3", "a2")
    r.now = 10
    assert offered(r.arrive("c1")) == [("c1", "a2")]


def test_fewest_calls_forgets_calls_answered_before_the_window() -> None:
    r = _rig()
    _take(r, "x1", "a1")  # answered at 0
    r.now = 50
    _take(r, "x2", "a2")  # answered at 50
    r.now = 120  # window 100: a1's call (0) is out, a2's (50) is in
    assert offered(r.arrive("c1")) == [("c1", "a1")]


def test_fewest_calls_breaks_a_tie_by_the_longest_idle() -> None:
    r = _rig()
    r.now = 5
    _take(r, "x1", "a2")  # a2 idle since 5
    r.now = 8
    _take(r, "x2", "a1")  # a1 idle since 8, same count
    r.now = 10
    assert offered(r.arrive("c1")) == [("c1", "a2")]

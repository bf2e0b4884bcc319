"""least-talk-time: least talk time (calls ended, any queue) within stats_window; ties to longest idle."""

from __future__ import annotations

from tests.acd.rig import Rig, offered, queue


def _rig() -> Rig:
    r = Rig(
        queue("q", ["a1", "a2"], strategy="least-talk-time", stats_window=100.0),
        queue("side", ["a1", "a2"], strategy="linear"),
        agents=["a1", "a2"],
    )
    r.login("a1", "a2")
    return r


def _take(r: Rig, call: str, agent: str, talk: float) -> None:
    other = "a2" if agent == "a1" else "a1"
    r.pause(other)
    r.arrive(call, "side")
    r.serve(call, agent, talk=talk)
    r.unpause(other)


def test_least_talk_time_offers_the_agent_with_less_talk_time_not_fewer_calls() -> None:
    r = _rig()
    _take(r, "x1", "a1", 30)
    _take(r, "x2", "a1", 30)
    _take(r, "x3", "a2", 90)
    assert offered(r.arrive("c1")) == [("c1", "a1")]  # 60 s in two calls beats 90 s in one


def test_least_talk_time_counts_only_calls_that_ended_within_the_window() -> None:
    r = _rig()
    _take(r, "x1", "a1", 500)  # ended at 0
    r.now = 50
    _take(r, "x2", "a2", 20)  # ended at 50
    r.now = 120
    assert offered(r.arrive("c1")) == [("c1", "a1")]


def test_least_talk_time_does_not_count_a_call_still_in_progress() -> None:
    r = Rig(queue("q", ["a1", "a2", "a3"], strategy="least-talk-time"), agents=["a1", "a2", "a3"])
    r.login("a1", "a2", "a3")
    r.pause("a2")
    r.pause("a3")
    r.arrive("x1")
    r.answer(r.ringing("a1"))  # a1 on a call, no talk time counted yet
    r.now = 5
    r.unpause("a2")
    r.unpause("a3")
    r.end("x1", 5)  # now a1 has 5 s, a2 and a3 none
    assert offered(r.arrive("c1")) == [("c1", "a2")]

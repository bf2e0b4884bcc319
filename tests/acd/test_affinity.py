"""Last-agent affinity: a recent caller waits a bounded time for the agent it spoke to."""

from __future__ import annotations

from tests.acd.rig import Rig, offered, queue

DAY = 86400.0


def _rig(**kw: object) -> Rig:
    kw.setdefault("affinity_days", 7.0)
    kw.setdefault("affinity_wait", 20.0)
    r = Rig(queue("q", ["a1", "a2", "a3"], strategy="linear", **kw), agents=["a1", "a2", "a3"])
    r.login("a1", "a2", "a3")
    return r


def _talk_to(r: Rig, agent: str, number: str, call: str = "first") -> None:
    others = [a for a in ("a1", "a2", "a3") if a != agent]
    for a in others:
        r.pause(a)
    r.arrive(call, number=number)
    r.serve(call, agent)
    for a in others:
        r.unpause(a)


def test_given_a_recent_caller_when_its_agent_is_free_then_it_goes_to_that_agent_first() -> None:
    r = _rig()
    _talk_to(r, "a3", "777")
    r.now = 2 * DAY
    assert offered(r.arrive("c1", number="777")) == [("c1", "a3")]


def test_given_its_agent_is_busy_then_the_caller_waits_for_it_while_others_are_served() -> None:
    r = _rig()
    _talk_to(r, "a3", "777")
    r.now = 100
    r.arrive("x", number="888")
    r.answer(r.ringing("a1"))  # linear: a1 takes x
    r.pause("a3")
    assert offered(r.arrive("c1", number="777")) == []
    assert offered(r.arrive("c2", number="999")) == [("c2", "a2")]
    r.now = 110
    assert offered(r.unpause("a3")) == [("c1", "a3")]


def test_given_the_affinity_wait_runs_out_then_the_normal_strategy_applies() -> None:
    r = _rig()
    _talk_to(r, "a3", "777")
    r.now = 100
    r.pause("a3")
    r.arrive("c1", number="777")
    assert offered(r.run_until(119.9)) == []
    assert offered(r.run_until(120.0)) == [("c1", "a1")]


def test_given_the_preferred_agent_rejects_then_the_normal_strategy_applies_at_once() -> None:
    r = _rig(backoff_rejected=30.0)
    _talk_to(r, "a3", "777")
    r.now = 100
    r.arrive("c1", number="777")
    assert offered(r.outcome(r.ringing("a3"), "rejected")) == [("c1", "a1")]


def test_given_the_last_talk_is_older_than_affinity_days_then_no_preference() -> None:
    r = _rig(affinity_days=1.0)
    _talk_to(r, "a3", "777")
    r.now = 1.5 * DAY
    assert offered(r.arrive("c1", number="777")) == [("c1", "a1")]


def test_given_the_core_names_the_last_agent_then_the_hint_is_used() -> None:
    r = _rig()
    r.now = 10 * DAY
    out = r.arrive("c1", number="777", last_agent="a2", last_agent_at=10 * DAY - 3600)
    assert offered(out) == [("c1", "a2")]


def test_given_a_hint_older_than_affinity_days_then_it_is_ignored() -> None:
    r = _rig()
    r.now = 10 * DAY
    out = r.arrive("c1", number="777", last_agent="a2", last_agent_at=1 * DAY)
    assert offered(out) == [("c1", "a1")]


def test_given_the_last_agent_is_not_a_member_then_no_preference() -> None:
    r = Rig(
        queue("q", ["a1"], strategy="linear", affinity_days=7.0, affinity_wait=20.0),
        queue("side", ["a9"]),
        agents=["a1", "a9"],
    )
    r.login("a1", "a9")
    r.arrive("x", "side", number="777")
    r.serve("x", "a9")
    r.pause("a1")
    r.arrive("c1", number="777")
    assert offered(r.unpause("a1")) == [("c1", "a1")]


def test_given_affinity_off_then_the_last_agent_does_not_matter() -> None:
    r = _rig(affinity_days=0.0, affinity_wait=0.0)
    _talk_to(r, "a3", "777")
    assert offered(r.arrive("c1", number="777")) == [("c1", "a1")]


def test_given_the_last_agent_is_logged_out_then_the_caller_does_not_wait_for_it() -> None:
    r = _rig()
    _talk_to(r, "a3", "777")
    r.logout("a3")
    assert offered(r.arrive("c1", number="777")) == [("c1", "a1")]


def test_given_the_last_agent_is_paused_then_the_caller_waits_for_it() -> None:
    r = _rig()
    _talk_to(r, "a3", "777")
    r.pause("a3")
    assert offered(r.arrive("c1", number="777")) == []
    r.now = 5
    assert offered(r.unpause("a3")) == [("c1", "a3")]


def test_given_a_caller_waiting_for_its_agent_when_the_agent_logs_out_then_it_stops_waiting() -> None:
    r = _rig()
    _talk_to(r, "a3", "777")
    r.pause("a3")
    r.pause("a2")
    r.arrive("c1", number="777")  # held for a3 although a1 is free
    assert offered(r.logout("a3")) == [("c1", "a1")]


def test_given_a_caller_waiting_for_its_agent_when_the_agent_leaves_the_queue_then_it_stops_waiting() -> None:
    r = Rig(queue("q", ["a1"], affinity_days=7.0, affinity_wait=20.0), agents=["a1", "a2"])
    r.login("a1", "a2")
    r.join("a2")
    r.pause("a1")
    r.arrive("x", number="777")
    r.serve("x", "a2")
    r.pause("a2")
    r.arrive("c1", number="777")
    r.leave("a2")
    assert offered(r.unpause("a1")) == [("c1", "a1")]

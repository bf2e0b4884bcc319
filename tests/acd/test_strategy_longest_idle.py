"""longest-idle: idle since the end of the last call or wrap-up on ANY queue, else since login."""

from __future__ import annotations

from tests.acd.rig import Rig, offered, queue


def test_longest_idle_offers_the_agent_logged_in_first_when_nobody_had_a_call() -> None:
    r = Rig(queue("q", ["a1", "a2", "a3"], strategy="longest-idle"), agents=["a1", "a2", "a3"])
    for t, a in ((0, "a3"), (5, "a1"), (10, "a2")):
        r.now = t
        r.login(a)
    r.now = 20
    assert offered(r.arrive("c1")) == [("c1", "a3")]


def test_longest_idle_counts_a_call_taken_on_another_queue() -> None:
    r = Rig(
        queue("q", ["a1", "a2"], strategy="longest-idle"),
        queue("other", ["a1"], strategy="linear"),
        agents=["a1", "a2"],
    )
    r.login("a1")
    r.now = 5
    r.login("a2")
    r.now = 10
    r.pause("a2")
    r.arrive("x1", "other")
    r.answer(r.ringing("a1"))
    r.now = 20
    r.end("x1", 10)
    r.unpause("a2")
    r.now = 30
    assert offered(r.arrive("c1")) == [("c1", "a2")]  # a1 idle since 20 (other queue), a2 since 5


def test_longest_idle_counts_from_the_end_of_wrap_up_not_the_end_of_the_call() -> None:
    r = Rig(queue("q", ["a1", "a2"], strategy="longest-idle", wrap_up=30.0), agents=["a1", "a2"])
    r.login("a1")
    r.arrive("c1")
    r.answer(r.ringing("a1"))
    r.now = 10
    r.end("c1", 10)  # wrap-up until 40
    r.now = 35
    r.login("a2")
    r.run_until(50)
    assert offered(r.arrive("c2")) == [("c2", "a2")]  # a2 idle since 35, a1 since 40


def test_longest_idle_is_not_reset_by_a_pause() -> None:
    r = Rig(queue("q", ["a1", "a2"], strategy="longest-idle"), agents=["a1", "a2"])
    r.login("a1")
    r.now = 5
    r.login("a2")
    r.now = 10
    r.pause("a1")
    r.now = 20
    r.unpause("a1")
    r.now = 30
    assert offered(r.arrive("c1")) == [("c1", "a1")]

"""ring-progressive: ring one member, add the next in hunt order every progressive_step seconds."""

from __future__ import annotations

from tests.acd.rig import Rig, offered, queue


def _rig(**kw: object) -> Rig:
    cfg = queue(
        "q", ["a1", "a2", "a3"], strategy="ring-progressive", progressive_step=5.0, ring_timeout=30.0, **kw
    )
    r = Rig(cfg, agents=["a1", "a2", "a3"])
    r.login("a1", "a2", "a3")
    return r


def test_ring_progressive_adds_one_more_agent_every_step() -> None:
    r = _rig()
    assert offered(r.arrive("c1")) == [("c1", "a1")]
    assert offered(r.run_until(4.99)) == []
    assert offered(r.run_until(5.0)) == [("c1", "a2")]
    assert offered(r.run_until(10.0)) == [("c1", "a3")]


def test_ring_progressive_skips_busy_members_when_adding() -> None:
    r = _rig()
    r.pause("a2")
    r.arrive("c1")
    assert offered(r.run_until(5.0)) == [("c1", "a3")]


def test_ring_progressive_a_failed_member_frees_its_slot_for_the_next_one() -> None:
    r = _rig()
    r.arrive("c1")
    r.run_until(5.0)
    r.now = 6
    assert offered(r.outcome(r.ringing("a1"), "rejected")) == [("c1", "a3")]


def test_ring_progressive_starts_again_from_one_after_a_failed_round() -> None:
    r = _rig(retry_delay=2.0)
    r.arrive("c1")
    r.run_until(5.0)
    r.now = 6
    for a in ("a1", "a2", "a3"):
        r.outcome(r.ringing(a), "rejected")  # round over at 6: rest until 8
    assert offered(r.run_until(8.0)) == [("c1", "a1")]
    assert offered(r.run_until(12.99)) == []
    assert offered(r.run_until(13.0)) == [("c1", "a2")]


def test_ring_progressive_does_not_ring_again_a_member_that_failed_in_the_round() -> None:
    r = _rig()
    r.pause("a3")
    r.arrive("c1")
    r.run_until(5.0)
    r.now = 6
    assert offered(r.outcome(r.ringing("a1"), "rejected")) == []
    assert r.state("a1") == "idle"

"""skills-based: best skill first then longest idle; widen to lower levels after configured waits."""

from __future__ import annotations

from telephony.acd.config import MemberSpec
from tests.acd.rig import Rig, offered, queue

WIDEN = ((0.0, 8), (30.0, 5), (60.0, 1))


def _rig(**kw: object) -> Rig:
    members = [MemberSpec("a1", skill=9), MemberSpec("a2", skill=6), MemberSpec("a3", skill=2)]
    cfg = queue("q", members, strategy="skills-based", skill_widen=WIDEN, **kw)
    r = Rig(cfg, agents=["a1", "a2", "a3"])
    r.login("a1", "a2", "a3")
    return r


def test_skills_offers_the_best_skilled_free_member() -> None:
    r = _rig()
    assert offered(r.arrive("c1")) == [("c1", "a1")]


def test_skills_waits_for_an_expert_then_widens_to_lower_levels() -> None:
    r = _rig(backoff_rejected=100.0)
    r.pause("a1")
    assert offered(r.arrive("c1")) == []
    assert offered(r.run_until(29.9)) == []
    assert offered(r.run_until(30.0)) == [("c1", "a2")]  # level 5 and up now
    r.now = 31
    r.outcome(r.ringing("a2"), "rejected")
    assert offered(r.run_until(59.9)) == []
    assert offered(r.run_until(60.0)) == [("c1", "a3")]


def test_skills_breaks_a_tie_in_skill_by_the_longest_idle() -> None:
    members = [MemberSpec("a1", skill=7), MemberSpec("a2", skill=7), MemberSpec("a3", skill=8)]
    r = Rig(queue("q", members, strategy="skills-based"), agents=["a1", "a2", "a3"])
    r.login("a2")
    r.now = 1
    r.login("a1", "a3")
    r.pause("a3")
    r.now = 2
    assert offered(r.arrive("c1")) == [("c1", "a2")]  # hunt order would say a1


def test_skills_ignores_penalty() -> None:
    members = [MemberSpec("a1", skill=3, penalty=0), MemberSpec("a2", skill=9, penalty=5)]
    r = Rig(queue("q", members, strategy="skills-based"), agents=["a1", "a2"])
    r.login("a1", "a2")
    assert offered(r.arrive("c1")) == [("c1", "a2")]


def test_skills_widening_counts_from_entry_into_this_queue() -> None:
    r = _rig()
    r.pause("a1")
    r.pause("a2")
    r.now = 100
    assert offered(r.arrive("c1")) == []  # a3 (2) waits for 60 s of this caller's wait
    assert offered(r.run_until(160.0)) == [("c1", "a3")]

"""ring-all: every free member of the lowest free penalty rings at once; the first answer wins."""

from __future__ import annotations

from telephony.acd.actions import CancelOffer, CancelReason, Connect
from telephony.acd.config import MemberSpec
from tests.acd.rig import Rig, offered, queue


def _rig(**kw: object) -> Rig:
    r = Rig(queue("q", ["a1", "a2", "a3"], strategy="ring-all", **kw), agents=["a1", "a2", "a3"])
    r.login("a1", "a2", "a3")
    return r


def test_ring_all_offers_every_free_member_at_once() -> None:
    r = _rig()
    assert offered(r.arrive("c1")) == [("c1", "a1"), ("c1", "a2"), ("c1", "a3")]


def test_ring_all_first_answer_connects_and_withdraws_the_others() -> None:
    r = _rig()
    r.arrive("c1")
    o1, o2, o3 = r.ringing("a1"), r.ringing("a2"), r.ringing("a3")
    r.now = 2
    assert r.answer(o2) == [
        Connect("c1", "q", "a2", "82", o2.offer_id),
        CancelOffer(o1.offer_id, "c1", "a1", CancelReason.ANSWERED_ELSEWHERE),
        CancelOffer(o3.offer_id, "c1", "a3", CancelReason.ANSWERED_ELSEWHERE),
    ]
    assert [r.state(a) for a in ("a1", "a2", "a3")] == ["idle", "on-call", "idle"]


def test_ring_all_adds_a_member_that_becomes_free_while_ringing() -> None:
    r = _rig()
    r.pause("a2")
    assert offered(r.arrive("c1")) == [("c1", "a1"), ("c1", "a3")]
    r.now = 3
    assert offered(r.unpause("a2")) == [("c1", "a2")]


def test_ring_all_does_not_ring_again_a_member_that_failed_in_the_round() -> None:
    r = _rig()
    r.arrive("c1")
    r.now = 1
    assert r.outcome(r.ringing("a1"), "rejected") == []  # back-off 0, but a1 failed this round
    assert r.state("a1") == "idle"


def test_ring_all_rings_only_the_lowest_penalty_that_has_a_free_member() -> None:
    members = [MemberSpec("a1", penalty=0), MemberSpec("a2", penalty=1), MemberSpec("a3", penalty=1)]
    r = Rig(queue("q", members, strategy="ring-all"), agents=["a1", "a2", "a3"])
    r.login("a1", "a2", "a3")
    assert offered(r.arrive("c1")) == [("c1", "a1")]
    assert offered(r.pause("a2")) == []  # a1 still ringing holds penalty 0
    assert offered(r.pause("a1")) == [("c1", "a3")]  # a1's offer withdrawn: penalty 1 rings


def test_ring_all_after_every_offer_failed_rests_retry_delay_then_rings_all_again() -> None:
    r = _rig(retry_delay=5.0)
    r.arrive("c1")
    r.now = 1
    for a in ("a1", "a2", "a3"):
        r.outcome(r.ringing(a), "rejected")
    assert r.engine.next_deadline() == 6.0
    assert offered(r.run_until(5.9)) == []
    assert offered(r.run_until(6.0)) == [("c1", "a1"), ("c1", "a2"), ("c1", "a3")]

"""Offers: ring timeout, per-outcome back-off, retry delay, auto-pause, stale reports."""

from __future__ import annotations

from telephony.acd.actions import AgentAutoPaused, CancelOffer, CancelReason
from tests.acd.rig import Rig, offered, only, queue


def _rig(**kw: object) -> Rig:
    r = Rig(queue("q", ["a1", "a2"], strategy="linear", **kw), agents=["a1", "a2"])
    r.login("a1", "a2")
    return r


def test_given_an_offer_when_ring_timeout_passes_then_the_engine_cancels_it_as_no_answer() -> None:
    r = _rig(ring_timeout=12.0)
    r.pause("a2")
    r.arrive("c1")
    o = r.ringing("a1")
    assert r.run_until(11.99) == []
    out = r.run_until(12.0)
    assert out[0] == CancelOffer(o.offer_id, "c1", "a1", CancelReason.NO_ANSWER)
    assert offered(out) == [("c1", "a1")]  # back-off and retry 0: a new round at once


def test_given_a_reported_failure_then_no_cancel_is_sent_and_the_next_agent_rings() -> None:
    r = _rig(backoff_busy=5.0)
    r.arrive("c1")
    out = r.outcome(r.ringing("a1"), "busy")
    assert only(out, CancelOffer) == []
    assert offered(out) == [("c1", "a2")]


def test_given_a_reject_then_the_agent_rests_backoff_rejected() -> None:
    r = _rig(backoff_rejected=20.0, backoff_busy=7.0, backoff_no_answer=3.0)
    r.pause("a2")
    r.arrive("c1")
    r.now = 1
    r.outcome(r.ringing("a1"), "rejected")
    assert offered(r.run_until(20.99)) == []
    assert offered(r.run_until(21.0)) == [("c1", "a1")]


def test_given_a_busy_phone_then_the_agent_rests_backoff_busy() -> None:
    r = _rig(backoff_rejected=20.0, backoff_busy=7.0, backoff_no_answer=3.0)
    r.pause("a2")
    r.arrive("c1")
    r.now = 1
    r.outcome(r.ringing("a1"), "busy")
    assert offered(r.run_until(7.99)) == []
    assert offered(r.run_until(8.0)) == [("c1", "a1")]


def test_given_no_answer_then_the_agent_rests_backoff_no_answer_from_the_timeout() -> None:
    r = _rig(backoff_rejected=20.0, backoff_busy=7.0, backoff_no_answer=3.0, ring_timeout=10.0)
    r.pause("a2")
    r.arrive("c1")
    r.run_until(10.0)
    assert offered(r.run_until(12.99)) == []
    assert offered(r.run_until(13.0)) == [("c1", "a1")]


def test_given_backoff_then_other_queues_do_not_offer_the_agent_either() -> None:
    r = Rig(queue("q", ["a1"], backoff_rejected=30.0), queue("p", ["a1"]), agents=["a1"])
    r.login("a1")
    r.arrive("c1")
    r.now = 1
    r.outcome(r.ringing("a1"), "rejected")
    assert offered(r.arrive("c2", "p")) == []
    assert offered(r.run_until(31.0)) == [("c1", "a1")]


def test_given_a_failed_round_then_the_caller_rests_retry_delay_while_others_are_served() -> None:
    r = _rig(retry_delay=10.0, backoff_rejected=60.0)
    r.pause("a2")
    r.arrive("c1")
    r.now = 1
    r.outcome(r.ringing("a1"), "rejected")
    r.now = 2
    r.arrive("c2")
    assert offered(r.unpause("a2")) == [("c2", "a2")]  # c1 rests until 11


def test_given_a_withdrawn_offer_then_neither_backoff_nor_retry_applies() -> None:
    r = _rig(retry_delay=10.0, backoff_no_answer=60.0)
    r.pause("a2")
    r.arrive("c1")
    r.now = 1
    r.unpause("a2")
    assert offered(r.pause("a1")) == [("c1", "a2")]
    r.unpause("a1")
    r.now = 2
    assert offered(r.arrive("c2")) == [("c2", "a1")]


def test_given_n_no_answers_in_a_row_then_the_agent_is_auto_paused_with_the_reason() -> None:
    r = Rig(queue("q", ["a1"], auto_pause_after=3, ring_timeout=10.0), agents=["a1"])
    r.login("a1")
    r.arrive("c1")
    r.run_until(20.0)
    assert only(r.actions, AgentAutoPaused) == []
    out = r.run_until(30.0)
    assert AgentAutoPaused("a1", "auto:no-answer", "q") in out
    assert r.state("a1") == "paused"
    assert r.engine.snapshot(30).agent("a1").pause_reason == "auto:no-answer"


def test_given_an_answer_between_no_answers_then_the_count_starts_again() -> None:
    r = Rig(queue("q", ["a1"], auto_pause_after=2, ring_timeout=10.0), agents=["a1"])
    r.login("a1")
    r.arrive("c1")
    r.run_until(10.0)  # one no-answer
    r.serve("c1", "a1")
    r.arrive("c2")
    r.run_until(r.now + 10)
    assert r.state("a1") == "ringing"
    r.run_until(r.now + 10)
    assert r.state("a1") == "paused"


def test_given_rejects_then_they_do_not_count_toward_auto_pause() -> None:
    r = Rig(queue("q", ["a1"], auto_pause_after=1), agents=["a1"])
    r.login("a1")
    r.arrive("c1")
    for _ in range(3):
        r.outcome(r.ringing("a1"), "rejected")
    assert r.state("a1") == "ringing"


def test_given_a_stale_outcome_then_it_is_ignored() -> None:
    r = _rig(ring_timeout=10.0)
    r.pause("a2")
    r.arrive("c1")
    o = r.ringing("a1")
    r.run_until(10.0)  # timed out, offered again as a new offer
    r.now = 10.5
    assert r.answer(o) == []
    assert r.engine.caller_state("c1") == "offered"


def test_given_an_answer_then_the_agent_is_on_the_call_and_the_caller_has_left_the_queue() -> None:
    r = _rig()
    r.arrive("c1")
    r.answer(r.ringing("a1"))
    assert r.state("a1") == "on-call"
    assert r.engine.queue_order("q") == []
    assert r.engine.caller_state("c1") == "connected"

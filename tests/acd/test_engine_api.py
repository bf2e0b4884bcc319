"""The engine's API: time only from events, timers via next_deadline/tick, determinism, bad input."""

from __future__ import annotations

import pytest

from telephony.acd import events as ev
from telephony.acd.actions import CancelOffer, CancelReason, Offer
from telephony.acd.errors import DuplicateCall, UnknownQueue
from tests.acd.rig import Rig, offered, queue


def test_engine_with_no_timers_has_no_deadline() -> None:
    assert Rig(queue("q", [])).engine.next_deadline() is None


def test_engine_tick_before_a_deadline_does_nothing_and_at_it_fires() -> None:
    r = Rig(queue("q", ["a1"], ring_timeout=15.0), agents=["a1"])
    r.login("a1")
    r.arrive("c1")
    o = r.ringing("a1")
    assert r.engine.next_deadline() == 15.0
    assert r.engine.tick(14.0) == []
    assert r.engine.tick(15.0)[0] == CancelOffer(o.offer_id, "c1", "a1", CancelReason.NO_ANSWER)


def test_engine_handle_fires_timers_due_before_the_event_first() -> None:
    cfg = queue("q", ["a1", "a2"], ring_timeout=15.0, strategy="linear", backoff_no_answer=30.0)
    r = Rig(cfg, agents=["a1", "a2"])
    r.login("a1", "a2")
    r.arrive("c1")
    o = r.ringing("a1")
    out = r.send(ev.CallerArrived("c2", "q", "9", at=20.0))
    assert out[0] == CancelOffer(o.offer_id, "c1", "a1", CancelReason.NO_ANSWER)
    assert offered(out) == [("c1", "a2")]  # at 15; c2 arrives at 20 and waits for a1 (back-off)


def test_engine_treats_an_event_from_the_past_as_now() -> None:
    r = Rig(queue("q", [], max_wait=10.0))
    r.advance(50.0)
    r.send(ev.CallerArrived("c1", "q", "9", at=40.0))
    assert r.engine.next_deadline() == 60.0


def test_engine_with_the_same_seed_and_events_produces_the_same_actions() -> None:
    def run(seed: int) -> list[object]:
        r = Rig(queue("q", ["a1", "a2", "a3"], strategy="random"), agents=["a1", "a2", "a3"], seed=seed)
        r.login("a1", "a2", "a3")
        for i in range(20):
            r.now = i
            r.arrive(f"c{i}")
            r.answer(r.ringing(offered(r.actions)[-1][1]))
            r.end(f"c{i}", 1)
        return r.actions

    assert run(4) == run(4)


def test_engine_given_bad_input_raises_and_changes_nothing() -> None:
    r = Rig(queue("q", ["a1"]), agents=["a1"])
    r.arrive("c1")
    with pytest.raises(UnknownQueue):
        r.arrive("c2", "nope")
    with pytest.raises(DuplicateCall):
        r.arrive("c1")
    assert r.engine.queue_order("q") == ["c1"]
    assert r.engine.caller_state("c2") is None


def test_engine_given_bad_input_after_due_timers_returns_their_actions_on_the_next_call() -> None:
    r = Rig(queue("q", ["a1"], ring_timeout=10.0, backoff_no_answer=100.0), agents=["a1"])
    r.login("a1")
    r.arrive("c1")
    o = r.ringing("a1")
    with pytest.raises(UnknownQueue):
        r.send(ev.CallerArrived("c2", "nope", "9", at=12.0))
    assert r.engine.tick(12.0) == [CancelOffer(o.offer_id, "c1", "a1", CancelReason.NO_ANSWER)]


def test_engine_given_something_that_is_not_an_event_raises_type_error() -> None:
    r = Rig(queue("q", []))
    with pytest.raises(TypeError):
        r.engine.handle(object())  # type: ignore[arg-type]


def test_engine_offer_carries_the_contact_caller_number_and_ring_timeout() -> None:
    r = Rig(queue("q", ["a1"], ring_timeout=12.5), agents=["a1"])
    r.login("a1")
    assert r.arrive("c1", number="13800138000") == [
        Offer(1, "c1", "q", "a1", "sip:a1@box", "13800138000", 12.5)
    ]


def test_engine_given_a_queue_removed_then_callers_overflow_and_callbacks_are_dropped() -> None:
    from telephony.acd.actions import Overflow, OverflowReason
    from telephony.acd.config import Destination

    r = Rig(queue("q", ["a1"], callback_attempts=1), agents=["a1"])
    r.login("a1")
    r.arrive("c1")
    r.arrive("c2")
    r.callback("c2")
    o = r.ringing("a1")
    out = r.send(ev.QueueRemoved("q", at=1))
    assert out == [
        CancelOffer(o.offer_id, "c1", "a1", CancelReason.CALLER_LEFT),
        Overflow("c1", "q", Destination(), OverflowReason.QUEUE_REMOVED),
    ]
    assert r.engine.caller_state("c2") is None
    assert r.engine.snapshot(1).agent("a1").queues == ()


def test_engine_given_a_member_removed_by_reconfiguration_then_its_offer_is_withdrawn() -> None:
    r = Rig(queue("q", ["a1", "a2"], strategy="linear"), agents=["a1", "a2"])
    r.login("a1", "a2")
    r.arrive("c1")
    o = r.ringing("a1")
    out = r.send(ev.QueueConfigured(queue("q", ["a2"], strategy="linear"), at=1))
    assert out[0] == CancelOffer(o.offer_id, "c1", "a1", CancelReason.AGENT_UNAVAILABLE)
    assert offered(out) == [("c1", "a2")]

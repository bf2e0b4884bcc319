"""The event log: every fact reports need, in order, with exactly one terminal record per caller."""

from __future__ import annotations

from telephony.acd.records import (
    AgentStateChanged,
    CallCompleted,
    CallerAbandoned,
    CallerAnswered,
    CallerEntered,
    CallerOffered,
    OfferEnded,
)
from tests.acd.rig import Rig, queue


def test_records_of_an_answered_call_with_one_missed_offer() -> None:
    cfg = queue("q", ["a1", "a2"], strategy="linear", ring_timeout=10.0, wrap_up=5.0, backoff_no_answer=60.0)
    r = Rig(cfg, agents=["a1", "a2"])
    r.login("a1", "a2")
    r.records()
    r.now = 100
    r.arrive("c1", number="123")
    r.run_until(110.0)
    r.now = 112
    r.answer(r.ringing("a2"))
    r.now = 142
    r.end("c1", 30)
    r.run_until(147.0)
    assert r.records() == [
        CallerEntered(100, "c1", "q", "123", 0, 100, False),
        AgentStateChanged(100, "a1", "idle", "ringing", "", "c1", "q"),
        CallerOffered(100, "c1", "q", "a1", 1),
        OfferEnded(110.0, "c1", "q", "a1", 1, "no-answer"),
        AgentStateChanged(110.0, "a1", "ringing", "idle"),
        AgentStateChanged(110.0, "a2", "idle", "ringing", "", "c1", "q"),
        CallerOffered(110.0, "c1", "q", "a2", 2),
        AgentStateChanged(112, "a2", "ringing", "on-call", "", "c1", "q"),
        OfferEnded(112, "c1", "q", "a2", 2, "answered"),
        CallerAnswered(112, "c1", "q", "a2", 12),
        CallCompleted(142, "c1", "q", "a2", 30),
        AgentStateChanged(142, "a2", "on-call", "wrap-up", "", "c1", "q"),
        AgentStateChanged(147.0, "a2", "wrap-up", "idle"),
    ]


def test_records_of_an_abandoned_call_while_ringing() -> None:
    r = Rig(queue("q", ["a1"]), agents=["a1"])
    r.login("a1")
    r.arrive("c1")
    r.now = 4
    r.records()
    r.hangup("c1")
    assert r.records() == [
        OfferEnded(4, "c1", "q", "a1", 1, "cancelled"),
        AgentStateChanged(4, "a1", "ringing", "idle"),
        CallerAbandoned(4, "c1", "q", 4, "hangup"),
    ]


def test_records_of_a_pause_carry_the_reason() -> None:
    r = Rig(queue("q", ["a1"]), agents=["a1"])
    r.login("a1")
    r.records()
    r.pause("a1", "lunch")
    r.pause("a1", "training")
    assert r.records() == [
        AgentStateChanged(0, "a1", "idle", "paused", "lunch"),
        AgentStateChanged(0, "a1", "paused", "paused", "training"),
    ]


def test_records_are_handed_out_once() -> None:
    r = Rig(queue("q", []))
    r.arrive("c1")
    assert len(r.records()) == 1
    assert r.records() == []

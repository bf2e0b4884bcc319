"""Overflow: full, max wait, join-empty and leave-when-empty, and overflow into another queue."""

from __future__ import annotations

from telephony.acd.actions import CancelOffer, CancelReason, Overflow, OverflowReason
from telephony.acd.config import Destination, EmptyRule, TargetKind
from telephony.acd.records import CallerOverflowed
from tests.acd.rig import Rig, offered, only, queue

VM = Destination(TargetKind.VOICEMAIL, "box-1")
IVR = Destination(TargetKind.IVR, "main-menu")
EXT = Destination(TargetKind.EXTENSION, "2001")
EXTERNAL = Destination(TargetKind.EXTERNAL, "+861012345678")


def test_given_max_callers_on_the_line_then_the_next_caller_overflows_as_full() -> None:
    r = Rig(queue("q", ["a1"], max_callers=2, full_destination=VM, callback_attempts=1), agents=["a1"])
    r.arrive("c1")
    r.arrive("c2")
    assert r.arrive("c3") == [Overflow("c3", "q", VM, OverflowReason.FULL)]
    r.callback("c1")  # a callback caller keeps its place but is not on the line
    assert r.arrive("c4") == []
    assert r.engine.queue_order("q") == ["c1", "c2", "c4"]


def test_given_max_wait_then_the_caller_overflows_at_that_second_with_offers_withdrawn() -> None:
    r = Rig(queue("q", ["a1"], max_wait=30.0, ring_timeout=60.0, timeout_destination=EXT), agents=["a1"])
    r.now = 10
    r.arrive("c1")
    r.run_until(39.0)
    r.login("a1")
    o = r.ringing("a1")
    assert r.run_until(39.99) == []
    assert r.run_until(40.0) == [
        CancelOffer(o.offer_id, "c1", "a1", CancelReason.CALLER_LEFT),
        Overflow("c1", "q", EXT, OverflowReason.TIMEOUT),
    ]
    assert r.state("a1") == "idle"


def test_given_join_empty_no_logged_in_then_a_caller_is_refused_only_when_nobody_is_logged_in() -> None:
    cfg = queue("q", ["a1"], join_empty=EmptyRule.NO_LOGGED_IN, no_agents_destination=IVR)
    r = Rig(cfg, agents=["a1"])
    assert r.arrive("c1") == [Overflow("c1", "q", IVR, OverflowReason.NO_AGENTS)]
    r.login("a1")
    r.pause("a1")
    assert r.arrive("c2") == []  # paused still counts as logged in


def test_given_join_empty_no_available_then_paused_members_do_not_count_but_busy_ones_do() -> None:
    cfg = queue("q", ["a1"], join_empty=EmptyRule.NO_AVAILABLE, no_agents_destination=IVR)
    r = Rig(cfg, agents=["a1"])
    r.login("a1")
    r.pause("a1")
    assert r.arrive("c1") == [Overflow("c1", "q", IVR, OverflowReason.NO_AGENTS)]
    r.unpause("a1")
    r.arrive("c2")
    r.answer(r.ringing("a1"))
    assert r.arrive("c3") == []  # a1 on a call is available soon


def test_given_join_empty_no_idle_then_a_caller_joins_only_when_a_member_is_idle() -> None:
    cfg = queue("q", ["a1", "a2"], join_empty=EmptyRule.NO_IDLE, no_agents_destination=VM)
    r = Rig(cfg, agents=["a1", "a2"])
    r.login("a1")
    r.arrive("c1")
    assert r.arrive("c2") == [Overflow("c2", "q", VM, OverflowReason.NO_AGENTS)]


def test_given_leave_when_empty_when_the_last_available_member_pauses_then_callers_on_the_line_leave() -> (
    None
):
    cfg = queue(
        "q", ["a1"], leave_when_empty=EmptyRule.NO_AVAILABLE, no_agents_destination=VM, callback_attempts=1
    )
    r = Rig(cfg, agents=["a1"])
    r.login("a1")
    r.arrive("c1")
    r.arrive("c2")
    r.arrive("c3")
    r.callback("c3")
    o = r.ringing("a1")
    assert r.pause("a1") == [
        CancelOffer(o.offer_id, "c1", "a1", CancelReason.AGENT_UNAVAILABLE),
        Overflow("c1", "q", VM, OverflowReason.NO_AGENTS),
        Overflow("c2", "q", VM, OverflowReason.NO_AGENTS),
    ]
    assert r.engine.queue_order("q") == ["c3"]  # the callback keeps its place


def test_given_leave_when_empty_never_then_callers_stay_with_nobody_logged_in() -> None:
    r = Rig(queue("q", ["a1"]), agents=["a1"])
    r.login("a1")
    r.pause("a1")
    r.arrive("c1")
    assert r.logout("a1") == []
    assert r.engine.queue_order("q") == ["c1"]


def test_given_a_queue_destination_then_the_caller_enters_that_queue_with_its_priority() -> None:
    r = Rig(
        queue("q", ["a1"], max_wait=10.0, timeout_destination=Destination(TargetKind.QUEUE, "backup")),
        queue("backup", ["a2"], strategy="linear"),
        agents=["a1", "a2"],
    )
    r.login("a2")
    r.pause("a2")
    r.arrive("other", "backup")
    r.arrive("c1", priority=3)
    out = r.run_until(10.0)
    assert out == [Overflow("c1", "q", Destination(TargetKind.QUEUE, "backup"), OverflowReason.TIMEOUT)]
    assert r.engine.queue_order("backup") == ["c1", "other"]
    assert offered(r.unpause("a2")) == [("c1", "a2")]


def test_given_queues_overflowing_into_each_other_then_the_loop_ends_in_hangup() -> None:
    r = Rig(
        queue("q1", [], max_callers=1, full_destination=Destination(TargetKind.QUEUE, "q2")),
        queue("q2", [], max_callers=1, full_destination=Destination(TargetKind.QUEUE, "q1")),
    )
    r.arrive("x1", "q1")
    r.arrive("x2", "q2")
    out = r.arrive("c1", "q1")
    kinds = [a.destination.kind for a in only(out, Overflow)]
    assert kinds == [TargetKind.QUEUE] * 8 + [TargetKind.HANGUP]
    assert r.engine.caller_state("c1") is None


def test_given_an_unknown_destination_queue_then_the_caller_is_hung_up() -> None:
    r = Rig(queue("q", [], max_callers=1, full_destination=Destination(TargetKind.QUEUE, "gone")))
    r.arrive("x")
    assert r.arrive("c1") == [Overflow("c1", "q", Destination(), OverflowReason.FULL)]


def test_given_an_overflow_then_the_record_names_the_destination_and_the_wait() -> None:
    r = Rig(queue("q", [], max_wait=30.0, timeout_destination=EXTERNAL))
    r.now = 5
    r.arrive("c1")
    r.records()
    r.run_until(35.0)
    assert r.records() == [CallerOverflowed(35.0, "c1", "q", "external", "+861012345678", "timeout", 30.0)]

"""Announcements: periodic prompts, position and estimated wait from recent handle times."""

from __future__ import annotations

from telephony.acd.actions import AnnouncementKind, PlayAnnouncement
from tests.acd.rig import Rig, only, queue

POSITION = AnnouncementKind.POSITION
PERIODIC = AnnouncementKind.PERIODIC


def test_given_a_periodic_interval_then_the_prompt_plays_every_interval_while_waiting() -> None:
    r = Rig(queue("q", [], periodic_announce_interval=20.0))
    r.now = 3
    r.arrive("c1")
    assert r.run_until(22.9) == []
    assert r.run_until(23.0) == [PlayAnnouncement("c1", "q", PERIODIC)]
    assert r.run_until(63.0) == [PlayAnnouncement("c1", "q", PERIODIC)] * 2
    assert r.engine.next_deadline() == 83.0


def test_given_no_handle_time_yet_then_the_position_prompt_has_no_estimate() -> None:
    r = Rig(queue("q", ["a1"], position_announce_interval=30.0), agents=["a1"])
    r.login("a1")
    r.pause("a1")
    r.arrive("c1")
    r.arrive("c2")
    assert r.run_until(30.0) == [
        PlayAnnouncement("c1", "q", POSITION, 1, None),
        PlayAnnouncement("c2", "q", POSITION, 2, None),
    ]


def test_given_recent_handle_times_then_the_estimate_is_position_times_aht_over_staffed() -> None:
    cfg = queue("q", ["a1", "a2", "a3"], position_announce_interval=30.0, wrap_up=10.0)
    r = Rig(cfg, agents=["a1", "a2", "a3"])
    r.login("a1", "a2")
    r.arrive("x1")
    r.arrive("x2")
    r.answer(r.ringing("a1"))
    r.answer(r.ringing("a2"))
    r.end("x1", talk=50.0)  # handle time 50 + 10
    r.end("x2", talk=110.0)  # handle time 110 + 10
    r.run_until(10.0)  # both wrap-ups end: AHT 90
    r.login("a3")
    r.pause("a3")  # logged in but paused: not staffed
    r.arrive("y1")
    r.arrive("y2")
    r.answer(r.ringing("a1"))
    r.answer(r.ringing("a2"))  # two staffed members, both busy
    for c in ("c1", "c2", "c3"):
        r.arrive(c)
    assert only(r.run_until(40.0), PlayAnnouncement) == [
        PlayAnnouncement("c1", "q", POSITION, 1, 45.0),
        PlayAnnouncement("c2", "q", POSITION, 2, 90.0),
        PlayAnnouncement("c3", "q", POSITION, 3, 135.0),
    ]


def test_given_wrap_up_ended_early_then_the_handle_time_counts_the_wrap_up_actually_spent() -> None:
    r = Rig(queue("q", ["a1"], position_announce_interval=30.0, wrap_up=60.0), agents=["a1"])
    r.login("a1")
    r.arrive("x1")
    r.answer(r.ringing("a1"))
    r.end("x1", talk=40.0)
    r.now = 20
    r.wrapup_done("a1")  # handle time 40 + 20
    r.arrive("y")
    r.answer(r.ringing("a1"))
    r.arrive("c1")
    assert only(r.run_until(50.0), PlayAnnouncement) == [PlayAnnouncement("c1", "q", POSITION, 1, 60.0)]


def test_given_a_caller_who_is_answered_then_its_announcements_stop() -> None:
    r = Rig(
        queue("q", ["a1"], periodic_announce_interval=10.0, position_announce_interval=10.0), agents=["a1"]
    )
    r.login("a1")
    r.arrive("c1")
    r.answer(r.ringing("a1"))
    assert r.run_until(100.0) == []

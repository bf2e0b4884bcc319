"""Caller priority: VIP numbers jump ahead, FIFO within a priority, priority survives announcements."""

from __future__ import annotations

from telephony.acd.actions import AnnouncementKind, PlayAnnouncement
from tests.acd.rig import Rig, offered, only, queue


def _rig(**kw: object) -> Rig:
    r = Rig(queue("q", ["a1"], vip_numbers=frozenset({"888"}), vip_priority=10, **kw), agents=["a1"])
    r.login("a1")
    r.pause("a1")
    return r


def test_given_a_vip_number_then_it_is_ahead_of_callers_who_came_earlier() -> None:
    r = _rig()
    r.arrive("c1")
    r.now = 1
    r.arrive("c2")
    r.now = 2
    r.arrive("vip", number="888")
    assert r.engine.queue_order("q") == ["vip", "c1", "c2"]
    assert offered(r.unpause("a1")) == [("vip", "a1")]


def test_given_callers_of_one_priority_then_they_are_served_first_in_first_out() -> None:
    r = _rig()
    for i in range(4):
        r.now = i
        r.arrive(f"c{i}", priority=3)
    r.unpause("a1")
    served = []
    for _ in range(4):
        call = offered([r.ringing("a1")])[0][0]
        served.append(call)
        r.serve(call, "a1")
    assert served == ["c0", "c1", "c2", "c3"]


def test_given_an_explicit_priority_then_it_orders_like_a_vip() -> None:
    r = _rig()
    r.arrive("c1", priority=1)
    r.arrive("c2", priority=5)
    r.arrive("c3", priority=1)
    assert r.engine.queue_order("q") == ["c2", "c1", "c3"]


def test_given_position_announcements_then_the_vip_keeps_its_place_and_is_served_first() -> None:
    r = _rig(position_announce_interval=10.0)
    r.arrive("c1")
    r.now = 1
    r.arrive("vip", number="888")
    out = r.run_until(31.0)
    positions = [
        (a.call_id, a.position) for a in only(out, PlayAnnouncement) if a.kind is AnnouncementKind.POSITION
    ]
    assert positions == [("c1", 2), ("vip", 1), ("c1", 2), ("vip", 1), ("c1", 2), ("vip", 1)]
    assert offered(r.unpause("a1")) == [("vip", "a1")]

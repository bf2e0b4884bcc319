"""linear: always hunt from the top of the member list."""

from __future__ import annotations

from tests.acd.rig import Rig, offered, queue


def test_linear_always_starts_from_the_top_of_the_hunt_list() -> None:
    r = Rig(queue("q", ["a1", "a2", "a3"], strategy="linear"), agents=["a1", "a2", "a3"])
    r.login("a3", "a2", "a1")
    for i in range(3):
        assert offered(r.arrive(f"c{i}")) == [(f"c{i}", "a1")]
        r.serve(f"c{i}", "a1")


def test_linear_hunts_down_past_busy_members() -> None:
    r = Rig(queue("q", ["a1", "a2", "a3"], strategy="linear"), agents=["a1", "a2", "a3"])
    r.login("a1", "a2", "a3")
    assert offered(r.arrive("c1") + r.arrive("c2") + r.arrive("c3")) == [
        ("c1", "a1"),
        ("c2", "a2"),
        ("c3", "a3"),
    ]


def test_linear_hunt_order_is_static_members_then_dynamic_members_in_join_order() -> None:
    r = Rig(queue("q", ["a3"], strategy="linear"), agents=["a1", "a2", "a3"])
    r.login("a1", "a2", "a3")
    r.join("a2")
    r.join("a1")
    out = r.arrive("c1") + r.arrive("c2") + r.arrive("c3")
    assert offered(out) == [("c1", "a3"), ("c2", "a2"), ("c3", "a1")]

"""round-robin: the next free member after the one offered last, in hunt order, wrapping."""

from __future__ import annotations

from telephony.acd import events as ev
from tests.acd.rig import Rig, offered, queue


def _rig() -> Rig:
    r = Rig(queue("q", ["a1", "a2", "a3"], strategy="round-robin"), agents=["a1", "a2", "a3", "a4"])
    r.login("a1", "a2", "a3", "a4")
    return r


def _serve(r: Rig, call: str) -> str:
    out = r.arrive(call)
    agent = offered(out)[0][1]
    r.serve(call, agent, talk=1)
    return agent


def test_round_robin_rotates_through_members_and_wraps() -> None:
    r = _rig()
    assert [_serve(r, f"c{i}") for i in range(5)] == ["a1", "a2", "a3", "a1", "a2"]


def test_round_robin_skips_busy_members_and_continues_after_the_one_offered() -> None:
    r = _rig()
    assert offered(r.arrive("c1")) == [("c1", "a1")]
    r.pause("a2")
    assert offered(r.arrive("c2")) == [("c2", "a3")]
    r.unpause("a2")
    r.serve("c1", "a1")
    r.serve("c2", "a3")
    assert offered(r.arrive("c3")) == [("c3", "a1")]  # after a3 comes a1 again, not a2


def test_round_robin_continues_at_the_same_place_when_the_last_member_left() -> None:
    r = Rig(queue("q", [], strategy="round-robin"), agents=["a1", "a2", "a3"])
    r.login("a1", "a2", "a3")
    for a in ("a1", "a2", "a3"):
        r.join(a)
    _serve(r, "c1")
    assert _serve(r, "c2") == "a2"
    r.leave("a2")
    assert _serve(r, "c3") == "a3"  # a3 now holds a2's place in the hunt order


def test_round_robin_memory_survives_a_configuration_update() -> None:
    r = _rig()
    _serve(r, "c1")
    _serve(r, "c2")
    r.send(ev.QueueConfigured(queue("q", ["a1", "a2", "a3"], strategy="round-robin", wrap_up=0.0), at=r.now))
    assert _serve(r, "c3") == "a3"

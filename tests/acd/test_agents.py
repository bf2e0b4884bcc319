"""Agents: login, logout, dynamic membership, pause with reasons, wrap-up, and bad input."""

from __future__ import annotations

import pytest

from telephony.acd import events as ev
from telephony.acd.actions import CancelOffer, CancelReason
from telephony.acd.errors import (
    AgentBusy,
    InvalidTransition,
    MembershipError,
    UnknownAgent,
    UnknownPauseCode,
    UnknownQueue,
)
from tests.acd.rig import Rig, offered, queue


def _rig(**kw: object) -> Rig:
    r = Rig(queue("q", ["a1"], **kw), queue("d", []), agents=["a1", "a2"], pause_codes=["lunch", "break"])
    return r


def test_given_an_unknown_agent_when_it_logs_in_then_unknown_agent_is_raised() -> None:
    r = _rig()
    with pytest.raises(UnknownAgent) as e:
        r.login("zz")
    assert isinstance(e.value, KeyError) and str(e.value) == "unknown agent 'zz'"


def test_given_a_logged_in_agent_when_it_logs_in_again_then_invalid_transition() -> None:
    r = _rig()
    r.login("a1")
    with pytest.raises(InvalidTransition) as e:
        r.login("a1")
    assert str(e.value) == "idle does not handle login"


def test_given_a_pause_code_not_in_the_list_then_unknown_pause_code_and_no_change() -> None:
    r = _rig()
    r.login("a1")
    with pytest.raises(UnknownPauseCode):
        r.pause("a1", "nap")
    assert r.state("a1") == "idle"


def test_given_a_ringing_agent_when_it_pauses_then_the_offer_is_withdrawn() -> None:
    r = Rig(queue("q", ["a1", "a2"], strategy="linear"), agents=["a1", "a2"])
    r.login("a1", "a2")
    r.arrive("c1")
    o = r.ringing("a1")
    out = r.pause("a1", "lunch")
    assert out[0] == CancelOffer(o.offer_id, "c1", "a1", CancelReason.AGENT_UNAVAILABLE)
    assert offered(out) == [("c1", "a2")]
    assert r.engine.snapshot(0).agent("a1").pause_reason == "lunch"


def test_given_an_agent_on_a_call_when_it_pauses_then_the_pause_starts_after_wrap_up() -> None:
    r = _rig(wrap_up=10.0)
    r.login("a1")
    r.arrive("c1")
    r.answer(r.ringing("a1"))
    r.pause("a1", "lunch")
    assert r.state("a1") == "on-call"
    r.now = 5
    r.end("c1")
    assert r.state("a1") == "wrap-up"
    r.run_until(15.0)
    assert r.state("a1") == "paused"
    assert offered(r.arrive("c2")) == []


def test_given_a_pending_pause_when_the_agent_unpauses_then_it_is_cancelled() -> None:
    r = _rig()
    r.login("a1")
    r.arrive("c1")
    r.answer(r.ringing("a1"))
    r.pause("a1", "break")
    r.unpause("a1")
    r.arrive("c2")
    assert offered(r.end("c1")) == [("c2", "a1")]


def test_given_an_idle_agent_when_it_unpauses_then_invalid_transition() -> None:
    r = _rig()
    r.login("a1")
    with pytest.raises(InvalidTransition):
        r.unpause("a1")


def test_given_an_agent_on_a_call_when_it_logs_out_then_it_leaves_when_the_call_ends_without_wrap_up() -> (
    None
):
    r = _rig(wrap_up=30.0)
    r.login("a1")
    r.arrive("c1")
    r.answer(r.ringing("a1"))
    r.logout("a1")
    assert r.state("a1") == "on-call"
    r.end("c1")
    assert r.state("a1") == "logged-out"


def test_given_logout_then_dynamic_memberships_end_and_static_ones_stay() -> None:
    r = _rig()
    r.login("a1")
    r.join("a1", "d")
    r.logout("a1")
    snap = r.engine.snapshot(0)
    assert snap.agent("a1").queues == ("q",)
    r.login("a1")
    assert offered(r.arrive("c1", "d")) == []


def test_given_a_logged_out_agent_when_it_joins_then_invalid_transition_and_no_membership() -> None:
    r = _rig()
    with pytest.raises(InvalidTransition):
        r.join("a2", "d")
    assert r.engine.snapshot(0).agent("a2").queues == ()


def test_given_a_static_member_when_it_joins_or_leaves_its_queue_then_membership_error() -> None:
    r = _rig()
    r.login("a1")
    with pytest.raises(MembershipError):
        r.join("a1", "q")
    with pytest.raises(MembershipError):
        r.leave("a1", "q")


def test_given_a_non_member_when_it_leaves_then_membership_error() -> None:
    r = _rig()
    r.login("a2")
    with pytest.raises(MembershipError):
        r.leave("a2", "d")


def test_given_an_unknown_queue_when_an_agent_joins_then_unknown_queue() -> None:
    r = _rig()
    r.login("a2")
    with pytest.raises(UnknownQueue):
        r.join("a2", "nope")


def test_given_a_ringing_dynamic_member_when_it_leaves_then_the_offer_is_withdrawn() -> None:
    r = _rig()
    r.login("a2")
    r.join("a2", "d")
    r.arrive("c1", "d")
    o = r.ringing("a2")
    assert r.leave("a2", "d") == [CancelOffer(o.offer_id, "c1", "a2", CancelReason.AGENT_UNAVAILABLE)]


def test_given_a_join_again_then_the_dynamic_settings_change() -> None:
    r = Rig(queue("q", [], strategy="skills-based"), agents=["a1", "a2"])
    r.login("a1", "a2")
    r.join("a1", skill=3)
    r.join("a2", skill=5)
    r.join("a1", skill=9)
    assert offered(r.arrive("c1")) == [("c1", "a1")]


def test_given_wrap_up_then_the_agent_is_not_offered_until_it_ends() -> None:
    r = _rig(wrap_up=15.0)
    r.login("a1")
    r.arrive("c1")
    r.serve("c1", "a1")
    r.arrive("c2")
    assert offered(r.run_until(14.99)) == []
    assert offered(r.run_until(15.0)) == [("c2", "a1")]


def test_given_wrap_up_when_the_agent_ends_it_early_then_it_is_offered_at_once() -> None:
    r = _rig(wrap_up=15.0)
    r.login("a1")
    r.arrive("c1")
    r.serve("c1", "a1")
    r.arrive("c2")
    r.now = 3
    assert offered(r.wrapup_done("a1")) == [("c2", "a1")]
    assert r.engine.next_deadline() == 18.0  # the ring timeout; the wrap-up timer is gone


def test_given_no_wrap_up_when_the_agent_ends_wrap_up_then_invalid_transition() -> None:
    r = _rig()
    r.login("a1")
    with pytest.raises(InvalidTransition):
        r.wrapup_done("a1")


def test_given_a_logged_in_agent_when_it_is_removed_then_agent_busy() -> None:
    r = _rig()
    r.login("a1")
    with pytest.raises(AgentBusy):
        r.send(ev.AgentRemoved("a1", at=0))
    r.logout("a1")
    r.send(ev.AgentRemoved("a1", at=0))
    with pytest.raises(UnknownAgent):
        r.login("a1")


def test_given_an_agent_reconfigured_then_the_new_number_is_announced_on_connect() -> None:
    from telephony.acd.actions import Connect
    from telephony.acd.config import AgentConfig

    r = _rig()
    r.login("a1")
    r.send(ev.AgentConfigured(AgentConfig("a1", number="1024", name="Li Wei"), at=0))
    r.arrive("c1")
    o = r.ringing("a1")
    assert r.answer(o) == [Connect("c1", "q", "a1", "1024", o.offer_id)]
    assert r.engine.snapshot(0).agent("a1").name == "Li Wei"

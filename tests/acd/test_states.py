"""State machines: one class per state, unexpected events raise InvalidTransition and change nothing."""

from __future__ import annotations

import dataclasses

import pytest

from telephony.acd import states as st
from telephony.acd.config import AgentConfig
from telephony.acd.errors import InvalidTransition
from telephony.acd.model import Agent, Caller


def _agent(state: st.AgentState) -> Agent:
    return Agent(AgentConfig("a1"), state=state, since=1.0)


def _caller(state: st.CallerState) -> Caller:
    return Caller("c1", "q", "1", 0, 0.0, 0.0, 1, state=state, since=1.0)


AGENT_EVENTS = {
    "login": (),
    "logout": (),
    "pause": ("x",),
    "unpause": (),
    "offer": (1, "c", "q"),
    "answer": (),
    "offer_end": (),
    "reserve": ("c", "q"),
    "release": (),
    "connect": (),
    "call_end": (None,),
    "wrapup_end": (),
    "join": (),
}
AGENT_ALLOWED = {
    st.LoggedOut(): {"login"},
    st.Idle(): {"logout", "pause", "offer", "reserve", "join"},
    st.Ringing(1, "c", "q"): {"answer", "offer_end", "join"},
    st.Reserved("c", "q"): {"logout", "pause", "connect", "release", "join"},
    st.OnCall("c", "q"): {"logout", "pause", "call_end", "join"},
    st.WrapUp("c", "q", 9.0): {"logout", "pause", "reserve", "wrapup_end", "join"},
    st.Paused("x"): {"logout", "pause", "unpause", "join"},
}


@pytest.mark.parametrize("state", list(AGENT_ALLOWED), ids=str)
def test_agent_state_handles_exactly_its_events(state: st.AgentState) -> None:
    for event, args in AGENT_EVENTS.items():
        agent = _agent(state)
        if event in AGENT_ALLOWED[state]:
            st.transition(agent, event, *args, at=5.0)
        else:
            with pytest.raises(InvalidTransition):
                st.transition(agent, event, *args, at=5.0)
            assert agent.state == state and agent.since == 1.0


def test_agent_transition_restarts_time_in_state_only_when_the_kind_changes() -> None:
    agent = _agent(st.Paused("lunch"))
    st.transition(agent, "pause", "break", at=5.0)
    assert (agent.state, agent.since) == (st.Paused("break"), 1.0)
    st.transition(agent, "unpause", at=6.0)
    assert (agent.state, agent.since) == (st.Idle(), 6.0)


def test_agent_on_call_keeps_a_pause_pending_and_applies_it_after_the_call() -> None:
    agent = _agent(st.OnCall("c", "q"))
    st.transition(agent, "pause", "lunch", at=2.0)
    assert agent.state == st.OnCall("c", "q") and agent.pending_pause == "lunch"
    st.transition(agent, "call_end", None, at=3.0)
    assert agent.state == st.Paused("lunch") and agent.pending_pause is None


def test_agent_on_call_with_a_pending_logout_skips_wrap_up() -> None:
    agent = _agent(st.OnCall("c", "q"))
    st.transition(agent, "logout", at=2.0)
    st.transition(agent, "call_end", 30.0, at=3.0)
    assert agent.state == st.LoggedOut()


def test_agent_wrap_up_with_a_reservation_ends_reserved() -> None:
    agent = _agent(st.WrapUp("c", "q", 9.0))
    st.transition(agent, "reserve", "c2", "q", at=2.0)
    with pytest.raises(InvalidTransition):
        st.transition(agent, "reserve", "c3", "q", at=2.0)
    st.transition(agent, "wrapup_end", at=9.0)
    assert agent.state == st.Reserved("c2", "q")


def test_agent_unpause_without_a_pending_pause_on_a_call_is_invalid() -> None:
    agent = _agent(st.OnCall("c", "q"))
    with pytest.raises(InvalidTransition) as e:
        st.transition(agent, "unpause", at=2.0)
    assert (e.value.state, e.value.event) == (st.OnCall("c", "q"), "unpause")


CALLER_ALLOWED = {
    st.Waiting(): {"offer", "hangup", "leave", "callback_request"},
    st.Offered(): {"offer", "offer_end", "answer"},
    st.CallbackWaiting(): {"hangup", "reserve", "leave"},
    st.CallbackDialing(): {"hangup", "callback_answer", "callback_fail", "agent_lost", "leave"},
    st.CallbackHolding(): {"agent_ready", "agent_lost", "hangup", "leave"},
    st.Connected(): {"hangup", "call_end"},
    st.Done("x"): set(),
}
CALLER_EVENTS = {
    "offer": (),
    "offer_end": (0,),
    "answer": (),
    "hangup": (),
    "leave": ("overflowed",),
    "callback_request": (),
    "reserve": (),
    "callback_answer": (True,),
    "callback_fail": (False,),
    "agent_ready": (),
    "agent_lost": (),
    "call_end": (),
}


@pytest.mark.parametrize("state", list(CALLER_ALLOWED), ids=str)
def test_caller_state_handles_exactly_its_events(state: st.CallerState) -> None:
    for event, args in CALLER_EVENTS.items():
        caller = _caller(state)
        if event in CALLER_ALLOWED[state]:
            st.transition(caller, event, *args, at=5.0)
        else:
            with pytest.raises(InvalidTransition):
                st.transition(caller, event, *args, at=5.0)
            assert caller.state == state


@pytest.mark.parametrize(
    ("state", "event", "args", "expected"),
    [
        (st.Waiting(), "hangup", (), st.Done("abandoned")),
        (st.Offered(), "offer_end", (1,), st.Offered()),
        (st.Offered(), "offer_end", (0,), st.Waiting()),
        (st.CallbackWaiting(), "hangup", (), st.CallbackWaiting()),
        (st.CallbackDialing(), "callback_answer", (True,), st.Connected()),
        (st.CallbackDialing(), "callback_answer", (False,), st.CallbackHolding()),
        (st.CallbackDialing(), "callback_answer", (None,), st.Waiting()),
        (st.CallbackDialing(), "callback_fail", (True,), st.Done("abandoned")),
        (st.CallbackDialing(), "callback_fail", (False,), st.CallbackWaiting()),
        (st.CallbackHolding(), "agent_lost", (), st.Waiting()),
        (st.Connected(), "hangup", (), st.Connected()),
    ],
)
def test_caller_transition_goes_to(
    state: st.CallerState, event: str, args: tuple, expected: st.State
) -> None:
    caller = _caller(state)
    st.transition(caller, event, *args, at=5.0)
    assert caller.state == expected


def test_states_are_immutable_values() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        st.Paused("x").reason = "y"  # type: ignore[misc]
    assert str(st.WrapUp("c", "q", 1.0)) == "wrap-up"

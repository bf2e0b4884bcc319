"""Agent and caller state machines: a state is a class with one method per event.

Each `on_<event>` handler takes the subject (an Agent or Caller from telephony.acd.model) and the
event's arguments and returns the next state; a handler may update the subject's bookkeeping
(pending pause, pending logout). An event a state does not handle raises InvalidTransition and
changes nothing. `transition()` is the one place a subject's state changes and is logged; `since`
restarts whenever the state's kind changes.

Agent states: logged-out, idle, ringing (one offer), reserved (held for a callback), on-call,
wrap-up (may carry a callback reservation), paused (with a reason). A pause or logout asked for
while on a call or in wrap-up is kept pending and applied when the agent would next become idle;
the engine withdraws a ringing offer itself before pausing or logging out an agent.

Caller states: waiting, offered (one or more offers ringing agents), callback-waiting (hung up, place kept),
callback-dialing (agent reserved, customer being dialed), callback-holding (customer answered,
reserved agent still in wrap-up), connected, done. The engine withdraws offers before a ringing
caller leaves, so leaving events are handled in waiting.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import TYPE_CHECKING, Protocol

from telephony.acd.errors import InvalidTransition

if TYPE_CHECKING:
    from telephony.acd.model import Agent, Caller

log = logging.getLogger(__name__)


class Subject(Protocol):
    """Anything with a state machine: an agent or a caller."""

    label: str
    since: float

    @property
    def state(self) -> State: ...

    @state.setter
    def state(self, value: State) -> None: ...


@dataclasses.dataclass(frozen=True)
class State:
    """Base of every state; subclasses override the events they handle."""

    name = "state"

    def __str__(self) -> str:
        return self.name


def transition(subject: Subject, event: str, *args: object, at: float) -> tuple[State, State]:
    """Run `event` on the subject's state; set and log the next state; return (old, new)."""
    old = subject.state
    new = getattr(old, f"on_{event}")(subject, *args)
    if new is not old:
        subject.state = new
        if type(new) is not type(old):
            subject.since = at
            log.debug("%s: %s -> %s on %s at %.3f", subject.label, old, new, event, at)
    return old, new


# --- agents ---------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class AgentState(State):
    """An agent state; every event raises InvalidTransition unless the state handles it."""

    def on_login(self, agent: Agent) -> AgentState:
        raise InvalidTransition(self, "login")

    def on_logout(self, agent: Agent) -> AgentState:
        raise InvalidTransition(self, "logout")

    def on_pause(self, agent: Agent, reason: str) -> AgentState:
        raise InvalidTransition(self, "pause")

    def on_unpause(self, agent: Agent) -> AgentState:
        raise InvalidTransition(self, "unpause")

    def on_join(self, agent: Agent) -> AgentState:
        return self  # membership changes are fine in every logged-in state

    def on_offer(self, agent: Agent, offer_id: int, call_id: str, queue_id: str) -> AgentState:
        raise InvalidTransition(self, "offer")

    def on_answer(self, agent: Agent) -> AgentState:
        raise InvalidTransition(self, "answer")

    def on_offer_end(self, agent: Agent) -> AgentState:
        raise InvalidTransition(self, "offer_end")

    def on_reserve(self, agent: Agent, call_id: str, queue_id: str) -> AgentState:
        raise InvalidTransition(self, "reserve")

    def on_release(self, agent: Agent) -> AgentState:
        raise InvalidTransition(self, "release")

    def on_connect(self, agent: Agent) -> AgentState:
        raise InvalidTransition(self, "connect")

    def on_call_end(self, agent: Agent, wrap_until: float | None) -> AgentState:
        raise InvalidTransition(self, "call_end")

    def on_wrapup_end(self, agent: Agent) -> AgentState:
        raise InvalidTransition(self, "wrapup_end")


def _ready(agent: Agent) -> AgentState:
    """The state an agent goes to when free: paused if a pause is pending, else idle."""
    reason = agent.pending_pause
    if reason is not None:
        agent.pending_pause = None
        return Paused(reason)
    return Idle()


def _hold_pause(agent: Agent, reason: str) -> None:
    agent.pending_pause = reason


def _cancel_pending_pause(state: AgentState, agent: Agent) -> None:
    if agent.pending_pause is None:
        raise InvalidTransition(state, "unpause")
    agent.pending_pause = None


@dataclasses.dataclass(frozen=True)
class LoggedOut(AgentState):
    """Not working: never offered anything."""

    name = "logged-out"

    def on_login(self, agent: Agent) -> AgentState:
        return Idle()

    def on_join(self, agent: Agent) -> AgentState:
        raise InvalidTransition(self, "join")


@dataclasses.dataclass(frozen=True)
class Idle(AgentState):
    """Free: may be offered a call or reserved for a callback (unless in back-off)."""

    name = "idle"

    def on_logout(self, agent: Agent) -> AgentState:
        return LoggedOut()

    def on_pause(self, agent: Agent, reason: str) -> AgentState:
        return Paused(reason)

    def on_offer(self, agent: Agent, offer_id: int, call_id: str, queue_id: str) -> AgentState:
        return Ringing(offer_id, call_id, queue_id)

    def on_reserve(self, agent: Agent, call_id: str, queue_id: str) -> AgentState:
        return Reserved(call_id, queue_id)


@dataclasses.dataclass(frozen=True)
class Ringing(AgentState):
    """One offer is ringing the agent's phone."""

    offer_id: int
    call_id: str
    queue_id: str
    name = "ringing"

    def on_answer(self, agent: Agent) -> AgentState:
        return OnCall(self.call_id, self.queue_id)

    def on_offer_end(self, agent: Agent) -> AgentState:
        return Idle()


@dataclasses.dataclass(frozen=True)
class Reserved(AgentState):
    """Held for a callback while the customer is dialed; a pause waits for the call to end."""

    call_id: str
    queue_id: str
    name = "reserved"

    def on_logout(self, agent: Agent) -> AgentState:
        return LoggedOut()

    def on_pause(self, agent: Agent, reason: str) -> AgentState:
        _hold_pause(agent, reason)
        return self

    def on_unpause(self, agent: Agent) -> AgentState:
        _cancel_pending_pause(self, agent)
        return self

    def on_connect(self, agent: Agent) -> AgentState:
        return OnCall(self.call_id, self.queue_id)

    def on_release(self, agent: Agent) -> AgentState:
        return _ready(agent)


@dataclasses.dataclass(frozen=True)
class OnCall(AgentState):
    """Talking to a caller of `queue_id`; pause and logout wait for the call to end."""

    call_id: str
    queue_id: str
    name = "on-call"

    def on_logout(self, agent: Agent) -> AgentState:
        agent.pending_logout = True
        return self

    def on_pause(self, agent: Agent, reason: str) -> AgentState:
        _hold_pause(agent, reason)
        return self

    def on_unpause(self, agent: Agent) -> AgentState:
        _cancel_pending_pause(self, agent)
        return self

    def on_call_end(self, agent: Agent, wrap_until: float | None) -> AgentState:
        if agent.pending_logout:
            agent.pending_logout = False
            agent.pending_pause = None
            return LoggedOut()
        if wrap_until is not None:
            return WrapUp(self.call_id, self.queue_id, wrap_until)
        return _ready(agent)


@dataclasses.dataclass(frozen=True)
class WrapUp(AgentState):
    """After-call work until `until`; never offered a call; may hold a callback reservation."""

    call_id: str
    queue_id: str
    until: float
    reserved_call: str | None = None
    reserved_queue: str | None = None
    name = "wrap-up"

    def on_logout(self, agent: Agent) -> AgentState:
        return LoggedOut()

    def on_pause(self, agent: Agent, reason: str) -> AgentState:
        _hold_pause(agent, reason)
        return self

    def on_unpause(self, agent: Agent) -> AgentState:
        _cancel_pending_pause(self, agent)
        return self

    def on_reserve(self, agent: Agent, call_id: str, queue_id: str) -> AgentState:
        if self.reserved_call is not None:
            raise InvalidTransition(self, "reserve")
        return dataclasses.replace(self, reserved_call=call_id, reserved_queue=queue_id)

    def on_release(self, agent: Agent) -> AgentState:
        if self.reserved_call is None:
            raise InvalidTransition(self, "release")
        return dataclasses.replace(self, reserved_call=None, reserved_queue=None)

    def on_wrapup_end(self, agent: Agent) -> AgentState:
        if self.reserved_call is not None and self.reserved_queue is not None:
            return Reserved(self.reserved_call, self.reserved_queue)
        return _ready(agent)


@dataclasses.dataclass(frozen=True)
class Paused(AgentState):
    """Not taking calls, for `reason`; pausing again changes the reason."""

    reason: str
    name = "paused"

    def on_logout(self, agent: Agent) -> AgentState:
        return LoggedOut()

    def on_pause(self, agent: Agent, reason: str) -> AgentState:
        return Paused(reason)

    def on_unpause(self, agent: Agent) -> AgentState:
        return Idle()


# --- callers --------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class CallerState(State):
    """A caller state; every event raises InvalidTransition unless the state handles it."""

    on_line = True  # the caller is connected to the box (counts for max_callers, hears prompts)

    def on_offer(self, caller: Caller) -> CallerState:
        raise InvalidTransition(self, "offer")

    def on_offer_end(self, caller: Caller, remaining: int) -> CallerState:
        raise InvalidTransition(self, "offer_end")

    def on_answer(self, caller: Caller) -> CallerState:
        raise InvalidTransition(self, "answer")

    def on_hangup(self, caller: Caller) -> CallerState:
        raise InvalidTransition(self, "hangup")

    def on_leave(self, caller: Caller, outcome: str) -> CallerState:
        raise InvalidTransition(self, "leave")

    def on_callback_request(self, caller: Caller) -> CallerState:
        raise InvalidTransition(self, "callback_request")

    def on_reserve(self, caller: Caller) -> CallerState:
        raise InvalidTransition(self, "reserve")

    def on_callback_answer(self, caller: Caller, agent_ready: bool | None) -> CallerState:
        raise InvalidTransition(self, "callback_answer")

    def on_callback_fail(self, caller: Caller, give_up: bool) -> CallerState:
        raise InvalidTransition(self, "callback_fail")

    def on_agent_ready(self, caller: Caller) -> CallerState:
        raise InvalidTransition(self, "agent_ready")

    def on_agent_lost(self, caller: Caller) -> CallerState:
        raise InvalidTransition(self, "agent_lost")

    def on_call_end(self, caller: Caller) -> CallerState:
        raise InvalidTransition(self, "call_end")


@dataclasses.dataclass(frozen=True)
class Waiting(CallerState):
    """On the line with no offer out; may be offered, time out, leave or ask for a callback."""

    name = "waiting"

    def on_offer(self, caller: Caller) -> CallerState:
        return Offered()

    def on_hangup(self, caller: Caller) -> CallerState:
        return Done("abandoned")

    def on_leave(self, caller: Caller, outcome: str) -> CallerState:
        return Done(outcome)

    def on_callback_request(self, caller: Caller) -> CallerState:
        return CallbackWaiting()


@dataclasses.dataclass(frozen=True)
class Offered(CallerState):
    """On the line with one or more offers ringing agents."""

    name = "offered"

    def on_offer(self, caller: Caller) -> CallerState:
        return self

    def on_offer_end(self, caller: Caller, remaining: int) -> CallerState:
        return self if remaining else Waiting()

    def on_answer(self, caller: Caller) -> CallerState:
        return Connected()


@dataclasses.dataclass(frozen=True)
class CallbackWaiting(CallerState):
    """Hung up with the place kept; the original leg's hangup report is expected and ignored."""

    name = "callback-waiting"
    on_line = False

    def on_hangup(self, caller: Caller) -> CallerState:
        return self

    def on_reserve(self, caller: Caller) -> CallerState:
        return CallbackDialing()

    def on_leave(self, caller: Caller, outcome: str) -> CallerState:
        return Done(outcome)


@dataclasses.dataclass(frozen=True)
class CallbackDialing(CallerState):
    """An agent is reserved and the customer is being dialed back."""

    name = "callback-dialing"
    on_line = False

    def on_hangup(self, caller: Caller) -> CallerState:
        return self  # the original leg; the callback leg reports through CallbackOutcome

    def on_callback_answer(self, caller: Caller, agent_ready: bool | None) -> CallerState:
        if agent_ready is None:
            return Waiting()  # the reserved agent is gone: the customer waits in its old place
        return Connected() if agent_ready else CallbackHolding()

    def on_callback_fail(self, caller: Caller, give_up: bool) -> CallerState:
        return Done("abandoned") if give_up else CallbackWaiting()

    def on_agent_lost(self, caller: Caller) -> CallerState:
        return self

    def on_leave(self, caller: Caller, outcome: str) -> CallerState:
        return Done(outcome)


@dataclasses.dataclass(frozen=True)
class CallbackHolding(CallerState):
    """The customer answered the callback and waits for the reserved agent to leave wrap-up."""

    name = "callback-holding"

    def on_agent_ready(self, caller: Caller) -> CallerState:
        return Connected()

    def on_agent_lost(self, caller: Caller) -> CallerState:
        return Waiting()

    def on_hangup(self, caller: Caller) -> CallerState:
        return Done("abandoned")

    def on_leave(self, caller: Caller, outcome: str) -> CallerState:
        return Done(outcome)


@dataclasses.dataclass(frozen=True)
class Connected(CallerState):
    """Talking to an agent; CallEnded ends it, a hangup report crossing it is ignored."""

    name = "connected"

    def on_hangup(self, caller: Caller) -> CallerState:
        return self

    def on_call_end(self, caller: Caller) -> CallerState:
        return Done("completed")


@dataclasses.dataclass(frozen=True)
class Done(CallerState):
    """Out of the engine: answered and finished, abandoned, or overflowed."""

    outcome: str = ""
    name = "done"
    on_line = False

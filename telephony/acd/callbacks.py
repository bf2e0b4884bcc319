"""Callback: the caller keeps its place, hangs up, and is called back when its turn comes.

Offered only by queues with callback_attempts > 0. On CallbackRequested (caller waiting or
ringing: its offers are withdrawn) the caller becomes callback-waiting: it keeps its place and its
priority, and stops counting for max_callers, max_wait, announcements and leave_when_empty.

When matching reaches it in queue order (it competes for agents exactly like a caller on the line),
the engine reserves an agent and emits StartCallback naming the agent, so the core can show the
agent who is being called. The agent is chosen by the queue's strategy among idle members; if none
is idle and callback_lead > 0, a member whose wrap-up ends within callback_lead seconds is
reserved instead (earliest end first): the customer is dialed while the agent finishes.

CallbackOutcome answered: if the agent is reserved and free, Connect at once; if it is still in
wrap-up, the customer holds until the wrap-up ends (or is ended early), then Connect. If the agent
was lost meanwhile (logged out), the customer becomes an ordinary caller on the line, in its old place.
Any other outcome releases the agent (no back-off, no penalty); after callback_attempts dials the
caller has abandoned (reason callback-failed), otherwise it waits callback_retry_delay in its place
and goes round again.
"""

from __future__ import annotations

import logging

from telephony.acd.actions import CancelReason, Connect, StartCallback
from telephony.acd.callers import CallerOps
from telephony.acd.errors import CallbackNotOffered, InvalidTransition, UnknownCall
from telephony.acd.events import CallbackOutcome, CallbackRequested, CallbackResult
from telephony.acd.model import Agent, Caller, QueueRuntime
from telephony.acd.records import CallbackEnded, CallbackStarted, CallerAbandoned
from telephony.acd.records import CallbackRequested as CallbackRequestedRecord
from telephony.acd.states import CallbackDialing, CallbackHolding, Done, Offered, Reserved, Waiting, WrapUp

log = logging.getLogger(__name__)


class CallbackOps(CallerOps):
    """Callback requests, reservations and dials."""

    def _on_callback_requested(self, ev: CallbackRequested) -> None:
        caller = self._callers.get(ev.call_id)
        if caller is None:
            raise UnknownCall(ev.call_id)
        queue = self._queue(caller.queue_id)
        if queue.config.callback_attempts <= 0:
            raise CallbackNotOffered(f"queue {queue.queue_id} does not offer callbacks")
        if not isinstance(caller.state, Waiting | Offered):
            raise InvalidTransition(caller.state, "callback_request")
        self._withdraw_offers(caller, CancelReason.CALLER_LEFT)
        self._caller_to(caller, "callback_request")
        caller.callback_number = ev.number or caller.number
        caller.callback_attempts = 0
        caller.retry_until = 0.0
        self._cancel_caller_timers(caller)
        self._end_hold(caller)
        self._record(
            CallbackRequestedRecord(self._now, caller.call_id, queue.queue_id, caller.callback_number)
        )

    def _start_callback(self, caller: Caller, queue: QueueRuntime, agent: Agent) -> None:
        self._agent_to(agent, "reserve", caller.call_id, queue.queue_id)
        self._caller_to(caller, "reserve")
        caller.reserved_agent = agent.agent_id
        caller.callback_attempts += 1
        self._emit(
            StartCallback(
                caller.call_id,
                queue.queue_id,
                caller.callback_number,
                agent.agent_id,
                agent.config.number,
                caller.callback_attempts,
            )
        )
        self._record(
            CallbackStarted(
                self._now, caller.call_id, queue.queue_id, agent.agent_id, caller.callback_attempts
            )
        )

    def _on_callback_outcome(self, ev: CallbackOutcome) -> None:
        caller = self._callers.get(ev.call_id)
        if caller is None or not isinstance(caller.state, CallbackDialing):
            log.info(
                "call %s: callback %s reported for no callback in progress; ignored", ev.call_id, ev.result
            )
            return
        queue = self._queues[caller.queue_id]
        self._record(CallbackEnded(self._now, caller.call_id, queue.queue_id, str(ev.result)))
        agent = self._agents.get(caller.reserved_agent) if caller.reserved_agent else None
        if ev.result is CallbackResult.ANSWERED:
            ready = None if agent is None else isinstance(agent.state, Reserved)
            new = self._caller_to(caller, "callback_answer", ready)
            if isinstance(new, Waiting):
                self._start_waiting_timers(caller, queue)  # on the line again: max_wait runs from now
            elif agent is not None and not isinstance(new, CallbackHolding):
                self._connect_reserved(caller, queue, agent)
            return
        if agent is not None:
            self._release_reservation(caller)
        give_up = caller.callback_attempts >= queue.config.callback_attempts
        if isinstance(self._caller_to(caller, "callback_fail", give_up), Done):
            self._drop_caller(caller)
            self._record(
                CallerAbandoned(
                    self._now,
                    caller.call_id,
                    queue.queue_id,
                    self._now - caller.arrived_at,
                    "callback-failed",
                )
            )
            return
        if queue.config.callback_retry_delay > 0:
            caller.retry_until = self._now + queue.config.callback_retry_delay
            self._timers.set(("cbretry", caller.call_id), caller.retry_until)

    def _connect_reserved(self, caller: Caller, queue: QueueRuntime, agent: Agent) -> None:
        caller.reserved_agent = None
        self._agent_to(agent, "connect")
        self._emit(Connect(caller.call_id, queue.queue_id, agent.agent_id, agent.config.number, None))
        self._connected(caller, queue, agent)

    def _reservation_ready(self, agent: Agent) -> None:
        """The agent left wrap-up into its reservation: connect the customer if it is holding."""
        state = agent.state
        if not isinstance(state, Reserved):
            return
        caller = self._callers.get(state.call_id)
        queue = self._queues.get(state.queue_id)
        if caller is None or queue is None:
            return
        if isinstance(caller.state, CallbackHolding):
            self._caller_to(caller, "agent_ready")
            self._connect_reserved(caller, queue, agent)

    def _release_reservation(self, caller: Caller) -> None:
        """Free the agent reserved for this caller (callback failed or the caller left)."""
        agent = self._agents.get(caller.reserved_agent or "")
        caller.reserved_agent = None
        if agent is None:
            return
        state = agent.state
        if isinstance(state, Reserved) and state.call_id == caller.call_id:
            self._agent_to(agent, "release")
        elif isinstance(state, WrapUp) and state.reserved_call == caller.call_id:
            self._agent_to(agent, "release")

    def _break_reservation(self, agent: Agent) -> None:
        """The reserved agent is leaving (logout): the caller keeps going without it."""
        state = agent.state
        call_id = None
        if isinstance(state, Reserved):
            call_id = state.call_id
        elif isinstance(state, WrapUp):
            call_id = state.reserved_call
        caller = self._callers.get(call_id) if call_id else None
        if caller is None or caller.reserved_agent != agent.agent_id:
            return
        caller.reserved_agent = None
        if isinstance(self._caller_to(caller, "agent_lost"), Waiting):
            self._start_waiting_timers(caller, self._queues[caller.queue_id])

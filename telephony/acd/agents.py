"""Agents: configuration, login, logout, queue membership, pause, calls ending and wrap-up.

- Login puts the agent in idle; its idle time (longest-idle) starts at login.
- Logout: a ringing offer is withdrawn, a callback reservation is given up and callers waiting
  for this agent by affinity stop waiting, all at once; on a call,
  the logout waits for the call to end (then no wrap-up). Logging out ends every dynamic
  membership; static memberships stay (the agent is simply logged out in those queues).
- Join makes a logged-in agent a dynamic member (joining again changes penalty/skill/weight);
  a static member cannot join or leave its queue. Leave withdraws an offer of that queue and
  ends the affinity holds of that queue's callers waiting for the agent.
- Pause (with a reason code, checked against the engine's pause codes if it has a list): an offer
  ringing is withdrawn and the agent pauses now; on a call, reserved or in wrap-up, the pause waits
  until the agent would be free. Unpause ends a pause or cancels a pending one.
- Call end: wrap-up for the wrap_up seconds of the call's queue (none if 0), then idle. WrapUpEnded
  ends it early. When wrap-up ends, the queue's handle time (talk time + wrap-up actually spent)
  is recorded and the agent's idle time starts.
"""

from __future__ import annotations

import logging

from telephony.acd.callbacks import CallbackOps
from telephony.acd.config import MemberSpec
from telephony.acd.errors import AgentBusy, MembershipError, UnknownPauseCode
from telephony.acd.events import (
    AgentConfigured,
    AgentJoinQueue,
    AgentLeaveQueue,
    AgentLogin,
    AgentLogout,
    AgentPause,
    AgentRemoved,
    AgentUnpause,
    CallEnded,
    WrapUpEnded,
)
from telephony.acd.model import Agent, Membership
from telephony.acd.records import CallCompleted
from telephony.acd.states import Connected, LoggedOut, OnCall, Reserved, WrapUp

log = logging.getLogger(__name__)


class AgentOps(CallbackOps):
    """Agent commands and the agent side of a call's end."""

    def _on_agent_configured(self, ev: AgentConfigured) -> None:
        agent = self._agents.get(ev.config.agent_id)
        if agent is None:
            self._agents[ev.config.agent_id] = Agent(ev.config, since=self._now)
        else:
            agent.config = ev.config

    def _on_agent_removed(self, ev: AgentRemoved) -> None:
        agent = self._agent(ev.agent_id)
        if not isinstance(agent.state, LoggedOut):
            raise AgentBusy(f"agent {ev.agent_id} is logged in; log it out first")
        del self._agents[ev.agent_id]

    def _on_login(self, ev: AgentLogin) -> None:
        agent = self._agent(ev.agent_id)
        self._agent_to(agent, "login")
        agent.contact = ev.contact
        agent.idle_since = self._now
        agent.backoff_until = 0.0
        agent.unanswered = 0
        agent.pending_pause = None
        agent.pending_logout = False

    def _on_logout(self, ev: AgentLogout) -> None:
        agent = self._agent(ev.agent_id)
        if isinstance(agent.state, LoggedOut):
            self._agent_to(agent, "logout")  # raises InvalidTransition
        self._withdraw_agent_offer(agent)
        self._break_reservation(agent)
        self._drop_preference(agent.agent_id)
        self._timers.cancel(("wrapup", agent.agent_id))
        if isinstance(self._agent_to(agent, "logout"), LoggedOut):
            self._logged_out(agent)

    def _drop_preference(self, agent_id: str, queue_id: str | None = None) -> None:
        """End the affinity holds of callers waiting for an agent who logs out or leaves their queue."""
        for call_id in list(self._holds):
            caller = self._callers[call_id]
            if caller.preferred_agent == agent_id and queue_id in (None, caller.queue_id):
                self._end_hold(caller)

    def _logged_out(self, agent: Agent) -> None:
        agent.pending_pause = None
        for queue in self._queues_of(agent.agent_id):
            member = queue.members.get(agent.agent_id)
            if member is not None and member.dynamic:
                del queue.members[agent.agent_id]
                self._drop_member_index(agent.agent_id, queue.queue_id)

    def _on_join(self, ev: AgentJoinQueue) -> None:
        agent = self._agent(ev.agent_id)
        queue = self._queue(ev.queue_id)
        spec = MemberSpec(ev.agent_id, ev.penalty, ev.skill, ev.weight)
        current = queue.members.get(ev.agent_id)
        if current is not None and not current.dynamic:
            raise MembershipError(f"agent {ev.agent_id} is a static member of queue {ev.queue_id}")
        self._agent_to(agent, "join")  # a logged-out agent cannot join
        if current is None:
            queue.members[ev.agent_id] = Membership.from_spec(spec, dynamic=True)
            self._add_member_index(ev.agent_id, ev.queue_id)
        else:
            current.penalty, current.skill, current.weight = spec.penalty, spec.skill, spec.weight

    def _on_leave(self, ev: AgentLeaveQueue) -> None:
        agent = self._agent(ev.agent_id)
        queue = self._queue(ev.queue_id)
        current = queue.members.get(ev.agent_id)
        if current is None:
            raise MembershipError(f"agent {ev.agent_id} is not a member of queue {ev.queue_id}")
        if not current.dynamic:
            raise MembershipError(f"agent {ev.agent_id} is a static member of queue {ev.queue_id}")
        self._withdraw_agent_offer(agent, ev.queue_id)
        self._drop_preference(ev.agent_id, ev.queue_id)
        del queue.members[ev.agent_id]
        self._drop_member_index(ev.agent_id, ev.queue_id)

    def _on_pause(self, ev: AgentPause) -> None:
        agent = self._agent(ev.agent_id)
        if not ev.reason or (self._pause_codes is not None and ev.reason not in self._pause_codes):
            raise UnknownPauseCode(f"pause code {ev.reason!r} does not exist")
        if isinstance(agent.state, LoggedOut):
            self._agent_to(agent, "pause", ev.reason)  # raises InvalidTransition
        self._withdraw_agent_offer(agent)
        self._agent_to(agent, "pause", ev.reason)

    def _on_unpause(self, ev: AgentUnpause) -> None:
        self._agent_to(self._agent(ev.agent_id), "unpause")

    def _on_call_ended(self, ev: CallEnded) -> None:
        caller = self._callers.get(ev.call_id)
        if caller is None or not isinstance(caller.state, Connected) or caller.agent_id is None:
            log.info("call %s: end reported for no connected queue call; ignored", ev.call_id)
            return
        agent = self._agents[caller.agent_id]
        state = agent.state
        queue = self._queues.get(caller.queue_id)
        wrap = queue.config.wrap_up if queue is not None else 0.0
        talk = max(0.0, ev.talk_time)
        self._caller_to(caller, "call_end")
        self._callers.pop(caller.call_id, None)
        self._record(CallCompleted(self._now, caller.call_id, caller.queue_id, agent.agent_id, talk))
        agent.load.note_talk(self._now, talk, self._keep_load)
        if not isinstance(state, OnCall) or state.call_id != caller.call_id:
            return
        agent.last_talk = talk
        new = self._agent_to(agent, "call_end", self._now + wrap if wrap > 0 else None)
        if isinstance(new, WrapUp):
            self._timers.set(("wrapup", agent.agent_id), new.until)
            self._set_lead_timer(agent, new)
            return
        self._handle_time(agent, caller.queue_id, 0.0)
        if isinstance(new, LoggedOut):
            self._logged_out(agent)

    def _set_lead_timer(self, agent: Agent, wrap: WrapUp) -> None:
        lead = max((q.config.callback_lead for q in self._queues_of(agent.agent_id)), default=0.0)
        if lead > 0 and wrap.until - lead > self._now:
            self._timers.set(("lead", agent.agent_id), wrap.until - lead)

    def _on_wrapup_ended(self, ev: WrapUpEnded) -> None:
        agent = self._agent(ev.agent_id)
        if not isinstance(agent.state, WrapUp):
            self._agent_to(agent, "wrapup_end")  # raises InvalidTransition
        self._end_wrapup(agent)

    def _on_wrapup_timer(self, agent_id: str) -> None:
        agent = self._agents.get(agent_id)
        if agent is not None and isinstance(agent.state, WrapUp):
            self._end_wrapup(agent)

    def _end_wrapup(self, agent: Agent) -> None:
        state = agent.state
        assert isinstance(state, WrapUp)
        self._timers.cancel(("wrapup", agent.agent_id))
        self._timers.cancel(("lead", agent.agent_id))
        self._handle_time(agent, state.queue_id, self._now - agent.since)
        new = self._agent_to(agent, "wrapup_end")
        if isinstance(new, Reserved):
            self._reservation_ready(agent)

    def _handle_time(self, agent: Agent, queue_id: str, wrapped: float) -> None:
        agent.idle_since = self._now
        queue = self._queues.get(queue_id)
        if queue is not None:
            queue.handle_times.add(agent.last_talk + max(0.0, wrapped))

"""Offers: ringing an agent with a caller, and every way an offer ends.

An offer ends exactly once:
- answered: the agent takes the caller (Connect); the caller's other offers are withdrawn
  (CancelOffer answered-elsewhere) and their agents are idle again at once, without back-off.
- rejected / busy / no-answer, reported by the core, or no-answer when ring_timeout runs out in the
  engine (which then sends CancelOffer no-answer): a failure. The agent rests for the queue's
  backoff_rejected / backoff_busy / backoff_no_answer before any queue offers it anything, and the
  caller will not ring it again in this round. A no-answer adds to the agent's count of offers not
  answered in a row (an answer resets it); when the count reaches the queue's auto_pause_after the
  agent is paused with reason "auto:no-answer" (AgentAutoPaused). Rejected and busy do not count:
  the agent is there and chose, or its phone is in use.
- withdrawn by the engine (the caller left, the agent paused, logged out or left the queue): no
  back-off, no count, the caller's round is not failed.

A caller's round runs from its first offer until no offer of it is ringing. If any offer of the
round failed, the caller then rests retry_delay before it is offered again.
"""

from __future__ import annotations

import logging

from telephony.acd.actions import AgentAutoPaused, CancelOffer, CancelReason, Connect, Offer
from telephony.acd.core import EngineCore
from telephony.acd.events import OfferOutcome, OfferResult
from telephony.acd.model import Agent, Caller, OfferInfo, QueueRuntime
from telephony.acd.records import CallerAnswered, CallerOffered, OfferEnded
from telephony.acd.states import Idle, Ringing

log = logging.getLogger(__name__)

AUTO_PAUSE_REASON = "auto:no-answer"


class OfferOps(EngineCore):
    """Make, answer, fail and withdraw offers."""

    def _make_offer(self, caller: Caller, queue: QueueRuntime, agent: Agent, hunt: list[str]) -> None:
        offer_id = next(self._offer_ids)
        self._agent_to(agent, "offer", offer_id, caller.call_id, queue.queue_id)
        self._caller_to(caller, "offer")
        caller.offers[offer_id] = agent.agent_id
        if caller.round_started is None:
            caller.round_started = self._now
        self._offers[offer_id] = OfferInfo(
            offer_id, caller.call_id, agent.agent_id, queue.queue_id, self._now
        )
        queue.strategy.on_offered(agent.agent_id, hunt)
        self._timers.set(("ring", offer_id), self._now + queue.config.ring_timeout)
        self._emit(
            Offer(
                offer_id,
                caller.call_id,
                queue.queue_id,
                agent.agent_id,
                agent.contact,
                caller.number,
                queue.config.ring_timeout,
            )
        )
        self._record(CallerOffered(self._now, caller.call_id, queue.queue_id, agent.agent_id, offer_id))

    def _on_offer_outcome(self, ev: OfferOutcome) -> None:
        info = self._offers.get(ev.offer_id)
        if info is None:
            log.info("offer %d: %s reported after the offer ended; ignored", ev.offer_id, ev.result)
            return
        if ev.result is OfferResult.ANSWERED:
            self._answer(info)
        else:
            self._end_offer(info.offer_id, str(ev.result), None)

    def _on_ring_timeout(self, offer_id: int) -> None:
        if offer_id in self._offers:
            self._end_offer(offer_id, "no-answer", CancelReason.NO_ANSWER)

    def _withdraw_offers(self, caller: Caller, reason: CancelReason) -> None:
        for offer_id in list(caller.offers):
            self._end_offer(offer_id, "cancelled", reason)

    def _withdraw_agent_offer(self, agent: Agent, queue_id: str | None = None) -> None:
        """Withdraw the offer ringing this agent (only one for `queue_id`, if given)."""
        state = agent.state
        if isinstance(state, Ringing) and (queue_id is None or state.queue_id == queue_id):
            self._end_offer(state.offer_id, "cancelled", CancelReason.AGENT_UNAVAILABLE)

    def _end_offer(self, offer_id: int, outcome: str, cancel: CancelReason | None) -> None:
        """End an offer that did not connect; `cancel` set means the engine tells the core to stop it."""
        info = self._offers.pop(offer_id)
        self._timers.cancel(("ring", offer_id))
        caller = self._callers[info.call_id]
        agent = self._agents[info.agent_id]
        queue = self._queues.get(info.queue_id)
        if cancel is not None:
            self._emit(CancelOffer(offer_id, info.call_id, info.agent_id, cancel))
        self._record(OfferEnded(self._now, info.call_id, info.queue_id, info.agent_id, offer_id, outcome))
        self._agent_to(agent, "offer_end")
        del caller.offers[offer_id]
        if outcome != "cancelled":
            caller.tried.add(agent.agent_id)
            caller.round_failed = True
            if caller.preferred_agent == agent.agent_id:
                self._end_hold(caller)
            if queue is not None:
                self._agent_failed(agent, queue, outcome)
        self._caller_to(caller, "offer_end", len(caller.offers))
        if not caller.offers:
            self._end_round(caller, queue)

    def _agent_failed(self, agent: Agent, queue: QueueRuntime, outcome: str) -> None:
        cfg = queue.config
        agent.backoff_until = self._now + cfg.backoff(outcome)
        if agent.backoff_until > self._now:
            self._timers.set(("backoff", agent.agent_id), agent.backoff_until)
        if outcome != "no-answer":
            return
        agent.unanswered += 1
        if (
            cfg.auto_pause_after
            and agent.unanswered >= cfg.auto_pause_after
            and isinstance(agent.state, Idle)
        ):
            agent.unanswered = 0
            self._agent_to(agent, "pause", AUTO_PAUSE_REASON)
            self._emit(AgentAutoPaused(agent.agent_id, AUTO_PAUSE_REASON, queue.queue_id))

    def _end_round(self, caller: Caller, queue: QueueRuntime | None) -> None:
        if caller.round_failed and queue is not None and queue.config.retry_delay > 0:
            caller.retry_until = self._now + queue.config.retry_delay
            self._timers.set(("retry", caller.call_id), caller.retry_until)
        caller.round_started = None
        caller.round_failed = False
        caller.tried.clear()
        if queue is not None:
            self._schedule_wake(caller, queue)

    def _answer(self, info: OfferInfo) -> None:
        caller = self._callers[info.call_id]
        agent = self._agents[info.agent_id]
        queue = self._queues[info.queue_id]
        del self._offers[info.offer_id]
        self._timers.cancel(("ring", info.offer_id))
        self._agent_to(agent, "answer")
        self._emit(
            Connect(caller.call_id, queue.queue_id, agent.agent_id, agent.config.number, info.offer_id)
        )
        self._record(
            OfferEnded(self._now, info.call_id, info.queue_id, info.agent_id, info.offer_id, "answered")
        )
        for other in [o for o in caller.offers if o != info.offer_id]:
            self._end_offer(other, "cancelled", CancelReason.ANSWERED_ELSEWHERE)
        del caller.offers[info.offer_id]
        self._caller_to(caller, "answer")
        self._connected(caller, queue, agent)

    def _connected(self, caller: Caller, queue: QueueRuntime, agent: Agent) -> None:
        """Bookkeeping once a caller is talking to an agent (after an offer or a callback)."""
        caller.agent_id = agent.agent_id
        agent.unanswered = 0
        agent.load.note_answer(self._now, self._keep_load)
        queue.remove_caller(caller)
        self._end_hold(caller)
        self._cancel_caller_timers(caller)
        self._affinity.remember(caller.number, agent.agent_id, self._now, self._keep_affinity_days)
        self._record(
            CallerAnswered(
                self._now, caller.call_id, queue.queue_id, agent.agent_id, self._now - caller.arrived_at
            )
        )

    def _cancel_caller_timers(self, caller: Caller) -> None:
        for kind in ("maxwait", "periodic", "position", "wake", "retry", "affinity"):
            self._timers.cancel((kind, caller.call_id))

    def _end_hold(self, caller: Caller) -> None:
        if caller.preferred_agent is not None:
            caller.preferred_agent = None
            self._holds.pop(caller.call_id, None)
            self._timers.cancel(("affinity", caller.call_id))

    def _schedule_wake(self, caller: Caller, queue: QueueRuntime) -> None:
        at = queue.strategy.next_wakeup(caller, self._now)
        if at is None:
            self._timers.cancel(("wake", caller.call_id))
        else:
            self._timers.set(("wake", caller.call_id), at)

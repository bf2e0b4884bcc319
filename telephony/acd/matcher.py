"""Matching: which caller gets which free agent, run after every event and every timer.

A pass looks at the free agents (logged in, idle, out of back-off) and the callers holding a place,
and makes every offer it can, in this order:

1. Callers in an affinity hold (telephony.acd.affinity) get their preferred agent if it is free.
2. Every other caller, in one global order: queue weight (higher first), then caller priority
   (higher first), then place (earlier first; a restored place counts from its original time),
   then arrival sequence. For each caller, in that order:
   - a caller on the line that is resting after a failed round (retry_delay) or still in an
     affinity hold is skipped;
   - it may have `strategy.max_parallel` offers ringing at once (1 for most strategies), and gets
     more only if it has room;
   - its candidates are the free members of its queue not yet offered in this pass, not failed
     in its current round and eligible (skills-based: skill level); except under skills-based,
     only those of the lowest penalty among them and the members already ringing for the caller
     are kept (a higher penalty is tried only when no lower one is free or ringing);
   - the strategy ranks them and the caller is offered to the first ones that fit its room.
   - a callback caller (telephony.acd.callbacks) reserves the strategy's first candidate instead,
     or a member about to leave wrap-up when callback_lead allows it.

An agent is taken by the first caller that gets it, so it is never offered two calls at once, and
within a queue a caller is only passed over by one behind it when it cannot use that agent
(resting, held for its preferred agent, already ringing as many agents as it may, or the agent is
not eligible for it). An agent in several queues therefore serves the queue of higher weight
first, then the higher-priority caller, then the one waiting longest.
"""

from __future__ import annotations

import heapq
import logging

from telephony.acd.agents import AgentOps
from telephony.acd.config import EPSILON
from telephony.acd.model import Agent, Caller, Membership, QueueRuntime
from telephony.acd.states import CallbackWaiting, Offered, Waiting, WrapUp

log = logging.getLogger(__name__)


class Matcher(AgentOps):
    """The matching pass."""

    _lead_taken = 0

    def _match(self) -> None:
        now = self._now
        free = {a: None for a in self._idle if self._agents[a].backoff_until <= now}
        # only queues where a free member could go, or a callback could take a member in wrap-up
        reachable = {q for a in free for q in self._member_of.get(a, ())}
        active = [
            q
            for q in self._queues.values()
            if q.callers and (q.queue_id in reachable or q.config.callback_lead > 0)
        ]
        lead = any(q.config.callback_lead > 0 for q in active)
        if not active:
            return
        taken: set[str] = set()  # agents offered or reserved in this pass
        self._lead_taken = 0  # of which reserved out of wrap-up (not in `free`)
        if self._holds and free:
            self._match_holds(free, taken)
        by_weight: dict[int, list[QueueRuntime]] = {}
        for q in active:
            by_weight.setdefault(q.config.weight, []).append(q)
        cache: dict[str, tuple[list[str], list[Membership]]] = {}
        for weight in sorted(by_weight, reverse=True):
            group = by_weight[weight]
            for _, caller in heapq.merge(*(q.callers for q in group), key=lambda e: e[0]):
                exhausted = len(taken) - self._lead_taken >= len(free)
                if exhausted and not lead:
                    return
                if exhausted and not isinstance(caller.state, CallbackWaiting):
                    continue
                self._match_one(caller, free, taken, cache)

    def _match_holds(self, free: dict[str, None], taken: set[str]) -> None:
        now = self._now
        holds = [self._callers[c] for c in self._holds if c in self._callers]
        holds.sort(key=lambda c: (-self._queues[c.queue_id].config.weight, *c.key))
        for caller in holds:
            agent_id = caller.preferred_agent
            queue = self._queues[caller.queue_id]
            if (
                agent_id is None
                or not caller.in_affinity_hold(now)
                or not isinstance(caller.state, Waiting)
                or caller.retry_until > now
                or agent_id not in free
                or agent_id in taken
                or agent_id not in queue.members
            ):
                continue
            self._make_offer(caller, queue, self._agents[agent_id], list(queue.members))
            taken.add(agent_id)

    def _match_one(
        self,
        caller: Caller,
        free: dict[str, None],
        taken: set[str],
        cache: dict[str, tuple[list[str], list[Membership]]],
    ) -> None:
        now = self._now
        state = caller.state
        queue = self._queues[caller.queue_id]
        strategy = queue.strategy
        if caller.retry_until > now:
            return
        if isinstance(state, Waiting | Offered):
            if caller.in_affinity_hold(now):
                return
            room = strategy.max_parallel(caller, now) - len(caller.offers)
            if room <= 0:
                return
            hunt, pool = self._pool(queue, caller, free, taken, cache)
            if not pool:
                return
            for member in strategy.rank(self, hunt, pool, caller, now)[:room]:
                self._make_offer(caller, queue, self._agents[member.agent_id], hunt)
                taken.add(member.agent_id)
            self._schedule_wake(caller, queue)
        elif isinstance(state, CallbackWaiting):
            hunt, pool = self._pool(queue, caller, free, taken, cache)
            agent = self._agents[strategy.rank(self, hunt, pool, caller, now)[0].agent_id] if pool else None
            if agent is None:
                agent = self._lead_agent(queue, taken)
                self._lead_taken += agent is not None
            if agent is not None:
                self._start_callback(caller, queue, agent)
                taken.add(agent.agent_id)

    def _pool(
        self,
        queue: QueueRuntime,
        caller: Caller,
        free: dict[str, None],
        taken: set[str],
        cache: dict[str, tuple[list[str], list[Membership]]],
    ) -> tuple[list[str], list[Membership]]:
        """Return the queue's hunt order and the caller's candidates, in hunt order."""
        entry = cache.get(queue.queue_id)
        if entry is None:
            entry = (list(queue.members), [m for m in queue.members.values() if m.agent_id in free])
            cache[queue.queue_id] = entry
        hunt, free_members = entry
        strategy, now = queue.strategy, self._now
        pool = [
            m
            for m in free_members
            if m.agent_id not in taken
            and m.agent_id not in caller.tried
            and strategy.eligible(m, caller, now)
        ]
        if pool and strategy.uses_penalty:
            # members already ringing for this caller hold their tier: a higher one is only added
            # when no lower-penalty member is free or ringing for it
            ringing = [queue.members[a].penalty for a in caller.offers.values() if a in queue.members]
            low = min([m.penalty for m in pool] + ringing)
            pool = [m for m in pool if m.penalty == low]
        return hunt, pool

    def _lead_agent(self, queue: QueueRuntime, taken: set[str]) -> Agent | None:
        """Return the member whose wrap-up ends first within callback_lead, if any."""
        lead = queue.config.callback_lead
        if lead <= 0:
            return None
        best: tuple[float, Agent] | None = None
        for agent_id in queue.members:
            agent = self._agents.get(agent_id)
            if agent is None or agent_id in taken or agent.pending_logout or agent.pending_pause is not None:
                continue
            state = agent.state
            if (
                isinstance(state, WrapUp)
                and state.reserved_call is None
                and state.until - self._now <= lead + EPSILON
            ):
                if best is None or state.until < best[0]:
                    best = (state.until, agent)
        return best[1] if best else None

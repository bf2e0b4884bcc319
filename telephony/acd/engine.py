"""The ACD engine: feed it events, run its timers, execute the actions it returns.

The pbx-core drives it from its one loop:

    engine = AcdEngine(rng=random.Random(seed), pause_codes=codes)
    actions = engine.handle(QueueConfigured(cfg, at=now))      # any event, stamped with its time
    ...
    deadline = engine.next_deadline()                          # sleep no longer than this
    actions = engine.tick(loop_time)                           # fire timers that are due
    records = engine.drain_records()                           # store for reports
    view = engine.snapshot(loop_time)                          # wallboard / supervisor

`handle(event)` first fires every timer due at or before `event.at` (in time order), then applies
the event, then re-checks leave_when_empty and runs a matching pass (telephony.acd.matcher); it
returns every action this produced, in order. A command with bad input raises an AcdError after
the due timers ran but before the event changed anything; the timers' actions are then returned
by the next call. `tick(now)` fires due timers, each followed by the same checks. The engine never
reads a clock and takes randomness only from the Random it is given, so a run is reproducible.

The parts: telephony.acd.agents, .callers, .callbacks, .offers, .matcher (one concept each, mixed
into this class over telephony.acd.core.EngineCore); states in .states; strategies in .strategies.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Hashable, Iterable
from typing import Any

from telephony.acd import strategies
from telephony.acd.actions import Action, OverflowReason
from telephony.acd.config import QueueConfig
from telephony.acd.events import (
    AcdEvent,
    AgentConfigured,
    AgentJoinQueue,
    AgentLeaveQueue,
    AgentLogin,
    AgentLogout,
    AgentPause,
    AgentRemoved,
    AgentUnpause,
    CallbackOutcome,
    CallbackRequested,
    CallEnded,
    CallerArrived,
    CallerHangup,
    OfferOutcome,
    QueueConfigured,
    QueueRemoved,
    WrapUpEnded,
)
from telephony.acd.matcher import Matcher
from telephony.acd.model import QueueRuntime
from telephony.acd.records import CallerAbandoned, Record
from telephony.acd.snapshot import Snapshot, build_snapshot
from telephony.acd.states import CallbackDialing, CallbackWaiting

log = logging.getLogger(__name__)


class AcdEngine(Matcher):
    """Automatic call distribution over many queues and agents; pure, deterministic, clock-free."""

    def __init__(self, *, rng: random.Random, pause_codes: Iterable[str] | None = None) -> None:
        super().__init__(rng, pause_codes)
        self._pending: list[Action] = []
        self._handlers: dict[type[AcdEvent], Callable[[Any], None]] = {
            QueueConfigured: self._on_queue_configured,
            QueueRemoved: self._on_queue_removed,
            AgentConfigured: self._on_agent_configured,
            AgentRemoved: self._on_agent_removed,
            AgentLogin: self._on_login,
            AgentLogout: self._on_logout,
            AgentJoinQueue: self._on_join,
            AgentLeaveQueue: self._on_leave,
            AgentPause: self._on_pause,
            AgentUnpause: self._on_unpause,
            WrapUpEnded: self._on_wrapup_ended,
            CallerArrived: self._on_caller_arrived,
            CallerHangup: self._on_hangup,
            OfferOutcome: self._on_offer_outcome,
            CallEnded: self._on_call_ended,
            CallbackRequested: self._on_callback_requested,
            CallbackOutcome: self._on_callback_outcome,
        }
        self._timer_handlers: dict[str, Callable[[Any], None]] = {
            "ring": self._on_ring_timeout,
            "maxwait": self._on_maxwait,
            "periodic": self._on_periodic,
            "position": self._on_position,
            "wrapup": self._on_wrapup_timer,
            "wake": self._on_wake,
            "affinity": self._on_affinity_end,
        }

    # --- public API ---------------------------------------------------------------------------------
    def handle(self, event: AcdEvent) -> list[Action]:
        """Apply one event (after the timers due by its time) and return the actions to execute."""
        handler = self._handlers.get(type(event))
        if handler is None:
            raise TypeError(f"not an ACD event: {event!r}")
        at = max(self._now, event.at)
        self._out = self._pending
        self._pending = []
        self._run_timers(at)
        self._now = at
        try:
            handler(event)
        except Exception:
            self._pending, self._out = self._out, []
            raise
        self._settle()
        out, self._out = self._out, []
        return out

    def tick(self, now: float) -> list[Action]:
        """Fire every timer due at or before `now`; return the actions they produced."""
        self._out = self._pending
        self._pending = []
        self._run_timers(now)
        self._now = max(self._now, now)
        out, self._out = self._out, []
        return out

    def next_deadline(self) -> float | None:
        """Return when the next timer is due (call tick then), or None if none is set."""
        return self._timers.next_deadline()

    def snapshot(self, now: float) -> Snapshot:
        """Return the live view of every queue and agent as of `now`."""
        return build_snapshot(self, max(now, self._now))

    def drain_records(self) -> list[Record]:
        """Return the records logged since the last call, oldest first, and forget them."""
        out, self._records = self._records, []
        return out

    # --- stepping -----------------------------------------------------------------------------------
    def _run_timers(self, now: float) -> None:
        while (due := self._timers.pop_due(now)) is not None:
            key, at = due
            self._now = max(self._now, at)
            self._fire(key)
            self._settle()

    def _fire(self, key: Hashable) -> None:
        kind, arg = key  # type: ignore[misc]
        handler = self._timer_handlers.get(kind)
        if handler is not None:
            handler(arg)
        # retry, backoff, cbretry and lead only need the matching pass that follows

    def _settle(self) -> None:
        self._check_leave_empty()
        self._match()

    def _on_wake(self, call_id: str) -> None:
        caller = self._callers.get(call_id)
        queue = self._queues.get(caller.queue_id) if caller else None
        if caller is not None and queue is not None:
            self._schedule_wake(caller, queue)

    def _on_affinity_end(self, call_id: str) -> None:
        caller = self._callers.get(call_id)
        if caller is not None:
            self._end_hold(caller)

    # --- queues -------------------------------------------------------------------------------------
    def _on_queue_configured(self, ev: QueueConfigured) -> None:
        cfg: QueueConfig = ev.config
        queue = self._queues.get(cfg.queue_id)
        if queue is None:
            queue = QueueRuntime(cfg, strategies.create(cfg))
            self._queues[cfg.queue_id] = queue
        else:
            if cfg.strategy != queue.config.strategy:
                queue.strategy = strategies.create(cfg)
            else:
                queue.strategy.reconfigure(cfg)
            queue.config = cfg
            queue.handle_times.resize(int(cfg.aht_samples))
        before = list(queue.members)
        queue.set_static_members(cfg.members)
        for agent_id in [a for a in before if a not in queue.members]:
            self._drop_member_index(agent_id, cfg.queue_id)
            agent = self._agents.get(agent_id)
            if agent is not None:
                self._withdraw_agent_offer(agent, cfg.queue_id)
        for agent_id in queue.members:
            self._add_member_index(agent_id, cfg.queue_id)
        self._refresh_keeps()

    def _on_queue_removed(self, ev: QueueRemoved) -> None:
        queue = self._queue(ev.queue_id)
        for _, caller in list(queue.callers):
            if isinstance(caller.state, CallbackWaiting | CallbackDialing):
                self._caller_to(caller, "leave", "abandoned")
                self._drop_caller(caller)
                wait = self._now - caller.arrived_at
                self._record(
                    CallerAbandoned(self._now, caller.call_id, queue.queue_id, wait, "queue-removed")
                )
            else:
                self._send_out(caller, queue.config.no_agents_destination, OverflowReason.QUEUE_REMOVED)
        for agent_id in list(queue.members):
            agent = self._agents.get(agent_id)
            if agent is not None:
                self._withdraw_agent_offer(agent, queue.queue_id)
            self._drop_member_index(agent_id, queue.queue_id)
        del self._queues[ev.queue_id]
        self._refresh_keeps()

    def _refresh_keeps(self) -> None:
        configs = [q.config for q in self._queues.values()]
        self._keep_load = max((c.stats_window for c in configs), default=3600.0)
        self._keep_rejoin = max((c.rejoin_window for c in configs), default=0.0)
        self._keep_affinity_days = max((c.affinity_days for c in configs), default=0.0)

    # --- read-only views for tests and the core ---------------------------------------------------
    def agent_state(self, agent_id: str) -> str:
        """Return the name of the agent's state (raises UnknownAgent)."""
        return self._agent(agent_id).state.name

    def caller_state(self, call_id: str) -> str | None:
        """Return the name of the caller's state, or None if the call is not in the engine."""
        caller = self._callers.get(call_id)
        return None if caller is None else caller.state.name

    def queue_order(self, queue_id: str) -> list[str]:
        """Return the call ids holding a place in the queue, next first."""
        return [c.call_id for _, c in self._queue(queue_id).callers]

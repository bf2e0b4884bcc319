"""Callers: entering a queue, waiting, announcements, and every way of leaving except being answered.

Entering (CallerArrived, or an overflow from another queue):
1. VIP: a number in vip_numbers gets at least vip_priority. Higher priority is always ahead; within
   a priority the order is FIFO by place (see telephony.acd.model).
2. A returning caller may get its old place back (telephony.acd.rejoin).
3. full: if max_callers > 0 and that many callers are on the line already (callback callers who
   hung up do not count), the caller overflows to full_destination, reason full.
4. join_empty: if the queue is empty by that rule (telephony.acd.config), the caller overflows to
   no_agents_destination, reason no-agents.
5. Otherwise it takes its place. Timers start: max_wait (overflow to timeout_destination, reason
   timeout, withdrawing any offer still ringing: the caller is promised that bound), the periodic
   announcement every periodic_announce_interval, and the position announcement every
   position_announce_interval (first one an interval after entry), which carries the place
   (1 = next, callers ahead with a higher priority or an earlier place count, callback callers
   too) and the estimated wait (telephony.acd.stats). Announcements never move a caller.

leave_when_empty is checked after every event and timer; when a queue is empty by that rule,
every caller on the line in it overflows to no_agents_destination, reason no-agents.

An overflow to a queue puts the caller into that queue at once (step 1 on, keeping its priority);
after 8 queue-to-queue overflows of one call, or toward a queue that does not exist, the
destination becomes hangup. A caller who hangs up while waiting or ringing has abandoned.
"""

from __future__ import annotations

import logging

from telephony.acd.actions import AnnouncementKind, CancelReason, Overflow, OverflowReason, PlayAnnouncement
from telephony.acd.affinity import DAY
from telephony.acd.config import HANGUP, Destination, EmptyRule, TargetKind
from telephony.acd.errors import DuplicateCall
from telephony.acd.events import CallerArrived, CallerHangup
from telephony.acd.model import Caller, QueueRuntime
from telephony.acd.offers import OfferOps
from telephony.acd.records import CallerAbandoned, CallerEntered, CallerOverflowed
from telephony.acd.rejoin import Place
from telephony.acd.states import Done, Idle, LoggedOut, Offered, Paused, Waiting
from telephony.acd.stats import estimate_wait

log = logging.getLogger(__name__)

MAX_QUEUE_HOPS = 8


class CallerOps(OfferOps):
    """Caller arrival, waiting and departure."""

    def _on_caller_arrived(self, ev: CallerArrived) -> None:
        queue = self._queue(ev.queue_id)
        if not ev.call_id:
            raise DuplicateCall("a call id must not be empty")
        if ev.call_id in self._callers:
            raise DuplicateCall(f"call {ev.call_id!r} is already in the engine")
        hint = None
        if ev.last_agent:
            hint = (ev.last_agent, self._now if ev.last_agent_at is None else ev.last_agent_at)
        self._enter(ev.call_id, queue, ev.caller_number, ev.priority, 0, hint)

    def _enter(
        self,
        call_id: str,
        queue: QueueRuntime,
        number: str,
        priority: int,
        hops: int,
        hint: tuple[str, float] | None = None,
    ) -> None:
        cfg, now = queue.config, self._now
        if number in cfg.vip_numbers:
            priority = max(priority, cfg.vip_priority)
        seq, queued_since = next(self._seq), now
        place = self._rejoin.take(queue.queue_id, number, now, cfg.rejoin_window)
        if place is not None:
            seq, queued_since, priority = place.seq, place.queued_since, max(priority, place.priority)
        caller = Caller(
            call_id, queue.queue_id, number, priority, now, queued_since, seq, since=now, hops=hops
        )
        self._callers[call_id] = caller
        self._record(
            CallerEntered(now, call_id, queue.queue_id, number, priority, queued_since, place is not None)
        )
        if cfg.max_callers and self._on_line(queue) >= cfg.max_callers:
            self._send_out(caller, cfg.full_destination, OverflowReason.FULL)
            return
        if self._is_empty(queue, cfg.join_empty):
            self._send_out(caller, cfg.no_agents_destination, OverflowReason.NO_AGENTS)
            return
        queue.add_caller(caller)
        self._start_waiting_timers(caller, queue)
        self._start_hold(caller, queue, hint)
        self._schedule_wake(caller, queue)

    def _start_waiting_timers(self, caller: Caller, queue: QueueRuntime) -> None:
        cfg, now, cid = queue.config, self._now, caller.call_id
        if cfg.max_wait:
            self._timers.set(("maxwait", cid), now + cfg.max_wait)
        if cfg.periodic_announce_interval:
            self._timers.set(("periodic", cid), now + cfg.periodic_announce_interval)
        if cfg.position_announce_interval:
            self._timers.set(("position", cid), now + cfg.position_announce_interval)

    def _start_hold(self, caller: Caller, queue: QueueRuntime, hint: tuple[str, float] | None) -> None:
        cfg = queue.config
        if cfg.affinity_days <= 0:
            return
        known = [self._affinity.lookup(caller.number, self._now, cfg.affinity_days)]
        if hint is not None and hint[1] >= self._now - cfg.affinity_days * DAY:
            known.append(hint)
        found = max((k for k in known if k is not None), key=lambda k: k[1], default=None)
        agent = self._agents.get(found[0]) if found is not None else None
        if agent is None or found is None or found[0] not in queue.members:
            return
        if isinstance(agent.state, LoggedOut) or agent.pending_logout:
            return  # waiting for an agent who is gone would only delay the caller
        caller.preferred_agent = found[0]
        caller.affinity_until = self._now + cfg.affinity_wait
        self._holds[caller.call_id] = None
        self._timers.set(("affinity", caller.call_id), caller.affinity_until)

    def _on_line(self, queue: QueueRuntime) -> int:
        return sum(1 for _, c in queue.callers if c.state.on_line)

    def _is_empty(self, queue: QueueRuntime, rule: EmptyRule) -> bool:
        if rule is EmptyRule.NEVER:
            return False
        for agent_id in queue.members:
            agent = self._agents.get(agent_id)
            if agent is None:
                continue
            state = agent.state
            if rule is EmptyRule.NO_LOGGED_IN and not isinstance(state, LoggedOut):
                return False
            if rule is EmptyRule.NO_AVAILABLE and not isinstance(state, LoggedOut | Paused):
                return False
            if rule is EmptyRule.NO_IDLE and isinstance(state, Idle):
                return False
        return True

    def _staffed(self, queue: QueueRuntime) -> int:
        n = 0
        for agent_id in queue.members:
            agent = self._agents.get(agent_id)
            if agent is not None and not isinstance(agent.state, LoggedOut | Paused):
                n += 1
        return n

    def _check_leave_empty(self) -> None:
        for queue in list(self._queues.values()):
            rule = queue.config.leave_when_empty
            if rule is EmptyRule.NEVER or not queue.callers or not self._is_empty(queue, rule):
                continue
            for _, caller in list(queue.callers):
                if isinstance(caller.state, Waiting | Offered):
                    self._send_out(caller, queue.config.no_agents_destination, OverflowReason.NO_AGENTS)

    def _send_out(self, caller: Caller, dest: Destination, reason: OverflowReason) -> None:
        """Overflow a caller (on the line, or just arrived) to `dest`."""
        queue = self._queues.get(caller.queue_id)
        self._withdraw_offers(caller, CancelReason.CALLER_LEFT)
        self._caller_to(caller, "leave", "overflowed")
        self._drop_caller(caller)
        target = self._queues.get(dest.target) if dest.kind is TargetKind.QUEUE else None
        if dest.kind is TargetKind.QUEUE and (
            target is None or target is queue or caller.hops >= MAX_QUEUE_HOPS
        ):
            log.warning(
                "call %s: cannot overflow to queue %r (missing or loop); hanging up",
                caller.call_id,
                dest.target,
            )
            dest, target = HANGUP, None
        self._emit(Overflow(caller.call_id, caller.queue_id, dest, reason))
        self._record(
            CallerOverflowed(
                self._now,
                caller.call_id,
                caller.queue_id,
                str(dest.kind),
                dest.target,
                str(reason),
                self._now - caller.arrived_at,
            )
        )
        if target is not None:
            self._enter(caller.call_id, target, caller.number, caller.priority, caller.hops + 1)

    def _drop_caller(self, caller: Caller) -> None:
        """Take a caller out of its queue and the engine (its state is already final)."""
        queue = self._queues.get(caller.queue_id)
        if queue is not None:
            queue.remove_caller(caller)
        self._callers.pop(caller.call_id, None)
        self._cancel_caller_timers(caller)
        self._timers.cancel(("cbretry", caller.call_id))
        self._end_hold(caller)
        if caller.reserved_agent is not None:
            self._release_reservation(caller)

    def _on_hangup(self, ev: CallerHangup) -> None:
        caller = self._callers.get(ev.call_id)
        if caller is None:
            log.info("call %s: hangup for a call no longer in a queue; ignored", ev.call_id)
            return
        on_line = isinstance(caller.state, Waiting | Offered)
        self._withdraw_offers(caller, CancelReason.CALLER_LEFT)
        if not isinstance(self._caller_to(caller, "hangup"), Done):
            return
        queue = self._queues.get(caller.queue_id)
        if on_line and queue is not None and queue.config.rejoin_window > 0:
            place = Place(caller.queued_since, caller.seq, caller.priority, self._now)
            self._rejoin.remember(queue.queue_id, caller.number, place, self._keep_rejoin)
        self._drop_caller(caller)
        self._record(
            CallerAbandoned(
                self._now, caller.call_id, caller.queue_id, self._now - caller.arrived_at, "hangup"
            )
        )

    def _on_maxwait(self, call_id: str) -> None:
        caller = self._callers.get(call_id)
        queue = self._queues.get(caller.queue_id) if caller else None
        if caller is not None and queue is not None and isinstance(caller.state, Waiting | Offered):
            self._send_out(caller, queue.config.timeout_destination, OverflowReason.TIMEOUT)

    def _on_periodic(self, call_id: str) -> None:
        caller = self._callers.get(call_id)
        queue = self._queues.get(caller.queue_id) if caller else None
        if caller is None or queue is None or not isinstance(caller.state, Waiting | Offered):
            return
        self._emit(PlayAnnouncement(call_id, queue.queue_id, AnnouncementKind.PERIODIC))
        if queue.config.periodic_announce_interval > 0:
            self._timers.set(("periodic", call_id), self._now + queue.config.periodic_announce_interval)

    def _on_position(self, call_id: str) -> None:
        caller = self._callers.get(call_id)
        queue = self._queues.get(caller.queue_id) if caller else None
        if caller is None or queue is None or not isinstance(caller.state, Waiting | Offered):
            return
        position = queue.position(caller)
        ewt = estimate_wait(position, queue.handle_times.average(), self._staffed(queue))
        self._emit(PlayAnnouncement(call_id, queue.queue_id, AnnouncementKind.POSITION, position, ewt))
        if queue.config.position_announce_interval > 0:
            self._timers.set(("position", call_id), self._now + queue.config.position_announce_interval)

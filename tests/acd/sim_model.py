"""The model half of the simulation: what the world believes, and the invariants it checks.

The model is built only from the events the world sent and the actions the engine returned (never
from the engine's internals); tests/acd/sim_world.py drives it. See that module for the list of
invariants.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from typing import Any

from telephony.acd import AcdEngine, Destination, EmptyRule, MemberSpec, QueueConfig
from telephony.acd import records as rec
from telephony.acd.config import TargetKind

EPS = 1e-9  # the engine computes the same deadlines from the same floats


@dataclasses.dataclass
class SimAgent:
    agent_id: str
    logged_out: bool = True
    paused: bool = False
    offer: int | None = None
    call: str | None = None
    reserved: str | None = None
    wrap_until: float = -math.inf
    backoff_until: float = -math.inf
    unanswered: int = 0
    dynamic: dict[str, MemberSpec] = dataclasses.field(default_factory=dict)
    wants: dict[str, MemberSpec] = dataclasses.field(default_factory=dict)  # dynamic queues to rejoin


@dataclasses.dataclass
class SimCall:
    call_id: str
    number: str
    queue: str
    priority: int
    arrived: float
    queued_since: float
    seq: int
    patience: float
    status: str = "waiting"  # waiting ringing cb-waiting cb-dialing cb-holding connected done
    offers: set[int] = dataclasses.field(default_factory=set)
    tried: set[str] = dataclasses.field(default_factory=set)
    round_start: float | None = None
    round_failed: bool = False
    retry_until: float = -math.inf
    maxwait_from: float = 0.0
    agent: str | None = None
    cb_attempts: int = 0
    outcome: str | None = None
    was: str = ""  # the status before hanging up
    preferred: str | None = None  # last-agent affinity
    hold_until: float = -math.inf


@dataclasses.dataclass(frozen=True)
class OfferRec:
    offer_id: int
    call_id: str
    agent_id: str
    queue: str


def world_queues(seed: int) -> list[QueueConfig]:
    """Five queues; the strategies rotate with the seed so every strategy is simulated."""
    rotations = [
        ["round-robin", "longest-idle", "skills-based", "ring-progressive", "ring-all"],
        ["fewest-calls", "least-talk-time", "random", "weighted-random", "linear"],
        ["ring-all", "skills-based", "fewest-calls", "round-robin", "weighted-random"],
    ]
    s = rotations[seed % len(rotations)]
    widen = ((0.0, 7), (20.0, 4), (40.0, 1))
    return [
        QueueConfig(
            "sales",
            strategy=s[0],
            weight=2,
            wrap_up=10,
            max_wait=180,
            max_callers=25,
            timeout_destination=Destination(TargetKind.QUEUE, "support"),
            full_destination=Destination(TargetKind.VOICEMAIL, "sales-vm"),
            callback_attempts=2,
            callback_retry_delay=30,
            callback_lead=5,
            rejoin_window=120,
            vip_numbers=frozenset({"vip1", "vip2", "vip3"}),
            vip_priority=10,
            position_announce_interval=30,
            periodic_announce_interval=45,
            auto_pause_after=3,
            retry_delay=2,
            backoff_rejected=8,
            backoff_busy=4,
            backoff_no_answer=6,
            skill_widen=widen,
        ),
        QueueConfig(
            "support",
            affinity_days=1.0,
            affinity_wait=30.0,
            strategy=s[1],
            weight=1,
            wrap_up=5,
            max_wait=300,
            timeout_destination=Destination(TargetKind.VOICEMAIL, "support-vm"),
            join_empty=EmptyRule.NO_LOGGED_IN,
            no_agents_destination=Destination(TargetKind.IVR, "menu"),
            retry_delay=3,
            backoff_rejected=10,
            backoff_busy=5,
            backoff_no_answer=5,
            auto_pause_after=4,
            skill_widen=widen,
            rejoin_window=60,
        ),
        QueueConfig(
            "tech",
            strategy=s[2],
            weight=1,
            wrap_up=15,
            max_wait=240,
            skill_widen=widen,
            timeout_destination=Destination(TargetKind.EXTENSION, "2000"),
            leave_when_empty=EmptyRule.NO_AVAILABLE,
            no_agents_destination=Destination(TargetKind.EXTERNAL, "+8613800000000"),
            retry_delay=0,
            backoff_rejected=0,
            backoff_busy=0,
            backoff_no_answer=0,
        ),
        QueueConfig(
            "billing",
            strategy=s[3],
            weight=0,
            wrap_up=0,
            max_wait=200,
            progressive_step=4,
            timeout_destination=Destination(TargetKind.QUEUE, "sales"),
            retry_delay=1,
            backoff_rejected=3,
            backoff_busy=3,
            backoff_no_answer=3,
            skill_widen=widen,
            callback_attempts=1,
            callback_retry_delay=10,
            stats_window=600,
        ),
        QueueConfig(
            "general",
            strategy=s[4],
            weight=0,
            wrap_up=3,
            max_wait=150,
            progressive_step=3,
            retry_delay=0.5,
            backoff_rejected=2,
            backoff_busy=2,
            backoff_no_answer=2,
            skill_widen=widen,
        ),
    ]


class Model:
    """The world's beliefs about agents, callers and offers, with the checks that use them."""

    def __init__(self, engine: AcdEngine, queues: list[QueueConfig]) -> None:
        self.engine = engine
        self.queues = {q.queue_id: q for q in queues}
        self.static: dict[str, dict[str, MemberSpec]] = {q: {} for q in self.queues}
        self.membership: dict[str, set[str]] = {}
        self.agents: dict[str, SimAgent] = {}
        self.calls: dict[str, SimCall] = {}
        self.finished: dict[str, str] = {}  # call id -> outcome
        self.offers: dict[int, OfferRec] = {}
        self.rejoin: dict[tuple[str, str], tuple[float, int, int, float]] = {}
        self.entered: dict[str, int] = {}
        self.terminal_records: dict[str, int] = {}
        self.last_agent: dict[str, tuple[str, float]] = {}  # number -> agent it last talked to
        self.seq = itertools.count(1)
        self.now = 0.0
        self.expect_autopause: set[str] = set()
        self.pending_entry: SimCall | None = None
        self.stats = dict.fromkeys(
            (
                "offers",
                "answered",
                "abandoned",
                "overflowed",
                "callbacks",
                "restored",
                "stale",
                "autopaused",
                "announced",
                "affinity",
                "steps",
            ),
            0,
        )

    def schedule(self, at: float, kind: str, *args: Any) -> None:
        """Put something on the world's agenda (the world overrides this)."""
        raise NotImplementedError

    # --- model updates ---------------------------------------------------------------------------
    def arrive(self, call_id: str, queue: str, number: str, prio: int, patience: float | None) -> None:
        cfg = self.queues[queue]
        if number in cfg.vip_numbers:
            prio = max(prio, cfg.vip_priority)
        seq, since = next(self.seq), self.now
        place = self.rejoin.pop((queue, number), None)
        if place is not None and self.now - place[3] <= cfg.rejoin_window:
            since, seq, prio = place[0], place[1], max(prio, place[2])
            self.stats["restored"] += 1
        call = SimCall(
            call_id, number, queue, prio, self.now, since, seq, patience or 0.0, maxwait_from=self.now
        )
        self.calls[call_id] = call
        last = self.last_agent.get(number)
        if cfg.affinity_days and last and self.now - last[1] <= cfg.affinity_days * 86400:
            if last[0] in self.membership[queue] and not self.agents[last[0]].logged_out:
                call.preferred, call.hold_until = last[0], self.now + cfg.affinity_wait
        if patience is not None:  # an overflowed caller keeps the patience it came with
            self.schedule(self.now + patience, "patience", call_id)
        self.pending_entry = call

    def finish(self, call: SimCall, outcome: str) -> None:
        if call.call_id in self.finished:
            raise AssertionError(f"{call.call_id} ended twice: {self.finished[call.call_id]} then {outcome}")
        self.finished[call.call_id] = outcome
        call.status = "done"
        call.outcome = outcome
        self.calls.pop(call.call_id, None)
        self.stats[outcome] += 1

    def end_round_if_idle(self, call: SimCall) -> None:
        if call.offers:
            return
        if call.round_failed:
            call.retry_until = self.now + self.queues[call.queue].retry_delay
        call.round_start = None
        call.round_failed = False
        call.tried.clear()
        if call.status == "ringing":
            call.status = "waiting"

    def close_offer(self, offer_id: int, failed: str | None) -> None:
        offer = self.offers.pop(offer_id)
        agent = self.agents[offer.agent_id]
        call = self.calls[offer.call_id]
        agent.offer = None
        call.offers.discard(offer_id)
        if failed:
            cfg = self.queues[offer.queue]
            agent.backoff_until = self.now + cfg.backoff(failed)
            call.tried.add(agent.agent_id)
            call.round_failed = True
            if call.preferred == agent.agent_id:
                call.preferred = None
            if failed == "no-answer":
                agent.unanswered += 1
                if cfg.auto_pause_after and agent.unanswered >= cfg.auto_pause_after:
                    self.expect_autopause.add(agent.agent_id)
        self.end_round_if_idle(call)

    # --- checks ----------------------------------------------------------------------------------
    def members(self, queue: str) -> set[str]:
        return self.membership[queue]

    def join_model(self, agent: SimAgent, queue: str, spec: MemberSpec | None) -> None:
        if spec is None:
            agent.dynamic.pop(queue, None)
            self.membership[queue].discard(agent.agent_id)
        else:
            agent.dynamic[queue] = spec
            self.membership[queue].add(agent.agent_id)

    def skill(self, queue: str, agent_id: str) -> int:
        spec = self.static[queue].get(agent_id) or self.agents[agent_id].dynamic.get(queue)
        return spec.skill if spec else 0

    def eligible(self, call: SimCall, agent_id: str) -> bool:
        cfg = self.queues[call.queue]
        if cfg.strategy != "skills-based":
            return True
        return self.skill(call.queue, agent_id) >= cfg.min_skill(self.now - call.arrived)

    def room(self, call: SimCall) -> float:
        cfg = self.queues[call.queue]
        if cfg.strategy == "ring-all":
            return math.inf
        if cfg.strategy == "ring-progressive":
            if call.round_start is None:
                return 1
            return 1 + math.floor((self.now - call.round_start) / cfg.progressive_step + 1e-9)
        return 1

    def key(self, call: SimCall) -> tuple[int, int, float, int]:
        # (the affinity pass orders held callers by the same key)
        return (-self.queues[call.queue].weight, -call.priority, call.queued_since, call.seq)

    @staticmethod
    def holds_place(call: SimCall) -> bool:
        return call.status in ("waiting", "ringing", "cb-waiting", "cb-dialing", "cb-holding")

    def free(self, agent: SimAgent) -> bool:
        return (
            not agent.logged_out
            and not agent.paused
            and agent.offer is None
            and agent.call is None
            and agent.reserved is None
            and self.now + EPS >= agent.wrap_until
            and self.now + EPS >= agent.backoff_until
        )

    def assert_free(self, agent: SimAgent, call_id: str, what: str, lead: float = 0.0) -> None:
        busy = agent.offer is not None or agent.call is not None or agent.reserved is not None
        if agent.logged_out or agent.paused:
            raise AssertionError(f"{what} {call_id} to {agent.agent_id}, which is paused or logged out")
        if busy:
            raise AssertionError(
                f"{what} {call_id} to {agent.agent_id}, busy with {agent.offer} {agent.call} {agent.reserved}"
            )
        if self.now + EPS < agent.wrap_until - lead:
            raise AssertionError(f"{what} {call_id} to {agent.agent_id} during wrap-up")
        if self.now + EPS < agent.backoff_until:
            raise AssertionError(f"{what} {call_id} to {agent.agent_id} during back-off")

    def drop_preference(self, agent_id: str, queue: str | None) -> None:
        for call in self.calls.values():
            if call.preferred == agent_id and queue in (None, call.queue):
                call.preferred = None

    def in_hold(self, call: SimCall) -> bool:
        return call.preferred is not None and self.now < call.hold_until

    def could_take(self, call: SimCall, agent_id: str) -> bool:
        """Whether `call` could be offered (or reserve) this agent right now."""
        if call.status not in ("waiting", "ringing", "cb-waiting") or call.retry_until > self.now + EPS:
            return False
        if call.status != "cb-waiting" and self.in_hold(call):
            # held for its preferred agent only, and only while not already ringing it
            return (
                call.status == "waiting"
                and agent_id == call.preferred
                and agent_id in self.membership[call.queue]
            )
        if (
            agent_id in call.tried
            or agent_id not in self.membership[call.queue]
            or not self.eligible(call, agent_id)
        ):
            return False
        if call.status in ("waiting", "ringing"):
            return len(call.offers) < self.room(call)
        return call.status == "cb-waiting"

    def check_fifo(self, call: SimCall, agent: SimAgent) -> None:
        mine = self.key(call)
        left = agent.wrap_until - self.now  # > 0: a callback_lead reservation during wrap-up
        affinity = self.in_hold(call) and call.status != "cb-waiting"  # served before everyone else
        for other in self.calls.values():
            if other is call or self.key(other) >= mine:
                continue
            if affinity and not (self.in_hold(other) and other.status != "cb-waiting"):
                continue
            if left > EPS and (
                other.status != "cb-waiting" or left > self.queues[other.queue].callback_lead + EPS
            ):
                continue
            if self.could_take(other, agent.agent_id):
                raise AssertionError(
                    f"FIFO: {agent.agent_id} went to {call.call_id} {mine} ahead of {other.call_id} {self.key(other)}"
                )

    def check_step(self) -> None:
        free = [a.agent_id for a in self.agents.values() if self.free(a)]
        for call in self.calls.values():
            if call.status in ("waiting", "ringing"):
                cfg = self.queues[call.queue]
                if cfg.max_wait and self.now > call.maxwait_from + cfg.max_wait + EPS:
                    raise AssertionError(f"{call.call_id} on the line beyond max_wait")
            for agent_id in free:
                if self.could_take(call, agent_id):
                    raise AssertionError(f"idle {agent_id} left while {call.call_id} ({call.status}) waits")

    def empty(self, queue: str, rule: EmptyRule) -> bool:
        members = [self.agents[a] for a in self.members(queue)]
        if rule is EmptyRule.NO_LOGGED_IN:
            return all(self.engine.agent_state(a.agent_id) == "logged-out" for a in members)
        if rule is EmptyRule.NO_AVAILABLE:
            return all(self.engine.agent_state(a.agent_id) in ("logged-out", "paused") for a in members)
        return True

    def check_records(self) -> None:
        for r in self.engine.drain_records():
            if isinstance(r, rec.CallerEntered):
                self.entered[r.call_id] = self.entered.get(r.call_id, 0) + 1
                call = self.calls.get(r.call_id)
                if call is not None and call.queue == r.queue_id:
                    if (r.queued_since, r.priority) != (call.queued_since, call.priority):
                        raise AssertionError(f"{r} but the model has {call.queued_since} {call.priority}")
            elif isinstance(r, rec.CallerAnswered | rec.CallerAbandoned | rec.CallerOverflowed):
                self.terminal_records[r.call_id] = self.terminal_records.get(r.call_id, 0) + 1
                if isinstance(r, rec.CallerAbandoned) and r.reason == "hangup":
                    call = self.calls.get(r.call_id)
                    if call is not None:
                        self.abandoned(call)

    def abandoned(self, call: SimCall) -> None:
        cfg = self.queues[call.queue]
        on_line = call.was in ("waiting", "ringing")
        if call.agent is not None and self.agents[call.agent].reserved == call.call_id:
            self.agents[call.agent].reserved = None
        self.finish(call, "abandoned")
        if on_line and cfg.rejoin_window > 0:
            self.rejoin[(call.queue, call.number)] = (call.queued_since, call.seq, call.priority, self.now)

    def final_check(self) -> None:
        assert not self.calls, f"callers left in the model: {list(self.calls)[:5]}"
        assert not self.offers
        for cid in self.entered:
            assert self.terminal_records.get(cid) == self.entered[cid], (cid, self.entered[cid])
        snap = self.engine.snapshot(self.now)
        assert all(q.waiting == 0 and q.callbacks == 0 for q in snap.queues), snap.queues

"""A randomized call-center world that drives AcdEngine and checks its invariants after every action.

The world keeps its own model of agents and callers, built only from the events it sent and the
actions it received (never from the engine's internals), and asserts:

- an agent is never offered (or reserved for) a call while it has an offer ringing, is on a call,
  is reserved, is in wrap-up (unless a callback_lead reservation), is in back-off, or is paused or
  logged out (from the moment the pause / logout was asked for);
- every caller ends exactly once: answered (Connect), abandoned, or overflowed out of the engine;
  every CallerEntered record has exactly one terminal record;
- FIFO: when caller B is offered agent X, no caller ahead of B in the global order (queue weight,
  priority, place) could have used X (on the line or waiting for a callback, not resting, with
  room for another offer, X eligible and not already failed in its round);
- work conservation: after every step, no caller that could take an offer has a free eligible
  agent left;
- positions announced are the model's positions; auto-pause comes exactly at N no-answers in a row;
  nobody waits on the line beyond max_wait.
"""

from __future__ import annotations

import dataclasses
import heapq
import itertools
import math
import random
from typing import Any

from telephony.acd import AcdEngine, AgentConfig, Destination, EmptyRule, MemberSpec, QueueConfig
from telephony.acd import events as ev
from telephony.acd import records as rec
from telephony.acd.actions import (
    AgentAutoPaused,
    AnnouncementKind,
    CancelOffer,
    CancelReason,
    Connect,
    Offer,
    Overflow,
    PlayAnnouncement,
    StartCallback,
)
from telephony.acd.config import TargetKind

EPS = 1e-6
PAUSE_CODES = ("break", "lunch", "training")


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


class World:
    """The simulated call center around one engine."""

    def __init__(self, seed: int, callers: int, agents: int = 36, rate: float = 0.22) -> None:
        self.rnd = random.Random(seed)
        self.engine = AcdEngine(rng=random.Random(seed + 1000), pause_codes=PAUSE_CODES)
        self.queues = {q.queue_id: q for q in world_queues(seed)}
        self.static: dict[str, dict[str, MemberSpec]] = {q: {} for q in self.queues}
        self.membership: dict[str, set[str]] = {}
        self.agents: dict[str, SimAgent] = {}
        self.calls: dict[str, SimCall] = {}
        self.finished: dict[str, str] = {}  # call id -> outcome
        self.offers: dict[int, OfferRec] = {}
        self.rejoin: dict[tuple[str, str], tuple[float, int, int, float]] = {}
        self.entered: dict[str, int] = {}
        self.terminal_records: dict[str, int] = {}
        self.seq = itertools.count(1)
        self.agenda: list[tuple[float, int, str, tuple[Any, ...]]] = []
        self.tie = itertools.count()
        self.now = 0.0
        self.n_callers = callers
        self.rate = rate
        self.arrivals_done = False
        self.expect_autopause: set[str] = set()
        self.stats = {
            "offers": 0,
            "answered": 0,
            "abandoned": 0,
            "overflowed": 0,
            "callbacks": 0,
            "restored": 0,
            "stale": 0,
            "autopaused": 0,
            "announced": 0,
            "steps": 0,
        }
        self._build(agents)

    # --- setup --------------------------------------------------------------------------------------
    def _build(self, n_agents: int) -> None:
        qids = list(self.queues)
        for i in range(n_agents):
            aid = f"a{i:02d}"
            self.agents[aid] = SimAgent(aid)
            mine = self.rnd.sample(qids, self.rnd.choice((1, 2, 2, 3)))
            for j, q in enumerate(mine):
                spec = MemberSpec(aid, 0, self.rnd.randint(1, 10), self.rnd.choice((0.5, 1.0, 3.0)))
                if j == 0 or self.rnd.random() < 0.5:
                    self.static[q][aid] = spec
                else:
                    self.agents[aid].wants[q] = spec
        for q, cfg in self.queues.items():
            self.queues[q] = dataclasses.replace(cfg, members=tuple(self.static[q].values()))
            self.membership[q] = set(self.static[q])
        self.send(ev.QueueConfigured, self.queues["sales"])  # before its overflow target exists
        for q in qids[1:]:
            self.send(ev.QueueConfigured, self.queues[q])
        for aid in self.agents:
            self.send(ev.AgentConfigured, AgentConfig(aid, number=aid[1:]))
        for aid in self.agents:
            if self.rnd.random() < 0.9:
                self.do_login(aid)
            self.schedule(self.rnd.expovariate(1 / 400), "agent", aid)
        t = 0.0
        for i in range(self.n_callers):
            burst = 4.0 if 1500 <= t < 1900 else 1.0  # a rush hour fills queues: full, timeouts
            t += self.rnd.expovariate(self.rate * burst)
            self.schedule(t, "arrive", f"c{i}", None)

    def schedule(self, at: float, kind: str, *args: Any) -> None:
        heapq.heappush(self.agenda, (at, next(self.tie), kind, args))

    # --- the loop -------------------------------------------------------------------------------
    def run(self) -> None:
        while True:
            deadline = self.engine.next_deadline()
            nxt = self.agenda[0][0] if self.agenda else None
            if deadline is None and nxt is None:
                break
            if nxt is None or (deadline is not None and deadline <= nxt):
                self.now = deadline
                self.process(self.engine.tick(deadline))
                continue
            at, _, kind, args = heapq.heappop(self.agenda)
            self.now = at
            getattr(self, f"on_{kind}")(*args)
            if self.now > 1e6:
                raise AssertionError("simulation did not drain")

    def send(self, cls: type, *args: Any) -> None:
        self.process(self.engine.handle(cls(*args, at=self.now)))

    # --- agenda handlers (the outside world) --------------------------------------------------------
    def on_arrive(self, call_id: str, number: str | None) -> None:
        rnd = self.rnd
        if number is None:
            number = (
                rnd.choice(("vip1", "vip2", "vip3")) if rnd.random() < 0.03 else f"n{rnd.randrange(100000)}"
            )
        queue = rnd.choices(list(self.queues), weights=(3, 3, 2, 2, 1))[0]
        prio = 5 if rnd.random() < 0.05 else 0
        patience = rnd.expovariate(1 / 100) if rnd.random() < 0.8 else 1000.0
        self.arrive(call_id, queue, number, prio, patience)
        if call_id == f"c{self.n_callers - 1}":
            self.arrivals_done = True
        self.send(ev.CallerArrived, call_id, queue, number, prio)
        if call_id in self.calls and rnd.random() < 0.08 and self.queues[queue].callback_attempts:
            self.schedule(self.now + rnd.uniform(5, 60), "callback", call_id)

    def on_patience(self, call_id: str) -> None:
        call = self.calls.get(call_id)
        if call is None or call.status not in ("waiting", "ringing", "cb-holding"):
            return
        call.was, call.status = call.status, "hanging-up"
        self.send(ev.CallerHangup, call_id)
        if call.status != "done":
            raise AssertionError(f"{call_id} still {call.status} after hanging up")
        if self.rnd.random() < 0.3 and not self.arrivals_done:
            self.schedule(self.now + self.rnd.uniform(5, 150), "arrive", f"{call_id}r", call.number)

    def on_callback(self, call_id: str) -> None:
        call = self.calls.get(call_id)
        if call is None or call.status not in ("waiting", "ringing"):
            return
        call.status = "cb-waiting"  # its offers are withdrawn without failing a round
        call.round_failed = False
        call.retry_until = -math.inf
        call.cb_attempts = 0
        self.send(ev.CallbackRequested, call_id, "")
        assert not call.offers, call
        self.send(ev.CallerHangup, call_id)  # the original leg goes; ignored by the engine
        self.stats["callbacks"] += 1

    def on_reply(self, offer_id: int, result: str) -> None:
        offer = self.offers.get(offer_id)
        if offer is None:
            self.stats["stale"] += 1
            self.send(ev.OfferOutcome, offer_id, ev.OfferResult(result))  # crosses the engine's decision
            return
        if result == "answered":
            self.answering = offer_id
            self.send(ev.OfferOutcome, offer_id, ev.OfferResult.ANSWERED)
            if offer_id in self.offers:
                raise AssertionError(f"answered offer {offer_id} did not connect")
            self.answering = None
            return
        self.close_offer(offer_id, failed=result)
        self.send(ev.OfferOutcome, offer_id, ev.OfferResult(result))

    def on_hangup_call(self, call_id: str, talk: float) -> None:
        call = self.calls[call_id]
        agent = self.agents[call.agent]
        assert call.status == "connected" and agent.call == call_id
        call.status = "done"
        agent.call = None
        cfg = self.queues[call.queue]
        if not agent.logged_out and cfg.wrap_up > 0:
            agent.wrap_until = self.now + cfg.wrap_up
            if self.rnd.random() < 0.3:
                self.schedule(self.now + self.rnd.uniform(0, cfg.wrap_up), "wrap_done", agent.agent_id)
        del self.calls[call_id]
        self.send(ev.CallEnded, call_id, talk)

    def on_wrap_done(self, agent_id: str) -> None:
        agent = self.agents[agent_id]
        if self.engine.agent_state(agent_id) != "wrap-up":
            return
        agent.wrap_until = self.now
        self.send(ev.WrapUpEnded, agent_id)

    def on_cb_result(self, call_id: str, result: str) -> None:
        call = self.calls[call_id]
        assert call.status == "cb-dialing", call
        agent = self.agents[call.agent] if call.agent else None
        if result == "answered":
            if agent is None:
                call.status = "waiting"
                call.maxwait_from = self.now
                self.schedule(self.now + self.rnd.expovariate(1 / 100), "patience", call_id)
            elif self.now + EPS < agent.wrap_until:
                call.status = "cb-holding"
            else:
                self.expect_connect = call_id
        else:
            if agent is not None:
                agent.reserved = None
            call.agent = None
            if call.cb_attempts >= self.queues[call.queue].callback_attempts:
                self.finish(call, "abandoned")
            else:
                call.status = "cb-waiting"
                call.retry_until = self.now + self.queues[call.queue].callback_retry_delay
        self.expect_connect_done = False
        self.send(ev.CallbackOutcome, call_id, ev.CallbackResult(result))
        if result == "answered" and agent is not None and call.status == "cb-dialing":
            raise AssertionError(f"callback {call_id} answered with its agent ready did not connect")

    def on_agent(self, agent_id: str) -> None:
        if not self.arrivals_done or self.calls:
            self.schedule(self.now + self.rnd.expovariate(1 / 400), "agent", agent_id)
        agent = self.agents[agent_id]
        r = self.rnd.random()
        state = self.engine.agent_state(agent_id)
        if self.arrivals_done:  # drain: everybody back to work
            if agent.paused:
                self.do_unpause(agent_id)
            elif state == "logged-out":
                self.do_login(agent_id)
            return
        if state == "logged-out":
            self.do_login(agent_id)
        elif agent.logged_out:
            return  # logout pending until its call ends
        elif agent.paused:
            self.do_unpause(agent_id)
        elif r < 0.3:
            agent.paused = True
            self.send(ev.AgentPause, agent_id, self.rnd.choice(PAUSE_CODES))
            self.after_unavailable(agent)
        elif r < 0.4:
            self.do_logout(agent_id)
        elif r < 0.7 and agent.dynamic:
            q = self.rnd.choice(sorted(agent.dynamic))
            self.join_model(agent, q, None)
            self.send(ev.AgentLeaveQueue, agent_id, q)
            self.close_agent_offer(agent, q)
        elif agent.wants:
            q = self.rnd.choice(sorted(agent.wants))
            spec = agent.wants[q]
            self.join_model(agent, q, spec)
            self.send(ev.AgentJoinQueue, agent_id, q, spec.penalty, spec.skill, spec.weight)

    # --- commands that change the model before they are sent --------------------------------------
    def do_login(self, agent_id: str) -> None:
        agent = self.agents[agent_id]
        agent.logged_out = agent.paused = False
        agent.unanswered = 0
        agent.backoff_until = -math.inf
        self.send(ev.AgentLogin, agent_id, f"sip:{agent_id}@box")
        for q, spec in sorted(agent.wants.items()):
            if self.rnd.random() < 0.7:
                self.join_model(agent, q, spec)
                self.send(ev.AgentJoinQueue, agent_id, q, spec.penalty, spec.skill, spec.weight)

    def do_logout(self, agent_id: str) -> None:
        agent = self.agents[agent_id]
        agent.logged_out = True
        for q in list(agent.dynamic):
            self.join_model(agent, q, None)
        agent.wrap_until = min(agent.wrap_until, self.now)
        if agent.reserved is not None:
            call = self.calls[agent.reserved]
            call.agent = None
            if call.status == "cb-holding":
                call.status = "waiting"
                call.maxwait_from = self.now
                self.schedule(self.now + self.rnd.expovariate(1 / 100), "patience", call.call_id)
            agent.reserved = None
        self.send(ev.AgentLogout, agent_id)
        self.after_unavailable(agent)

    def do_unpause(self, agent_id: str) -> None:
        self.agents[agent_id].paused = False
        self.send(ev.AgentUnpause, agent_id)

    def after_unavailable(self, agent: SimAgent) -> None:
        if agent.offer is not None:
            raise AssertionError(f"{agent.agent_id}: offer still ringing after pause/logout")

    def close_agent_offer(self, agent: SimAgent, queue: str) -> None:
        if agent.offer is not None and self.offers[agent.offer].queue == queue:
            raise AssertionError(f"{agent.agent_id}: offer of {queue} still ringing after leaving it")

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
            if failed == "no-answer":
                agent.unanswered += 1
                if cfg.auto_pause_after and agent.unanswered >= cfg.auto_pause_after:
                    self.expect_autopause.add(agent.agent_id)
        self.end_round_if_idle(call)

    # --- actions from the engine -----------------------------------------------------------------
    answering: int | None = None
    expect_connect: str | None = None
    expect_connect_done = False
    pending_entry: SimCall | None = None

    def process(self, actions: list[Any]) -> None:
        self.stats["steps"] += 1
        for a in actions:
            getattr(self, f"act_{type(a).__name__}")(a)
        if self.expect_autopause:
            raise AssertionError(f"auto-pause expected for {sorted(self.expect_autopause)}")
        self.check_records()
        self.check_step()
        self.pending_entry = None

    def act_Offer(self, a: Offer) -> None:
        agent, call = self.agents[a.agent_id], self.calls[a.call_id]
        self.assert_free(agent, a.call_id, "offer")
        self.check_fifo(call, agent)
        if call.status not in ("waiting", "ringing"):
            raise AssertionError(f"offer for {a.call_id} in {call.status}")
        if call.retry_until > self.now + EPS:
            raise AssertionError(f"{a.call_id} offered while resting")
        if a.agent_id in call.tried:
            raise AssertionError(f"{a.call_id} offered to {a.agent_id} again in one round")
        if len(call.offers) >= self.room(call):
            raise AssertionError(f"{a.call_id} has no room for another offer")
        if a.agent_id not in self.members(call.queue):
            raise AssertionError(f"{a.agent_id} is not a member of {call.queue}")
        if not self.eligible(call, a.agent_id):
            raise AssertionError(f"{a.agent_id} not skilled enough for {a.call_id}")
        self.offers[a.offer_id] = OfferRec(a.offer_id, a.call_id, a.agent_id, a.queue_id)
        agent.offer = a.offer_id
        call.offers.add(a.offer_id)
        call.status = "ringing"
        if call.round_start is None:
            call.round_start = self.now
        self.stats["offers"] += 1
        r = self.rnd.random()
        if r < 0.70:
            self.schedule(self.now + self.rnd.uniform(0.5, 17), "reply", a.offer_id, "answered")
        elif r < 0.78:
            self.schedule(self.now + self.rnd.uniform(0.5, 4), "reply", a.offer_id, "rejected")
        elif r < 0.83:
            self.schedule(self.now + 0.1, "reply", a.offer_id, "busy")
        elif r < 0.88:
            self.schedule(self.now + self.rnd.uniform(5, 14), "reply", a.offer_id, "no-answer")
        # else: nobody picks up; the engine's ring_timeout decides

    def act_CancelOffer(self, a: CancelOffer) -> None:
        if a.offer_id not in self.offers:
            raise AssertionError(f"cancel of unknown offer {a.offer_id}")
        self.close_offer(a.offer_id, "no-answer" if a.reason is CancelReason.NO_ANSWER else None)

    def act_Connect(self, a: Connect) -> None:
        call, agent = self.calls.get(a.call_id), self.agents[a.agent_id]
        if call is None:
            raise AssertionError(f"connect for finished call {a.call_id}")
        if a.offer_id is not None:
            if a.offer_id != self.answering or self.offers[a.offer_id].agent_id != a.agent_id:
                raise AssertionError(f"connect {a} without the agent answering")
            del self.offers[a.offer_id]
            agent.offer = None
            call.offers.discard(a.offer_id)
        else:
            if agent.reserved != a.call_id or call.status not in ("cb-dialing", "cb-holding"):
                raise AssertionError(f"callback connect {a} without a reservation")
            if self.now + EPS < agent.wrap_until:
                raise AssertionError(f"callback connect {a} during wrap-up")
            if call.status == "cb-dialing" and self.expect_connect != a.call_id:
                raise AssertionError(f"callback connect {a} before the customer answered")
            agent.reserved = None
            self.expect_connect = None
        agent.call = a.call_id
        agent.unanswered = 0
        call.agent = a.agent_id
        self.finish(call, "answered")
        self.calls[a.call_id] = call
        call.status = "connected"
        self.schedule(
            self.now + self.rnd.expovariate(1 / 90), "hangup_call", a.call_id, self.rnd.uniform(10, 300)
        )

    def act_Overflow(self, a: Overflow) -> None:
        call = self.calls.get(a.call_id)
        if call is None or call.status not in ("waiting", "ringing"):
            raise AssertionError(f"overflow {a} of a caller not on the line ({call})")
        if call.offers:
            raise AssertionError(f"overflow {a} with offers still ringing")
        cfg = self.queues[call.queue]
        reason = str(a.reason)
        if reason == "timeout" and self.now + EPS < call.maxwait_from + cfg.max_wait:
            raise AssertionError(f"timeout overflow {a} before max_wait")
        if reason == "no-agents":
            rule = cfg.join_empty if self.pending_entry is call else cfg.leave_when_empty
            if not self.empty(call.queue, rule):
                raise AssertionError(f"no-agents overflow {a} but {call.queue} is not {rule}")
        if reason == "full" and self.pending_entry is not call:
            raise AssertionError(f"full overflow {a} after joining")
        if a.destination.kind is TargetKind.QUEUE:
            self.calls.pop(a.call_id)
            self.arrive(a.call_id, a.destination.target, call.number, call.priority, None)
            return
        self.finish(call, "overflowed")

    def act_PlayAnnouncement(self, a: PlayAnnouncement) -> None:
        call = self.calls[a.call_id]
        if call.status not in ("waiting", "ringing"):
            raise AssertionError(f"announcement to {a.call_id} in {call.status}")
        if a.kind is AnnouncementKind.POSITION:
            ahead = sum(
                1
                for c in self.calls.values()
                if c.queue == call.queue and self.holds_place(c) and self.key(c) < self.key(call)
            )
            if a.position != ahead + 1:
                raise AssertionError(f"{a.call_id} told position {a.position}, model says {ahead + 1}")
        self.stats["announced"] += 1

    def act_AgentAutoPaused(self, a: AgentAutoPaused) -> None:
        if a.agent_id not in self.expect_autopause:
            raise AssertionError(f"unexpected auto-pause of {a.agent_id}")
        self.expect_autopause.discard(a.agent_id)
        agent = self.agents[a.agent_id]
        agent.paused = True
        agent.unanswered = 0
        self.stats["autopaused"] += 1

    def act_StartCallback(self, a: StartCallback) -> None:
        call, agent = self.calls[a.call_id], self.agents[a.agent_id]
        if call.status != "cb-waiting" or call.retry_until > self.now + EPS:
            raise AssertionError(f"callback {a} for a caller in {call.status}")
        self.assert_free(agent, a.call_id, "callback", lead=self.queues[call.queue].callback_lead)
        self.check_fifo(call, agent)
        agent.reserved = a.call_id
        call.agent = a.agent_id
        call.status = "cb-dialing"
        call.cb_attempts += 1
        if a.attempt != call.cb_attempts:
            raise AssertionError(f"callback attempt {a.attempt}, model says {call.cb_attempts}")
        result = "answered" if self.rnd.random() < 0.75 else self.rnd.choice(("no-answer", "busy", "failed"))
        self.schedule(self.now + self.rnd.uniform(3, 20), "cb_result", a.call_id, result)

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

    def could_take(self, call: SimCall, agent_id: str) -> bool:
        """Whether `call` could be offered (or reserve) this agent right now."""
        if call.status not in ("waiting", "ringing", "cb-waiting") or call.retry_until > self.now + EPS:
            return False
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
        for other in self.calls.values():
            if other is call or self.key(other) >= mine:
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

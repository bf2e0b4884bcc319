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

from telephony.acd import AcdEngine, AgentConfig, MemberSpec
from telephony.acd import events as ev
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
from tests.acd.sim_model import EPS, Model, OfferRec, SimAgent, world_queues

PAUSE_CODES = ("break", "lunch", "training")


class World(Model):
    """The simulated call center around one engine."""

    def __init__(self, seed: int, callers: int, agents: int = 36, rate: float = 0.22) -> None:
        super().__init__(
            AcdEngine(rng=random.Random(seed + 1000), pause_codes=PAUSE_CODES), world_queues(seed)
        )
        self.rnd = random.Random(seed)
        self.agenda: list[tuple[float, int, str, tuple[Any, ...]]] = []
        self.tie = itertools.count()
        self.n_callers = callers
        self.rate = rate
        self.arrivals_done = False
        self._build(agents)

    # --- setup --------------------------------------------------------------------------------------
    def _build(self, n_agents: int) -> None:
        qids = list(self.queues)
        for i in range(n_agents):
            aid = f"a{i:02d}"
            self.agents[aid] = SimAgent(aid)
            mine = self.rnd.sample(qids, self.rnd.choice((1, 2, 2, 3)))
            for j, q in enumerate(mine):
                parallel = self.queues[q].strategy in ("ring-all", "ring-progressive")
                penalty = 0 if parallel else self.rnd.choice((0, 0, 1, 2))
                spec = MemberSpec(aid, penalty, self.rnd.randint(1, 10), self.rnd.choice((0.5, 1.0, 3.0)))
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
    def on_arrive(self, call_id: str, number: str | None, queue: str | None = None) -> None:
        rnd = self.rnd
        if number is None:
            number = (
                rnd.choice(("vip1", "vip2", "vip3")) if rnd.random() < 0.03 else f"n{rnd.randrange(100000)}"
            )
        queue = queue or rnd.choices(list(self.queues), weights=(3, 3, 2, 2, 1))[0]
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
        call.preferred = None
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
            self.drop_preference(agent_id, q)
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
        self.drop_preference(agent_id, None)
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

    # --- actions from the engine -----------------------------------------------------------------
    answering: int | None = None
    expect_connect: str | None = None

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
        if self.in_hold(call):
            if a.agent_id != call.preferred:
                raise AssertionError(f"{a.call_id} held for {call.preferred} offered to {a.agent_id}")
            self.stats["affinity"] += 1
        if a.agent_id in call.tried:
            raise AssertionError(f"{a.call_id} offered to {a.agent_id} again in one round")
        if len(call.offers) >= self.room(call):
            raise AssertionError(f"{a.call_id} has no room for another offer")
        if a.agent_id not in self.members(call.queue):
            raise AssertionError(f"{a.agent_id} is not a member of {call.queue}")
        if not (self.in_hold(call) and a.agent_id == call.preferred) and not self.eligible(call, a.agent_id):
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
        self.last_agent[call.number] = (a.agent_id, self.now)
        if self.rnd.random() < 0.2 and not self.arrivals_done:
            when = self.now + self.rnd.uniform(60, 900)
            self.schedule(when, "arrive", f"{a.call_id}a", call.number, "support")
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

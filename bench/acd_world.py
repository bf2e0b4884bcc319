"""A busy simulated call center around one AcdEngine, for bench/acd_latency.py.

The shape (QUEUES below): 20 queues of mixed strategies, 1,000 agents logged in, each a member of
1-5 queues with a penalty, a skill level and a weight; some queues have wrap-up, VIP numbers,
last-agent affinity, callbacks with callback_lead, max_callers with overflow, max_wait with
overflow, announcements. The center plays the pbx-core's part on a simulated clock: it sends the
engine events in time order, calls `tick` at every deadline the engine asks for (as
telephony.callcenter.runtime does), and answers the engine's actions like phones and callers would:

- an Offer is answered after 2-8 s (92%), rejected (3%), busy (2%), reported no-answer (1%), or
  left ringing until the engine's own ring_timeout (2%);
- a call lasts a lognormal talk time (mean about 3 min); after it, a queue with wrap-up holds the
  agent, who ends it early by hand 60% of the time;
- 3% of calls see the agent ask for a pause during the call (it starts when the call ends), and
  the agent comes back 1-5 min later; auto-paused agents come back after 30-120 s;
- callers abandon after an exponential patience (mean 15 min); in the callback queue, 30% ask for
  a callback after 20-90 s, and 90% of callback dials are answered;
- arrivals are Poisson, their rate steered so that about `target` callers wait on the line, and
  each goes to the queue furthest below its share of that target (share = the queue's capacity in
  agents, an agent in k queues counting 1/k in each).

"Waiting" means on the line in a queue and not yet answered (the engine's snapshot `waiting`,
which includes callers whose offer is ringing). Everything is seeded, so a run is reproducible.
"""

from __future__ import annotations

import dataclasses
import heapq
import itertools
import math
import random
from collections.abc import Callable
from typing import Any

from telephony.acd import AcdEngine, AgentConfig, Destination, MemberSpec, QueueConfig, TargetKind
from telephony.acd import events as ev
from telephony.acd.actions import AgentAutoPaused, CancelOffer, Connect, Offer, Overflow, StartCallback

PAUSE_CODES = ("break", "lunch", "training")
WIDEN_FAST = ((0.0, 7), (20.0, 4), (45.0, 1))
WIDEN_SLOW = ((0.0, 9), (30.0, 6), (60.0, 3), (90.0, 1))
ANNOUNCE = {"periodic_announce_interval": 30.0, "position_announce_interval": 60.0}
MEAN_HANDLE = 190.0  # talk + ring + wrap-up, seconds: sets the arrival rate that keeps `target` waiting
CUSTOMERS = 20_000  # distinct caller numbers (repeat callers make affinity and rejoin real)

# queue id -> strategy and the settings that differ from QueueConfig's defaults
QUEUES: dict[str, dict[str, Any]] = {
    "q01": {"strategy": "ring-all", **ANNOUNCE},
    "q02": {"strategy": "ring-all", "weight": 5, "vip_numbers": frozenset(f"9{i:07d}" for i in range(200))},
    "q03": {"strategy": "round-robin", **ANNOUNCE},
    "q04": {"strategy": "round-robin", "auto_pause_after": 3, **ANNOUNCE},
    "q05": {"strategy": "longest-idle", "wrap_up": 15.0, **ANNOUNCE},
    "q06": {"strategy": "longest-idle", **ANNOUNCE},
    "q07": {"strategy": "longest-idle", "callback_attempts": 2, "callback_lead": 10.0, "wrap_up": 20.0},
    "q08": {"strategy": "skills-based", "skill_widen": WIDEN_FAST, **ANNOUNCE},
    "q09": {"strategy": "skills-based", "skill_widen": WIDEN_SLOW, "wrap_up": 10.0, **ANNOUNCE},
    "q10": {
        "strategy": "skills-based",
        "skill_widen": WIDEN_FAST,
        "affinity_days": 7.0,
        "affinity_wait": 20.0,
    },
    "q11": {"strategy": "fewest-calls", **ANNOUNCE},
    "q12": {"strategy": "fewest-calls", "wrap_up": 10.0, "stats_window": 1800.0},
    "q13": {"strategy": "weighted-random", **ANNOUNCE},
    "q14": {"strategy": "weighted-random", "auto_pause_after": 3},
    "q15": {"strategy": "least-talk-time", **ANNOUNCE},
    "q16": {"strategy": "linear", **ANNOUNCE},
    "q17": {"strategy": "ring-progressive", "progressive_step": 5.0},
    "q18": {"strategy": "random", **ANNOUNCE},
    "q19": {
        "strategy": "longest-idle",
        "max_callers": 40,
        "full_destination": Destination(TargetKind.QUEUE, "q06"),
        "rejoin_window": 120.0,
        "weight": 2,
    },
    "q20": {
        "strategy": "round-robin",
        "max_wait": 240.0,
        "timeout_destination": Destination(TargetKind.QUEUE, "q06"),
        **ANNOUNCE,
    },
}
# how likely an agent is to be in the queue, relative to 1.0: rung-together queues are small teams
# (a ring-all queue of 150 members would ring 150 phones per call); `big_ring_all` lifts this
TEAM = {"q01": 0.12, "q02": 0.12, "q17": 0.3}
ON_LINE = {"waiting", "offered", "callback-holding"}


@dataclasses.dataclass
class CallRec:
    """What the center knows of one call: its queue now and whether it waits on the line."""

    queue_id: str
    number: str
    on_line: bool = True


class CallCenter:
    """The simulated center: agents, callers and the clock around one engine.

    `on_handle(label, event)` and `on_tick(now)` run every engine call; the bench swaps in timed
    versions. Each must return the engine's actions.
    """

    def __init__(self, seed: int, agents: int = 1000, target: int = 500, big_ring_all: bool = False) -> None:
        self.rnd = random.Random(seed)
        self.engine = AcdEngine(rng=random.Random(seed + 1), pause_codes=PAUSE_CODES)
        self.target = target
        self.n_agents = agents
        self.now = 0.0
        self.agenda: list[tuple[float, int, str, tuple[Any, ...]]] = []
        self.tie = itertools.count()
        self.calls: dict[str, CallRec] = {}
        self.waiting_in: dict[str, int] = dict.fromkeys(QUEUES, 0)
        self.waiting = 0
        self.offers: set[int] = set()  # offers ringing, not yet reported or cancelled
        self.call_numbers = itertools.count(1)
        self.records = 0
        self.on_handle: Callable[[str, ev.AcdEvent], list] = lambda label, e: self.engine.handle(e)
        self.on_tick: Callable[[float], list] = self.engine.tick
        self.memberships = 0
        self.share: dict[str, float] = dict.fromkeys(QUEUES, 0.0)
        self._configure(agents, {} if big_ring_all else TEAM)

    # --- setup --------------------------------------------------------------------------------------
    def _configure(self, n_agents: int, team: dict[str, float]) -> None:
        static: dict[str, list[MemberSpec]] = {q: [] for q in QUEUES}
        joins: list[ev.AgentJoinQueue] = []
        for i in range(n_agents):
            aid = f"a{i:04d}"
            # weighted sample without replacement (Efraimidis-Spirakis keys)
            keyed = sorted(QUEUES, key=lambda q: -(self.rnd.random() ** (1 / team.get(q, 1.0))))
            mine = keyed[: self.rnd.randint(1, 5)]
            self.memberships += len(mine)
            for j, q in enumerate(mine):
                self.share[q] += 1 / len(mine)
                parallel = QUEUES[q]["strategy"] in ("ring-all", "ring-progressive")
                spec = MemberSpec(
                    aid,
                    0 if parallel else self.rnd.choice((0, 0, 0, 1, 2)),
                    self.rnd.randint(1, 10),
                    self.rnd.choice((0.5, 1.0, 2.0)),
                )
                if j == 0:
                    static[q].append(spec)
                else:  # the rest joined from the agent console
                    joins.append(ev.AgentJoinQueue(aid, q, spec.penalty, spec.skill, spec.weight, at=0.0))
        for q, settings in QUEUES.items():
            self.engine.handle(
                ev.QueueConfigured(QueueConfig(q, members=tuple(static[q]), **settings), at=0.0)
            )
        for i in range(n_agents):
            aid = f"a{i:04d}"
            self.engine.handle(ev.AgentConfigured(AgentConfig(aid, number=str(1000 + i)), at=0.0))
            self.engine.handle(ev.AgentLogin(aid, f"sip:{aid}@agents.local", at=0.0))
        for join in joins:
            self.engine.handle(join)
        total = sum(self.share.values())
        self.share = {q: s / total for q, s in self.share.items()}
        self.engine.drain_records()
        self._at(0.0, "arrive")

    # --- the clock ----------------------------------------------------------------------------------
    def _at(self, t: float, kind: str, *args: Any) -> None:
        heapq.heappush(self.agenda, (t, next(self.tie), kind, args))

    def step(self) -> None:
        """Run the engine's timers due before the next event, then that event."""
        t, _, kind, args = heapq.heappop(self.agenda)
        while (deadline := self.engine.next_deadline()) is not None and deadline <= t:
            self.now = deadline
            self._react(self.on_tick(deadline), None)
        self.now = t
        getattr(self, f"_do_{kind}")(*args)

    def run_until(self, done: Callable[[], bool], limit: int = 1_000_000) -> int:
        """Step until `done()`; return the steps taken."""
        for n in range(limit):
            if done():
                return n
            self.step()
        raise RuntimeError(f"not done after {limit} steps")

    def _send(self, label: str, event: ev.AcdEvent, call_id: str | None = None) -> None:
        self._react(self.on_handle(label, event), call_id)

    # --- events the center sends --------------------------------------------------------------------
    def _do_arrive(self) -> None:
        rate = self.engine_rate() * min(4.0, max(0.1, 1 + (self.target - self.waiting) / 50))
        self._at(self.now + self.rnd.expovariate(rate), "arrive")
        queue_id = self._pick_queue()
        call_id = f"c{next(self.call_numbers)}"
        number = f"9{self.rnd.randrange(CUSTOMERS):07d}"
        self.calls[call_id] = CallRec(queue_id, number, on_line=False)
        priority = 5 if self.rnd.random() < 0.05 else 0
        self._send(
            "caller arrives", ev.CallerArrived(call_id, queue_id, number, priority, at=self.now), call_id
        )
        self._at(self.now + self.rnd.expovariate(1 / 900), "hangup", call_id)
        if QUEUES[queue_id].get("callback_attempts") and self.rnd.random() < 0.3:
            self._at(self.now + self.rnd.uniform(20, 90), "callback", call_id)

    def engine_rate(self) -> float:
        """Return the arrival rate (calls/s) the agents can serve."""
        return self.n_agents / MEAN_HANDLE

    def _pick_queue(self) -> str:
        qids = list(QUEUES)
        weights = [
            max(0.02, 1.1 * self.share[q] * self.target - self.waiting_in[q]) * self.share[q] for q in qids
        ]
        return self.rnd.choices(qids, weights)[0]

    def _do_outcome(self, offer_id: int, result: ev.OfferResult) -> None:
        if offer_id not in self.offers:
            return  # cancelled meanwhile: a real phone would have stopped ringing
        self.offers.discard(offer_id)
        label = "offer answered -> connect" if result is ev.OfferResult.ANSWERED else "offer failed"
        self._send(label, ev.OfferOutcome(offer_id, result, at=self.now))

    def _do_end(self, call_id: str, agent_id: str, talk: float) -> None:
        wrap = QUEUES[self.calls[call_id].queue_id].get("wrap_up", 0.0)
        label = "call ended -> wrap-up" if wrap else "call ended -> agent free"
        self._send(label, ev.CallEnded(call_id, talk, at=self.now), call_id)
        self.calls.pop(call_id, None)
        if wrap and self.rnd.random() < 0.6:
            self._at(self.now + self.rnd.uniform(2, 0.8 * wrap), "wrapup_end", agent_id)

    def _do_wrapup_end(self, agent_id: str) -> None:
        if self.engine.agent_state(agent_id) == "wrap-up":
            self._send("wrap-up ended by agent", ev.WrapUpEnded(agent_id, at=self.now))

    def _do_pause(self, agent_id: str, back_after: float) -> None:
        if self.engine.agent_state(agent_id) != "on-call":
            return
        self._send(
            "pause asked on a call", ev.AgentPause(agent_id, self.rnd.choice(PAUSE_CODES), at=self.now)
        )
        self._at(self.now + back_after, "unpause", agent_id)

    def _do_unpause(self, agent_id: str) -> None:
        if self.engine.agent_state(agent_id) != "paused":
            self._at(self.now + 30.0, "unpause", agent_id)  # the pause has not started yet
            return
        self._send("unpause", ev.AgentUnpause(agent_id, at=self.now))

    def _do_hangup(self, call_id: str) -> None:
        rec = self.calls.get(call_id)
        if rec is not None and rec.on_line:
            self._send("caller hangs up", ev.CallerHangup(call_id, at=self.now), call_id)

    def _do_callback(self, call_id: str) -> None:
        rec = self.calls.get(call_id)
        if rec is None or not rec.on_line or not QUEUES[rec.queue_id].get("callback_attempts"):
            return
        if self.engine.caller_state(call_id) != "waiting":
            self._at(self.now + 10.0, "callback", call_id)  # ringing: ask when it stops
            return
        self._send("callback requested", ev.CallbackRequested(call_id, at=self.now), call_id)

    def _do_cb_outcome(self, call_id: str, result: ev.CallbackResult) -> None:
        if self.engine.caller_state(call_id) == "callback-dialing":
            self._send(
                "callback dial answered/failed", ev.CallbackOutcome(call_id, result, at=self.now), call_id
            )

    # --- actions the engine returns -----------------------------------------------------------------
    def _react(self, actions: list, call_id: str | None) -> None:
        touched = {call_id} if call_id else set()
        rnd = self.rnd
        for a in actions:
            if isinstance(a, Offer):
                self.offers.add(a.offer_id)
                touched.add(a.call_id)
                r = rnd.random()
                if r < 0.92:
                    self._at(self.now + rnd.uniform(2, 8), "outcome", a.offer_id, ev.OfferResult.ANSWERED)
                elif r < 0.95:
                    self._at(self.now + rnd.uniform(1, 5), "outcome", a.offer_id, ev.OfferResult.REJECTED)
                elif r < 0.97:
                    self._at(self.now + rnd.uniform(0.2, 1), "outcome", a.offer_id, ev.OfferResult.BUSY)
                elif r < 0.98:
                    self._at(self.now + rnd.uniform(5, 14), "outcome", a.offer_id, ev.OfferResult.NO_ANSWER)
                # else: nobody reports; the engine's ring_timeout ends it
            elif isinstance(a, CancelOffer):
                self.offers.discard(a.offer_id)
                touched.add(a.call_id)
            elif isinstance(a, Connect):
                touched.add(a.call_id)
                talk = max(10.0, rnd.lognormvariate(math.log(150), 0.6))
                self._at(self.now + talk, "end", a.call_id, a.agent_id, talk)
                if rnd.random() < 0.03:
                    self._at(self.now + rnd.uniform(0, talk), "pause", a.agent_id, rnd.uniform(60, 300))
            elif isinstance(a, Overflow):
                touched.add(a.call_id)
                rec = self.calls.get(a.call_id)
                if rec is not None and a.destination.kind is TargetKind.QUEUE:
                    self._move(rec, a.destination.target)
            elif isinstance(a, StartCallback):
                touched.add(a.call_id)
                if rnd.random() < 0.9:
                    self._at(
                        self.now + rnd.uniform(4, 12), "cb_outcome", a.call_id, ev.CallbackResult.ANSWERED
                    )
                else:
                    self._at(self.now + 25.0, "cb_outcome", a.call_id, ev.CallbackResult.NO_ANSWER)
            elif isinstance(a, AgentAutoPaused):
                self._at(self.now + rnd.uniform(30, 120), "unpause", a.agent_id)
        for cid in touched:
            self._resync(cid)
        self.records += len(self.engine.drain_records())

    def _move(self, rec: CallRec, queue_id: str) -> None:
        if rec.on_line:
            self.waiting_in[rec.queue_id] -= 1
            self.waiting_in[queue_id] += 1
        rec.queue_id = queue_id

    def _resync(self, call_id: str) -> None:
        """Follow one call's state from the engine's public view (on the line or not, or gone)."""
        rec = self.calls.get(call_id)
        if rec is None:
            return
        state = self.engine.caller_state(call_id)
        on_line = state in ON_LINE
        if on_line != rec.on_line:
            delta = 1 if on_line else -1
            self.waiting += delta
            self.waiting_in[rec.queue_id] += delta
            rec.on_line = on_line
        if state is None:
            del self.calls[call_id]


def build_world(
    seed: int = 1, agents: int = 1000, waiting: int = 500, warmup: float = 300.0, big_ring_all: bool = False
) -> CallCenter:
    """Return a center filled to `waiting` callers on the line and run `warmup` simulated seconds.

    It stops exactly when `waiting` callers are on the line, ready to be measured.
    """
    center = CallCenter(seed, agents, waiting, big_ring_all)
    center.run_until(lambda: center.waiting >= waiting)
    settle = center.now + warmup
    center.run_until(lambda: center.now >= settle)
    center.run_until(lambda: center.waiting == waiting)
    return center

"""The supervisor / wallboard view: per-queue counts and per-agent state, as of a given time.

Per queue, over its members: serving (on a call, or reserved for a callback), ringing, wrap-up,
idle (including idle in back-off), paused, logged-out; plus callers waiting on the line, callers
waiting for a callback, the longest wait of a caller on the line (seconds since it entered this
queue), and the estimated wait of a caller entering now (telephony.acd.stats). An agent in two
queues is counted in both. Per agent: state, time in state, current call and its queue, the
pause reason (or the pending one), the queues it is a member of.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from telephony.acd.states import Idle, LoggedOut, OnCall, Paused, Reserved, Ringing, WrapUp
from telephony.acd.stats import estimate_wait

if TYPE_CHECKING:
    from telephony.acd.callers import CallerOps


@dataclasses.dataclass(frozen=True)
class QueueSnapshot:
    """One queue's live figures."""

    queue_id: str
    strategy: str
    waiting: int
    callbacks: int
    longest_wait: float
    estimated_wait: float | None
    serving: int
    ringing: int
    wrap_up: int
    idle: int
    paused: int
    logged_out: int


@dataclasses.dataclass(frozen=True)
class AgentSnapshot:
    """One agent's live state."""

    agent_id: str
    number: str
    name: str
    state: str
    since: float
    time_in_state: float
    call_id: str | None
    queue_id: str | None
    pause_reason: str | None
    queues: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class Snapshot:
    """Every queue and agent, as of `at`."""

    at: float
    queues: tuple[QueueSnapshot, ...]
    agents: tuple[AgentSnapshot, ...]

    def queue(self, queue_id: str) -> QueueSnapshot:
        """Return one queue's figures (KeyError if absent)."""
        for q in self.queues:
            if q.queue_id == queue_id:
                return q
        raise KeyError(queue_id)

    def agent(self, agent_id: str) -> AgentSnapshot:
        """Return one agent's state (KeyError if absent)."""
        for a in self.agents:
            if a.agent_id == agent_id:
                return a
        raise KeyError(agent_id)


_COUNTED = {
    OnCall: "serving",
    Reserved: "serving",
    Ringing: "ringing",
    WrapUp: "wrap_up",
    Idle: "idle",
    Paused: "paused",
    LoggedOut: "logged_out",
}


def build_snapshot(engine: CallerOps, now: float) -> Snapshot:
    """Return the snapshot of an engine's queues and agents as of `now`."""
    queues = []
    for queue in engine._queues.values():
        counts = dict.fromkeys(set(_COUNTED.values()), 0)
        for agent_id in queue.members:
            agent = engine._agents.get(agent_id)
            if agent is not None:
                counts[_COUNTED[type(agent.state)]] += 1
        on_line = [c for _, c in queue.callers if c.state.on_line]
        longest = max((now - c.arrived_at for c in on_line), default=0.0)
        ewt = estimate_wait(len(on_line) + 1, queue.handle_times.average(), engine._staffed(queue))
        queues.append(
            QueueSnapshot(
                queue.queue_id,
                queue.config.strategy,
                len(on_line),
                len(queue.callers) - len(on_line),
                longest,
                ewt,
                **counts,
            )
        )
    agents = []
    for agent in engine._agents.values():
        state = agent.state
        call_id = getattr(state, "call_id", None)
        queue_id = getattr(state, "queue_id", None)
        reason = state.reason if isinstance(state, Paused) else agent.pending_pause
        member_of = tuple(engine._member_of.get(agent.agent_id, ()))
        agents.append(
            AgentSnapshot(
                agent.agent_id,
                agent.config.number,
                agent.config.name,
                state.name,
                agent.since,
                now - agent.since,
                call_id,
                queue_id,
                reason,
                member_of,
            )
        )
    return Snapshot(now, tuple(queues), tuple(agents))

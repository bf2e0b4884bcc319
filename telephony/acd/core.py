"""The engine's shared state and the helpers every part of it uses (emit, record, transition).

AcdEngine is assembled from mixins over this base, one per concept: agents (telephony.acd.agents),
callers (callers), offers (offers), callbacks (callbacks) and matching (matcher). They share the
state below and call each other's methods through `self`; nothing outside the package touches it.
"""

from __future__ import annotations

import itertools
import logging
import random
from collections.abc import Iterable

from telephony.acd.actions import Action
from telephony.acd.affinity import AffinityMemory
from telephony.acd.errors import UnknownAgent, UnknownQueue
from telephony.acd.model import Agent, Caller, OfferInfo, QueueRuntime
from telephony.acd.records import AgentStateChanged, Record
from telephony.acd.rejoin import RejoinMemory
from telephony.acd.states import Idle, OnCall, Paused, Reserved, Ringing, State, WrapUp, transition
from telephony.acd.timers import Timers

log = logging.getLogger(__name__)


class EngineCore:
    """State and helpers shared by the engine's parts."""

    def __init__(self, rng: random.Random, pause_codes: Iterable[str] | None = None) -> None:
        self.rng = rng
        self._pause_codes = frozenset(pause_codes) if pause_codes is not None else None
        self._queues: dict[str, QueueRuntime] = {}
        self._agents: dict[str, Agent] = {}
        self._member_of: dict[str, dict[str, None]] = {}  # agent id -> queue ids, in join order
        self._callers: dict[str, Caller] = {}
        self._offers: dict[int, OfferInfo] = {}
        self._idle: dict[str, None] = {}  # agents in the idle state, in the order they got there
        self._holds: dict[str, None] = {}  # callers with a preferred agent (affinity)
        self._callback_waiting = 0  # callers in callback-waiting (worth a matching pass)
        self._timers = Timers()
        self._now = float("-inf")
        self._out: list[Action] = []
        self._records: list[Record] = []
        self._seq = itertools.count(1)
        self._offer_ids = itertools.count(1)
        self._affinity = AffinityMemory()
        self._rejoin = RejoinMemory()
        self._keep_load = 3600.0  # longest stats_window of any queue
        self._keep_rejoin = 0.0
        self._keep_affinity_days = 0.0

    # --- output -------------------------------------------------------------------------------------
    def _emit(self, action: Action) -> None:
        self._out.append(action)

    def _record(self, record: Record) -> None:
        self._records.append(record)

    # --- lookups ------------------------------------------------------------------------------------
    def _queue(self, queue_id: str) -> QueueRuntime:
        try:
            return self._queues[queue_id]
        except KeyError:
            raise UnknownQueue(queue_id) from None

    def _agent(self, agent_id: str) -> Agent:
        try:
            return self._agents[agent_id]
        except KeyError:
            raise UnknownAgent(agent_id) from None

    def _queues_of(self, agent_id: str) -> list[QueueRuntime]:
        return [self._queues[q] for q in self._member_of.get(agent_id, ()) if q in self._queues]

    def _add_member_index(self, agent_id: str, queue_id: str) -> None:
        self._member_of.setdefault(agent_id, {})[queue_id] = None

    def _drop_member_index(self, agent_id: str, queue_id: str) -> None:
        self._member_of.get(agent_id, {}).pop(queue_id, None)

    # --- transitions --------------------------------------------------------------------------------
    def _agent_to(self, agent: Agent, event: str, *args: object) -> State:
        """Run an agent event; keep the idle index and the event log in step with the new state."""
        old, new = transition(agent, event, *args, at=self._now)
        if isinstance(new, Idle):
            self._idle[agent.agent_id] = None
        else:
            self._idle.pop(agent.agent_id, None)
        changed = type(new) is not type(old) or (isinstance(new, Paused) and new != old)
        if changed:
            call_id = queue_id = ""
            if isinstance(new, Ringing | OnCall | Reserved | WrapUp):
                call_id, queue_id = new.call_id, new.queue_id
            self._record(
                AgentStateChanged(
                    self._now,
                    agent.agent_id,
                    old.name,
                    new.name,
                    new.reason if isinstance(new, Paused) else "",
                    call_id,
                    queue_id,
                )
            )
        return new

    def _caller_to(self, caller: Caller, event: str, *args: object) -> State:
        """Run a caller event and return the caller's new state."""
        return transition(caller, event, *args, at=self._now)[1]

    # --- what strategies may ask (RankContext) -----------------------------------------------------
    def idle_since(self, agent_id: str) -> float:
        """End of the agent's last call or wrap-up on any queue (login time if none since)."""
        return self._agents[agent_id].idle_since

    def answered_since(self, agent_id: str, since: float) -> int:
        """Calls the agent answered on any queue at or after `since`."""
        return self._agents[agent_id].load.answered_since(since)

    def talk_since(self, agent_id: str, since: float) -> float:
        """Talk time of the agent's calls on any queue that ended at or after `since`."""
        return self._agents[agent_id].load.talk_since(since)

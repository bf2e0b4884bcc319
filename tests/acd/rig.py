"""A test rig around AcdEngine: a manual clock, one-line helpers per event, and action filters."""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import Any, TypeVar

from telephony.acd import AcdEngine, AgentConfig, QueueConfig
from telephony.acd import events as ev
from telephony.acd.actions import Action, Offer

A = TypeVar("A", bound=Action)


def queue(queue_id: str = "q", members: Iterable[str] = (), **kw: Any) -> QueueConfig:
    """Return a QueueConfig with static members given by agent id (defaults for the rest)."""
    from telephony.acd.config import MemberSpec

    specs = tuple(m if isinstance(m, MemberSpec) else MemberSpec(m) for m in members)
    kw.setdefault("retry_delay", 0.0)
    kw.setdefault("backoff_rejected", 0.0)
    kw.setdefault("backoff_busy", 0.0)
    kw.setdefault("backoff_no_answer", 0.0)
    return QueueConfig(queue_id, members=specs, **kw)


class Rig:
    """Drive an engine with a manual clock; every action emitted is kept in `actions`."""

    def __init__(
        self,
        *queues: QueueConfig,
        agents: Iterable[str] = (),
        seed: int = 0,
        pause_codes: Iterable[str] | None = None,
    ) -> None:
        self.engine = AcdEngine(rng=random.Random(seed), pause_codes=pause_codes)
        self.now = 0.0
        self.actions: list[Action] = []
        for a in agents:
            self._at(ev.AgentConfigured, AgentConfig(a, number="8" + a[1:]))
        for q in queues:
            self._at(ev.QueueConfigured, q)

    # --- time and events -----------------------------------------------------------------------------
    def send(self, event_without_time: Any) -> list[Action]:
        """Stamp the event (a dataclass built with at=... or via `make`) and handle it."""
        out = self.engine.handle(event_without_time)
        self.actions.extend(out)
        return out

    def advance(self, to: float) -> list[Action]:
        """Move the clock to `to` and fire the timers due."""
        self.now = to
        out = self.engine.tick(to)
        self.actions.extend(out)
        return out

    def run_until(self, to: float) -> list[Action]:
        """Move the clock to `to` deadline by deadline (as a loop calling tick at each deadline would)."""
        out: list[Action] = []
        while (d := self.engine.next_deadline()) is not None and d <= to:
            out += self.advance(d)
        out += self.advance(to)
        return out

    # --- one helper per event --------------------------------------------------------------------
    def _at(self, cls: type, *args: Any, **kw: Any) -> list[Action]:
        return self.send(cls(*args, at=self.now, **kw))

    def login(self, *agents: str) -> list[Action]:
        out: list[Action] = []
        for a in agents:
            out += self._at(ev.AgentLogin, a, f"sip:{a}@box")
        return out

    def logout(self, agent: str) -> list[Action]:
        return self._at(ev.AgentLogout, agent)

    def pause(self, agent: str, reason: str = "break") -> list[Action]:
        return self._at(ev.AgentPause, agent, reason)

    def unpause(self, agent: str) -> list[Action]:
        return self._at(ev.AgentUnpause, agent)

    def join(self, agent: str, queue_id: str = "q", **kw: Any) -> list[Action]:
        return self._at(ev.AgentJoinQueue, agent, queue_id, **kw)

    def leave(self, agent: str, queue_id: str = "q") -> list[Action]:
        return self._at(ev.AgentLeaveQueue, agent, queue_id)

    def arrive(self, call: str, queue_id: str = "q", number: str | None = None, **kw: Any) -> list[Action]:
        return self._at(ev.CallerArrived, call, queue_id, number or f"555{call}", **kw)

    def hangup(self, call: str) -> list[Action]:
        return self._at(ev.CallerHangup, call)

    def outcome(self, offer: Offer | int, result: str) -> list[Action]:
        offer_id = offer if isinstance(offer, int) else offer.offer_id
        return self._at(ev.OfferOutcome, offer_id, ev.OfferResult(result))

    def answer(self, offer: Offer | int) -> list[Action]:
        return self.outcome(offer, "answered")

    def end(self, call: str, talk: float = 60.0) -> list[Action]:
        return self._at(ev.CallEnded, call, talk)

    def wrapup_done(self, agent: str) -> list[Action]:
        return self._at(ev.WrapUpEnded, agent)

    def callback(self, call: str, number: str = "") -> list[Action]:
        return self._at(ev.CallbackRequested, call, number)

    def callback_outcome(self, call: str, result: str) -> list[Action]:
        return self._at(ev.CallbackOutcome, call, ev.CallbackResult(result))

    # --- reading the engine ------------------------------------------------------------------------
    def ringing(self, agent: str) -> Offer:
        """Return the latest Offer made to `agent`."""
        return next(a for a in reversed(self.actions) if isinstance(a, Offer) and a.agent_id == agent)

    def state(self, agent: str) -> str:
        return self.engine.agent_state(agent)

    def records(self) -> list[Any]:
        return self.engine.drain_records()

    def serve(self, call: str, agent: str, talk: float = 60.0) -> None:
        """Answer the latest offer of `call` to `agent`, then end the call."""
        self.answer(self.ringing(agent))
        self.end(call, talk)


def only(actions: Iterable[Action], kind: type[A]) -> list[A]:
    """Return the actions of one kind, in order."""
    return [a for a in actions if isinstance(a, kind)]


def offered(actions: Iterable[Action]) -> list[tuple[str, str]]:
    """Return (call id, agent id) of every Offer, in order."""
    return [(a.call_id, a.agent_id) for a in only(actions, Offer)]

"""Fixtures for the E1 tests: a simulated carrier on a pty and the real driver + span against it."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from hal import events
from hal.drivers.e1_uart import E1Uart
from hal.e1.span import Span
from hal.sim.carrier import CarrierSim


class EventLog:
    """Collects what the span posts; waits for an event with a deadline."""

    def __init__(self) -> None:
        self.events: list[events.HalEvent] = []
        self._cond = threading.Condition()

    def post(self, event: events.HalEvent) -> None:
        with self._cond:
            self.events.append(event)
            self._cond.notify_all()

    def mark(self) -> int:
        with self._cond:
            return len(self.events)

    def of(self, kind: type, since: int = 0) -> list:
        with self._cond:
            return [e for e in self.events[since:] if isinstance(e, kind)]

    def wait(self, kind: type, timeout: float = 5.0, since: int = 0, **fields: object) -> events.HalEvent:
        def match() -> events.HalEvent | None:
            return next(
                (
                    e
                    for e in self.events[since:]
                    if isinstance(e, kind) and all(getattr(e, k) == v for k, v in fields.items())
                ),
                None,
            )

        with self._cond:
            if not self._cond.wait_for(match, timeout):
                raise TimeoutError(
                    f"no {kind.__name__} {fields or ''} within {timeout} s; got {self.events[since:]}"
                )
            return match()  # type: ignore[return-value]


def wait_until(predicate: Callable[[], object], timeout: float = 5.0, what: str = "condition") -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.005)
    raise TimeoutError(f"timed out waiting for {what}")


@dataclasses.dataclass
class Rig:
    carrier: CarrierSim
    span: Span
    log: EventLog

    def incoming(self, calling: str = "13800138000", called: str = "8001") -> tuple[int, events.E1Setup]:
        """Carrier offers a call; return (carrier call id, the E1Setup the box saw)."""
        mark = self.log.mark()
        call_id = self.carrier.call(calling, called)
        setup = self.log.wait(events.E1Setup, since=mark, calling=calling, called=called)
        return call_id, setup  # type: ignore[return-value]

    def answered(self, calling: str = "13800138000", called: str = "8001") -> tuple[int, events.E1Setup]:
        call_id, setup = self.incoming(calling, called)
        self.span.answer(setup.call_ref)
        self.carrier.wait_for(
            lambda: "connect" in self.carrier.event_names(call_id), what="CONNECT at the carrier"
        )
        return call_id, setup


@pytest.fixture
def make_rig(tmp_path) -> Iterator[Callable[..., Rig]]:
    """Start carrier + span rigs with options: `span_options` for the box's PriSignalling (e.g.
    call_timers, restart_on_link_up), the rest for CarrierSim. Everything is stopped afterwards."""
    started: list[Rig] = []

    def make(span_options: dict[str, Any] | None = None, **carrier_options: Any) -> Rig:
        directory = tmp_path / f"carrier{len(started)}"
        directory.mkdir()
        carrier = CarrierSim(directory, **carrier_options).start()
        log = EventLog()
        span = Span(
            "e1",
            line=E1Uart(carrier.path, reconnect_interval=0.05),
            post=log.post,
            signalling_options=span_options,
        ).start()
        started.append(Rig(carrier, span, log))
        log.wait(events.SpanUp)
        carrier.wait_for(lambda: carrier.link_up, what="the carrier's D-channel")
        return started[-1]

    try:
        yield make
    finally:
        for rig in started:
            rig.span.stop()
            rig.carrier.close()


@pytest.fixture
def rig(make_rig) -> Rig:
    return make_rig()

"""Fixtures for the HAL tests: simulated boards built from the real board files, an event log."""

from __future__ import annotations

import time
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from hal.board import BoardSpec, board_path, parse_board
from hal.builder import Board, build_board
from hal.events import HalEvent
from hal.sim.backend import SimBackend
from hal.sim.control import SimControl

SIM_FILE = board_path("sim")


def wait_until(predicate: Callable[[], Any], timeout: float, what: str, interval: float = 0.01) -> Any:
    """Poll until predicate() is truthy; fail naming what was awaited after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def sim_document() -> dict[str, Any]:
    return tomllib.loads(SIM_FILE.read_text())


def analog_spec(**board: Any) -> BoardSpec:
    """The sim board file's analog slots only (4 FXS, 4 FXO), so these tests do not run the E1 stack."""
    doc = sim_document()
    doc["slots"] = [s for s in doc["slots"] if s["kind"] in ("fxs", "fxo")]
    doc["board"].update(board)
    return parse_board(doc, str(SIM_FILE))


class EventLog:
    """Everything the board posted so far (drained as tests wait), with typed lookups."""

    def __init__(self, board: Board) -> None:
        self.board = board
        self.events: list[HalEvent] = []

    def pull(self) -> list[HalEvent]:
        self.events.extend(self.board.drain_events())
        return self.events

    def of(self, kind: type, port: str | None = None) -> list[Any]:
        return [e for e in self.pull() if isinstance(e, kind) and (port is None or e.port == port)]

    def wait(self, kind: type, port: str | None = None, count: int = 1, timeout: float = 5.0) -> list[Any]:
        return wait_until(
            lambda: len(self.of(kind, port)) >= count and self.of(kind, port),
            timeout,
            f"{count} {kind.__name__} event(s) on {port or 'any port'}",
        )


class SimBoard:
    """A started simulated board with its control surface and event log."""

    def __init__(self, board: Board) -> None:
        self.board = board
        self.control = SimControl(board)
        self.log = EventLog(board)

    def port(self, name: str) -> Any:
        return self.board.ports[name]

    def far_events(self, port: str, kind: str) -> list[dict[str, Any]]:
        return [e for e in self.control.events(port) if e["type"] == kind]

    def wait_far(self, port: str, kind: str, count: int = 1, timeout: float = 5.0) -> list[dict[str, Any]]:
        return wait_until(
            lambda: len(self.far_events(port, kind)) >= count and self.far_events(port, kind),
            timeout,
            f"{count} '{kind}' seen at the far end of {port}",
        )


def start_sim(spec: BoardSpec, **backend: Any) -> SimBoard:
    board = build_board(spec, SimBackend(spec, **backend))
    board.start()
    return SimBoard(board)


@pytest.fixture
def sim() -> Iterator[SimBoard]:
    """A started analog simulated board (China profile)."""
    s = start_sim(analog_spec())
    yield s
    s.board.stop()


@pytest.fixture
def write_board(tmp_path: Path) -> Callable[[str], Path]:
    """Write a board file into a temporary board-configs directory and return its path."""

    def write(text: str, name: str = "test") -> Path:
        path = tmp_path / name / "board.toml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path

    return write

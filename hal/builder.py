"""Build a running Board from a BoardSpec and a backend: modules per slot, ports by stable name.

    spec = load_board("sim")                      # or open_board("sim"): picks the backend
    board = build_board(spec, SimBackend(spec))
    board.start()
    ...  board.ports["fxs1"].ring(CallerIdInfo("13800138000"))
    for event in board.drain_events(): ...        # non-blocking, from the core's loop
    board.stop()

Each slot's `kind` picks a factory from hal.modules' registry. A kind without a driver, or a
factory that raises, yields faulty placeholder ports (PortFaulted at start) and the rest of the
board runs. Each PCM bus gets a LineClock thread that moves the frames of the modules on it.
"""

from __future__ import annotations

import logging
import queue
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from hal.backend import Backend, HardwareBackend
from hal.board import BoardSpec, load_board
from hal.clock import LineClock
from hal.country import country
from hal.drivers.gpio import StatusLed
from hal.errors import HalError, ModuleUnavailable
from hal.events import HalEvent
from hal.modules import LineModule, ModuleContext, UnavailableModule, module_factory
from hal.ports import Port

log = logging.getLogger(__name__)


class Board:
    """A built board: ports by name, modules, line clocks and one event queue."""

    def __init__(self, spec: BoardSpec, backend: Backend) -> None:
        self.spec = spec
        self.backend = backend
        self.country = country(spec.country)
        self.modules: list[LineModule] = []
        self.ports: dict[str, Port] = {}
        self.clocks: list[LineClock] = []
        self._events: queue.Queue[HalEvent] = queue.Queue()
        self._status_led: StatusLed | None = None
        self.started = False

    @property
    def sim_peers(self) -> dict[str, Any]:
        """Simulated far ends by port name (phones, PSTN lines, the E1 carrier); empty on hardware."""
        return self.backend.peers

    def post(self, event: HalEvent) -> None:
        """Queue an event for the core (any thread)."""
        self._events.put_nowait(event)

    def drain_events(self) -> list[HalEvent]:
        """Return every queued event without blocking (the core's loop calls this)."""
        out = []
        while True:
            try:
                out.append(self._events.get_nowait())
            except queue.Empty:
                return out

    def wait_events(self, timeout: float) -> list[HalEvent]:
        """Block up to `timeout` seconds for at least one event, then drain."""
        try:
            first = self._events.get(timeout=timeout)
        except queue.Empty:
            return []
        return [first, *self.drain_events()]

    def now(self) -> float:
        """Line-clock time (the first PCM bus's), else monotonic time."""
        return self.clocks[0].bus.now() if self.clocks else time.monotonic()

    def port(self, name: str) -> Port:
        try:
            return self.ports[name]
        except KeyError:
            raise KeyError(f"no port {name!r} (ports: {', '.join(self.ports)})") from None

    def __iter__(self) -> Iterator[Port]:
        return iter(self.ports.values())

    def start(self) -> None:
        """Probe and initialise every module (faults become PortFaulted), then start the line clocks."""
        for module in self.modules:
            try:
                module.start()
            except (HalError, OSError) as exc:
                module.fail(f"{module.slot.name}: {exc}")
            except Exception as exc:  # a module's bug must not keep the other slots down
                log.exception("slot %s failed to start", module.slot.name)
                module.fail(f"{module.slot.name}: internal error: {exc}")
        by_bus: dict[str, list[LineModule]] = {}
        for module in self.modules:
            if module.slot.pcm and module.pcm_slots:
                by_bus.setdefault(module.slot.pcm, []).append(module)
        for bus_name, modules in by_bus.items():
            try:
                bus = self.backend.open_pcm(self.spec.buses[bus_name])
            except (HalError, OSError) as exc:
                for module in modules:
                    module.fail(f"PCM bus {bus_name} unusable: {exc}")
                continue
            clock = LineClock(bus, modules)
            clock.start()
            self.clocks.append(clock)
        if self.spec.status_led is not None:
            self._status_led = StatusLed(self.spec.status_led, pin_factory=self.backend.pin_factory)
            self._status_led.set(True)
        self.started = True
        log.info("board %s started: %d ports, %d faulty", self.spec.name, len(self.ports), len(self.faulty()))

    def stop(self) -> None:
        """Stop the clocks, quiesce the modules and release the buses."""
        for clock in self.clocks:
            clock.stop()
        self.clocks.clear()
        for module in self.modules:
            try:
                module.stop()
            except (HalError, OSError) as exc:
                log.warning("stopping %s: %s", module.slot.name, exc)
        if self._status_led is not None:
            self._status_led.close()
            self._status_led = None
        self.backend.close()
        self.started = False

    def __enter__(self) -> Board:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def faulty(self) -> list[str]:
        return [name for name, port in self.ports.items() if port.faulty]

    def info(self) -> dict[str, Any]:
        """Board, ports and clocks for status pages (JSON-ready)."""
        return {
            "board": self.spec.name,
            "file": self.spec.file,
            "backend": self.backend.kind,
            "country": self.spec.country,
            "started": self.started,
            "ports": [port.info() for port in self.ports.values()],
            "modules": [module.info() for module in self.modules],
            "clocks": [clock.info() for clock in self.clocks],
        }


def build_board(spec: BoardSpec, backend: Backend) -> Board:
    """Build (not start) a board: one module per slot from the registry, ports by stable name."""
    board = Board(spec, backend)
    for slot in spec.slots:
        ctx = ModuleContext(spec, slot, backend, board.country, board.post, _clock(backend, spec, slot.pcm))
        module: LineModule
        try:
            module = module_factory(slot.kind)(ctx)
        except ModuleUnavailable as exc:
            log.error("slot %s: %s", slot.name, exc)
            module = UnavailableModule(ctx, str(exc))
        except (HalError, OSError) as exc:
            log.error("slot %s: module could not be built: %s", slot.name, exc)
            module = UnavailableModule(ctx, f"module could not be built: {exc}")
        except Exception as exc:  # a module's bug must not keep the other slots down
            log.exception("slot %s: module could not be built", slot.name)
            module = UnavailableModule(ctx, f"module could not be built: internal error: {exc}")
        board.modules.append(module)
        for port in module.ports:
            if port.name in board.ports:
                raise HalError(f"slot {slot.name}: port name {port.name} already taken")
            board.ports[port.name] = port
    return board


def _clock(backend: Backend, spec: BoardSpec, pcm: str | None) -> Callable[[], float]:
    """The line-clock time of a slot: its PCM bus's (opened on first use), else monotonic time."""
    if pcm is None:
        return time.monotonic
    return lambda: backend.open_pcm(spec.buses[pcm]).now()


def open_board(name_or_path: str | Path = "sim", backend: Backend | None = None) -> Board:
    """Load a board file and build it on the given backend, or the one the file names ('sim'/'hardware')."""
    spec = load_board(name_or_path)
    if backend is None:
        if spec.backend == "sim":
            from hal.sim.backend import SimBackend  # the simulator only when asked for

            backend = SimBackend(spec)
        else:
            backend = HardwareBackend(spec)
    return build_board(spec, backend)

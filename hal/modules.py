"""Line-module kinds: a registry from the board file's slot `kind` to the factory that builds it.

A module kind registers itself::

    from hal.modules import LineModule, ModuleContext, register_module

    @register_module("e1")
    class E1Module(LineModule):
        def __init__(self, ctx: ModuleContext) -> None:
            super().__init__(ctx)
            self.ports = [...]          # Port objects named ctx.slot.port_names (plus e.g. e1/1..e1/30)
        def start(self) -> None: ...    # probe chips, open ctx.backend.open_uart(ctx.bus(ctx.slot.uart))...
        def stop(self) -> None: ...

The builder imports the package named in MODULE_PACKAGES for each kind it meets (so the package's
import runs the decorator), calls the factory with a ModuleContext, and collects `ports`.
Modules carrying voice on the board's PCM bus list their time slots in `pcm_slots` and implement
pcm_exchange(); the board's line clock calls it every 20 ms on one thread. Events go through
ctx.post (thread-safe). In the simulator, a module's far-end objects are kept in
ctx.backend.peers[port_name] (see hal.sim.backend.register_sim_hardware), where the control
surface finds them.
"""

from __future__ import annotations

import abc
import dataclasses
import importlib
import logging
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from hal.board import BoardSpec, BusSpec, SlotSpec
from hal.country import CountryProfile
from hal.errors import ModuleUnavailable
from hal.events import HalEvent, PortFaulted
from hal.ports import Port

if TYPE_CHECKING:
    from hal.backend import Backend

log = logging.getLogger(__name__)

# Module kind -> package whose import registers it (data table; add a row for a new kind).
MODULE_PACKAGES: dict[str, str] = {
    "fxs": "hal.analog.modules",
    "fxo": "hal.analog.modules",
    "e1": "hal.e1",
}


@dataclasses.dataclass(frozen=True)
class ModuleContext:
    """Everything a module factory gets: its slot, the board, the backend, the country, an event sink."""

    board: BoardSpec
    slot: SlotSpec
    backend: Backend
    country: CountryProfile
    post: Callable[[HalEvent], None]
    clock: Callable[[], float]  # line-clock time (PCM bus time; monotonic seconds)

    def bus(self, name: str | None) -> BusSpec:
        if name is None or name not in self.board.buses:
            raise KeyError(f"slot {self.slot.name} names no bus {name!r}")
        return self.board.buses[name]

    @property
    def pin_factory(self) -> Any:
        return self.backend.pin_factory

    @property
    def caller_id(self) -> str:
        """The caller-ID standard ports of this board use: the board's override or the country's."""
        return self.board.caller_id or self.country.caller_id


class LineModule(abc.ABC):
    """One line module in a slot: owns its chips and its ports.

    Subclasses set `ports` in __init__ (names from ctx.slot.port_names, never raising for a missing
    chip: probe in start()), override start() and stop(), and, when they carry voice on the PCM
    bus, set `pcm_slots` and override pcm_exchange().
    """

    def __init__(self, ctx: ModuleContext) -> None:
        self.ctx = ctx
        self.ports: list[Port] = []
        self.pcm_slots: list[int] = []

    @property
    def slot(self) -> SlotSpec:
        return self.ctx.slot

    @abc.abstractmethod
    def start(self) -> None:
        """Probe and initialise the chips; mark ports whose chip does not answer faulty (fail_port)."""

    def stop(self) -> None:  # noqa: B027 - an optional hook, not abstract
        """Quiesce the chips and release buses and pins (called once; must not raise)."""

    def pcm_exchange(self, now: float, rx: Mapping[int, bytes]) -> dict[int, bytes]:
        """Take this period's received frame of each of pcm_slots; return the frames to send."""
        return {}

    def fail_port(self, port: Port, reason: str) -> None:
        """Mark one port faulty and tell the core (once per fault)."""
        if port.fault == reason:
            return
        port.fault = reason
        log.error("%s: port faulty: %s", port.name, reason)
        self.ctx.post(PortFaulted(port.name, reason))

    def fail(self, reason: str) -> None:
        """Mark every port of the module faulty."""
        for port in self.ports:
            self.fail_port(port, reason)

    def info(self) -> dict[str, Any]:
        return {"slot": self.slot.name, "kind": self.slot.kind, "ports": [p.name for p in self.ports]}


class FaultyPort(Port):
    """A port whose module could not be built (no driver, or the factory failed): always faulty."""

    def __init__(self, name: str, kind: str, reason: str) -> None:
        super().__init__(name)
        self.kind = kind
        self.fault = reason

    def state(self) -> str:
        return "faulty"


class UnavailableModule(LineModule):
    """Stands in for a module that could not be built, so its ports still show (as faulty)."""

    def __init__(self, ctx: ModuleContext, reason: str) -> None:
        super().__init__(ctx)
        self.reason = reason
        self.ports = [FaultyPort(name, ctx.slot.kind, reason) for name in ctx.slot.port_names]

    def start(self) -> None:
        for port in self.ports:
            log.error("%s: port faulty: %s", port.name, self.reason)
            self.ctx.post(PortFaulted(port.name, self.reason))


ModuleFactory = Callable[[ModuleContext], LineModule]
F = TypeVar("F", bound=ModuleFactory)
_FACTORIES: dict[str, ModuleFactory] = {}


def register_module(kind: str) -> Callable[[F], F]:
    """Class/function decorator: build slots of `kind` with this factory (ModuleContext -> LineModule)."""

    def decorate(factory: F) -> F:
        if kind in _FACTORIES and _FACTORIES[kind] is not factory:
            log.warning("module kind %r re-registered by %r", kind, factory)
        _FACTORIES[kind] = factory
        return factory

    return decorate


def module_factory(kind: str) -> ModuleFactory:
    """Return the factory for a module kind, importing its package first; ModuleUnavailable if none."""
    if kind not in _FACTORIES and kind in MODULE_PACKAGES:
        try:
            importlib.import_module(MODULE_PACKAGES[kind])
        except ModuleNotFoundError as exc:
            raise ModuleUnavailable(f"no driver for module kind {kind!r}: {exc}") from exc
    try:
        return _FACTORIES[kind]
    except KeyError:
        raise ModuleUnavailable(f"no driver registered for module kind {kind!r}") from None


def registered_kinds() -> list[str]:
    return sorted(_FACTORIES)

"""The simulator backend: builds simulated hardware for a board file and hands the drivers its buses.

    spec = load_board("sim")
    backend = SimBackend(spec, absent_slots={"slot2"})   # slot2's module is not plugged in
    board = build_board(spec, backend)

Pins come from a gpiozero MockFactory; each I2C bus is a FakeSMBus; each SPI chip select a
FakeSpiDevice (0xFF when nothing is there); each PCM bus a SimPcmBus; each UART a pty (the far
side's fd in `uart_peers`). What sits in a slot is built by the function registered for the slot's
kind with @register_sim_hardware(kind) - fxs/fxo in hal.sim.analog; kinds without one (e1: its
module starts its own simulated carrier) get nothing here. Far ends go into `peers` by port name.
"""

from __future__ import annotations

import importlib
import logging
import os
import tty
from collections.abc import Callable, Iterable
from typing import Any

from hal.backend import Backend
from hal.board import BoardSpec, BusSpec, SlotSpec
from hal.country import country
from hal.drivers import bus as real_bus
from hal.drivers import gpio
from hal.drivers.pcm import PcmBus
from hal.sim.i2c import FakeSMBus
from hal.sim.pcm import SimPcmBus
from hal.sim.spi import FakeSpiChip, FakeSpiDevice

log = logging.getLogger(__name__)

SIM_PACKAGES: dict[str, str] = {"fxs": "hal.sim.analog", "fxo": "hal.sim.analog"}

SimHardware = Callable[["SimBackend", SlotSpec], None]
_HARDWARE: dict[str, SimHardware] = {}


def register_sim_hardware(kind: str) -> Callable[[SimHardware], SimHardware]:
    """Decorator: populate a slot of `kind` with fake chips and far ends (backend, slot) -> None."""

    def decorate(fn: SimHardware) -> SimHardware:
        _HARDWARE[kind] = fn
        return fn

    return decorate


class SimBackend(Backend):
    """Simulated buses and chips for one board; `absent_slots` leaves modules out, `dead_ports` chips."""

    kind = "sim"

    def __init__(
        self, spec: BoardSpec, *, absent_slots: Iterable[str] = (), dead_ports: Iterable[str] = ()
    ) -> None:
        super().__init__(spec)
        self.country = country(spec.country)
        self.pin_factory = gpio.mock_pin_factory()
        self.absent_slots = set(absent_slots)
        self.dead_ports = set(dead_ports)
        self.i2c = {name: FakeSMBus(name) for name, b in spec.buses.items() if b.type == "i2c"}
        self.pcm = {name: SimPcmBus(name, b.slots) for name, b in spec.buses.items() if b.type == "pcm"}
        self.spi_chips: dict[tuple[str, int], FakeSpiChip] = {}
        self.uart_peers: dict[str, int] = {}
        for slot in spec.slots:
            if slot.name in self.absent_slots:
                log.info("sim: slot %s left empty", slot.name)
                continue
            populate = _sim_hardware(slot.kind)
            if populate is not None:
                populate(self, slot)

    def _open_i2c(self, bus: BusSpec) -> Any:
        return self.i2c[bus.name]

    def _open_spi(self, bus: BusSpec, chip_select: int) -> Any:
        chip = self.spi_chips.get((bus.name, chip_select))
        return FakeSpiDevice(chip, f"{bus.name}.{chip_select}")

    def _open_uart(self, bus: BusSpec) -> Any:
        master, slave = os.openpty()
        tty.setraw(slave)
        self.uart_peers[bus.name] = master
        port = real_bus.open_serial(os.ttyname(slave), bus.baud)
        os.close(slave)  # pyserial holds its own descriptor
        return port

    def _open_pcm(self, bus: BusSpec) -> PcmBus:
        return self.pcm[bus.name]

    def close(self) -> None:
        super().close()
        for fd in self.uart_peers.values():
            try:
                os.close(fd)
            except OSError:
                pass
        self.uart_peers.clear()


def _sim_hardware(kind: str) -> SimHardware | None:
    if kind not in _HARDWARE and kind in SIM_PACKAGES:
        importlib.import_module(SIM_PACKAGES[kind])
    return _HARDWARE.get(kind)

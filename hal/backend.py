"""Backends: where a board's buses and pins come from. Drivers get the objects, never a global.

HardwareBackend opens the real devices (/dev/i2c-N, /dev/spidevB.C, UARTs, ALSA, the GPIO chip).
hal.sim.backend.SimBackend hands out simulated ones (MockFactory pins, fake I2C/SPI chips, a sim
PCM bus, ptys) that the same drivers use. A bus is opened once and shared by every module on it.
"""

from __future__ import annotations

import abc
import logging
from collections.abc import Callable
from typing import Any

from hal.board import BoardSpec, BusSpec
from hal.drivers import bus as real_bus
from hal.drivers import gpio
from hal.drivers.pcm import AlsaPcmBus, PcmBus

log = logging.getLogger(__name__)


class Backend(abc.ABC):
    """Opens the buses of one board; subclasses implement the _open_* methods."""

    kind = ""

    def __init__(self, spec: BoardSpec) -> None:
        self.spec = spec
        self.pin_factory: Any = None
        # Far ends the simulator attaches to ports (phone, PSTN line, carrier), by port name.
        self.peers: dict[str, Any] = {}
        self._open: dict[tuple[str, ...], Any] = {}

    def _cached(self, key: tuple[str, ...], opener: Callable[[], Any]) -> Any:
        if key not in self._open:
            self._open[key] = opener()
        return self._open[key]

    def open_i2c(self, bus: BusSpec) -> Any:
        """Return an smbus2.SMBus-like object for an I2C bus (shared)."""
        return self._cached(("i2c", bus.name), lambda: self._open_i2c(bus))

    def open_spi(self, bus: BusSpec, chip_select: int) -> Any:
        """Return a spidev.SpiDev-like object for one chip select of an SPI bus."""
        return self._cached(("spi", bus.name, str(chip_select)), lambda: self._open_spi(bus, chip_select))

    def open_uart(self, bus: BusSpec) -> Any:
        """Return a serial.Serial-like object for a UART."""
        return self._cached(("uart", bus.name), lambda: self._open_uart(bus))

    def open_pcm(self, bus: BusSpec) -> PcmBus:
        """Return the PCM bus (shared; its transfer() paces the line clock)."""
        return self._cached(("pcm", bus.name), lambda: self._open_pcm(bus))

    @abc.abstractmethod
    def _open_i2c(self, bus: BusSpec) -> Any: ...

    @abc.abstractmethod
    def _open_spi(self, bus: BusSpec, chip_select: int) -> Any: ...

    @abc.abstractmethod
    def _open_uart(self, bus: BusSpec) -> Any: ...

    @abc.abstractmethod
    def _open_pcm(self, bus: BusSpec) -> PcmBus: ...

    def close(self) -> None:
        """Close every bus opened through this backend."""
        for key, obj in reversed(list(self._open.items())):
            close = getattr(obj, "close", None)
            if close is None:
                continue
            try:
                close()
            except OSError as exc:
                log.warning("closing %s: %s", "/".join(key), exc)
        self._open.clear()
        if self.pin_factory is not None:
            self.pin_factory.close()


class HardwareBackend(Backend):
    """The real buses of a Raspberry Pi class board (see board-configs/README.md)."""

    kind = "hardware"

    def __init__(self, spec: BoardSpec) -> None:
        super().__init__(spec)
        self.pin_factory = gpio.hardware_pin_factory()

    def _open_i2c(self, bus: BusSpec) -> Any:
        return real_bus.open_i2c(int(bus.device))

    def _open_spi(self, bus: BusSpec, chip_select: int) -> Any:
        return real_bus.open_spi(int(bus.device), chip_select, bus.speed_hz, bus.mode)

    def _open_uart(self, bus: BusSpec) -> Any:
        return real_bus.open_serial(str(bus.device), bus.baud)

    def _open_pcm(self, bus: BusSpec) -> PcmBus:
        return AlsaPcmBus(bus.name, str(bus.device), bus.slots)

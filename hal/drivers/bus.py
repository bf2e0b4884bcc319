"""Open real buses: I2C adapters (smbus2), SPI chip selects (spidev) and UARTs (pyserial).

The simulator never calls these; it passes fake objects with the same methods to the drivers.
spidev is imported when an SPI device is opened, so a host without it still runs the simulator.
"""

from __future__ import annotations

import logging
from typing import Any

import serial
import smbus2

log = logging.getLogger(__name__)


def open_i2c(adapter: int) -> smbus2.SMBus:
    """Open /dev/i2c-<adapter>; the drivers use read/write_byte_data and read/write_i2c_block_data."""
    log.info("opening I2C adapter /dev/i2c-%d", adapter)
    return smbus2.SMBus(adapter)


def open_spi(bus: int, chip_select: int, speed_hz: int, mode: int) -> Any:
    """Open /dev/spidev<bus>.<chip_select>; the drivers use xfer (CS released between bytes) and xfer2."""
    import spidev  # only needed on a real board

    dev = spidev.SpiDev()
    dev.open(bus, chip_select)
    dev.max_speed_hz = speed_hz
    dev.mode = mode
    log.info("opened SPI /dev/spidev%d.%d at %d Hz mode %d", bus, chip_select, speed_hz, mode)
    return dev


def open_serial(device: str, baud: int, timeout: float = 0.1) -> serial.Serial:
    """Open a UART (or a pty's slave side in the simulator) raw, 8N1."""
    log.info("opening serial %s at %d baud", device, baud)
    return serial.Serial(device, baudrate=baud, timeout=timeout)

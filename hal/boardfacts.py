"""Facts about parts and buses a board file may name, as data tables (read by hal.board's validator).

Add a chip here (with its bus and role) before a board file can use it; add a module kind to
SLOT_KINDS (with the keys its slot needs) before a board file can declare such a slot. The factory
that builds a kind registers itself with hal.modules.register_module(kind).
"""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class Chip:
    """A real part: which bus it hangs on, what it does on a line module, and its datasheet."""

    bus: str  # 'i2c', 'spi', 'uart'
    role: str  # 'eeprom', 'gpio', 'slic', 'daa', 'e1-framer', 'e1-module'
    datasheet: str


CHIPS: dict[str, Chip] = {
    "at24c02": Chip("i2c", "eeprom", "Microchip AT24C02C, 2-Kbit I2C serial EEPROM (DS20005202)"),
    "24aa02e48": Chip("i2c", "eeprom", "Microchip 24AA02E48, 2-Kbit I2C EEPROM with EUI-48 (DS20002124)"),
    "mcp23017": Chip("i2c", "gpio", "Microchip MCP23017, 16-bit I2C I/O expander (DS20001952)"),
    "pca9555": Chip("i2c", "gpio", "NXP PCA9555, 16-bit I2C I/O port (PCA9555 rev. 9)"),
    "si3215": Chip("spi", "slic", "Silicon Labs Si3215/Si3216 ProSLIC (Si3210 register map), Rev 1.x"),
    "si3210": Chip("spi", "slic", "Silicon Labs Si3210/Si3211 ProSLIC, Rev 1.x"),
    "si3050": Chip("spi", "daa", "Silicon Labs Si3050 + Si3011/Si3018/19 voice DAA, Rev 1.x"),
    "ds26521": Chip("spi", "e1-framer", "Analog Devices (Maxim) DS26521 single T1/E1/J1 transceiver"),
    "e1-uart-module": Chip(
        "uart", "e1-module", "E1 line module: framer + MCU carrying the D-channel on a UART"
    ),
}

# Bus types: keys each [buses.NAME] table takes (besides 'type'), and how many pins it names.
BUS_TYPES: dict[str, dict[str, object]] = {
    "i2c": {"keys": ("device", "pins"), "pins": ("sda", "scl")},
    "spi": {"keys": ("device", "pins", "cs_pins", "speed_hz", "mode"), "pins": ("miso", "mosi", "sclk")},
    "uart": {"keys": ("device", "pins", "baud"), "pins": ("tx", "rx")},
    "pcm": {"keys": ("device", "pins", "slots"), "pins": ("clk", "fs", "din", "dout")},
}


@dataclasses.dataclass(frozen=True)
class SlotKind:
    """What a module kind needs in its [[slots]] table."""

    required: tuple[str, ...]
    optional: tuple[str, ...]
    chip_roles: tuple[str, ...]  # roles the slot's `chip` may have
    max_ports: int
    port_prefix: str  # stable port names: fxs1.., fxo1.., e1
    per_port: tuple[str, ...] = ()  # list keys that need one entry per port


_COMMON_OPTIONAL = ("name", "i2c", "eeprom", "expander", "reset_pin", "irq_pin", "options")

SLOT_KINDS: dict[str, SlotKind] = {
    "fxs": SlotKind(
        required=(
            "kind",
            "ports",
            "i2c",
            "eeprom",
            "spi",
            "chip",
            "chip_selects",
            "pcm",
            "pcm_slots",
            "irq_pin",
        ),
        optional=_COMMON_OPTIONAL,
        chip_roles=("slic",),
        max_ports=8,
        port_prefix="fxs",
        per_port=("chip_selects", "pcm_slots"),
    ),
    "fxo": SlotKind(
        required=("kind", "ports", "i2c", "eeprom", "spi", "chip", "chip_selects", "pcm", "pcm_slots"),
        optional=_COMMON_OPTIONAL,
        chip_roles=("daa",),
        max_ports=8,
        port_prefix="fxo",
        per_port=("chip_selects", "pcm_slots"),
    ),
    # An E1 span module: framer and D-channel MCU behind a UART; B-channels on the PCM bus.
    "e1": SlotKind(
        required=("kind", "uart"),
        optional=(*_COMMON_OPTIONAL, "ports", "chip", "spi", "chip_selects", "pcm", "pcm_slots"),
        chip_roles=("e1-framer", "e1-module"),
        max_ports=1,
        port_prefix="e1",
    ),
}

GPIO_LINES_DEFAULT = 28  # BCM GPIO0..27 on the 40-pin header of a Raspberry Pi 4/5

"""Simulated FXS and FXO line modules: the EEPROM, expander and SLIC/DAA chips of a slot, and the
phone or PSTN line on each port.
"""

from __future__ import annotations

import logging

from hal.board import SlotSpec
from hal.moduleid import ModuleId
from hal.sim.backend import SimBackend, register_sim_hardware
from hal.sim.i2c import FakeAt24, FakeMcp23017
from hal.sim.phone import SimPhone
from hal.sim.pstn import SimPstnLine
from hal.sim.si3050 import FakeSi3050
from hal.sim.si3215 import FakeSi3215
from hal.sim.spi import SharedIrq

log = logging.getLogger(__name__)


def _module_chips(backend: SimBackend, slot: SlotSpec) -> None:
    bus = backend.i2c[slot.i2c] if slot.i2c else None
    if bus is None:
        return
    if slot.eeprom is not None:
        ident = ModuleId(slot.kind, slot.ports, revision=1, serial=f"SIM-{slot.name.upper()}")
        bus.attach(slot.eeprom.address, FakeAt24(ident.encode()))
    if slot.expander is not None:
        expander = FakeMcp23017()
        expander.external = 0x7FFF  # GPB7 'module present' grounded
        bus.attach(slot.expander.address, expander)


@register_sim_hardware("fxs")
def fxs_module(backend: SimBackend, slot: SlotSpec) -> None:
    """An FXS module: Si3215s sharing one interrupt line, a phone on every port."""
    _module_chips(backend, slot)
    pcm = backend.pcm.get(slot.pcm or "")
    irq = SharedIrq(backend.pin_factory.pin(slot.irq_pin)) if slot.irq_pin is not None else None
    for name, cs in zip(slot.port_names, slot.chip_selects, strict=True):
        if name in backend.dead_ports:
            continue
        chip = FakeSi3215(pcm, label=f"{name} si3215")
        if irq is not None:
            irq.add(chip)
        phone = SimPhone(name)
        chip.far_end, phone.line = phone, chip
        backend.spi_chips[(slot.spi or "", cs)] = chip
        backend.peers[name] = phone


@register_sim_hardware("fxo")
def fxo_module(backend: SimBackend, slot: SlotSpec) -> None:
    """An FXO module: Si3050s, a PSTN line on every port."""
    _module_chips(backend, slot)
    pcm = backend.pcm.get(slot.pcm or "")
    for name, cs in zip(slot.port_names, slot.chip_selects, strict=True):
        if name in backend.dead_ports:
            continue
        chip = FakeSi3050(pcm, label=f"{name} si3050")
        line = SimPstnLine(name, backend.country)
        chip.far_end, line.daa = line, chip
        backend.spi_chips[(slot.spi or "", cs)] = chip
        backend.peers[name] = line

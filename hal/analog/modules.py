"""The `fxs` and `fxo` line modules: an ID EEPROM and an I/O expander on I2C, one SLIC/DAA per port
on SPI, voice on the PCM bus, and (FXS) a shared interrupt line on a GPIO.

Bring-up (start): read the module ID from the EEPROM (wrong kind or no answer: every port of the
slot faulty), set up the expander (lamps off, chip reset pulsed), then probe and initialise each
chip (a chip that does not answer: that port faulty, the others run), then enable the interrupt.

Expander pins on the reference modules (board-configs/README.md) are the table EXPANDER_PINS.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from hal.analog.fxo import AnalogFxoPort
from hal.analog.fxs import AnalogFxsPort
from hal.analog.tones import tone_frames
from hal.drivers.at24 import At24
from hal.drivers.gpio import IrqLine
from hal.drivers.mcp23017 import Mcp23017
from hal.drivers.si3050 import Si3050
from hal.drivers.si3215 import Si3215
from hal.errors import ChipNotResponding, HalError, ProtocolError
from hal.moduleid import LENGTH, ModuleId
from hal.modules import LineModule, ModuleContext, register_module
from hal.ports import SILENCE

log = logging.getLogger(__name__)

# MCP23017 pins of a 4-port line module: GPA0-3 'in use' lamps, GPA4-7 message-waiting lamps,
# GPB0 chip reset (active low, to every SLIC/DAA), GPB7 module-present input (grounded on the module).
EXPANDER_PINS: dict[str, Any] = {"in_use": (0, 1, 2, 3), "mwi": (4, 5, 6, 7), "reset": 8, "present": 15}
EXPANDER_INPUTS = 1 << EXPANDER_PINS["present"]
IRQ_SERVICE_ROUNDS = 8


class AnalogModule(LineModule):
    """Shared bring-up of the FXS and FXO modules; subclasses make the chips and ports."""

    def __init__(self, ctx: ModuleContext) -> None:
        super().__init__(ctx)
        slot = ctx.slot
        i2c = ctx.backend.open_i2c(ctx.bus(slot.i2c))
        self.eeprom = At24(i2c, slot.eeprom.address) if slot.eeprom else None
        self.expander = Mcp23017(i2c, slot.expander.address) if slot.expander else None
        spi_bus = ctx.bus(slot.spi)
        self.spi = [ctx.backend.open_spi(spi_bus, cs) for cs in slot.chip_selects]
        self.pcm_slots = list(slot.pcm_slots)
        self._slot_ports: list[tuple[int, Any]] = []

    def _lamp(self, index: int) -> Any:
        def set_lamp(which: str, on: bool) -> None:
            pins = EXPANDER_PINS[which]
            if self.expander is not None and index < len(pins):
                try:
                    self.expander.write_pin(pins[index], on)
                except ChipNotResponding as exc:
                    log.warning("%s: lamp %s: %s", self.slot.name, which, exc)

        return set_lamp

    def start(self) -> None:
        try:
            module_id = self._identify()
            if self.expander is not None:
                self.expander.init(inputs=EXPANDER_INPUTS, pullups=EXPANDER_INPUTS, outputs=0)
                self.expander.write_pin(EXPANDER_PINS["reset"], True)  # release the chips from reset
        except (ChipNotResponding, ProtocolError) as exc:
            self.fail(f"module in {self.slot.name} not usable: {exc}")
            return
        for i, (pcm_slot, port) in enumerate(self._slot_ports):
            if i >= module_id.ports:
                self.fail_port(port, f"module in {self.slot.name} has only {module_id.ports} ports")
                continue
            try:
                port.start(pcm_slot)
            except HalError as exc:
                self.fail_port(port, str(exc))
        for tone in self.ctx.country.tones.values():
            tone_frames(tone)  # generate the tone cache now, not on the line clock at first use
        log.info("%s: %s module %s ready", self.slot.name, module_id.kind, module_id.serial or "(no serial)")

    def _identify(self) -> ModuleId:
        if self.eeprom is None:
            return ModuleId(self.slot.kind, self.slot.ports)
        module_id = ModuleId.decode(self.eeprom.read(0, LENGTH))
        if module_id.kind != self.slot.kind:
            raise ProtocolError(
                f"EEPROM says a {module_id.kind!r} module, the board file says {self.slot.kind!r}"
            )
        return module_id

    def stop(self) -> None:
        for _, port in self._slot_ports:
            try:
                port.shutdown()
            except HalError as exc:
                log.warning("%s: shutdown: %s", port.name, exc)

    def pcm_exchange(self, now: float, rx: Mapping[int, bytes]) -> dict[int, bytes]:
        tx = {}
        for pcm_slot, port in self._slot_ports:
            if port.chip_ok:  # a line fault (FXO without voltage) still polls, to see it come back
                tx[pcm_slot] = port.exchange(now, rx.get(pcm_slot, SILENCE))
        return tx

    def fail(self, reason: str) -> None:
        super().fail(reason)
        for _, port in self._slot_ports:
            port.chip_ok = False


@register_module("fxs")
class FxsModule(AnalogModule):
    """Up to 8 FXS ports, one Si3215 ProSLIC each, sharing one interrupt line."""

    def __init__(self, ctx: ModuleContext) -> None:
        super().__init__(ctx)
        self.irq: IrqLine | None = None
        for i, (name, spi, pcm_slot) in enumerate(
            zip(ctx.slot.port_names, self.spi, self.pcm_slots, strict=True)
        ):
            slic = Si3215(spi, label=f"{name} (si3215 {ctx.slot.spi}.{ctx.slot.chip_selects[i]})")
            port = AnalogFxsPort(
                name,
                slic,
                post=ctx.post,
                clock=ctx.clock,
                country=ctx.country,
                caller_id=ctx.caller_id,
                lamp=self._lamp(i),
            )
            self.ports.append(port)
            self._slot_ports.append((pcm_slot, port))

    def start(self) -> None:
        super().start()
        if self.ctx.slot.irq_pin is not None and any(p.chip_ok for _, p in self._slot_ports):
            self.irq = IrqLine(
                self.ctx.slot.irq_pin, pin_factory=self.ctx.pin_factory, on_assert=self._on_irq
            )
            if self.irq.asserted:
                self._on_irq()

    def _on_irq(self) -> None:
        """Service every SLIC until the shared (wired-OR) line is released."""
        for _ in range(IRQ_SERVICE_ROUNDS):
            for _, port in self._slot_ports:
                if port.chip_ok:
                    try:
                        port.on_irq()
                    except HalError as exc:
                        log.warning("%s: interrupt service: %s", port.name, exc)
            if self.irq is None or not self.irq.asserted:
                return
        log.error("%s: interrupt line stays asserted", self.slot.name)

    def stop(self) -> None:
        if self.irq is not None:
            self.irq.close()
            self.irq = None
        super().stop()


@register_module("fxo")
class FxoModule(AnalogModule):
    """Up to 8 FXO ports, one Si3050 DAA each; polled every 20 ms (no interrupt needed)."""

    def __init__(self, ctx: ModuleContext) -> None:
        super().__init__(ctx)
        for i, (name, spi, pcm_slot) in enumerate(
            zip(ctx.slot.port_names, self.spi, self.pcm_slots, strict=True)
        ):
            daa = Si3050(spi, label=f"{name} (si3050 {ctx.slot.spi}.{ctx.slot.chip_selects[i]})")
            port = AnalogFxoPort(
                name,
                daa,
                post=ctx.post,
                clock=ctx.clock,
                country=ctx.country,
                caller_id=ctx.caller_id,
                lamp=self._lamp(i),
            )
            self.ports.append(port)
            self._slot_ports.append((pcm_slot, port))

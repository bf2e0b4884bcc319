"""Build an `e1` slot of a board: the line module driver on the slot's UART, and the span over it.

Registered as the `e1` module kind by hal.e1 (the package), which builds E1Module on first use.

Slot options (board file, `[slots.options]`):

    side        "user" (default; the box is the customer end of the carrier's PRI) or "network"
    signalling  "pri" (default); China No.1 ("cn") once written, see hal.e1.signalling
    framing     "crc4" (default) or "doubleframe"
    line_code   "hdb3" (default) or "ami"
    restart     true (default) or false: send RESTART (all interfaces) each time the D-channel comes up
                with no call left, and take no call until it is acknowledged (Q.931 5.5; hal.e1.pri)

Voice: when the slot names a `pcm` bus with `pcm_slots` (one per B-channel, in order e1/1..e1/30), the
board's line clock moves B-channel audio through pcm_exchange(); otherwise the module's UART carries it
(PCM frames of hal.e1.wire), which is what the simulated carrier does.

Simulator: the far end is a hal.sim.carrier.CarrierSim kept in ctx.backend.peers[<span name>]; when
the sim backend has not put one there, this module makes one; a carrier nobody started yet is
started here and closed again by stop(). The driver opens the UART
itself (not through the backend's shared opener) because it must reopen the port after the link drops.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping
from typing import Any

from hal.drivers.bus import open_serial
from hal.drivers.e1_uart import E1Uart
from hal.e1.span import BChannel, Span
from hal.errors import BoardConfigError
from hal.modules import LineModule, ModuleContext

log = logging.getLogger(__name__)

SIDES = ("user", "network")


class E1Module(LineModule):
    """An E1 line module (framer + MCU on a UART) carrying one span."""

    def __init__(self, ctx: ModuleContext) -> None:
        super().__init__(ctx)
        opts = dict(ctx.slot.options)
        side = opts.get("side", "user")
        if side not in SIDES:
            raise BoardConfigError(
                ctx.board.file, f"{ctx.slot.key}.options.side", f"must be one of {SIDES}, not {side!r}"
            )
        restart = opts.get("restart", True)
        if not isinstance(restart, bool):
            raise BoardConfigError(
                ctx.board.file, f"{ctx.slot.key}.options.restart", f"must be true or false, not {restart!r}"
            )
        signalling = opts.get("signalling", "pri")
        self.name = ctx.slot.port_names[0]
        self.carrier: Any = None
        self._own_carrier = False
        uart = ctx.bus(ctx.slot.uart)
        if ctx.backend.kind == "sim":
            self.carrier = ctx.backend.peers.get(self.name)
            if self.carrier is None:
                from hal.sim.carrier import CarrierSim  # noqa: PLC0415 - the simulator only

                self.carrier = CarrierSim()
                ctx.backend.peers[self.name] = self.carrier
            device = self.carrier.path
        else:
            device = str(uart.device)
        self.line = E1Uart(
            device,
            baud=uart.baud,
            framing=opts.get("framing", "crc4"),
            line_code=opts.get("line_code", "hdb3"),
            opener=functools.partial(open_serial, device, uart.baud, 0.05),
            name=self.name,
        )
        self.span = Span(
            self.name,
            line=self.line,
            post=ctx.post,
            signalling=signalling,
            network=side == "network",
            signalling_options={"restart_on_link_up": restart} if signalling == "pri" else None,
        )
        self.ports = [self.span, *self.span.channels.values()]
        channels = [ch for ch in self.span.channels.values() if isinstance(ch, BChannel)]
        self._pcm_map = dict(zip(ctx.slot.pcm_slots, channels, strict=False)) if ctx.slot.pcm else {}
        self.pcm_slots = list(self._pcm_map)

    def start(self) -> None:
        if self.carrier is not None and not self.carrier.running:
            self.carrier.start()  # whoever starts the carrier closes it
            self._own_carrier = True
        self.span.start()

    def stop(self) -> None:
        self.span.stop()
        if self._own_carrier:
            self.carrier.close()

    def pcm_exchange(self, now: float, rx: Mapping[int, bytes]) -> dict[int, bytes]:
        """Move one 20 ms frame per B-channel between the PCM bus and the channels' audio queues."""
        tx = {}
        for slot, channel in self._pcm_map.items():
            frame = rx.get(slot)
            if frame is not None:
                channel.audio.put_from_line(frame)
            tx[slot] = channel.audio.take_to_line()
        return tx

    def info(self) -> dict[str, Any]:
        return {**super().info(), "span": self.span.info()}

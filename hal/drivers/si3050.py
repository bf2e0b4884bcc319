"""Silicon Labs Si3050 voice DAA (with its Si3011/Si3018/19 line-side chip): one FXO line over SPI.

SPI framing: a control byte (0x20 write, 0x60 read), the register address, then the data byte,
chip select held for the three bytes (spidev `xfer2`), as DAHDI's wctdm driver does for the DAA.

Registers used (decimal, per the Si3050 datasheet and DAHDI's wctdm):
  1   control 1 (bit 7 SR software reset)      2   control 2 (0x03 after reset: a sanity value)
  3/4 interrupt mask / source (bit 7 ring detect, bit 0 polarity reversal)
  5   DAA control 1: bit 0 OH (off-hook), bit 3 ONHM (on-hook line monitor: caller ID while on
      hook), bit 2 RDT (ring detect), bit 5 RDTP / bit 6 RDTN (positive/negative ring) -> 0x60
      flags ringing; the host writes 0x09 to go off hook and 0x08 to go on hook
  6   DAA control 2: bit 4 PDL powers down the line side; 0x00 brings up the isolation link
  11  system (bits 3:0) and line-side (bits 7:4) revision: line side non-zero once the link is up
  12  line-side status: bit 6 FDT (frame detect)
  28  loop current LCS2, 1.1 mA per bit (off hook)
  29  line voltage LVS, signed two's complement, 1 V per bit; the sign is the line polarity
  33  PCM/SPI mode: bit 5 PCME enable, bits 4:3 PCMF format (11 = 16-bit linear)
  34-37 PCM TX/RX start count (a 16-bit slot N starts at N*16 bit clocks)
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from typing import Any

from hal.errors import ChipNotResponding

log = logging.getLogger(__name__)

REG_CTRL1, REG_CTRL2, REG_IRQ_MASK, REG_IRQ_SOURCE = 1, 2, 3, 4
REG_DAA1, REG_DAA2 = 5, 6
REG_REVISION, REG_LINE_STATUS = 11, 12
REG_LOOP_CURRENT, REG_LINE_VOLTAGE = 28, 29
REG_PCM_MODE = 33
REG_PCM_TXS_LO, REG_PCM_TXS_HI, REG_PCM_RXS_LO, REG_PCM_RXS_HI = 34, 35, 36, 37

DAA1_OH, DAA1_RDT, DAA1_ONHM, DAA1_RDTP, DAA1_RDTN = 0x01, 0x04, 0x08, 0x20, 0x40
DAA1_RINGING = DAA1_RDTP | DAA1_RDTN
OFF_HOOK, ON_HOOK = DAA1_OH | DAA1_ONHM, DAA1_ONHM  # 0x09 / 0x08
CTRL1_SR = 0x80
RESET_CTRL2 = 0x03
IRQ_RDT, IRQ_POL = 0x80, 0x01
PCM_ENABLE_LINEAR16 = 0x20 | (0b11 << 3)
SLOT_BITS = 16
LOOP_MA_PER_BIT = 1.1
LINK_TIMEOUT_S = 2.0


@dataclasses.dataclass(frozen=True)
class DaaStatus:
    """One poll of the DAA: ringing, hook, line volts (signed: polarity) and loop current."""

    ringing: bool
    offhook: bool
    volts: int
    loop_ma: float


class Si3050:
    """One Si3050 DAA on its own SPI chip select (spidev.SpiDev or the simulator's fake)."""

    def __init__(self, spi: Any, *, label: str = "si3050") -> None:
        self.spi = spi
        self.label = label
        self._lock = threading.RLock()
        self._offhook = False

    def read(self, reg: int) -> int:
        with self._lock:
            return int(self.spi.xfer2([0x60, reg & 0x7F, 0x00])[2])

    def write(self, reg: int, value: int) -> None:
        with self._lock:
            self.spi.xfer2([0x20, reg & 0x7F, value & 0xFF])

    def probe(self) -> int:
        """Check control 2's reset value (DAHDI's wctdm_voicedaa_insane); return the revision register."""
        ctrl2 = self.read(REG_CTRL2)
        if ctrl2 != RESET_CTRL2:
            raise ChipNotResponding(f"{self.label}: no DAA answers (reg2 {ctrl2:#04x}, expected 0x03)")
        return self.read(REG_REVISION)

    def init(self, pcm_slot: int) -> None:
        """Reset, bring up the isolation link, put the line on PCM slot `pcm_slot`, go on hook with monitor."""
        with self._lock:
            self.write(REG_CTRL1, CTRL1_SR)
            self.write(REG_DAA2, 0x00)
            deadline = time.monotonic() + LINK_TIMEOUT_S
            while not self.read(REG_REVISION) & 0xF0:
                if time.monotonic() > deadline:
                    raise ChipNotResponding(f"{self.label}: line-side link (ISOcap) did not come up")
                time.sleep(0.01)
            count = pcm_slot * SLOT_BITS
            self.write(REG_PCM_TXS_LO, count & 0xFF)
            self.write(REG_PCM_TXS_HI, count >> 8)
            self.write(REG_PCM_RXS_LO, count & 0xFF)
            self.write(REG_PCM_RXS_HI, count >> 8)
            self.write(REG_PCM_MODE, PCM_ENABLE_LINEAR16)
            self.write(REG_IRQ_MASK, IRQ_RDT | IRQ_POL)
            self.set_offhook(False)

    def shutdown(self) -> None:
        with self._lock:
            self.set_offhook(False)
            self.write(REG_DAA2, 0x10)

    def set_offhook(self, offhook: bool) -> None:
        self.write(REG_DAA1, OFF_HOOK if offhook else ON_HOOK)
        self._offhook = offhook

    def line_volts(self) -> int:
        raw = self.read(REG_LINE_VOLTAGE)
        return raw - 256 if raw & 0x80 else raw

    def loop_ma(self) -> float:
        return self.read(REG_LOOP_CURRENT) * LOOP_MA_PER_BIT

    def ringing(self) -> bool:
        return bool(self.read(REG_DAA1) & DAA1_RINGING)

    def status(self) -> DaaStatus:
        """Poll ring bits and line voltage, and the loop current when off hook."""
        with self._lock:
            daa1 = self.read(REG_DAA1)
            volts = self.line_volts()
            loop = self.loop_ma() if self._offhook else 0.0
        return DaaStatus(bool(daa1 & DAA1_RINGING), bool(daa1 & DAA1_OH), volts, loop)

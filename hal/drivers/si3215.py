"""Silicon Labs Si3215 ProSLIC (Si3210 family register map): one FXS line, controlled over SPI.

SPI framing: an address byte (bit 7 set = read) then a data byte, with chip select released
between the two bytes (spidev `xfer`), as DAHDI's wctdm driver does for the ProSLIC.

Direct registers used (decimal, per the Si3210/Si3215 datasheet and DAHDI's proslic.h):
  0   SPI mode / part number (bits 5:4, 0 = Si3210, non-zero = Si3215/16) / revision (bits 3:0)
  1   PCM mode: bit 5 PCME enable, bits 4:3 PCMF format (11 = 16-bit linear)
  2-5 PCM TX/RX start count (bit clocks from frame sync; a 16-bit slot N starts at N*16)
  8   audio loopback (0x02 after reset: a sanity value)        11  hybrid (0x33 after reset)
  18-20 interrupt status 1-3 (write 1 to clear)                 21-23 interrupt enable 1-3
        status 2 bit 0 RTIP (ring trip), bit 1 LCIP (loop closure transition)
  28/29 indirect data low/high, 30 indirect address, 31 indirect access status (bit 0 busy)
  48-51 ringing active/inactive timers (not used: the HAL times the cadence so caller ID fits
        between rings, as wctdm does)
  64  linefeed: bits 2:0 LF set (0 open, 1 forward active, 2 forward on-hook transmission,
      3 tip open, 4 ringing, 5 reverse active, 6 reverse OHT, 7 ring open); bits 6:4 actual state
  68  loop status: bit 0 LCR (loop closed = off-hook), bit 1 RTP (ring trip)
  78/79 loop voltage / loop current sense                        96/97 calibration
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from hal.errors import ChipNotResponding

log = logging.getLogger(__name__)

REG_ID, REG_PCM_MODE = 0, 1
REG_PCM_TXS_LO, REG_PCM_TXS_HI, REG_PCM_RXS_LO, REG_PCM_RXS_HI = 2, 3, 4, 5
REG_LOOPBACK, REG_HYBRID = 8, 11
REG_IRQ_STATUS = (18, 19, 20)
REG_IRQ_ENABLE = (21, 22, 23)
REG_IDA_LO, REG_IDA_HI, REG_IAA, REG_IAS = 28, 29, 30, 31
REG_RING_ON_LO, REG_RING_ON_HI, REG_RING_OFF_LO, REG_RING_OFF_HI = 48, 49, 50, 51
REG_LINEFEED = 64
REG_LOOP_STATUS = 68
REG_LOOP_V, REG_LOOP_I = 78, 79
REG_CAL1, REG_CAL2 = 96, 97

LF_OPEN, LF_FORWARD_ACTIVE, LF_FORWARD_OHT, LF_TIP_OPEN = 0, 1, 2, 3
LF_RINGING, LF_REVERSE_ACTIVE, LF_REVERSE_OHT, LF_RING_OPEN = 4, 5, 6, 7
LF_REVERSE_BIT = 0x4  # active <-> reverse active, OHT <-> reverse OHT (DAHDI's SLIC_LF_REVMASK)

LOOP_LCR, LOOP_RTP = 0x01, 0x02
IRQ2_RTIP, IRQ2_LCIP = 0x01, 0x02
PCM_ENABLE_LINEAR16 = 0x20 | (0b11 << 3)
SLOT_BITS = 16

RESET_LOOPBACK, RESET_HYBRID = 0x02, 0x33
CALIBRATION_TIMEOUT_S = 1.0


class Si3215:
    """One ProSLIC on its own SPI chip select (spidev.SpiDev or the simulator's fake)."""

    def __init__(self, spi: Any, *, label: str = "si3215") -> None:
        self.spi = spi
        self.label = label
        self._lock = threading.RLock()  # re-entrant: an interrupt handler may run inside a transfer

    def read(self, reg: int) -> int:
        with self._lock:
            return int(self.spi.xfer([0x80 | (reg & 0x7F), 0x00])[1])

    def write(self, reg: int, value: int) -> None:
        with self._lock:
            self.spi.xfer([reg & 0x7F, value & 0xFF])

    def write_indirect(self, addr: int, value: int) -> None:
        """Write a 16-bit indirect register (oscillator and DTMF coefficients)."""
        with self._lock:
            self._wait_indirect()
            self.write(REG_IDA_LO, value & 0xFF)
            self.write(REG_IDA_HI, value >> 8)
            self.write(REG_IAA, addr)
            self._wait_indirect()

    def read_indirect(self, addr: int) -> int:
        with self._lock:
            self._wait_indirect()
            self.write(REG_IAA, addr)
            self._wait_indirect()
            return self.read(REG_IDA_LO) | self.read(REG_IDA_HI) << 8

    def _wait_indirect(self) -> None:
        deadline = time.monotonic() + 0.01
        while self.read(REG_IAS) & 0x01:
            if time.monotonic() > deadline:
                raise ChipNotResponding(f"{self.label}: indirect register access stuck")

    # --- bring-up -------------------------------------------------------------------------
    def probe(self) -> int:
        """Check the reset values DAHDI's wctdm_proslic_insane checks; return the part/revision byte."""
        ident = self.read(REG_ID)
        loopback, hybrid, linefeed = self.read(REG_LOOPBACK), self.read(REG_HYBRID), self.read(REG_LINEFEED)
        if ident in (0x00, 0xFF) or loopback != RESET_LOOPBACK or hybrid != RESET_HYBRID or linefeed & 0x07:
            raise ChipNotResponding(
                f"{self.label}: no ProSLIC answers (id {ident:#04x}, reg8 {loopback:#04x}, reg11 {hybrid:#04x})"
            )
        if not (ident >> 4) & 0x03:
            log.warning("%s: reports an Si3210 (id %#04x), driving it as an Si3215", self.label, ident)
        return ident

    def init(self, pcm_slot: int) -> None:
        """Calibrate, put the line on PCM slot `pcm_slot` (16-bit linear), enable hook interrupts, feed it."""
        with self._lock:
            self.write(REG_LINEFEED, LF_OPEN)
            self.write(REG_CAL2, 0x18)
            self.write(REG_CAL1, 0x47)
            deadline = time.monotonic() + CALIBRATION_TIMEOUT_S
            while self.read(REG_CAL1) != 0:
                if time.monotonic() > deadline:
                    raise ChipNotResponding(f"{self.label}: calibration did not finish")
                time.sleep(0.005)
            count = pcm_slot * SLOT_BITS
            self.write(REG_PCM_TXS_LO, count & 0xFF)
            self.write(REG_PCM_TXS_HI, count >> 8)
            self.write(REG_PCM_RXS_LO, count & 0xFF)
            self.write(REG_PCM_RXS_HI, count >> 8)
            self.write(REG_PCM_MODE, PCM_ENABLE_LINEAR16)
            for reg in REG_IRQ_STATUS:
                self.write(reg, 0xFF)
            self.write(REG_IRQ_ENABLE[0], 0x00)
            self.write(REG_IRQ_ENABLE[1], IRQ2_RTIP | IRQ2_LCIP)
            self.write(REG_IRQ_ENABLE[2], 0x00)
            self.write(REG_LINEFEED, LF_FORWARD_ACTIVE)

    def shutdown(self) -> None:
        with self._lock:
            self.write(REG_LINEFEED, LF_OPEN)
            self.write(REG_IRQ_ENABLE[1], 0x00)

    # --- line control and status ----------------------------------------------------------
    def set_linefeed(self, state: int) -> None:
        self.write(REG_LINEFEED, state & 0x07)

    def linefeed(self) -> int:
        return self.read(REG_LINEFEED) & 0x07

    def loop_status(self) -> int:
        return self.read(REG_LOOP_STATUS)

    def offhook(self) -> bool:
        return bool(self.read(REG_LOOP_STATUS) & LOOP_LCR)

    def take_interrupts(self) -> tuple[int, int, int]:
        """Read and clear the three interrupt status registers; return what was pending."""
        with self._lock:
            pending = tuple(self.read(reg) for reg in REG_IRQ_STATUS)
            for reg, bits in zip(REG_IRQ_STATUS, pending, strict=True):
                if bits:
                    self.write(reg, bits)
            return pending  # type: ignore[return-value]

    def loop_sense(self) -> tuple[float, float]:
        """Return (loop volts, loop mA) from the sense registers (376 mV/bit, 0.32 mA/bit)."""
        return self.read(REG_LOOP_V) * 0.376, self.read(REG_LOOP_I) * 0.32

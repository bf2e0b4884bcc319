"""Module identity stored in each line module's I2C EEPROM: magic, kind, port count, revision, serial.

Layout (32 bytes at offset 0; the rest of the EEPROM is free for calibration data):
  0x00  4  magic b"PBXM"
  0x04  1  layout version (1)
  0x05  8  module kind, ASCII, NUL padded ("fxs", "fxo", "e1")
  0x0D  1  number of ports
  0x0E  1  hardware revision
  0x0F 16  serial number, ASCII, NUL padded
  0x1F  1  checksum: two's complement of the sum of bytes 0x00-0x1E
"""

from __future__ import annotations

import dataclasses

from hal.errors import ProtocolError

MAGIC = b"PBXM"
LENGTH = 32


@dataclasses.dataclass(frozen=True)
class ModuleId:
    """What a line module says it is."""

    kind: str
    ports: int
    revision: int = 1
    serial: str = ""

    def encode(self) -> bytes:
        body = (
            MAGIC
            + bytes([1])
            + self.kind.encode("ascii")[:8].ljust(8, b"\0")
            + bytes([self.ports, self.revision])
            + self.serial.encode("ascii")[:16].ljust(16, b"\0")
        )
        return body + bytes([(-sum(body)) & 0xFF])

    @classmethod
    def decode(cls, data: bytes) -> ModuleId:
        """Parse the EEPROM's first 32 bytes; ProtocolError if blank or corrupt."""
        if len(data) < LENGTH or data[:4] != MAGIC:
            raise ProtocolError(f"module EEPROM is blank or foreign (starts {data[:4].hex()})")
        if sum(data[:LENGTH]) & 0xFF:
            raise ProtocolError("module EEPROM checksum mismatch")
        if data[4] != 1:
            raise ProtocolError(f"module EEPROM layout version {data[4]} unknown")
        return cls(
            kind=data[5:13].rstrip(b"\0").decode("ascii", "replace"),
            ports=data[13],
            revision=data[14],
            serial=data[15:31].rstrip(b"\0").decode("ascii", "replace"),
        )

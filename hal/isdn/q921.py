"""Encode and decode Q.921 (LAPD) frames: address, I/S/U control fields, modulo-128 sequence numbers.

Frame layout (Q.921 section 3): address (2 octets), control (1 or 2 octets), information.

    address octet 1: SAPI (6 bits) | C/R | EA0=0      address octet 2: TEI (7 bits) | EA1=1
    I frame:  N(S) << 1 | 0,        N(R) << 1 | P
    S frame:  0000 SS 01 (RR 0x01, RNR 0x05, REJ 0x09),  N(R) << 1 | P/F
    U frame:  MMM P/F MM 11 (SABME 0x6F, UA 0x63, DISC 0x43, DM 0x0F, FRMR 0x87, UI 0x03, XID 0xAF)

C/R (Q.921 table 1): the network sends commands with C/R=1 and responses with C/R=0; the user side the
reverse. PRI is point to point with the fixed TEI 0 and SAPI 0 for call control.

Flags, bit stuffing and the FCS are the HDLC controller's job. On the box the E1 module's HDLC
controller on timeslot 16 checks and generates the FCS, so the module protocol (hal.e1.wire) carries
frames *without* FCS and protects them with its own CRC. `fcs16`, `add_fcs` and `strip_fcs` are here for
a module that passes raw frames (and to test against captures that include the FCS).
"""

from __future__ import annotations

import dataclasses

from hal.isdn.errors import FrameError

SAPI_CALL_CONTROL = 0
SAPI_TEI_MANAGEMENT = 63
N201 = 260  # maximum information octets in an I/UI frame
MODULO = 128

I, RR, RNR, REJ = "I", "RR", "RNR", "REJ"  # noqa: E741 - Q.921 calls it the I frame
SABME, UA, DISC, DM, FRMR, UI, XID = "SABME", "UA", "DISC", "DM", "FRMR", "UI", "XID"

_S_CODES = {0x01: RR, 0x05: RNR, 0x09: REJ}
_S_BYTES = {name: code for code, name in _S_CODES.items()}
_U_CODES = {0x6F: SABME, 0x63: UA, 0x43: DISC, 0x0F: DM, 0x87: FRMR, 0x03: UI, 0xAF: XID}
_U_BYTES = {name: code for code, name in _U_CODES.items()}
_U_WITH_INFO = {UI, FRMR, XID}
_PF_U = 0x10
COMMANDS = {I, SABME, DISC, UI}  # always commands
RESPONSES = {UA, DM, FRMR}  # always responses; S frames and XID may be either


@dataclasses.dataclass(frozen=True)
class Frame:
    """One LAPD frame. `cr` is the raw C/R bit; use `cr_bit`/`is_command` to interpret it."""

    kind: str
    cr: int = 0
    pf: bool = False
    ns: int = 0
    nr: int = 0
    info: bytes = b""
    sapi: int = SAPI_CALL_CONTROL
    tei: int = 0

    def __str__(self) -> str:
        seq = f" ns={self.ns}" if self.kind == I else ""
        if self.kind in (I, RR, RNR, REJ):
            seq += f" nr={self.nr}"
        return f"{self.kind}{seq} cr={self.cr} pf={int(self.pf)} len={len(self.info)}"


def cr_bit(command: bool, sender_is_network: bool) -> int:
    """Return the C/R bit for a command or response sent by the network or the user side."""
    return int(sender_is_network) if command else int(not sender_is_network)


def is_command(frame: Frame, sender_is_network: bool) -> bool:
    """Tell whether a frame received from the given side is a command (else a response)."""
    return frame.cr == int(sender_is_network)


def encode(frame: Frame) -> bytes:
    """Return the frame's octets (no flags, no FCS)."""
    if not 0 <= frame.sapi < 64 or not 0 <= frame.tei < 128:
        raise FrameError(f"SAPI {frame.sapi} / TEI {frame.tei} out of range")
    address = bytes(((frame.sapi << 2) | (frame.cr << 1), (frame.tei << 1) | 1))
    pf = int(frame.pf)
    if frame.kind == I:
        control = bytes(((frame.ns % MODULO) << 1, ((frame.nr % MODULO) << 1) | pf))
    elif frame.kind in _S_BYTES:
        control = bytes((_S_BYTES[frame.kind], ((frame.nr % MODULO) << 1) | pf))
    elif frame.kind in _U_BYTES:
        control = bytes((_U_BYTES[frame.kind] | (_PF_U if pf else 0),))
    else:
        raise FrameError(f"unknown frame kind {frame.kind!r}")
    if frame.info and frame.kind not in (I, *_U_WITH_INFO):
        raise FrameError(f"{frame.kind} carries no information field")
    return address + control + frame.info


def decode(data: bytes) -> Frame:
    """Parse a frame (no flags, no FCS); raise FrameError with the reason when it is malformed."""
    if len(data) < 3:
        raise FrameError(f"frame too short ({len(data)} octets)")
    a1, a2, c1 = data[0], data[1], data[2]
    if a1 & 0x01:
        raise FrameError(f"address octet 1 has EA=1 (0x{a1:02x}); LAPD addresses are two octets")
    if not a2 & 0x01:
        raise FrameError(f"address octet 2 has EA=0 (0x{a2:02x})")
    sapi, cr, tei = a1 >> 2, (a1 >> 1) & 1, a2 >> 1
    if not c1 & 0x01:  # I frame
        if len(data) < 4:
            raise FrameError("I frame without its second control octet")
        info = bytes(data[4:])
        if len(info) > N201:
            raise FrameError(f"I frame information field of {len(info)} octets exceeds N201={N201}")
        return Frame(I, cr, bool(data[3] & 1), c1 >> 1, data[3] >> 1, info, sapi, tei)
    if c1 & 0x03 == 0x01:  # S frame
        kind = _S_CODES.get(c1)
        if kind is None:
            raise FrameError(f"undefined supervisory control field 0x{c1:02x}")
        if len(data) != 4:
            raise FrameError(f"{kind} frame of {len(data)} octets (must be 4)")
        return Frame(kind, cr, bool(data[3] & 1), 0, data[3] >> 1, b"", sapi, tei)
    kind = _U_CODES.get(c1 & ~_PF_U & 0xFF)
    if kind is None:
        raise FrameError(f"undefined unnumbered control field 0x{c1:02x}")
    info = bytes(data[3:])
    if info and kind not in _U_WITH_INFO:
        raise FrameError(f"{kind} frame with a {len(info)}-octet information field")
    if len(info) > N201:
        raise FrameError(f"{kind} information field of {len(info)} octets exceeds N201={N201}")
    return Frame(kind, cr, bool(c1 & _PF_U), 0, 0, info, sapi, tei)


def _fcs_table() -> list[int]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x8408 if crc & 1 else crc >> 1
        table.append(crc)
    return table


_FCS_TABLE = _fcs_table()
FCS_GOOD_RESIDUE = 0xF0B8


def fcs16(data: bytes, fcs: int = 0xFFFF) -> int:
    """Return the HDLC FCS-16 (CRC-16/X.25, RFC 1662) of `data`; D-channel frames are short."""
    for byte in data:
        fcs = (fcs >> 8) ^ _FCS_TABLE[(fcs ^ byte) & 0xFF]
    return fcs ^ 0xFFFF


def add_fcs(frame: bytes) -> bytes:
    """Append the FCS, low octet first, as it goes on the line."""
    fcs = fcs16(frame)
    return frame + bytes((fcs & 0xFF, fcs >> 8))


def strip_fcs(raw: bytes) -> bytes:
    """Check and remove the FCS of a raw frame; raise FrameError on a mismatch."""
    if len(raw) < 5:
        raise FrameError(f"raw frame too short for an FCS ({len(raw)} octets)")
    if fcs16(raw) ^ 0xFFFF != FCS_GOOD_RESIDUE:
        raise FrameError("FCS mismatch")
    return raw[:-2]

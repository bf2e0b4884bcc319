"""Encode and decode the E1 line module's UART protocol (host = the SoC, module = the E1 module's MCU).

Framing (HDLC-like, RFC 1662 style byte stuffing): every frame is

    0x7E | kind (1) | payload | CRC (2, big endian) | 0x7E

with 0x7E and 0x7D inside the frame sent as 0x7D 0x5E and 0x7D 0x5D. The CRC is CRC-16/CCITT-FALSE
(poly 0x1021, init 0xFFFF; binascii.crc_hqx) over kind + payload, before stuffing. A receiver resyncs on
the next flag: bytes before a flag, frames with a bad CRC, a bad escape or too short are counted, logged
and dropped. Back-to-back flags are allowed (an idle line may send flags).

Kinds and payloads:

    0x01 SIG        both   one Q.921 frame of the D-channel (TS16), without FCS: the module's HDLC
                           controller does flags, bit stuffing and FCS on the line side
    0x02 STATUS     m->h   alarms (1): bit0 LOS, bit1 AIS, bit2 RAI, bit3 LOF; framing (1): 1 = CRC-4
                           multiframe, 0 = double frame; loopback (1). Sent on every change and on
                           STATUS_REQ.
    0x03 PCM        both   timeslot mask (4, big endian, bit n = timeslot n) then 160 A-law octets
                           (20 ms) per set timeslot in ascending order. The module is the clock master:
                           it sends one block per 20 ms for the timeslots it carries to the host and the
                           host answers each block with one block for the same timeslots. A board whose
                           module puts voice on the PCM/TDM bus instead never sends PCM frames.
    0x10 CONFIG     h->m   framing (1): 1 CRC-4, 0 double frame; line code (1): 0 HDB3, 1 AMI
    0x11 LOOPBACK   h->m   mode (1): 0 none, 1 local (host audio back to host), 2 remote (line back to line)
    0x12 STATUS_REQ h->m   empty; the module answers with STATUS

Unknown kinds are counted and ignored by both ends.
"""

from __future__ import annotations

import binascii
import dataclasses
import enum
import logging

log = logging.getLogger(__name__)

FLAG, ESC = 0x7E, 0x7D
_FLAG_B = b"\x7e"
MAX_FRAME = 16384
PCM_BLOCK = 160  # A-law octets per timeslot per 20 ms


class Kind(enum.IntEnum):
    SIG = 0x01
    STATUS = 0x02
    PCM = 0x03
    CONFIG = 0x10
    LOOPBACK = 0x11
    STATUS_REQ = 0x12


ALARMS = {"LOS": 0x01, "AIS": 0x02, "RAI": 0x04, "LOF": 0x08}
FRAMINGS = {"crc4": 1, "doubleframe": 0}
LINE_CODES = {"hdb3": 0, "ami": 1}
LOOPBACKS = {"none": 0, "local": 1, "remote": 2}


def stuff(body: bytes) -> bytes:
    return body.replace(b"\x7d", b"\x7d\x5d").replace(b"\x7e", b"\x7d\x5e")


def unstuff(body: bytes) -> bytes:
    """Undo `stuff`; raise ValueError on an escape not followed by 0x5D/0x5E."""
    escapes = body.count(b"\x7d")
    if escapes and escapes != body.count(b"\x7d\x5d") + body.count(b"\x7d\x5e"):
        raise ValueError("bad escape sequence")
    # every 0x7D left is an escape's first octet, so the two replacements cannot overlap
    return body.replace(b"\x7d\x5e", b"\x7e").replace(b"\x7d\x5d", b"\x7d") if escapes else body


def encode(kind: int, payload: bytes = b"") -> bytes:
    """Return one complete frame, flags included."""
    body = bytes((kind,)) + payload
    body += binascii.crc_hqx(body, 0xFFFF).to_bytes(2, "big")
    return _FLAG_B + stuff(body) + _FLAG_B


def encode_status(alarms: frozenset[str] | set[str], framing: str = "crc4", loopback: str = "none") -> bytes:
    bits = sum(ALARMS[a] for a in alarms)
    return encode(Kind.STATUS, bytes((bits, FRAMINGS[framing], LOOPBACKS[loopback])))


def decode_status(payload: bytes) -> frozenset[str]:
    if not payload:
        raise ValueError("empty STATUS")
    return frozenset(name for name, bit in ALARMS.items() if payload[0] & bit)


def encode_pcm(blocks: dict[int, bytes]) -> bytes:
    """Return a PCM frame carrying 160 A-law octets for each timeslot in `blocks`."""
    mask = 0
    for ts in blocks:
        mask |= 1 << ts
    return encode(Kind.PCM, mask.to_bytes(4, "big") + b"".join(blocks[ts] for ts in sorted(blocks)))


def decode_pcm(payload: bytes) -> dict[int, bytes]:
    """Return {timeslot: 160 A-law octets}; raise ValueError when the length does not match the mask."""
    if len(payload) < 4:
        raise ValueError("PCM frame without its timeslot mask")
    mask = int.from_bytes(payload[:4], "big")
    slots = [ts for ts in range(32) if mask >> ts & 1]
    if len(payload) != 4 + PCM_BLOCK * len(slots):
        raise ValueError(f"PCM frame of {len(payload)} octets for {len(slots)} timeslots")
    return {ts: payload[4 + i * PCM_BLOCK : 4 + (i + 1) * PCM_BLOCK] for i, ts in enumerate(slots)}


@dataclasses.dataclass
class Counters:
    frames: int = 0
    garbage_bytes: int = 0
    bad_frames: int = 0
    resyncs: int = 0


class Decoder:
    """Split a byte stream into (kind, payload) frames; resync on flags, count what is dropped."""

    def __init__(self, name: str = "e1-uart") -> None:
        self.name = name
        self.counters = Counters()
        self._buf = bytearray()
        self._synced = False

    def feed(self, data: bytes) -> list[tuple[int, bytes]]:
        self._buf += data
        out: list[tuple[int, bytes]] = []
        while True:
            i = self._buf.find(FLAG)
            if i < 0:
                break
            chunk = bytes(self._buf[:i])
            del self._buf[: i + 1]
            if not self._synced:
                self._synced = True
                if chunk:
                    self._drop(chunk, "bytes before the first flag")
                continue
            if chunk:
                frame = self._frame(chunk)
                if frame is not None:
                    out.append(frame)
        if len(self._buf) > MAX_FRAME:
            self._drop(bytes(self._buf), f"no flag in {len(self._buf)} octets")
            self._buf.clear()
            self._synced = False
        return out

    def _frame(self, chunk: bytes) -> tuple[int, bytes] | None:
        try:
            body = unstuff(chunk)
        except ValueError as e:
            self._drop(chunk, str(e))
            return None
        if len(body) < 3:
            self._drop(chunk, "frame too short")
            return None
        if binascii.crc_hqx(body[:-2], 0xFFFF) != int.from_bytes(body[-2:], "big"):
            self._drop(chunk, "CRC mismatch")
            return None
        self.counters.frames += 1
        return body[0], body[1:-2]

    def _drop(self, chunk: bytes, reason: str) -> None:
        self.counters.garbage_bytes += len(chunk)
        self.counters.bad_frames += 1
        self.counters.resyncs += 1
        log.warning("%s: dropped %d octets (%s): %s", self.name, len(chunk), reason, chunk[:16].hex())

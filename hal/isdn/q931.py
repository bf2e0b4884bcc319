"""Encode and decode Q.931 messages and the information elements PRI call control uses.

Message layout (Q.931 section 4): protocol discriminator 0x08, call reference (length octet, then the
value with the flag in bit 8 of its first octet; 2 octets on PRI, 0 for the dummy and the global call
reference 0 used by RESTART), message type, then information elements in ascending order: variable-length
IEs are `id, length, contents`; single-octet IEs have bit 8 set (shift 0x9x, sending complete 0xA1).

Decoding is lenient below the header, as Q.931 5.8 asks: an unknown IE, an IE whose contents are invalid
and an IE running past the end are recorded on the Message (`unknown_ies`, `bad_ies`) and the receiver
answers with the right cause (`problems`). Only an unusable header raises MessageError; such a message is
ignored and logged. IEs in codesets other than 0 are skipped.
"""

from __future__ import annotations

import dataclasses
import enum
from typing import Any

from hal.isdn.errors import MessageError

PD_Q931 = 0x08
GLOBAL_CALL_REF = 0


class MT(enum.IntEnum):
    """Message types (Q.931 table 4-2)."""

    ALERTING = 0x01
    CALL_PROCEEDING = 0x02
    PROGRESS = 0x03
    SETUP = 0x05
    CONNECT = 0x07
    SETUP_ACKNOWLEDGE = 0x0D
    CONNECT_ACKNOWLEDGE = 0x0F
    DISCONNECT = 0x45
    RESTART = 0x46
    RELEASE = 0x4D
    RESTART_ACKNOWLEDGE = 0x4E
    RELEASE_COMPLETE = 0x5A
    NOTIFY = 0x6E
    STATUS_ENQUIRY = 0x75
    INFORMATION = 0x7B
    STATUS = 0x7D


class IE(enum.IntEnum):
    """Information element identifiers, codeset 0 (Q.931 table 4-3)."""

    BEARER_CAPABILITY = 0x04
    CAUSE = 0x08
    CALL_STATE = 0x14
    CHANNEL_ID = 0x18
    PROGRESS_INDICATOR = 0x1E
    DISPLAY = 0x28
    CALLING_NUMBER = 0x6C
    CALLED_NUMBER = 0x70
    RESTART_INDICATOR = 0x79
    SENDING_COMPLETE = 0xA1  # single octet


class Cause(enum.IntEnum):
    """Q.850 cause values the stack uses."""

    UNALLOCATED_NUMBER = 1
    NORMAL_CLEARING = 16
    USER_BUSY = 17
    NO_USER_RESPONDING = 18
    NO_ANSWER = 19
    CALL_REJECTED = 21
    DESTINATION_OUT_OF_ORDER = 27
    INVALID_NUMBER_FORMAT = 28
    RESPONSE_TO_STATUS_ENQUIRY = 30
    NORMAL_UNSPECIFIED = 31
    NO_CIRCUIT_AVAILABLE = 34
    NETWORK_OUT_OF_ORDER = 38
    TEMPORARY_FAILURE = 41
    SWITCHING_CONGESTION = 42
    REQUESTED_CHANNEL_NOT_AVAILABLE = 44
    BEARER_NOT_IMPLEMENTED = 65
    INVALID_CALL_REFERENCE = 81
    CHANNEL_DOES_NOT_EXIST = 82
    MANDATORY_IE_MISSING = 96
    MESSAGE_TYPE_NONEXISTENT = 97
    MESSAGE_NOT_COMPATIBLE = 98
    IE_NONEXISTENT = 99
    INVALID_IE_CONTENTS = 100
    WRONG_MESSAGE_FOR_STATE = 101
    TIMER_EXPIRY = 102
    PROTOCOL_ERROR = 111


class IEError(ValueError):
    """An IE's contents are invalid (answered with cause 100)."""


# --- information elements -----------------------------------------------------------------------
SPEECH, UNRESTRICTED_DIGITAL, AUDIO_3K1 = 0x00, 0x08, 0x10
G711_ULAW, G711_ALAW = 0x02, 0x03


@dataclasses.dataclass(frozen=True)
class BearerCapability:
    capability: int = SPEECH
    rate: int = 0x10  # 64 kbit/s
    layer1: int | None = G711_ALAW
    coding: int = 0
    mode: int = 0  # circuit

    def encode(self) -> bytes:
        body = bytes((0x80 | self.coding << 5 | self.capability, 0x80 | self.mode << 5 | self.rate))
        return body + (bytes((0xA0 | self.layer1,)) if self.layer1 is not None else b"")

    @classmethod
    def decode(cls, b: bytes) -> BearerCapability:
        if len(b) < 2:
            raise IEError("bearer capability shorter than 2 octets")
        i = _skip_ext(b, 0)  # octet 3 (+3a)
        if i >= len(b):
            raise IEError("bearer capability lacks octet 4")
        rate, mode = b[i] & 0x1F, (b[i] >> 5) & 3
        i = _skip_ext(b, i)  # octet 4 (+4a, 4b)
        layer1 = b[i] & 0x1F if i < len(b) and (b[i] >> 5) & 3 == 1 else None
        return cls(b[0] & 0x1F, rate, layer1, (b[0] >> 5) & 3, mode)


@dataclasses.dataclass(frozen=True)
class ChannelId:
    """Channel identification: on PRI the channel number is the E1 timeslot (1-15, 17-31)."""

    channel: int | None = None
    exclusive: bool = False
    any_channel: bool = False
    primary: bool = True

    def encode(self) -> bytes:
        sel = 3 if self.any_channel else (1 if self.channel is not None else 0)
        if not self.primary:
            sel = 3 if self.any_channel else (self.channel or 0)
        head = 0x80 | (0x20 if self.primary else 0) | (0x08 if self.exclusive else 0) | sel
        if self.primary and self.channel is not None and not self.any_channel:
            return bytes((head, 0x83, 0x80 | self.channel))
        return bytes((head,))

    @classmethod
    def decode(cls, b: bytes) -> ChannelId:
        if not b:
            raise IEError("empty channel identification")
        head = b[0]
        primary, exclusive, sel = bool(head & 0x20), bool(head & 0x08), head & 0x03
        if head & 0x04:
            raise IEError("channel identification names the D-channel")
        i = _skip_ext(b, 0)
        if head & 0x40:  # explicit interface identifier: skip it
            while i < len(b) and not b[i] & 0x80:
                i += 1
            i += 1
        if not primary:
            return cls(sel if sel in (1, 2) else None, exclusive, sel == 3, False)
        if sel != 1:
            return cls(None, exclusive, sel == 3, True)
        if i + 1 >= len(b):
            raise IEError("PRI channel identification lacks the channel number")
        if b[i] & 0x10 or b[i] & 0x0F != 0x03:
            raise IEError(f"unsupported channel type/map octet 0x{b[i]:02x}")
        channel = b[i + 1] & 0x7F
        if not 1 <= channel <= 31 or channel == 16:
            raise IEError(f"channel number {channel} is not a B-channel timeslot")
        return cls(channel, exclusive, False, True)


@dataclasses.dataclass(frozen=True)
class CauseIE:
    value: int
    location: int = 0  # 0 user, 1 private network local user, 2 public network local user
    coding: int = 0
    diagnostic: bytes = b""

    def encode(self) -> bytes:
        return bytes((0x80 | self.coding << 5 | self.location, 0x80 | self.value)) + self.diagnostic

    @classmethod
    def decode(cls, b: bytes) -> CauseIE:
        i = _skip_ext(b, 0) if b else 0
        if len(b) < 2 or i >= len(b):
            raise IEError("cause lacks its value octet")
        return cls(b[i] & 0x7F, b[0] & 0x0F, (b[0] >> 5) & 3, bytes(b[i + 1 :]))


@dataclasses.dataclass(frozen=True)
class CallState:
    value: int
    coding: int = 0

    def encode(self) -> bytes:
        return bytes((self.coding << 6 | self.value,))

    @classmethod
    def decode(cls, b: bytes) -> CallState:
        if len(b) != 1:
            raise IEError(f"call state of {len(b)} octets")
        return cls(b[0] & 0x3F, b[0] >> 6)


@dataclasses.dataclass(frozen=True)
class PartyNumber:
    """Calling or called party number: type of number, numbering plan, IA5 digits."""

    digits: str
    type: int = 0  # 0 unknown, 1 international, 2 national, 4 subscriber
    plan: int = 1  # 1 ISDN/telephony E.164
    presentation: int | None = None  # calling only: octet 3a when set
    screening: int = 0

    def encode(self) -> bytes:
        head = self.type << 4 | self.plan
        if self.presentation is None:
            body = bytes((0x80 | head,))
        else:
            body = bytes((head, 0x80 | self.presentation << 5 | self.screening))
        return body + self.digits.encode("ascii")

    @classmethod
    def decode(cls, b: bytes) -> PartyNumber:
        if not b:
            raise IEError("empty party number")
        presentation, screening, i = None, 0, 1
        if not b[0] & 0x80:
            if len(b) < 2:
                raise IEError("party number lacks octet 3a")
            presentation, screening, i = (b[1] >> 5) & 3, b[1] & 3, 2
        raw = bytes(b[i:])
        if any(c & 0x80 for c in raw):
            raise IEError("party number digits outside IA5")
        return cls(raw.decode("ascii"), (b[0] >> 4) & 7, b[0] & 0x0F, presentation, screening)


@dataclasses.dataclass(frozen=True)
class ProgressIndicator:
    description: int  # 1 not end-to-end ISDN, 2 destination non-ISDN, 8 in-band info available
    location: int = 0
    coding: int = 0

    def encode(self) -> bytes:
        return bytes((0x80 | self.coding << 5 | self.location, 0x80 | self.description))

    @classmethod
    def decode(cls, b: bytes) -> ProgressIndicator:
        if len(b) != 2:
            raise IEError(f"progress indicator of {len(b)} octets")
        return cls(b[1] & 0x7F, b[0] & 0x0F, (b[0] >> 5) & 3)


@dataclasses.dataclass(frozen=True)
class Display:
    text: str

    def encode(self) -> bytes:
        return self.text.encode("ascii", "replace")

    @classmethod
    def decode(cls, b: bytes) -> Display:
        if b and b[0] & 0x80:  # a national charset/type octet (e.g. 0xB1) precedes the text
            b = b[1:]
        return cls(bytes(c & 0x7F for c in b).decode("ascii"))


@dataclasses.dataclass(frozen=True)
class RestartIndicator:
    restart_class: int  # 0 indicated channels, 6 single interface, 7 all interfaces

    def encode(self) -> bytes:
        return bytes((0x80 | self.restart_class,))

    @classmethod
    def decode(cls, b: bytes) -> RestartIndicator:
        if len(b) != 1 or (b[0] & 0x07) not in (0, 6, 7):
            raise IEError("invalid restart indicator")
        return cls(b[0] & 0x07)


_CODECS: dict[int, Any] = {
    IE.BEARER_CAPABILITY: BearerCapability,
    IE.CAUSE: CauseIE,
    IE.CALL_STATE: CallState,
    IE.CHANNEL_ID: ChannelId,
    IE.PROGRESS_INDICATOR: ProgressIndicator,
    IE.DISPLAY: Display,
    IE.CALLING_NUMBER: PartyNumber,
    IE.CALLED_NUMBER: PartyNumber,
    IE.RESTART_INDICATOR: RestartIndicator,
}

MANDATORY: dict[int, tuple[int, ...]] = {
    MT.SETUP: (IE.BEARER_CAPABILITY,),
    MT.DISCONNECT: (IE.CAUSE,),
    MT.STATUS: (IE.CAUSE, IE.CALL_STATE),
    MT.RESTART: (IE.RESTART_INDICATOR,),
    MT.RESTART_ACKNOWLEDGE: (IE.RESTART_INDICATOR,),
    MT.PROGRESS: (IE.PROGRESS_INDICATOR,),
}


def _skip_ext(b: bytes, i: int) -> int:
    """Return the index after the octet group starting at i (ends at the octet with bit 8 set)."""
    while i < len(b) and not b[i] & 0x80:
        i += 1
    return i + 1


# --- messages ---------------------------------------------------------------------------------
@dataclasses.dataclass
class Message:
    """A Q.931 message; `flag` is the call reference flag as on the wire (True: sent by the side
    that did not allocate the call reference)."""

    mtype: int
    call_ref: int = 0
    flag: bool = False
    ies: dict[int, Any] = dataclasses.field(default_factory=dict)
    sending_complete: bool = False
    cr_len: int = 2
    unknown_ies: list[int] = dataclasses.field(default_factory=list)
    bad_ies: list[int] = dataclasses.field(default_factory=list)

    @property
    def name(self) -> str:
        try:
            return MT(self.mtype).name.replace("_", " ")
        except ValueError:
            return f"UNKNOWN(0x{self.mtype:02x})"

    @property
    def known(self) -> bool:
        return self.mtype in MT._value2member_map_

    def get(self, ie: int) -> Any:
        return self.ies.get(ie)

    @property
    def cause(self) -> int | None:
        c = self.ies.get(IE.CAUSE)
        return c.value if c else None

    def __str__(self) -> str:
        parts = [f"{self.name} cr={self.call_ref}{'*' if self.flag else ''}"]
        parts += [f"{IE(k).name.lower()}={v}" for k, v in sorted(self.ies.items())]
        if self.unknown_ies or self.bad_ies:
            parts.append(f"unknown={self.unknown_ies} bad={self.bad_ies}")
        return " ".join(parts)


def encode(msg: Message) -> bytes:
    """Return the message's octets, IEs in ascending identifier order."""
    out = bytearray((PD_Q931, msg.cr_len))
    if msg.cr_len:
        value = msg.call_ref.to_bytes(msg.cr_len, "big")
        out += bytes((value[0] | (0x80 if msg.flag else 0),)) + value[1:]
    out.append(msg.mtype)
    ies = dict(msg.ies)
    if msg.sending_complete:
        ies[IE.SENDING_COMPLETE] = None
    for ident in sorted(ies):
        if ident & 0x80:
            out.append(ident)
            continue
        body = ies[ident].encode()
        if len(body) > 255:
            raise ValueError(f"IE 0x{ident:02x} longer than 255 octets")
        out += bytes((ident, len(body))) + body
    return bytes(out)


def decode(data: bytes) -> Message:
    """Parse a message; raise MessageError only when the header is unusable."""
    if len(data) < 3:
        raise MessageError(f"message too short ({len(data)} octets)")
    if data[0] != PD_Q931:
        raise MessageError(f"protocol discriminator 0x{data[0]:02x} is not Q.931")
    cr_len = data[1]
    if cr_len & 0xF0 or cr_len > 2:
        raise MessageError(f"call reference length octet 0x{cr_len:02x} invalid")
    if len(data) < 3 + cr_len:
        raise MessageError("message ends inside the call reference")
    raw_cr = data[2 : 2 + cr_len]
    flag = bool(raw_cr and raw_cr[0] & 0x80)
    call_ref = int.from_bytes(bytes((raw_cr[0] & 0x7F,)) + raw_cr[1:], "big") if raw_cr else 0
    msg = Message(data[2 + cr_len], call_ref, flag, cr_len=cr_len)
    if msg.mtype & 0x80:
        raise MessageError(f"message type 0x{msg.mtype:02x} has bit 8 set")
    _decode_ies(msg, data, 3 + cr_len)
    return msg


def _decode_ies(msg: Message, data: bytes, i: int) -> None:
    locked = codeset = 0
    while i < len(data):
        ident = data[i]
        if ident & 0x80:  # single-octet IE
            if ident & 0xF0 == 0x90:  # shift: bit 4 set means non-locking (next IE only)
                codeset = ident & 0x07
                if not ident & 0x08:
                    locked = codeset
            elif ident == IE.SENDING_COMPLETE:
                msg.sending_complete = True
            i += 1
            continue
        if i + 2 > len(data) or i + 2 + data[i + 1] > len(data):
            msg.bad_ies.append(ident)  # length runs past the end: nothing after it can be trusted
            return
        body, i = bytes(data[i + 2 : i + 2 + data[i + 1]]), i + 2 + data[i + 1]
        current, codeset = codeset, locked
        if current != 0:
            continue
        codec = _CODECS.get(ident)
        if codec is None:
            msg.unknown_ies.append(ident)
            continue
        try:
            value = codec.decode(body)
        except (IEError, UnicodeDecodeError):
            msg.bad_ies.append(ident)
            continue
        msg.ies.setdefault(ident, value)


def problems(msg: Message, mandatory: tuple[int, ...] | None = None) -> tuple[int | None, int | None]:
    """Return (fatal cause, non-fatal cause) for a decoded message (Q.931 5.8.5-5.8.7).

    Fatal: a mandatory IE missing (96) or with invalid contents (100); the message cannot be acted on.
    Non-fatal: an unrecognised IE (99) or an optional IE with invalid contents (100); act, then STATUS.
    """
    needed = MANDATORY.get(msg.mtype, ()) if mandatory is None else mandatory
    fatal = None
    for ident in needed:
        if ident in msg.bad_ies:
            fatal = Cause.INVALID_IE_CONTENTS
            break
        if ident not in msg.ies:
            fatal = Cause.MANDATORY_IE_MISSING
            break
    if any(ident not in needed for ident in msg.bad_ies):
        return fatal, Cause.INVALID_IE_CONTENTS
    return fatal, (Cause.IE_NONEXISTENT if msg.unknown_ies else None)

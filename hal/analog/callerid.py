"""Caller ID and message waiting on analog lines: message framing, sender frames and a receiver.

FSK messages (Telcordia GR-30 / ETSI EN 300 659-3 / YD/T 1277.1 share the framing):
  SDMF call   0x04 len MMDDHHMM number                                     checksum
  MDMF call   0x80 len {0x01 8 MMDDHHMM} {0x02 n number | 0x04 1 O/P}
                       {0x07 n name | 0x08 1 O/P}                           checksum
  MDMF MWI    0x82 len {0x0B 1 0xFF on / 0x00 off}                          checksum
  SDMF MWI    0x06 3 0x42 0x42 0x42 (on) / 0x6F 0x6F 0x6F (off)              checksum
The checksum is the two's complement of the modulo-256 sum of every byte before it.
DTMF caller ID (ETSI EN 300 659-1 annex B, YD/T 1277.2): 'A' number 'C', or 'B' 00 'C'
(unavailable) / 'B' 10 'C' (private), sent before the first ring.

The sender turns a message into 20 ms PCM frames for a port's line side; the receiver takes the
line's frames (FXO port between rings, or the simulated phone) and returns decoded messages.
"""

from __future__ import annotations

import array
import dataclasses
import logging
import time
from concurrent.futures import Future

from hal.analog import dsp, fsk
from hal.analog.dtmf import DtmfDetector, dtmf_frames
from hal.analog.worker import background
from hal.country import CallerIdStandard
from hal.ports import FRAME_SAMPLES, CallerIdInfo

log = logging.getLogger(__name__)

SDMF_CALL, MDMF_CALL, SDMF_MWI, MDMF_MWI = 0x04, 0x80, 0x06, 0x82
P_DATETIME, P_NUMBER, P_NUMBER_ABSENT, P_NAME, P_NAME_ABSENT, P_MWI = 0x01, 0x02, 0x04, 0x07, 0x08, 0x0B
ABSENT_CODES = {"O": "00", "P": "10"}  # unavailable / private, in DTMF caller ID


@dataclasses.dataclass(frozen=True)
class CallerIdMessage:
    """A decoded caller-ID or message-waiting message; text fields are untrusted line data."""

    number: str = ""
    name: str = ""
    when: str = ""  # MMDDHHMM
    number_absent: str = ""  # 'O' unavailable, 'P' private
    name_absent: str = ""
    mwi: bool | None = None  # set for message-waiting messages
    message_type: int = MDMF_CALL
    modulation: str = ""  # 'bell202', 'v23' or 'dtmf'


def _frame(message_type: int, payload: bytes) -> bytes:
    if len(payload) > 255:
        raise ValueError("caller-ID message too long")
    body = bytes([message_type, len(payload)]) + payload
    return body + bytes([(-sum(body)) & 0xFF])


def _ascii(text: str, limit: int) -> bytes:
    return text.encode("ascii", "replace")[:limit]


def encode_call(number: str, name: str = "", when: str | None = None, fmt: str = "mdmf") -> bytes:
    """Frame a call-setup message; an empty number is sent as 'unavailable', 'P' as private."""
    when = when or time.strftime("%m%d%H%M")
    if fmt == "sdmf":
        return _frame(SDMF_CALL, _ascii(when, 8) + _ascii(number or "O", 18))
    params = bytes([P_DATETIME, 8]) + _ascii(when, 8)
    if number and number not in ("O", "P"):
        params += bytes([P_NUMBER, len(_ascii(number, 20))]) + _ascii(number, 20)
    else:
        params += bytes([P_NUMBER_ABSENT, 1]) + (number or "O").encode()
    if name:
        params += bytes([P_NAME, len(_ascii(name, 50))]) + _ascii(name, 50)
    return _frame(MDMF_CALL, params)


def encode_mwi(on: bool) -> bytes:
    return _frame(MDMF_MWI, bytes([P_MWI, 1, 0xFF if on else 0x00]))


def _decode(message_type: int, payload: bytes) -> CallerIdMessage | None:
    text = payload.decode("ascii", "replace")
    if message_type == SDMF_CALL:
        if len(payload) < 8:
            return None
        number = text[8:]
        absent = number if number in ("O", "P") else ""
        return CallerIdMessage(
            number="" if absent else number, when=text[:8], number_absent=absent, message_type=0x04
        )
    if message_type == SDMF_MWI:
        return CallerIdMessage(mwi=payload[:1] == b"\x42", message_type=SDMF_MWI)
    fields: dict[str, str] = {}
    mwi = None
    i = 0
    while i + 2 <= len(payload):
        ptype, plen = payload[i], payload[i + 1]
        value = payload[i + 2 : i + 2 + plen]
        if len(value) != plen:
            return None
        keys = {P_DATETIME: "when", P_NUMBER: "number", P_NUMBER_ABSENT: "number_absent"}
        keys |= {P_NAME: "name", P_NAME_ABSENT: "name_absent"}
        if ptype in keys:
            fields[keys[ptype]] = value.decode("ascii", "replace")
        elif ptype == P_MWI and plen == 1:
            mwi = value[0] != 0
        i += 2 + plen
    return CallerIdMessage(mwi=mwi, message_type=message_type, **fields)


def parse(data: bytes) -> CallerIdMessage | None:
    """Find and decode the first well-framed message (valid length and checksum) in a byte run."""
    for i in range(len(data) - 2):
        message_type, length = data[i], data[i + 1]
        end = i + 2 + length
        if message_type not in (SDMF_CALL, MDMF_CALL, SDMF_MWI, MDMF_MWI) or end >= len(data):
            continue
        if sum(data[i : end + 1]) & 0xFF:
            log.debug("caller-ID checksum mismatch at byte %d", i)
            continue
        message = _decode(message_type, data[i + 2 : end])
        if message is not None:
            return message
    return None


def dtmf_cid_digits(number: str) -> str:
    """Return the DTMF caller-ID string: 'A' number 'C', or 'B' reason 'C' when withheld/unknown."""
    if number in ("", "O", "P"):
        return "B" + ABSENT_CODES[number or "O"] + "C"
    digits = "".join(ch for ch in number if ch.isdigit() or ch in "*#")
    return f"A{digits}C"


def parse_dtmf(digits: str) -> CallerIdMessage | None:
    """Decode a DTMF caller-ID string collected from the line."""
    if len(digits) < 3 or digits[-1] != "C" or digits[0] not in "ABD":
        return None
    body = digits[1:-1]
    if digits[0] == "B":
        reason = {v: k for k, v in ABSENT_CODES.items()}.get(body, "O")
        return CallerIdMessage(number_absent=reason, modulation="dtmf")
    return CallerIdMessage(number=body, modulation="dtmf")


def caller_id_frames(info: CallerIdInfo, standard: CallerIdStandard, when: str | None = None) -> list[bytes]:
    """Return the caller-ID signal for a ring as 20 ms frames (FSK burst or DTMF digits)."""
    if standard.modulation == "dtmf":
        return dtmf_frames(dtmf_cid_digits(info.number), standard.dtmf_on_ms, standard.dtmf_off_ms)
    if standard.modulation not in fsk.MODULATIONS:
        return []
    message = encode_call(info.number, info.name, when, standard.message_format)
    burst = fsk.fsk_burst(
        message, fsk.MODULATIONS[standard.modulation], standard.seizure_bits, standard.mark_bits
    )
    return dsp.to_frames(burst)


def mwi_frames(on: bool, standard: CallerIdStandard) -> list[bytes]:
    """Return an on-hook message-waiting burst (FSK standards only; DTMF has none)."""
    if standard.modulation not in fsk.MODULATIONS:
        return []
    burst = fsk.fsk_burst(encode_mwi(on), fsk.MODULATIONS[standard.modulation], 0, standard.mark_bits)
    return dsp.to_frames(burst)


MIN_SIGNAL_MS = (80.0**2) / 2  # mean square of a sine of peak 80: quieter frames are line noise
MIN_FSK_SAMPLES = 1200  # 150 ms: shorter bursts cannot hold a message
MAX_BUFFER_SAMPLES = 4 * dsp.RATE
QUIET_FRAMES = 3
DTMF_TIMEOUT_FRAMES = 50


class CallerIdReceiver:
    """Decode caller ID from line frames: FSK bursts (Bell 202 or V.23) and DTMF digit strings.

    DTMF digits are decoded inline (cheap); a finished FSK burst is demodulated on the DSP thread
    (hal.analog.worker) and its message returned by a later feed().
    """

    def __init__(self) -> None:
        self._dtmf = DtmfDetector()
        self._buf = array.array("h")
        self._quiet = 0
        self._digits = ""
        self._digit_age = 0
        self._dtmf_in_burst = False
        self._pending: list[Future[CallerIdMessage | None]] = []

    def reset(self) -> None:
        self._dtmf.reset()
        self._buf = array.array("h")
        self._quiet = 0
        self._digits = ""
        self._dtmf_in_burst = False
        self._pending.clear()

    def feed(self, frame: bytes) -> CallerIdMessage | None:
        """Feed one 20 ms frame of line audio; return a message when one completes."""
        x = dsp.samples(frame)
        active = dsp.energy(x) >= MIN_SIGNAL_MS * FRAME_SAMPLES
        message = self._on_digit(self._dtmf.feed_samples(x))
        if active:
            self._buf.extend(x)
            self._quiet = 0
            if len(self._buf) >= MAX_BUFFER_SAMPLES:
                self._finish_burst()
        elif self._buf:
            self._quiet += 1
            if self._quiet >= QUIET_FRAMES:
                self._finish_burst()
        return message or self._collect()

    def _collect(self) -> CallerIdMessage | None:
        while self._pending and self._pending[0].done():
            result = self._pending.pop(0).result()
            if result is not None:
                return result
        return None

    def _on_digit(self, digit: str | None) -> CallerIdMessage | None:
        if digit is None:
            self._digit_age += 1
            if self._digit_age > DTMF_TIMEOUT_FRAMES:
                self._digits = ""
            return None
        self._digit_age = 0
        self._dtmf_in_burst = True
        if digit in "ABD":
            self._digits = digit
            return None
        if not self._digits:
            return None
        self._digits += digit
        if digit != "C":
            return None
        message = parse_dtmf(self._digits)
        self._digits = ""
        return message

    def _finish_burst(self) -> None:
        buf, self._buf, self._quiet = self._buf, array.array("h"), 0
        had_dtmf, self._dtmf_in_burst = self._dtmf_in_burst, False
        if not had_dtmf and len(buf) >= MIN_FSK_SAMPLES:
            self._pending.append(background(decode_burst, buf))


def decode_burst(buf: array.array) -> CallerIdMessage | None:
    """Demodulate one FSK burst (Bell 202 or V.23, likeliest first) and parse its message."""
    for mod, run in fsk.demodulate(buf):
        message = parse(run)
        if message is not None:
            return dataclasses.replace(message, modulation=mod.name)
    log.info("FSK burst of %d ms carried no valid caller-ID message", len(buf) // 8)
    return None

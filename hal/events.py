"""Events the HAL posts to whoever drives it (pbx-core's loop): frozen, stamped with receive time.

`port` is the stable port name: fxs1..fxsN, fxo1..fxoN, e1 (span), e1/1..e1/30 (B-channels).
"""

from __future__ import annotations

import dataclasses
import time


def _now() -> float:
    return time.monotonic()


@dataclasses.dataclass(frozen=True)
class HalEvent:
    port: str
    at: float = dataclasses.field(default_factory=_now, kw_only=True)


# --- FXS (an analog phone plugged into the box) ---------------------------------------------
@dataclasses.dataclass(frozen=True)
class OffHook(HalEvent):
    """The handset was lifted (debounced)."""


@dataclasses.dataclass(frozen=True)
class OnHook(HalEvent):
    """The handset was put down (debounced, longer than the flash window)."""


@dataclasses.dataclass(frozen=True)
class Flash(HalEvent):
    """A hook flash (on-hook shorter than the flash window)."""


@dataclasses.dataclass(frozen=True)
class Digit(HalEvent):
    """One dialed digit; mode is 'dtmf' or 'pulse'."""

    digit: str
    mode: str = "dtmf"


# --- FXO (a PSTN line plugged into the box) -------------------------------------------------
@dataclasses.dataclass(frozen=True)
class RingStart(HalEvent):
    """Ringing voltage detected on the line: once per incoming call, at its first ring burst."""


@dataclasses.dataclass(frozen=True)
class RingStop(HalEvent):
    """Ringing stopped: no burst for the cadence's gap plus 2 s, so the caller gave up.

    Not posted once the line was seized (answered).
    """


@dataclasses.dataclass(frozen=True)
class CallerId(HalEvent):
    """Caller ID decoded on an FXO line (FSK or DTMF); untrusted text."""

    number: str
    name: str = ""


@dataclasses.dataclass(frozen=True)
class PolarityReversal(HalEvent):
    """Line polarity reversed (far end answered, or hung up, depending on the line)."""


@dataclasses.dataclass(frozen=True)
class Disconnect(HalEvent):
    """The far end hung up: loop-current drop, polarity reversal or busy tone; `reason` says which."""

    reason: str


@dataclasses.dataclass(frozen=True)
class LineHealth(HalEvent):
    """Line voltage check result; ok False marks the port faulty."""

    volts: float
    ok: bool


# --- any port -------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class PortFaulted(HalEvent):
    """The port's chip/module stopped answering or misbehaves; reason is for the log and web admin."""

    reason: str


@dataclasses.dataclass(frozen=True)
class PortRecovered(HalEvent):
    """A faulted port works again."""


# --- E1 span and its B-channels -------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class SpanAlarm(HalEvent):
    """An alarm (LOS, AIS, RAI, LOF) raised (on=True) or cleared on the span."""

    alarm: str
    on: bool


@dataclasses.dataclass(frozen=True)
class SpanUp(HalEvent):
    """Layer 1 in frame with no alarm and the D-channel (Q.921) established."""


@dataclasses.dataclass(frozen=True)
class SpanDown(HalEvent):
    """The span can carry no calls (alarm or D-channel down)."""

    reason: str


@dataclasses.dataclass(frozen=True)
class E1Setup(HalEvent):
    """An incoming call (Q.931 SETUP) on B-channel `port` (e1/N); call_ref identifies it.

    `display` is the SETUP's Display IE (the network's caller name), empty when absent; untrusted text.
    """

    call_ref: int
    calling: str
    called: str
    display: str = ""


@dataclasses.dataclass(frozen=True)
class E1Proceeding(HalEvent):
    call_ref: int


@dataclasses.dataclass(frozen=True)
class E1Alerting(HalEvent):
    call_ref: int


@dataclasses.dataclass(frozen=True)
class E1Connect(HalEvent):
    """The far end answered our call; `display` is the CONNECT's Display IE (empty when absent)."""

    call_ref: int
    display: str = ""


@dataclasses.dataclass(frozen=True)
class E1Disconnect(HalEvent):
    """The far end cleared (DISCONNECT/RELEASE/RELEASE COMPLETE) with a Q.850 cause."""

    call_ref: int
    cause: int

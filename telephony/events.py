"""Events the engine loop dispatches: small frozen dataclasses stamped with their receive time.

pjsua2 callbacks and control requests only build these; all decisions happen in the loop.
"""

from __future__ import annotations

import dataclasses
import time
from concurrent.futures import Future
from typing import Any


def _now() -> float:
    return time.monotonic()


@dataclasses.dataclass(frozen=True)
class Event:
    """Base of every event; `at` is the monotonic time it was received."""

    at: float = dataclasses.field(default_factory=_now, kw_only=True)


@dataclasses.dataclass(frozen=True)
class IncomingCall(Event):
    """A new INVITE reached pbx-core; `leg` is the already-created pjsua2 call object."""

    leg: Any
    source: str
    message: str


@dataclasses.dataclass(frozen=True)
class LegState(Event):
    """A leg's INVITE session changed state (pjsip_inv_state) with the last status code."""

    leg: Any
    state: int
    status_code: int
    reason: str


@dataclasses.dataclass(frozen=True)
class LegDtmf(Event):
    """A leg received a DTMF digit (RFC 4733 telephone-event or SIP INFO)."""

    leg: Any
    digit: str
    method: int = 0


@dataclasses.dataclass(frozen=True)
class LegMedia(Event):
    """A leg's media changed (audio became active, held or removed)."""

    leg: Any


@dataclasses.dataclass(frozen=True)
class LegTransfer(Event):
    """A SIP phone sent REFER on `leg`; pjsua answered 202 and dials `dst_uri` on `new_leg`."""

    leg: Any
    dst_uri: str
    new_leg: Any


@dataclasses.dataclass(frozen=True)
class ControlRequest(Event):
    """A control API request; the engine answers through `reply`."""

    command: str
    args: dict
    reply: Future


@dataclasses.dataclass(frozen=True)
class Callback(Event):
    """Run `func` on the engine thread (work finished on another thread hands its result back)."""

    func: Any

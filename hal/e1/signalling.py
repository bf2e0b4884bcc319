"""Define what a span's call signalling must do, and the B-channel pool every signalling shares.

The span owns layer 1 (framing, alarms), the B-channels and their audio; a Signalling owns the calls.
PRI (`hal.e1.pri`) runs Q.921/Q.931 over the D-channel on timeslot 16. China No.1 (R2 MFC, openr2's
`cn`) is the planned second implementation: it will receive ABCD line-signalling bit changes per
timeslot through `cas_changed`, send its own through `SignallingUser.sig_cas`, and exchange MF tones on
the B-channel audio; the span needs no change for it, only a new class registered in SIGNALLINGS.

Channel numbers below the span are E1 timeslots (1-15, 17-31, as Q.931 and the line module use them);
the span names B-channels e1/1..e1/30 (`b_to_ts`/`ts_to_b` convert).
"""

from __future__ import annotations

import abc
import logging
from collections.abc import Iterable
from typing import Any, Protocol

log = logging.getLogger(__name__)

E1_TIMESLOTS = tuple(ts for ts in range(1, 32) if ts != 16)


def b_to_ts(b: int) -> int:
    """Return the timeslot of B-channel `b` (1..30); timeslot 16 carries the D-channel."""
    if not 1 <= b <= 30:
        raise ValueError(f"B-channel {b} out of 1..30")
    return b if b < 16 else b + 1


def ts_to_b(ts: int) -> int:
    if ts not in E1_TIMESLOTS:
        raise ValueError(f"timeslot {ts} is not a B-channel")
    return ts if ts < 16 else ts - 1


class ChannelPool:
    """Which timeslots are free, and which call holds each busy one."""

    def __init__(self, timeslots: Iterable[int] = E1_TIMESLOTS) -> None:
        self._owner: dict[int, int | None] = dict.fromkeys(timeslots)

    def exists(self, ts: int) -> bool:
        return ts in self._owner

    def is_free(self, ts: int) -> bool:
        return ts in self._owner and self._owner[ts] is None

    def owner_of(self, ts: int) -> int | None:
        return self._owner.get(ts)

    def free_count(self) -> int:
        return sum(owner is None for owner in self._owner.values())

    def pick(self, descending: bool = False) -> int | None:
        """Return a free timeslot, hunting from the top or the bottom (the two ends of a trunk hunt in
        opposite directions so that their simultaneous seizures rarely collide)."""
        order = sorted(self._owner, reverse=descending)
        return next((ts for ts in order if self._owner[ts] is None), None)

    def take(self, ts: int, owner: int) -> None:
        if not self.is_free(ts):
            raise ValueError(f"timeslot {ts} is not free")
        self._owner[ts] = owner

    def release(self, ts: int | None, owner: int | None = None) -> None:
        """Free `ts` if `owner` (when given) holds it."""
        if ts in self._owner and (owner is None or self._owner[ts] == owner):
            self._owner[ts] = None

    def clear(self) -> None:
        for ts in self._owner:
            self._owner[ts] = None


class SignallingUser(Protocol):
    """What a signalling needs from its span."""

    def sig_transmit(self, frame: bytes) -> None:
        """Send one D-channel frame (PRI) to the line."""

    def sig_link(self, up: bool) -> None:
        """The signalling link came up (calls possible) or went down."""

    def sig_event(self, call_ref: int, event: str, **data: Any) -> None:
        """A call event: setup(timeslot, calling, called), proceeding, alerting, connect, active,
        disconnect(cause) (the far end cleared or failed), released(cause, timeslot) (call gone)."""


class Signalling(abc.ABC):
    """Call control over a span; a subclass implements one signalling system.

    Subclasses override everything abstract; `cas_changed` only matters to CAS systems (R2). The span
    builds one as `cls(user, pool, network=bool, clock=callable, **signalling_options)`. All methods
    run under the span's lock, so implementations need no locking of their own.
    """

    name = ""

    def __init__(self, user: SignallingUser, pool: ChannelPool) -> None:
        self.user, self.pool = user, pool

    @property
    @abc.abstractmethod
    def up(self) -> bool:
        """True when calls can be placed and received."""

    @abc.abstractmethod
    def layer1(self, up: bool) -> None:
        """Layer 1 is in frame without alarms (up) or lost."""

    @abc.abstractmethod
    def receive(self, frame: bytes) -> None:
        """Handle one D-channel frame from the line; malformed input is logged, never raised."""

    def cas_changed(self, ts: int, abcd: int) -> None:
        """Handle a change of a timeslot's ABCD signalling bits; CAS systems (R2) override this."""
        log.debug("%s signalling ignores ABCD bits %x on timeslot %d", self.name, abcd, ts)

    @abc.abstractmethod
    def poll(self) -> None:
        """Run protocol timers that are due."""

    @abc.abstractmethod
    def next_deadline(self) -> float | None:
        """Return when `poll` next has work (clock time), or None."""

    @abc.abstractmethod
    def place_call(self, calling: str, called: str, ts: int | None = None) -> int:
        """Start an outgoing call on a free (or the given) timeslot; return its call reference."""

    @abc.abstractmethod
    def proceeding(self, call_ref: int) -> None: ...

    @abc.abstractmethod
    def alerting(self, call_ref: int) -> None: ...

    @abc.abstractmethod
    def answer(self, call_ref: int) -> None: ...

    @abc.abstractmethod
    def hangup(self, call_ref: int, cause: int = 16) -> None:
        """Clear the call (no-op when it is already clearing or gone)."""

    @abc.abstractmethod
    def timeslot_of(self, call_ref: int) -> int | None: ...

    @abc.abstractmethod
    def calls(self) -> list[dict[str, Any]]:
        """Describe the live calls (call_ref, state, timeslot, calling, called, direction)."""


SIGNALLINGS: dict[str, type[Signalling]] = {}


def register_signalling(cls: type[Signalling]) -> type[Signalling]:
    """Class decorator: make a signalling selectable by its `name` in board files."""
    SIGNALLINGS[cls.name] = cls
    return cls

"""Keys pressed during an answered two-party call: in-call feature codes, else relayed to the other side.

Every LineCall passes its legs' digits here (SIP RFC 4733/INFO, analog DTMF and pulse, in-band on
FXO/E1). A digit that may start a feature code (`*` or `#`) is held; when the held keys spell a
registered code its handler runs, when they cannot become one they are relayed as they were
pressed, and held keys are relayed after HOLD_TIMEOUT of silence. Digits that start no code are
relayed at once, so an external IVR behind a trunk still hears them.

Features register codes with `register(code, handler, who)`: `handler(call, leg)` runs on the
engine thread; `who` is "caller", "callee" or "any" (which side may use the code).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from telephony.calls.legs import CallLeg
    from telephony.engine import Engine

log = logging.getLogger(__name__)

HOLD_TIMEOUT = 2.0
PREFIXES = ("*", "#")

Handler = Callable[[Any, "CallLeg"], None]


@dataclasses.dataclass(frozen=True)
class Code:
    code: str
    handler: Handler
    who: str = "any"


class InCallCodes:
    """The registry of in-call codes and the per-leg key buffers."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.codes: dict[str, Code] = {}
        self.held: dict[int, str] = {}  # id(leg) -> keys held back
        self.timers: dict[int, Any] = {}

    def register(self, code: str, handler: Handler, who: str = "any") -> None:
        if not code or code[0] not in PREFIXES:
            raise ValueError(f"in-call code {code!r} must start with * or #")
        clash = [c for c in self.codes if c != code and (c.startswith(code) or code.startswith(c))]
        if clash:
            raise ValueError(f"in-call code {code!r} clashes with {clash[0]!r}")
        self.codes[code] = Code(code, handler, who)

    def unregister(self, code: str) -> None:
        self.codes.pop(code, None)

    def digit(self, call: Any, leg: CallLeg, digit: str) -> None:
        """A key from `leg` of an answered call."""
        key = id(leg)
        held = self.held.get(key, "")
        if not held and digit not in PREFIXES:
            self._relay(call, leg, digit)
            return
        held += digit
        self._cancel(key)
        allowed = [c for c in self.codes.values() if c.who in ("any", leg.role)]
        match = next((c for c in allowed if c.code == held), None)
        if match is not None:
            self.held.pop(key, None)
            log.info("call %s: %s pressed in-call code %s", getattr(call, "uniqueid", "?"), leg.peer, held)
            match.handler(call, leg)
            return
        if any(c.code.startswith(held) for c in allowed):
            self.held[key] = held
            self.timers[key] = self.engine.call_later(HOLD_TIMEOUT, lambda: self._flush(call, leg))
            return
        self.held.pop(key, None)
        for d in held:
            self._relay(call, leg, d)

    def forget(self, leg: CallLeg) -> None:
        """The leg left its call: drop what it held."""
        self._cancel(id(leg))
        self.held.pop(id(leg), None)

    def _flush(self, call: Any, leg: CallLeg) -> None:
        self.timers.pop(id(leg), None)
        for d in self.held.pop(id(leg), ""):
            self._relay(call, leg, d)

    def _cancel(self, key: int) -> None:
        timer = self.timers.pop(key, None)
        if timer is not None:
            timer.cancel()

    @staticmethod
    def _relay(call: Any, leg: CallLeg, digit: str) -> None:
        other = call.b if leg is call.a else call.a
        if other is not None and not other.ended:
            other.send_dtmf(digit)

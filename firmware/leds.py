"""The status LED's patterns: one table of states, each a gpiozero blink (on seconds, off seconds).

firmware owns the LED while the box boots, resets or updates (before pbx-core's HAL takes the
pin, which it lights steadily while it runs). gpiozero is imported here rather than through
hal/drivers because these are board-level pins firmware uses before any HAL exists; like
hal's devices, every device takes its pin factory as a keyword, never gpiozero's global one.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class Pattern:
    """How the LED shows one state: steady (off_time 0), dark (on_time 0) or blinking."""

    on_time: float
    off_time: float
    meaning: str


# state, pattern: slow blink while booting, steady when ready, fast blink on a fault, a short
# flash per second while updating, a flicker while a factory reset wipes the data.
PATTERNS: dict[str, Pattern] = {
    "booting": Pattern(0.5, 0.5, "starting: first boot, config apply, services coming up"),
    "ready": Pattern(1.0, 0.0, "every service answers its health check"),
    "fault": Pattern(0.15, 0.15, "a service stopped answering (the watchdog may reset the board)"),
    "updating": Pattern(0.1, 0.9, "an update is being installed; do not power off"),
    "factory-reset": Pattern(0.05, 0.05, "the reset button is held or the data is being wiped"),
    "off": Pattern(0.0, 1.0, "no power to the LED's logic, or the box is halted"),
}


class StatusLed:
    """Show one of PATTERNS on the board's status LED."""

    def __init__(self, pin: int, *, pin_factory: Any) -> None:
        from gpiozero import LED

        self._led = LED(pin, pin_factory=pin_factory)
        self.state = ""

    def show(self, state: str) -> None:
        """Switch to a state's pattern; raise KeyError naming the state if it is not in PATTERNS."""
        try:
            pattern = PATTERNS[state]
        except KeyError:
            raise KeyError(f"unknown LED state {state!r} (known: {', '.join(PATTERNS)})") from None
        if state == self.state:
            return
        if pattern.off_time == 0:
            self._led.on()
        elif pattern.on_time == 0:
            self._led.off()
        else:
            self._led.blink(on_time=pattern.on_time, off_time=pattern.off_time, background=True)
        self.state = state
        log.info("status LED: %s", state)

    def close(self) -> None:
        self._led.close()

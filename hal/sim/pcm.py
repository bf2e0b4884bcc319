"""The simulated PCM bus: paces 20 ms periods on the monotonic clock and moves each slot's frame
between the HAL and the fake chip that the driver put on that slot.

transfer() sleeps until the next period boundary (absolute schedule, so no drift), then calls every
attached chip's pcm_exchange(frame_from_soc, now) - which ticks the far end (phone, PSTN line) - and
returns what they sent. If the host falls more than 10 periods behind, the schedule restarts rather
than bursting. Bus time (now()) advances exactly 20 ms per period: every HAL and far-end timer runs
on it, so a slow host slows the simulation down instead of compressing its timing.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from typing import Any

from hal.drivers.pcm import PcmBus
from hal.ports import FRAME_MS, SILENCE

log = logging.getLogger(__name__)

PERIOD = FRAME_MS / 1000
MAX_BEHIND = 10 * PERIOD


class SimPcmBus(PcmBus):
    """A simulated TDM bus with a period clock; fake chips attach to the slot their registers name."""

    def __init__(self, name: str, slots: int = 32) -> None:
        super().__init__(name, slots)
        self._endpoints: dict[int, Any] = {}
        self._start = time.monotonic()
        self._next = self._start
        self._stop = threading.Event()
        self.slips = 0

    def attach(self, slot: int, endpoint: Any) -> None:
        """Put an endpoint (anything with pcm_exchange(frame, now) -> frame) on a slot."""
        for other in [s for s, e in self._endpoints.items() if e is endpoint]:
            del self._endpoints[other]
        if slot in self._endpoints and self._endpoints[slot] is not endpoint:
            log.warning("PCM %s: slot %d taken over by %s", self.name, slot, endpoint)
        self._endpoints[slot] = endpoint

    def now(self) -> float:
        return self._start + self.frames * PERIOD

    def transfer(self, tx: Mapping[int, bytes]) -> dict[int, bytes]:
        self._next += PERIOD
        delay = self._next - time.monotonic()
        if delay > 0:
            self._stop.wait(delay)
        elif delay < -MAX_BEHIND:
            self.slips += 1
            self._next = time.monotonic()
        self.frames += 1
        now = self.now()
        rx = {}
        for slot, endpoint in list(self._endpoints.items()):
            rx[slot] = endpoint.pcm_exchange(tx.get(slot, SILENCE), now)
        return rx

    def close(self) -> None:
        self._stop.set()

"""The line clock: one thread per PCM bus moving every module's 20 ms frames and running its timers.

Each period it hands the bus the frames to send and gets back the received ones (the bus blocks
until the period boundary, so the codec's clock paces everything), then gives every module on the
bus its received frames and collects its next ones. Port timers (debounce, cadence, supervision)
run inside the modules' pcm_exchange, on this one thread. A module that raises is marked faulty;
the others keep running.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from hal.drivers.pcm import PcmBus
from hal.errors import HalError
from hal.modules import LineModule

log = logging.getLogger(__name__)


class LineClock:
    """Drive one PCM bus and the modules on it from a dedicated thread."""

    def __init__(self, bus: PcmBus, modules: list[LineModule]) -> None:
        self.bus = bus
        self.modules = modules
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.frames = 0
        self.max_gap_ms = 0.0
        self.failures = 0

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name=f"hal-clock-{self.bus.name}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2.0)
            if self._thread.is_alive():
                log.error("line clock %s did not stop", self.bus.name)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        tx: dict[int, bytes] = {}
        last = time.monotonic()
        while not self._stop.is_set():
            try:
                rx = self.bus.transfer(tx)
            except (HalError, OSError) as exc:
                log.error("PCM bus %s failed: %s", self.bus.name, exc)
                for module in self.modules:
                    module.fail(f"PCM bus {self.bus.name} failed: {exc}")
                return
            now = self.bus.now()
            wall = time.monotonic()
            self.max_gap_ms = max(self.max_gap_ms, (wall - last) * 1000) if self.frames else 0.0
            last = wall
            self.frames += 1
            tx = {}
            for module in self.modules:
                tx.update(self._exchange(module, now, rx))

    def _exchange(self, module: LineModule, now: float, rx: dict[int, bytes]) -> dict[int, bytes]:
        try:
            return module.pcm_exchange(now, rx)
        except (HalError, OSError) as exc:
            self.failures += 1
            module.fail(f"{module.slot.name}: {exc}")
        except Exception as exc:  # one broken module must not stop every other port's audio
            self.failures += 1
            log.exception("module %s failed in the line clock", module.slot.name)
            module.fail(f"{module.slot.name}: internal error: {exc}")
        self.modules = [m for m in self.modules if m is not module]
        return {}

    def info(self) -> dict[str, Any]:
        return {"bus": self.bus.name, "frames": self.frames, "max_gap_ms": round(self.max_gap_ms, 1)}

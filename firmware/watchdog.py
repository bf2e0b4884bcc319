"""pbx-watchdog: feed the hardware watchdog only while pbx-core, kamailio and webadmin are healthy.

Linux watchdog semantics (softdog, bcm2835_wdt): the device is opened once; any write within the
timeout restarts the countdown; writing 'V' just before close disarms it ("magic close"), while
a close without it (the process died) leaves it counting, so the board resets. Here:

- every `interval` seconds all health checks run (firmware/health.py); the device is fed only
  after a round in which every check answered, or while fewer than `max_failures` rounds in a
  row have failed (a single slow answer must not reset a box in the middle of calls);
- while the box starts (until the first round in which every check answers, at most
  `startup_grace` seconds) failures are not counted: a slow first start, as under qemu's
  emulation, must not reset the board before the services were ever up;
- after `max_failures` failing rounds in a row feeding stops, so the hardware resets the board
  when its own timeout runs out, unless supervisord brings the service back first: the next
  healthy round feeds again;
- a clean stop (SIGTERM from supervisord at shutdown) writes 'V' before closing.

On the simulator the device is a plain file under run/ (PBX_WATCHDOG_DEVICE overrides it; the
image sets /dev/watchdog): each feed writes one byte, and the file is emptied now and then so
it never grows. State goes to run/watchdog.json for the web admin's system page.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import os
import signal
import stat
import threading
import time
from collections.abc import Callable
from pathlib import Path

from firmware.health import CheckResult, check_all
from telephony.boxconfig import BoxConfig

log = logging.getLogger(__name__)

STATUS_NAME = "watchdog.json"
MAGIC_CLOSE = b"V"
SIM_FILE_LIMIT = 4096


@dataclasses.dataclass(frozen=True)
class WatchdogSettings:
    """Where the watchdog is and how strict feeding is."""

    device: Path
    interval: float = 5.0
    max_failures: int = 3
    check_timeout: float = 3.0
    startup_grace: float = 300.0

    @classmethod
    def from_environ(cls, cfg: BoxConfig, environ: dict[str, str] | None = None) -> WatchdogSettings:
        env = os.environ if environ is None else environ
        device = Path(env.get("PBX_WATCHDOG_DEVICE") or cfg.run_dir / "watchdog")
        interval = float(env.get("PBX_WATCHDOG_INTERVAL", "5"))
        failures = int(env.get("PBX_WATCHDOG_MAX_FAILURES", "3"))
        grace = float(env.get("PBX_WATCHDOG_STARTUP_GRACE", "300"))
        if interval <= 0 or failures <= 0 or grace < 0:
            raise ValueError(
                "PBX_WATCHDOG_INTERVAL and PBX_WATCHDOG_MAX_FAILURES must be positive,"
                " PBX_WATCHDOG_STARTUP_GRACE not negative"
            )
        return cls(device, interval, failures, 3.0, grace)


class WatchdogDevice:
    """An open watchdog device (or the simulator's plain file)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if path.is_char_device():
            self.fd = os.open(path, os.O_WRONLY)
        elif path.is_relative_to("/dev"):  # a real watchdog is missing: never create a file in /dev
            raise FileNotFoundError(f"{path} is not a watchdog device (is its driver loaded?)")
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        self.regular = stat.S_ISREG(os.fstat(self.fd).st_mode)
        self.feeds = 0

    def feed(self) -> None:
        if self.regular and os.fstat(self.fd).st_size >= SIM_FILE_LIMIT:
            os.ftruncate(self.fd, 0)
        os.write(self.fd, b"\0")
        self.feeds += 1

    def close(self, disarm: bool = True) -> None:
        """Close the device; with `disarm` write the magic 'V' first so no reset follows."""
        if self.fd < 0:
            return
        try:
            if disarm:
                os.write(self.fd, MAGIC_CLOSE)
        finally:
            os.close(self.fd)
            self.fd = -1


class Watchdog:
    """The feeding decision, separate from timing so tests can drive it round by round."""

    def __init__(
        self,
        device: WatchdogDevice,
        checks: Callable[[], list[CheckResult]],
        max_failures: int = 3,
        status_path: Path | None = None,
        startup_grace: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.device = device
        self.checks = checks
        self.max_failures = max_failures
        self.status_path = status_path
        self.clock = clock
        self.grace_until = clock() + startup_grace
        self.starting = startup_grace > 0
        self.failures = 0
        self.feeding = True

    def round(self) -> bool:
        """Run the checks once, feed if allowed; return whether the device was fed."""
        results = self.checks()
        healthy = all(r.ok for r in results)
        if self.starting and (healthy or self.clock() >= self.grace_until):
            self.starting = False
            log.info(
                "box %s: watchdog failures count from now", "up" if healthy else "not up in the grace time"
            )
        if self.starting:
            healthy = True  # still starting: not a failure yet
        self.failures = 0 if healthy else self.failures + 1
        feeding = self.failures < self.max_failures
        if feeding != self.feeding:
            failing = ", ".join(f"{r.name} ({r.detail})" for r in results if not r.ok)
            if feeding:
                log.warning("every service answers again: feeding the watchdog again")
            else:
                log.error("stopped feeding the watchdog after %d failed rounds: %s", self.failures, failing)
        self.feeding = feeding
        if feeding:
            self.device.feed()
        self._write_status(results)
        return feeding

    def _write_status(self, results: list[CheckResult]) -> None:
        if self.status_path is None:
            return
        status = {
            "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "feeding": self.feeding,
            "starting": self.starting,
            "failures": self.failures,
            "max_failures": self.max_failures,
            "feeds": self.device.feeds,
            "device": str(self.device.path),
            "checks": [dataclasses.asdict(r) for r in results],
        }
        tmp = self.status_path.with_name(self.status_path.name + ".tmp")
        tmp.write_text(json.dumps(status))
        tmp.replace(self.status_path)

    def run(self, interval: float, stop: threading.Event) -> None:
        """Run rounds every `interval` seconds until `stop` is set, then disarm and close."""
        try:
            while not stop.is_set():
                self.round()
                stop.wait(interval)
        finally:
            self.device.close(disarm=True)


def read_status(cfg: BoxConfig) -> dict | None:
    """Return the watchdog's last written state, or None if it has not run."""
    try:
        return json.loads((cfg.run_dir / STATUS_NAME).read_text())
    except (OSError, ValueError):
        return None


NO_DEVICE_RETRY = 60.0  # s between tries to open a watchdog device that is missing


def open_device_or_wait(
    path: Path, status_path: Path, stop: threading.Event, retry: float = NO_DEVICE_RETRY
) -> WatchdogDevice | None:
    """Open the watchdog device; while it cannot be opened, say so (log once, status file) and retry.

    A box whose watchdog driver is missing still runs, without reset protection: exiting would only
    make supervisord restart this program over and over. The system page shows the reason. Returns
    None when `stop` is set first.
    """
    reported = ""
    while not stop.is_set():
        try:
            return WatchdogDevice(path)
        except OSError as exc:
            error = str(exc)
        if error != reported:
            log.error("no hardware watchdog, the box runs without reset protection: %s (retrying)", error)
            reported = error
            status = {
                "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "feeding": False,
                "no_device": True,
                "error": error,
                "device": str(path),
                "checks": [],
            }
            tmp = status_path.with_name(status_path.name + ".tmp")
            tmp.write_text(json.dumps(status))
            tmp.replace(status_path)
        stop.wait(retry)
    return None


def main() -> int:
    import sys

    from telephony import boxconfig
    from telephony.errors import ConfigError

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        cfg = boxconfig.load()
        settings = WatchdogSettings.from_environ(cfg)
    except (ConfigError, ValueError) as exc:
        print(f"pbx-watchdog: {exc}", file=sys.stderr)
        return 2
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    cfg.run_dir.mkdir(parents=True, exist_ok=True)
    device = open_device_or_wait(settings.device, cfg.run_dir / STATUS_NAME, stop)
    if device is None:
        return 0
    dog = Watchdog(
        device,
        lambda: check_all(cfg, settings.check_timeout),
        settings.max_failures,
        cfg.run_dir / STATUS_NAME,
        settings.startup_grace,
    )
    log.info(
        "feeding %s every %g s while pbx-core, kamailio and webadmin answer (stop after %d failed rounds)",
        settings.device,
        settings.interval,
        settings.max_failures,
    )
    dog.run(settings.interval, stop)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

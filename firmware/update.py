"""Drive RAUC: check a bundle, install it to the inactive slot, report progress and status, mark good.

RAUC does the work (signature, compatible, slot selection, writing, the custom bootloader
backend in firmware/bootstate.py). This module only asks it, in this order:

1. `rauc info --keyring` checks the signature and reads the manifest, then the manifest's
   `compatible` is compared with this board's; a refusal (`UpdateRefused`, with a `reason`
   the web admin translates) happens here, before anything is written;
2. `rauc install` writes the inactive slot and makes it primary with 3 tries;
3. after the reboot, `mark_good` waits for the health checks and only then runs
   `rauc status mark-good`; a slot that never gets there runs out of tries and the
   initramfs chooser boots the old slot again.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from firmware.errors import UpdateError

log = logging.getLogger(__name__)

REASONS = ("unsigned", "tampered", "untrusted", "wrong_board", "not_bundle", "failed")
_PROGRESS = re.compile(r"^\s*(\d{1,3})%\s+(.*)$")


class UpdateRefused(UpdateError):
    """RAUC or the compatible check refused the bundle; `reason` is one of REASONS."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{_SENTENCES[reason]} ({detail})")
        self.reason = reason
        self.detail = detail


_SENTENCES = {
    "unsigned": "the bundle is not signed",
    "tampered": "the bundle's contents do not match its signature (damaged or modified)",
    "untrusted": "the bundle is signed by a key this box does not trust",
    "wrong_board": "the bundle is for another board",
    "not_bundle": "the file is not a RAUC update bundle",
    "failed": "the installation failed",
}


def classify(rauc_error: str) -> str:
    """Name the reason in one of RAUC's error messages (its wording as of RAUC 1.8)."""
    text = rauc_error.lower()
    if "signature size is 0" in text or "not signed" in text:
        return "unsigned"
    if "content verify error" in text or "digest failure" in text or "verification failure" in text:
        return "tampered"
    if "verify error" in text or "signature verification failed" in text or "certificate" in text:
        return "untrusted"
    if "compatible mismatch" in text:
        return "wrong_board"
    # a tool RAUC runs is missing: the box's fault, not the file's
    if "failed to execute child process" in text:
        return "failed"
    return "not_bundle"


@dataclasses.dataclass(frozen=True)
class Rauc:
    """How to reach RAUC on this system: its config, keyring, this board's compatible, extra env."""

    compatible: str
    keyring: Path = Path("/etc/rauc/keyring.pem")
    conf: Path | None = None
    env: Mapping[str, str] = dataclasses.field(default_factory=dict)
    binary: str = "rauc"

    def run(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        conf = [f"--conf={self.conf}"] if self.conf else []
        return subprocess.run(
            [self.binary, *conf, *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, **self.env},
        )


@dataclasses.dataclass(frozen=True)
class BundleInfo:
    compatible: str
    version: str
    images: tuple[str, ...]


def _last_error(stderr: str) -> str:
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip() and "rauc-Message" not in ln]
    return lines[0] if lines else stderr.strip() or "no message"


def check_bundle(bundle: Path, rauc: Rauc) -> BundleInfo:
    """Verify the signature against the keyring and the board; raise UpdateRefused naming the reason."""
    proc = rauc.run("info", f"--keyring={rauc.keyring}", "--output-format=json", str(bundle), timeout=120)
    if proc.returncode != 0:
        detail = _last_error(proc.stderr)
        raise UpdateRefused(classify(detail), detail)
    try:
        manifest = json.loads(proc.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError) as exc:
        raise UpdateRefused("not_bundle", f"rauc info printed no manifest: {proc.stdout[:200]!r}") from exc
    info = BundleInfo(
        compatible=manifest.get("compatible") or "",
        version=manifest.get("version") or "",
        images=tuple(name for image in manifest.get("images", []) for name in image),
    )
    if info.compatible != rauc.compatible:
        raise UpdateRefused(
            "wrong_board", f"bundle compatible '{info.compatible}', this box is '{rauc.compatible}'"
        )
    log.info("bundle %s: signature good, %s version %s", bundle, info.compatible, info.version)
    return info


def install(bundle: Path, rauc: Rauc, progress: Callable[[int, str], None] = lambda p, m: None) -> BundleInfo:
    """Check, then let RAUC write the inactive slot and make it primary; progress gets (percent, step)."""
    info = check_bundle(bundle, rauc)
    progress(0, "signature and board checked")
    proc = subprocess.Popen(
        [rauc.binary, "install", str(bundle.absolute())],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, **rauc.env},
    )
    assert proc.stdout is not None
    tail: list[str] = []
    for line in proc.stdout:
        line = line.rstrip()
        match = _PROGRESS.match(line)
        if match:
            progress(min(100, int(match.group(1))), match.group(2))
        elif line:
            tail = (tail + [line])[-5:]
    if proc.wait() != 0:
        detail = next(
            (ln.split(":", 1)[1].strip() for ln in tail if ln.startswith("LastError:")), " / ".join(tail)
        )
        reason = classify(detail)
        raise UpdateRefused(reason if reason != "not_bundle" else "failed", detail)
    log.info("installed %s version %s to the inactive slot", bundle, info.version)
    return info


def status(rauc: Rauc) -> dict:
    """`rauc status` as a dict (booted slot, primary, each slot's state)."""
    proc = rauc.run("status", "--detailed", "--output-format=json", timeout=60)
    if proc.returncode != 0:
        raise UpdateError(f"rauc status failed: {_last_error(proc.stderr)}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --- the health gate --------------------------------------------------------------------------

Check = Callable[[], str | None]  # None when healthy, else what is wrong


def box_checks(cfg) -> list[Check]:  # cfg: telephony.boxconfig.BoxConfig
    """The watchdog's own checks (firmware/health.py): pbx-core's loop, kamailio, the web admin answer."""
    from firmware import health

    def one(name: str, check: Callable) -> Check:
        def run() -> str | None:
            ok, detail = check(cfg, health.TIMEOUT)
            return None if ok else f"{name}: {detail}"

        return run

    return [one(name, check) for name, check in health.CHECKS]


def wait_healthy(checks: Sequence[Check], deadline_s: float, interval_s: float = 2.0) -> list[str]:
    """Poll the checks until all pass (return []) or the deadline passes (return what failed last)."""
    end = time.monotonic() + deadline_s
    while True:
        problems = [p for p in (check() for check in checks) if p]
        if not problems or time.monotonic() >= end:
            return problems
        time.sleep(interval_s)


def mark_good(rauc: Rauc, checks: Sequence[Check], deadline_s: float = 300, interval_s: float = 2.0) -> bool:
    """Mark the booted slot good once every health check passes; leave it unmarked otherwise.

    An unmarked new slot keeps losing a try per boot (the watchdog reboots an unhealthy box),
    so after 3 boots the initramfs chooser returns to the old slot by itself.
    """
    problems = wait_healthy(checks, deadline_s, interval_s)
    if problems:
        log.error("health checks still failing after %ss, slot NOT marked good: %s", deadline_s, problems)
        return False
    proc = rauc.run("status", "mark-good", timeout=60)
    if proc.returncode != 0:
        raise UpdateError(f"rauc status mark-good failed: {_last_error(proc.stderr)}")
    log.info("health checks passed; booted slot marked good")
    return True


# --- one installation at a time, for the web admin --------------------------------------------


@dataclasses.dataclass
class JobState:
    phase: str = "idle"  # idle, checking, installing, rebooting, refused, failed
    percent: int = 0
    step: str = ""
    reason: str = ""
    detail: str = ""
    version: str = ""


class UpdateJob:
    """Run one bundle installation in a thread; the web page polls `snapshot()`."""

    def __init__(self, rauc: Rauc, reboot: Callable[[], None]) -> None:
        self._rauc = rauc
        self._reboot = reboot
        self._lock = threading.Lock()
        self._state = JobState()
        self._thread: threading.Thread | None = None

    def snapshot(self) -> JobState:
        with self._lock:
            return dataclasses.replace(self._state)

    def busy(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _set(self, **changes: object) -> None:
        with self._lock:
            self._state = dataclasses.replace(self._state, **changes)

    def check(self, bundle: Path) -> BundleInfo:
        """Refuse synchronously (the upload's answer names the reason); nothing is written."""
        self._set(phase="checking", percent=0, step="", reason="", detail="", version="")
        try:
            return check_bundle(bundle, self._rauc)
        except UpdateRefused as exc:
            self._set(phase="refused", reason=exc.reason, detail=exc.detail)
            raise

    def start(
        self,
        bundle: Path,
        cleanup: Callable[[], None] = lambda: None,
        on_done: Callable[[JobState], None] = lambda state: None,
    ) -> None:
        """Install in a thread; `cleanup` runs when RAUC is done with the file, `on_done` before a reboot."""
        if self.busy():
            raise UpdateError("an update is being installed already")
        self._set(phase="installing", percent=0, step="", reason="", detail="")
        self._thread = threading.Thread(
            target=self._run, args=(bundle, cleanup, on_done), name="update", daemon=True
        )
        self._thread.start()

    def _run(self, bundle: Path, cleanup: Callable[[], None], on_done: Callable[[JobState], None]) -> None:
        try:
            info = install(bundle, self._rauc, lambda p, s: self._set(percent=p, step=s))
        except UpdateRefused as exc:
            phase = "failed" if exc.reason == "failed" else "refused"
            self._set(phase=phase, reason=exc.reason, detail=exc.detail)
        except (OSError, subprocess.SubprocessError) as exc:
            self._set(phase="failed", reason="failed", detail=str(exc))
        else:
            self._set(phase="rebooting", percent=100, version=info.version)
        finally:
            cleanup()
        state = self.snapshot()
        try:
            on_done(state)
        except Exception:  # a failed audit row must not keep the box from rebooting into the update
            log.exception("update: recording the result failed")
        if state.phase == "rebooting":
            log.warning("update %s installed; rebooting into the new slot", state.version)
            self._reboot()

    def wait(self, timeout: float) -> None:
        if self._thread is not None:
            self._thread.join(timeout)


def system_reboot() -> None:
    subprocess.run(["systemctl", "reboot"], check=False)


def main(argv: list[str] | None = None) -> int:
    """`python -m firmware.update {check BUNDLE | install BUNDLE | status | mark-good [--wait S]}`."""
    from telephony import boxconfig

    args = list(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    board = os.environ.get("PBX_BOARD") or boxconfig.load().board
    rauc = Rauc(compatible=board)
    try:
        if args[:1] == ["check"] and len(args) == 2:
            info = check_bundle(Path(args[1]), rauc)
            print(f"bundle OK: {info.compatible} {info.version}")
        elif args[:1] == ["install"] and len(args) == 2:
            install(Path(args[1]), rauc, lambda p, s: print(f"{p:3d}% {s}", flush=True))
        elif args == ["status"]:
            print(json.dumps(status(rauc), indent=2))
        elif args[:1] == ["mark-good"]:
            wait = float(args[2]) if args[1:2] == ["--wait"] and len(args) == 3 else 300.0
            return 0 if mark_good(rauc, box_checks(boxconfig.load()), wait) else 1
        else:
            print(main.__doc__, file=sys.stderr)
            return 2
    except UpdateError as exc:
        print(f"update: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The image build's steps: each is a small function of the build context, run, logged and timed in order.

A step module holds one topic (host tools, root filesystem, stages, the app, boot files, manifest,
disk image). A step function takes the `Context` and returns nothing; it raises `BuildError` with
what failed and how to fix it.
"""

from __future__ import annotations

import logging
import shlex
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("image-build")


class BuildError(RuntimeError):
    """A build step failed; the message names what failed and the fix."""


@dataclass(frozen=True)
class Step:
    name: str
    run: Callable[..., None]


@dataclass(frozen=True)
class StepTiming:
    name: str
    seconds: float


def run_steps(ctx: object, steps: Sequence[Step]) -> list[StepTiming]:
    """Run every step in order, printing each with its duration; stop at the first failure."""
    timings: list[StepTiming] = []
    total = len(steps)
    for n, step in enumerate(steps, 1):
        log.info("==> [image %d/%d] %s", n, total, step.name)
        start = time.monotonic()
        try:
            step.run(ctx)
        except BuildError as exc:
            raise BuildError(f"step '{step.name}' failed: {exc}") from exc
        seconds = time.monotonic() - start
        timings.append(StepTiming(step.name, seconds))
        log.info("    [image %d/%d] %s done in %.1f s", n, total, step.name, seconds)
    return timings


def sh(
    args: Sequence[str | Path],
    *,
    what: str,
    fix: str,
    log_file: Path | None = None,
    env: dict[str, str] | None = None,
    capture: bool = False,
) -> str:
    """Run a command; raise BuildError naming `what` and `fix` if it fails. Return stdout if `capture`."""
    argv = [str(a) for a in args]
    log.debug("$ %s", shlex.join(argv))
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        with log_file.open("ab") as out:
            out.write(f"\n$ {shlex.join(argv)}\n".encode())
            out.flush()
            proc = subprocess.run(argv, stdout=out, stderr=subprocess.STDOUT, env=env, check=False)
        if proc.returncode != 0:
            raise BuildError(f"{what}: exit {proc.returncode} (log: {log_file}); fix: {fix}")
        return ""
    proc = subprocess.run(argv, capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
        raise BuildError(f"{what}: exit {proc.returncode}: {' | '.join(tail)}; fix: {fix}")
    return proc.stdout if capture else ""

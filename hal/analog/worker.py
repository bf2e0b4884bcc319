"""One background thread for signalling DSP that must not stall the line clock.

Decoding a caller-ID burst or measuring a tone's frequencies takes tens of milliseconds of pure
Python; run on the line clock it would delay every port's next frame. Submitted here, it shares
the interpreter with the clock thread in 5 ms slices instead, and the clock picks up the result
from the future on a later frame.
"""

from __future__ import annotations

import concurrent.futures
import threading
from collections.abc import Callable
from typing import Any

_lock = threading.Lock()
_executor: concurrent.futures.ThreadPoolExecutor | None = None


def background(fn: Callable[..., Any], *args: Any) -> concurrent.futures.Future[Any]:
    """Run fn(*args) on the shared DSP thread; return its future."""
    global _executor
    with _lock:
        if _executor is None:
            _executor = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="hal-dsp")
        return _executor.submit(fn, *args)

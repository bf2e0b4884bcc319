"""Control API routes for the board: `GET /ports` (engine thread) and `/sim/<verb>` (HTTP thread).

The sim verbs act on the simulated far ends (phones, PSTN, carrier), never on pjsua2, and some
block (dial, record), so they run in the HTTP thread, not the media loop.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from hal.errors import HalError
from telephony.errors import NotFound

log = logging.getLogger(__name__)

# verb -> (method, argument names passed through to SimControl)
SIM_VERBS: dict[str, tuple[str, tuple[str, ...]]] = {
    "offhook": ("POST", ("port",)),
    "onhook": ("POST", ("port",)),
    "flash": ("POST", ("port", "ms")),
    "dial": ("POST", ("port", "digits", "pulse")),
    "ring": ("POST", ("port", "cid_number", "cid_name", "standard")),
    "pstn_stop_ring": ("POST", ("port",)),
    "pstn_answer": ("POST", ("port",)),
    "pstn_hangup": ("POST", ("port", "how")),
    "e1_call": ("POST", ("calling", "called", "span", "display")),
    "e1_answer_mode": ("POST", ("mode", "number", "span")),
    "e1_alert": ("POST", ("call", "span")),
    "e1_answer": ("POST", ("call", "span")),
    "e1_busy": ("POST", ("call", "span")),
    "e1_hangup": ("POST", ("call", "cause", "span")),
    "e1_los": ("POST", ("on", "span")),
    "play": ("POST", ("port", "file")),
    "record": ("POST", ("port", "file", "seconds")),
    "events": ("POST", ("port", "since")),
    "ports": ("POST", ()),
}

_RENAME = {"file": {"play": "wav_path", "record": "wav_path"}}


def sim_routes(board: Any) -> dict[str, Callable[[dict], Any]]:
    """Return `METHOD /sim/<verb>` handlers; each answers 404 when the board is not simulated."""
    control = None
    if board is not None and getattr(board, "sim_peers", None):
        from hal.sim.control import SimControl

        control = SimControl(board)

    def handler(verb: str, names: tuple[str, ...]) -> Callable[[dict], Any]:
        def run(args: dict) -> Any:
            if control is None:
                raise NotFound("the board is not a simulator: /sim routes need PBX_BOARD=sim")
            kwargs = {_RENAME.get(k, {}).get(verb, k): args[k] for k in names if k in args}
            try:
                result = getattr(control, verb)(**kwargs)
            except LookupError as exc:
                raise NotFound(str(exc)) from None
            except (HalError, TypeError) as exc:
                raise ValueError(f"sim {verb}: {exc}") from None
            return {"ok": True, "result": _jsonable(result)}

        return run

    routes = {}
    for verb, (method, names) in SIM_VERBS.items():
        routes[f"{method} /sim/{verb}"] = handler(verb, names)
    routes["GET /sim/ports"] = handler("ports", ())
    return routes


def _jsonable(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return str(value)

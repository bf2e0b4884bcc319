"""The IVR inside pbx-core: a number service of the engine (like the queues) for active flows.

`owns(number)` reads the database on every call, as the engine does for extensions, so a flow the
web admin activates or changes is live for the next caller without a reload; a caller already in
a flow keeps the copy of the nodes it entered with. Slow work never runs on the engine loop: TTS
on the prompt worker, HTTP lookups on a small pool, key-trail rows on a writer thread; each hands
its result back through `engine.run_soon`.

The clock of time conditions is `now()` (local time); tests replace it through `set_clock`.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import datetime as dt
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from telephony.calls.legs import CallLeg
from telephony.ivr.call import IvrCall
from telephony.ivr.lookup import LookupFailed, fetch
from telephony.ivr.validate import Node, flow_nodes
from telephony.prompts import LANGUAGES, Prompts

if TYPE_CHECKING:
    from telephony.engine import Engine

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class Flow:
    """An active flow as a caller walks it: a copy taken when the caller enters."""

    number: str
    name: str
    language: str
    entry: str
    nodes: dict[str, Node]


def local_now() -> dt.datetime:
    return dt.datetime.now()


class IvrRuntime:
    """Serve active IVR numbers; own the IVR calls' helpers (prompts, lookups, trail writer)."""

    languages = LANGUAGES

    def __init__(self, engine: Engine, now: Callable[[], dt.datetime] = local_now) -> None:
        self.engine = engine
        self.now = now
        self.prompts = Prompts(engine.cfg.media_dir)
        self.prompt_dir = engine.cfg.media_dir / "prompts"
        self._http = concurrent.futures.ThreadPoolExecutor(4, thread_name_prefix="ivr-http")
        self._writer = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="ivr-writer")
        self.calls: dict[str, IvrCall] = {}

    # --- a number service of the engine (engine.services) ---------------------------------------------

    def owns(self, number: str) -> bool:
        from telephony.models import IvrFlow

        return bool(number) and IvrFlow.select().where((IvrFlow.number == number) & IvrFlow.active).exists()

    def complete(self, number: str) -> bool:
        return self.owns(number)

    def enter(self, leg: CallLeg, caller: str, caller_name: str, number: str) -> IvrCall | None:
        """A caller dialed (or was routed to) an IVR number: answer and run its entry node."""
        flow = self.flow(number)
        if flow is None:  # deactivated between owns() and now
            from telephony.calls.legs import UNALLOCATED
            from telephony.calls.line import LineCall

            LineCall(self.engine, leg, caller, caller_name, number).fail(UNALLOCATED)
            return None
        call = IvrCall(self, leg, caller, caller_name, flow)
        self.calls[call.uniqueid] = call
        log.info("call %s: %s (%s) enters IVR %s", call.uniqueid, caller, caller_name, number)
        call.begin()
        return call

    def flow(self, number: str) -> Flow | None:
        """The active flow dialed as `number`, its nodes copied (None: no such active flow)."""
        from telephony.models import IvrFlow

        row = IvrFlow.get_or_none((IvrFlow.number == number) & IvrFlow.active)
        if row is None:
            return None
        language = row.language if row.language in LANGUAGES else "zh-CN"
        return Flow(row.number, row.name, language, row.entry, flow_nodes(row))

    # --- helpers for calls ------------------------------------------------------------------------

    def prompt_file(self, name: str) -> Path | None:
        """An uploaded prompt's path, if it is inside the prompt folder and on disk."""
        path = (self.prompt_dir / name).resolve()
        if self.prompt_dir.resolve() not in path.parents or not path.is_file():
            return None
        return path

    def lookup(
        self,
        url: str,
        method: str,
        variables: dict[str, str],
        timeout: float,
        done: Callable[[dict[str, Any] | None], None],
    ) -> None:
        """Run an HTTP lookup on the pool; `done(reply or None)` runs on the engine loop."""

        def work() -> None:
            try:
                data: dict[str, Any] | None = fetch(url, method, variables, timeout)
            except LookupFailed as exc:
                log.warning("IVR lookup failed: %s", exc)
                data = None
            except Exception:  # a bug in the lookup must still send the caller to the fallback
                log.exception("IVR lookup %s failed", url)
                data = None
            self.engine.run_soon(lambda: done(data))

        self._http.submit(work)

    @property
    def language(self) -> str:
        """The box's prompt language (for announcements outside a flow, as the queues use)."""
        from telephony.models import Setting

        value = Setting.get_value("prompt_language", "zh-CN")
        return value if value in LANGUAGES else "zh-CN"

    def write(self, work: Callable[[], Any], done: Callable[[Any], None]) -> None:
        """Run a small DB write on the writer thread; `done(result)` runs on the engine loop."""

        def run() -> None:
            try:
                result = work()
            except Exception:  # logged; the caller is told it failed rather than left waiting
                log.exception("IVR write failed")
                result = "unknown"
            self.engine.run_soon(lambda: done(result))

        self._writer.submit(run)

    def finished(self, call: IvrCall) -> None:
        """A call left the IVR: store its key trail on the writer thread."""
        self.calls.pop(call.uniqueid, None)
        row = {
            "call_id": call.uniqueid,
            "flow": call.callee,
            "caller": call.caller,
            "trail": json.dumps(call.trail, ensure_ascii=False),
            "outcome": (call.outcome or "caller-hangup")[:64],
        }
        log.info("call %s: IVR trail %s -> %s", call.uniqueid, _keys(call.trail), row["outcome"])
        self._writer.submit(_store_trail, row)

    # --- control ----------------------------------------------------------------------------------

    def set_clock(self, iso: str | None) -> dict:
        """Fix the time conditions' clock at a local time (tests), or back to the real clock (None)."""
        if iso:
            fixed = dt.datetime.fromisoformat(iso)
            self.now = lambda: fixed
        else:
            self.now = local_now
        return {"now": self.now().isoformat(timespec="seconds")}

    def close(self) -> None:
        self.prompts.close()
        self._http.shutdown(wait=False, cancel_futures=True)
        self._writer.shutdown(wait=True)


def _keys(trail: list[dict[str, str]]) -> str:
    return " ".join(f"{s['node']}:{s['digits']}" if s.get("digits") else s["node"] for s in trail)


def _store_trail(row: dict[str, Any]) -> None:
    from telephony.models import IvrTrail, database

    try:
        with database.atomic():
            IvrTrail.create(**row)
    except Exception:  # logged; the call is over either way
        log.exception("could not store the IVR trail of call %s", row["call_id"])

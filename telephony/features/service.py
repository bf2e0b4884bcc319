"""The routing features in pbx-core: feature codes and ring groups as number services, Router
screens (hot-desk identity, caller-ID name, caller lists, DND and forward-always), and the
busy/no-answer hook LineCall asks before the callee's mailbox.

Screens run in this order: the hot-desk identity first (a list or forward sees the extension, not
the desk phone), the caller-ID name, the caller lists, then the dialed extension's own DND and
forward-always.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from telephony.calls.legs import CallLeg
from telephony.calls.line import LineCall
from telephony.features import forward, hotdesk, screening
from telephony.features.codes import FeatureCodes
from telephony.features.ringgroups import RingGroups
from telephony.prompts import Prompts

if TYPE_CHECKING:
    from telephony.engine import Engine

log = logging.getLogger(__name__)


class FeatureService:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.prompts = Prompts(engine.cfg.media_dir)
        self.codes = FeatureCodes(self)
        self.ringgroups = RingGroups(self)

    def start(self) -> None:
        engine = self.engine
        engine.services += [self.codes, self.ringgroups]
        engine.router.screens[0:0] = [
            self._guarded(hotdesk.identity_screen),
            self._guarded(screening.caller_name_screen),
            self._guarded(screening.screen),
            self._guarded(forward.screen),
        ]
        engine.features = self  # type: ignore[attr-defined]  # LineCall asks callee_failed
        log.info("routing features: codes, ring groups, screens started")

    def _guarded(self, screen: Callable[..., bool]) -> Callable[[LineCall, str, str], bool]:
        """A screen whose failure (a broken row, a database error) lets the call go on unscreened."""

        def run(call: LineCall, digits: str, permission: str) -> bool:
            try:
                return screen(self, call, digits, permission)
            except Exception:  # the call must not be dropped silently: it routes as if unscreened
                log.exception("call %s: screen %s failed", call.uniqueid, screen.__qualname__)
                return call.state != "routing"  # taken already (ringing, ended): do not route twice

        return run

    def close(self) -> None:
        self.prompts.close()

    def callee_failed(self, call: LineCall, leg: CallLeg, callee: str, reason: str) -> bool:
        """LineCall hook: the callee is busy or did not answer; True when a feature took the caller."""
        try:
            return forward.callee_failed(self, call, leg, callee, reason)
        except Exception:  # a broken feature row must not drop the caller: the mailbox/refusal follows
            log.exception("call %s: forward/follow-me for %s failed", call.uniqueid, callee)
            return False

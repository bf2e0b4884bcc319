"""Save first, then tell pbx-core: the one way a service asks the core to reload."""

from __future__ import annotations

import logging

from telephony.control.client import ControlClient
from telephony.errors import ControlError

log = logging.getLogger(__name__)


class ReloadsCore:
    """Mixin of the admin services: `_reload()` after a saved change; the change stands if the core is down.

    A subclass names what it changed in `reload_what` (the core reloads all of it today) and has a
    `control` client (None: no core to tell). `reload_failed` says whether the last ask failed.
    """

    control: ControlClient | None
    reload_what: str = "all"
    reload_failed: bool = False

    def _reload(self) -> bool:
        self.reload_failed = False
        if self.control is None:
            return False
        try:
            self.control.reload(self.reload_what)
            return True
        except ControlError as exc:
            log.warning("saved, but pbx-core did not reload %s: %s", self.reload_what, exc)
            self.reload_failed = True
            return False

"""Message-waiting indication: the lamp / stutter of analog phones whose number has a mailbox.

An FXS port's number is its PortSetting.number; the HAL port's `set_mwi` lights the module's
lamp and sends the on-hook MWI caller-ID message. Only changes are sent; at start every port is
taken as off, so phones with messages waiting are told again and the others hear nothing.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from telephony.models.lines import PortSetting

if TYPE_CHECKING:
    from telephony.engine import Engine

log = logging.getLogger(__name__)


class MessageWaiting:
    """Track which mailbox numbers have messages waiting and tell their phones when that changes."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sent: dict[str, bool] = {}  # FXS port -> the state last sent

    def apply(self, waiting: set[str]) -> None:
        """`waiting`: the mailbox numbers holding unheard messages."""
        lines = self.engine.lines
        if lines is None:
            return
        numbers = {s.port: s.number for s in PortSetting.select() if s.number}
        for port in lines.fxs:
            on = numbers.get(port, "") in waiting
            if self.sent.get(port, False) == on:  # a lamp starts off: no MWI-off burst at every start
                continue
            try:
                lines.board.ports[port].set_mwi(on)
            except Exception as exc:  # a faulty port must not stop the others
                log.warning("MWI %s on %s not sent: %s", "on" if on else "off", port, exc)
                continue
            self.sent[port] = on
            log.info("MWI %s on %s (%s)", "on" if on else "off", port, numbers.get(port, ""))

"""Message-waiting indication: analog phones' lamp / stutter, and SIP phones' NOTIFY (sipmwi).

An FXS port's number is its PortSetting.number; the HAL port's `set_mwi` lights the module's
lamp and sends the on-hook MWI caller-ID message. Only changes are sent; at start every port is
taken as off, so phones with messages waiting are told again and the others hear nothing.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from telephony.models import Extension
from telephony.models.lines import PortSetting

if TYPE_CHECKING:
    from telephony.engine import Engine

log = logging.getLogger(__name__)


class MessageWaiting:
    """Track which mailbox numbers have messages waiting and tell their phones when that changes."""

    def __init__(self, engine: Engine, sip: Any = None) -> None:
        self.engine = engine
        self.sip = sip  # telephony.voicemail.sipmwi.SipMwiSender, or None
        self.sent: dict[str, bool] = {}  # FXS port -> the state last sent
        self.sip_sent: dict[str, tuple[int, int]] = {}  # SIP extension -> (new, old) last sent

    def apply(self, counts: dict[str, tuple[int, int]]) -> None:
        """`counts`: (unheard, heard) messages per mailbox number."""
        self._sip(counts)
        self._fxs({number for number, (new, _old) in counts.items() if new})

    def _sip(self, counts: dict[str, tuple[int, int]]) -> None:
        if self.sip is None:
            return
        changed = {n: c for n, c in counts.items() if self.sip_sent.get(n, (0, 0)) != c}
        if not changed:
            return
        extensions = {
            e.number for e in Extension.select(Extension.number).where(Extension.number.in_(list(changed)))
        }
        for number, (new, old) in changed.items():
            self.sip_sent[number] = (new, old)
            if number in extensions:
                self.sip.submit(number, self.engine.realm, new, old)

    def _fxs(self, waiting: set[str]) -> None:
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

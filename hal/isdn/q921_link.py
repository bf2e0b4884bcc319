"""Run the Q.921 data link (multiple-frame operation on one SAPI/TEI) as a state machine.

The states (hal.isdn.q921_states) follow Q.921 annex B: a class per state with one method per event
(`on_<event>(link, ...)`) returning the next state; an event a state does not handle raises
InvalidTransition. `DataLink._dispatch` is the one place transitions happen and are logged; DataLink
holds the variables (V(S), V(A), V(R), RC), the timers T200/T203 and the actions the states use.

Frames from the peer never raise out of `receive`: a malformed frame, or one a state does not expect, is
logged and discarded (Q.921 5.8.5) and the link stays as it was. Indications to layer 3 (established,
released, data) are delivered after the transition completes, so layer 3 may send from inside them.
"""

from __future__ import annotations

import collections
import dataclasses
import logging
import time
from collections.abc import Callable
from typing import Protocol

from hal.isdn import q921
from hal.isdn.errors import FrameError, InvalidTransition
from hal.isdn.q921 import Frame
from hal.isdn.q921_states import AwaitingEstablishment, LinkState, MultipleFrame, TeiAssigned
from hal.isdn.timers import Clock, Timers

log = logging.getLogger(__name__)


class LinkUser(Protocol):
    """Layer 3 above the link: the DL-* indications."""

    def dl_established(self, confirm: bool) -> None: ...

    def dl_released(self) -> None: ...

    def dl_data(self, info: bytes) -> None: ...


@dataclasses.dataclass(frozen=True)
class LinkConfig:
    """Link parameters (Q.921 5.9); PRI defaults."""

    network: bool = False  # our side; decides the C/R bit
    sapi: int = q921.SAPI_CALL_CONTROL
    tei: int = 0
    k: int = 7
    n200: int = 3
    t200: float = 1.0
    t203: float = 10.0


class DataLink:
    """One LAPD data link: feed it frames, primitives and timer polls; it sends frames and indicates up."""

    def __init__(
        self, config: LinkConfig, send: Callable[[bytes], None], user: LinkUser, clock: Clock = time.monotonic
    ) -> None:
        self.config, self.send_raw, self.user = config, send, user
        self.timers = Timers(clock)
        self.state: LinkState = TeiAssigned()
        self.vs = self.va = self.vr = self.rc = 0
        self.peer_busy = self.reject_exception = self.acked_any = False
        self.i_queue: collections.deque[bytes] = collections.deque()
        self.unacked: dict[int, bytes] = {}
        self.discarded = 0
        self._pending: list[Callable[[], None]] = []

    @property
    def established(self) -> bool:
        return isinstance(self.state, MultipleFrame)

    # --- primitives from layer 3 / layer 1 --------------------------------------------------
    def ph_activate(self) -> None:
        self._dispatch("ph_activate")

    def ph_deactivate(self) -> None:
        self._dispatch("ph_deactivate")

    def establish(self) -> None:
        self._dispatch("establish_req")

    def release(self) -> None:
        self._dispatch("release_req")

    def send_data(self, info: bytes) -> None:
        """DL-DATA request; raises InvalidTransition when the link is released (state 4 or 6)."""
        self._dispatch("data_req", info)

    def poll(self) -> None:
        """Fire the timers that are due."""
        for name in self.timers.expired():
            self._dispatch(name.lower())

    def receive(self, raw: bytes) -> None:
        """Handle one frame from the peer; malformed or unexpected frames are logged and discarded."""
        try:
            f = q921.decode(raw)
        except FrameError as e:
            self.discarded += 1
            log.warning("LAPD: discarded malformed frame %s: %s", raw[:16].hex(), e)
            return
        if f.sapi != self.config.sapi or f.tei != self.config.tei:
            self.discarded += 1
            log.info("LAPD: discarded frame for SAPI %d TEI %d", f.sapi, f.tei)
            return
        command = q921.is_command(f, sender_is_network=not self.config.network)
        if (f.kind in q921.COMMANDS and not command) or (f.kind in q921.RESPONSES and command):
            self.discarded += 1
            log.warning("LAPD: discarded %s with the wrong C/R bit", f)
            return
        if f.kind == q921.UI:
            self.indicate(lambda: self.user.dl_data(f.info))
            self._deliver()
            return
        if f.kind == q921.XID:
            return
        self._dispatch("frame", f, command, peer=True)

    # --- the one place transitions happen ---------------------------------------------------
    def _dispatch(self, event: str, *args: object, peer: bool = False) -> None:
        old = self.state
        try:
            new = getattr(old, f"on_{event}")(self, *args)
        except InvalidTransition as e:
            if not peer:
                raise
            self.discarded += 1
            log.info("LAPD: %s ignored in state %s", e.event, old)
            return
        if type(new) is not type(old):
            log.info("LAPD %s: %s -> %s on %s", "net" if self.config.network else "user", old, new, event)
        self.state = new
        self._deliver()

    def indicate(self, call: Callable[[], None]) -> None:
        self._pending.append(call)

    def _deliver(self) -> None:
        while self._pending:
            self._pending.pop(0)()

    # --- actions the states use ---------------------------------------------------------------
    def _send(self, frame: Frame) -> None:
        self.send_raw(q921.encode(frame))

    def send_u(self, kind: str, pf: bool) -> None:
        command = kind in (q921.SABME, q921.DISC)
        self._send(
            Frame(
                kind,
                q921.cr_bit(command, self.config.network),
                pf,
                sapi=self.config.sapi,
                tei=self.config.tei,
            )
        )

    def send_s(self, kind: str, command: bool, pf: bool) -> None:
        cr = q921.cr_bit(command, self.config.network)
        self._send(Frame(kind, cr, pf, nr=self.vr, sapi=self.config.sapi, tei=self.config.tei))

    def send_sabme(self, keep_rc: bool = False) -> None:
        if not keep_rc:
            self.rc = 0
        self.timers.stop("T203")
        self.timers.start("T200", self.config.t200)
        self.send_u(q921.SABME, True)

    def send_disc(self, keep_rc: bool = False) -> None:
        if not keep_rc:
            self.rc = 0
        self.timers.stop("T203")
        self.timers.start("T200", self.config.t200)
        self.send_u(q921.DISC, True)

    def enquire(self) -> None:
        self.send_s(q921.RR, command=True, pf=True)
        self.timers.stop("T203")
        self.timers.start("T200", self.config.t200)

    def reset_and_start(self, confirm: bool) -> None:
        self.vs = self.va = self.vr = 0
        self.unacked.clear()
        self.peer_busy = self.reject_exception = False
        self.timers.stop("T200")
        self.timers.start("T203", self.config.t203)
        self.indicate(lambda: self.user.dl_established(confirm))
        self.push()

    def stop_and_flush(self) -> None:
        self.timers.stop_all()
        self.i_queue.clear()
        self.unacked.clear()

    def reestablish(self, reason: str) -> LinkState:
        log.warning("LAPD: re-establishing the link: %s", reason)
        self.send_sabme()
        return AwaitingEstablishment()

    def nr_valid(self, nr: int) -> bool:
        return (nr - self.va) % q921.MODULO <= (self.vs - self.va) % q921.MODULO

    def acknowledge(self, nr: int) -> None:
        self.acked_any = nr != self.va
        while self.va != nr:
            self.unacked.pop(self.va, None)
            self.va = (self.va + 1) % q921.MODULO
        if self.acked_any:
            self.rc = 0

    def retransmit(self) -> None:
        """Send again every unacknowledged I frame from V(A) (after REJ or timer recovery)."""
        pending = [
            self.unacked[(self.va + i) % q921.MODULO] for i in range((self.vs - self.va) % q921.MODULO)
        ]
        self.unacked.clear()
        self.vs = self.va
        self.i_queue.extendleft(reversed(pending))

    def push(self) -> None:
        """Send queued I frames while the window k is open and the peer is not busy."""
        sent = False
        while self.i_queue and not self.peer_busy and (self.vs - self.va) % q921.MODULO < self.config.k:
            info = self.i_queue.popleft()
            cr = q921.cr_bit(True, self.config.network)
            self._send(Frame(q921.I, cr, False, self.vs, self.vr, info, self.config.sapi, self.config.tei))
            self.unacked[self.vs] = info
            self.vs = (self.vs + 1) % q921.MODULO
            sent = True
        if sent and not self.timers.running("T200"):
            self.timers.stop("T203")
            self.timers.start("T200", self.config.t200)

    def receive_i(self, f: Frame) -> None:
        """Deliver an in-sequence I frame and acknowledge it; answer a gap with one REJ."""
        if f.ns == self.vr:
            self.vr = (self.vr + 1) % q921.MODULO
            self.reject_exception = False
            info = f.info
            self.indicate(lambda: self.user.dl_data(info))
            self.send_s(q921.RR, command=False, pf=f.pf)
        elif not self.reject_exception:
            self.reject_exception = True
            self.send_s(q921.REJ, command=False, pf=f.pf)
        elif f.pf:
            self.send_s(q921.RR, command=False, pf=True)

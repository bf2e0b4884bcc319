"""The Q.921 data-link states (annex B): one class per state, one method per event.

4 TEI assigned, 5 awaiting establishment, 6 awaiting release, 7 multiple-frame established, 8 timer
recovery (PRI has a fixed TEI, so states 1-3 never occur). Each handler takes the DataLink (variables,
timers, actions) and returns the next state; an event a state does not handle raises InvalidTransition.
hal.isdn.q921_link.DataLink dispatches events and logs the transitions.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from hal.isdn import q921
from hal.isdn.errors import InvalidTransition
from hal.isdn.q921 import Frame

if TYPE_CHECKING:
    from hal.isdn.q921_link import DataLink

log = logging.getLogger(__name__)


class LinkState:
    """A data-link state; subclasses override the events they handle."""

    number = 0

    def __str__(self) -> str:
        return f"{self.number}-{type(self).__name__}"

    def on_ph_activate(self, link: DataLink) -> LinkState:
        raise InvalidTransition(self, "ph_activate")

    def on_ph_deactivate(self, link: DataLink) -> LinkState:
        link.stop_and_flush()
        link.indicate(link.user.dl_released)
        return TeiAssigned()

    def on_establish_req(self, link: DataLink) -> LinkState:
        raise InvalidTransition(self, "establish_req")

    def on_release_req(self, link: DataLink) -> LinkState:
        raise InvalidTransition(self, "release_req")

    def on_data_req(self, link: DataLink, info: bytes) -> LinkState:
        raise InvalidTransition(self, "data_req")

    def on_t200(self, link: DataLink) -> LinkState:
        raise InvalidTransition(self, "T200")

    def on_t203(self, link: DataLink) -> LinkState:
        raise InvalidTransition(self, "T203")

    def on_frame(self, link: DataLink, f: Frame, command: bool) -> LinkState:
        handler: Callable[[DataLink, Frame, bool], LinkState] | None = getattr(
            self, f"on_{f.kind.lower()}", None
        )
        if handler is None:
            raise InvalidTransition(self, f.kind)
        return handler(link, f, command)


class TeiAssigned(LinkState):
    """4: no multiple-frame operation; answers SABME, refuses numbered frames."""

    number = 4

    def on_ph_activate(self, link: DataLink) -> LinkState:
        return self

    def on_ph_deactivate(self, link: DataLink) -> LinkState:
        return self

    def on_establish_req(self, link: DataLink) -> LinkState:
        link.send_sabme()
        return AwaitingEstablishment()

    def on_release_req(self, link: DataLink) -> LinkState:
        return self

    def on_sabme(self, link: DataLink, f: Frame, command: bool) -> LinkState:
        link.send_u(q921.UA, f.pf)
        link.reset_and_start(confirm=False)
        return Established()

    def on_disc(self, link: DataLink, f: Frame, command: bool) -> LinkState:
        link.send_u(q921.DM, f.pf)
        return self

    def on_dm(self, link: DataLink, f: Frame, command: bool) -> LinkState:
        if f.pf:
            return self
        link.send_sabme()  # an unsolicited DM asks us to establish (Q.921 annex B, state 4)
        return AwaitingEstablishment()

    def on_ua(self, link: DataLink, f: Frame, command: bool) -> LinkState:
        return self

    def on_frmr(self, link: DataLink, f: Frame, command: bool) -> LinkState:
        return self

    def _numbered(self, link: DataLink, f: Frame, command: bool) -> LinkState:
        if command and f.pf:
            link.send_u(q921.DM, True)
        return self

    on_i = on_rr = on_rnr = on_rej = _numbered


class AwaitingEstablishment(LinkState):
    """5: SABME sent, waiting for UA; T200 retransmits up to N200 times."""

    number = 5

    def on_ph_activate(self, link: DataLink) -> LinkState:
        return self

    def on_establish_req(self, link: DataLink) -> LinkState:
        return self

    def on_release_req(self, link: DataLink) -> LinkState:
        link.send_disc()
        return AwaitingRelease()

    def on_data_req(self, link: DataLink, info: bytes) -> LinkState:
        link.i_queue.append(info)  # sent once the link is up
        return self

    def on_sabme(self, link: DataLink, f: Frame, command: bool) -> LinkState:
        link.send_u(q921.UA, f.pf)  # SABME collision (Q.921 5.5.1.3): both answer UA
        return self

    def on_disc(self, link: DataLink, f: Frame, command: bool) -> LinkState:
        link.send_u(q921.DM, f.pf)
        return self

    def on_ua(self, link: DataLink, f: Frame, command: bool) -> LinkState:
        if not f.pf:
            return self
        link.reset_and_start(confirm=True)
        return Established()

    def on_dm(self, link: DataLink, f: Frame, command: bool) -> LinkState:
        if not f.pf:
            return self
        link.stop_and_flush()
        link.indicate(link.user.dl_released)
        return TeiAssigned()

    def _ignore(self, link: DataLink, f: Frame, command: bool) -> LinkState:
        return self

    on_i = on_rr = on_rnr = on_rej = on_frmr = _ignore

    def on_t200(self, link: DataLink) -> LinkState:
        if link.rc >= link.config.n200:
            log.warning("LAPD: no UA after %d SABME, link released", link.rc + 1)
            link.stop_and_flush()
            link.indicate(link.user.dl_released)
            return TeiAssigned()
        link.rc += 1
        link.send_sabme(keep_rc=True)
        return self


class AwaitingRelease(LinkState):
    """6: DISC sent, waiting for UA or DM."""

    number = 6

    def on_ph_activate(self, link: DataLink) -> LinkState:
        return self

    def on_release_req(self, link: DataLink) -> LinkState:
        return self

    def on_sabme(self, link: DataLink, f: Frame, command: bool) -> LinkState:
        link.send_u(q921.DM, f.pf)
        return self

    def on_disc(self, link: DataLink, f: Frame, command: bool) -> LinkState:
        link.send_u(q921.UA, f.pf)
        return self

    def _done(self, link: DataLink, f: Frame, command: bool) -> LinkState:
        if not f.pf:
            return self
        link.stop_and_flush()
        link.indicate(link.user.dl_released)
        return TeiAssigned()

    on_ua = on_dm = _done

    def _ignore(self, link: DataLink, f: Frame, command: bool) -> LinkState:
        return self

    on_i = on_rr = on_rnr = on_rej = on_frmr = _ignore

    def on_t200(self, link: DataLink) -> LinkState:
        if link.rc >= link.config.n200:
            link.stop_and_flush()
            link.indicate(link.user.dl_released)
            return TeiAssigned()
        link.rc += 1
        link.send_disc(keep_rc=True)
        return self


class MultipleFrame(LinkState):
    """Events handled alike in states 7 and 8."""

    def on_ph_activate(self, link: DataLink) -> LinkState:
        return self

    def on_establish_req(self, link: DataLink) -> LinkState:
        link.i_queue.clear()
        link.send_sabme()
        return AwaitingEstablishment()

    def on_release_req(self, link: DataLink) -> LinkState:
        link.i_queue.clear()
        link.send_disc()
        return AwaitingRelease()

    def on_data_req(self, link: DataLink, info: bytes) -> LinkState:
        link.i_queue.append(info)
        return self

    def on_sabme(self, link: DataLink, f: Frame, command: bool) -> LinkState:
        link.send_u(q921.UA, f.pf)
        link.i_queue.clear()  # the peer reset the link: unacknowledged frames are lost
        link.reset_and_start(confirm=False)
        return Established()

    def on_disc(self, link: DataLink, f: Frame, command: bool) -> LinkState:
        link.send_u(q921.UA, f.pf)
        link.stop_and_flush()
        link.indicate(link.user.dl_released)
        return TeiAssigned()

    def on_ua(self, link: DataLink, f: Frame, command: bool) -> LinkState:
        log.info("LAPD: unsolicited UA ignored (MDL-ERROR C/D)")
        return self

    def on_dm(self, link: DataLink, f: Frame, command: bool) -> LinkState:
        if f.pf:
            log.info("LAPD: unsolicited DM F=1 ignored (MDL-ERROR B)")
            return self
        return link.reestablish("DM F=0 received (MDL-ERROR E)")

    def on_frmr(self, link: DataLink, f: Frame, command: bool) -> LinkState:
        return link.reestablish(f"FRMR received ({f.info.hex()})")

    def on_i(self, link: DataLink, f: Frame, command: bool) -> LinkState:
        link.receive_i(f)
        return self.on_ack(link, f, command)

    def on_rr(self, link: DataLink, f: Frame, command: bool) -> LinkState:
        link.peer_busy = False
        return self.on_ack(link, f, command)

    def on_rnr(self, link: DataLink, f: Frame, command: bool) -> LinkState:
        link.peer_busy = True
        return self.on_ack(link, f, command)

    on_rej = on_rr

    def on_ack(self, link: DataLink, f: Frame, command: bool) -> LinkState:
        raise NotImplementedError


class Established(MultipleFrame):
    """7: multiple-frame established; I frames flow inside the window k."""

    number = 7

    def on_data_req(self, link: DataLink, info: bytes) -> LinkState:
        link.i_queue.append(info)
        link.push()
        return self

    def on_ack(self, link: DataLink, f: Frame, command: bool) -> LinkState:
        if not link.nr_valid(f.nr):
            return link.reestablish(f"N(R)={f.nr} outside V(A)={link.va}..V(S)={link.vs} (MDL-ERROR J)")
        if f.kind != q921.I and command and f.pf:
            link.send_s(q921.RR, command=False, pf=True)
        link.acknowledge(f.nr)
        if f.kind == q921.REJ:
            link.timers.stop("T200")
            link.timers.start("T203", link.config.t203)
            link.retransmit()
        elif f.kind == q921.RNR:
            link.timers.stop("T203")
            link.timers.start("T200", link.config.t200)
        elif f.nr == link.vs:
            link.timers.stop("T200")
            link.timers.start("T203", link.config.t203)
        elif link.acked_any:
            link.timers.start("T200", link.config.t200)
        link.push()
        return self

    def on_t200(self, link: DataLink) -> LinkState:
        link.rc = 0
        link.enquire()
        return TimerRecovery()

    def on_t203(self, link: DataLink) -> LinkState:
        link.rc = 0
        link.enquire()
        return TimerRecovery()


class TimerRecovery(MultipleFrame):
    """8: an enquiry (RR P=1) is out; waits for the peer's F=1 answer, N200 times T200."""

    number = 8

    def on_ack(self, link: DataLink, f: Frame, command: bool) -> LinkState:
        if not link.nr_valid(f.nr):
            return link.reestablish(f"N(R)={f.nr} outside V(A)={link.va}..V(S)={link.vs} (MDL-ERROR J)")
        if f.kind != q921.I and command and f.pf:
            link.send_s(q921.RR, command=False, pf=True)
        link.acknowledge(f.nr)
        if f.kind == q921.I or command or not f.pf:
            return self
        link.timers.stop("T200")
        link.timers.start("T203", link.config.t203)
        link.retransmit()
        link.push()
        return Established()

    def on_t200(self, link: DataLink) -> LinkState:
        if link.rc >= link.config.n200:
            return link.reestablish(f"no answer to {link.rc} enquiries (MDL-ERROR I)")
        link.rc += 1
        link.enquire()
        return self

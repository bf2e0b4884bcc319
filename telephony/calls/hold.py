"""Music on hold inside two-party calls: a SIP phone's re-INVITE hold, and parties parked by transfers.

A party is *parked* when the other side of its call is busy elsewhere: the phone holding the call
(re-INVITE with a=sendonly or a=inactive), or a transferor consulting a third party or dialing a
transfer target. A parked party hears the default music-on-hold class (telephony.media.moh, one
shared looping player per class) and the bridge between it and the other leg is cut both ways, so
it hears neither the holder's phone nor anything it keeps sending. Unparking stops the music and
bridges the call again. `after_bridge` re-applies the cut: LineCall.bridge runs on every media
update (a re-INVITE may replace a stream) and would otherwise reconnect a parked party.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import TYPE_CHECKING, Any

import pjsua2 as pj

from telephony.callcenter.runtime.moh import MohPool
from telephony.calls.legs import SipLeg

if TYPE_CHECKING:
    from telephony.calls.legs import CallLeg
    from telephony.engine import Engine

log = logging.getLogger(__name__)

MOH_CLASS = "default"


@dataclasses.dataclass
class Parked:
    """One party hearing music: in `call`, parked by `reason` ("hold" or "transfer")."""

    call: Any
    leg: CallLeg
    reason: str
    med: pj.AudioMedia | None = None


def remote_hold(leg: SipLeg) -> bool:
    """True while the phone of a SIP leg holds the call (its last offer was sendonly or inactive)."""
    try:
        info = leg.leg.getInfo()
    except pj.Error:
        return False
    for media in info.media:
        if media.type == pj.PJMEDIA_TYPE_AUDIO:
            return media.status == pj.PJSUA_CALL_MEDIA_REMOTE_HOLD or (
                media.status == pj.PJSUA_CALL_MEDIA_NONE and media.dir == pj.PJMEDIA_DIR_NONE
            )
    return False


def other_leg(call: Any, leg: CallLeg) -> CallLeg | None:
    if leg is call.a:
        return call.b
    if leg is call.b:
        return call.a
    return None


class HoldService:
    """Parks and unparks parties of LineCalls; owns the music players (closed before libDestroy)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.moh = MohPool(engine.cfg.media_dir)
        self.parked: dict[int, Parked] = {}  # id(leg) -> what it hears
        self.closed = False

    # --- SIP re-INVITE hold (LineCall.on_leg_media) --------------------------------------------

    def media_changed(self, call: Any, leg: CallLeg) -> None:
        """A SIP leg's media changed: its phone may have put the call on hold or resumed it."""
        if not isinstance(leg, SipLeg) or call.state != "answered":
            return
        other = other_leg(call, leg)
        if other is None or other.ended:
            return
        entry = self.parked.get(id(other))
        if remote_hold(leg):
            if entry is None:
                log.info("call %s: %s holds the call; %s hears music", call.uniqueid, leg.peer, other.peer)
                self.park(call, other, "hold")
        elif entry is not None and entry.reason == "hold":
            log.info("call %s: %s resumed the call", call.uniqueid, leg.peer)
            self.unpark(other)

    # --- parking -----------------------------------------------------------------------------

    def park(self, call: Any, leg: CallLeg, reason: str) -> None:
        """Let `leg` hear music and cut it from the other leg of `call`."""
        if self.closed or leg.ended:
            return
        entry = self.parked.get(id(leg))
        if entry is not None:
            entry.call, entry.reason = call, reason
            self._cut(entry)
            return
        entry = Parked(call, leg, reason)
        self.parked[id(leg)] = entry
        self._cut(entry)
        self._music_on(entry)

    def unpark(self, leg: CallLeg, rebridge: bool = True) -> None:
        """Stop `leg`'s music; bridge its call again unless told not to (the leg is moving)."""
        entry = self.parked.pop(id(leg), None)
        if entry is None:
            return
        self._music_off(entry)
        if rebridge and entry.call is not None and getattr(entry.call, "state", "") == "answered":
            entry.call.bridge()

    def is_parked(self, leg: CallLeg) -> bool:
        return id(leg) in self.parked

    def forget(self, leg: CallLeg) -> None:
        """The leg left its call or ended: stop its music without touching any bridge."""
        self.unpark(leg, rebridge=False)

    def after_bridge(self, call: Any) -> None:
        """LineCall.bridge hook: keep parked parties of `call` cut from the other leg."""
        for entry in list(self.parked.values()):
            if entry.call is call:
                if entry.leg.ended:
                    self.forget(entry.leg)
                else:
                    self._cut(entry)
                    if entry.med is None:  # the leg had no media when parked; it has now
                        self._music_on(entry)

    def call_ended(self, call: Any) -> None:
        """Engine observer: a finished call's parked legs hear nothing any more."""
        for entry in list(self.parked.values()):
            if entry.call is call and (entry.leg.ended or entry.leg.call is not call):
                self.forget(entry.leg)

    def close(self) -> None:
        """Stop every player (before libDestroy)."""
        self.closed = True
        for entry in list(self.parked.values()):
            self._music_off(entry)
        self.parked.clear()
        self.moh.close()

    # --- helpers ------------------------------------------------------------------------------

    def _music_on(self, entry: Parked) -> None:
        med = entry.leg.media()
        if med is None:
            return
        try:
            self.moh.start(MOH_CLASS, med)
            entry.med = med
        except pj.Error as exc:
            log.warning("music on hold for %s failed: %s", entry.leg.peer, exc.info())

    def _music_off(self, entry: Parked) -> None:
        if entry.med is not None:
            self.moh.stop(MOH_CLASS, entry.med)
            entry.med = None

    @staticmethod
    def _cut(entry: Parked) -> None:
        other = other_leg(entry.call, entry.leg)
        if other is None:
            return
        mine, theirs = entry.leg.media(), other.media()
        if mine is None or theirs is None:
            return
        for src, dst in ((mine, theirs), (theirs, mine)):
            try:
                src.stopTransmit(dst)
            except pj.Error:
                pass  # not connected, or a port already gone

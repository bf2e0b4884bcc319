"""Call park: `*3` during a call (or a call sent to the park lot, 700) parks the other party.

The parked party waits in the first free slot (701-720 by default) hearing music on hold; the
parker hears the slot number and is released. Anyone dials the slot to take the call. A call
left in its slot longer than the timeout rings the parker back, then the fallback number
(operator) set in the web admin; when nobody answers it is hung up.

A leg sent to the lot number is parked itself (a blind transfer to 700, or a phone parking its
own call): it hears the slot, then music. Who parked it is `leg.parked_by` when the transfer
set it, else unknown and the timeout goes straight to the fallback.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import pjsua2 as pj

from telephony.callcenter.runtime.moh import DEFAULT_CLASS, MohPool
from telephony.calls import dialplan
from telephony.calls.legs import CallLeg, SipLeg
from telephony.calls.line import LineCall
from telephony.calls.router import RouteFailed
from telephony.models import ParkConfig, park_config, utcnow
from telephony.park.calls import (
    OneLegCall,
    SayCall,
    answer_both,
    attach,
    close_record,
    language,
    party,
    say_text,
    take_leg,
    unbridge,
)
from telephony.prompts import Prompts, duration
from telephony.saynumbers import say_number

if TYPE_CHECKING:
    from telephony.engine import Engine

log = logging.getLogger(__name__)

PARK_CODE = "*3"
ENGINE_ROUTES = {"GET /park/slots": "park_slots"}

SAY: dict[str, dict[str, str]] = {
    "zh-CN": {
        "parked": "已停泊在{value}。",
        "empty": "停泊位{slot}没有通话。",
        "full": "没有空闲的停泊位。",
    },
    "en": {
        "parked": "Parked at {value}.",
        "empty": "There is no call parked at {slot}.",
        "full": "No parking slot is free.",
    },
}


class HeldCall(OneLegCall):
    """A parked party in its slot: music on hold until someone takes it or the timeout."""

    def __init__(
        self,
        service: ParkService,
        leg: CallLeg,
        caller: str,
        caller_name: str,
        slot: str,
        parker: str,
        answered: bool,
    ) -> None:
        super().__init__(service.engine, leg, caller, caller_name, slot, answered)
        self.service = service
        self.slot = slot
        self.parker = parker
        self.music_on = False
        self.expiry: Any = None

    def begin(self, announce: bool) -> None:
        self.expiry = self.engine.call_later(self.service.config.timeout, lambda: self.service.expired(self))
        if announce:
            self.service.say_slot(self.slot, lambda path: self.play(path, self.music))
        else:
            self.music()

    def music(self, tries: int = 0) -> None:
        if self.state != "answered":
            return
        med = self.a.media()
        if med is None:
            if tries < 25:
                self.play_timer = self.engine.call_later(0.2, lambda: self.music(tries + 1))
            return
        self.service.moh.start(DEFAULT_CLASS, med)
        self.music_on = True

    def bridge(self) -> None:
        if self.music_on:  # a re-INVITE replaced the stream: play to the new one
            self.music()

    def stop_music(self) -> None:
        if self.music_on:
            med = self.a.media()
            if med is not None:
                self.service.moh.stop(DEFAULT_CLASS, med)
            self.music_on = False

    def closing(self) -> None:
        self.stop_music()
        if self.expiry is not None:
            self.expiry.cancel()
            self.expiry = None
        self.service.free(self)


class RingBackCall(LineCall):
    """A parked call nobody took: ring a number (the parker, then the fallback) with music meanwhile."""

    def __init__(
        self, service: ParkService, leg: CallLeg, caller: str, caller_name: str, target: str, rest: list[str]
    ) -> None:
        super().__init__(service.engine, leg, caller, caller_name, target)
        self.service = service
        self.rest = rest
        self.music_on = False
        self.legs["caller"].answer = utcnow()

    def ring(self) -> None:
        self._music()
        log.info("call %s: parked %s rings back %s", self.uniqueid, self.caller, self.callee)
        try:
            leg = self.engine.router.leg_for(self.callee, "national")
        except RouteFailed as exc:
            log.info("call %s: cannot ring %s back: %s", self.uniqueid, self.callee, exc)
            self.fail(exc.cause)
            return
        self.dial(leg)

    def _music(self) -> None:
        med = self.a.media()
        if med is not None and not self.music_on:
            self.service.moh.start(DEFAULT_CLASS, med)
            self.music_on = True

    def _stop_music(self) -> None:
        if self.music_on:
            med = self.a.media()
            if med is not None:
                self.service.moh.stop(DEFAULT_CLASS, med)
            self.music_on = False

    def leg_alerting(self, leg: CallLeg) -> None:
        return None  # the parked party keeps its music, no ringback

    def leg_answered(self, leg: CallLeg) -> None:
        if leg is not self.b or self.state != "ringing":
            return
        self._stop_music()
        self.legs["callee"].answer = utcnow()
        answer_both_without_a(self)

    def fail(self, cause: int, disposition: str = "") -> None:
        if self.a.ended:
            super().fail(cause, disposition)
            return
        self._next(cause)

    def leg_ended(self, leg: CallLeg, cause: int) -> None:
        if self.state == "ringing" and leg is self.b and not self.a.ended:
            record = self.legs["callee"]
            record.end, record.status_code = record.end or utcnow(), cause
            self._next(cause)
            return
        if leg is self.a:
            self._stop_music()
        super().leg_ended(leg, cause)

    def _to_voicemail(self, cause: int) -> bool:
        return False  # the parked call goes to the fallback, not to the parker's mailbox

    def _next(self, cause: int) -> None:
        self._cancel_timer()
        if self.b is not None and not self.b.ended:
            self._release(self.b, cause)
        self.status_code, self.disposition = 480, "NO ANSWER"
        self._stop_music()
        if not self.rest:
            log.info("call %s: nobody took parked %s: hanging up", self.uniqueid, self.caller)
            self.hangup_by = "system"
            self._goto("ended")
            self._release(self.a, cause)
            self._maybe_finish()
            return
        leg = self.a
        take_leg(self, leg)
        close_record(self)
        RingBackCall(self.service, leg, self.caller, self.caller_name, self.rest[0], self.rest[1:]).ring()

    def bridge(self) -> None:
        if self.state == "answered":
            super().bridge()
        elif self.music_on:
            self.music_on = False
            self._music()


def answer_both_without_a(call: LineCall) -> None:
    """The parked leg is long answered: only the rung leg answered now."""
    call._cancel_timer()
    call.answered_at = utcnow()
    call.status_code, call.disposition = 200, "ANSWERED"
    call._goto("answered")
    call.bridge()
    call.engine.notify("call_answered", call)


class ParkService:
    """Park slots of the engine; a number service for the lot and the slots, and the `*3` code."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.prompts = Prompts(engine.cfg.media_dir)
        self._moh = MohPool(engine.cfg.media_dir)
        self.slots: dict[str, HeldCall] = {}
        self.players: set[pj.AudioMediaPlayer] = set()  # refusals said over a call that goes on
        engine.incall.register(PARK_CODE, self.park_from_call, "any")

    @property
    def moh(self) -> MohPool:
        """The queues' music pool when they run (it follows uploads on every reload), else our own."""
        pool = getattr(self.engine.queues, "moh", None)
        return pool if isinstance(pool, MohPool) else self._moh

    @property
    def config(self) -> ParkConfig:
        """Read per use: the web admin changes the settings without a reload."""
        return park_config()

    def close(self) -> None:
        self.slots.clear()
        self.players.clear()
        self.prompts.close()
        self._moh.close()

    # --- control API (engine thread) ----------------------------------------------------------------

    def list_slots(self, _args: dict) -> list[dict[str, Any]]:
        """The occupied slots: who waits there, who parked it, since when."""
        return [
            {
                "slot": slot,
                "number": held.caller,
                "name": held.caller_name,
                "parker": held.parker,
                "since": held.start.isoformat(),
            }
            for slot, held in sorted(self.slots.items())
        ]

    # --- a number service of the engine -----------------------------------------------------------

    def owns(self, number: str) -> bool:
        # An extension or analog phone that has a slot's number keeps it (the admin's park form
        # refuses such a range; numbers added later must not be swallowed by the park).
        return self.config.owns(number) and not dialplan.exact_match(number)

    def complete(self, number: str) -> bool:
        return self.owns(number)

    def enter(self, leg: CallLeg, caller: str, caller_name: str, number: str) -> None:
        if number == self.config.lot:
            # A blind transfer hands over a leg that is already answered; a phone dialing 700 is not.
            answered = isinstance(leg, SipLeg) and leg.answered
            self.park_leg(leg, caller, caller_name, getattr(leg, "parked_by", ""), answered=answered)
        else:
            self.retrieve(number, leg, caller, caller_name)

    # --- parking ----------------------------------------------------------------------------------

    def free_slot(self) -> str | None:
        return next((s for s in self.config.slots() if s not in self.slots), None)

    def park_from_call(self, call: Any, leg: CallLeg) -> None:
        """In-call `*3`: park the other party of `call`, tell `leg` (the parker) the slot."""
        if not isinstance(call, LineCall) or call.state != "answered" or call.b is None:
            return
        other = call.b if leg is call.a else call.a
        parker, parker_name = party(call, leg)
        parked, parked_name = party(call, other)
        slot = self.free_slot()
        if slot is None:
            log.warning("call %s: %s pressed park but every slot is taken", call.uniqueid, parker)
            self.tell(call, leg, SAY[language()]["full"])  # the call goes on; the parker hears why
            return
        unbridge(call)
        take_leg(call, other)
        take_leg(call, leg)
        call.hangup_by = leg.role
        close_record(call)
        self._hold(other, parked, parked_name, slot, parker, answered=True, announce=False)
        SayCall(self.engine, leg, parker, parker_name, slot, answered=True).say(
            lambda done: self.say_slot(slot, done)
        )

    def tell(self, call: LineCall, leg: CallLeg, text: str) -> None:
        """Say `text` to one leg of a call that goes on (its bridge untouched)."""

        def play(path: Any) -> None:
            med = leg.media()
            if path is None or med is None or call.state != "answered" or leg.ended:
                return
            player = pj.AudioMediaPlayer()
            player.createPlayer(str(path), pj.PJMEDIA_FILE_NO_LOOP)
            player.startTransmit(med)
            self.players.add(player)  # kept until it has played
            self.engine.call_later(duration(path) + 0.3, lambda: self.players.discard(player))

        self.prompts.speak(text, language(), self.engine.run_soon, play)

    def park_leg(self, leg: CallLeg, caller: str, caller_name: str, parker: str, answered: bool) -> None:
        """Park a leg that reached the lot number; it hears its slot, then music."""
        slot = self.free_slot()
        if slot is None:
            call = SayCall(self.engine, leg, caller, caller_name, self.config.lot, answered)
            call.say(say_text(self.engine, self.prompts, SAY[language()]["full"]))
            return
        self._hold(leg, caller, caller_name, slot, parker, answered=answered, announce=True)

    def _hold(
        self, leg: CallLeg, caller: str, name: str, slot: str, parker: str, answered: bool, announce: bool
    ) -> None:
        held = HeldCall(self, leg, caller, name, slot, parker, answered)
        self.slots[slot] = held
        log.info("call %s: %s parked at %s by %s", held.uniqueid, caller, slot, parker or "?")
        held.begin(announce)

    def say_slot(self, slot: str, done: Any) -> None:
        lang = language()
        say_number(self.engine, slot, "digits", lang, done, template=SAY[lang]["parked"])

    def free(self, held: HeldCall) -> None:
        if self.slots.get(held.slot) is held:
            del self.slots[held.slot]

    # --- retrieving and timing out ----------------------------------------------------------------

    def retrieve(self, slot: str, leg: CallLeg, caller: str, caller_name: str) -> None:
        held = self.slots.get(slot)
        if held is None or held.state != "answered":
            text = SAY[language()]["empty"].format(slot=" ".join(slot))
            SayCall(self.engine, leg, caller, caller_name, slot, answered=False).say(
                say_text(self.engine, self.prompts, text)
            )
            return
        parked = held.leave()
        call = LineCall(self.engine, leg, caller, caller_name, slot)
        attach(call, parked, "callee", answered=True)
        log.info("call %s: %s takes %s parked at %s", call.uniqueid, caller, held.caller, slot)
        answer_both(call, connect_b=False)

    def expired(self, held: HeldCall) -> None:
        held.expiry = None
        if self.slots.get(held.slot) is not held or held.state != "answered":
            return
        numbers = [n for n in (held.parker, self.config.fallback) if n and n != held.caller]
        numbers = list(dict.fromkeys(numbers))
        log.info(
            "call %s: %s not taken from %s in time; ringing %s",
            held.uniqueid,
            held.caller,
            held.slot,
            numbers,
        )
        if not numbers:
            held.hang_up()
            return
        caller, name = held.caller, held.caller_name
        leg = held.leave()
        RingBackCall(self, leg, caller, name, numbers[0], numbers[1:]).ring()

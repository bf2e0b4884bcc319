"""One caller in a queue: answered at once, music on hold, offered to agents, bridged to one.

A QueueCall is a LineCall whose B leg is chosen by the ACD engine. States: queued (waiting, music)
-> answered (bridged to an agent) -> ended. Every ring attempt is an offer leg (SIP dialog or
analog phone) recorded in the CDR as `offerN`; the one that answers becomes B. The engine is told
what happened (OfferOutcome, CallerHangup, CallEnded) through the runtime, and its actions come
back as method calls here (connect_agent, cancel_offer, overflow_to, leave).
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

import pjsua2 as pj

from telephony.acd.events import OfferResult
from telephony.calls.legs import BUSY, NO_ANSWER, NORMAL, CallLeg, SipLeg
from telephony.calls.line import LineCall
from telephony.cdr import LegRecord
from telephony.models import utcnow

if TYPE_CHECKING:
    from telephony.callcenter.runtime.service import QueueRuntime

log = logging.getLogger(__name__)

SURVEY_WAIT = 10.0  # seconds the caller has to press a score after the survey question


def offer_result(cause: int) -> OfferResult:
    """How an agent's ringing leg ended before answer, in the engine's terms."""
    if cause == BUSY:
        return OfferResult.BUSY
    if cause == NO_ANSWER:
        return OfferResult.NO_ANSWER
    return OfferResult.REJECTED  # declined (603), forbidden, or the phone failed


class QueueCall(LineCall):
    """A caller waiting in (or served by) a queue."""

    def __init__(
        self, runtime: QueueRuntime, a: CallLeg, caller: str, caller_name: str, number: str, queue_id: str
    ) -> None:
        super().__init__(runtime.engine, a, caller, caller_name, number)
        self.runtime = runtime
        self.acd_id = self.uniqueid  # the caller's id in the ACD engine; a callback keeps the first call's
        self.queue_id = queue_id
        self.moh_class = ""
        self.offers: dict[int, CallLeg] = {}
        self.offer_agents: dict[int, str] = {}
        self.agent_id = ""
        self.agent_number = ""
        self.talk_started = 0.0
        self.waited_from = time.monotonic()
        self.moh_to: object | None = None  # the caller media the music is connected to
        self.players: list[tuple[pj.AudioMediaPlayer, pj.AudioMedia]] = []  # prompts now playing
        self.prompt_timer: object | None = None
        self.intro_pending = 0  # prompts still being made before the bridge
        self.intro_seconds = 0.0
        self.callback_requested = False  # the caller keeps the place and is called back
        self.digits = ""  # keys pressed in an IVR before the queue (screen pop, CRM URL {digits})

    # --- entering ---------------------------------------------------------------------------------

    def enter(self, moh_class: str) -> None:
        """Answer the caller and start the music; the runtime then tells the engine."""
        self.moh_class = moh_class
        self._goto("queued")
        self.a.connect()
        self._music(True)

    # --- engine actions -----------------------------------------------------------------------

    def offer(self, offer_id: int, agent_id: str, leg: CallLeg) -> None:
        """Ring an agent's phone with this caller's identity."""
        role = f"offer{offer_id}"
        self.offers[offer_id] = leg
        self.offer_agents[offer_id] = agent_id
        self._attach(leg, role)
        self.legs[role] = LegRecord(role, leg.peer, start=utcnow())
        leg.ring(self.caller, self.caller_name, leg.peer)

    def cancel_offer(self, offer_id: int) -> None:
        leg = self.offers.pop(offer_id, None)
        self.offer_agents.pop(offer_id, None)
        if leg is not None:
            self._release(leg, NORMAL)

    def connect_agent(
        self, offer_id: int | None, agent_id: str, agent_number: str, intro: list[tuple[str, str]] = ()
    ) -> None:
        """The engine gave the caller to this agent: music off, say the intro, then bridge them.

        `intro` is (side, text) pairs: the agent's number to the caller, the whisper to the agent;
        both play at once and the bridge waits for the longer one.
        """
        leg = self.offers.pop(offer_id, None) if offer_id is not None else None
        self.offer_agents.pop(offer_id, None)
        if leg is None:
            log.warning("call %s: connect to %s without a ringing leg", self.uniqueid, agent_id)
            return
        self._music(False)
        self.b, self.agent_id, self.agent_number = leg, agent_id, agent_number
        self.callee = self.callee  # the CDR keeps the queue number; the agent is in legs and AcdEvent
        self.answered_at = utcnow()
        self.legs[leg.role].answer = self.legs["caller"].answer = self.answered_at
        self.status_code, self.disposition = 200, "ANSWERED"
        self.talk_started = time.monotonic()
        self._goto("answered")
        self._stop_prompts()
        if intro:
            self.intro_pending = len(intro)
            for side, text in intro:
                self.runtime.prompts.speak(
                    text,
                    self.runtime.language,
                    self.engine.run_soon,
                    lambda path, side=side: self._intro_ready(side, path),
                )
        else:
            self.bridge()
        log.info(
            "call %s: queue %s connected %s to agent %s", self.uniqueid, self.queue_id, self.caller, agent_id
        )
        self.engine.notify("call_answered", self)  # observers (recording) follow queue calls too

    def leave(self, cause: int = NORMAL, disposition: str = "") -> None:
        """The engine is done with the caller (overflow to nowhere, removed queue, survey over): hang up."""
        if self.state == "ended":
            return
        self.disposition = disposition or self.disposition or "NO ANSWER"
        if self.state not in ("survey", "surveyed"):  # after a survey the agent's hang-up stays on record
            self.hangup_by = "system"
        self._end_queued()
        self._goto("ended")
        self._release(self.a, cause)
        self._maybe_finish()

    def _hangup(self, leg: CallLeg | None, code: int = 0) -> None:
        """Engine shutdown: the box drops the caller; the record says so (FAILED, by the system)."""
        if leg is None or self.state == "ended":
            return
        queued = self.state == "queued"
        if queued:
            self.disposition, self.status_code = "FAILED", code or 503
        self.hangup_by = "system"
        self._end_queued()
        self._goto("ended")
        if queued:
            self.runtime.caller_left(self)
        for other in (self.a, self.b):
            if other is not None:
                self._release(other, NORMAL)
        self._maybe_finish()

    def force_hangup(self) -> None:
        """A supervisor ends the call: every leg is released and the record says who did it."""
        self.hangup_by = "supervisor"
        if self.state == "queued":
            self.status_code, self.disposition = 487, "NO ANSWER"
            self._end_queued()
            self._goto("ended")
            self.runtime.caller_left(self)
        elif self.state == "answered":
            self._stop_prompts()
            self._goto("ended")
            self.runtime.call_ended(self, time.monotonic() - self.talk_started)
        else:
            self._stop_prompts()
            self._goto("ended")
        for leg in (self.a, self.b):
            self._release(leg, NORMAL)
        self._maybe_finish()

    def detach_caller(self) -> CallLeg:
        """Hand the caller leg to another call (overflow to a number); this call ends without it."""
        self._music(False)
        for offer_id in list(self.offers):
            self.cancel_offer(offer_id)
        self.disposition, self.hangup_by = "NO ANSWER", "system"
        self.legs["caller"].end = utcnow()
        self._goto("ended")
        leg = self.a
        leg.call, leg.role = None, ""
        self.a = CallLeg(leg.peer)  # a placeholder: this record no longer owns the caller
        self.a.ended = True
        self._maybe_finish()
        return leg

    # --- prompts ----------------------------------------------------------------------------------

    def play_prompt(self, path) -> None:
        """Play an announcement to the waiting caller instead of the music, then the music again."""
        if path is None or self.state != "queued" or self.players:
            return
        med = self.a.media()
        if med is None:
            return
        self._music(False)
        seconds = self._play(path, med)
        self.prompt_timer = self.engine.call_later(seconds + 0.1, self._prompt_done)

    def _prompt_done(self) -> None:
        self.prompt_timer = None
        self._stop_prompts()
        if self.state == "queued":
            self._music(True)

    def _intro_ready(self, side: str, path) -> None:
        if self.state != "answered" or not self.intro_pending:
            return
        self.intro_pending -= 1
        med = (self.a if side == "caller" else self.b).media() if self.b is not None else None
        if path is not None and med is not None:
            self.intro_seconds = max(self.intro_seconds, self._play(path, med))
        if not self.intro_pending:
            self.prompt_timer = self.engine.call_later(self.intro_seconds + 0.1, self._intro_done)

    def _intro_done(self) -> None:
        self.prompt_timer = None
        self._stop_prompts()
        self.intro_seconds = 0.0
        self.bridge()

    def _play(self, path, med) -> float:
        from telephony.prompts import duration

        player = pj.AudioMediaPlayer()
        player.createPlayer(str(path), pj.PJMEDIA_FILE_NO_LOOP)
        player.startTransmit(med)
        self.players.append((player, med))
        return duration(path)

    def _stop_prompts(self) -> None:
        if self.prompt_timer is not None:
            self.prompt_timer.cancel()
            self.prompt_timer = None
        for player, med in self.players:
            try:
                player.stopTransmit(med)
            except pj.Error:
                pass  # the listener is gone
        self.players = []

    def bridge(self) -> None:
        if self.intro_pending or self.players:
            return  # the intro is still being said; _intro_done bridges
        super().bridge()

    # --- reported by legs -----------------------------------------------------------------------

    def leg_alerting(self, leg: CallLeg) -> None:
        oid = self._offer_of(leg)
        if oid is not None:
            self.runtime.offer_ringing(self, oid)

    def leg_answered(self, leg: CallLeg) -> None:
        oid = self._offer_of(leg)
        if oid is None or self.state != "queued":
            self._release(leg, NORMAL)
            return
        self.legs[leg.role].answer = utcnow()
        self.runtime.offer_outcome(self, oid, OfferResult.ANSWERED)
        if oid in self.offers:  # the engine did not connect it (the caller went meanwhile)
            self.cancel_offer(oid)

    def leg_ended(self, leg: CallLeg, cause: int) -> None:
        record = self.legs.get(leg.role)
        if record is not None and record.end is None:
            record.end = utcnow()
            record.status_code = cause
        oid = self._offer_of(leg)
        if oid is not None:  # an agent's phone stopped ringing by itself
            self.offers.pop(oid, None)
            self.offer_agents.pop(oid, None)
            if self.state == "queued":
                self.runtime.offer_outcome(self, oid, offer_result(cause))
            self._maybe_finish()
            return
        if self.state == "ended":
            self._maybe_finish()
            return
        if leg is self.a and self.state == "queued":
            self.hangup_by, self.status_code = "caller", 487
            self.disposition = self.disposition or "NO ANSWER"
            self._end_queued()
            self._goto("ended")
            if not self.callback_requested:  # hanging up after choosing a callback is no abandon
                self.runtime.caller_left(self)
        elif self.state == "answered" and leg is self.b and self.runtime.options(self.queue_id).survey:
            self.hangup_by = "agent"  # the caller stays on for the satisfaction survey
            self.runtime.call_ended(self, time.monotonic() - self.talk_started)
            self._goto("survey")
            self.runtime.prompts.speak(
                self.runtime.say("survey"), self.runtime.language, self.engine.run_soon, self._survey_ask
            )
            return
        elif self.state in ("survey", "surveyed") and leg is self.a:
            self._stop_prompts()
            self._goto("ended")
        elif self.state == "answered" and leg in (self.a, self.b):
            self.hangup_by = "caller" if leg is self.a else "agent"
            self._goto("ended")
            self._release(self.b if leg is self.a else self.a, NORMAL)
            self.runtime.call_ended(self, time.monotonic() - self.talk_started)
        self._maybe_finish()

    # --- the satisfaction survey after the agent hung up -------------------------------------------

    def _survey_ask(self, path) -> None:
        if self.state != "survey":
            return
        med = self.a.media()
        seconds = self._play(path, med) if path is not None and med is not None else 0.0
        self.prompt_timer = self.engine.call_later(seconds + SURVEY_WAIT, lambda: self.leave(NORMAL))

    def _survey_digit(self, digit: str) -> None:
        if digit not in "12345" or not digit:
            return
        self._stop_prompts()
        self._goto("surveyed")
        self.runtime.survey_score(self, int(digit))
        self.runtime.prompts.speak(
            self.runtime.say("survey_thanks"), self.runtime.language, self.engine.run_soon, self._survey_done
        )

    def _survey_done(self, path) -> None:
        if self.state != "surveyed":
            return
        med = self.a.media()
        seconds = self._play(path, med) if path is not None and med is not None else 0.0
        self.prompt_timer = self.engine.call_later(seconds + 0.2, lambda: self.leave(NORMAL))

    def on_leg_media(self, sipleg: object) -> None:
        leg = getattr(sipleg, "wrapper", None)
        if isinstance(leg, SipLeg):
            leg.media_changed()
        if self.state == "queued" and leg is self.a:
            self._music(True)
        elif self.state == "answered":
            self.bridge()

    def on_leg_dtmf(self, sipleg: object, digit: str) -> None:
        """Engine hook: a SIP digit from the caller: the callback key while waiting, a survey score."""
        if getattr(sipleg, "wrapper", None) is self.a:
            self.caller_key(digit)

    def on_line_digit(self, leg: CallLeg, digit: str) -> None:
        """LineService hook: a key from an analog caller (DTMF or pulse)."""
        if leg is self.a:
            self.caller_key(digit)

    def caller_key(self, digit: str) -> None:
        if self.state == "queued":
            self.runtime.caller_digit(self, digit)
        elif self.state == "survey":
            self._survey_digit(digit)

    def say_goodbye(self, path) -> None:
        """Confirm the callback, then hang up the caller (the engine keeps the place)."""
        if self.state != "queued":
            return
        med = self.a.media()
        self._stop_prompts()
        self._music(False)
        seconds = self._play(path, med) if path is not None and med is not None else 0.0
        self.prompt_timer = self.engine.call_later(seconds + 0.2, lambda: self.leave(NORMAL, "NO ANSWER"))

    # --- helpers ----------------------------------------------------------------------------------

    def _all_legs(self) -> list[CallLeg | None]:
        return [self.a, self.b, *self.offers.values()]

    def _offer_of(self, leg: CallLeg) -> int | None:
        for oid, offered in self.offers.items():
            if offered is leg:
                return oid
        return None

    def _end_queued(self) -> None:
        self._stop_prompts()
        self._music(False)
        for offer_id in list(self.offers):
            self.cancel_offer(offer_id)

    def _music(self, on: bool) -> None:
        med = self.a.media()
        if on and med is not None and self.moh_to is None:
            self.runtime.moh.start(self.moh_class, med)
            self.moh_to = med
        elif not on and self.moh_to is not None:
            self.runtime.moh.stop(self.moh_class, self.moh_to)
            self.moh_to = None

    def _maybe_finish(self) -> None:
        if any(r.end is None for r in self.legs.values()):
            return
        if self.uniqueid not in self.engine.calls:
            return
        self._stop_prompts()  # a pending prompt timer must not keep this call's pjsua2 objects alive
        for leg in self._all_legs():
            if isinstance(leg, SipLeg):
                leg.leg.call = None
                self.engine.legs.discard(leg.leg)
        self.runtime.forget(self)
        self.engine.notify("call_ended", self)
        self.engine.finish(self, self.cdr_record())

    def summary(self) -> dict:
        out = super().summary()
        out.update(
            queue=self.queue_id, agent=self.agent_id or None, offers=len(self.offers), acd_id=self.acd_id
        )
        return out


class CallbackCall(QueueCall):
    """The box calls a customer back who kept a place in a queue (telephony.acd StartCallback).

    dialing (the customer's phone rings) -> queued (answered: music while the reserved agent's
    phone rings) -> answered (bridged; the agent first hears whom it is talking to) -> ended. The
    engine knows the call by the first call's id (`acd_id`); the CDR gets a row of its own.
    """

    def __init__(self, runtime: QueueRuntime, leg: CallLeg, number: str, queue_id: str, acd_id: str) -> None:
        super().__init__(runtime, leg, number, "callback", queue_id, queue_id)
        self.acd_id = acd_id
        self.agent_leg: CallLeg | None = None

    def dial(self, caller_id: str, name: str) -> None:
        self._goto("dialing")
        self.a.ring(caller_id, name, self.a.peer)

    def ring_agent(self, leg: CallLeg, agent_id: str, agent_number: str) -> None:
        """The engine connected the reserved agent: ring it, with the customer's number shown."""
        self.agent_id, self.agent_number, self.agent_leg = agent_id, agent_number, leg
        self._attach(leg, "agent")
        self.legs["agent"] = LegRecord("agent", leg.peer, start=utcnow())
        leg.ring(self.caller, f"callback {self.caller}", leg.peer)

    def leg_alerting(self, leg: CallLeg) -> None:
        return None

    def leg_answered(self, leg: CallLeg) -> None:
        if leg is self.a and self.state == "dialing":
            self.legs["caller"].answer = utcnow()
            self._goto("queued")
            self._music(True)
            self.runtime.callback_outcome(self, "answered")
        elif leg is self.agent_leg and self.state == "queued":
            self.legs["agent"].answer = utcnow()
            self._music(False)
            self.b, self.answered_at = leg, utcnow()
            self.status_code, self.disposition = 200, "ANSWERED"
            self.talk_started = time.monotonic()
            self._goto("answered")
            intro = [("agent", self.runtime.say("callback_for", caller=self.caller))]
            self.intro_pending = len(intro)
            for side, text in intro:
                self.runtime.prompts.speak(
                    text,
                    self.runtime.language,
                    self.engine.run_soon,
                    lambda p, side=side: self._intro_ready(side, p),
                )
        else:
            self._release(leg, NORMAL)

    def leg_ended(self, leg: CallLeg, cause: int) -> None:
        record = self.legs.get(leg.role)
        if record is not None and record.end is None:
            record.end, record.status_code = utcnow(), cause
        if self.state == "dialing" and leg is self.a:
            self.disposition = {BUSY: "BUSY"}.get(cause, "NO ANSWER")
            self.hangup_by = "caller"
            self._goto("ended")
            self.runtime.callback_outcome(self, {BUSY: "busy", NO_ANSWER: "no-answer"}.get(cause, "failed"))
        elif self.state == "queued" and leg is self.agent_leg:  # the reserved agent did not take it
            self.disposition, self.hangup_by = "NO ANSWER", "agent"
            self._goto("ended")
            self._music(False)
            self._release(self.a, NORMAL)
            self.runtime.call_ended(self, 0.0)
        elif self.state == "queued" and leg is self.a:
            self.disposition, self.hangup_by = "NO ANSWER", "caller"
            self._goto("ended")
            self._music(False)
            if self.agent_leg is not None:
                self._release(self.agent_leg, NORMAL)
            self.runtime.call_ended(self, 0.0)
        elif self.state == "answered" and leg in (self.a, self.b):
            self.hangup_by = "caller" if leg is self.a else "agent"
            self._goto("ended")
            self._release(self.b if leg is self.a else self.a, NORMAL)
            self.runtime.call_ended(self, time.monotonic() - self.talk_started)
        self._maybe_finish()

    def _all_legs(self) -> list[CallLeg | None]:
        return [*super()._all_legs(), self.agent_leg]

"""The queues inside pbx-core: the ACD engine fed from the database and from call legs.

Everything runs on the engine thread. Events go in through `feed` (which also runs the engine's
due timers); the actions that come back are executed at once, in order; the engine's next
deadline becomes one engine timer; its records are stored by a writer thread (never on the loop)
and published on the CTI bus.

Where the settings come from is a `Source` (telephony.callcenter.runtime.source reads the DB):
queue configs, agent configs, the dialable number of each queue and per-queue call options.
"""

from __future__ import annotations

import dataclasses
import logging
import random
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from telephony.acd import actions as act
from telephony.acd import records as rec
from telephony.acd.config import TargetKind
from telephony.acd.engine import AcdEngine
from telephony.acd.errors import AcdError
from telephony.acd.events import (
    AcdEvent,
    AgentConfigured,
    AgentJoinQueue,
    AgentLeaveQueue,
    AgentLogin,
    AgentLogout,
    AgentPause,
    AgentRemoved,
    AgentUnpause,
    CallEnded,
    CallerArrived,
    CallerHangup,
    OfferOutcome,
    OfferResult,
    QueueConfigured,
    QueueRemoved,
    WrapUpEnded,
)
from telephony.callcenter.runtime.call import QueueCall
from telephony.callcenter.runtime.callbacks import CallbackActions
from telephony.callcenter.runtime.cti import CtiBus
from telephony.callcenter.runtime.features import FeatureCodes
from telephony.callcenter.runtime.moh import MohPool
from telephony.callcenter.runtime.options import TEXTS, QueueOptions, Settings
from telephony.callcenter.runtime.supervise import MonitorCall
from telephony.callcenter.runtime.supervisor_actions import SupervisorActions
from telephony.calls.legs import BUSY, NORMAL, UNALLOCATED, CallLeg, SipLeg
from telephony.errors import NotFound
from telephony.events import LegMedia
from telephony.models import Setting
from telephony.prompts import LANGUAGES, Prompts

if TYPE_CHECKING:
    from telephony.callcenter.runtime.webhooks import WebhookSender
    from telephony.engine import Engine

log = logging.getLogger(__name__)


Source = Callable[[], Settings]


class Writer(Protocol):
    """Where records and other small DB writes go, off the engine loop (records.RecordWriter)."""

    def submit(self, record: rec.Record, caller: str = "") -> None: ...

    def run(self, write: Callable[[], None]) -> None: ...


class QueueRuntime(SupervisorActions, CallbackActions):
    """Owns the ACD engine and every QueueCall; executes the engine's actions with real legs."""

    def __init__(self, engine: Engine, source: Source, writer: Writer | None = None) -> None:
        self.engine = engine
        self.source = source
        self.writer = writer
        self.paused: dict[str, str] = {}  # agent id -> pause reason (saved with the logins)
        self.loaded = False
        self.settings = Settings()
        self.acd = AcdEngine(rng=random.Random())
        self.calls: dict[str, QueueCall] = {}
        self.callers: dict[str, str] = {}  # ACD call id -> caller number, for records after it left
        self.offer_calls: dict[int, QueueCall] = {}
        self.numbers: dict[str, str] = {}  # dialable number -> queue id
        self.contacts: dict[str, str] = {}  # agent id -> where it is logged in
        self.monitors: dict[str, MonitorCall] = {}  # monitor call id -> session
        self.prompts = Prompts(engine.cfg.media_dir)
        self.features = FeatureCodes(self)
        self.language = "zh-CN"
        self.moh = MohPool(engine.cfg.media_dir)
        self.cti = CtiBus()
        self.webhooks: WebhookSender | None = None  # follows `cti`; set by telephony.main.start_queues
        self._timer: Any = None

    # --- settings ---------------------------------------------------------------------------------

    def load(self) -> None:
        """Read the settings and tell the engine what changed (waiting callers and logins are kept)."""
        new = self.source()
        old_queues = {q.queue_id for q in self.settings.queues}
        old_agents = {a.agent_id for a in self.settings.agents}
        now = time.monotonic()
        for agent in new.agents:
            self._feed(AgentConfigured(agent, at=now))
        for queue in new.queues:
            self._feed(QueueConfigured(queue, at=now))
        for queue_id in old_queues - {q.queue_id for q in new.queues}:
            self._feed(QueueRemoved(queue_id, at=now))
        for agent_id in old_agents - {a.agent_id for a in new.agents}:
            if agent_id in self.contacts:
                self._feed(AgentLogout(agent_id, at=now))
                self.contacts.pop(agent_id, None)
            self._feed(AgentRemoved(agent_id, at=now))
            self.paused.pop(agent_id, None)
            self._save_logins()
        self.settings = new
        self.numbers = {o.number: qid for qid, o in new.options.items() if o.number}
        language = Setting.get_value("prompt_language", "zh-CN")
        self.language = language if language in LANGUAGES else "zh-CN"
        log.info("queues: %d queues, %d agents loaded", len(new.queues), len(new.agents))
        if not self.loaded:
            self.loaded = True
            self._restore(now)
        self._after()
        if self.webhooks is not None:
            self.webhooks.reload()
        self.moh.reload()  # music-on-hold files the web admin replaced or deleted

    def _restore(self, now: float) -> None:
        """At start: the logins saved before the last stop, and the outcome of calls it cut off."""
        from telephony.callcenter.runtime import recovery

        known = {a.agent_id for a in self.settings.agents}
        for agent_id, saved in recovery.saved_logins().items():
            if agent_id not in known:
                continue
            try:
                self._feed(AgentLogin(agent_id, saved["contact"], at=now))
                self.contacts[agent_id] = saved["contact"]
                if saved.get("pause"):
                    self._feed(AgentPause(agent_id, saved["pause"], at=now))
                    self.paused[agent_id] = saved["pause"]
            except AcdError as exc:
                log.error("agent %s: login not restored: %s", agent_id, exc)
        if self.contacts:
            log.info("agent logins restored: %s", ", ".join(sorted(self.contacts)))
        recovery.recover_interrupted_calls()

    def _save_logins(self) -> None:
        if self.writer is None:
            return
        from telephony.callcenter.runtime import recovery

        logins = {a: {"contact": c, "pause": self.paused.get(a, "")} for a, c in self.contacts.items()}
        self.writer.run(lambda: recovery.save_logins(logins))

    # --- a number service of the engine (engine.services) ---------------------------------------------

    def owns(self, number: str) -> bool:
        return number in self.numbers

    def complete(self, number: str) -> bool:
        return number in self.numbers

    def queue_of(self, number: str) -> str | None:
        """The queue a dialed number reaches, if any."""
        return self.numbers.get(number)

    # --- callers ------------------------------------------------------------------------------------

    def enter(
        self, leg: CallLeg, caller: str, caller_name: str, number: str, priority: int = 0, digits: str = ""
    ) -> QueueCall:
        """A caller dialed (or was routed to) a queue number: answer, music, hand to the engine.

        `priority`: set by the route the caller came through (an IVR node); a VIP customer's is kept
        when higher. `digits`: the keys the caller pressed in an IVR on the way (screen pop, CRM URL)."""
        queue_id = self.numbers[number]
        options = self.settings.options.get(queue_id, QueueOptions(number))
        call = QueueCall(self, leg, caller, caller_name, number, queue_id)
        call.digits = digits
        self.calls[call.acd_id] = call
        self.callers[call.acd_id] = caller
        log.info("call %s: %s (%s) enters queue %s", call.uniqueid, caller, caller_name, queue_id)
        call.enter(options.moh_class)
        self.cti.publish("caller-joined", call=call.acd_id, queue=queue_id, caller=caller, name=caller_name)
        from telephony.callcenter.customers import caller_priority

        priority = max(priority, caller_priority(caller))  # a VIP customer (priority > 0) is served first
        self.feed(CallerArrived(call.acd_id, queue_id, caller, priority=priority, at=time.monotonic()))
        return call

    def caller_left(self, call: QueueCall) -> None:
        self._end_monitors(call)
        self.cti.publish("caller-abandoned", call=call.acd_id, queue=call.queue_id, caller=call.caller)
        self.feed(CallerHangup(call.acd_id, at=time.monotonic()))

    def call_ended(self, call: QueueCall, talk_time: float) -> None:
        self._end_monitors(call)
        self.cti.publish(
            "call-ended",
            call=call.acd_id,
            queue=call.queue_id,
            agent=call.agent_id,
            caller=call.caller,
            talk_seconds=round(talk_time, 1),
            hangup_by=call.hangup_by,
        )
        self.feed(CallEnded(call.acd_id, talk_time, at=time.monotonic()))

    def offer_ringing(self, call: QueueCall, offer_id: int) -> None:
        agent = call.offer_agents.get(offer_id, "")
        self.cti.publish(
            "agent-ringing",
            call=call.acd_id,
            queue=call.queue_id,
            agent=agent,
            caller=call.caller,
            name=call.caller_name,
            digits=call.digits,
        )

    def offer_outcome(self, call: QueueCall, offer_id: int, result: OfferResult) -> None:
        if result is not OfferResult.ANSWERED:
            self.offer_calls.pop(offer_id, None)
        self.feed(OfferOutcome(offer_id, result, at=time.monotonic()))

    def forget(self, call: QueueCall) -> None:
        self._end_monitors(call)
        self.calls.pop(call.acd_id, None)
        for oid in [o for o, c in self.offer_calls.items() if c is call]:
            self.offer_calls.pop(oid, None)

    # --- agents -------------------------------------------------------------------------------------

    def login(self, agent_id: str, contact: str) -> None:
        self.feed(AgentLogin(agent_id, contact, at=time.monotonic()))
        self.contacts[agent_id] = contact
        self.paused.pop(agent_id, None)
        self._save_logins()
        self.cti.publish("agent-state", agent=agent_id, state="login", contact=contact)

    def logout(self, agent_id: str) -> None:
        self.feed(AgentLogout(agent_id, at=time.monotonic()))
        self.contacts.pop(agent_id, None)
        self.paused.pop(agent_id, None)
        self._save_logins()
        self.cti.publish("agent-state", agent=agent_id, state="logout")

    def pause(self, agent_id: str, reason: str) -> None:
        codes = self.settings.pause_codes
        if codes and reason not in codes:
            raise ValueError(f"pause reason {reason!r} is not a pause code ({', '.join(codes)})")
        self.feed(AgentPause(agent_id, reason, at=time.monotonic()))
        self.paused[agent_id] = reason
        self._save_logins()
        self.cti.publish("agent-state", agent=agent_id, state="pause", reason=reason)

    def unpause(self, agent_id: str) -> None:
        self.feed(AgentUnpause(agent_id, at=time.monotonic()))
        self.paused.pop(agent_id, None)
        self._save_logins()
        self.cti.publish("agent-state", agent=agent_id, state="ready")

    def join(self, agent_id: str, queue_id: str) -> None:
        """A logged-in agent joins a queue it is a dynamic member of (settings from its membership)."""
        from telephony.callcenter.builder import dynamic_member

        spec = dynamic_member(queue_id, agent_id)
        if spec is None:
            raise ValueError(f"agent {agent_id} may not join queue {queue_id} (no dynamic membership)")
        self.feed(
            AgentJoinQueue(agent_id, queue_id, spec.penalty, spec.skill, spec.weight, at=time.monotonic())
        )
        self.cti.publish("agent-state", agent=agent_id, state="join", queue=queue_id)

    def leave(self, agent_id: str, queue_id: str) -> None:
        self.feed(AgentLeaveQueue(agent_id, queue_id, at=time.monotonic()))
        self.cti.publish("agent-state", agent=agent_id, state="leave", queue=queue_id)

    def end_wrap_up(self, agent_id: str) -> None:
        self.feed(WrapUpEnded(agent_id, at=time.monotonic()))

    # --- the engine ---------------------------------------------------------------------------------

    def feed(self, event: AcdEvent) -> None:
        """Apply one event (raises AcdError for a bad command) and do what the engine decided."""
        self._feed(event)
        self._after()

    def _feed(self, event: AcdEvent) -> None:
        self._execute(self.acd.handle(event))

    def _tick(self) -> None:
        self._timer = None
        self._execute(self.acd.tick(time.monotonic()))
        self._after()

    def _after(self) -> None:
        """Store the engine's records and re-arm its timer for the next deadline."""
        for record in self.acd.drain_records():
            self._publish_record(record)
            if self.writer is not None:
                self.writer.submit(record, self._caller_of(record))
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        deadline = self.acd.next_deadline()
        if deadline is not None:
            self._timer = self.engine.call_later(max(0.0, deadline - time.monotonic()), self._tick)

    def _execute(self, actions: list[act.Action]) -> None:
        for action in actions:
            try:
                self._do(action)
            except Exception:  # one failed action must not strand the rest of the decisions
                log.exception("queue action %s failed", type(action).__name__)

    def _do(self, action: act.Action) -> None:
        if isinstance(action, act.Offer):
            self._offer(action)
        elif isinstance(action, act.CancelOffer):
            call = self.offer_calls.pop(action.offer_id, None)
            if call is not None:
                call.cancel_offer(action.offer_id)
        elif isinstance(action, act.Connect) and action.offer_id is None:
            self._connect_callback(action)
        elif isinstance(action, act.Connect):
            call = self.calls.get(action.call_id)
            if call is not None:
                self.offer_calls.pop(action.offer_id, None)
                call.connect_agent(
                    action.offer_id,
                    action.agent_id,
                    action.agent_number,
                    self.intro(call, action.agent_number),
                )
                self.cti.publish(
                    "call-answered",
                    call=call.acd_id,
                    queue=call.queue_id,
                    agent=action.agent_id,
                    caller=call.caller,
                    name=call.caller_name,
                    digits=call.digits,
                )
        elif isinstance(action, act.Overflow):
            self._overflow(action)
        elif isinstance(action, act.AgentAutoPaused):
            log.info("agent %s auto-paused in queue %s: %s", action.agent_id, action.queue_id, action.reason)
            self.paused[action.agent_id] = action.reason
            self._save_logins()
            self.cti.publish(
                "agent-state", agent=action.agent_id, state="pause", reason=action.reason, auto=True
            )
        elif isinstance(action, act.PlayAnnouncement):
            self._announce(action)
        elif isinstance(action, act.StartCallback):
            self._start_callback(action)
        else:
            log.warning("unknown ACD action %r", action)

    def say(self, key: str, **values: object) -> str:
        return TEXTS[self.language][key].format(**values)

    def options(self, queue_id: str) -> QueueOptions:
        return self.settings.options.get(queue_id, QueueOptions(queue_id))

    def _announce(self, action: act.PlayAnnouncement) -> None:
        """Speak the periodic or position announcement to a waiting caller (music pauses meanwhile)."""
        call = self.calls.get(action.call_id)
        if call is None or call.state != "queued":
            return
        options = self.options(action.queue_id)
        if action.kind == act.AnnouncementKind.PERIODIC:
            text = self.say("periodic")
        else:
            parts = []
            if options.announce_position and action.position is not None:
                parts.append(self.say("position", n=max(0, action.position - 1)))
            if options.announce_estimate and action.estimated_wait is not None:
                parts.append(self.say("estimate", m=max(1, round(action.estimated_wait / 60))))
            text = "".join(parts) if self.language == "zh-CN" else " ".join(parts)
        if options.callback_key:
            text += ("" if self.language == "zh-CN" else " ") + self.say("callback", key=options.callback_key)
        if text:
            self.cti.publish("announcement", call=call.acd_id, queue=action.queue_id, text=text)
            self.prompts.speak(text, self.language, self.engine.run_soon, call.play_prompt)

    def intro(self, call: QueueCall, agent_number: str) -> list[tuple[str, str]]:
        """What is said before the bridge: the agent's number to the caller, the whisper to the agent."""
        options = self.options(call.queue_id)
        out = []
        if options.announce_agent_number and agent_number:
            out.append(("caller", self.say("agent", agent=agent_number)))
        whisper = options.whisper(call.caller, call.caller_name)
        if whisper:
            out.append(("agent", whisper))
        return out

    def _offer(self, action: act.Offer) -> None:
        call = self.calls.get(action.call_id)
        if call is None:
            self.feed(OfferOutcome(action.offer_id, OfferResult.REJECTED, at=time.monotonic()))
            return
        try:
            leg = self._agent_leg(action.contact)
        except Exception as exc:  # the phone cannot be rung now: busy for the engine's back-off
            log.info(
                "call %s: cannot ring agent %s at %s: %s", call.uniqueid, action.agent_id, action.contact, exc
            )
            self._feed(OfferOutcome(action.offer_id, OfferResult.BUSY, at=time.monotonic()))
            return
        self.offer_calls[action.offer_id] = call
        try:
            call.offer(action.offer_id, action.agent_id, leg)
        except Exception as exc:
            log.info("call %s: ringing %s failed: %s", call.uniqueid, action.contact, exc)
            call.offers.pop(action.offer_id, None)
            self.offer_calls.pop(action.offer_id, None)
            try:
                leg.release(BUSY)
            except Exception:  # the leg never started: nothing to undo
                log.debug("release of a failed offer leg", exc_info=True)
            self._feed(OfferOutcome(action.offer_id, OfferResult.BUSY, at=time.monotonic()))

    def _agent_leg(self, contact: str) -> CallLeg:
        """A ringing leg to where the agent is: a SIP extension, an analog phone or a trunk number."""
        from telephony.calls.router import RouteFailed

        try:
            return self.engine.router.leg_for(contact, "national")
        except RouteFailed as exc:
            if exc.cause == UNALLOCATED:
                raise NotFound(str(exc)) from exc
            raise

    def _overflow(self, action: act.Overflow) -> None:
        call = self.calls.get(action.call_id)
        dest = action.destination
        self.cti.publish(
            "caller-overflow",
            call=action.call_id,
            queue=action.queue_id,
            reason=str(action.reason),
            destination=f"{dest.kind}:{dest.target}",
        )
        if call is None:
            return
        if dest.kind is TargetKind.QUEUE:
            call.queue_id = dest.target  # the engine already put it there; keep the music going
            return
        onward = self._overflow_target(dest)
        if onward is not None:
            self.calls.pop(call.acd_id, None)
            leg = call.detach_caller()
            onward(leg, call)
            if isinstance(leg, SipLeg):
                # The leg was answered long ago: tell its new owner its audio is up, as pjsua2 told us.
                self.engine.post(LegMedia(leg.leg))
            return
        if dest.kind is not TargetKind.HANGUP:
            log.warning(
                "call %s: overflow to %s %s is not available: hanging up",
                call.uniqueid,
                dest.kind,
                dest.target,
            )
        call.leave(BUSY if dest.kind is TargetKind.HANGUP else NORMAL)

    def _overflow_target(self, dest) -> Callable[[CallLeg, QueueCall], None] | None:
        """How to hand an overflowing caller's leg to `dest` (an IVR, a mailbox, a number), or None."""
        engine = self.engine
        if dest.kind is TargetKind.IVR:
            service = engine.service_for(dest.target)  # an IVR flow's number
            if service is not None:
                return lambda leg, call: service.enter(leg, call.caller, call.caller_name, dest.target)
        elif dest.kind is TargetKind.VOICEMAIL:
            from telephony.models import Mailbox

            voicemail = getattr(engine, "voicemail", None)
            mailbox = Mailbox.get_or_none((Mailbox.number == dest.target) & Mailbox.enabled)
            if voicemail is not None and mailbox is not None:
                return lambda leg, call: voicemail.leave_message(
                    leg, call.caller, call.caller_name, mailbox, "unavailable"
                )
        elif dest.kind in (TargetKind.EXTENSION, TargetKind.EXTERNAL):
            from telephony.calls.line import LineCall

            def route(leg: CallLeg, call: QueueCall) -> None:
                onward = LineCall(engine, leg, call.caller, call.caller_name, dest.target)
                onward.state = "routing"
                engine.router.route(onward, dest.target, "national")

            return route
        return None

    # --- views ------------------------------------------------------------------------------------

    def snapshot(self) -> dict:
        snap = self.acd.snapshot(time.monotonic())
        return {
            "queues": [dataclasses.asdict(q) for q in snap.queues],
            "agents": [
                {**dataclasses.asdict(a), "contact": self.contacts.get(a.agent_id)} for a in snap.agents
            ],
        }

    def _caller_of(self, record: rec.Record) -> str:
        """The caller's number for a record, also once the call left (an overflow, a hang-up)."""
        call_id = getattr(record, "call_id", "")
        call = self.calls.get(call_id)
        if call is not None:
            self.callers[call_id] = call.caller
        caller = self.callers.get(call_id, "")
        if isinstance(record, rec.CallCompleted | rec.CallerAbandoned | rec.CallerOverflowed):
            self.callers.pop(call_id, None)  # nothing more is recorded about this call
        return caller

    def _publish_record(self, record: rec.Record) -> None:
        if isinstance(record, rec.AgentStateChanged):
            data = dataclasses.asdict(record)
            data.pop("at", None)
            self.cti.publish("agent-state-changed", agent=data.pop("agent_id", ""), **_jsonable(data))

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self.moh.close()
        self.prompts.close()
        if self.writer is not None and hasattr(self.writer, "stop"):
            self.writer.stop()  # stores what is queued (the last calls' records) before exit
        if self.webhooks is not None:
            self.webhooks.stop()


def _jsonable(data: dict) -> dict:
    return {
        k: (v if isinstance(v, str | int | float | bool | type(None)) else str(v)) for k, v in data.items()
    }


__all__ = ["AcdError", "QueueOptions", "QueueRuntime", "Settings", "NORMAL"]

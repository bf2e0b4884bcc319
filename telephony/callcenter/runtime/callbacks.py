"""The caller's keys in a queue: the callback key (keep the place, be called back) and the
post-call survey score. A mixin of QueueRuntime."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from telephony.acd import actions as act
from telephony.acd.errors import AcdError
from telephony.acd.events import CallbackOutcome, CallbackRequested, CallbackResult, CallEnded
from telephony.callcenter.runtime.call import CallbackCall
from telephony.calls.legs import NORMAL

if TYPE_CHECKING:
    from telephony.callcenter.runtime.call import QueueCall

log = logging.getLogger(__name__)


class CallbackActions:
    """caller_digit(), callbacks and survey_score() of QueueRuntime."""

    def caller_digit(self, call: QueueCall, digit: str) -> None:
        """A waiting caller pressed a key: the queue's callback key keeps the place and hangs up."""
        options = self.options(call.queue_id)
        if not options.callback_key or digit != options.callback_key or call.callback_requested:
            return
        try:
            self.feed(CallbackRequested(call.acd_id, call.caller, at=time.monotonic()))
        except AcdError as exc:
            log.info("call %s: callback refused: %s", call.uniqueid, exc)
            return
        call.callback_requested = True
        self.cti.publish("callback-requested", call=call.acd_id, queue=call.queue_id, caller=call.caller)
        self.prompts.speak(self.say("callback_ok"), self.language, self.engine.run_soon, call.say_goodbye)

    def _start_callback(self, action: act.StartCallback) -> None:
        options = self.options(action.queue_id)
        try:
            leg = self._agent_leg(action.number)
        except Exception as exc:  # a number the box cannot reach: the engine retries or gives up
            log.info("callback %s to %s: %s", action.call_id, action.number, exc)
            self.feed(CallbackOutcome(action.call_id, CallbackResult.FAILED, at=time.monotonic()))
            return
        call = CallbackCall(self, leg, action.number, action.queue_id, action.call_id)
        call.moh_class = options.moh_class
        self.calls[action.call_id] = call
        self.cti.publish(
            "callback-started",
            call=action.call_id,
            queue=action.queue_id,
            agent=action.agent_id,
            caller=action.number,
            attempt=action.attempt,
        )
        call.dial(options.number, options.name or options.number)

    def callback_outcome(self, call: QueueCall, result: str) -> None:
        if result != "answered":
            self.calls.pop(call.acd_id, None)
        self.feed(CallbackOutcome(call.acd_id, CallbackResult(result), at=time.monotonic()))

    def _connect_callback(self, action: act.Connect) -> None:
        call = self.calls.get(action.call_id)
        contact = self.contacts.get(action.agent_id)
        if not isinstance(call, CallbackCall) or contact is None:
            log.warning("callback %s: nothing to connect agent %s to", action.call_id, action.agent_id)
            if call is not None:
                call.leave(NORMAL)
            self.feed(CallEnded(action.call_id, 0.0, at=time.monotonic()))
            return
        try:
            leg = self._agent_leg(contact)
        except Exception as exc:  # the agent's phone cannot be rung: the customer is let go
            log.warning("callback %s: cannot ring agent %s: %s", action.call_id, action.agent_id, exc)
            call.leave(NORMAL)
            self.feed(CallEnded(action.call_id, 0.0, at=time.monotonic()))
            return
        call.ring_agent(leg, action.agent_id, action.agent_number)
        self.cti.publish(
            "agent-ringing",
            call=action.call_id,
            queue=call.queue_id,
            agent=action.agent_id,
            caller=call.caller,
            name="callback",
        )

    def survey_score(self, call: QueueCall, score: int) -> None:
        """Store the caller's rating with the call, the agent and the queue (off the loop)."""
        from telephony.models.callcenter import SurveyScore

        call_id, agent, queue = call.acd_id, call.agent_id, call.queue_id
        self.cti.publish("survey", call=call_id, queue=queue, agent=agent, score=score)
        if self.writer is not None:
            self.writer.run(
                lambda: SurveyScore.create(call_id=call_id, agent=agent, queue=queue, score=score)
            )

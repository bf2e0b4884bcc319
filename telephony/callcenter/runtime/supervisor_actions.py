"""Supervisor actions on queue calls: monitor (listen / whisper / barge), force hang-up, transfer,
click-to-call. A mixin of QueueRuntime (it holds the calls, contacts and engine these use)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from telephony.acd.events import CallEnded, CallerHangup
from telephony.callcenter.runtime.supervise import ClickToCall, MonitorCall
from telephony.calls.legs import NORMAL
from telephony.errors import NotFound

if TYPE_CHECKING:
    from telephony.callcenter.runtime.call import QueueCall


class SupervisorActions:
    """call(), monitor(), monitor_mode(), hangup(), transfer(), originate() of QueueRuntime."""

    def call(self, call_id: str) -> QueueCall:
        call = self.calls.get(call_id)
        if call is None or call.state == "ended":
            raise NotFound(f"no queue call {call_id!r}")
        return call

    def monitor(self, call_id: str, mode: str, contact: str) -> str:
        """Ring the supervisor at `contact` and attach it to the call in `mode`; return the session id."""
        target = self.call(call_id)
        leg = self._agent_leg(contact)
        session = MonitorCall(self, leg, target, mode, contact)
        self.monitors[session.uniqueid] = session
        session.begin()
        self.cti.publish("monitor", call=call_id, queue=target.queue_id, mode=mode, contact=contact)
        return session.uniqueid

    def monitor_mode(self, session_id: str, mode: str) -> None:
        session = self.monitors.get(session_id)
        if session is None:
            raise NotFound(f"no monitor session {session_id!r}")
        session.set_mode(mode)

    def hangup(self, call_id: str) -> None:
        """Force a queue call off: release every leg (the engine hears it as the caller leaving)."""
        self.call(call_id).force_hangup()

    def transfer(self, call_id: str, target: str) -> None:
        """Send a queue call elsewhere: `queue:N`, `agent:N` (its phone) or a number."""
        call = self.call(call_id)
        kind, _, value = target.partition(":") if ":" in target else ("number", "", target)
        if kind == "agent":
            contact = self.contacts.get(value)
            if contact is None:
                raise NotFound(f"agent {value} is not logged in")
            number = contact
        elif kind in ("queue", "number"):
            number = value
            if kind == "queue" and value not in self.numbers:
                raise NotFound(f"no queue {value}")
        else:
            raise ValueError(f"transfer target {target!r}: use queue:N, agent:N or a number")
        if not number:
            raise ValueError("transfer target is empty")
        if call.state == "answered":
            agent_leg = call.b
            call.b = None
            call.agent_id, call.state = "", "queued"  # so detach_caller ends the record cleanly
            if agent_leg is not None:
                call._release(agent_leg, NORMAL)
            self.feed(CallEnded(call.acd_id, time.monotonic() - call.talk_started, at=time.monotonic()))
        else:
            self.feed(CallerHangup(call.acd_id, at=time.monotonic()))
        self._end_monitors(call)
        self.calls.pop(call.acd_id, None)
        leg = call.detach_caller()
        self.cti.publish("call-transferred", call=call.acd_id, queue=call.queue_id, target=target)
        if number in self.numbers:
            self.enter(leg, call.caller, call.caller_name, number)
            return
        from telephony.calls.line import LineCall

        onward = LineCall(self.engine, leg, call.caller, call.caller_name, number)
        self.engine.router.route(onward, number, "national")

    def originate(self, agent_id: str, number: str) -> str:
        """Click-to-call: ring the agent's phone, then call `number` once the agent answers."""
        contact = self.contacts.get(agent_id)
        if contact is None:
            raise NotFound(f"agent {agent_id} is not logged in")
        if not number.strip() or not number.replace("+", "").isdigit():
            raise ValueError(f"{number!r} is not a phone number")
        agent = next((a for a in self.settings.agents if a.agent_id == agent_id), None)
        call = ClickToCall(
            self, self._agent_leg(contact), agent_id, agent.name if agent else agent_id, number
        )
        call.begin()
        self.cti.publish("originate", call=call.uniqueid, agent=agent_id, number=number)
        return call.uniqueid

    def _end_monitors(self, call: QueueCall) -> None:
        for session in [m for m in self.monitors.values() if m.target is call]:
            self.monitors.pop(session.uniqueid, None)
            session.target_ended()

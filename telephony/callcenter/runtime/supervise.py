"""Supervisor and agent actions that need their own call leg: monitor (listen / whisper / barge)
and click-to-call.

MonitorCall rings the supervisor's phone; once answered, the supervisor's audio is connected to
the monitored queue call in the conference bridge by mode:

- listen: caller -> supervisor and agent -> supervisor (nobody hears the supervisor);
- whisper: as listen, plus supervisor -> agent (coaching the agent, the caller hears nothing);
- barge: supervisor <-> both (a three-way call).

The mode can change while connected; the session ends when either the supervisor hangs up or the
monitored call ends. ClickToCall rings the agent's phone first and, once the agent answers, calls
the customer (the agent hears ringback), then bridges them as any line call.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import pjsua2 as pj

from telephony.calls.legs import NORMAL, CallLeg
from telephony.calls.line import LineCall
from telephony.models import utcnow

if TYPE_CHECKING:
    from telephony.callcenter.runtime.call import QueueCall
    from telephony.callcenter.runtime.service import QueueRuntime

log = logging.getLogger(__name__)

MODES = ("listen", "whisper", "barge")


class MonitorCall(LineCall):
    """A supervisor's leg attached to a queue call; `a` is the supervisor's phone (rung by us)."""

    def __init__(
        self, runtime: QueueRuntime, leg: CallLeg, target: QueueCall, mode: str, contact: str
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"monitor mode {mode!r} is not one of {', '.join(MODES)}")
        super().__init__(runtime.engine, leg, "monitor", f"monitor {target.caller}", contact)
        self.runtime = runtime
        self.target = target
        self.mode = mode
        self.links: list[tuple[pj.AudioMedia, pj.AudioMedia]] = []

    def begin(self) -> None:
        self._goto("ringing")
        self.a.ring(self.target.caller, f"{self.mode}: {self.target.caller_name}", self.callee)

    def set_mode(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"monitor mode {mode!r} is not one of {', '.join(MODES)}")
        self.mode = mode
        if self.state == "answered":
            self.connect_media()

    def connect_media(self) -> None:
        """(Re)connect the supervisor to the monitored call for the current mode."""
        self.disconnect_media()
        sup = self.a.media()
        caller = self.target.a.media()
        agent = self.target.b.media() if self.target.b is not None else None
        if sup is None or caller is None:
            return
        links = [(caller, sup)]
        if agent is not None:
            links.append((agent, sup))
            if self.mode in ("whisper", "barge"):
                links.append((sup, agent))
        if self.mode == "barge":
            links.append((sup, caller))
        for src, dst in links:
            src.startTransmit(dst)
        self.links = links
        log.info("monitor %s: %s on call %s", self.uniqueid, self.mode, self.target.uniqueid)

    def disconnect_media(self) -> None:
        for src, dst in self.links:
            try:
                src.stopTransmit(dst)
            except pj.Error:
                pass  # one side's port is gone already
        self.links = []

    def target_ended(self) -> None:
        if self.state != "ended":
            self.disconnect_media()
            self.hangup_by = "system"
            self._goto("ended")
            self._release(self.a, NORMAL)
            self._maybe_finish()

    # --- leg reports ---------------------------------------------------------------------------

    def leg_alerting(self, leg: CallLeg) -> None:
        return None

    def leg_answered(self, leg: CallLeg) -> None:
        if leg is not self.a or self.state != "ringing":
            return
        self.status_code, self.disposition = 200, "ANSWERED"
        self.answered_at = self.legs["caller"].answer = utcnow()
        self._goto("answered")
        self.connect_media()

    def leg_ended(self, leg: CallLeg, cause: int) -> None:
        self.disconnect_media()
        self.runtime.monitors.pop(self.uniqueid, None)
        super().leg_ended(leg, cause)

    def on_leg_media(self, sipleg: object) -> None:
        super().on_leg_media(sipleg)
        if self.state == "answered":
            self.connect_media()

    def bridge(self) -> None:
        return None  # a monitor has no B leg: its audio is wired by connect_media

    def summary(self) -> dict:
        out = super().summary()
        out.update(monitor=self.target.uniqueid, mode=self.mode)
        return out


class ClickToCall(LineCall):
    """Ring the agent first (`a`, an outbound leg), then the customer once the agent answers."""

    def __init__(self, runtime: QueueRuntime, agent_leg: CallLeg, agent: str, name: str, number: str) -> None:
        # The customer sees the agent's phone number (a trunk may replace it with the line's own).
        super().__init__(runtime.engine, agent_leg, agent_leg.peer, name, number)
        self.agent = agent
        self.runtime = runtime
        self.ringback: pj.ToneGenerator | None = None

    def begin(self) -> None:
        self._goto("agent")
        self.a.ring(self.callee, f"call {self.callee}", self.a.peer)

    def leg_alerting(self, leg: CallLeg) -> None:
        if leg is self.b and self.state == "ringing":
            self._ringback(True)

    def leg_answered(self, leg: CallLeg) -> None:
        if leg is self.a and self.state == "agent":
            self.legs["caller"].answer = utcnow()
            self.state = "routing"
            self.engine.router.route(self, self.callee, "international", screen=False)
            return
        if leg is self.b:
            self._ringback(False)
        super().leg_answered(leg)

    def leg_ended(self, leg: CallLeg, cause: int) -> None:
        self._ringback(False)
        if leg is self.a and self.state == "agent":  # the agent never answered: nothing to undo
            self.cause, self.status_code, self.disposition, self.hangup_by = cause, 480, "NO ANSWER", "agent"
            record = self.legs["caller"]
            record.end = record.end or utcnow()
            self._goto("ended")
            self._maybe_finish()
            return
        super().leg_ended(leg, cause)

    def _ringback(self, on: bool) -> None:
        if on and self.ringback is None:
            med = self.a.media()
            if med is not None:
                self.ringback = self.engine.tones.ringback()
                self.ringback.startTransmit(med)
        elif not on and self.ringback is not None:
            self.engine.tones.release(self.ringback)
            self.ringback = None

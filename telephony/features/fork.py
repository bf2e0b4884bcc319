"""Ring several numbers for one caller: together, one after another, or in steps of both.

A ForkCall holds the caller (leg A) while Branches ring: each Branch stands in as its leg's call
until the leg answers and wins (it becomes the ForkCall's leg B and the two are bridged) or ends.
With `confirm` (follow-me), an answering branch first hears "press 1 to accept": only a 1 wins,
any other key or silence releases that branch. When one branch wins, the others are released.
Steps that run out go to the next step; after the last, `on_exhausted(fork)` decides.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pjsua2 as pj

from telephony.calls import dialplan
from telephony.calls.legs import BUSY, NO_ANSWER, NORMAL, CallLeg, PortLeg, SipLeg
from telephony.calls.line import LineCall
from telephony.calls.router import RouteFailed
from telephony.cdr import LegRecord
from telephony.features import common
from telephony.models import utcnow

if TYPE_CHECKING:
    from telephony.features.service import FeatureService

log = logging.getLogger(__name__)

CONFIRM_SECONDS = 20.0  # how long an answered follow-me leg has to press 1
MEDIA_RETRIES = 25  # x 0.2 s


@dataclasses.dataclass(frozen=True)
class Step:
    """Numbers that ring together for `seconds`."""

    numbers: tuple[str, ...]
    seconds: float


class Branch:
    """One ringing leg of a ForkCall, standing in as the leg's call until it wins or ends."""

    def __init__(self, fork: ForkCall, leg: CallLeg, number: str) -> None:
        self.fork, self.leg, self.number = fork, leg, number
        self.engine = fork.engine
        self.state = "ringing"  # ringing, confirming, won, ended (SipLeg reads call.state)
        self.start = utcnow()
        self.player: pj.AudioMediaPlayer | None = None
        self.timer: Any = None
        leg.call, leg.role = self, "callee"  # type: ignore[assignment]
        if isinstance(leg, SipLeg):
            leg.leg.call, leg.leg.role = self, "callee"

    @property
    def uniqueid(self) -> str:
        return self.fork.uniqueid

    @property
    def live(self) -> bool:
        return self.state in ("ringing", "confirming")

    # --- what the leg reports -------------------------------------------------------------------

    def leg_alerting(self, leg: CallLeg) -> None:
        if self.state == "ringing":
            self.fork.branch_alerting(self)

    def leg_answered(self, leg: CallLeg) -> None:
        if self.state == "ringing":
            self.fork.branch_answered(self)

    def leg_ended(self, leg: CallLeg, cause: int) -> None:
        prior = self.state
        self.state = "ended" if prior != "won" else prior
        self._stop_prompt()
        if isinstance(leg, SipLeg) and not _sip_alive(leg):
            leg.leg.call = None
            self.engine.legs.discard(leg.leg)
        if prior in ("ringing", "confirming"):
            self.fork.branch_ended(self, cause)

    def on_leg_state(self, sipleg: object, state: int, code: int) -> None:
        leg = getattr(sipleg, "wrapper", None)
        if isinstance(leg, SipLeg):
            leg.on_state(state, code)

    def on_leg_media(self, sipleg: object) -> None:
        if self.state == "confirming":
            self._prompt(0)

    def on_leg_dtmf(self, sipleg: object, digit: str) -> None:
        self.digit(digit)

    def on_line_digit(self, leg: CallLeg, digit: str) -> None:
        self.digit(digit)

    # --- follow-me confirmation -----------------------------------------------------------------

    def confirm(self) -> None:
        """The leg answered: ask it to press 1 (its line's keys come to this branch)."""
        self.state = "confirming"
        self.leg.connect()
        if isinstance(self.leg, PortLeg) and self.engine.lines is not None:
            self.engine.lines.listen_digits(self.leg)
        self.timer = self.engine.call_later(CONFIRM_SECONDS, self._confirm_timeout)
        self._prompt(0)

    def digit(self, digit: str) -> None:
        if self.state != "confirming":
            return
        if digit == "1":
            log.info("call %s: %s accepted with 1", self.uniqueid, self.number)
            self.fork.accept(self)
            return
        log.info("call %s: %s pressed %s, not 1: released", self.uniqueid, self.number, digit)
        self.release(NORMAL)
        self.fork.branch_ended(self, NORMAL)

    def _confirm_timeout(self) -> None:
        self.timer = None
        if self.state == "confirming":
            log.info("call %s: %s did not press 1: released", self.uniqueid, self.number)
            self.release(NORMAL)
            self.fork.branch_ended(self, NO_ANSWER)

    def _prompt(self, tries: int) -> None:
        if self.state != "confirming" or self.player is not None:
            return
        path = self.fork.accept_prompt
        med = self.leg.media()
        if path is None or med is None:
            if tries < MEDIA_RETRIES:
                self.engine.call_later(0.2, lambda: self._prompt(tries + 1))
            return
        self.player = pj.AudioMediaPlayer()
        self.player.createPlayer(str(path), 0)  # loops until a key or the timeout
        self.player.startTransmit(med)

    def _stop_prompt(self) -> None:
        self.player = None
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    # --- told by the fork -----------------------------------------------------------------------

    def won(self) -> None:
        self._stop_prompt()
        self.state = "won"

    def release(self, cause: int) -> None:
        if not self.live:
            return
        self.state = "ended"
        self._stop_prompt()
        try:
            self.leg.release(cause)
        except Exception:  # one branch's line failing must not stop the others
            log.exception("call %s: releasing branch %s", self.uniqueid, self.leg.peer)
        self.leg.ended = True
        if isinstance(self.leg, SipLeg) and not _sip_alive(self.leg):
            self.leg.leg.call = None
            self.engine.legs.discard(self.leg.leg)


def _sip_alive(leg: SipLeg) -> bool:
    try:
        return bool(leg.leg.isActive())
    except Exception:
        return False


class ForkCall(LineCall):
    """Hold the caller while branches ring in steps; the first to answer (and accept) is bridged."""

    def __init__(
        self,
        service: FeatureService,
        leg: CallLeg,
        caller: str,
        caller_name: str,
        callee: str,
        steps: list[Step],
        permission: str,
        on_exhausted: Callable[[ForkCall], None],
        confirm: bool = False,
    ) -> None:
        super().__init__(service.engine, leg, caller, caller_name, callee)
        self.service = service
        self.features_done = True  # the busy/no-answer hook must not fork this call again
        self.steps = steps
        self.permission = permission
        self.on_exhausted = on_exhausted
        self.confirm = confirm
        self.index = -1
        self.branches: list[Branch] = []
        self.step_timer: Any = None
        self.alerted = False
        self.accept_prompt: Path | None = None
        self._goto("ringing")

    def begin(self) -> None:
        """Start ringing the first step (and make the accept prompt for follow-me)."""
        if self.confirm:
            text = common.say("accept", number=self.callee, caller=self.caller or "?")
            self.service.prompts.speak(text, common.language(), self.engine.run_soon, self._prompt_ready)
        self._next_step()

    def _prompt_ready(self, path: Path | None) -> None:
        self.accept_prompt = path
        for branch in self.branches:
            if branch.state == "confirming":
                branch._prompt(0)

    # --- steps ----------------------------------------------------------------------------------

    def _next_step(self) -> None:
        self._cancel_step()
        for branch in self.branches:
            branch.release(NO_ANSWER)
        self.branches = []
        while self.state == "ringing":
            self.index += 1
            if self.index >= len(self.steps):
                log.info("call %s: nobody answered %s", self.uniqueid, self.callee)
                self.on_exhausted(self)
                return
            step = self.steps[self.index]
            for number in step.numbers:
                self._ring(number)
            if any(b.live for b in self.branches):
                self.step_timer = self.engine.call_later(step.seconds, self._next_step)
                return

    def _ring(self, number: str) -> None:
        route = dialplan.resolve(number, self.permission)
        if route.kind in ("none", "denied"):
            log.info("call %s: %s is not reachable for this call (%s)", self.uniqueid, number, route.kind)
            return
        try:
            leg = self.engine.router.callee_leg(route)
        except RouteFailed as exc:
            log.info("call %s: %s", self.uniqueid, exc)
            return
        branch = Branch(self, leg, number)
        self.branches.append(branch)
        try:
            leg.ring(self.caller, self.caller_name, route.digits or number)
        except Exception as exc:  # a busy port, a span down: this branch only
            log.info("call %s: %s cannot take the call: %s", self.uniqueid, number, exc)
            branch.state = "ringing"
            branch.release(getattr(exc, "cause", BUSY))
            return
        log.info("call %s: ringing %s (%s)", self.uniqueid, number, leg.peer)

    def _cancel_step(self) -> None:
        if self.step_timer is not None:
            self.step_timer.cancel()
            self.step_timer = None

    # --- told by branches -----------------------------------------------------------------------

    def branch_alerting(self, branch: Branch) -> None:
        if self.state == "ringing" and not self.alerted:
            self.alerted = True
            self.a.progress()

    def branch_answered(self, branch: Branch) -> None:
        if self.state != "ringing":
            branch.release(NORMAL)
        elif self.confirm:
            log.info("call %s: %s answered, asking for 1", self.uniqueid, branch.number)
            branch.confirm()
        else:
            self.accept(branch)

    def branch_ended(self, branch: Branch, cause: int) -> None:
        if self.state != "ringing":
            return
        index = self.index

        def next_if_idle() -> None:
            if self.state == "ringing" and self.index == index and not any(b.live for b in self.branches):
                self._next_step()

        self.engine.call_later(0, next_if_idle)

    def accept(self, winner: Branch) -> None:
        """Bridge the caller with `winner`; release every other branch."""
        self._cancel_step()
        for branch in self.branches:
            if branch is not winner:
                branch.release(NORMAL)
        winner.won()
        self.b = winner.leg
        self._attach(winner.leg, "callee")
        self.legs["callee"] = LegRecord("callee", winner.leg.peer, start=winner.start)
        self.record_sip_id(winner.leg)
        log.info("call %s: %s takes the call", self.uniqueid, winner.number)
        LineCall.leg_answered(self, winner.leg)

    # --- the caller -----------------------------------------------------------------------------

    def leg_ended(self, leg: CallLeg, cause: int) -> None:
        if leg is self.a and self.state == "ringing":
            self._cancel_step()
            for branch in self.branches:
                branch.release(NORMAL)
        super().leg_ended(leg, cause)

    def _hangup(self, leg: CallLeg | None, code: int = 0) -> None:
        self._cancel_step()
        for branch in self.branches:
            branch.release(NORMAL)
        super()._hangup(leg, code)

"""One caller walking an IVR flow: answered at once, then node by node until a goto or a hang-up.

States: ivr (answered, running nodes) -> ended. Each node visit runs one handler (`_run_<kind>`);
prompts play with a pjsua2 AudioMediaPlayer and an engine timer for their length; a menu or
collect prompt stops at the first key (barge-in). Digits come from `on_leg_dtmf`, which the engine
calls for SIP legs. Every visit is a trail step (flow, node, kind, digits pressed there); the
runtime stores the trail when the call record ends, off the loop.
"""

from __future__ import annotations

import logging
import re
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pjsua2 as pj

from telephony.calls.legs import NORMAL, CallLeg
from telephony.calls.line import LineCall
from telephony.ivr import timecond
from telephony.ivr.validate import Node
from telephony.models import utcnow

if TYPE_CHECKING:
    from telephony.ivr.runtime import Flow, IvrRuntime

log = logging.getLogger(__name__)

MAX_SILENT_STEPS = 50  # nodes in a row without a key press: a loop validation should have refused
MAX_FLOW_HOPS = 8  # goto ivr jumps in one call
MEDIA_WAIT = 5.0  # seconds to wait for the caller's audio after answering
VAR_RE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


class IvrCall(LineCall):
    """A caller in an IVR flow."""

    def __init__(self, runtime: IvrRuntime, a: CallLeg, caller: str, caller_name: str, flow: Flow) -> None:
        super().__init__(runtime.engine, a, caller, caller_name, flow.number)
        self.runtime = runtime
        self.flow = flow
        self.language = flow.language
        self.priority = 0
        self.variables: dict[str, str] = {"caller": caller, "ivr": flow.number}
        self.trail: list[dict[str, str]] = []
        self.node: Node | None = None
        self.outcome = ""
        self.stored = False
        self.player: pj.AudioMediaPlayer | None = None
        self.player_to: pj.AudioMedia | None = None
        self.prompt_timer: Any = None
        self.key_timer: Any = None
        self.token = 0  # bumped on every node change: late callbacks of an older node are ignored
        self.tries = 0
        self.buffer = ""
        self.silent_steps = 0
        self.hops = 0
        self.media_deadline = 0.0

    # --- start ------------------------------------------------------------------------------------

    def begin(self) -> None:
        """Answer the caller and run the flow's entry node (`start` is the CDR's start time)."""
        self._goto("ivr")
        self.answered_at = self.legs["caller"].answer = utcnow()
        self.status_code, self.disposition = 200, "ANSWERED"
        self.a.connect()
        self.media_deadline = time.monotonic() + MEDIA_WAIT
        self.run(self.flow.entry)

    # --- nodes ------------------------------------------------------------------------------------

    def run(self, key: str) -> None:
        """Go to node `key` of the current flow (an empty key hangs up: the flow ends there)."""
        if self.state != "ivr":
            return
        self._stop_prompt()
        self._cancel_key_timer()
        self.token += 1
        self.tries, self.buffer = 0, ""
        if not key:
            self.finish("end")
            return
        node = self.flow.nodes.get(key)
        if node is None:
            log.error(
                "call %s: IVR %s has no node %r (edited while in use?)", self.uniqueid, self.flow.number, key
            )
            self.finish(f"missing:{key}")
            return
        self.silent_steps += 1
        if self.silent_steps > MAX_SILENT_STEPS:
            log.error("call %s: IVR %s loops without input at %r", self.uniqueid, self.flow.number, key)
            self.finish("loop")
            return
        self.node = node
        self.trail.append({"flow": self.flow.number, "node": key, "kind": node.kind, "digits": ""})
        log.info("call %s: IVR %s node %s (%s)", self.uniqueid, self.flow.number, key, node.kind)
        getattr(self, f"_run_{node.kind}")(node)

    def _run_play(self, node: Node) -> None:
        token = self.token
        self.prompt(node, lambda: token == self.token and self.run(node.branches.get("next", "")))

    def _run_menu(self, node: Node) -> None:
        token = self.token
        self.prompt(node, lambda: token == self.token and self._wait_key(node, self._menu_timeout))

    def _run_collect(self, node: Node) -> None:
        token = self.token
        self.prompt(node, lambda: token == self.token and self._wait_key(node, self._collect_done))

    def _run_time(self, node: Node) -> None:
        result, target = timecond.branch(node.params, node.branches, self.runtime.now())
        self.trail[-1]["result"] = result
        self.run(target)

    def _run_http(self, node: Node) -> None:
        token = self.token
        timeout = float(node.params.get("timeout", 3))
        self.prompt_timer = self.engine.call_later(timeout + 1.0, lambda: self._http_done(token, None))
        self.runtime.lookup(
            str(node.params.get("url", "")),
            str(node.params.get("method", "GET")),
            dict(self.variables),
            timeout,
            lambda data: self._http_done(token, data),
        )

    def _run_set(self, node: Node) -> None:
        if node.params.get("language") in self.runtime.languages:
            self.language = str(node.params["language"])
        if "priority" in node.params:
            self.priority = int(node.params["priority"])
        self.run(node.branches.get("next", ""))

    def _run_goto(self, node: Node) -> None:
        target, number = node.params.get("target"), str(node.params.get("number", ""))
        if target == "ivr":
            self._goto_flow(number)
        elif target in ("queue", "extension"):
            self._transfer(str(target), number)
        elif target == "voicemail":
            self._voicemail(number)
        else:
            self.finish("hangup")

    # --- keys -------------------------------------------------------------------------------------

    def on_leg_dtmf(self, sipleg: object, digit: str) -> None:
        """Engine hook: a key from the caller (SIP legs)."""
        if getattr(sipleg, "wrapper", None) is self.a:
            self.digit(digit)

    def on_line_digit(self, leg: CallLeg, digit: str) -> None:
        """LineService hook: a key from an analog phone (DTMF or pulse) during the call."""
        if leg is self.a:
            self.digit(digit)

    def digit(self, digit: str) -> None:
        node = self.node
        if self.state != "ivr" or node is None or node.kind not in ("menu", "collect"):
            return  # keys outside a menu or collect are ignored, as callers press ahead
        self.silent_steps = 0
        self.trail[-1]["digits"] += digit
        self._stop_prompt()
        self._cancel_key_timer()
        self.token += 1  # the prompt's end and the key timer of this try no longer count
        if node.kind == "menu":
            self._menu_key(node, digit)
        else:
            self._collect_key(node, digit)

    def _wait_key(self, node: Node, expired: Any) -> None:
        token = self.token
        seconds = float(node.params.get("timeout", 5))
        self.key_timer = self.engine.call_later(seconds, lambda: token == self.token and expired(node))

    def _menu_key(self, node: Node, digit: str) -> None:
        target = node.branches.get(digit) if digit not in ("invalid", "timeout") else None
        if target:
            self.run(target)
            return
        self._menu_retry(node, "invalid")

    def _menu_timeout(self, node: Node) -> None:
        self.key_timer = None
        self._menu_retry(node, "timeout")

    def _menu_retry(self, node: Node, why: str) -> None:
        """Say the menu again, or after `retries` more tries take the invalid/timeout branch."""
        self.tries += 1
        if self.tries > int(node.params.get("retries", 2)):
            other = "timeout" if why == "invalid" else "invalid"
            self.trail[-1]["result"] = why
            self.run(node.branches.get(why) or node.branches.get(other, ""))
            return
        log.info("call %s: menu %s %s, try %d", self.uniqueid, node.key, why, self.tries + 1)
        self.token += 1
        token = self.token
        self.prompt(node, lambda: token == self.token and self._wait_key(node, self._menu_timeout))

    def _collect_key(self, node: Node, digit: str) -> None:
        if digit == str(node.params.get("terminator", "#")):
            self._collect_done(node)
            return
        self.buffer += digit
        if len(self.buffer) >= int(node.params.get("max", 20)):
            self._collect_done(node)
        else:
            self._wait_key(node, self._collect_done)

    def _collect_done(self, node: Node) -> None:
        self.key_timer = None
        if len(self.buffer) < int(node.params.get("min", 1)) and node.branches.get("timeout"):
            self.run(node.branches["timeout"])
            return
        self.variables[str(node.params.get("variable", "digits"))] = self.buffer
        self.run(node.branches.get("next", ""))

    # --- http lookups -----------------------------------------------------------------------------

    def _http_done(self, token: int, data: dict | None) -> None:
        if token != self.token or self.state != "ivr" or self.node is None:
            return  # the caller left or the node already timed out
        node = self.node
        self._stop_prompt()
        self.token += 1
        if data is None:
            self.trail[-1]["result"] = "fallback"
            self.run(node.branches.get("fallback", ""))
            return
        from telephony.ivr.lookup import scalars

        self.variables.update(scalars(data))
        field = str(node.params.get("field", ""))
        value = str(scalars(data).get(field, "")) if field else ""
        target = node.branches.get(value) if value and value not in ("default", "fallback") else None
        target = target or node.branches.get("default") or node.branches.get("fallback", "")
        self.trail[-1]["result"] = value or "default"
        say = str(node.params.get("say", ""))
        if say and say in self.variables:
            text = str(node.params.get("say_text", "") or "{value}")
            if self._say_as(node, self.variables[say], text, target):
                return
            spoken = Node(node.key, "play", {"text": text.replace("{value}", self.variables[say])})
            token = self.token
            self.prompt(spoken, lambda: token == self.token and self.run(target))
            return
        self.run(target)

    def _say_as(self, node: Node, value: str, text: str, target: str) -> bool:
        """Speak the value as digits, a number or an amount (say_as); False: say it as text."""
        from telephony.saynumbers import SayError, say_number, words

        mode = str(node.params.get("say_as", "text"))
        if mode == "text":
            return False
        try:
            words(value, mode, self.language)
        except SayError as exc:
            log.warning("call %s: node %s says %r as text: %s", self.uniqueid, node.key, value, exc)
            return False
        template = VAR_RE.sub(lambda m: "{value}" if m[1] == "value" else self.variables.get(m[1], ""), text)
        token = self.token
        say_number(
            self.engine,
            value,
            mode,
            self.language,
            lambda path: (
                token == self.token and self._play(path, lambda: token == self.token and self.run(target))
            ),
            template,
        )
        return True

    # --- leaving the IVR --------------------------------------------------------------------------

    def _goto_flow(self, number: str) -> None:
        self.hops += 1
        flow = self.runtime.flow(number) if self.hops <= MAX_FLOW_HOPS else None
        if flow is None:
            log.error("call %s: IVR %s not available (or too many jumps)", self.uniqueid, number)
            self.finish(f"ivr-missing:{number}")
            return
        self.flow = flow
        self.run(flow.entry)

    def _transfer(self, kind: str, number: str) -> None:
        """Hand the caller to a queue or an extension; this record ends without the caller."""
        engine = self.engine
        service = engine.service_for(number)
        if kind == "queue" and (service is None or service is self.runtime):
            log.error("call %s: queue %s does not exist now", self.uniqueid, number)
            self.finish(f"queue-missing:{number}")
            return
        self.outcome = f"{kind}:{number}"
        leg = self.detach_caller()
        log.info(
            "call %s: IVR %s sends %s to %s %s", self.uniqueid, self.flow.number, self.caller, kind, number
        )
        if service is not None:
            if service is engine.queues:  # the queue shows the keys pressed here (screen pop, CRM URL)
                digits = "".join(step["digits"] for step in self.trail)
                service.enter(
                    leg, self.caller, self.caller_name, number, priority=self.priority, digits=digits
                )
            else:
                service.enter(leg, self.caller, self.caller_name, number)
            return
        onward = LineCall(engine, leg, self.caller, self.caller_name, number)
        engine.router.route(onward, number, "national")

    def _voicemail(self, number: str) -> None:
        """Let the caller leave a message in mailbox `number` (its greeting, the beep, the recording)."""
        from telephony.models import Mailbox

        service = getattr(self.engine, "voicemail", None)  # set by telephony.main when voicemail runs
        mailbox = Mailbox.get_or_none((Mailbox.number == number) & Mailbox.enabled)
        if service is None or mailbox is None:
            log.error("call %s: voicemail %s not available", self.uniqueid, number)
            self.finish(f"voicemail-missing:{number}")
            return
        self.outcome = f"voicemail:{number}"
        leg = self.detach_caller()
        service.leave_message(leg, self.caller, self.caller_name, mailbox, "unavailable")

    def detach_caller(self) -> CallLeg:
        """Give the caller leg up (to a queue or another call); this record ends."""
        self._stop_prompt()
        self._cancel_key_timer()
        self.token += 1
        self.hangup_by = "system"
        self.legs["caller"].end = utcnow()
        self._goto("ended")
        leg = self.a
        leg.call, leg.role = None, ""
        self.a = CallLeg(leg.peer)  # a placeholder: this record no longer owns the caller
        self.a.ended = True
        self._maybe_finish()
        return leg

    def finish(self, outcome: str) -> None:
        """The flow ends here: hang up the caller."""
        if self.state != "ivr":
            return
        self.outcome = self.outcome or outcome
        self._stop_prompt()
        self._cancel_key_timer()
        self.token += 1
        self.hangup_by = "system"
        self._goto("ended")
        self._release(self.a, NORMAL)
        self._maybe_finish()

    def leg_ended(self, leg: CallLeg, cause: int) -> None:
        if leg is self.a and self.state == "ivr":
            self.outcome = self.outcome or "caller-hangup"
            self._stop_prompt()
            self._cancel_key_timer()
            self.token += 1
        super().leg_ended(leg, cause)

    def _maybe_finish(self) -> None:
        if any(r.end is None for r in self.legs.values()):
            return
        if not self.stored:
            self.stored = True
            self._stop_prompt()
            self._cancel_key_timer()
            self.runtime.finished(self)
        super()._maybe_finish()

    # --- prompts ----------------------------------------------------------------------------------

    def prompt(self, node: Node, then: Any) -> None:
        """Play the node's prompt (uploaded file, else its text by TTS), then call `then`.

        A prompt that cannot be played (file missing on disk, TTS failing) is logged and skipped,
        so the caller goes on through the flow instead of hearing silence for ever.
        """
        name = str(node.params.get("file", "")).strip()
        if name:
            path = self.runtime.prompt_file(name)
            if path is not None:
                self._play(path, then)
                return
            log.error("call %s: prompt file %r of node %s is missing", self.uniqueid, name, node.key)
        text = self._fill(str(node.params.get("text", "")))
        if not text:
            then()
            return
        token = self.token
        self.runtime.prompts.speak(
            text,
            self.language,
            self.engine.run_soon,
            lambda path: token == self.token and self._play(path, then),
        )

    def _fill(self, text: str) -> str:
        return VAR_RE.sub(lambda m: self.variables.get(m[1], ""), text)

    def _play(self, path: Path | None, then: Any) -> None:
        if self.state != "ivr":
            return
        if path is None:
            then()
            return
        med = self.a.media()
        if med is None:
            if time.monotonic() > self.media_deadline:
                log.error("call %s: the caller has no audio; hanging up", self.uniqueid)
                self.finish("no-media")
                return
            token = self.token
            self.prompt_timer = self.engine.call_later(
                0.1, lambda: token == self.token and self._play(path, then)
            )
            return
        from telephony.prompts import duration

        self._stop_prompt()
        player = pj.AudioMediaPlayer()
        player.createPlayer(str(path), pj.PJMEDIA_FILE_NO_LOOP)
        player.startTransmit(med)
        self.player, self.player_to = player, med
        token = self.token
        self.prompt_timer = self.engine.call_later(
            duration(path) + 0.1, lambda: self._prompt_done(token, then)
        )

    def _prompt_done(self, token: int, then: Any) -> None:
        self.prompt_timer = None
        if token != self.token:
            return
        self._stop_prompt()
        then()

    def _stop_prompt(self) -> None:
        if self.prompt_timer is not None:
            self.prompt_timer.cancel()
            self.prompt_timer = None
        if self.player is not None and self.player_to is not None:
            try:
                self.player.stopTransmit(self.player_to)
            except pj.Error:
                pass  # the caller's media is gone
        self.player, self.player_to = None, None

    def _cancel_key_timer(self) -> None:
        if self.key_timer is not None:
            self.key_timer.cancel()
            self.key_timer = None

    def bridge(self) -> None:
        return None  # one leg only: the IVR talks to the caller

    def summary(self) -> dict:
        out = super().summary()
        out.update(ivr=self.flow.number, node=self.node.key if self.node else None)
        return out

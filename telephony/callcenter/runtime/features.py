"""Agent feature codes: an agent logs in, pauses and logs out from any phone of the box.

    *91<agent>*<pin>   log in at this phone (its extension or FXS number)
    *92                log out the agent logged in at this phone
    *93[<code>]        pause (the pause code dialed, or the first code when none is dialed)
    *94                ready again
    *95                end wrap-up now

The box answers, says what happened (or what was wrong) and hangs up. A wrong PIN and an unknown
agent get the same answer; after MAX_FAILURES wrong tries from one phone within LOCKOUT, that
phone is refused for LOCKOUT (a PIN has few digits: throttling is what protects it).
"""

from __future__ import annotations

import logging
import re
import time
from typing import TYPE_CHECKING

from telephony.acd.errors import AcdError
from telephony.calls.announce import OnePromptCall
from telephony.calls.legs import CallLeg
from telephony.models.callcenter import Agent, PauseCode

if TYPE_CHECKING:
    from telephony.callcenter.runtime.service import QueueRuntime

log = logging.getLogger(__name__)

PREFIX = "*9"
MAX_FAILURES = 5
LOCKOUT = 300.0
CODE_RE = re.compile(r"^\*9(?P<op>[1-5])(?P<rest>[0-9*#]*)$")

SAY: dict[str, dict[str, str]] = {
    "zh-CN": {
        "login": "座席{agent}已登录。",
        "logout": "座席{agent}已退出。",
        "pause": "座席{agent}已暂停。",
        "ready": "座席{agent}已就绪。",
        "wrapup": "整理结束。",
        "bad_login": "座席号或密码错误。",
        "locked": "尝试次数过多，请稍后再试。",
        "not_logged_in": "此电话没有登录的座席。",
        "bad_code": "无效的功能码。",
    },
    "en": {
        "login": "Agent {agent} logged in.",
        "logout": "Agent {agent} logged out.",
        "pause": "Agent {agent} paused.",
        "ready": "Agent {agent} is ready.",
        "wrapup": "Wrap-up ended.",
        "bad_login": "Wrong agent number or PIN.",
        "locked": "Too many tries. Please try again later.",
        "not_logged_in": "No agent is logged in at this phone.",
        "bad_code": "This feature code is not valid.",
    },
}


def is_feature_code(digits: str) -> bool:
    return digits.startswith(PREFIX)


class FeatureCodes:
    """Carry out a feature code dialed from `phone` (the caller's number) and say the outcome."""

    def __init__(self, runtime: QueueRuntime) -> None:
        self.runtime = runtime
        self.failures: dict[str, list[float]] = {}

    # --- a number service of the engine (engine.services) ---------------------------------------------

    def owns(self, number: str) -> bool:
        return is_feature_code(number)

    def complete(self, number: str) -> bool:
        return False  # codes vary in length: an analog phone ends one with # or the digit timeout

    def enter(self, leg: CallLeg, caller: str, caller_name: str, number: str) -> None:
        self.handle(leg, caller, number)

    def handle(self, leg: CallLeg, phone: str, digits: str) -> None:
        key, agent = self._run(phone, digits)
        text = SAY[self.runtime.language][key].format(agent=agent)
        log.info("feature code %s from %s: %s", digits[:4], phone, key)
        AnnounceCall(self.runtime, leg, phone, digits).say(text)

    def _run(self, phone: str, digits: str) -> tuple[str, str]:
        match = CODE_RE.match(digits)
        if match is None:
            return "bad_code", ""
        op, rest = match["op"], match["rest"]
        runtime = self.runtime
        if op == "1":
            return self._login(phone, rest)
        agent = next((a for a, c in runtime.contacts.items() if c == phone), None)
        if agent is None:
            return "not_logged_in", ""
        try:
            if op == "2":
                runtime.logout(agent)
                return "logout", agent
            if op == "3":
                runtime.pause(agent, self._pause_code(rest))
                return "pause", agent
            if op == "4":
                runtime.unpause(agent)
                return "ready", agent
            runtime.end_wrap_up(agent)
            return "wrapup", agent
        except (AcdError, ValueError) as exc:
            log.info("feature code *9%s for agent %s refused: %s", op, agent, exc)
            return "bad_code", agent

    def _login(self, phone: str, rest: str) -> tuple[str, str]:
        now = time.monotonic()
        recent = [t for t in self.failures.get(phone, []) if now - t < LOCKOUT]
        self.failures[phone] = recent
        if len(recent) >= MAX_FAILURES:
            log.warning("agent login from %s refused: %d wrong tries", phone, len(recent))
            return "locked", ""
        number, _, pin = rest.partition("*")
        row = Agent.get_or_none((Agent.number == number) & Agent.enabled) if number else None
        if row is None or not pin or not row.check_pin(pin):
            recent.append(now)
            log.warning("agent login from %s failed (agent %r)", phone, number)
            return "bad_login", ""
        try:
            self.runtime.login(row.number, phone)
        except AcdError as exc:
            log.warning("agent %s login at %s refused by the ACD: %s", row.number, phone, exc)
            return "bad_login", ""
        self.failures.pop(phone, None)
        return "login", row.number

    @staticmethod
    def _pause_code(rest: str) -> str:
        codes = [p.code for p in PauseCode.select().order_by(PauseCode.code)]
        if not rest:
            if not codes:
                raise ValueError("no pause codes are set up")
            return codes[0]
        if rest in codes:
            return rest
        if rest.isdigit() and 1 <= int(rest) <= len(codes):
            return codes[int(rest) - 1]  # codes with letters are dialed by their place in the list
        raise ValueError(f"pause code {rest!r} does not exist")


class AnnounceCall(OnePromptCall):
    """Answer a leg, say one prompt in the runtime's language, hang up (feature code answers).

    It looks for the caller's media once more after 0.3 s, and waits that long before hanging up on
    a prompt that could not be made.
    """

    MEDIA_WAIT = 0.3
    MEDIA_RETRIES = 1
    RETRY_WITHOUT_PROMPT = True

    def __init__(self, runtime: QueueRuntime, leg: CallLeg, caller: str, digits: str) -> None:
        super().__init__(runtime.engine, leg, caller, "", digits, runtime.prompts, lambda: runtime.language)
        self.runtime = runtime

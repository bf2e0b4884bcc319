"""What the core does around the ACD engine for each queue, and what it says to callers."""

from __future__ import annotations

import dataclasses

from telephony.acd.config import AgentConfig, QueueConfig


@dataclasses.dataclass(frozen=True)
class QueueOptions:
    """What the core does around the engine for one queue (the engine decides, the core plays)."""

    number: str
    name: str = ""
    moh_class: str = ""
    announce_position: bool = True
    announce_estimate: bool = True
    announce_agent_number: bool = False
    whisper_text: str = ""  # template: {queue} {caller} {name}
    callback_key: str = ""  # '' = no callback offered
    survey: bool = False

    def whisper(self, caller: str, name: str) -> str:
        if not self.whisper_text:
            return ""
        return self.whisper_text.format(queue=self.name or self.number, caller=caller, name=name)


# What the caller hears, by prompt language: {n} position, {m} minutes, {agent} agent number.
TEXTS: dict[str, dict[str, str]] = {
    "zh-CN": {
        "periodic": "所有坐席正忙，请您耐心等待。",
        "position": "您前面还有{n}位客户。",
        "estimate": "预计等待{m}分钟。",
        "agent": "{agent}号坐席为您服务。",
        "callback": "按{key}键，我们将尽快给您回电。",
        "callback_ok": "好的，我们将给您回电，再见。",
        "callback_for": "回拨客户{caller}。",
        "survey": "请对本次服务评分，非常满意请按5，不满意请按1。",
        "survey_thanks": "感谢您的评价，再见。",
    },
    "en": {
        "periodic": "All our agents are busy. Please hold.",
        "position": "You are number {n} in the queue.",
        "estimate": "Your estimated wait is {m} minutes.",
        "agent": "Agent {agent} will serve you.",
        "callback": "Press {key} and we will call you back.",
        "callback_ok": "Thank you, we will call you back. Goodbye.",
        "callback_for": "Callback to {caller}.",
        "survey": "Please rate our service: press 5 if you were very satisfied, 1 if not at all.",
        "survey_thanks": "Thank you for your rating. Goodbye.",
    },
}


@dataclasses.dataclass(frozen=True)
class Settings:
    """Everything the runtime loads at start and on reload."""

    queues: tuple[QueueConfig, ...] = ()
    agents: tuple[AgentConfig, ...] = ()
    options: dict[str, QueueOptions] = dataclasses.field(default_factory=dict)  # queue_id -> options
    pause_codes: tuple[str, ...] = ()

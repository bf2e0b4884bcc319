"""The day/night switch from a phone: `*28<IVR number>` flips the flow's time conditions.

Dialed once, every time condition of the flow is forced to night (closed); dialed again, they go
back to their business hours (auto). The box answers, says which it is now and hangs up. The web
admin shows and flips the same switch (a time node's `override`).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from telephony.calls.legs import CallLeg

if TYPE_CHECKING:
    from telephony.ivr.runtime import IvrRuntime

log = logging.getLogger(__name__)

PREFIX = "*28"

SAY: dict[str, dict[str, str]] = {
    "zh-CN": {
        "night": "语音导航{number}已切换到夜间模式。",
        "auto": "语音导航{number}已恢复按营业时间工作。",
        "none": "语音导航{number}没有时间条件。",
        "unknown": "没有这个语音导航号码。",
    },
    "en": {
        "night": "IVR {number} is now in night mode.",
        "auto": "IVR {number} follows its business hours again.",
        "none": "IVR {number} has no time condition.",
        "unknown": "There is no such IVR number.",
    },
}


def toggle(number: str) -> str:
    """Flip the flow's time conditions: any not at night -> all night; all at night -> auto.

    Returns 'night', 'auto', 'none' (the flow has no time condition) or 'unknown' (no such flow).
    """
    from telephony.models import IvrFlow, IvrNode, database

    flow = IvrFlow.get_or_none(IvrFlow.number == number) if number else None
    if flow is None:
        return "unknown"
    nodes = list(IvrNode.select().where((IvrNode.flow == flow) & (IvrNode.kind == "time")))
    if not nodes:
        return "none"
    mode = "auto" if all(n.params_dict.get("override") == "night" for n in nodes) else "night"
    with database.atomic():
        for node in nodes:
            params = node.params_dict
            params["override"] = mode
            node.set_params(params)
            node.save()
    return mode


class DayNightCode:
    """A number service of the engine: `*28<IVR number>`."""

    def __init__(self, runtime: IvrRuntime) -> None:
        self.runtime = runtime

    def owns(self, number: str) -> bool:
        return number.startswith(PREFIX)

    def complete(self, number: str) -> bool:
        from telephony.models import IvrFlow

        rest = number[len(PREFIX) :]
        return bool(rest) and IvrFlow.select().where(IvrFlow.number == rest).exists()

    def enter(self, leg: CallLeg, caller: str, caller_name: str, number: str) -> None:
        flow_number = number[len(PREFIX) :]
        language = self.runtime.language

        def done(mode: str) -> None:
            from telephony.callcenter.runtime.features import AnnounceCall

            log.info("day/night code from %s for IVR %s: %s", caller, flow_number, mode)
            text = SAY.get(language, SAY["en"])[mode].format(number=flow_number)
            AnnounceCall(self.runtime, leg, caller, number).say(text)  # type: ignore[arg-type]

        self.runtime.write(lambda: toggle(flow_number), done)

"""Shared helpers of the routing features: who a number is, its features, its permission class,
prompt texts in zh-CN and English, and how a feature ends or hands over a call."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from telephony.calls.legs import CallLeg
from telephony.cdr import LegRecord
from telephony.models import Extension, Setting, utcnow
from telephony.models.features import ExtensionFeatures
from telephony.models.lines import PortSetting
from telephony.prompts import LANGUAGES

if TYPE_CHECKING:
    from telephony.calls.line import LineCall

log = logging.getLogger(__name__)

HOP_LIMIT = 5  # forwards one call may follow; more means a loop the path check did not see

SAY: dict[str, dict[str, str]] = {
    "zh-CN": {
        "dnd_on": "免打扰已开启。",
        "dnd_off": "免打扰已关闭。",
        "fwd_always_on": "无条件转移到{number}已开启。",
        "fwd_busy_on": "遇忙转移到{number}已开启。",
        "fwd_no_answer_on": "无应答转移到{number}已开启。",
        "fwd_always_off": "无条件转移已取消。",
        "fwd_busy_off": "遇忙转移已取消。",
        "fwd_no_answer_off": "无应答转移已取消。",
        "fwd_denied": "不能转移到{number}，该号码不可拨打。",
        "fwd_self": "不能转移到本机。",
        "followme_on": "跟随已开启。",
        "followme_off": "跟随已关闭。",
        "followme_none": "没有设置跟随号码。",
        "no_extension": "此电话没有分机号码。",
        "hotdesk_in": "分机{number}已登录到此电话。",
        "hotdesk_out": "分机{number}已退出此电话。",
        "hotdesk_bad": "分机号或密码错误。",
        "hotdesk_none": "此电话没有登录的分机。",
        "hotdesk_locked": "尝试次数过多，请稍后再试。",
        "speed_none": "没有这个快速拨号。",
        "accept": "有来电转给分机{number}，来自{caller}。接听请按1。",
        "blocked": "您的呼叫无法接通，再见。",
    },
    "en": {
        "dnd_on": "Do not disturb is on.",
        "dnd_off": "Do not disturb is off.",
        "fwd_always_on": "All calls forward to {number}.",
        "fwd_busy_on": "Calls forward to {number} when busy.",
        "fwd_no_answer_on": "Calls forward to {number} when not answered.",
        "fwd_always_off": "Call forward cancelled.",
        "fwd_busy_off": "Forward when busy cancelled.",
        "fwd_no_answer_off": "Forward when not answered cancelled.",
        "fwd_denied": "Calls cannot forward to {number}: that number cannot be dialed.",
        "fwd_self": "A phone cannot forward to itself.",
        "followme_on": "Follow me is on.",
        "followme_off": "Follow me is off.",
        "followme_none": "No follow me numbers are set.",
        "no_extension": "This phone has no extension number.",
        "hotdesk_in": "Extension {number} is logged in at this phone.",
        "hotdesk_out": "Extension {number} is logged out of this phone.",
        "hotdesk_bad": "Wrong extension or PIN.",
        "hotdesk_none": "No extension is logged in at this phone.",
        "hotdesk_locked": "Too many tries. Please try again later.",
        "speed_none": "There is no such speed dial.",
        "accept": "A call for extension {number} from {caller}. Press 1 to accept.",
        "blocked": "Your call cannot be completed. Goodbye.",
    },
}


def language() -> str:
    value = Setting.get_value("prompt_language", "zh-CN")
    return value if value in LANGUAGES else "zh-CN"


def say(key: str, **args: Any) -> str:
    return SAY[language()][key].format(**args)


def is_local_number(number: str) -> bool:
    """A SIP extension's or an FXS port's number (the numbers that have features)."""
    if Extension.select().where(Extension.number == number).exists():
        return True
    return (
        PortSetting.select()
        .where((PortSetting.number == number) & PortSetting.port.startswith("fxs"))
        .exists()
    )


def features_of(number: str) -> ExtensionFeatures | None:
    return ExtensionFeatures.get_or_none(ExtensionFeatures.number == number) if number else None


def features_for_update(number: str) -> ExtensionFeatures:
    row = features_of(number)
    return row if row is not None else ExtensionFeatures(number=number)


def permission_of(number: str) -> str:
    """The outbound class of an extension or FXS number ('internal' for anything else)."""
    row = Extension.select(Extension.permission).where(Extension.number == number).first()
    if row is not None:
        return row.permission
    port = PortSetting.get_or_none(PortSetting.number == number)
    return port.permission if port is not None else "internal"


def name_of(number: str) -> str:
    row = Extension.select(Extension.name).where(Extension.number == number).first()
    if row is not None:
        return row.name
    port = PortSetting.get_or_none(PortSetting.number == number)
    return (port.caller_id_name or port.label) if port is not None else ""


def path_of(call: Any) -> list[str]:
    """The numbers a call was forwarded from so far (loop detection)."""
    return list(getattr(call, "feature_path", []))


def mark_forwarded(call: LineCall, by: str, path: list[str]) -> None:
    """Note on the call (and in its CDR's legs) that `by` forwarded it."""
    call.feature_path = [*path, by]  # type: ignore[attr-defined]
    now = utcnow()
    role = "forwarded_by" if "forwarded_by" not in call.legs else f"forwarded_by{len(call.feature_path)}"
    call.legs[role] = LegRecord(role, by, start=now, end=now)


def refuse(call: LineCall, cause: int, disposition: str = "") -> None:
    """End a call in routing or ringing with a cause, without the busy/no-answer mailbox fallback."""
    from telephony.calls.line import DISPOSITION, SIP_STATUS

    call.cause = cause
    call.status_code = SIP_STATUS.get(cause, 403 if cause == 21 else 480)
    call.disposition = disposition or DISPOSITION.get(cause, "FAILED")
    call.hangup_by = "system"
    call._goto("ended")
    call._release(call.a, cause)
    call._maybe_finish()


def give_up_caller(call: LineCall) -> CallLeg:
    """A feature's own call takes leg A from `call` (already ringing or ended): `call` keeps a
    placeholder and finishes its record when its other legs have; returns the caller leg."""
    leg = call.a
    call.legs["caller"].end = call.legs["caller"].end or utcnow()
    placeholder = CallLeg(leg.peer)
    placeholder.ended = True
    placeholder.role = "caller"
    call.a = placeholder
    return leg

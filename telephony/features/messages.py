"""Texts of the routing features' refusals (web admin forms, configuration document), zh-CN and English."""

from __future__ import annotations

from telephony import messages

CATALOG: dict[str, dict[str, str]] = {
    "features.err_not_extension": {
        "en": "This is not an extension or analog phone number.",
        "zh-CN": "这不是分机或模拟电话号码。",
    },
    "features.err_number": {"en": "Digits only, 1 to 32.", "zh-CN": "只能是 1 到 32 位数字。"},
    "features.err_self": {"en": "A number cannot forward to itself.", "zh-CN": "号码不能转移到自身。"},
    "features.err_unreachable": {
        "en": "This extension may not dial that number (no route or not allowed by its class).",
        "zh-CN": "此分机不能拨打该号码（没有路由或权限不允许）。",
    },
    "features.err_followme_count": {"en": "3 numbers at most.", "zh-CN": "最多 3 个号码。"},
    "features.err_followme_number": {
        "en": "Each number must be digits this extension may dial, and not itself.",
        "zh-CN": "每个号码都必须是本分机可拨打的数字号码，且不能是本机。",
    },
    "features.err_followme_empty": {
        "en": "Follow me needs at least one number.",
        "zh-CN": "跟随至少需要一个号码。",
    },
    "features.err_choice": {"en": "Choose one of the options.", "zh-CN": "请选择一个选项。"},
    "features.err_seconds": {"en": "A number from 5 to 120.", "zh-CN": "5 到 120 之间的数字。"},
    "features.err_group_seconds": {"en": "A number from 5 to 300.", "zh-CN": "5 到 300 之间的数字。"},
    "features.err_pin_and_hash": {
        "en": "Give hotdesk_pin or hotdesk_pin_hash, not both.",
        "zh-CN": "hotdesk_pin 与 hotdesk_pin_hash 只能给出一个。",
    },
    "features.err_pin": {"en": "4 to 12 digits.", "zh-CN": "4 到 12 位数字。"},
    "features.err_group_number": {"en": "2 to 8 digits.", "zh-CN": "2 到 8 位数字。"},
    "features.err_taken": {
        "en": "An extension, port, queue, IVR, room or ring group already has this number.",
        "zh-CN": "此号码已被分机、端口、队列、IVR、会议室或振铃组使用。",
    },
    "features.err_name": {"en": "1 to 64 characters.", "zh-CN": "1 到 64 个字符。"},
    "features.err_members": {"en": "1 to 20 numbers.", "zh-CN": "1 到 20 个号码。"},
    "features.err_member_unknown": {
        "en": "Every member must be an extension or analog phone number, each once.",
        "zh-CN": "每个成员都必须是分机或模拟电话号码，且不能重复。",
    },
    "features.err_fallback": {
        "en": "Digits only, and not the group's own number.",
        "zh-CN": "只能是数字，且不能是本组号码。",
    },
    "features.err_scope": {
        "en": "Empty, a number or a trunk name (lower-case letters, digits, /).",
        "zh-CN": "留空、号码或中继名称（小写字母、数字、/）。",
    },
    "features.err_entries": {"en": "1 to 1000 numbers.", "zh-CN": "1 到 1000 个号码。"},
    "features.err_entry": {
        "en": "Each line: digits, optionally ending with * for a prefix.",
        "zh-CN": "每行：数字，可以 * 结尾表示前缀。",
    },
    "features.err_target_number": {
        "en": "Sending to a number needs the number.",
        "zh-CN": "转到号码需要填写号码。",
    },
    "features.err_message": {"en": "256 characters at most.", "zh-CN": "最多 256 个字符。"},
    "features.err_code": {"en": "Two digits, 00 to 99.", "zh-CN": "两位数字，00 到 99。"},
    "features.err_code_taken": {"en": "This code is already used.", "zh-CN": "此代码已被使用。"},
    "features.err_label": {"en": "64 characters at most.", "zh-CN": "最多 64 个字符。"},
}

for _key, _entry in CATALOG.items():
    messages.CATALOG.setdefault(_key, _entry)

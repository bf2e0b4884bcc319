"""Texts of the voicemail refusals front ends render (config document import), in zh-CN and English."""

from __future__ import annotations

from telephony import messages

CATALOG: dict[str, dict[str, str]] = {
    "config.mailbox.number": {
        "en": "no extension or FXS port has the number {number}",
        "zh-CN": "没有分机或 FXS 端口使用号码 {number}",
    },
    "config.mailbox.pin": {
        "en": "each mailbox needs pin (4 to 12 digits) or pin_hash as exported",
        "zh-CN": "每个信箱需要 pin（4 到 12 位数字）或导出的 pin_hash",
    },
    "config.mailbox.email": {"en": "is not an email address", "zh-CN": "不是有效的电子邮箱地址"},
    "config.mailbox.has_messages": {
        "en": "mailbox {number} holds {count} messages: delete them first (a document never deletes recordings)",
        "zh-CN": "信箱 {number} 有 {count} 条留言：请先删除（配置文档不会删除录音）",
    },
}

for _key, _entry in CATALOG.items():
    messages.CATALOG.setdefault(_key, _entry)

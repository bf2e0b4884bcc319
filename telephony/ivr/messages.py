"""The IVR's user-facing messages in zh-CN and English, added to telephony.messages.

Imported by telephony.ivr.service, so whoever raises its errors has registered their text (the web
admin and the configuration document render them in the reader's language).
"""

from __future__ import annotations

from telephony import messages

CATALOG: dict[str, dict[str, str]] = {
    "ivr.err.number": {"en": "2 to 16 digits, * or #", "zh-CN": "2 到 16 位数字、* 或 #"},
    "ivr.err.number_taken": {
        "en": "{number} is already used (extension, port, queue or another IVR)",
        "zh-CN": "{number} 已被使用（分机、端口、队列或其他语音导航）",
    },
    "ivr.err.name": {"en": "1 to 64 characters", "zh-CN": "1 到 64 个字符"},
    "ivr.err.language": {"en": "choose a language", "zh-CN": "请选择语言"},
    "ivr.err.key": {"en": "1 to 32 letters, digits, - or _", "zh-CN": "1 到 32 个字母、数字、- 或 _"},
    "ivr.err.key_taken": {"en": "this flow already has a node {node}", "zh-CN": "此流程已有节点 {node}"},
    "ivr.err.kind": {"en": "choose a kind", "zh-CN": "请选择类型"},
    "ivr.err.json": {"en": "must be a JSON object", "zh-CN": "必须是 JSON 对象"},
    "ivr.err.branches": {
        "en": "must be a JSON object of outcome to node key",
        "zh-CN": "必须是由结果到节点标识组成的 JSON 对象",
    },
    "config.ivr.invalid": {
        "en": "the flow cannot be active: {problems}",
        "zh-CN": "流程不能启用：{problems}",
    },
    "config.ivr.node_twice": {"en": "node {key} is listed twice", "zh-CN": "节点 {key} 重复出现"},
}

for _key, _entry in CATALOG.items():
    messages.CATALOG.setdefault(_key, _entry)

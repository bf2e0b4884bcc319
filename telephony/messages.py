"""Message catalog of the domain's user-facing errors, in zh-CN and English.

Validation errors carry a message key and arguments; each front end (web admin, pbxctl)
renders them in the user's language with `render()`.
"""

from __future__ import annotations

LANGUAGES = ("zh-CN", "en")
DEFAULT_LANGUAGE = "zh-CN"

CATALOG: dict[str, dict[str, str]] = {
    "required": {"en": "is required", "zh-CN": "必填"},
    "extension.number.format": {
        "en": "must be 2 to 8 digits, not starting with 0",
        "zh-CN": "必须是 2 到 8 位数字，且不能以 0 开头",
    },
    "extension.number.taken": {"en": "extension {number} already exists", "zh-CN": "分机 {number} 已存在"},
    "extension.name.format": {
        "en": "must be at most 64 printable characters",
        "zh-CN": "最多 64 个可打印字符",
    },
    "extension.secret.weak": {
        "en": "must be 8 to 64 characters with letters and digits, and must not contain the extension number",
        "zh-CN": "必须为 8 到 64 个字符，包含字母和数字，且不能包含分机号",
    },
    "extension.not_found": {"en": "extension {number} does not exist", "zh-CN": "分机 {number} 不存在"},
    "config.invalid": {"en": "invalid configuration: {reason}", "zh-CN": "配置无效：{reason}"},
    "core.unreachable": {
        "en": "pbx-core is not answering; the change is saved and applies when it is back",
        "zh-CN": "pbx-core 无响应；更改已保存，将在其恢复后生效",
    },
}


def render(key: str, language: str = DEFAULT_LANGUAGE, **args: object) -> str:
    """Return the message for `key` in `language` (English when missing), with arguments filled in."""
    entry = CATALOG.get(key)
    if entry is None:
        return key.format(**args) if args else key
    text = entry.get(language) or entry["en"]
    return text.format(**args)

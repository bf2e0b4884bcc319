"""The media services' user-facing messages in zh-CN and English, added to telephony.messages.

Imported by telephony.media.errors, so whoever raises these errors has registered their text.
"""

from __future__ import annotations

from telephony import messages

CATALOG: dict[str, dict[str, str]] = {
    "moh.name": {
        "en": "must be 1 to 32 lowercase letters, digits, dashes or underscores",
        "zh-CN": "必须是 1 到 32 个小写字母、数字、短横线或下划线",
    },
    "moh.empty": {"en": "{file} is empty", "zh-CN": "{file} 是空文件"},
    "moh.not_audio": {
        "en": "{file} is not audio this box can read ({formats}): {detail}",
        "zh-CN": "{file} 不是本机可读取的音频（{formats}）：{detail}",
    },
    "moh.silent": {
        "en": "{file} holds no sound (0 seconds of audio)",
        "zh-CN": "{file} 不含任何声音（音频长度为 0 秒）",
    },
    "moh.unsupported": {
        "en": "{file} is {format}, which this box's sox cannot read; convert it to one of {formats} "
        "and upload that",
        "zh-CN": "{file} 是 {format} 格式，本机的 sox 无法读取；请先转换为以下格式之一再上传：{formats}",
    },
    "moh.too_big": {
        "en": "{file} is {size} MiB; the limit is {limit} MiB",
        "zh-CN": "{file} 大小为 {size} MiB，上限为 {limit} MiB",
    },
    "moh.too_long": {
        "en": "{file} plays for {length}; the limit is {limit} (minutes:seconds)",
        "zh-CN": "{file} 时长为 {length}，上限为 {limit}（分:秒）",
    },
    "moh.convert_failed": {
        "en": "{file} could not be converted: {detail}",
        "zh-CN": "{file} 转换失败：{detail}",
    },
    "moh.not_found": {
        "en": "music-on-hold class {name} does not exist",
        "zh-CN": "等待音乐类别 {name} 不存在",
    },
    "moh.default_kept": {
        "en": "the default class is never deleted: every queue without a class of its own plays it",
        "zh-CN": "默认类别不能删除：所有未指定类别的队列都播放它",
    },
    "moh.queue_class": {
        "en": "music-on-hold class {name} does not exist; upload it on the Music on hold page first",
        "zh-CN": "等待音乐类别 {name} 不存在；请先在“等待音乐”页面上传",
    },
    "inuse.moh_class": {"en": "music-on-hold class {name}", "zh-CN": "等待音乐类别 {name}"},
}


def register() -> None:
    """Add the catalog to telephony.messages; a key already there with other text is a bug."""
    for key, entry in CATALOG.items():
        existing = messages.CATALOG.get(key)
        if existing is not None and existing != entry:
            raise RuntimeError(f"message {key!r} is defined twice with different text")
        messages.CATALOG[key] = entry


register()

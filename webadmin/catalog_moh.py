"""UI strings of the music-on-hold page; the upload's refusals live with telephony.media.messages."""

from __future__ import annotations

CATALOG: dict[str, dict[str, str]] = {
    "nav.moh": {"en": "Music on hold", "zh-CN": "等待音乐"},
    "moh.title": {"en": "Music on hold", "zh-CN": "等待音乐"},
    "moh.intro": {
        "en": "Callers waiting in a queue hear its class's music, looped; all callers of a class share one "
        "player. Uploads are converted to the box's format (8 kHz mono) and their level evened out.",
        "zh-CN": "队列中等待的来电者循环收听该队列类别的音乐，同一类别的所有来电者共用一个播放器。"
        "上传的文件会转换为本机格式（8 kHz 单声道），并统一音量。",
    },
    "moh.class": {"en": "Class", "zh-CN": "类别"},
    "moh.length": {"en": "Length", "zh-CN": "时长"},
    "moh.size": {"en": "Size", "zh-CN": "大小"},
    "moh.modified": {"en": "Uploaded", "zh-CN": "上传时间"},
    "moh.queues": {"en": "Played by queues", "zh-CN": "使用的队列"},
    "moh.listen": {"en": "Listen", "zh-CN": "试听"},
    "moh.no_queue": {"en": "none", "zh-CN": "无"},
    "moh.builtin": {
        "en": "Built-in music, made by pbx-core at its first queue call. Upload a file as “default” to "
        "replace it.",
        "zh-CN": "内置音乐，由 pbx-core 在第一次排队来电时生成。以“default”为名上传文件即可替换。",
    },
    "moh.no_audio": {"en": "This browser cannot play WAV audio.", "zh-CN": "此浏览器无法播放 WAV 音频。"},
    "moh.replace": {"en": "Replace", "zh-CN": "替换"},
    "moh.upload_title": {"en": "Upload music", "zh-CN": "上传音乐"},
    "moh.class_name": {"en": "Class name", "zh-CN": "类别名称"},
    "moh.class_name_hint": {
        "en": "1 to 32 lowercase letters, digits, - or _. An existing class gets the new music.",
        "zh-CN": "1 到 32 个小写字母、数字、- 或 _。已有的类别将换成新音乐。",
    },
    "moh.file": {"en": "Audio file", "zh-CN": "音频文件"},
    "moh.file_hint": {
        "en": "{formats}; at most {size} MiB and {minutes} minutes. Converting takes a few seconds.",
        "zh-CN": "{formats}；最大 {size} MiB，最长 {minutes} 分钟。转换需要几秒钟。",
    },
    "moh.upload_submit": {"en": "Upload and convert", "zh-CN": "上传并转换"},
    "moh.no_file": {"en": "choose an audio file to upload", "zh-CN": "请选择要上传的音频文件"},
    "moh.uploaded": {
        "en": "Music on hold “{name}” saved ({length}).",
        "zh-CN": "等待音乐“{name}”已保存（{length}）。",
    },
    "moh.deleted": {"en": "Music on hold “{name}” deleted.", "zh-CN": "等待音乐“{name}”已删除。"},
    "moh.delete_title": {"en": "Delete music on hold “{name}”", "zh-CN": "删除等待音乐“{name}”"},
    "moh.delete_text": {
        "en": "The music is removed from the box. A class that queues play cannot be deleted.",
        "zh-CN": "该音乐将从设备中删除。正被队列使用的类别不能删除。",
    },
    "moh.delete_confirm": {"en": "Delete the music", "zh-CN": "删除音乐"},
    "moh.missing": {"en": "{name} (no music: plays the default)", "zh-CN": "{name}（无音乐：播放默认音乐）"},
}

"""UI strings of the call recording pages (search, playback, rules, retention) in zh-CN and English."""

from __future__ import annotations

CATALOG: dict[str, dict[str, str]] = {
    "nav.recordings": {"en": "Recordings", "zh-CN": "通话录音"},
    "recording.title": {"en": "Call recordings", "zh-CN": "通话录音"},
    "recording.intro": {
        "en": "Calls recorded by the rules or with *1 during a call. Times are in the box's local time.",
        "zh-CN": "按录音规则或通话中按 *1 录制的通话。时间为设备本地时间。",
    },
    "recording.rules_link": {"en": "Rules and retention", "zh-CN": "录音规则与保留策略"},
    "recording.low_space": {
        "en": "Recording is paused: only {free} MB are free on the disk, below the {reserve} MB reserve. "
        "Delete recordings or lower the quota.",
        "zh-CN": "录音已暂停：磁盘仅剩 {free} MB 可用空间，低于保留的 {reserve} MB。请删除录音或降低配额。",
    },
    "recording.core_unknown": {
        "en": "pbx-core is not reachable: the disk state is unknown.",
        "zh-CN": "无法连接 pbx-core：磁盘状态未知。",
    },
    "recording.usage": {
        "en": "{count} recordings, {used} MB; {free} MB free on the disk.",
        "zh-CN": "共 {count} 条录音，占用 {used} MB；磁盘可用 {free} MB。",
    },
    "recording.search": {"en": "Search", "zh-CN": "查询"},
    "recording.start": {"en": "From", "zh-CN": "开始时间"},
    "recording.end": {"en": "To", "zh-CN": "结束时间"},
    "recording.extension": {"en": "Extension", "zh-CN": "分机"},
    "recording.number": {"en": "Number", "zh-CN": "号码"},
    "recording.queue": {"en": "Queue", "zh-CN": "队列"},
    "recording.agent": {"en": "Agent", "zh-CN": "坐席"},
    "recording.min_duration": {"en": "Shortest (s)", "zh-CN": "最短（秒）"},
    "recording.max_duration": {"en": "Longest (s)", "zh-CN": "最长（秒）"},
    "recording.find": {"en": "Find", "zh-CN": "查询"},
    "recording.clear": {"en": "Clear", "zh-CN": "清除"},
    "recording.empty": {"en": "No recordings match.", "zh-CN": "没有符合条件的录音。"},
    "recording.when": {"en": "Started", "zh-CN": "开始时间"},
    "recording.caller": {"en": "Caller", "zh-CN": "主叫"},
    "recording.callee": {"en": "Called", "zh-CN": "被叫"},
    "recording.direction": {"en": "Direction", "zh-CN": "方向"},
    "recording.length": {"en": "Length", "zh-CN": "时长"},
    "recording.mode": {"en": "Channels", "zh-CN": "声道"},
    "recording.listen": {"en": "Listen", "zh-CN": "收听"},
    "recording.download": {"en": "Download", "zh-CN": "下载"},
    "recording.no_audio": {"en": "Your browser cannot play audio.", "zh-CN": "您的浏览器无法播放音频。"},
    "recording.state_recording": {"en": "recording", "zh-CN": "录音中"},
    "recording.state_done": {"en": "done", "zh-CN": "完成"},
    "recording.state_repaired": {"en": "repaired", "zh-CN": "已修复"},
    "recording.mode_mixed": {"en": "mixed", "zh-CN": "混音"},
    "recording.mode_stereo": {"en": "stereo", "zh-CN": "立体声分轨"},
    "recording.direction_internal": {"en": "internal", "zh-CN": "内部"},
    "recording.direction_inbound": {"en": "inbound", "zh-CN": "呼入"},
    "recording.direction_outbound": {"en": "outbound", "zh-CN": "呼出"},
    "recording.on_demand": {"en": "on demand", "zh-CN": "按需录音"},
    "recording.delete_title": {"en": "Delete recording {id}", "zh-CN": "删除录音 {id}"},
    "recording.delete_text": {
        "en": "The recording's file and its entry are deleted for good.",
        "zh-CN": "录音文件及其记录将被永久删除。",
    },
    "recording.delete_confirm": {"en": "Delete the recording", "zh-CN": "删除录音"},
    "recording.deleted": {"en": "Recording {id} deleted.", "zh-CN": "录音 {id} 已删除。"},
    # --- rules and retention
    "recording.rules_title": {"en": "Recording rules and retention", "zh-CN": "录音规则与保留策略"},
    "recording.rules_intro": {
        "en": "An answered call is recorded by the first enabled rule it matches. Either party can also "
        "press *1 during a call to start or stop recording it.",
        "zh-CN": "接通的通话按第一条匹配的已启用规则录音。通话双方也可在通话中按 *1 开始或停止录音。",
    },
    "recording.back": {"en": "Back to recordings", "zh-CN": "返回录音列表"},
    "recording.rule_kind": {"en": "Record", "zh-CN": "录音范围"},
    "recording.rule_value": {"en": "Which", "zh-CN": "对象"},
    "recording.rule_value_hint": {
        "en": "An extension number, a queue number, a trunk (fxo1, e1, e1/5 or a trunk group's name) "
        "or a direction (internal, inbound, outbound). Empty for all calls.",
        "zh-CN": "分机号码、队列号码、中继（fxo1、e1、e1/5 或中继组名称）或方向（internal、inbound、outbound）。"
        "全部通话时留空。",
    },
    "recording.rule_mode": {"en": "Channels", "zh-CN": "声道"},
    "recording.rule_announce": {"en": "Announce the recording", "zh-CN": "播放录音提示"},
    "recording.rule_enabled": {"en": "Enabled", "zh-CN": "启用"},
    "recording.rule_add": {"en": "Add rule", "zh-CN": "添加规则"},
    "recording.rule_none": {
        "en": "No rules: only *1 records calls.",
        "zh-CN": "没有规则：仅在按 *1 时录音。",
    },
    "recording.rule_created": {"en": "Recording rule added.", "zh-CN": "录音规则已添加。"},
    "recording.rule_deleted": {"en": "Recording rule deleted.", "zh-CN": "录音规则已删除。"},
    "recording.kind_all": {"en": "All calls", "zh-CN": "全部通话"},
    "recording.kind_extension": {"en": "Extension", "zh-CN": "分机"},
    "recording.kind_queue": {"en": "Queue", "zh-CN": "队列"},
    "recording.kind_trunk": {"en": "Trunk", "zh-CN": "中继"},
    "recording.kind_direction": {"en": "Direction", "zh-CN": "方向"},
    "recording.settings_title": {"en": "Retention and disk", "zh-CN": "保留策略与磁盘"},
    "recording.recording_retention_days": {
        "en": "Keep for (days, 0: forever)",
        "zh-CN": "保留天数（0：永久）",
    },
    "recording.recording_quota_mb": {
        "en": "Disk quota (MB, 0: none; oldest deleted first)",
        "zh-CN": "磁盘配额（MB，0：不限；先删除最早的）",
    },
    "recording.recording_reserve_mb": {
        "en": "Free space kept (MB; below it no recording starts)",
        "zh-CN": "保留可用空间（MB；低于此值不再开始录音）",
    },
    "recording.recording_announce_language": {"en": "Announcement language", "zh-CN": "录音提示语言"},
    "recording.language_default": {"en": "As the prompt language", "zh-CN": "与提示音语言相同"},
    "recording.recording_on_demand_mode": {"en": "*1 records in", "zh-CN": "*1 录音声道"},
    "recording.settings_saved": {"en": "Recording settings saved.", "zh-CN": "录音设置已保存。"},
    "recording.retention_run": {"en": "Apply retention now", "zh-CN": "立即执行保留策略"},
    "recording.retention_done": {
        "en": "Retention applied: {by_age} deleted for age, {by_quota} for the quota.",
        "zh-CN": "保留策略已执行：按天数删除 {by_age} 条，按配额删除 {by_quota} 条。",
    },
    "recording.retention_failed": {
        "en": "pbx-core could not apply retention: {reason}",
        "zh-CN": "pbx-core 无法执行保留策略：{reason}",
    },
    # --- errors
    "recording.err_time": {
        "en": "Not a date and time (YYYY-MM-DD HH:MM).",
        "zh-CN": "不是有效的日期时间（YYYY-MM-DD HH:MM）。",
    },
    "recording.err_duration": {"en": "Seconds, 0 or more.", "zh-CN": "请输入不小于 0 的秒数。"},
    "recording.err_duration_order": {
        "en": "The longest must not be shorter than the shortest.",
        "zh-CN": "最长时长不能小于最短时长。",
    },
    "recording.err_number": {
        "en": "Digits, *, # or + only (up to 32).",
        "zh-CN": "只能包含数字、*、# 或 +（最多 32 个）。",
    },
    "recording.err_in_progress": {
        "en": "This call is still being recorded.",
        "zh-CN": "该通话仍在录音中。",
    },
    "recording.err_value_missing": {"en": "Say which one.", "zh-CN": "请填写对象。"},
    "recording.err_no_extension": {
        "en": "No extension or analog phone has this number.",
        "zh-CN": "没有分机或模拟电话使用此号码。",
    },
    "recording.err_no_queue": {"en": "No queue has this number.", "zh-CN": "没有队列使用此号码。"},
    "recording.err_no_trunk": {
        "en": "Not a trunk: fxo1, e1, e1/5 or the name of a trunk group.",
        "zh-CN": "不是有效的中继：fxo1、e1、e1/5 或中继组名称。",
    },
    "recording.err_direction": {
        "en": "One of internal, inbound, outbound.",
        "zh-CN": "只能是 internal、inbound 或 outbound。",
    },
    "recording.err_kind": {"en": "Choose what to record.", "zh-CN": "请选择录音范围。"},
    "recording.err_mode": {"en": "Mixed or stereo.", "zh-CN": "只能是混音或立体声分轨。"},
    "recording.err_whole_number": {"en": "A whole number.", "zh-CN": "请输入整数。"},
    "recording.err_range": {"en": "Out of range.", "zh-CN": "超出允许范围。"},
    "recording.err_language": {"en": "Not a prompt language.", "zh-CN": "不是可用的提示语言。"},
}

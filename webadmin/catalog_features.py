"""UI strings of the routing-feature pages (per-extension features, ring groups, caller lists,
speed dials) in zh-CN and English."""

from __future__ import annotations

CATALOG: dict[str, dict[str, str]] = {
    "nav.features": {"en": "Call features", "zh-CN": "呼叫功能"},
    "features.title": {"en": "Call features", "zh-CN": "呼叫功能"},
    "features.intro": {
        "en": "Phones set these too: *78/*79 do not disturb, *72/*73 forward always, *74/*75 when busy, "
        "*52/*53 when not answered, *21/*22 follow me, *0NN speed dials, *11<extension>*<PIN> hot-desk "
        "login and *12 logout.",
        "zh-CN": "电话上也可设置：*78/*79 免打扰，*72/*73 无条件转移，*74/*75 遇忙转移，*52/*53 无应答转移，"
        "*21/*22 跟随，*0NN 快速拨号，*11<分机>*<密码> 热座登录，*12 退出。",
    },
    "features.extensions": {"en": "Extensions", "zh-CN": "分机"},
    "features.no_extensions": {
        "en": "No extensions or analog phones yet.",
        "zh-CN": "还没有分机或模拟电话。",
    },
    "features.number": {"en": "Number", "zh-CN": "号码"},
    "features.forwards": {"en": "Forwards", "zh-CN": "呼叫转移"},
    "features.hotdesk": {"en": "Logged in at", "zh-CN": "热座登录于"},
    "features.extension_title": {"en": "Call features of {number}", "zh-CN": "{number} 的呼叫功能"},
    "features.extension_saved": {
        "en": "Call features of {number} saved.",
        "zh-CN": "{number} 的呼叫功能已保存。",
    },
    "features.pin_set": {
        "en": "A hot-desk PIN is set; leave empty to keep it.",
        "zh-CN": "已设置热座密码；留空则保持不变。",
    },
    "features.pin_none": {
        "en": "No hot-desk PIN: this extension cannot log in at other phones until one is set.",
        "zh-CN": "未设置热座密码：设置之前此分机无法在其他电话上登录。",
    },
    "features.ringgroups": {"en": "Ring groups", "zh-CN": "振铃组"},
    "features.ringgroups_new": {"en": "New ring group", "zh-CN": "新建振铃组"},
    "features.ringgroups_edit": {"en": "Ring group {name}", "zh-CN": "振铃组 {name}"},
    "features.ringgroups_empty": {"en": "No ring groups yet.", "zh-CN": "还没有振铃组。"},
    "features.ringgroups_delete_text": {
        "en": "Callers dialing this number will no longer ring the group.",
        "zh-CN": "拨打此号码的来电将不再振铃该组。",
    },
    "features.callerlists": {"en": "Blacklists and whitelists", "zh-CN": "黑名单和白名单"},
    "features.callerlists_new": {"en": "New list", "zh-CN": "新建名单"},
    "features.callerlists_edit": {"en": "List {name}", "zh-CN": "名单 {name}"},
    "features.callerlists_empty": {"en": "No caller lists yet.", "zh-CN": "还没有名单。"},
    "features.callerlists_delete_text": {
        "en": "Its callers will be let through again.",
        "zh-CN": "名单中的来电将不再被拦截或限制。",
    },
    "features.speeddials": {"en": "Speed dials", "zh-CN": "快速拨号"},
    "features.speeddials_new": {"en": "New speed dial", "zh-CN": "新建快速拨号"},
    "features.speeddials_edit": {"en": "Speed dial *0{name}", "zh-CN": "快速拨号 *0{name}"},
    "features.speeddials_empty": {"en": "No speed dials yet.", "zh-CN": "还没有快速拨号。"},
    "features.speeddials_delete_text": {
        "en": "Phones dialing this code will hear that it does not exist.",
        "zh-CN": "拨打此代码的电话将听到该代码不存在。",
    },
    "features.saved": {"en": "{name} saved.", "zh-CN": "{name} 已保存。"},
    "features.deleted": {"en": "{name} deleted.", "zh-CN": "{name} 已删除。"},
    "features.delete_title": {"en": "Delete {name}?", "zh-CN": "删除 {name}？"},
    "features.delete_confirm": {"en": "Delete", "zh-CN": "删除"},
    # fields
    "features.f.dnd": {"en": "Do not disturb", "zh-CN": "免打扰"},
    "features.f.forward_always": {"en": "Forward always to", "zh-CN": "无条件转移到"},
    "features.f.forward_busy": {"en": "Forward when busy to", "zh-CN": "遇忙转移到"},
    "features.f.forward_no_answer": {"en": "Forward when not answered to", "zh-CN": "无应答转移到"},
    "features.f.followme_enabled": {"en": "Follow me", "zh-CN": "跟随"},
    "features.f.followme_numbers": {"en": "Follow-me numbers", "zh-CN": "跟随号码"},
    "features.f.followme_mode": {"en": "Follow-me order", "zh-CN": "跟随方式"},
    "features.f.followme_ring_seconds": {"en": "Ring each for (seconds)", "zh-CN": "每次振铃秒数"},
    "features.f.hotdesk_pin": {"en": "Hot-desk PIN", "zh-CN": "热座密码"},
    "features.f.clear_pin": {"en": "Remove the hot-desk PIN", "zh-CN": "清除热座密码"},
    "features.f.number": {"en": "Number", "zh-CN": "号码"},
    "features.f.name": {"en": "Name", "zh-CN": "名称"},
    "features.f.strategy": {"en": "Ringing", "zh-CN": "振铃方式"},
    "features.f.members": {"en": "Members", "zh-CN": "成员"},
    "features.f.ring_seconds": {"en": "Ring time (seconds)", "zh-CN": "振铃秒数"},
    "features.f.fallback": {"en": "When nobody answers, go to", "zh-CN": "无人接听时转到"},
    "features.f.kind": {"en": "Kind", "zh-CN": "类型"},
    "features.f.scope": {"en": "Applies to", "zh-CN": "适用于"},
    "features.f.numbers": {"en": "Caller numbers", "zh-CN": "来电号码"},
    "features.f.treatment": {"en": "Treatment", "zh-CN": "处理方式"},
    "features.f.target": {"en": "Mailbox or number", "zh-CN": "信箱或号码"},
    "features.f.message": {"en": "Message spoken", "zh-CN": "播放的提示"},
    "features.f.enabled": {"en": "Enabled", "zh-CN": "启用"},
    "features.f.code": {"en": "Code (after *0)", "zh-CN": "代码（*0 之后）"},
    "features.f.label": {"en": "Label", "zh-CN": "说明"},
    # hints
    "features.h.forward_always": {
        "en": "An extension or an outside number this extension may dial; empty: off.",
        "zh-CN": "分机或本分机可拨打的外线号码；留空表示关闭。",
    },
    "features.h.followme_numbers": {
        "en": "Up to 3 numbers, comma-separated; they hear “press 1 to accept” first.",
        "zh-CN": "最多 3 个号码，用逗号分隔；接听方需先按 1 接受。",
    },
    "features.h.members": {
        "en": "Extension or analog phone numbers, one per line, in hunt order.",
        "zh-CN": "分机或模拟电话号码，每行一个，按顺序振铃时依此顺序。",
    },
    "features.h.ring_seconds": {
        "en": "Ring all: in all; one after another: per member.",
        "zh-CN": "同时振铃：总时长；顺序振铃：每个成员的时长。",
    },
    "features.h.scope": {
        "en": "Empty: every call; an extension, analog phone or ring group number; or a trunk (fxo1, e1).",
        "zh-CN": "留空：所有来电；或分机、模拟电话、振铃组号码；或中继（fxo1、e1）。",
    },
    "features.h.numbers": {
        "en": "One per line; end with * for a prefix (010*).",
        "zh-CN": "每行一个；以 * 结尾表示前缀（010*）。",
    },
    "features.h.kind": {
        "en": "Blacklist: listed callers get the treatment. Whitelist: everyone not listed gets it.",
        "zh-CN": "黑名单：名单中的来电受此处理。白名单：名单以外的来电受此处理。",
    },
    # choices
    "features.c.sequence": {"en": "one after another", "zh-CN": "依次"},
    "features.c.together": {"en": "all together", "zh-CN": "同时"},
    "features.c.ringall": {"en": "Ring all", "zh-CN": "同时振铃"},
    "features.c.hunt": {"en": "One after another", "zh-CN": "顺序振铃"},
    "features.c.block": {"en": "Blacklist", "zh-CN": "黑名单"},
    "features.c.allow": {"en": "Whitelist", "zh-CN": "白名单"},
    "features.c.hangup": {"en": "Hang up", "zh-CN": "挂断"},
    "features.c.busy": {"en": "Busy", "zh-CN": "忙音"},
    "features.c.message": {"en": "Play a message", "zh-CN": "播放提示"},
    "features.c.voicemail": {"en": "Voicemail", "zh-CN": "语音信箱"},
    "features.c.number": {"en": "Send to a number", "zh-CN": "转到号码"},
    # errors
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

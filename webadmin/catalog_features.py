"""UI strings of the routing-feature pages (per-extension features, ring groups, caller lists,
speed dials) in zh-CN and English."""

from __future__ import annotations

from telephony.features.messages import CATALOG as ERRORS

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
    "features.hotdesk_logout": {"en": "Log out", "zh-CN": "退出登录"},
    "features.hotdesk_logged_out": {
        "en": "Extension {number} logged out of phone {phone}.",
        "zh-CN": "分机 {number} 已从电话 {phone} 退出。",
    },
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
}
# The refusals are the domain's (the configuration document names them too).
CATALOG.update(ERRORS)

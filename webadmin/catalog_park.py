"""UI strings of the everyday-feature pages (park, pickup groups, paging groups, recent calls) in zh-CN and English."""

from __future__ import annotations

CATALOG: dict[str, dict[str, str]] = {
    "nav.park": {"en": "Park & pickup", "zh-CN": "停泊与代接"},
    "nav.paging": {"en": "Paging", "zh-CN": "广播寻呼"},
    "nav.recent": {"en": "Recent calls", "zh-CN": "最近通话"},
    # park settings
    "park.title": {"en": "Call park", "zh-CN": "呼叫停泊"},
    "park.intro": {
        "en": "During a call press *3 (or transfer to the park number) to park the other party; the slot "
        "number is spoken. Dial the slot to take the call. *8 picks up a call ringing your pickup "
        "group, **<number> a call ringing that phone, *80<extension> is intercom, *69 calls back.",
        "zh-CN": "通话中按 *3（或转接到停泊号码）即可停泊对方，系统播报停泊位号码；拨打停泊位号码即可接回。"
        "*8 代接本代接组内正在振铃的来电，**<号码> 代接该电话的来电，*80<分机> 为对讲，*69 回拨最后来电。",
    },
    "park.lot": {"en": "Park number", "zh-CN": "停泊号码"},
    "park.first": {"en": "First slot", "zh-CN": "首个停泊位"},
    "park.last": {"en": "Last slot", "zh-CN": "最后停泊位"},
    "park.timeout": {"en": "Ring back after (seconds)", "zh-CN": "回铃前等待（秒）"},
    "park.fallback": {"en": "Fallback when the parker does not answer", "zh-CN": "停泊人未接时转给"},
    "park.fallback_hint": {
        "en": "An extension or analog phone number (the operator); empty: hang up.",
        "zh-CN": "分机或模拟电话号码（总机）；留空则挂断。",
    },
    "park.saved": {"en": "Park settings saved.", "zh-CN": "停泊设置已保存。"},
    "park.slots": {"en": "Parked calls", "zh-CN": "已停泊的通话"},
    "park.slot": {"en": "Slot", "zh-CN": "停泊位"},
    "park.caller": {"en": "Parked party", "zh-CN": "被停泊方"},
    "park.parker": {"en": "Parked by", "zh-CN": "停泊人"},
    "park.since": {"en": "Since", "zh-CN": "开始时间"},
    "park.no_slots": {"en": "No call is parked.", "zh-CN": "没有停泊的通话。"},
    # pickup groups
    "pickup.title": {"en": "Pickup groups", "zh-CN": "代接组"},
    "pickup.intro": {
        "en": "A member presses *8 to answer a call ringing any other member of its groups.",
        "zh-CN": "组员按 *8 可代接本组其他成员正在振铃的来电。",
    },
    "pickup.new": {"en": "New pickup group", "zh-CN": "新建代接组"},
    "pickup.edit_title": {"en": "Pickup group {name}", "zh-CN": "代接组 {name}"},
    "pickup.empty": {"en": "No pickup groups yet.", "zh-CN": "还没有代接组。"},
    "pickup.name": {"en": "Name", "zh-CN": "名称"},
    "pickup.members": {"en": "Members", "zh-CN": "成员"},
    "pickup.members_hint": {
        "en": "Extensions and analog phone numbers, separated by commas.",
        "zh-CN": "分机号和模拟电话号码，用逗号分隔。",
    },
    "pickup.created": {"en": "Pickup group {name} created.", "zh-CN": "代接组 {name} 已创建。"},
    "pickup.saved": {"en": "Pickup group {name} saved.", "zh-CN": "代接组 {name} 已保存。"},
    "pickup.deleted": {"en": "Pickup group {name} deleted.", "zh-CN": "代接组 {name} 已删除。"},
    "pickup.delete_title": {"en": "Delete pickup group {name}?", "zh-CN": "删除代接组 {name}？"},
    "pickup.delete_text": {
        "en": "Its members can no longer pick up each other's calls with *8.",
        "zh-CN": "删除后组员将不能再用 *8 互相代接。",
    },
    "pickup.delete_confirm": {"en": "Delete the group", "zh-CN": "删除代接组"},
    # paging groups
    "paging.title": {"en": "Paging groups", "zh-CN": "广播寻呼组"},
    "paging.intro": {
        "en": "Dialing a paging group's number makes every member phone answer by itself and play the "
        "caller's voice (one way). Intercom to one phone: *80<extension>.",
        "zh-CN": "拨打寻呼组号码后，所有成员话机自动应答并播放呼叫者的声音（单向）。对单部话机对讲：*80<分机>。",
    },
    "paging.new": {"en": "New paging group", "zh-CN": "新建寻呼组"},
    "paging.edit_title": {"en": "Paging group {number}", "zh-CN": "寻呼组 {number}"},
    "paging.empty": {"en": "No paging groups yet.", "zh-CN": "还没有寻呼组。"},
    "paging.number": {"en": "Number", "zh-CN": "号码"},
    "paging.name": {"en": "Name", "zh-CN": "名称"},
    "paging.members": {"en": "Member extensions", "zh-CN": "成员分机"},
    "paging.members_hint": {
        "en": "SIP extensions, separated by commas (analog phones cannot answer by themselves).",
        "zh-CN": "SIP 分机号，用逗号分隔（模拟电话无法自动应答）。",
    },
    "paging.created": {"en": "Paging group {number} created.", "zh-CN": "寻呼组 {number} 已创建。"},
    "paging.saved": {"en": "Paging group {number} saved.", "zh-CN": "寻呼组 {number} 已保存。"},
    "paging.deleted": {"en": "Paging group {number} deleted.", "zh-CN": "寻呼组 {number} 已删除。"},
    "paging.delete_title": {"en": "Delete paging group {number}?", "zh-CN": "删除寻呼组 {number}？"},
    "paging.delete_text": {
        "en": "Its number will no longer page anyone.",
        "zh-CN": "删除后拨打该号码将不再寻呼任何人。",
    },
    "paging.delete_confirm": {"en": "Delete the group", "zh-CN": "删除寻呼组"},
    # recent calls
    "recent.title": {"en": "Recent calls", "zh-CN": "最近通话"},
    "recent.title_of": {"en": "Recent calls of {number}", "zh-CN": "{number} 的最近通话"},
    "recent.intro": {
        "en": "The last calls of one phone, from the call records. *69 on the phone calls back the last caller.",
        "zh-CN": "某部电话的最近通话，来自通话记录。在话机上拨 *69 可回拨最后一个来电。",
    },
    "recent.phone": {"en": "Extension or analog phone", "zh-CN": "分机或模拟电话"},
    "recent.show": {"en": "Show", "zh-CN": "查看"},
    "recent.kind": {"en": "Type", "zh-CN": "类型"},
    "recent.kind.missed": {"en": "Missed", "zh-CN": "未接"},
    "recent.kind.received": {"en": "Received", "zh-CN": "已接"},
    "recent.kind.dialed": {"en": "Dialed", "zh-CN": "已拨"},
    "recent.number": {"en": "Number", "zh-CN": "号码"},
    "recent.name": {"en": "Name", "zh-CN": "名称"},
    "recent.time": {"en": "Time", "zh-CN": "时间"},
    "recent.seconds": {"en": "Talk time (s)", "zh-CN": "通话时长（秒）"},
    "recent.none": {"en": "No calls yet.", "zh-CN": "还没有通话。"},
    "recent.unknown": {
        "en": "{number} is not an extension or analog phone number.",
        "zh-CN": "{number} 不是分机或模拟电话号码。",
    },
    "recent.no_extension": {
        "en": "Your agent has no default extension: ask an administrator to set one.",
        "zh-CN": "您的座席没有默认分机，请联系管理员设置。",
    },
    # refusals
    "park.err_number": {"en": "Use 2 to 8 digits.", "zh-CN": "请输入 2 到 8 位数字。"},
    "park.err_taken": {
        "en": "{number} is already dialed for something else (extension, port, queue, IVR, room or group).",
        "zh-CN": "{number} 已被占用（分机、端口、队列、语音导航、会议室或寻呼组）。",
    },
    "park.err_range": {
        "en": "The last slot must not be below the first, and at most {max} slots.",
        "zh-CN": "最后停泊位不能小于首个停泊位，且最多 {max} 个停泊位。",
    },
    "park.err_lot_in_range": {
        "en": "The park number must not be one of the slots.",
        "zh-CN": "停泊号码不能是停泊位之一。",
    },
    "park.err_range_taken": {
        "en": "These slot numbers are already taken: {numbers}.",
        "zh-CN": "以下停泊位号码已被占用：{numbers}。",
    },
    "park.err_timeout": {
        "en": "Use a whole number of seconds from {min} to {max}.",
        "zh-CN": "请输入 {min} 到 {max} 之间的整数秒数。",
    },
    "park.err_not_phone": {
        "en": "Not an extension or analog phone number: {numbers}.",
        "zh-CN": "不是分机或模拟电话号码：{numbers}。",
    },
    "park.err_not_extension": {
        "en": "Not a SIP extension: {numbers}.",
        "zh-CN": "不是 SIP 分机：{numbers}。",
    },
    "park.err_members_empty": {"en": "Name at least one member.", "zh-CN": "请至少填写一个成员。"},
    "park.err_members_many": {"en": "At most {max} members.", "zh-CN": "最多 {max} 个成员。"},
    "park.err_name": {"en": "Use 1 to 64 characters.", "zh-CN": "请输入 1 到 64 个字符。"},
    "park.err_name_taken": {"en": "A group named {name} exists already.", "zh-CN": "已有名为 {name} 的组。"},
}

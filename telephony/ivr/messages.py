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
    "ivr.problem.at_node": {"en": "node '{node}': {problem}", "zh-CN": "节点“{node}”：{problem}"},
    "ivr.problem.entry": {"en": "entry node '{entry}' does not exist", "zh-CN": "入口节点“{entry}”不存在"},
    "ivr.problem.unreachable": {
        "en": "node '{node}' is unreachable from '{entry}'",
        "zh-CN": "从“{entry}”无法到达节点“{node}”",
    },
    "ivr.problem.loop": {"en": "loop without input: {path}", "zh-CN": "无按键输入的循环：{path}"},
    "ivr.problem.kind": {
        "en": "unknown kind '{kind}' (use {kinds})",
        "zh-CN": "未知类型“{kind}”（可用：{kinds}）",
    },
    "ivr.problem.dangling": {
        "en": "branch '{outcome}' goes to missing node '{target}'",
        "zh-CN": "分支“{outcome}”指向不存在的节点“{target}”",
    },
    "ivr.problem.menu_keys": {"en": "menu has no key to press", "zh-CN": "菜单没有可按的键"},
    "ivr.problem.variable": {
        "en": "collect has no variable to store the digits in",
        "zh-CN": "收号节点没有保存号码的变量",
    },
    "ivr.problem.min_max": {"en": "min is larger than max", "zh-CN": "min 大于 max"},
    "ivr.problem.collect_next": {"en": "collect has no 'next' node", "zh-CN": "收号节点没有“next”节点"},
    "ivr.problem.open_closed": {
        "en": "time condition needs both an 'open' and a 'closed' node",
        "zh-CN": "时间条件需要“open”和“closed”两个节点",
    },
    "ivr.problem.url": {"en": "url {url} is not an http(s) URL", "zh-CN": "url {url} 不是 http(s) 地址"},
    "ivr.problem.method": {"en": "method must be GET or POST", "zh-CN": "method 必须是 GET 或 POST"},
    "ivr.problem.say_as": {
        "en": "say_as must be one of {modes} (got {value})",
        "zh-CN": "say_as 必须是 {modes} 之一（现为 {value}）",
    },
    "ivr.problem.say_as_without_say": {
        "en": "say_as needs say (the returned field to speak)",
        "zh-CN": "say_as 需要 say（要读出的返回字段）",
    },
    "ivr.problem.fallback": {
        "en": "http lookup has no 'fallback' node (taken on timeout or error)",
        "zh-CN": "HTTP 查询没有“fallback”节点（超时或出错时使用）",
    },
    "ivr.problem.language": {
        "en": "language {value} is not one of {languages}",
        "zh-CN": "语言 {value} 不在 {languages} 之中",
    },
    "ivr.problem.set_nothing": {
        "en": "set changes nothing (give priority or language)",
        "zh-CN": "设置节点没有改变任何内容（请给出 priority 或 language）",
    },
    "ivr.problem.prompt": {
        "en": "missing prompt (give text or an uploaded file)",
        "zh-CN": "缺少提示音（请给出文字或上传的文件）",
    },
    "ivr.problem.prompt_outside": {
        "en": "prompt file {name} is outside the prompt folder",
        "zh-CN": "提示音文件 {name} 不在提示音目录中",
    },
    "ivr.problem.prompt_file": {"en": "missing prompt file {name}", "zh-CN": "缺少提示音文件 {name}"},
    "ivr.problem.positive": {"en": "{field} must be more than 0", "zh-CN": "{field} 必须大于 0"},
    "ivr.problem.number": {"en": "{field} {value} is not a number", "zh-CN": "{field} {value} 不是数字"},
    "ivr.problem.integer": {
        "en": "{field} {value} is not a whole number",
        "zh-CN": "{field} {value} 不是整数",
    },
    "ivr.problem.negative": {"en": "{field} must not be negative", "zh-CN": "{field} 不能为负数"},
    "ivr.problem.hours": {
        "en": "hours must map weekdays (mon..sun) to HH:MM-HH:MM ranges",
        "zh-CN": "hours 必须是星期（mon..sun）到 HH:MM-HH:MM 时间段的映射",
    },
    "ivr.problem.hours_format": {"en": "{part} is not HH:MM-HH:MM", "zh-CN": "{part} 不是 HH:MM-HH:MM"},
    "ivr.problem.hours_order": {"en": "{part} ends before it starts", "zh-CN": "{part} 的结束早于开始"},
    "ivr.problem.weekday": {
        "en": "'{day}' is not a weekday (use {days})",
        "zh-CN": "“{day}”不是星期（可用：{days}）",
    },
    "ivr.problem.hours_on": {"en": "hours on {day}: {problem}", "zh-CN": "{day} 的营业时间：{problem}"},
    "ivr.problem.holiday": {
        "en": "holiday {day} is not a date (YYYY-MM-DD)",
        "zh-CN": "节假日 {day} 不是日期（YYYY-MM-DD）",
    },
    "ivr.problem.override": {
        "en": "override must be auto, day or night",
        "zh-CN": "override 必须是 auto、day 或 night",
    },
    "ivr.problem.goto_target": {
        "en": "goto target {target} is not one of {targets}",
        "zh-CN": "转到目标 {target} 不在 {targets} 之中",
    },
    "ivr.problem.goto_number": {"en": "goto {target} has no number", "zh-CN": "转到 {target} 没有号码"},
    "ivr.problem.goto_missing": {
        "en": "goto {target} {number} does not exist",
        "zh-CN": "转到的 {target} {number} 不存在",
    },
    "config.ivr.invalid": {
        "en": "the flow cannot be active: {problems}",
        "zh-CN": "流程不能启用：{problems}",
    },
    "config.ivr.node_twice": {"en": "node {key} is listed twice", "zh-CN": "节点 {key} 重复出现"},
}

for _key, _entry in CATALOG.items():
    messages.CATALOG.setdefault(_key, _entry)

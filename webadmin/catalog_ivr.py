"""UI strings of the IVR pages (flows, their tree of nodes, validation and activation)."""

from __future__ import annotations

CATALOG: dict[str, dict[str, str]] = {
    "nav.ivr": {"en": "IVR", "zh-CN": "语音导航"},
    "ivr.title": {"en": "IVR flows", "zh-CN": "语音导航流程"},
    "ivr.intro": {
        "en": "Callers who dial a flow's number walk its nodes by pressing keys. A flow is checked before "
        "it is activated; an invalid flow is never activated.",
        "zh-CN": "拨打流程号码的来电者按键逐级选择节点。流程在启用前会被检查，无效的流程不会被启用。",
    },
    "ivr.new": {"en": "New flow", "zh-CN": "新建流程"},
    "ivr.empty": {"en": "No IVR flow yet.", "zh-CN": "还没有语音导航流程。"},
    "ivr.number": {"en": "Number", "zh-CN": "号码"},
    "ivr.number_hint": {
        "en": "2 to 16 digits callers dial; not an extension, port or queue number.",
        "zh-CN": "来电者拨打的 2 到 16 位号码，不能与分机、端口或队列号码相同。",
    },
    "ivr.name": {"en": "Name", "zh-CN": "名称"},
    "ivr.name_hint": {"en": "Shown in this admin only.", "zh-CN": "仅在管理界面中显示。"},
    "ivr.entry": {"en": "Entry node", "zh-CN": "入口节点"},
    "ivr.entry_hint": {
        "en": "The key of the node callers start at.",
        "zh-CN": "来电者开始时所在节点的标识。",
    },
    "ivr.language": {"en": "Language", "zh-CN": "语言"},
    "ivr.state": {"en": "State", "zh-CN": "状态"},
    "ivr.active": {"en": "Active", "zh-CN": "已启用"},
    "ivr.inactive": {"en": "Inactive", "zh-CN": "未启用"},
    "ivr.open": {"en": "Open", "zh-CN": "打开"},
    "ivr.new_title": {"en": "New IVR flow", "zh-CN": "新建语音导航流程"},
    "ivr.edit_title": {"en": "IVR {number}: settings", "zh-CN": "语音导航 {number}：设置"},
    "ivr.flow_title": {"en": "IVR {number} · {name}", "zh-CN": "语音导航 {number} · {name}"},
    "ivr.settings": {"en": "Settings", "zh-CN": "设置"},
    "ivr.activate": {"en": "Validate and activate", "zh-CN": "检查并启用"},
    "ivr.deactivate": {"en": "Deactivate", "zh-CN": "停用"},
    "ivr.validation": {"en": "Validation", "zh-CN": "检查结果"},
    "ivr.valid": {"en": "No problems: the flow can be activated.", "zh-CN": "没有问题，流程可以启用。"},
    "ivr.problems": {
        "en": "{count} problems: the flow cannot be activated.",
        "zh-CN": "发现 {count} 个问题，流程不能启用。",
    },
    "ivr.edit_refused": {
        "en": "Not saved: the active flow would have these problems.",
        "zh-CN": "未保存：已启用的流程将出现以下问题。",
    },
    "ivr.tree": {"en": "Nodes from the entry", "zh-CN": "从入口开始的节点"},
    "ivr.missing_node": {"en": "does not exist", "zh-CN": "不存在"},
    "ivr.create_it": {"en": "Create it", "zh-CN": "创建"},
    "ivr.see_above": {"en": "see above", "zh-CN": "见上文"},
    "ivr.unreachable": {"en": "Unreachable nodes", "zh-CN": "无法到达的节点"},
    "ivr.node_new": {"en": "Add node", "zh-CN": "添加节点"},
    "ivr.node_new_title": {"en": "New node", "zh-CN": "新建节点"},
    "ivr.node_edit_title": {"en": "Node {node}", "zh-CN": "节点 {node}"},
    "ivr.node_delete": {"en": "Delete this node", "zh-CN": "删除此节点"},
    "ivr.key": {"en": "Key", "zh-CN": "标识"},
    "ivr.key_hint": {
        "en": "1 to 32 letters, digits, - or _; branches name nodes by their key.",
        "zh-CN": "1 到 32 个字母、数字、- 或 _；分支通过标识指向节点。",
    },
    "ivr.kind": {"en": "Kind", "zh-CN": "类型"},
    "ivr.kind.play": {"en": "Play a prompt", "zh-CN": "播放提示音"},
    "ivr.kind.menu": {"en": "Menu", "zh-CN": "按键菜单"},
    "ivr.kind.collect": {"en": "Collect digits", "zh-CN": "收号"},
    "ivr.kind.time": {"en": "Time condition", "zh-CN": "时间条件"},
    "ivr.kind.http": {"en": "HTTP lookup", "zh-CN": "HTTP 查询"},
    "ivr.kind.set": {"en": "Set priority / language", "zh-CN": "设置优先级/语言"},
    "ivr.kind.goto": {"en": "Go to", "zh-CN": "转到"},
    "ivr.params": {"en": "Parameters (JSON)", "zh-CN": "参数（JSON）"},
    "ivr.params_hint": {
        "en": "A JSON object. play/menu/collect: text or file, timeout, retries (menu), variable, min, max, "
        "terminator (collect); time: hours by weekday (mon: 09:00-18:00), holidays, override (auto, day, "
        "night); http: url, method, timeout, field, say, say_text, say_as (text, digits, number, amount); "
        "set: priority, language; goto: target "
        "(queue, extension, ivr, voicemail, hangup) and number.",
        "zh-CN": "JSON 对象。播放/菜单/收号：text 或 file、timeout、retries（菜单）、variable、min、max、"
        "terminator（收号）；时间条件：按星期的 hours（mon: 09:00-18:00）、holidays、override（auto、day、"
        "night）；HTTP 查询：url、method、timeout、field、say、say_text、say_as（text、digits、number、amount：按文字、"
        "逐位数字、数值或金额读出）；设置：priority、language；"
        "转到：target（queue、extension、ivr、voicemail、hangup）和 number。",
    },
    "ivr.branches": {"en": "Branches (JSON)", "zh-CN": "分支（JSON）"},
    "ivr.branches_hint": {
        "en": "A JSON object from outcome to node key: a key pressed (1) or invalid, timeout (menu); next; "
        "open, closed, holiday (time); a returned value, default, fallback (http).",
        "zh-CN": "由结果到节点标识的 JSON 对象：按键（1）或 invalid、timeout（菜单）；next；open、closed、"
        "holiday（时间条件）；返回值、default、fallback（HTTP 查询）。",
    },
    "ivr.saved": {"en": "IVR {number} saved.", "zh-CN": "语音导航 {number} 已保存。"},
    "ivr.activated": {"en": "IVR {number} is active.", "zh-CN": "语音导航 {number} 已启用。"},
    "ivr.deactivated": {"en": "IVR {number} is inactive.", "zh-CN": "语音导航 {number} 已停用。"},
    "ivr.deleted": {"en": "IVR {number} deleted.", "zh-CN": "语音导航 {number} 已删除。"},
    "ivr.node_saved": {"en": "Node {node} saved.", "zh-CN": "节点 {node} 已保存。"},
    "ivr.node_deleted": {"en": "Node {node} deleted.", "zh-CN": "节点 {node} 已删除。"},
    "ivr.delete_title": {"en": "Delete IVR {number}", "zh-CN": "删除语音导航 {number}"},
    "ivr.delete_text": {
        "en": "The flow and all its nodes are deleted; its number is no longer answered.",
        "zh-CN": "流程及其所有节点将被删除，该号码将不再应答。",
    },
    "ivr.delete_confirm": {"en": "Delete the flow", "zh-CN": "删除流程"},
    "ivr.override": {"en": "Day/night switch", "zh-CN": "日/夜切换"},
    "ivr.override.auto": {"en": "by business hours", "zh-CN": "按营业时间"},
    "ivr.override.day": {"en": "day (always open)", "zh-CN": "日间（始终营业）"},
    "ivr.override.night": {"en": "night (always closed)", "zh-CN": "夜间（始终下班）"},
    "ivr.override_apply": {"en": "Apply", "zh-CN": "应用"},
    "ivr.override_set": {"en": "Node {node}: {mode}.", "zh-CN": "节点 {node}：{mode}。"},
    "ivr.err.override": {"en": "choose auto, day or night", "zh-CN": "请选择自动、日间或夜间"},
    "ivr.prompts_title": {"en": "Uploaded prompts", "zh-CN": "上传的提示音"},
    "ivr.prompts_intro": {
        "en": "A node plays an uploaded prompt with its file name (file: welcome.wav). Uploads are converted "
        "to the box's format (8 kHz mono) and their level evened out. A prompt a node plays is not deleted.",
        "zh-CN": "节点通过文件名播放上传的提示音（file: welcome.wav）。上传的文件会转换为本机格式"
        "（8 kHz 单声道）并统一音量。正被节点使用的提示音不能删除。",
    },
    "ivr.prompts_empty": {"en": "No prompt uploaded yet.", "zh-CN": "还没有上传提示音。"},
    "ivr.prompt_file": {"en": "File name for nodes", "zh-CN": "节点使用的文件名"},
    "ivr.prompt_users": {"en": "Played by", "zh-CN": "使用的节点"},
    "ivr.prompt_name": {"en": "Prompt name", "zh-CN": "提示音名称"},
    "ivr.prompt_name_hint": {
        "en": "1 to 32 lowercase letters, digits, - or _. An existing prompt is replaced.",
        "zh-CN": "1 到 32 个小写字母、数字、- 或 _。同名提示音将被替换。",
    },
    "ivr.prompt_audio_file": {"en": "Audio file ({formats})", "zh-CN": "音频文件（{formats}）"},
    "ivr.prompt_upload": {"en": "Upload and convert", "zh-CN": "上传并转换"},
    "ivr.prompt_uploaded": {
        "en": "Prompt {name} saved as {file}.",
        "zh-CN": "提示音 {name} 已保存为 {file}。",
    },
    "ivr.prompt_deleted": {"en": "Prompt {name} deleted.", "zh-CN": "提示音 {name} 已删除。"},
    "ivr.sets_title": {"en": "Recorded number words", "zh-CN": "录制的数字读音"},
    "ivr.sets_intro": {
        "en": "Numbers, digits and amounts (an HTTP node's say_as) are spoken from these recordings, one file "
        "per word, when every word of the value is recorded in the call's language; otherwise by text-to-speech.",
        "zh-CN": "数字、号码和金额（HTTP 查询节点的 say_as）在所需的每个字都已录制时，按通话语言用这些录音逐字拼接"
        "播放，否则使用语音合成。",
    },
    "ivr.set_language_en": {"en": "English", "zh-CN": "英语"},
    "ivr.set_language_zh_CN": {"en": "Chinese", "zh-CN": "中文"},
    "ivr.set_count": {"en": "{done} of {total} recorded", "zh-CN": "已录制 {done}/{total}"},
    "ivr.set_word": {"en": "Word", "zh-CN": "字词"},
    "ivr.set_missing": {"en": "Not recorded yet:", "zh-CN": "尚未录制："},
    "ivr.set_err_word": {
        "en": "{word} is not a word of a prompt set; choose one from the list",
        "zh-CN": "{word} 不是读音集中的字词；请从列表中选择",
    },
    "ivr.set_uploaded": {
        "en": "Word {word} ({set}) recorded.",
        "zh-CN": "字词 {word}（{set}）已录制。",
    },
    "ivr.set_deleted": {
        "en": "Word {word} ({set}) deleted.",
        "zh-CN": "字词 {word}（{set}）已删除。",
    },
}

"""The call center's user-facing messages in zh-CN and English, added to telephony.messages.

Validation errors carry one of these keys and its arguments; the web admin and pbxctl render them
with telephony.messages.render in the reader's language. The catalog lives with the call center
and is added to the domain catalog when this module is imported (telephony.callcenter.errors
imports it, so every raiser of these errors has registered them).
"""

from __future__ import annotations

from telephony import messages

CATALOG: dict[str, dict[str, str]] = {
    # --- common ---
    "cc.name": {"en": "must be 1 to 64 printable characters", "zh-CN": "必须是 1 到 64 个可打印字符"},
    "cc.text": {"en": "must be at most {max} printable characters", "zh-CN": "最多 {max} 个可打印字符"},
    "cc.integer": {
        "en": "must be a whole number from {low} to {high}",
        "zh-CN": "必须是 {low} 到 {high} 之间的整数",
    },
    "cc.seconds": {
        "en": "must be a number of seconds from {low} to {high}",
        "zh-CN": "必须是 {low} 到 {high} 之间的秒数",
    },
    "cc.days": {
        "en": "must be a number of days from {low} to {high}",
        "zh-CN": "必须是 {low} 到 {high} 之间的天数",
    },
    "cc.decimal": {"en": "must be a number from {low} to {high}", "zh-CN": "必须是 {low} 到 {high} 之间的数"},
    "cc.choice": {"en": "must be one of {choices}", "zh-CN": "必须是以下之一：{choices}"},
    "cc.token": {
        "en": "must be 1 to 32 letters, digits, dots, dashes or underscores",
        "zh-CN": "必须是 1 到 32 个字母、数字、点、短横线或下划线",
    },
    "cc.number.format": {
        "en": "must be 2 to 8 digits, not starting with 0",
        "zh-CN": "必须是 2 到 8 位数字，且不能以 0 开头",
    },
    "cc.number.extension": {"en": "{number} is already an extension", "zh-CN": "{number} 已是分机号"},
    "cc.number.port": {
        "en": "{number} is already the number of an FXS port",
        "zh-CN": "{number} 已是 FXS 端口的号码",
    },
    "cc.number.queue": {"en": "{number} is already a queue's number", "zh-CN": "{number} 已是队列号码"},
    "cc.engine": {
        "en": "the ACD engine refused this setting: {reason}",
        "zh-CN": "ACD 引擎拒绝了此设置：{reason}",
    },
    # --- queues ---
    "cc.queue.taken": {"en": "queue {number} already exists", "zh-CN": "队列 {number} 已存在"},
    "cc.queue.not_found": {"en": "queue {number} does not exist", "zh-CN": "队列 {number} 不存在"},
    "cc.skill_widen": {
        "en": "write seconds:level steps separated by commas, starting at 0 s, with rising seconds "
        "and falling levels from 1 to 10, e.g. 0:8, 30:5, 60:1",
        "zh-CN": "请按“秒:级别”格式填写，用逗号分隔，从 0 秒开始，秒数递增、级别（1 到 10）递减，"
        "例如 0:8, 30:5, 60:1",
    },
    "cc.affinity_wait": {
        "en": "must be more than 0 when the affinity memory (days) is set",
        "zh-CN": "设置了熟客记忆天数时必须大于 0",
    },
    "cc.destination.target": {"en": "this destination needs a target", "zh-CN": "此去向需要填写目标"},
    "cc.destination.queue": {
        "en": "no other queue has the number {target}",
        "zh-CN": "没有其他队列使用号码 {target}",
    },
    "cc.destination.self": {"en": "a queue cannot overflow into itself", "zh-CN": "队列不能溢出到自身"},
    "cc.destination.extension": {
        "en": "no extension or FXS port has the number {target}",
        "zh-CN": "没有分机或 FXS 端口使用号码 {target}",
    },
    "cc.destination.external": {
        "en": "must be 3 to 32 digits, optionally starting with +",
        "zh-CN": "必须是 3 到 32 位数字，可以 + 开头",
    },
    "cc.whisper": {
        "en": "must be at most 128 printable characters; it may use {{queue}}, {{caller}} and {{name}}",
        "zh-CN": "最多 128 个可打印字符；可使用 {{queue}}、{{caller}} 和 {{name}}",
    },
    "cc.crm_url": {
        "en": "must be an http:// or https:// address of at most 512 characters; it may use "
        "{{caller}}, {{queue}}, {{digits}} and {{callid}}",
        "zh-CN": "必须是以 http:// 或 https:// 开头、最多 512 个字符的地址；可使用 "
        "{{caller}}、{{queue}}、{{digits}} 和 {{callid}}",
    },
    "cc.member.unknown": {"en": "no agent has the number {name}", "zh-CN": "没有工号为 {name} 的坐席"},
    "cc.member.twice": {"en": "agent {name} is listed twice", "zh-CN": "坐席 {name} 重复出现"},
    "cc.skill.unknown": {"en": "no skill is named {name}", "zh-CN": "没有名为 {name} 的技能"},
    "cc.skill.twice": {"en": "skill {name} is listed twice", "zh-CN": "技能 {name} 重复出现"},
    "cc.membership.unknown": {"en": "no queue has the number {name}", "zh-CN": "没有号码为 {name} 的队列"},
    "cc.membership.twice": {"en": "queue {name} is listed twice", "zh-CN": "队列 {name} 重复出现"},
    # --- agents ---
    "cc.agent.taken": {"en": "agent {number} already exists", "zh-CN": "坐席 {number} 已存在"},
    "cc.agent.not_found": {"en": "agent {number} does not exist", "zh-CN": "坐席 {number} 不存在"},
    "cc.agent.extension": {
        "en": "no extension or FXS port has the number {number}",
        "zh-CN": "没有分机或 FXS 端口使用号码 {number}",
    },
    "cc.agent.pin_format": {"en": "must be 4 to 8 digits", "zh-CN": "必须是 4 到 8 位数字"},
    "cc.agent.pin_weak": {
        "en": "must not be one digit repeated or the agent number",
        "zh-CN": "不能是同一数字重复，也不能与坐席工号相同",
    },
    "cc.agent.pin_mismatch": {"en": "the two PINs differ", "zh-CN": "两次输入的 PIN 不一致"},
    "cc.agent.login": {"en": "wrong agent number or PIN", "zh-CN": "坐席工号或 PIN 错误"},
    "cc.agent.disabled": {"en": "agent {number} is disabled", "zh-CN": "坐席 {number} 已停用"},
    # --- skills and pause codes ---
    "cc.skill.name": {
        "en": "must be 1 to 32 printable characters without commas or colons",
        "zh-CN": "必须是 1 到 32 个可打印字符，且不含逗号或冒号",
    },
    "cc.skill.taken": {"en": "skill {name} already exists", "zh-CN": "技能 {name} 已存在"},
    "cc.skill.not_found": {"en": "skill {name} does not exist", "zh-CN": "技能 {name} 不存在"},
    "cc.pause.code": {
        "en": "must be 1 to 16 lowercase letters, digits, dashes or underscores",
        "zh-CN": "必须是 1 到 16 个小写字母、数字、短横线或下划线",
    },
    "cc.pause.taken": {"en": "pause code {code} already exists", "zh-CN": "暂停原因代码 {code} 已存在"},
    "cc.pause.not_found": {"en": "pause code {code} does not exist", "zh-CN": "暂停原因代码 {code} 不存在"},
    # --- customers ---
    "cc.customer.not_found": {"en": "customer {name} does not exist", "zh-CN": "客户 {name} 不存在"},
    "cc.customer.phone": {
        "en": "{value} is not a phone number (3 to 20 digits, optionally starting with +)",
        "zh-CN": "{value} 不是电话号码（3 到 20 位数字，可以 + 开头）",
    },
    "cc.customer.phone_taken": {
        "en": "{number} already belongs to customer {name}",
        "zh-CN": "{number} 已属于客户 {name}",
    },
    "cc.customer.phone_twice": {"en": "{number} is listed twice", "zh-CN": "{number} 重复出现"},
    "cc.customer.tags": {
        "en": "must be at most 256 characters, tags separated by commas, each at most 32 characters",
        "zh-CN": "最多 256 个字符，标签用逗号分隔，每个标签最多 32 个字符",
    },
    # --- CSV import ---
    "cc.import.row": {"en": "row {row}: {field}: {message}", "zh-CN": "第 {row} 行：{field}：{message}"},
    "cc.import.file": {"en": "file: {message}", "zh-CN": "文件：{message}"},
    "cc.import.encoding": {
        "en": "the file is neither UTF-8 nor GBK text",
        "zh-CN": "文件既不是 UTF-8 也不是 GBK 编码的文本",
    },
    "cc.import.empty": {
        "en": "the file is empty; the first row must name the columns",
        "zh-CN": "文件为空；第一行必须是列名",
    },
    "cc.import.csv": {"en": "not valid CSV: {reason}", "zh-CN": "不是有效的 CSV：{reason}"},
    "cc.import.too_many": {"en": "more than {max} rows", "zh-CN": "超过 {max} 行"},
    "cc.import.column_unknown": {
        "en": "unknown column; the columns are {columns}",
        "zh-CN": "未知的列；可用的列为 {columns}",
    },
    "cc.import.column_missing": {"en": "the {name} column is missing", "zh-CN": "缺少 {name} 列"},
    "cc.import.column_twice": {"en": "the column appears twice", "zh-CN": "该列重复出现"},
    "cc.import.cells": {
        "en": "the row has {count} cells but the header has {expected}",
        "zh-CN": "该行有 {count} 个单元格，但表头有 {expected} 列",
    },
    "cc.import.phone_in_row": {
        "en": "{number} is also in row {other}",
        "zh-CN": "{number} 也出现在第 {other} 行",
    },
    "cc.import.id_unknown": {"en": "no customer has the id {value}", "zh-CN": "没有编号为 {value} 的客户"},
    "cc.import.id_in_row": {
        "en": "id {value} is also in row {other}",
        "zh-CN": "编号 {value} 也出现在第 {other} 行",
    },
    "cc.import.customer_in_row": {
        "en": "these numbers belong to the customer row {other} updates",
        "zh-CN": "这些号码属于第 {other} 行所更新的客户",
    },
    "cc.import.two_customers": {
        "en": "these numbers belong to different customers: {names}",
        "zh-CN": "这些号码属于不同的客户：{names}",
    },
    # --- what refers to a queue, skill or number (refused deletes) ---
    "inuse.queue": {"en": "queue {name}", "zh-CN": "队列 {name}"},
    "inuse.queue_overflow": {"en": "the overflow of queue {name}", "zh-CN": "队列 {name} 的溢出设置"},
    "inuse.agent": {"en": "agent {name}", "zh-CN": "坐席 {name}"},
    "inuse.skill": {"en": "skill {name}", "zh-CN": "技能 {name}"},
}


def register() -> None:
    """Add the catalog to telephony.messages; a key already there with other text is a bug."""
    for key, entry in CATALOG.items():
        existing = messages.CATALOG.get(key)
        if existing is not None and existing != entry:
            raise RuntimeError(f"message {key!r} is defined twice with different text")
        messages.CATALOG[key] = entry


register()

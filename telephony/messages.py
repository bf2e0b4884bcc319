"""Message catalog of the domain's user-facing errors, in zh-CN and English.

Validation errors carry a message key and arguments; each front end (web admin, pbxctl)
renders them in the user's language with `render()`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

LANGUAGES = ("zh-CN", "en")
DEFAULT_LANGUAGE = "zh-CN"

CATALOG: dict[str, dict[str, str]] = {
    "required": {"en": "is required", "zh-CN": "必填"},
    "extension.number.format": {
        "en": "must be 2 to 8 digits, not starting with 0",
        "zh-CN": "必须是 2 到 8 位数字，且不能以 0 开头",
    },
    "extension.number.taken": {"en": "extension {number} already exists", "zh-CN": "分机 {number} 已存在"},
    "extension.number.port": {
        "en": "{number} is already the number of an FXS port",
        "zh-CN": "{number} 已是 FXS 端口的号码",
    },
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
    # --- the configuration document (telephony/configdoc) ---
    "config.root": {
        "en": "the document must be a mapping that starts with version: 1",
        "zh-CN": "文档必须是以 version: 1 开头的映射",
    },
    "config.unknown_key": {"en": "unknown key", "zh-CN": "未知的键"},
    "config.version": {
        "en": "unsupported version {value}; this box reads version {version}",
        "zh-CN": "不支持的版本 {value}；本机只读取版本 {version}",
    },
    "config.type.string": {
        "en": 'must be a string, got {value}; quote it, e.g. "1001"',
        "zh-CN": '必须是字符串，实际为 {value}；请加引号，例如 "1001"',
    },
    "config.type.integer": {
        "en": "must be a whole number, got {value}",
        "zh-CN": "必须是整数，实际为 {value}",
    },
    "config.type.boolean": {
        "en": "must be true or false, got {value}",
        "zh-CN": "必须是 true 或 false，实际为 {value}",
    },
    "config.type.mapping": {"en": "must be a mapping of key: value", "zh-CN": "必须是“键: 值”映射"},
    "config.type.list": {"en": "must be a list (write [] for none)", "zh-CN": "必须是列表（没有则写 []）"},
    "config.string.format": {
        "en": "must be at most {max} printable characters",
        "zh-CN": "最多 {max} 个可打印字符",
    },
    "config.range": {"en": "must be between {low} and {high}", "zh-CN": "必须在 {low} 到 {high} 之间"},
    "config.hex32": {"en": "must be 32 lowercase hex digits", "zh-CN": "必须是 32 位小写十六进制数字"},
    "config.realm.format": {
        "en": "must be 1 to 64 letters, digits, dots or dashes, starting and ending with a letter or digit",
        "zh-CN": "必须是 1 到 64 个字母、数字、点或短横线，且首尾为字母或数字",
    },
    "config.duplicate": {
        "en": "{value} appears more than once (also at {other})",
        "zh-CN": "{value} 重复出现（另见 {other}）",
    },
    "config.too_big": {"en": "the document is larger than {limit} MiB", "zh-CN": "文档超过 {limit} MiB"},
    "config.encoding": {
        "en": "the document is not UTF-8 text (bad byte at offset {offset})",
        "zh-CN": "文档不是 UTF-8 文本（偏移 {offset} 处字节无效）",
    },
    "config.yaml.at": {
        "en": "YAML error at line {line}, column {column}: {problem}",
        "zh-CN": "YAML 错误，第 {line} 行第 {column} 列：{problem}",
    },
    "config.yaml": {"en": "YAML error: {problem}", "zh-CN": "YAML 错误：{problem}"},
    "config.extension.credentials": {
        "en": "give secret, or both ha1 and ha1b",
        "zh-CN": "请提供 secret，或同时提供 ha1 和 ha1b",
    },
    "config.extension.secret_and_hash": {
        "en": "give secret or ha1 and ha1b, not both",
        "zh-CN": "secret 与 ha1/ha1b 只能提供其一",
    },
    "config.realm_changed": {
        "en": "sip_realm is now {realm}: extensions imported by ha1/ha1b made for another realm "
        "cannot register until they get a new secret",
        "zh-CN": "sip_realm 已改为 {realm}：按其他域生成的 ha1/ha1b 导入的分机在设置新密码前无法注册",
    },
    "config.restart_needed": {
        "en": "sip_realm changed: restart the box so kamailio authenticates with the new realm",
        "zh-CN": "sip_realm 已更改：请重启设备，使 kamailio 使用新域进行认证",
    },
    # --- line routing (telephony/routing) ---
    "routing.text.format": {
        "en": "is too long or has characters that cannot be printed",
        "zh-CN": "过长或含有不可打印字符",
    },
    "routing.number.extension": {
        "en": "{number} is already a SIP extension",
        "zh-CN": "{number} 已是 SIP 分机号",
    },
    "routing.number.port": {
        "en": "{number} is already used by another port",
        "zh-CN": "{number} 已被其他端口使用",
    },
    "routing.cid_standard": {
        "en": "must be empty (the country's standard) or one of bell202, bell202-sdmf, etsi-v23, "
        "yd1277-fsk, yd1277-dtmf, dtmf, none",
        "zh-CN": "必须为空（使用国家标准）或为 bell202、bell202-sdmf、etsi-v23、yd1277-fsk、yd1277-dtmf、"
        "dtmf、none 之一",
    },
    "routing.permission": {
        "en": "must be internal, local, national or international",
        "zh-CN": "必须是 internal、local、national 或 international",
    },
    "routing.name.format": {
        "en": "must be 1 to 32 letters, digits, dots, dashes or underscores",
        "zh-CN": "必须是 1 到 32 个字母、数字、点、短横线或下划线",
    },
    "routing.name.taken": {"en": "this name is already used", "zh-CN": "该名称已被使用"},
    "routing.kind": {"en": "must be fxo, e1 or sip", "zh-CN": "必须是 fxo、e1 或 sip"},
    "routing.members.fxo": {
        "en": "list FXO ports separated by commas, each once, e.g. fxo1,fxo2",
        "zh-CN": "请列出以逗号分隔的 FXO 端口（不重复），例如 fxo1,fxo2",
    },
    "routing.members.e1": {
        "en": "an E1 group has exactly one member: e1",
        "zh-CN": "E1 中继组只能有一个成员：e1",
    },
    "routing.members.sip": {
        "en": "list SIP trunk names separated by commas",
        "zh-CN": "请列出以逗号分隔的 SIP 中继名称",
    },
    "routing.hunt": {"en": "must be linear or round-robin", "zh-CN": "必须是 linear 或 round-robin"},
    "routing.trunk": {
        "en": "must be an FXO port (fxo1...), e1, or * for any",
        "zh-CN": "必须是 FXO 端口（fxo1...）、e1，或 * 表示任意",
    },
    "routing.digits": {"en": "must be digits only (at most 32)", "zh-CN": "只能是数字（最多 32 位）"},
    "routing.destination": {
        "en": "no extension, FXS port or queue has this number",
        "zh-CN": "没有分机、FXS 端口或队列使用此号码",
    },
    "ivr.number.taken": {"en": "this number is an IVR flow's", "zh-CN": "此号码已被语音导航流程使用"},
    "conference.number.taken": {"en": "this number is a conference room's", "zh-CN": "此号码已被会议室使用"},
    "numbering.taken.ring_group": {
        "en": "{number} is a ring group's number",
        "zh-CN": "{number} 已是振铃组号码",
    },
    "numbering.taken.paging": {
        "en": "{number} is a paging group's number",
        "zh-CN": "{number} 已是广播组号码",
    },
    "numbering.taken.park": {
        "en": "{number} is the call park number or one of its slots",
        "zh-CN": "{number} 是呼叫停泊号码或其停泊位",
    },
    "numbering.extension": {"en": "extension {name}", "zh-CN": "分机 {name}"},
    "numbering.port": {"en": "the analog phone {name}", "zh-CN": "模拟话机 {name}"},
    "numbering.queue": {"en": "queue {name}", "zh-CN": "队列 {name}"},
    "numbering.ivr": {"en": "IVR flow {name}", "zh-CN": "语音导航流程 {name}"},
    "numbering.room": {"en": "conference room {name}", "zh-CN": "会议室 {name}"},
    "numbering.ring_group": {"en": "ring group {name}", "zh-CN": "振铃组 {name}"},
    "numbering.paging": {"en": "paging group {name}", "zh-CN": "广播组 {name}"},
    "numbering.park": {"en": "call park ({name})", "zh-CN": "呼叫停泊（{name}）"},
    "routing.priority": {"en": "must be a number from 0 to 9999", "zh-CN": "必须是 0 到 9999 之间的数字"},
    "routing.route.duplicate": {
        "en": "a route for this trunk and DID already exists",
        "zh-CN": "该中继和 DID 的路由已存在",
    },
    "routing.prefix": {"en": "must be 1 to 16 digits", "zh-CN": "必须是 1 到 16 位数字"},
    "routing.min_length": {"en": "must be a number from 1 to 32", "zh-CN": "必须是 1 到 32 之间的数字"},
    "routing.strip": {"en": "must be a number from 0 to 16", "zh-CN": "必须是 0 到 16 之间的数字"},
    "routing.prepend": {
        "en": "must be digits, optionally starting with +",
        "zh-CN": "必须是数字，可以 + 开头",
    },
    "routing.trunk_group": {"en": "choose an existing trunk group", "zh-CN": "请选择已有的中继组"},
    "routing.port.not_found": {"en": "port {port} does not exist", "zh-CN": "端口 {port} 不存在"},
    # --- refusing to delete what other rows use (telephony/routing/usage) ---
    "inuse.refused": {"en": "{what} is used by {users}", "zh-CN": "{what} 正被 {users} 使用"},
    "inuse.extension": {"en": "extension {name}", "zh-CN": "分机 {name}"},
    "inuse.number": {"en": "number {name}", "zh-CN": "号码 {name}"},
    "inuse.trunk_group": {"en": "trunk group {name}", "zh-CN": "中继组 {name}"},
    "inuse.inbound_route": {"en": "inbound route '{name}'", "zh-CN": "呼入路由“{name}”"},
    "inuse.dial_rule": {"en": "dial rule '{name}'", "zh-CN": "拨号规则“{name}”"},
    "inuse.port": {"en": "port {name}", "zh-CN": "端口 {name}"},
    "list.and": {"en": " and ", "zh-CN": "和"},
    "list.comma": {"en": ", ", "zh-CN": "、"},
    # --- the line tables in the configuration document (telephony/configdoc) ---
    "config.type.string_list": {
        "en": "must be a list of names, e.g. [fxo1, fxo2]",
        "zh-CN": "必须是名称列表，例如 [fxo1, fxo2]",
    },
    "config.port.fxs_only": {
        "en": "only FXS ports have a number, caller_id_name or permission",
        "zh-CN": "只有 FXS 端口才有 number、caller_id_name 或 permission",
    },
    "config.ref.kept": {
        "en": "{what} is left out but still used by {users} (kept: the document has no {section})",
        "zh-CN": "{what} 未列出，但仍被 {users} 使用（文档中没有 {section}，因此保留）",
    },
    # --- the call-center sections of the configuration document (telephony/configdoc) ---
    "config.type.number": {"en": "must be a number, not {value}", "zh-CN": "必须是数字，实际为 {value}"},
    "config.type.too_many": {"en": "at most {max} entries", "zh-CN": "最多 {max} 项"},
    "config.type.tag_list": {
        "en": "must be a list of tags, e.g. [vip, beijing]",
        "zh-CN": "必须是标签列表，例如 [vip, 北京]",
    },
    "config.type.number_list": {
        "en": 'must be a list of quoted phone numbers, e.g. ["13800138000"]',
        "zh-CN": '必须是加引号的电话号码列表，例如 ["13800138000"]',
    },
    "config.pin_hash": {
        "en": "must be a PIN hash as exported (pbkdf2_sha256$...), or empty",
        "zh-CN": "必须是导出的 PIN 哈希（pbkdf2_sha256$...）或为空",
    },
    "config.agent.pin": {
        "en": "each agent needs pin (4 to 8 digits) or pin_hash as exported",
        "zh-CN": "每个坐席需要 pin（4 到 8 位数字）或导出的 pin_hash",
    },
    "config.agent.pin_and_hash": {
        "en": "give pin or pin_hash, not both",
        "zh-CN": "pin 和 pin_hash 只能填写其一",
    },
    # --- pbxctl (telephony/cli) ---
    "cli.warning": {"en": "warning", "zh-CN": "警告"},
    "cli.internal": {"en": "internal error: {reason}", "zh-CN": "内部错误：{reason}"},
    "cli.database": {"en": "database error: {reason}", "zh-CN": "数据库错误：{reason}"},
    "cli.lang": {
        "en": "PBX_LANG must be zh-CN or en, not {value}",
        "zh-CN": "PBX_LANG 必须是 zh-CN 或 en，而不是 {value}",
    },
    "cli.yes": {"en": "yes", "zh-CN": "是"},
    "cli.no": {"en": "no", "zh-CN": "否"},
    "cli.none": {"en": "none", "zh-CN": "无"},
    "cli.col.number": {"en": "NUMBER", "zh-CN": "分机号"},
    "cli.col.name": {"en": "NAME", "zh-CN": "名称"},
    "cli.col.enabled": {"en": "ENABLED", "zh-CN": "启用"},
    "cli.col.process": {"en": "PROCESS", "zh-CN": "进程"},
    "cli.col.state": {"en": "STATE", "zh-CN": "状态"},
    "cli.col.uptime": {"en": "UPTIME / DETAIL", "zh-CN": "运行时间 / 详情"},
    "cli.col.aor": {"en": "AOR", "zh-CN": "注册号"},
    "cli.col.contact": {"en": "CONTACT", "zh-CN": "联系地址"},
    "cli.col.expires": {"en": "EXPIRES", "zh-CN": "有效期"},
    "cli.col.user_agent": {"en": "USER AGENT", "zh-CN": "终端"},
    "cli.col.start": {"en": "START (UTC)", "zh-CN": "开始时间 (UTC)"},
    "cli.col.caller": {"en": "CALLER", "zh-CN": "主叫"},
    "cli.col.callee": {"en": "CALLEE", "zh-CN": "被叫"},
    "cli.col.disposition": {"en": "DISPOSITION", "zh-CN": "结果"},
    "cli.col.billsec": {"en": "BILLSEC", "zh-CN": "计费秒数"},
    "cli.col.duration": {"en": "DURATION", "zh-CN": "时长"},
    "cli.col.port": {"en": "PORT", "zh-CN": "端口"},
    "cli.col.kind": {"en": "KIND", "zh-CN": "类型"},
    "cli.col.label": {"en": "LABEL", "zh-CN": "标签"},
    "cli.col.detail": {"en": "DETAIL", "zh-CN": "详情"},
    "cli.ports.none": {"en": "the board has no ports", "zh-CN": "板卡没有端口"},
    "cli.ports.fault": {"en": "fault: {reason}", "zh-CN": "故障：{reason}"},
    "cli.ports.alarms": {"en": "alarms: {alarms}", "zh-CN": "告警：{alarms}"},
    "cli.ports.disabled": {"en": "disabled", "zh-CN": "已停用"},
    "cli.sim.done": {"en": "{verb}: {target}: done", "zh-CN": "{verb}：{target}：完成"},
    "cli.sim.no_call": {"en": "pbx-core did not return a call id", "zh-CN": "pbx-core 未返回呼叫编号"},
    "cli.sim.no_file": {"en": "{path}: no such file", "zh-CN": "{path}：文件不存在"},
    "cli.sim.no_events": {"en": "no events on {port}", "zh-CN": "{port} 没有事件"},
    "cli.extension.added": {"en": "extension {number} added", "zh-CN": "已添加分机 {number}"},
    "cli.extension.deleted": {"en": "extension {number} deleted", "zh-CN": "已删除分机 {number}"},
    "cli.extension.none": {"en": "no extensions", "zh-CN": "没有分机"},
    "cli.extension.saved": {"en": "extension {number} saved", "zh-CN": "已保存分机 {number}"},
    "cli.col.permission": {"en": "PERMISSION", "zh-CN": "外呼权限"},
    "cli.cdr.none": {"en": "no calls recorded", "zh-CN": "没有通话记录"},
    "cli.config.exported": {"en": "configuration exported to {path}", "zh-CN": "配置已导出到 {path}"},
    "cli.config.section": {
        "en": "{section}: {created} added, {updated} changed, {deleted} deleted, {unchanged} unchanged",
        "zh-CN": "{section}：新增 {created}，修改 {updated}，删除 {deleted}，未变 {unchanged}",
    },
    "cli.config.dry_run": {"en": "dry run: nothing was changed", "zh-CN": "试运行：未做任何更改"},
    "cli.status.processes": {"en": "processes:", "zh-CN": "进程："},
    "cli.status.no_supervisor": {
        "en": "not run by supervisord here ({path} does not exist)",
        "zh-CN": "此处不由 supervisord 运行（{path} 不存在）",
    },
    "cli.status.supervisor_error": {
        "en": "supervisord did not answer: {reason}",
        "zh-CN": "supervisord 无响应：{reason}",
    },
    "cli.status.core": {
        "en": "pbx-core: up {uptime}; calls: {calls} active, {total} since start",
        "zh-CN": "pbx-core：已运行 {uptime}；通话：当前 {calls}，启动以来 {total}",
    },
    "cli.status.registrations": {"en": "registrations ({count}):", "zh-CN": "注册（{count}）："},
    "cli.status.calls": {"en": "active calls ({count}):", "zh-CN": "当前通话（{count}）："},
    "cli.status.edge_error": {
        "en": "kamailio did not report registrations: {reason}",
        "zh-CN": "kamailio 未返回注册信息：{reason}",
    },
    "cli.status.board_error": {
        "en": "line hardware: board {board} could not be started at {at}; running SIP-only: {reason}",
        "zh-CN": "线路硬件：板卡 {board} 于 {at} 无法启动；仅运行 SIP：{reason}",
    },
    "cli.status.core_down": {"en": "pbx-core is not answering at {url}", "zh-CN": "pbx-core 在 {url} 无响应"},
}


@dataclass(frozen=True)
class Phrase:
    """A message rendered only once the reader's language is known; usable as another message's argument.

    A list or tuple of phrases as an argument is joined as a sentence list ("a, b and c").
    """

    key: str
    name: str = ""

    def render(self, language: str = DEFAULT_LANGUAGE) -> str:
        return render(self.key, language, name=self.name)


def join(items: Iterable[str], language: str = DEFAULT_LANGUAGE) -> str:
    """Join words as a list in `language`: "a", "a and b", "a, b and c" (中文：a、b和c)."""
    words = list(items)
    if len(words) <= 1:
        return "".join(words)
    comma, last = render("list.comma", language), render("list.and", language)
    return comma.join(words[:-1]) + last + words[-1]


def _resolve(value: object, language: str) -> object:
    if isinstance(value, Phrase):
        return value.render(language)
    if isinstance(value, list | tuple) and value and all(isinstance(v, Phrase) for v in value):
        return join((v.render(language) for v in value), language)
    return value


def render(key: str, language: str = DEFAULT_LANGUAGE, **args: object) -> str:
    """Return the message for `key` in `language` (English when missing), with arguments filled in."""
    args = {k: _resolve(v, language) for k, v in args.items()}
    entry = CATALOG.get(key)
    if entry is None:
        return key.format(**args) if args else key
    text = entry.get(language) or entry["en"]
    return text.format_map(_Args(args))


class _Args(dict):
    """Leave a placeholder as it is when its argument is missing, rather than fail the message."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"

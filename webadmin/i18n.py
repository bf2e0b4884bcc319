"""The web admin's UI catalog in zh-CN and English, and the choice of a request's language.

The language is the logged-in user's setting, else the `lang` cookie, else the best match
of Accept-Language, else zh-CN. Keys missing here fall back to the domain catalog
(`telephony.messages`), which holds validation and core messages shared with pbxctl.
"""

from __future__ import annotations

from telephony import messages
from webadmin import (
    catalog_callcenter,
    catalog_conference,
    catalog_features,
    catalog_ivr,
    catalog_lines,
    catalog_live,
    catalog_moh,
    catalog_park,
    catalog_reports,
    catalog_system,
    catalog_update,
    catalog_users,
    catalog_voicemail,
    catalog_webhooks,
)

LANGUAGES = ("zh-CN", "en")
DEFAULT_LANGUAGE = "zh-CN"
LANGUAGE_NAMES = {"zh-CN": "中文", "en": "English"}

CATALOG: dict[str, dict[str, str]] = {
    # --- frame -------------------------------------------------------------------------------
    "app.name": {"en": "PBX Admin Console", "zh-CN": "PBX 管理控制台"},
    "nav.main": {"en": "Main menu", "zh-CN": "主菜单"},
    "nav.dashboard": {"en": "Dashboard", "zh-CN": "概览"},
    "nav.extensions": {"en": "Extensions", "zh-CN": "分机"},
    "nav.cdr": {"en": "Call records", "zh-CN": "通话记录"},
    "nav.bans": {"en": "SIP bans", "zh-CN": "SIP 封禁"},
    "nav.audit": {"en": "Audit log", "zh-CN": "审计日志"},
    "nav.logout": {"en": "Log out", "zh-CN": "退出登录"},
    "nav.language": {"en": "Language", "zh-CN": "语言"},
    "nav.signed_in_as": {"en": "Signed in as {username}", "zh-CN": "当前用户：{username}"},
    "common.save": {"en": "Save", "zh-CN": "保存"},
    "common.cancel": {"en": "Cancel", "zh-CN": "取消"},
    "common.delete": {"en": "Delete", "zh-CN": "删除"},
    "common.edit": {"en": "Edit", "zh-CN": "编辑"},
    "common.back": {"en": "Back", "zh-CN": "返回"},
    "common.actions": {"en": "Actions", "zh-CN": "操作"},
    "common.yes": {"en": "Yes", "zh-CN": "是"},
    "common.no": {"en": "No", "zh-CN": "否"},
    "common.prev": {"en": "Previous", "zh-CN": "上一页"},
    "common.next": {"en": "Next", "zh-CN": "下一页"},
    "common.pages": {"en": "Pages", "zh-CN": "分页"},
    "common.page_of": {"en": "Page {page} of {pages}", "zh-CN": "第 {page} / {pages} 页"},
    "common.total": {"en": "{total} in total", "zh-CN": "共 {total} 条"},
    "common.details": {"en": "Details", "zh-CN": "详情"},
    "common.times_local": {"en": "Times are in the box's local time.", "zh-CN": "时间为设备本地时间。"},
    "form.has_errors": {
        "en": "Please correct the fields marked below.",
        "zh-CN": "请修改下面标出的字段。",
    },
    "core.not_reachable": {"en": "pbx-core not reachable", "zh-CN": "pbx-core 无法连接"},
    "core.not_reachable_hint": {
        "en": "The telephony core is not answering. Saved settings stay saved and apply when it is back.",
        "zh-CN": "电话核心服务无响应。已保存的设置不会丢失，将在其恢复后生效。",
    },
    # --- first run and login -----------------------------------------------------------------
    "setup.title": {"en": "Welcome: create the administrator", "zh-CN": "欢迎：创建管理员账号"},
    "setup.intro": {
        "en": "This box has no administrator yet. Choose the username and password for the web admin. "
        "There is no default password.",
        "zh-CN": "本设备尚未设置管理员。请为网页管理设置用户名和密码。系统没有默认密码。",
    },
    "setup.submit": {"en": "Create administrator", "zh-CN": "创建管理员"},
    "setup.done": {
        "en": "Administrator {username} created. Please log in.",
        "zh-CN": "管理员 {username} 已创建，请登录。",
    },
    "setup.password_hint": {
        "en": "At least 10 characters, with letters and digits.",
        "zh-CN": "至少 10 个字符，需同时包含字母和数字。",
    },
    "user.username": {"en": "Username", "zh-CN": "用户名"},
    "user.password": {"en": "Password", "zh-CN": "密码"},
    "user.confirm": {"en": "Confirm password", "zh-CN": "确认密码"},
    "login.title": {"en": "Log in", "zh-CN": "登录"},
    "login.submit": {"en": "Log in", "zh-CN": "登录"},
    "login.failed": {"en": "Wrong username or password.", "zh-CN": "用户名或密码错误。"},
    "login.throttled": {
        "en": "Too many failed logins. Try again in {minutes} minute(s).",
        "zh-CN": "登录失败次数过多，请在 {minutes} 分钟后重试。",
    },
    "login.logged_out": {"en": "You have logged out.", "zh-CN": "您已退出登录。"},
    "login.required": {"en": "Please log in to continue.", "zh-CN": "请先登录。"},
    "username.format": {
        "en": "must be 1 to 64 letters, digits, dots, dashes or underscores",
        "zh-CN": "必须是 1 到 64 个字母、数字、点、连字符或下划线",
    },
    "password.too_short": {"en": "must be at least 10 characters", "zh-CN": "至少需要 10 个字符"},
    "password.too_long": {"en": "must be at most 128 characters", "zh-CN": "最多 128 个字符"},
    "password.letters_digits": {
        "en": "must contain both letters and digits",
        "zh-CN": "必须同时包含字母和数字",
    },
    "password.contains_username": {"en": "must not contain the username", "zh-CN": "不能包含用户名"},
    "password.mismatch": {"en": "the two passwords differ", "zh-CN": "两次输入的密码不一致"},
    # --- dashboard -----------------------------------------------------------------------------
    "dashboard.title": {"en": "Dashboard", "zh-CN": "系统概览"},
    "dashboard.core": {"en": "Telephony core", "zh-CN": "电话核心服务"},
    "dashboard.core_ok": {"en": "running", "zh-CN": "运行中"},
    "dashboard.extensions": {"en": "Extensions", "zh-CN": "分机数"},
    "dashboard.calls_24h": {"en": "Calls in the last 24 h", "zh-CN": "最近 24 小时通话"},
    "dashboard.bans": {"en": "Banned addresses", "zh-CN": "被封禁地址"},
    "dashboard.core_details": {"en": "Core status", "zh-CN": "核心状态"},
    "status.uptime": {"en": "Uptime", "zh-CN": "运行时长"},
    "status.calls": {"en": "Active calls", "zh-CN": "当前通话"},
    "status.calls_total": {"en": "Calls since start", "zh-CN": "启动以来通话数"},
    "status.legs": {"en": "Active call legs", "zh-CN": "当前呼叫分支"},
    "status.registrations": {"en": "Registered phones", "zh-CN": "已注册话机"},
    "status.limits.max_calls": {"en": "Call leg limit", "zh-CN": "最大呼叫分支数"},
    "status.limits.conference_ports": {"en": "Media bridge ports", "zh-CN": "媒体桥端口数"},
    "status.conference_ports_in_use": {"en": "Media bridge ports in use", "zh-CN": "已用媒体桥端口"},
    "status.edge_error": {"en": "SIP edge error", "zh-CN": "SIP 边缘服务错误"},
    "duration.dhm": {"en": "{d} d {h} h {m} min", "zh-CN": "{d} 天 {h} 小时 {m} 分"},
    "duration.hms": {"en": "{h} h {m} min {s} s", "zh-CN": "{h} 小时 {m} 分 {s} 秒"},
    # --- extensions ----------------------------------------------------------------------------
    "extensions.title": {"en": "Extensions", "zh-CN": "分机管理"},
    "extensions.count": {"en": "{count} extension(s)", "zh-CN": "共 {count} 个分机"},
    "extensions.new": {"en": "New extension", "zh-CN": "新建分机"},
    "extensions.new_title": {"en": "New extension", "zh-CN": "新建分机"},
    "extensions.edit_title": {"en": "Edit extension {number}", "zh-CN": "编辑分机 {number}"},
    "extensions.number": {"en": "Number", "zh-CN": "分机号"},
    "extensions.name": {"en": "Name", "zh-CN": "名称"},
    "extensions.secret": {"en": "SIP password", "zh-CN": "SIP 密码"},
    "extensions.secret_hint": {
        "en": "8 to 64 characters with letters and digits; must not contain the number.",
        "zh-CN": "8 到 64 个字符，包含字母和数字，且不能包含分机号。",
    },
    "extensions.secret_keep_hint": {
        "en": "Leave empty to keep the current password (required when the number changes).",
        "zh-CN": "留空则保留原密码（修改分机号时必须重新设置）。",
    },
    "extensions.enabled": {"en": "Enabled", "zh-CN": "启用"},
    "extensions.permission": {"en": "Outbound permission", "zh-CN": "外呼权限"},
    "extensions.permission_hint": {
        "en": "Dial rules to outside lines need this class or higher.",
        "zh-CN": "外线拨号规则要求此权限或更高权限。",
    },
    "extensions.state": {"en": "State", "zh-CN": "状态"},
    "extensions.state_on": {"en": "Enabled", "zh-CN": "已启用"},
    "extensions.state_off": {"en": "Disabled", "zh-CN": "已停用"},
    "extensions.updated": {"en": "Last change", "zh-CN": "最后修改"},
    "extensions.empty": {
        "en": "No extensions yet. Create the first one.",
        "zh-CN": "还没有分机，请新建第一个分机。",
    },
    "extensions.created": {"en": "Extension {number} created.", "zh-CN": "分机 {number} 已创建。"},
    "extensions.saved": {"en": "Extension {number} saved.", "zh-CN": "分机 {number} 已保存。"},
    "extensions.deleted": {"en": "Extension {number} deleted.", "zh-CN": "分机 {number} 已删除。"},
    "extensions.delete_title": {"en": "Delete extension {number}?", "zh-CN": "删除分机 {number}？"},
    "extensions.delete_text": {
        "en": "Phones registered as {number} will stop working. This cannot be undone.",
        "zh-CN": "以 {number} 注册的话机将无法使用。此操作无法撤销。",
    },
    "extensions.delete_confirm": {"en": "Delete extension", "zh-CN": "确认删除"},
    # --- call records --------------------------------------------------------------------------
    "cdr.title": {"en": "Call records", "zh-CN": "通话记录"},
    "cdr.detail_title": {"en": "Call {uniqueid}", "zh-CN": "通话 {uniqueid}"},
    "cdr.caller": {"en": "Caller", "zh-CN": "主叫"},
    "cdr.callee": {"en": "Callee", "zh-CN": "被叫"},
    "cdr.start": {"en": "Start", "zh-CN": "开始时间"},
    "cdr.answer": {"en": "Answer", "zh-CN": "应答时间"},
    "cdr.end": {"en": "End", "zh-CN": "结束时间"},
    "cdr.billsec": {"en": "Billed (s)", "zh-CN": "计费时长（秒）"},
    "cdr.duration": {"en": "Duration (s)", "zh-CN": "总时长（秒）"},
    "cdr.disposition": {"en": "Result", "zh-CN": "通话结果"},
    "cdr.status": {"en": "SIP status", "zh-CN": "SIP 状态码"},
    "cdr.hangup_by": {"en": "Hung up by", "zh-CN": "挂断方"},
    "cdr.legs": {"en": "Legs", "zh-CN": "呼叫分支"},
    "cdr.uniqueid": {"en": "Call ID", "zh-CN": "通话编号"},
    "cdr.empty": {"en": "No calls recorded yet.", "zh-CN": "暂无通话记录。"},
    "cdr.disposition.ANSWERED": {"en": "Answered", "zh-CN": "已接通"},
    "cdr.disposition.NO ANSWER": {"en": "No answer", "zh-CN": "无应答"},
    "cdr.disposition.BUSY": {"en": "Busy", "zh-CN": "忙"},
    "cdr.disposition.FAILED": {"en": "Failed", "zh-CN": "失败"},
    "cdr.hangup.caller": {"en": "caller", "zh-CN": "主叫"},
    "cdr.hangup.callee": {"en": "callee", "zh-CN": "被叫"},
    "cdr.hangup.system": {"en": "system", "zh-CN": "系统"},
    "leg.role": {"en": "Role", "zh-CN": "角色"},
    "leg.peer": {"en": "Peer", "zh-CN": "对端"},
    "leg.call_id": {"en": "SIP Call-ID", "zh-CN": "SIP Call-ID"},
    "leg.role.caller": {"en": "caller", "zh-CN": "主叫"},
    "leg.role.callee": {"en": "callee", "zh-CN": "被叫"},
    "leg.none": {"en": "No legs recorded for this call.", "zh-CN": "此通话没有呼叫分支记录。"},
    # --- SIP bans ------------------------------------------------------------------------------
    "bans.title": {"en": "SIP bans", "zh-CN": "SIP 封禁"},
    "bans.intro": {
        "en": "Addresses the SIP edge blocked for flooding or scanning. Lift a ban to let the address in again.",
        "zh-CN": "SIP 边缘因泛洪或扫描而封禁的地址。解除封禁后该地址可重新接入。",
    },
    "bans.address": {"en": "Address", "zh-CN": "地址"},
    "bans.reason": {"en": "Reason", "zh-CN": "原因"},
    "bans.expires": {"en": "Expires", "zh-CN": "到期"},
    "bans.lift": {"en": "Lift ban", "zh-CN": "解除封禁"},
    "bans.lifted": {"en": "Ban on {address} lifted.", "zh-CN": "已解除对 {address} 的封禁。"},
    "bans.not_lifted": {
        "en": "The SIP edge did not lift the ban on {address}; it may have expired already.",
        "zh-CN": "SIP 边缘未能解除对 {address} 的封禁，可能已过期。",
    },
    "bans.bad_address": {"en": "That is not an address.", "zh-CN": "地址无效。"},
    "bans.empty": {"en": "No address is banned.", "zh-CN": "当前没有被封禁的地址。"},
    # --- audit log -----------------------------------------------------------------------------
    "audit.title": {"en": "Audit log", "zh-CN": "审计日志"},
    "audit.time": {"en": "Time", "zh-CN": "时间"},
    "audit.user": {"en": "User", "zh-CN": "用户"},
    "audit.action": {"en": "Action", "zh-CN": "操作"},
    "audit.target": {"en": "Object", "zh-CN": "对象"},
    "audit.detail": {"en": "Detail", "zh-CN": "详情"},
    "audit.address": {"en": "From", "zh-CN": "来源地址"},
    "audit.empty": {"en": "Nothing recorded yet.", "zh-CN": "暂无记录。"},
    "audit.action.admin.create": {"en": "administrator created", "zh-CN": "创建管理员"},
    "audit.action.login": {"en": "login", "zh-CN": "登录"},
    "audit.action.login.failed": {"en": "failed login", "zh-CN": "登录失败"},
    "audit.action.logout": {"en": "logout", "zh-CN": "退出登录"},
    "audit.action.extension.create": {"en": "extension created", "zh-CN": "新建分机"},
    "audit.action.extension.update": {"en": "extension changed", "zh-CN": "修改分机"},
    "audit.action.extension.delete": {"en": "extension deleted", "zh-CN": "删除分机"},
    "audit.action.ban.lift": {"en": "ban lifted", "zh-CN": "解除封禁"},
    # --- error pages ---------------------------------------------------------------------------
    "error.home": {"en": "Back to the dashboard", "zh-CN": "返回概览"},
    "error.400.title": {"en": "Bad request", "zh-CN": "请求无效"},
    "error.400.text": {"en": "The request could not be understood.", "zh-CN": "无法理解该请求。"},
    "error.403.title": {"en": "Not allowed", "zh-CN": "无权操作"},
    "error.403.text": {
        "en": "Your account is not allowed to do this.",
        "zh-CN": "您的账号没有执行此操作的权限。",
    },
    "error.csrf.title": {"en": "Security check failed", "zh-CN": "安全校验失败"},
    "error.csrf.text": {
        "en": "The form's security token is missing or out of date, so nothing was changed. "
        "Go back, reload the page and try again.",
        "zh-CN": "表单的安全令牌缺失或已过期，因此未做任何更改。请返回、刷新页面后重试。",
    },
    "error.404.title": {"en": "Not found", "zh-CN": "页面不存在"},
    "error.404.text": {"en": "There is nothing at this address.", "zh-CN": "此地址没有内容。"},
    "error.405.title": {"en": "Method not allowed", "zh-CN": "不支持的请求方式"},
    "error.405.text": {"en": "This page does not accept that request.", "zh-CN": "此页面不接受该请求。"},
    "error.413.title": {"en": "Request too large", "zh-CN": "请求过大"},
    "error.413.text": {"en": "The submitted data is too large.", "zh-CN": "提交的数据过大。"},
    "error.429.title": {"en": "Too many attempts", "zh-CN": "尝试次数过多"},
    "error.429.text": {"en": "Please wait a few minutes and try again.", "zh-CN": "请稍候几分钟再试。"},
    "error.500.title": {"en": "Internal error", "zh-CN": "内部错误"},
    "error.500.text": {
        "en": "Something went wrong on the box. The error is logged; please try again.",
        "zh-CN": "设备内部出错，错误已记录，请重试。",
    },
    "error.503.title": {"en": "pbx-core not reachable", "zh-CN": "pbx-core 无法连接"},
    "error.503.text": {
        "en": "The telephony core is not answering. Try again in a moment.",
        "zh-CN": "电话核心服务无响应，请稍后再试。",
    },
}


# The line and call-center pages keep their strings in their own modules, to keep this one readable.
CATALOG.update(catalog_lines.CATALOG)
CATALOG.update(catalog_callcenter.CATALOG)
CATALOG.update(catalog_live.CATALOG)
CATALOG.update(catalog_webhooks.CATALOG)
CATALOG.update(catalog_reports.CATALOG)
CATALOG.update(catalog_moh.CATALOG)
CATALOG.update(catalog_users.CATALOG)
CATALOG.update(catalog_voicemail.CATALOG)
CATALOG.update(catalog_ivr.CATALOG)
CATALOG.update(catalog_conference.CATALOG)
CATALOG.update(catalog_features.CATALOG)
CATALOG.update(catalog_park.CATALOG)
CATALOG.update(catalog_system.CATALOG)
CATALOG.update(catalog_update.CATALOG)


def has(key: str) -> bool:
    """Return whether `key` exists in the UI or the domain catalog."""
    return key in CATALOG or key in messages.CATALOG


def translate(key: str, language: str, **args: object) -> str:
    """Return the text for `key` in `language` (English when missing), falling back to the domain catalog."""
    entry = CATALOG.get(key)
    if entry is None:
        return messages.render(key, language, **args)
    text = entry.get(language) or entry["en"]
    return text.format(**args) if args else text


class Translator:
    """Bind a language so templates can call `t('key', arg=...)`."""

    def __init__(self, language: str) -> None:
        self.language = language

    def __call__(self, key: str, **args: object) -> str:
        return translate(key, self.language, **args)

    def has(self, key: str) -> bool:
        return has(key)


def normalize(code: str | None) -> str | None:
    """Map a language tag to a supported language (zh, zh-TW, zh-Hans -> zh-CN; en-US -> en), or None."""
    if not code:
        return None
    tag = code.strip().lower()
    if tag.startswith("zh"):
        return "zh-CN"
    if tag == "en" or tag.startswith("en-"):
        return "en"
    return None


def from_accept_language(header: str | None) -> str | None:
    """Return the supported language the Accept-Language header prefers most, or None."""
    if not header:
        return None
    best: tuple[float, int, str] | None = None
    for position, part in enumerate(header.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                continue
        language = normalize(tag)
        if language is None or quality <= 0:
            continue
        # Higher quality wins; on a tie the earlier entry wins.
        candidate = (quality, -position, language)
        if best is None or candidate > best:
            best = candidate
    return best[2] if best else None


def choose(user_language: str | None, cookie: str | None, accept_language: str | None) -> str:
    """Pick the request's language: user setting, then cookie, then Accept-Language, then zh-CN."""
    for choice in (user_language, cookie):
        if choice in LANGUAGES:
            return choice
    return from_accept_language(accept_language) or DEFAULT_LANGUAGE

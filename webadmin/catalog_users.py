"""UI strings of the people pages (webadmin.routes.users) and of each person's own account page."""

from __future__ import annotations

CATALOG: dict[str, dict[str, str]] = {
    "nav.users": {"en": "Users", "zh-CN": "用户管理"},
    "nav.account": {"en": "My account", "zh-CN": "我的账号"},
    "role.admin": {"en": "Administrator", "zh-CN": "管理员"},
    "role.supervisor": {"en": "Supervisor", "zh-CN": "班长"},
    "role.agent": {"en": "Agent", "zh-CN": "坐席"},
    # --- the administrator's pages ------------------------------------------------------------
    "users.title": {"en": "Users", "zh-CN": "用户管理"},
    "users.count": {"en": "{count} user(s).", "zh-CN": "共 {count} 个用户。"},
    "users.new": {"en": "New user", "zh-CN": "新建用户"},
    "users.new_title": {"en": "New user", "zh-CN": "新建用户"},
    "users.edit_title": {"en": "User {username}", "zh-CN": "用户 {username}"},
    "users.create": {"en": "Create user", "zh-CN": "创建用户"},
    "users.role": {"en": "Role", "zh-CN": "角色"},
    "users.role_hint": {
        "en": "A supervisor sees the supervisor console, wallboard and reports; an administrator "
        "also changes every setting and manages users.",
        "zh-CN": "班长可使用班长监控、大屏和报表；管理员还可修改全部设置并管理用户。",
    },
    "users.state": {"en": "State", "zh-CN": "状态"},
    "users.state_enabled": {"en": "Enabled", "zh-CN": "已启用"},
    "users.state_disabled": {"en": "Disabled", "zh-CN": "已停用"},
    "users.created": {"en": "Created", "zh-CN": "创建时间"},
    "users.last_login": {"en": "Last login", "zh-CN": "最近登录"},
    "users.never": {"en": "never", "zh-CN": "从未登录"},
    "users.you": {"en": "you", "zh-CN": "本人"},
    "users.new_password": {"en": "New password", "zh-CN": "新密码"},
    "users.reset_password": {"en": "Set a new password", "zh-CN": "重设密码"},
    "users.reset_password_hint": {
        "en": "Give {username} the new password yourself; their open sessions end.",
        "zh-CN": "请自行将新密码告知 {username}；其已登录会话将被注销。",
    },
    "users.disable": {"en": "Disable account", "zh-CN": "停用账号"},
    "users.enable": {"en": "Enable account", "zh-CN": "启用账号"},
    "users.disable_hint": {
        "en": "A disabled account cannot log in and its sessions end; enabling it restores its password.",
        "zh-CN": "停用后该账号无法登录，已登录会话将被注销；重新启用后恢复原密码。",
    },
    "users.enable_hint": {
        "en": "This account is disabled. Enabling it lets it log in again with its password.",
        "zh-CN": "此账号已停用。启用后可使用原密码重新登录。",
    },
    "users.delete_title": {"en": "Delete user {username}?", "zh-CN": "删除用户 {username}？"},
    "users.delete_text": {
        "en": "{username} will be logged out and can no longer log in. The audit log keeps their actions. "
        "This cannot be undone.",
        "zh-CN": "{username} 将被注销且无法再登录，审计日志中的操作记录会保留。此操作无法撤销。",
    },
    "users.delete_confirm": {"en": "Delete user", "zh-CN": "确认删除"},
    "users.created_ok": {"en": "User {username} created.", "zh-CN": "用户 {username} 已创建。"},
    "users.role_saved": {"en": "Role of {username} saved.", "zh-CN": "{username} 的角色已保存。"},
    "users.password_reset": {
        "en": "New password of {username} set; their sessions ended.",
        "zh-CN": "{username} 的新密码已设置，其会话已注销。",
    },
    "users.disabled": {"en": "User {username} disabled.", "zh-CN": "用户 {username} 已停用。"},
    "users.enabled": {"en": "User {username} enabled.", "zh-CN": "用户 {username} 已启用。"},
    "users.deleted": {"en": "User {username} deleted.", "zh-CN": "用户 {username} 已删除。"},
    # Field errors (message keys the service raises).
    "users.username_taken": {"en": "this username is already taken", "zh-CN": "该用户名已被使用"},
    "users.role_invalid": {"en": "choose supervisor or administrator", "zh-CN": "请选择班长或管理员"},
    "users.last_admin": {
        "en": "this is the last enabled administrator: make another user an administrator first",
        "zh-CN": "这是最后一个启用的管理员，请先将其他用户设为管理员",
    },
    "users.not_yourself": {
        "en": "you cannot delete or disable your own account",
        "zh-CN": "不能删除或停用自己的账号",
    },
    "users.gone": {"en": "this user no longer exists", "zh-CN": "该用户已不存在"},
    # --- my account ---------------------------------------------------------------------------
    "account.title": {"en": "My account", "zh-CN": "我的账号"},
    "account.change_password": {"en": "Change password", "zh-CN": "修改密码"},
    "account.change_password_hint": {
        "en": "Your other open sessions end; this one stays logged in.",
        "zh-CN": "您的其他已登录会话将被注销，当前会话保持登录。",
    },
    "account.current": {"en": "Current password", "zh-CN": "当前密码"},
    "account.current_wrong": {"en": "the current password is wrong", "zh-CN": "当前密码错误"},
    "account.throttled": {
        "en": "too many wrong passwords: try again in a few minutes",
        "zh-CN": "密码错误次数过多，请几分钟后再试",
    },
    "account.password_changed": {"en": "Your password has been changed.", "zh-CN": "您的密码已修改。"},
    # --- the audit log's names for these actions ---------------------------------------------
    "audit.action.user.create": {"en": "user created", "zh-CN": "创建用户"},
    "audit.action.user.role": {"en": "user role changed", "zh-CN": "修改用户角色"},
    "audit.action.user.password_reset": {"en": "user password reset", "zh-CN": "重设用户密码"},
    "audit.action.user.disable": {"en": "user disabled", "zh-CN": "停用用户"},
    "audit.action.user.enable": {"en": "user enabled", "zh-CN": "启用用户"},
    "audit.action.user.delete": {"en": "user deleted", "zh-CN": "删除用户"},
    "audit.action.account.password": {"en": "own password changed", "zh-CN": "修改本人密码"},
    "audit.action.account.password.failed": {
        "en": "wrong current password",
        "zh-CN": "当前密码错误",
    },
}

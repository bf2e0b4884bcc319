"""UI strings of the system page (processes, health, backup/restore, factory reset) in zh-CN and English."""

from __future__ import annotations

CATALOG: dict[str, dict[str, str]] = {
    "nav.system": {"en": "System", "zh-CN": "系统"},
    "system.title": {"en": "System", "zh-CN": "系统"},
    "system.intro": {
        "en": "The box's processes as supervisord sees them, the watchdog's health checks, backups and factory reset.",
        "zh-CN": "supervisord 管理的各进程状态、看门狗健康检查、备份恢复与恢复出厂设置。",
    },
    "system.processes": {"en": "Processes", "zh-CN": "进程"},
    "system.process": {"en": "Process", "zh-CN": "进程"},
    "system.state": {"en": "State", "zh-CN": "状态"},
    "system.pid": {"en": "PID", "zh-CN": "PID"},
    "system.crashes": {"en": "Crashes", "zh-CN": "崩溃次数"},
    "system.crashes_hint": {
        "en": "Unexpected exits since supervisord started; each was restarted (with backoff when it failed to start).",
        "zh-CN": "自 supervisord 启动以来的异常退出次数；每次都已自动重启（启动失败时按退避间隔重试）。",
    },
    "system.last_exit": {"en": "Last exit", "zh-CN": "最近一次退出"},
    "system.log_tail": {"en": "Last log lines of {name}", "zh-CN": "{name} 的最后几行日志"},
    "system.no_supervisor": {
        "en": "supervisord does not answer ({error}); process states are unavailable.",
        "zh-CN": "supervisord 无响应（{error}）；无法显示进程状态。",
    },
    "system.health": {"en": "Health and watchdog", "zh-CN": "健康检查与看门狗"},
    "system.watchdog_feeding": {
        "en": "The hardware watchdog is fed: every service answers.",
        "zh-CN": "硬件看门狗正常喂狗：所有服务均有响应。",
    },
    "system.watchdog_stopped": {
        "en": "The watchdog is NOT fed after {failures} failed rounds: the board resets unless the service recovers.",
        "zh-CN": "连续 {failures} 轮检查失败，看门狗已停止喂狗：服务若不恢复，设备将自动重启。",
    },
    "system.watchdog_no_device": {
        "en": "No hardware watchdog: {error}. The box runs, but nothing resets it if it hangs; the watchdog "
        "program tries the device again every minute.",
        "zh-CN": "没有硬件看门狗：{error}。设备仍在运行，但死机时不会自动复位；看门狗程序每分钟重试打开该设备。",
    },
    "system.watchdog_unknown": {
        "en": "The watchdog has not reported yet.",
        "zh-CN": "看门狗尚未报告状态。",
    },
    "system.check": {"en": "Check", "zh-CN": "检查项"},
    "system.check_ok": {"en": "answers", "zh-CN": "正常"},
    "system.check_failed": {"en": "no answer", "zh-CN": "无响应"},
    "system.detail": {"en": "Detail", "zh-CN": "详情"},
    "system.backup": {"en": "Backup", "zh-CN": "备份"},
    "system.backup_intro": {
        "en": "One file: the configuration (YAML), a snapshot of the database and, if chosen, voicemail and "
        "recordings. Keys and certificates are not in it.",
        "zh-CN": "一个文件：配置（YAML）、数据库快照，以及可选的语音留言和录音。密钥与证书不包含在内。",
    },
    "system.backup_media": {
        "en": "Include voicemail, recordings and prompts",
        "zh-CN": "包含语音留言、录音和提示音",
    },
    "system.backup_download": {"en": "Download backup", "zh-CN": "下载备份"},
    "system.restore": {"en": "Restore", "zh-CN": "恢复"},
    "system.restore_intro": {
        "en": "Everything in the file is checked first; if any check fails nothing on the box changes. After a "
        "restore, log in again with an account from the backup.",
        "zh-CN": "先检查文件中的全部内容；任何一项检查失败，设备上都不会有任何改动。恢复后请使用备份中的账号重新登录。",
    },
    "system.restore_file": {"en": "Backup file (.tar.gz)", "zh-CN": "备份文件（.tar.gz）"},
    "system.restore_submit": {"en": "Restore from this file", "zh-CN": "从此文件恢复"},
    "system.restore_no_file": {"en": "Choose a backup file first.", "zh-CN": "请先选择备份文件。"},
    "system.restored": {
        "en": "The backup made {created} was restored.",
        "zh-CN": "已恢复 {created} 创建的备份。",
    },
    "system.restore_refused": {
        "en": "The backup was refused and nothing was changed: {reason}",
        "zh-CN": "备份被拒绝，设备未做任何改动：{reason}",
    },
    "system.reset": {"en": "Factory reset", "zh-CN": "恢复出厂设置"},
    "system.reset_intro": {
        "en": "Erases the database, media, configuration and keys and starts as a new box: every extension, "
        "recording and account is lost. The same happens when the reset button is held for 10 s during boot.",
        "zh-CN": "清除数据库、媒体文件、配置和密钥，设备恢复为全新状态：所有分机、录音和账号都将丢失。"
        "开机时按住复位键 10 秒效果相同。",
    },
    "system.reset_confirm": {
        "en": "I understand that everything on this box is erased",
        "zh-CN": "我明白此设备上的所有数据都将被清除",
    },
    "system.reset_password": {"en": "Your password", "zh-CN": "您的密码"},
    "system.reset_submit": {"en": "Erase everything", "zh-CN": "清除全部数据"},
    "system.reset_not_confirmed": {
        "en": "Tick the box to confirm the factory reset.",
        "zh-CN": "请勾选确认框以恢复出厂设置。",
    },
    "system.reset_bad_password": {"en": "The password is wrong.", "zh-CN": "密码错误。"},
    "system.reset_done": {
        "en": "The box was reset to factory settings. Set the admin password.",
        "zh-CN": "设备已恢复出厂设置。请设置管理员密码。",
    },
    # firmware.backup.BackupError keys
    "system.backup_error.not_backup": {
        "en": "the file is not a backup of this box (not a tar.gz archive): {detail}",
        "zh-CN": "该文件不是本设备的备份（不是 tar.gz 归档）：{detail}",
    },
    "system.backup_error.truncated": {
        "en": "the backup file is cut short or damaged: {detail}",
        "zh-CN": "备份文件不完整或已损坏：{detail}",
    },
    "system.backup_error.unsafe_member": {
        "en": "the backup contains {name}, which is not a plain file with a safe name",
        "zh-CN": "备份中包含 {name}，它不是名称安全的普通文件",
    },
    "system.backup_error.no_manifest": {
        "en": "the backup has no manifest.json",
        "zh-CN": "备份中缺少 manifest.json",
    },
    "system.backup_error.bad_manifest": {
        "en": "the backup's manifest.json is unreadable: {detail}",
        "zh-CN": "备份的 manifest.json 无法读取：{detail}",
    },
    "system.backup_error.format": {
        "en": "the backup's format {found} is not one this firmware reads (format {supported})",
        "zh-CN": "备份格式 {found} 不受本固件支持（支持格式 {supported}）",
    },
    "system.backup_error.unlisted_member": {
        "en": "the backup contains {name}, which its manifest does not list (tampered?)",
        "zh-CN": "备份中包含清单未列出的 {name}（可能被篡改）",
    },
    "system.backup_error.missing_member": {
        "en": "the backup lacks {name}, which its manifest lists",
        "zh-CN": "备份缺少清单中列出的 {name}",
    },
    "system.backup_error.hash_mismatch": {
        "en": "{name} does not match its sha256 in the manifest (tampered or damaged)",
        "zh-CN": "{name} 与清单中的 sha256 不符（被篡改或已损坏）",
    },
    "system.backup_error.too_big": {
        "en": "{name} is larger than a backup member may be",
        "zh-CN": "{name} 超过了备份成员允许的大小",
    },
    "system.backup_error.schema_newer": {
        "en": "the backup's database schema {found} is newer than this firmware's ({supported}): update the firmware first",
        "zh-CN": "备份的数据库结构版本 {found} 比本固件的（{supported}）更新：请先升级固件",
    },
    "system.backup_error.db_corrupt": {
        "en": "the backup's database fails its integrity check: {detail}",
        "zh-CN": "备份中的数据库未通过完整性检查：{detail}",
    },
    "system.backup_error.db_version": {
        "en": "the backup's database is at schema {found}, its manifest says {expected}",
        "zh-CN": "备份数据库的结构版本为 {found}，而清单中为 {expected}",
    },
    "system.backup_error.config_invalid": {
        "en": "the backup's config.yaml is not a valid configuration: {detail}",
        "zh-CN": "备份中的 config.yaml 不是有效的配置：{detail}",
    },
    # audit log labels of the system page's actions
    "audit.action.system.backup": {"en": "backup downloaded", "zh-CN": "下载备份"},
    "audit.action.system.restore": {"en": "backup restored", "zh-CN": "恢复备份"},
    "audit.action.system.restore_refused": {"en": "backup refused", "zh-CN": "备份被拒绝"},
    "audit.action.system.factory_reset": {"en": "factory reset", "zh-CN": "恢复出厂设置"},
    "audit.action.system.factory_reset_refused": {
        "en": "factory reset refused",
        "zh-CN": "恢复出厂设置被拒绝",
    },
    # The plain-HTTP port when HTTPS is on (webadmin/main.py), to a request without a Host header.
    "https.host_needed": {
        "en": "The web admin is served over HTTPS: open https://<this box's address>:{port}/",
        "zh-CN": "管理界面仅通过 HTTPS 提供：请访问 https://<本设备地址>:{port}/",
    },
}

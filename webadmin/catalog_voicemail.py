"""UI strings of the voicemail pages (mailboxes, messages, SMTP) in zh-CN and English."""

from __future__ import annotations

CATALOG: dict[str, dict[str, str]] = {
    "nav.voicemail": {"en": "Voicemail", "zh-CN": "语音信箱"},
    "voicemail.title": {"en": "Voicemail", "zh-CN": "语音信箱"},
    "voicemail.intro": {
        "en": "A mailbox belongs to an extension or an analog phone's number. Unanswered or busy calls to it "
        "go to the mailbox when forwarding is on; its owner dials *97 and the PIN to listen.",
        "zh-CN": "语音信箱属于一个分机或模拟电话号码。开启转移后，无人接听或占线的来电进入信箱；"
        "信箱主人拨 *97 并输入密码收听留言。",
    },
    "voicemail.new": {"en": "New mailbox", "zh-CN": "新建信箱"},
    "voicemail.new_title": {"en": "New mailbox", "zh-CN": "新建语音信箱"},
    "voicemail.edit_title": {"en": "Mailbox {number}", "zh-CN": "语音信箱 {number}"},
    "voicemail.none": {"en": "No mailboxes yet.", "zh-CN": "还没有语音信箱。"},
    "voicemail.number": {"en": "Number", "zh-CN": "号码"},
    "voicemail.number_hint": {
        "en": "An extension or an analog phone's number.",
        "zh-CN": "分机号码或模拟电话号码。",
    },
    "voicemail.pin": {"en": "PIN", "zh-CN": "密码"},
    "voicemail.pin_hint": {
        "en": "4 to 12 digits, typed on the phone after *97.",
        "zh-CN": "4 到 12 位数字，拨 *97 后在电话上输入。",
    },
    "voicemail.pin_keep": {"en": "Leave empty to keep the PIN.", "zh-CN": "留空则保持原密码。"},
    "voicemail.email": {"en": "Email", "zh-CN": "电子邮箱"},
    "voicemail.max_message_seconds": {"en": "Longest message (seconds)", "zh-CN": "最长留言（秒）"},
    "voicemail.max_messages": {"en": "Most messages", "zh-CN": "最多留言数"},
    "voicemail.on_no_answer": {"en": "no answer", "zh-CN": "无人接听"},
    "voicemail.on_busy": {"en": "busy", "zh-CN": "占线"},
    "voicemail.on_no_answer_label": {
        "en": "Unanswered calls go to the mailbox",
        "zh-CN": "无人接听时转入信箱",
    },
    "voicemail.on_busy_label": {"en": "Calls while busy go to the mailbox", "zh-CN": "占线时转入信箱"},
    "voicemail.attach_audio_label": {"en": "Attach the recording to the email", "zh-CN": "邮件附带录音"},
    "voicemail.enabled_label": {"en": "Mailbox in use", "zh-CN": "启用信箱"},
    "voicemail.forwarding": {"en": "Forwarding", "zh-CN": "转移"},
    "voicemail.state": {"en": "State", "zh-CN": "状态"},
    "voicemail.enabled": {"en": "in use", "zh-CN": "启用"},
    "voicemail.disabled": {"en": "off", "zh-CN": "停用"},
    "voicemail.new_messages": {"en": "New", "zh-CN": "新留言"},
    "voicemail.all_messages": {"en": "Messages", "zh-CN": "留言"},
    "voicemail.messages": {"en": "Messages", "zh-CN": "留言"},
    "voicemail.created": {"en": "Mailbox {number} created.", "zh-CN": "语音信箱 {number} 已创建。"},
    "voicemail.saved": {"en": "Mailbox {number} saved.", "zh-CN": "语音信箱 {number} 已保存。"},
    "voicemail.messages_title": {"en": "Messages of mailbox {number}", "zh-CN": "语音信箱 {number} 的留言"},
    "voicemail.messages_intro": {
        "en": "Newest first. Play in the browser or download the WAV file.",
        "zh-CN": "最新的在前。可在浏览器中播放或下载 WAV 文件。",
    },
    "voicemail.back": {"en": "All mailboxes", "zh-CN": "全部信箱"},
    "voicemail.received": {"en": "Received", "zh-CN": "时间"},
    "voicemail.caller": {"en": "Caller", "zh-CN": "来电者"},
    "voicemail.length": {"en": "Length", "zh-CN": "时长"},
    "voicemail.folder": {"en": "Folder", "zh-CN": "文件夹"},
    "voicemail.folder_new": {"en": "new", "zh-CN": "新"},
    "voicemail.folder_saved": {"en": "saved", "zh-CN": "已保存"},
    "voicemail.unheard": {"en": "not heard", "zh-CN": "未听"},
    "voicemail.listen": {"en": "Listen", "zh-CN": "收听"},
    "voicemail.download": {"en": "Download", "zh-CN": "下载"},
    "voicemail.no_messages": {"en": "No messages.", "zh-CN": "没有留言。"},
    "voicemail.delete_title": {
        "en": "Delete a message of mailbox {number}",
        "zh-CN": "删除语音信箱 {number} 的留言",
    },
    "voicemail.delete_text": {
        "en": "The recording is deleted from the box for good.",
        "zh-CN": "录音将从设备上永久删除。",
    },
    "voicemail.delete_confirm": {"en": "Delete the message", "zh-CN": "删除留言"},
    "voicemail.message_deleted": {
        "en": "Message of mailbox {number} deleted.",
        "zh-CN": "语音信箱 {number} 的留言已删除。",
    },
    "voicemail.smtp_title": {"en": "Email server (SMTP)", "zh-CN": "邮件服务器（SMTP）"},
    "voicemail.smtp_intro": {
        "en": "New messages are emailed to the mailbox's address through this server. No server: no email.",
        "zh-CN": "新留言通过此服务器发送到信箱的电子邮箱。未设置服务器则不发送邮件。",
    },
    "voicemail.smtp_host": {"en": "Server", "zh-CN": "服务器"},
    "voicemail.smtp_port": {"en": "Port", "zh-CN": "端口"},
    "voicemail.smtp_user": {"en": "User name", "zh-CN": "用户名"},
    "voicemail.smtp_password": {"en": "Password", "zh-CN": "密码"},
    "voicemail.smtp_password_set": {
        "en": "A password is stored; leave empty to keep it.",
        "zh-CN": "已保存密码；留空则保持不变。",
    },
    "voicemail.smtp_password_none": {"en": "No password stored.", "zh-CN": "未保存密码。"},
    "voicemail.smtp_from": {"en": "Sender address", "zh-CN": "发件人地址"},
    "voicemail.smtp_starttls": {"en": "Use STARTTLS", "zh-CN": "使用 STARTTLS"},
    "voicemail.smtp_saved": {"en": "Email server saved.", "zh-CN": "邮件服务器已保存。"},
    "voicemail.retention_title": {"en": "Retention and disk space", "zh-CN": "保留期限与磁盘空间"},
    "voicemail.retention_intro": {
        "en": "pbx-core deletes messages past their age and the oldest beyond the quota every few minutes. "
        "Below the free-space reserve no message is taken: callers are told the mailbox is full. 0 switches a limit off.",
        "zh-CN": "pbx-core 每隔几分钟删除超过保留天数的留言，以及超出配额的最旧留言。"
        "可用空间低于保留值时不再接收留言，来电者会听到信箱已满。0 表示不限制。",
    },
    "voicemail.retention_disk": {
        "en": "Messages use {used} MB ({count} messages); {free} MB of disk free.",
        "zh-CN": "留言占用 {used} MB（{count} 条）；磁盘可用 {free} MB。",
    },
    "voicemail.retention_low": {
        "en": "Free space is below the reserve: no message is taken now.",
        "zh-CN": "可用空间低于保留值：现在不接收留言。",
    },
    "voicemail.voicemail_keep_new_days": {"en": "Keep new messages (days)", "zh-CN": "新留言保留（天）"},
    "voicemail.voicemail_keep_new_days_hint": {
        "en": "Messages not yet saved are deleted after this many days; 0 keeps them.",
        "zh-CN": "未保存的留言在此天数后删除；0 表示永久保留。",
    },
    "voicemail.voicemail_keep_saved_days": {
        "en": "Keep saved messages (days)",
        "zh-CN": "已保存留言保留（天）",
    },
    "voicemail.voicemail_keep_saved_days_hint": {
        "en": "Saved messages are deleted after this many days; 0 keeps them.",
        "zh-CN": "已保存的留言在此天数后删除；0 表示永久保留。",
    },
    "voicemail.voicemail_quota_mb": {"en": "Quota for all mailboxes (MB)", "zh-CN": "全部信箱配额（MB）"},
    "voicemail.voicemail_quota_mb_hint": {
        "en": "Beyond it the oldest messages of any mailbox are deleted first; 0: no quota.",
        "zh-CN": "超出时先删除任一信箱中最旧的留言；0 表示不限。",
    },
    "voicemail.voicemail_reserve_mb": {"en": "Free disk to keep (MB)", "zh-CN": "保留可用磁盘（MB）"},
    "voicemail.voicemail_reserve_mb_hint": {
        "en": "Below this no new message is recorded; 0: no reserve.",
        "zh-CN": "低于此值时不再录制新留言；0 表示不保留。",
    },
    "voicemail.retention_saved": {"en": "Retention saved.", "zh-CN": "保留设置已保存。"},
    "voicemail.err.number_required": {"en": "Enter the number.", "zh-CN": "请输入号码。"},
    "voicemail.err.number_unknown": {
        "en": "No extension or analog phone has this number.",
        "zh-CN": "没有分机或模拟电话使用此号码。",
    },
    "voicemail.err.number_taken": {
        "en": "This number already has a mailbox.",
        "zh-CN": "此号码已有语音信箱。",
    },
    "voicemail.err.pin": {"en": "The PIN is 4 to 12 digits.", "zh-CN": "密码为 4 到 12 位数字。"},
    "voicemail.err.email": {"en": "This is not an email address.", "zh-CN": "这不是有效的电子邮箱地址。"},
    "voicemail.err.max_message_seconds": {"en": "From 5 to 3600 seconds.", "zh-CN": "5 到 3600 秒。"},
    "voicemail.err.max_messages": {"en": "From 1 to 1000.", "zh-CN": "1 到 1000。"},
    "voicemail.err.smtp_host": {
        "en": "This is not a host name or address.",
        "zh-CN": "这不是有效的主机名或地址。",
    },
    "voicemail.err.smtp_port": {"en": "A port from 1 to 65535.", "zh-CN": "端口为 1 到 65535。"},
    "voicemail.greetings_title": {"en": "Greetings", "zh-CN": "问候语"},
    "voicemail.greetings_intro": {
        "en": "A caller hears the temporary greeting if there is one, else the one for the case; a case "
        "without an upload gets a spoken default.",
        "zh-CN": "如有临时问候语则播放临时问候语，否则播放对应情况的问候语；未上传的情况播放默认语音。",
    },
    "voicemail.greeting_unavailable": {"en": "No answer", "zh-CN": "无人接听"},
    "voicemail.greeting_busy": {"en": "Busy", "zh-CN": "占线"},
    "voicemail.greeting_temporary": {"en": "Temporary (overrides both)", "zh-CN": "临时（优先于以上两者）"},
    "voicemail.greeting_spoken": {"en": "Spoken default", "zh-CN": "默认语音"},
    "voicemail.greeting_default": {"en": "Back to the default", "zh-CN": "恢复默认"},
    "voicemail.greeting_kind": {"en": "Greeting", "zh-CN": "问候语"},
    "voicemail.greeting_file": {"en": "Audio file", "zh-CN": "音频文件"},
    "voicemail.greeting_upload": {"en": "Upload", "zh-CN": "上传"},
    "voicemail.greeting_no_file": {
        "en": "Choose a greeting and a file.",
        "zh-CN": "请选择问候语类型和文件。",
    },
    "voicemail.greeting_saved": {
        "en": "Greeting of mailbox {number} saved.",
        "zh-CN": "语音信箱 {number} 的问候语已保存。",
    },
    "voicemail.greeting_deleted": {
        "en": "Mailbox {number} speaks the default greeting again.",
        "zh-CN": "语音信箱 {number} 已恢复默认问候语。",
    },
    "voicemail.delete_mailbox_title": {"en": "Delete mailbox {number}", "zh-CN": "删除语音信箱 {number}"},
    "voicemail.delete_mailbox_text": {
        "en": "The mailbox, its greetings and its {count} messages are deleted for good.",
        "zh-CN": "信箱、其问候语和 {count} 条留言将被永久删除。",
    },
    "voicemail.delete_mailbox_confirm": {"en": "Delete the mailbox", "zh-CN": "删除信箱"},
    "voicemail.deleted": {"en": "Mailbox {number} deleted.", "zh-CN": "语音信箱 {number} 已删除。"},
}

"""UI strings of the webhook page (outbound call and agent events); validation messages live with
telephony.callcenter.webhook_settings."""

from __future__ import annotations

CATALOG: dict[str, dict[str, str]] = {
    "nav.webhooks": {"en": "Webhooks", "zh-CN": "Webhook 推送"},
    "webhooks.title": {"en": "Webhooks", "zh-CN": "Webhook 推送"},
    "webhooks.intro": {
        "en": "The box POSTs each call and agent event as JSON to this URL, signed, in order, retrying "
        "while the receiver is down. Calls never wait for it.",
        "zh-CN": "设备将每个通话和坐席事件以 JSON 格式按顺序签名后 POST 到此 URL，接收方不可用时会重试；"
        "通话从不等待推送。",
    },
    "webhooks.url": {"en": "URL", "zh-CN": "URL"},
    "webhooks.url_hint": {
        "en": "http:// or https://; empty turns webhooks off.",
        "zh-CN": "http:// 或 https://；留空则关闭推送。",
    },
    "webhooks.events": {"en": "Events", "zh-CN": "事件"},
    "webhooks.events_hint": {
        "en": "Patterns separated by commas, e.g. call-*,agent-*; empty sends every event: {known}",
        "zh-CN": "用逗号分隔的模式，例如 call-*,agent-*；留空则发送全部事件：{known}",
    },
    "webhooks.secret": {"en": "Signing secret", "zh-CN": "签名密钥"},
    "webhooks.secret_hint": {
        "en": "Saved: {masked}. Leave empty to keep it; type a new one (16 to 256 characters) to replace it.",
        "zh-CN": "已保存：{masked}。留空则保留；输入新密钥（16 到 256 个字符）以替换。",
    },
    "webhooks.secret_none": {
        "en": "None yet: one is generated when you save a URL, or type your own (16 to 256 characters).",
        "zh-CN": "尚未设置：保存 URL 时自动生成，也可自行输入（16 到 256 个字符）。",
    },
    "webhooks.regenerate": {"en": "Generate a new secret", "zh-CN": "生成新密钥"},
    "webhooks.signature_hint": {
        "en": "Each POST carries X-PBX-Event, X-PBX-Delivery (the same on retries), X-PBX-Timestamp and "
        'X-PBX-Signature: sha256=HMAC-SHA256(secret, timestamp + "." + body) in hex.',
        "zh-CN": "每个 POST 带有 X-PBX-Event、X-PBX-Delivery（重试时不变）、X-PBX-Timestamp 和 "
        'X-PBX-Signature：sha256=HMAC-SHA256(密钥, timestamp + "." + body) 的十六进制值。',
    },
    "webhooks.new_secret": {
        "en": "The signing secret is shown this once; copy it to the receiver now:",
        "zh-CN": "签名密钥只显示这一次，请立即复制到接收方：",
    },
    "webhooks.saved": {"en": "Webhook settings saved.", "zh-CN": "Webhook 设置已保存。"},
    "webhooks.status": {"en": "Delivery", "zh-CN": "推送状态"},
    "webhooks.state": {"en": "State", "zh-CN": "状态"},
    "webhooks.on": {"en": "on", "zh-CN": "开启"},
    "webhooks.off": {"en": "off", "zh-CN": "关闭"},
    "webhooks.delivered": {"en": "Delivered", "zh-CN": "已送达"},
    "webhooks.failed": {"en": "Failed (given up)", "zh-CN": "失败（已放弃）"},
    "webhooks.dropped": {"en": "Dropped (outbox full)", "zh-CN": "已丢弃（发件队列满）"},
    "webhooks.queued": {"en": "Waiting to be sent", "zh-CN": "待发送"},
    "webhooks.last_error": {"en": "Last error", "zh-CN": "最近错误"},
    "webhooks.no_status": {
        "en": "pbx-core did not report the delivery state.",
        "zh-CN": "pbx-core 未报告推送状态。",
    },
}

"""UI strings of the firmware update page (upload a signed bundle, progress, refusals) in zh-CN and English."""

from __future__ import annotations

CATALOG: dict[str, dict[str, str]] = {
    "nav.update": {"en": "Update", "zh-CN": "固件升级"},
    "update.title": {"en": "Firmware update", "zh-CN": "固件升级"},
    "update.intro": {
        "en": "Upload a signed update bundle for this box. It is checked (signature, board) before anything "
        "is written, installed to the slot not running now, and the box restarts into it. The new system "
        "is kept only once its health checks pass; otherwise the box goes back to the current one by itself. "
        "Settings, recordings and the database stay on the data partition.",
        "zh-CN": "上传本机的已签名升级包。写入前先校验签名和板型，然后安装到当前未运行的分区，"
        "并重启进入新系统。新系统通过健康检查后才会被保留；否则设备会自动回到当前系统。"
        "设置、录音和数据库保存在数据分区中，不受影响。",
    },
    "update.slots": {"en": "System slots", "zh-CN": "系统分区"},
    "update.slot": {"en": "Slot", "zh-CN": "分区"},
    "update.slot_state": {"en": "State", "zh-CN": "状态"},
    "update.boot_status": {"en": "Boot status", "zh-CN": "启动状态"},
    "update.slot_version": {"en": "Installed version", "zh-CN": "已安装版本"},
    "update.booted": {"en": "running now", "zh-CN": "当前运行"},
    "update.next": {"en": "starts next", "zh-CN": "下次启动"},
    "update.no_rauc": {
        "en": "The update service (RAUC) does not answer here: {detail}",
        "zh-CN": "升级服务（RAUC）无响应：{detail}",
    },
    "update.upload_title": {"en": "Install an update", "zh-CN": "安装升级包"},
    "update.file": {"en": "Update bundle (.raucb)", "zh-CN": "升级包（.raucb）"},
    "update.install": {"en": "Upload and install", "zh-CN": "上传并安装"},
    "update.no_file": {"en": "Choose an update bundle file first.", "zh-CN": "请先选择升级包文件。"},
    "update.busy": {
        "en": "An update is being installed already; wait for it to finish.",
        "zh-CN": "正在安装另一个升级包，请等待其完成。",
    },
    "update.progress": {"en": "Progress", "zh-CN": "进度"},
    "update.uploading": {"en": "Uploading…", "zh-CN": "正在上传…"},
    "update.phase.checking": {"en": "Checking the bundle…", "zh-CN": "正在校验升级包…"},
    "update.phase.installing": {"en": "Installing to the other slot…", "zh-CN": "正在安装到另一分区…"},
    "update.phase.rebooting": {
        "en": "Version {version} is installed. The box is restarting into it; this page comes back when it is up.",
        "zh-CN": "版本 {version} 已安装，设备正在重启进入新系统；启动完成后本页面会恢复。",
    },
    "update.phase.refused": {
        "en": "Refused, nothing was written: {reason}",
        "zh-CN": "已拒绝，未写入任何内容：{reason}",
    },
    "update.phase.failed": {"en": "The installation failed: {reason}", "zh-CN": "安装失败：{reason}"},
    "update.reason.unsigned": {"en": "the bundle is not signed.", "zh-CN": "升级包没有签名。"},
    "update.reason.tampered": {
        "en": "the bundle's contents do not match its signature (damaged or modified).",
        "zh-CN": "升级包内容与签名不符（已损坏或被篡改）。",
    },
    "update.reason.untrusted": {
        "en": "the bundle is signed by a key this box does not trust.",
        "zh-CN": "升级包的签名密钥不受本机信任。",
    },
    "update.reason.wrong_board": {
        "en": "the bundle is for another board.",
        "zh-CN": "升级包适用于其他板型。",
    },
    "update.reason.not_bundle": {
        "en": "the file is not an update bundle.",
        "zh-CN": "该文件不是升级包。",
    },
    "update.reason.failed": {"en": "the update service reported an error.", "zh-CN": "升级服务报告错误。"},
    "update.detail": {"en": "Details", "zh-CN": "详细信息"},
    "update.rolled_back_title": {"en": "Update rolled back", "zh-CN": "升级已回退"},
    "update.rolled_back_text": {
        "en": "version {version} (slot {slot}) did not pass its health checks after restarting, so the box went "
        "back to slot {running} (version {running_version}). Slot {slot} will not be started again until a new "
        "update is installed into it.",
        "zh-CN": "版本 {version}（分区 {slot}）重启后未通过健康检查，设备已自动回退到分区 {running}（版本 "
        "{running_version}）。在重新升级之前，分区 {slot} 不会再被启动。",
    },
    "update.rollback_title": {"en": "Database restored after a rollback", "zh-CN": "回退后已恢复数据库"},
    "update.rollback_text": {
        "en": "On {when} this firmware found a database of schema {found} (written by a newer firmware that "
        "was rolled back) and restored the copy taken before that update (schema {restored}). The newer "
        "database is kept as {aside}.",
        "zh-CN": "{when}，本固件发现数据库结构版本为 {found}（由已回退的较新固件写入），"
        "已恢复升级前保存的副本（结构版本 {restored}）。较新的数据库保存在 {aside}。",
    },
}

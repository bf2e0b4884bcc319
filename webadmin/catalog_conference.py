"""UI strings of the conference room pages (rooms, the live view) in zh-CN and English."""

from __future__ import annotations

CATALOG: dict[str, dict[str, str]] = {
    "nav.conference": {"en": "Conferences", "zh-CN": "会议室"},
    "conference.title": {"en": "Conference rooms", "zh-CN": "会议室"},
    "conference.intro": {
        "en": "Callers dial a room's number and its PIN; the moderator PIN also gives *5 (lock) and *7 "
        "(remove the last one in). Everyone presses *1 to mute or unmute.",
        "zh-CN": "拨打会议室号码并输入密码即可入会；主持人密码另可用 *5 锁定、*7 移除最后入会者。"
        "所有人按 *1 静音或取消静音。",
    },
    "conference.new": {"en": "New room", "zh-CN": "新建会议室"},
    "conference.new_title": {"en": "New conference room", "zh-CN": "新建会议室"},
    "conference.edit_title": {"en": "Room {number}", "zh-CN": "会议室 {number}"},
    "conference.empty": {"en": "No conference rooms yet.", "zh-CN": "还没有会议室。"},
    "conference.number": {"en": "Number", "zh-CN": "号码"},
    "conference.name": {"en": "Name", "zh-CN": "名称"},
    "conference.pin": {"en": "PIN", "zh-CN": "密码"},
    "conference.moderator_pin": {"en": "Moderator PIN", "zh-CN": "主持人密码"},
    "conference.pin_hint": {
        "en": "3 to 12 digits; leave empty to keep (a new room without PIN lets anyone in).",
        "zh-CN": "3 到 12 位数字；留空则保持（新会议室无密码时任何人可入会）。",
    },
    "conference.clear_pins": {"en": "Remove both PINs", "zh-CN": "清除两个密码"},
    "conference.max_participants": {"en": "Most participants", "zh-CN": "最多人数"},
    "conference.music_when_alone": {"en": "Music while alone", "zh-CN": "独自一人时播放音乐"},
    "conference.entry_exit_tones": {"en": "Entry and exit tones", "zh-CN": "入会和离会提示音"},
    "conference.locked": {"en": "Locked", "zh-CN": "已锁定"},
    "conference.record": {"en": "Record the room", "zh-CN": "录制会议"},
    "conference.has_pin": {"en": "PIN", "zh-CN": "密码"},
    "conference.live": {"en": "Live", "zh-CN": "实时"},
    "conference.live_title": {"en": "Room {number}: live", "zh-CN": "会议室 {number}：实时"},
    "conference.nobody": {"en": "Nobody is in the room.", "zh-CN": "会议室里没有人。"},
    "conference.caller": {"en": "Caller", "zh-CN": "来电号码"},
    "conference.role": {"en": "Role", "zh-CN": "角色"},
    "conference.muted": {"en": "Muted", "zh-CN": "已静音"},
    "conference.mute": {"en": "Mute", "zh-CN": "静音"},
    "conference.unmute": {"en": "Unmute", "zh-CN": "取消静音"},
    "conference.kick": {"en": "Remove", "zh-CN": "移出"},
    "conference.lock": {"en": "Lock", "zh-CN": "锁定"},
    "conference.unlock": {"en": "Unlock", "zh-CN": "解锁"},
    "conference.dial": {"en": "Invite a number", "zh-CN": "邀请号码"},
    "conference.done": {"en": "Done in room {number}.", "zh-CN": "已在会议室 {number} 完成操作。"},
    "conference.created": {"en": "Room {number} created.", "zh-CN": "会议室 {number} 已创建。"},
    "conference.saved": {"en": "Room {number} saved.", "zh-CN": "会议室 {number} 已保存。"},
    "conference.deleted": {"en": "Room {number} deleted.", "zh-CN": "会议室 {number} 已删除。"},
    "conference.delete_title": {"en": "Delete room {number}?", "zh-CN": "删除会议室 {number}？"},
    "conference.delete_text": {
        "en": "Callers dialing this number will no longer reach a room.",
        "zh-CN": "拨打此号码的来电将不再进入会议室。",
    },
    "conference.delete_confirm": {"en": "Delete the room", "zh-CN": "删除会议室"},
    "conference.err_number": {"en": "2 to 8 digits.", "zh-CN": "2 到 8 位数字。"},
    "conference.err_taken": {
        "en": "An extension, port, queue, IVR or room already has this number.",
        "zh-CN": "此号码已被分机、端口、队列、IVR 或会议室使用。",
    },
    "conference.err_name": {"en": "64 characters at most.", "zh-CN": "最多 64 个字符。"},
    "conference.err_pin": {"en": "3 to 12 digits.", "zh-CN": "3 到 12 位数字。"},
    "conference.err_same_pin": {
        "en": "The moderator PIN must differ from the PIN.",
        "zh-CN": "主持人密码不能与密码相同。",
    },
    "conference.err_max": {"en": "A number from 2 to 120.", "zh-CN": "2 到 120 之间的数字。"},
}

"""The voicemail number service of pbx-core: `*97` (the caller's own mailbox) and message deposit.

Registered in engine.services (owns/complete/enter) ahead of the call center's `*9` feature
codes. A call hands its caller over with `forward_leg` when the callee does not answer or is busy
and the callee's mailbox takes that case. Everything here runs on the engine thread; email goes
out on the notifier's own thread.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from telephony.calls.legs import CallLeg, SipLeg
from telephony.models import Setting
from telephony.models.voicemail import Mailbox, VoicemailMessage
from telephony.prompts import LANGUAGES, Prompts
from telephony.voicemail import store
from telephony.voicemail.deposit import DepositCall
from telephony.voicemail.menu import MenuCall
from telephony.voicemail.mwi import MessageWaiting
from telephony.voicemail.retention import Retention, RetentionTimer, free_mb_function

if TYPE_CHECKING:
    from telephony.engine import Engine

log = logging.getLogger(__name__)

MENU_CODE = "*97"
CLOSE_TRIES = 40  # x 0.05 s: how long to wait for the recorder to finish its file
MWI_INTERVAL = 5.0  # seconds between checks that also catch messages deleted in the web admin

SAY: dict[str, dict[str, str]] = {
    "zh-CN": {
        "unavailable": "分机{number}无人接听，请在提示音后留言，按井号键结束。",
        "busy": "分机{number}正忙，请在提示音后留言，按井号键结束。",
        "full": "对方的语音信箱已满，再见。",
        "unable": "现在无法留言，请稍后再拨，再见。",
        "no_mailbox": "此电话没有语音信箱，再见。",
        "pin": "请输入密码，以井号键结束。",
        "bad_pin": "密码错误。",
        "main": "您有{new}条新留言，{saved}条已保存留言。听新留言请按1，听已保存留言请按2，问候语请按0。",
        "options": "重听请按1，回拨请按5，删除请按7，保存请按9，下一条请按井号键。",
        "no_callback": "无法回拨此留言。",
        "forward_to": "请输入要转发到的信箱号码，以井号键结束；取消请按星号键。",
        "forwarded": "留言已转发。",
        "no_such_mailbox": "没有这个信箱。",
        "target_full": "该信箱已满。",
        "greetings": "录制无人接听问候语请按1，占线问候语请按2，临时问候语请按3，删除临时问候语请按4，返回请按星号键。",
        "record_greeting": "请在提示音后录制问候语，按井号键结束。",
        "greeting_saved": "问候语已保存。",
        "greeting_erased": "临时问候语已删除。",
        "unable_greeting": "现在无法录制问候语。",
        "deleted": "留言已删除。",
        "saved": "留言已保存。",
        "no_more": "没有更多留言。",
        "goodbye": "再见。",
        "message": "第{n}条留言，来自{caller}。",
    },
    "en": {
        "unavailable": "Extension {number} is not available. Please leave a message after the tone; press pound when done.",
        "busy": "Extension {number} is busy. Please leave a message after the tone; press pound when done.",
        "full": "The mailbox is full. Goodbye.",
        "unable": "A message cannot be left now. Please call again later. Goodbye.",
        "no_mailbox": "This phone has no mailbox. Goodbye.",
        "pin": "Please enter your PIN, then press pound.",
        "bad_pin": "Wrong PIN.",
        "main": "You have {new} new and {saved} saved messages. Press 1 for new messages, 2 for saved messages, "
        "0 for greetings.",
        "options": "Press 1 to replay, 5 to call back, 7 to delete, 9 to save, pound for the next message.",
        "no_callback": "This message cannot be called back.",
        "forward_to": "Enter the mailbox number to forward to, then pound; star to cancel.",
        "forwarded": "Message forwarded.",
        "no_such_mailbox": "There is no such mailbox.",
        "target_full": "That mailbox is full.",
        "greetings": "Press 1 to record the unavailable greeting, 2 the busy greeting, 3 a temporary greeting, "
        "4 to erase the temporary greeting, star to go back.",
        "record_greeting": "Record your greeting after the tone, then press pound.",
        "greeting_saved": "Greeting saved.",
        "greeting_erased": "Temporary greeting erased.",
        "unable_greeting": "A greeting cannot be recorded now.",
        "deleted": "Message deleted.",
        "saved": "Message saved.",
        "no_more": "No more messages.",
        "goodbye": "Goodbye.",
        "message": "Message {n}, from {caller}.",
    },
}


class VoicemailService:
    """Mailboxes on the engine thread: deposit, the phone menu, message-waiting, notification."""

    def __init__(self, engine: Engine, notifier: Any = None, sip_mwi: Any = None) -> None:
        self.engine = engine
        self.media_dir: Path = engine.cfg.media_dir
        self.prompts = Prompts(self.media_dir)
        self.beep = store.write_beep(self.media_dir / "voicemail" / "beep.wav")
        self.mwi = MessageWaiting(engine, sip_mwi)
        self.notifier = notifier  # telephony.voicemail.notify.EmailNotifier, or None
        self.timer: Any = None
        self.retention = Retention(self.media_dir, free_mb_function(self.media_dir))
        self.retention_timer = RetentionTimer(engine, self.retention)
        self._repair()

    def start(self) -> None:
        self.refresh_mwi()
        self.retention_timer.start()

    def close(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        self.retention_timer.close()
        self.prompts.close()
        if self.notifier is not None:
            self.notifier.stop()
        if self.mwi.sip is not None:
            self.mwi.sip.stop()

    # --- a number service of the engine (engine.services) ----------------------------------------

    def owns(self, number: str) -> bool:
        return number == MENU_CODE

    def complete(self, number: str) -> bool:
        return number == MENU_CODE

    def enter(self, leg: CallLeg, caller: str, caller_name: str, number: str) -> None:
        """`*97`: the menu of the caller's own mailbox."""
        mailbox = Mailbox.get_or_none((Mailbox.number == caller) & Mailbox.enabled)
        call = MenuCall(self, leg, caller, caller_name, mailbox)
        log.info("call %s: %s opens voicemail", call.uniqueid, caller)
        call.answer()

    # --- deposit --------------------------------------------------------------------------------

    def forward_leg(self, leg: CallLeg, caller: str, caller_name: str, callee: str, reason: str) -> bool:
        """Take over a caller leg whose callee did not answer (`unavailable`) or is `busy`.

        Returns False (and leaves the leg to its call) when the callee has no mailbox for that
        case, or when the mailbox call could not start (the caller is then refused as before).
        """
        mailbox = self._forwards(callee, reason)
        if mailbox is None:
            return False
        owner, role, known = leg.call, leg.role, set(self.engine.calls)
        try:
            self.leave_message(leg, caller, caller_name, mailbox, reason)
        except Exception:  # a broken greeting or disk must not leave the caller in silence
            log.exception("voicemail %s could not take the call from %s", callee, caller)
            for uid in set(self.engine.calls) - known:
                self.engine.calls.pop(uid, None)
            leg.call, leg.role = owner, role
            if isinstance(leg, SipLeg):
                leg.leg.call, leg.leg.role = owner, role
            return False
        return True

    @staticmethod
    def _forwards(callee: str, reason: str) -> Mailbox | None:
        """The callee's mailbox when it takes calls for `reason` (busy or unavailable)."""
        mailbox = Mailbox.get_or_none((Mailbox.number == callee) & Mailbox.enabled)
        if mailbox is None or not (mailbox.on_busy if reason == "busy" else mailbox.on_no_answer):
            return None
        return mailbox

    def leave_message(
        self, leg: CallLeg, caller: str, caller_name: str, mailbox: Mailbox, reason: str
    ) -> None:
        """Answer `leg` and let it leave a message in `mailbox` (also for an IVR's voicemail node)."""
        call = DepositCall(self, leg, caller, caller_name, mailbox, reason)
        log.info("call %s: %s -> voicemail %s (%s)", call.uniqueid, caller, mailbox.number, reason)
        call.answer()

    def when_closed(
        self, mailbox: Mailbox, path: Path | None, caller: str, caller_name: str, tries: int = 0
    ) -> None:
        """Store a recording once its writer has closed it.

        pjmedia removes a conference port asynchronously, on a later loop turn, and only then
        writes the WAV sizes; wait for them (a header still without sizes after CLOSE_WAIT is
        repaired from the file size: the writer is gone by then).
        """
        if path is None:
            return
        if not store.wav_closed(path) and tries < CLOSE_TRIES:
            self.engine.call_later(
                0.05, lambda: self.when_closed(mailbox, path, caller, caller_name, tries + 1)
            )
            return
        if path.exists():
            store.repair_wav(path)
        self.message_recorded(mailbox, path, caller, caller_name)

    def discard_when_closed(self, path: Path | None, tries: int = 0) -> None:
        """Delete a recording cut short (the disk ran low) once its writer has closed it: no row."""
        if path is None:
            return
        if not store.wav_closed(path) and tries < CLOSE_TRIES:
            self.engine.call_later(0.05, lambda: self.discard_when_closed(path, tries + 1))
            return
        path.unlink(missing_ok=True)
        log.info("voicemail: %s discarded (disk below its reserve)", path.name)

    def when_greeting_closed(self, number: str, kind: str, path: Path, keep: bool, tries: int = 0) -> None:
        """Make a greeting recorded from the phone the mailbox's `kind` greeting once its file is closed."""
        if not store.wav_closed(path) and tries < CLOSE_TRIES:
            self.engine.call_later(
                0.05, lambda: self.when_greeting_closed(number, kind, path, keep, tries + 1)
            )
            return
        if not path.exists():
            return
        store.repair_wav(path)
        mailbox = Mailbox.get_or_none(Mailbox.number == number)
        if not keep or mailbox is None or store.wav_seconds(path) < store.MIN_SECONDS:
            path.unlink(missing_ok=True)
            return
        final = path.with_name(f"{kind}.wav")
        path.replace(final)
        setattr(mailbox, f"greeting_{kind}", str(final.relative_to(self.media_dir)))
        mailbox.save()
        log.info(
            "mailbox %s: %s greeting recorded from the phone (%.1f s)", number, kind, store.wav_seconds(final)
        )

    def message_recorded(self, mailbox: Mailbox, path: Path | None, caller: str, caller_name: str) -> None:
        """A recording was closed: store it, light the lamp, send the email."""
        if path is None:
            return
        message = store.save_message(self.media_dir, mailbox, path, caller, caller_name)
        if message is None:
            return
        log.info(
            "mailbox %s: new message %d (%.1f s) from %s",
            mailbox.number,
            message.id,
            message.duration,
            caller,
        )
        self.refresh_mwi()
        if self.notifier is not None and mailbox.email:
            self.notifier.submit(message.id)

    def copy_message(self, message: VoicemailMessage, target: Mailbox) -> bool:
        """Forward a message: a copy of its file and row in `target` (new, unheard); False when full."""
        if store.message_count(target) >= target.max_messages:
            return False
        path = store.new_message_path(self.media_dir, target.number)
        shutil.copyfile(self.media_dir / message.path, path)
        self.message_recorded(target, path, message.caller, message.caller_name)
        return True

    # --- shared ---------------------------------------------------------------------------------

    def language(self) -> str:
        language = Setting.get_value("prompt_language", "zh-CN")
        return language if language in LANGUAGES else "zh-CN"

    def text(self, key: str, **args: Any) -> str:
        return SAY[self.language()][key].format(**args)

    def refresh_mwi(self) -> None:
        """Set every phone's message-waiting state from the database, then check again later."""
        if self.timer is not None:
            self.timer.cancel()
        try:
            self.mwi.apply(store.counts())
        except Exception:  # MWI is advisory; it must never stop the loop
            log.exception("message-waiting update failed")
        self.timer = self.engine.call_later(MWI_INTERVAL, self.refresh_mwi)

    def _repair(self) -> None:
        """Keep messages whose recorder never closed (pbx-core killed): fix the header, add the row."""
        known = {m.path for m in VoicemailMessage.select(VoicemailMessage.path)}
        for folder in sorted((self.media_dir / "voicemail").glob("*/")):
            mailbox = Mailbox.get_or_none(Mailbox.number == folder.name)
            for path in sorted(folder.glob("*.wav")):
                rel = str(path.relative_to(self.media_dir))
                try:
                    if store.repair_wav(path):
                        log.warning("voicemail file %s repaired after an unclean stop", rel)
                except OSError as exc:
                    log.error("voicemail file %s: %s", rel, exc)
                    continue
                if rel not in known and mailbox is not None:
                    store.save_message(self.media_dir, mailbox, path, "", "")

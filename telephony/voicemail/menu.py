"""The phone menu of a mailbox (`*97` from its own phone): PIN, then listen, save, delete.

    PIN then #     three wrong PINs end the call
    1 / 2          listen to new / saved messages (main menu)
    0              greetings: 1 unavailable, 2 busy, 3 temporary (record after the tone, # ends),
                   4 erase the temporary greeting, * back
    while a message plays or after it:
      1 replay   5 call the sender back   7 delete   8 forward (mailbox number, then #)
      9 save (to saved)   # next   * main menu

A message counts as heard (no more message-waiting) once it has been played to the end. States
(`phase`): pin -> main -> message -> options -> ... ; `bye` while the goodbye plays.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pjsua2 as pj

from telephony.calls.legs import CallLeg, SipLeg
from telephony.calls.line import LineCall
from telephony.models import Extension, utcnow
from telephony.models.lines import PortSetting
from telephony.models.voicemail import Mailbox, VoicemailMessage
from telephony.voicemail import store
from telephony.voicemail.calls import VoicemailCall

if TYPE_CHECKING:
    from telephony.voicemail.service import VoicemailService

log = logging.getLogger(__name__)

MAX_PIN_TRIES = 3
IDLE_TIMEOUT = 20.0
GREETING_SECONDS = 60.0  # the longest greeting recorded from the phone  # seconds of silence in a menu before the box says goodbye


class MenuCall(VoicemailCall):
    """A mailbox owner at the phone menu."""

    def __init__(
        self, service: VoicemailService, leg: CallLeg, caller: str, caller_name: str, mailbox: Mailbox | None
    ) -> None:
        super().__init__(service, leg, caller, caller_name, "*97")
        self.mailbox = mailbox
        self.phase = "pin"
        self.entered = ""
        self.tries = 0
        self.folder = "new"
        self.queue: list[VoicemailMessage] = []
        self.current: VoicemailMessage | None = None
        self.position = 0  # the current message's place in the folder, as spoken
        self.greeting_kind = ""
        self.recorder: pj.AudioMediaRecorder | None = None
        self.record_to: Any = None
        self.record_path: Path | None = None
        self.greeting_timer: Any = None
        self.idle = None

    def begin(self) -> None:
        if self.mailbox is None:
            self._bye("no_mailbox")
            return
        self._prompt("pin")

    def digit(self, digit: str) -> None:
        self._touch()
        handler = getattr(self, f"_in_{self.phase}", None)
        if handler is not None:
            handler(digit)

    # --- phases ---------------------------------------------------------------------------------

    def _in_pin(self, digit: str) -> None:
        if digit != "#":
            self.entered = (self.entered + digit)[-16:]
            return
        pin, self.entered = self.entered, ""
        if self.mailbox.check_pin(pin):
            log.info("call %s: mailbox %s opened", self.uniqueid, self.mailbox.number)
            self._main()
            return
        self.tries += 1
        log.warning("call %s: wrong PIN for mailbox %s (%d)", self.uniqueid, self.mailbox.number, self.tries)
        if self.tries >= MAX_PIN_TRIES:
            self._bye("bad_pin")
        else:
            self.stop_audio()
            self.say(self.service.text("bad_pin") + " " + self.service.text("pin"), self._touch)

    def _in_main(self, digit: str) -> None:
        if digit in ("1", "2"):
            self.folder = "new" if digit == "1" else "saved"
            self.queue = store.messages(self.mailbox, self.folder)
            self.position = 0
            self._next()
        elif digit == "0":
            self._prompt("greetings", phase="greetings")
        elif digit == "*":
            self._bye("goodbye")

    def _in_greetings(self, digit: str) -> None:
        kinds = {"1": "unavailable", "2": "busy", "3": "temporary"}
        if digit in kinds:
            self.greeting_kind = kinds[digit]
            self.phase = "greeting_intro"
            self._say_then("record_greeting", lambda: self.play(self.service.beep, self._record_greeting))
        elif digit == "4":
            self._erase_greeting("temporary")
            self._say_then("greeting_erased", lambda: self._prompt("greetings", phase="greetings"))
        elif digit == "*":
            self._main()

    def _in_greeting_recording(self, digit: str) -> None:
        if digit == "#":
            self._finish_greeting(keep=True)

    def _record_greeting(self) -> None:
        med = self.a.media()
        if med is None:
            self.hang_up()
            return
        folder = store.mailbox_dir(self.service.media_dir, self.mailbox.number) / "greetings"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f".{self.greeting_kind}.part.wav"  # a name no caller is played
            recorder = pj.AudioMediaRecorder()
            recorder.createRecorder(str(path))
            med.startTransmit(recorder)
        except (OSError, pj.Error) as exc:
            log.error("call %s: cannot record a greeting: %s", self.uniqueid, exc)
            self._say_then("unable_greeting", lambda: self._prompt("greetings", phase="greetings"))
            return
        self.phase = "greeting_recording"
        self.recorder, self.record_to, self.record_path = recorder, med, path
        self.greeting_timer = self.engine.call_later(
            GREETING_SECONDS, lambda: self._finish_greeting(keep=True)
        )

    def _finish_greeting(self, keep: bool) -> None:
        """Close the greeting recorder; keep the file as the mailbox's greeting, or drop it."""
        if self.greeting_timer is not None:
            self.greeting_timer.cancel()
            self.greeting_timer = None
        recorder, self.recorder = self.recorder, None
        if recorder is None:
            return
        if self.record_to is not None:
            try:
                self.record_to.stopTransmit(recorder)
            except pj.Error:
                pass  # the caller's stream is already gone
        self.record_to = None
        del recorder  # the bridge removes the port; the file is closed on a later loop turn
        path, kind, number = self.record_path, self.greeting_kind, self.mailbox.number
        self.service.when_greeting_closed(number, kind, path, keep)
        if keep and self.state == "answered":
            self.phase = "greetings"  # keys act at once, also while "saved" is being said
            self._say_then("greeting_saved", lambda: self._prompt("greetings", phase="greetings"))

    def _erase_greeting(self, kind: str) -> None:
        self.mailbox = Mailbox.get_by_id(self.mailbox.id)  # a greeting recorded in this call is in the row
        rel = getattr(self.mailbox, f"greeting_{kind}")
        setattr(self.mailbox, f"greeting_{kind}", "")
        self.mailbox.save()
        if rel:
            (self.service.media_dir / rel).unlink(missing_ok=True)

    def _in_message(self, digit: str) -> None:
        self._in_options(digit)

    def _in_options(self, digit: str) -> None:
        message = self.current
        if message is None:
            return
        if digit == "1":
            self._play_current()
        elif digit == "5":
            self._call_back(message)
        elif digit == "8":
            self.entered = ""
            self._prompt("forward_to", phase="forward")
        elif digit == "7":
            store.delete_message(self.service.media_dir, message)
            log.info("call %s: mailbox %s deleted message %d", self.uniqueid, self.mailbox.number, message.id)
            self.current = None
            self.service.refresh_mwi()
            self._say_then("deleted", self._next)
        elif digit == "9":
            message.folder, message.heard = "saved", True
            message.save()
            self.current = None
            self.service.refresh_mwi()
            self._say_then("saved", self._next)
        elif digit == "#":
            self.current = None
            self._next()
        elif digit == "*":
            self.current = None
            self._main()

    def _in_forward(self, digit: str) -> None:
        message = self.current
        if digit == "*" or message is None:
            self._prompt("options", phase="options")
            return
        if digit != "#":
            self.entered = (self.entered + digit)[-32:]
            return
        number, self.entered = self.entered, ""
        target = Mailbox.get_or_none((Mailbox.number == number) & Mailbox.enabled)
        if target is None or target.id == self.mailbox.id:
            self._say_then("no_such_mailbox", lambda: self._prompt("options", phase="options"))
            return
        copied = self.service.copy_message(message, target)
        log.info("call %s: mailbox %s forwarded a message to %s", self.uniqueid, self.mailbox.number, number)
        self.phase = "options"
        self._say_then(
            "forwarded" if copied else "target_full", lambda: self._prompt("options", phase="options")
        )

    # --- steps ----------------------------------------------------------------------------------

    def _main(self) -> None:
        self.phase = "main"
        self.queue, self.current = [], None
        new = len(store.messages(self.mailbox, "new"))
        saved = len(store.messages(self.mailbox, "saved"))
        self.stop_audio()
        self.say(self.service.text("main", new=new, saved=saved), self._touch)

    def _next(self) -> None:
        if not self.queue:
            self.phase = "after"
            self._say_then("no_more", self._main)
            return
        self.current = self.queue.pop(0)
        self.position += 1
        self._play_current()

    def _play_current(self) -> None:
        message = self.current
        path = self.service.media_dir / message.path
        self.phase = "message"
        self.stop_audio()
        intro = self.service.text("message", n=self.position, caller=" ".join(message.caller) or "?")

        def played() -> None:
            if self.current is message:
                if not message.heard:
                    message.heard = True
                    message.save()
                    self.service.refresh_mwi()
                self._prompt("options", phase="options")

        self.say(intro, lambda: self.play(path, played) if path.is_file() else played())

    def _call_back(self, message: VoicemailMessage) -> None:
        """Hand the owner's leg to a new call to the message's sender, routed like a dialed number."""
        if not message.caller:
            self._say_then("no_callback", lambda: self._prompt("options", phase="options"))
            return
        if not message.heard:
            message.heard = True
            message.save()
            self.service.refresh_mwi()
        self.stop_audio()
        self.closing()
        leg = self.a
        log.info("call %s: mailbox %s calls back %s", self.uniqueid, self.mailbox.number, message.caller)
        self.hangup_by = "caller"
        self.legs["caller"].end = utcnow()  # this record ends here; the call back has its own
        self._goto("ended")
        self.a = CallLeg(leg.peer)  # a placeholder: this record no longer owns the leg
        self.a.ended = True
        leg.call = None
        self._maybe_finish()
        if isinstance(leg, SipLeg):
            # The dialog is up already: no 183/200 to send again (ringback is played here instead).
            leg.inbound, leg.answered = False, True
        call = LineCall(self.engine, leg, self.caller, self.caller_name, message.caller)
        self.engine.router.route(call, message.caller, _permission(self.caller))
        if isinstance(leg, SipLeg) and call.state == "ringing" and leg.ringback is None:
            med = leg.media()
            if med is not None:
                leg.ringback = self.engine.tones.ringback()
                leg.ringback.startTransmit(med)

    # --- helpers --------------------------------------------------------------------------------

    def _prompt(self, key: str, phase: str = "") -> None:
        if phase:
            self.phase = phase
        self.stop_audio()
        self.say(self.service.text(key), self._touch)

    def _say_then(self, key: str, then) -> None:
        self.stop_audio()
        self.say(self.service.text(key), then)

    def _bye(self, key: str) -> None:
        self.phase = "bye"
        self.stop_audio()
        self.say(self.service.text(key), self.hang_up)

    def _touch(self) -> None:
        """(Re)start the idle timer: a caller who stops pressing keys is let go."""
        if self.idle is not None:
            self.idle.cancel()
        self.idle = self.engine.call_later(IDLE_TIMEOUT, lambda: self._bye("goodbye"))

    def closing(self) -> None:
        self._finish_greeting(keep=False)  # a greeting cut off by a hang-up is not kept
        if self.idle is not None:
            self.idle.cancel()
            self.idle = None


def _permission(number: str) -> str:
    """The outbound permission class of the phone calling back (an extension or an FXS number)."""
    ext = Extension.get_or_none(Extension.number == number)
    if ext is not None:
        return ext.permission
    port = PortSetting.get_or_none(PortSetting.number == number)
    return port.permission if port is not None else "internal"

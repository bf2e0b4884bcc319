"""Email notification of a new message, with the recording attached, sent on a thread of its own.

SMTP settings are rows of the Setting table (edited in the web admin): smtp_host (empty: no
email), smtp_port (25), smtp_starttls (1/0), smtp_user, smtp_password, smtp_from. The engine
only queues a message id; this thread reads the rows, builds the mail and talks to the server,
so a slow or unreachable server never holds up calls. A failed send is logged, not retried.
"""

from __future__ import annotations

import logging
import queue
import smtplib
import threading
from email.message import EmailMessage
from pathlib import Path

from telephony.models import Setting
from telephony.models.voicemail import VoicemailMessage

log = logging.getLogger(__name__)

SMTP_TIMEOUT = 15.0
MAX_ATTACHMENT = 10 * 1024 * 1024  # bytes; a longer recording is announced without the file

SMTP_SETTINGS = {
    "smtp_host": "",
    "smtp_port": "25",
    "smtp_starttls": "0",
    "smtp_user": "",
    "smtp_password": "",
    "smtp_from": "voicemail@pbx.local",
}


def smtp_settings() -> dict[str, str]:
    return {key: Setting.get_value(key, default) for key, default in SMTP_SETTINGS.items()}


def build_mail(message: VoicemailMessage, media_dir: Path, sender: str) -> EmailMessage:
    """The notification for one message: who called, when, how long, and the WAV attached."""
    mailbox = message.mailbox
    caller = (
        f"{message.caller_name} <{message.caller}>" if message.caller_name else message.caller or "unknown"
    )
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = mailbox.email
    mail["Subject"] = f"New voicemail for {mailbox.number} from {message.caller or 'unknown'}"
    mail.set_content(
        f"Mailbox {mailbox.number} has a new message.\n\n"
        f"From: {caller}\n"
        f"Received (UTC): {message.received_at:%Y-%m-%d %H:%M:%S}\n"
        f"Length: {message.duration:.0f} s\n"
    )
    path = media_dir / message.path
    if mailbox.attach_audio and path.is_file() and path.stat().st_size <= MAX_ATTACHMENT:
        mail.add_attachment(path.read_bytes(), maintype="audio", subtype="wav", filename=path.name)
    return mail


def send(mail: EmailMessage, settings: dict[str, str]) -> None:
    """Send one mail with the box's SMTP settings (blocking)."""
    with smtplib.SMTP(settings["smtp_host"], int(settings["smtp_port"] or 25), timeout=SMTP_TIMEOUT) as smtp:
        if settings["smtp_starttls"] in ("1", "true", "yes"):
            smtp.starttls()
        if settings["smtp_user"]:
            smtp.login(settings["smtp_user"], settings["smtp_password"])
        smtp.send_message(mail)


class EmailNotifier:
    """A worker thread that mails new messages to their mailbox's address."""

    def __init__(self, media_dir: Path) -> None:
        self.media_dir = media_dir
        self.queue: queue.Queue[int | None] = queue.Queue()
        self.thread = threading.Thread(target=self._run, name="voicemail-mail", daemon=True)
        self.thread.start()

    def submit(self, message_id: int) -> None:
        self.queue.put(message_id)

    def stop(self) -> None:
        self.queue.put(None)

    def _run(self) -> None:
        while True:
            message_id = self.queue.get()
            if message_id is None:
                return
            try:
                self.notify(message_id)
            except Exception:  # one bad mail must not stop the next ones
                log.exception("voicemail email for message %s failed", message_id)

    def notify(self, message_id: int) -> bool:
        settings = smtp_settings()
        if not settings["smtp_host"]:
            log.info("voicemail email not sent: no SMTP server set")
            return False
        message = VoicemailMessage.get_or_none(VoicemailMessage.id == message_id)
        if message is None or not message.mailbox.email:
            return False
        try:
            send(build_mail(message, self.media_dir, settings["smtp_from"]), settings)
        except (OSError, smtplib.SMTPException) as exc:
            log.error("voicemail email to %s failed: %s", message.mailbox.email, exc)
            return False
        log.info("voicemail email for mailbox %s sent to %s", message.mailbox.number, message.mailbox.email)
        return True

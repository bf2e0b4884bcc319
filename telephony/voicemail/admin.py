"""Mailbox administration for the web admin (and the CLI): validate -> save; messages listed and deleted.

pbx-core reads mailboxes per call and checks message-waiting every few seconds, so a change here
needs no reload. Errors name the field and a catalog key (`voicemail.err.*`) every front end
renders in its reader's language.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import BinaryIO

from telephony.media.moh import MohLibrary
from telephony.models import Extension, Setting
from telephony.models.lines import PortSetting
from telephony.models.voicemail import GREETING_KINDS, Mailbox, VoicemailMessage
from telephony.voicemail import store
from telephony.voicemail.errors import VoicemailError
from telephony.voicemail.notify import SMTP_SETTINGS

PIN_RE = re.compile(r"[0-9]{4,12}")
EMAIL_RE = re.compile(r"[^@\s]{1,64}@[A-Za-z0-9.-]{1,253}")
HOST_RE = re.compile(r"[A-Za-z0-9.:-]{1,253}")
GREETING_MAX_SECONDS = 120.0


class InvalidMailbox(VoicemailError, ValueError):
    """Input failed validation; `errors` maps each field to a catalog key."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


class MailboxNotFound(VoicemailError, LookupError):
    """No mailbox (or message) by that number / id."""


@dataclasses.dataclass(frozen=True)
class MailboxInput:
    number: str
    pin: str = ""  # empty on edit: keep the PIN
    email: str = ""
    max_message_seconds: str = "120"
    max_messages: str = "50"
    on_no_answer: bool = True
    on_busy: bool = True
    attach_audio: bool = True
    enabled: bool = True


@dataclasses.dataclass(frozen=True)
class MailboxRow:
    mailbox: Mailbox
    new: int
    total: int


class VoicemailAdmin:
    """Mailboxes and their messages, for front ends; `media_dir` is where the WAVs live."""

    def __init__(self, media_dir: Path) -> None:
        self.media_dir = media_dir

    # --- mailboxes ------------------------------------------------------------------------------

    def mailboxes(self) -> list[MailboxRow]:
        counts = store.counts()
        rows = []
        for mailbox in Mailbox.select().order_by(Mailbox.number):
            new, old = counts.get(mailbox.number, (0, 0))
            total = store.message_count(mailbox) if not mailbox.enabled else new + old
            rows.append(MailboxRow(mailbox, new, total))
        return rows

    def mailbox(self, number: str) -> Mailbox:
        row = Mailbox.get_or_none(Mailbox.number == number)
        if row is None:
            raise MailboxNotFound(number)
        return row

    def save(self, data: MailboxInput, number: str | None = None) -> Mailbox:
        """Create (number None) or update the mailbox `number`; raise InvalidMailbox on bad input."""
        row = self.mailbox(number) if number is not None else Mailbox(number=data.number.strip())
        errors: dict[str, str] = {}
        if number is None:
            if not data.number.strip():
                errors["number"] = "voicemail.err.number_required"
            elif not self._is_phone_number(data.number.strip()):
                errors["number"] = "voicemail.err.number_unknown"
            elif Mailbox.select().where(Mailbox.number == data.number.strip()).exists():
                errors["number"] = "voicemail.err.number_taken"
        if data.pin or number is None:
            if not PIN_RE.fullmatch(data.pin):
                errors["pin"] = "voicemail.err.pin"
        email = data.email.strip()
        if email and not EMAIL_RE.fullmatch(email):
            errors["email"] = "voicemail.err.email"
        seconds = _int(data.max_message_seconds, 5, 3600)
        if seconds is None:
            errors["max_message_seconds"] = "voicemail.err.max_message_seconds"
        count = _int(data.max_messages, 1, 1000)
        if count is None:
            errors["max_messages"] = "voicemail.err.max_messages"
        if errors:
            raise InvalidMailbox(errors)
        if data.pin:
            row.set_pin(data.pin)
        row.email = email
        row.max_message_seconds, row.max_messages = seconds, count
        row.on_no_answer, row.on_busy = data.on_no_answer, data.on_busy
        row.attach_audio, row.enabled = data.attach_audio, data.enabled
        row.save()
        return row

    def delete(self, number: str) -> int:
        """Delete a mailbox, its messages and their files; return how many messages went."""
        row = self.mailbox(number)
        gone = 0
        for message in list(row.messages):
            store.delete_message(self.media_dir, message)
            gone += 1
        row.delete_instance()
        for kind in ("unavailable", "busy", "temporary"):
            (store.mailbox_dir(self.media_dir, number) / "greetings" / f"{kind}.wav").unlink(missing_ok=True)
        return gone

    @staticmethod
    def _is_phone_number(number: str) -> bool:
        return (
            Extension.select().where(Extension.number == number).exists()
            or PortSetting.select().where(PortSetting.number == number).exists()
        )

    # --- messages -------------------------------------------------------------------------------

    def messages(self, number: str) -> list[VoicemailMessage]:
        row = self.mailbox(number)
        query = VoicemailMessage.select().where(VoicemailMessage.mailbox == row)
        return list(query.order_by(VoicemailMessage.received_at.desc(), VoicemailMessage.id.desc()))

    def message(self, number: str, message_id: int) -> VoicemailMessage:
        row = self.mailbox(number)
        message = VoicemailMessage.get_or_none(
            (VoicemailMessage.id == message_id) & (VoicemailMessage.mailbox == row)
        )
        if message is None or not (self.media_dir / message.path).is_file():
            raise MailboxNotFound(f"{number}/{message_id}")
        return message

    def delete_message(self, number: str, message_id: int) -> VoicemailMessage:
        message = self.message(number, message_id)
        store.delete_message(self.media_dir, message)
        return message

    # --- greetings ------------------------------------------------------------------------------

    def _greetings(self, number: str) -> MohLibrary:
        # The music-on-hold converter (sox, size and length limits, atomic replace) with its own folder.
        library = MohLibrary(self.media_dir, None, max_seconds=GREETING_MAX_SECONDS)
        library.dir = store.mailbox_dir(self.media_dir, number) / "greetings"
        return library

    def upload_greeting(self, number: str, kind: str, source: BinaryIO | bytes, filename: str) -> float:
        """Convert an uploaded greeting of `kind` (unavailable, busy, temporary); return its seconds.

        Raises MailboxNotFound, ValueError for an unknown kind, or telephony.media's MediaError
        (not audio, too long, ...) and then the greeting is what it was.
        """
        if kind not in GREETING_KINDS:
            raise ValueError(f"unknown greeting kind {kind!r}")
        row = self.mailbox(number)
        got = self._greetings(number).upload(kind, source, filename)
        setattr(row, f"greeting_{kind}", f"voicemail/{number}/greetings/{kind}.wav")
        row.save()
        return got.seconds

    def greeting_path(self, number: str, kind: str) -> Path:
        """The greeting file of `kind`; MailboxNotFound when the mailbox has none."""
        row = self.mailbox(number)
        rel = getattr(row, f"greeting_{kind}", "") if kind in GREETING_KINDS else ""
        if not rel or not (self.media_dir / rel).is_file():
            raise MailboxNotFound(f"{number}/{kind}")
        return self.media_dir / rel

    def delete_greeting(self, number: str, kind: str) -> None:
        """Go back to the spoken default greeting of `kind`."""
        path = self.greeting_path(number, kind)
        row = self.mailbox(number)
        setattr(row, f"greeting_{kind}", "")
        row.save()
        path.unlink(missing_ok=True)

    # --- SMTP -----------------------------------------------------------------------------------

    @staticmethod
    def smtp() -> dict[str, str]:
        """The SMTP settings without the password (shown as set or not)."""
        values = {key: Setting.get_value(key, default) for key, default in SMTP_SETTINGS.items()}
        values["smtp_password"] = "set" if values["smtp_password"] else ""
        return values

    @staticmethod
    def save_smtp(values: dict[str, str]) -> None:
        """Store the SMTP settings; an empty password keeps the stored one."""
        errors: dict[str, str] = {}
        host = values.get("smtp_host", "").strip()
        if host and not HOST_RE.fullmatch(host):
            errors["smtp_host"] = "voicemail.err.smtp_host"
        if _int(values.get("smtp_port", "").strip() or "25", 1, 65535) is None:
            errors["smtp_port"] = "voicemail.err.smtp_port"
        sender = values.get("smtp_from", "").strip()
        if sender and not EMAIL_RE.fullmatch(sender):
            errors["smtp_from"] = "voicemail.err.email"
        if errors:
            raise InvalidMailbox(errors)
        Setting.set_value("smtp_host", host)
        Setting.set_value("smtp_port", values.get("smtp_port", "").strip() or "25")
        Setting.set_value("smtp_starttls", "1" if values.get("smtp_starttls") == "1" else "0")
        Setting.set_value("smtp_user", values.get("smtp_user", "").strip())
        if values.get("smtp_password"):
            Setting.set_value("smtp_password", values["smtp_password"])
        Setting.set_value("smtp_from", sender or SMTP_SETTINGS["smtp_from"])


def _int(text: str, low: int, high: int) -> int | None:
    try:
        value = int(str(text).strip())
    except ValueError:
        return None
    return value if low <= value <= high else None

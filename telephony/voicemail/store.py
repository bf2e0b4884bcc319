"""Voicemail files and rows: where a message's WAV lives, saving, listing, deleting, counting.

Files are media/voicemail/<mailbox>/<utc stamp>-<random>.wav; rows keep the path relative to the
media directory. A message file is made by pjsua2's recorder, which writes the WAV header sizes
when it is closed; `repair_wav` fixes a file whose writer never got to close it (pbx-core killed).
"""

from __future__ import annotations

import logging
import secrets
import struct
import wave
from pathlib import Path

import peewee

from telephony.models import utcnow
from telephony.models.voicemail import Mailbox, VoicemailMessage

log = logging.getLogger(__name__)

RATE = 8000
MIN_SECONDS = 0.5  # a caller who hangs up at the beep leaves no message


def mailbox_dir(media_dir: Path, number: str) -> Path:
    return media_dir / "voicemail" / number


def new_message_path(media_dir: Path, number: str) -> Path:
    """A fresh file name for a message being recorded into mailbox `number`."""
    stamp = utcnow().strftime("%Y%m%dT%H%M%S")
    folder = mailbox_dir(media_dir, number)
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{stamp}-{secrets.token_hex(4)}.wav"


def wav_seconds(path: Path) -> float:
    """Seconds of audio in a finished WAV file; 0 when it is missing or not a WAV."""
    try:
        with wave.open(str(path), "rb") as wav:
            return wav.getnframes() / float(wav.getframerate())
    except (OSError, EOFError, wave.Error):
        return 0.0


def repair_wav(path: Path) -> bool:
    """Rewrite the RIFF and data sizes of a 44-byte-header PCM WAV from its file size.

    Returns whether the file needed it. Used at start for messages whose recorder never closed.
    """
    with open(path, "r+b") as fh:
        head = fh.read(44)
        if len(head) < 44 or head[:4] != b"RIFF" or head[8:12] != b"WAVE" or head[36:40] != b"data":
            return False
        fh.seek(0, 2)
        size = fh.tell()
        data = size - 44
        data -= data % 2
        (riff,) = struct.unpack_from("<I", head, 4)
        (got,) = struct.unpack_from("<I", head, 40)
        if riff == size - 8 and got == data:
            return False
        fh.seek(4)
        fh.write(struct.pack("<I", size - 8))
        fh.seek(40)
        fh.write(struct.pack("<I", data))
    return True


def wav_closed(path: Path) -> bool:
    """Whether a recorder's WAV has its sizes written (pjmedia writes zeros until it closes)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError:
        return True  # nothing to wait for
    return len(head) == 8 and head[4:8] != b"\0\0\0\0"


def message_count(mailbox: Mailbox) -> int:
    return VoicemailMessage.select().where(VoicemailMessage.mailbox == mailbox).count()


def save_message(
    media_dir: Path, mailbox: Mailbox, path: Path, caller: str, caller_name: str
) -> VoicemailMessage | None:
    """Store the row for a finished recording; a too short or broken file is removed instead."""
    seconds = wav_seconds(path)
    if seconds < MIN_SECONDS:
        log.info("mailbox %s: %.1f s from %s is too short to keep", mailbox.number, seconds, caller)
        path.unlink(missing_ok=True)
        return None
    return VoicemailMessage.create(
        mailbox=mailbox,
        caller=caller,
        caller_name=caller_name,
        duration=round(seconds, 2),
        path=str(path.relative_to(media_dir)),
    )


def messages(mailbox: Mailbox, folder: str) -> list[VoicemailMessage]:
    """The mailbox's messages in `folder` (new or saved), oldest first."""
    query = VoicemailMessage.select().where(
        (VoicemailMessage.mailbox == mailbox) & (VoicemailMessage.folder == folder)
    )
    return list(query.order_by(VoicemailMessage.received_at, VoicemailMessage.id))


def delete_message(media_dir: Path, message: VoicemailMessage) -> None:
    """Delete the row and its file."""
    (media_dir / message.path).unlink(missing_ok=True)
    message.delete_instance()


def counts() -> dict[str, tuple[int, int]]:
    """(unheard, heard) message counts per enabled mailbox number, mailboxes without messages too."""
    out = {row.number: (0, 0) for row in Mailbox.select(Mailbox.number).where(Mailbox.enabled)}
    query = (
        VoicemailMessage.select(Mailbox.number, VoicemailMessage.heard, peewee.fn.COUNT(VoicemailMessage.id))
        .join(Mailbox)
        .where(Mailbox.enabled)
        .group_by(Mailbox.number, VoicemailMessage.heard)
        .tuples()
    )
    for number, heard, count in query:
        new, old = out.get(number, (0, 0))
        out[number] = (new, old + count) if heard else (new + count, old)
    return out


def write_beep(path: Path, freq: float = 1000.0, seconds: float = 0.4) -> Path:
    """Write the record beep (a short sine) once."""
    import array
    import math

    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    samples = array.array(
        "h", (int(10000 * math.sin(2 * math.pi * freq * n / RATE)) for n in range(int(RATE * seconds)))
    )
    tmp = path.with_suffix(".tmp")
    with wave.open(str(tmp), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        wav.writeframes(samples.tobytes())
    tmp.replace(path)
    return path

"""Errors of the voicemail feature, rooted at TelephonyError."""

from __future__ import annotations

from telephony.errors import TelephonyError


class VoicemailError(TelephonyError):
    """Base of the voicemail errors."""


class MailboxFull(VoicemailError, OverflowError):
    """The mailbox holds its maximum number of messages; nothing was recorded."""

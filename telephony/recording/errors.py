"""Errors of call recording; every one roots at TelephonyError."""

from __future__ import annotations

from telephony.errors import NotFound, TelephonyError, ValidationError


class RecordingError(TelephonyError):
    """Base of the recording errors."""


class RecordingNotFound(RecordingError, NotFound):
    """No recording (or rule) has this id."""


class InvalidRecordingInput(RecordingError, ValidationError):
    """A rule, a search or a setting is invalid; `errors` maps each field to a catalog key."""


class NoSpace(RecordingError, OSError):
    """Free disk space is below the reserve: no new recording starts."""

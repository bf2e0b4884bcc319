"""Errors raised by the telephony domain; every one roots at TelephonyError."""

from __future__ import annotations

from telephony.messages import Phrase, render


class TelephonyError(Exception):
    """Base of every error the telephony package raises."""


class ConfigError(TelephonyError, ValueError):
    """A setting or configuration document is invalid; the message names the key."""

    def __init__(self, key: str, reason: str, source: str = "") -> None:
        self.key = key
        self.reason = reason
        self.source = source
        where = f"{source}: " if source else ""
        super().__init__(f"{where}{key}: {reason}")


class ValidationError(TelephonyError, ValueError):
    """Input failed validation; `errors` maps each field to its message key and arguments."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


class NotFound(TelephonyError, LookupError):
    """The named object does not exist."""


class ControlError(TelephonyError, ConnectionError):
    """The control API of pbx-core could not be reached or refused a request."""


class InUse(TelephonyError, ValueError):
    """An object other rows refer to cannot be deleted; nothing was changed.

    `what` and each of `users` are telephony.messages.Phrase objects, so every front end can
    render the refusal in its reader's language with `render(language)`.
    """

    def __init__(self, what: Phrase, users: list[Phrase]) -> None:
        self.what = what
        self.users = users
        super().__init__(self.render("en"))

    def render(self, language: str) -> str:
        return render("inuse.refused", language, what=self.what, users=self.users)

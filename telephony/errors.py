"""Errors raised by the telephony domain; every one roots at TelephonyError."""


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

"""Errors of the park, pickup and paging features and their admin services."""

from __future__ import annotations

from telephony.errors import TelephonyError


class FeatureError(TelephonyError):
    """A park, pickup or paging request that cannot be done."""


class InvalidInput(FeatureError, ValueError):
    """A form with problems: `errors` maps a field to (catalog key, arguments naming the bad value)."""

    def __init__(self, errors: dict[str, tuple[str, dict[str, str]]]) -> None:
        super().__init__(", ".join(f"{field}: {key} {args}" for field, (key, args) in errors.items()))
        self.errors = errors


class NoSuchGroup(FeatureError, KeyError):
    """No pickup or paging group by that id."""

"""Errors raised by the web admin; every one roots at WebAdminError."""

from __future__ import annotations


class WebAdminError(Exception):
    """Base of every error the webadmin package raises."""


class AppConfigError(WebAdminError, RuntimeError):
    """The app was wired wrongly (a route without an access declaration, a missing view)."""


class SetupDone(WebAdminError, PermissionError):
    """First-run setup was attempted after an administrator already exists."""


class FormError(WebAdminError, ValueError):
    """A submitted form failed validation; `errors` maps each field to a UI message key."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))

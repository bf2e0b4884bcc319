"""Errors of the call center's data services; each roots at telephony.errors.TelephonyError.

Each also inherits the built-in it resembles (ValueError, LookupError, PermissionError) and, where
one exists, the shared telephony error the other front ends already handle (ValidationError,
NotFound, InUse), so the web admin and pbxctl treat them like every other domain error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from telephony.callcenter import messages as _messages  # noqa: F401  (registers the catalog)
from telephony.errors import InUse, NotFound, TelephonyError, ValidationError
from telephony.messages import render


class CallCenterError(TelephonyError):
    """Base of every error the call-center services raise."""


class InvalidInput(CallCenterError, ValidationError):
    """Input failed validation; nothing was saved.

    `errors` maps each field to a message key (as ValidationError does); `params` maps a field to
    the arguments of its message. `message(field, language)` renders one.
    """

    def __init__(self, errors: Mapping[str, str], params: Mapping[str, Mapping[str, object]] | None = None):
        self.params = {k: dict(v) for k, v in (params or {}).items()}
        super().__init__(dict(errors))

    def message(self, field_name: str, language: str = "en") -> str:
        return render(self.errors[field_name], language, **self.params.get(field_name, {}))

    def messages(self, language: str = "en") -> dict[str, str]:
        return {name: self.message(name, language) for name in self.errors}


class QueueNotFound(CallCenterError, NotFound):
    """No queue has this number."""


class AgentNotFound(CallCenterError, NotFound):
    """No agent has this number."""


class SkillNotFound(CallCenterError, NotFound):
    """No skill has this id."""


class PauseCodeNotFound(CallCenterError, NotFound):
    """No pause code has this id."""


class CustomerNotFound(CallCenterError, NotFound):
    """No customer has this id."""


class CallCenterInUse(CallCenterError, InUse):
    """A queue or skill other rows refer to cannot be deleted; nothing was changed."""


class LoginRefused(CallCenterError, PermissionError):
    """An agent login failed: unknown number, wrong PIN or disabled agent (one message for all)."""

    def __init__(self, number: str) -> None:
        self.number = number
        super().__init__(render("cc.agent.login", "en"))

    def render(self, language: str) -> str:
        return render("cc.agent.login", language)


@dataclass(frozen=True)
class RowError:
    """One problem of a CSV import: the spreadsheet row (header = 1; 0 = the file), field, message."""

    row: int
    field: str
    key: str
    params: Mapping[str, object] = field(default_factory=dict)

    def render(self, language: str = "en") -> str:
        text = render(self.key, language, **self.params)
        if self.row == 0:
            return render("cc.import.file", language, message=text)
        return render("cc.import.row", language, row=self.row, field=self.field, message=text)


class ImportFailed(CallCenterError, ValueError):
    """A CSV import found problems; nothing was saved. `errors` lists every one found, in row order."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__("; ".join(e.render("en") for e in errors[:20]))

    def render(self, language: str) -> list[str]:
        return [e.render(language) for e in self.errors]

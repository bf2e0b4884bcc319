"""Extension changes for the web admin: the domain service, plus whether pbx-core took the change."""

from __future__ import annotations

from dataclasses import dataclass

from telephony.control.client import ControlClient
from telephony.extensions.service import ExtensionInput, ExtensionService
from telephony.models import Extension


@dataclass(frozen=True)
class Change:
    """A saved change; `applied` is False when pbx-core could not be told to reload."""

    extension: Extension | None
    applied: bool
    detail: str = ""


class _ReportingService(ExtensionService):
    """The domain service, remembering whether its reload reached pbx-core.

    The domain service logs and swallows a failed reload (the change is saved either way);
    the admin page must tell the person, so keep the outcome. One instance per request.
    """

    reloaded: bool = False

    def _reload(self) -> bool:
        self.reloaded = super()._reload()
        return self.reloaded


class ExtensionAdmin:
    """List, create, update and delete extensions on behalf of one request."""

    def __init__(self, control: ControlClient | None) -> None:
        self.service = _ReportingService(control)

    def list(self) -> list[Extension]:
        return self.service.list()

    def count(self) -> int:
        return Extension.select().count()

    def get(self, number: str) -> Extension:
        return self.service.get(number)

    def create(self, data: ExtensionInput) -> Change:
        ext = self.service.create(data)
        detail = f"name={data.name!r} enabled={data.enabled} permission={data.permission}"
        return Change(ext, self.service.reloaded, detail)

    def update(self, number: str, data: ExtensionInput) -> Change:
        """Save an edit; raises InUse, changing nothing, when renumbering strands a route."""
        before = self.service.get(number)
        old = (before.number, before.name, before.enabled, before.permission)
        ext = self.service.update(number, data)
        changes = []
        if old[0] != data.number:
            changes.append(f"number {old[0]}->{data.number}")
        if old[1] != data.name:
            changes.append(f"name {old[1]!r}->{data.name!r}")
        if old[2] != data.enabled:
            changes.append(f"enabled {old[2]}->{data.enabled}")
        if old[3] != data.permission:
            changes.append(f"permission {old[3]}->{data.permission}")
        if data.secret:
            changes.append("secret changed")
        return Change(ext, self.service.reloaded, ", ".join(changes) or "no change")

    def delete(self, number: str) -> Change:
        """Delete; raises InUse, changing nothing, while a route or port uses the number."""
        self.service.delete(number)
        return Change(None, self.service.reloaded)

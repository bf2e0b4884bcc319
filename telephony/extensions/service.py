"""Validate -> save -> tell the core to reload, for extensions; shared by web admin, pbxctl and import."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from telephony import numbering
from telephony.control.client import ControlClient
from telephony.control.reload import ReloadsCore
from telephony.errors import NotFound, ValidationError
from telephony.models import DEFAULT_REALM, PERMISSIONS, Extension, PortSetting, Setting, database, utcnow
from telephony.routing.usage import check_extension_unused

log = logging.getLogger(__name__)

NUMBER_RE = re.compile(r"^[1-9][0-9]{1,7}$")


@dataclass(frozen=True)
class ExtensionInput:
    """What a person submits for an extension; secret empty on edit means keep the old one.

    `permission` is the outbound class (telephony.models.PERMISSIONS) dial rules check.
    """

    number: str
    name: str = ""
    secret: str = ""
    enabled: bool = True
    permission: str = "national"


def realm() -> str:
    return Setting.get_value("sip_realm", DEFAULT_REALM)


def secret_is_strong(secret: str, number: str) -> bool:
    return (
        8 <= len(secret) <= 64
        and any(c.isalpha() for c in secret)
        and any(c.isdigit() for c in secret)
        and number not in secret
        and secret.isprintable()
    )


def port_has_number(number: str) -> bool:
    """Tell whether an FXS port carries `number`; an extension must not take it too."""
    return PortSetting.select().where(PortSetting.number == number).exists()


def validate(data: ExtensionInput, existing: Extension | None = None, *, ports: bool = True) -> None:
    """Raise ValidationError mapping each bad field to a message key.

    A number new to the extension must not be an FXS port's either, unless `ports` is False: the
    configuration import checks that itself, because its ports section may move the number away.
    """
    errors: dict[str, str] = {}
    if not data.number:
        errors["number"] = "required"
    elif not NUMBER_RE.match(data.number):
        errors["number"] = "extension.number.format"
    else:
        clash = Extension.get_or_none(Extension.number == data.number)
        new_number = existing is None or existing.number != data.number
        if clash is not None and (existing is None or clash.id != existing.id):
            errors["number"] = "extension.number.taken"
        elif ports and new_number and port_has_number(data.number):
            # Calls would reach only the SIP phone (the dial plan tries extensions first).
            errors["number"] = "extension.number.port"
        elif new_number and (service := numbering.owner(data.number, kinds=numbering.SERVICES)):
            errors["number"] = service.taken_key
    if len(data.name) > 64 or not data.name.isprintable():
        errors["name"] = "extension.name.format"
    renumbered = existing is not None and existing.number != data.number
    if existing is None or data.secret or renumbered:
        if not data.secret:
            errors["secret"] = "required"
        elif not secret_is_strong(data.secret, data.number):
            errors["secret"] = "extension.secret.weak"
    if data.permission not in PERMISSIONS:
        errors["permission"] = "routing.permission"
    if errors:
        raise ValidationError(errors)


class ExtensionService(ReloadsCore):
    """Create, update and delete extensions; every change is one transaction, then a core reload."""

    reload_what = "extensions"

    def __init__(self, control: ControlClient | None = None) -> None:
        self.control = control

    def list(self) -> list[Extension]:
        return list(Extension.select().order_by(Extension.number))

    def get(self, number: str) -> Extension:
        ext = Extension.get_or_none(Extension.number == number)
        if ext is None:
            raise NotFound(f"extension {number} does not exist")
        return ext

    def create(self, data: ExtensionInput) -> Extension:
        with database.atomic():
            validate(data)
            ext = Extension(
                number=data.number, name=data.name, enabled=data.enabled, permission=data.permission
            )
            ext.set_secret(data.secret, realm())
            ext.save()
        self._reload()
        return ext

    def update(self, number: str, data: ExtensionInput) -> Extension:
        """Save an edit; a new number is refused (InUse, changing nothing) while its old one is used."""
        with database.atomic():
            ext = self.get(number)
            validate(data, existing=ext)
            if data.number != ext.number:
                # The old number goes away exactly as on a delete: its routes would go nowhere.
                check_extension_unused(ext.number)
            ext.number, ext.name, ext.enabled = data.number, data.name, data.enabled
            ext.permission = data.permission
            if data.secret:
                ext.set_secret(data.secret, realm())
            ext.updated = utcnow()
            ext.save()
        self._reload()
        return ext

    def delete(self, number: str) -> None:
        """Delete an extension; raise InUse (changing nothing) while a route or port uses its number."""
        with database.atomic():
            ext = self.get(number)
            check_extension_unused(number)
            ext.delete_instance()
        self._reload()

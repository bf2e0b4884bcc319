"""Everyday features' tables and settings: pickup groups, paging groups, call park settings.

Pickup and paging groups are rows (created by migration 0009; telephony.models.schema_0009 is
its frozen copy: a change here needs a new migration). Park settings are a handful of box-wide
values kept in the `setting` table under `park_*` keys and read into a frozen ParkConfig.
"""

from __future__ import annotations

import dataclasses

import peewee

from telephony.models.base import BaseModel, utcnow
from telephony.models.pbx import Setting


def split_members(text: str) -> list[str]:
    """Return the numbers of a comma/space separated member list, in order, without repeats."""
    out: list[str] = []
    for part in text.replace(",", " ").split():
        if part not in out:
            out.append(part)
    return out


class PickupGroup(BaseModel):
    """Phones (extensions and FXS numbers) that may answer each other's ringing calls with `*8`."""

    name = peewee.CharField(unique=True, max_length=64)
    members = peewee.TextField(default="")  # numbers, comma separated
    created = peewee.DateTimeField(default=utcnow)
    updated = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "pickup_group"

    def member_list(self) -> list[str]:
        return split_members(self.members)


class PagingGroup(BaseModel):
    """A dialable number that pages every member extension (auto-answer, one-way audio)."""

    number = peewee.CharField(unique=True, max_length=32)
    name = peewee.CharField(max_length=64, default="")
    members = peewee.TextField(default="")  # SIP extensions, comma separated
    created = peewee.DateTimeField(default=utcnow)
    updated = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "paging_group"

    def member_list(self) -> list[str]:
        return split_members(self.members)


@dataclasses.dataclass(frozen=True)
class ParkConfig:
    """Call park: the lot number (blind transfer target), the slot range, timeout and fallback."""

    lot: str = "700"
    first: int = 701
    last: int = 720
    timeout: float = 120.0  # seconds a call waits in its slot before it rings the parker back
    fallback: str = ""  # operator/extension that gets the call when the parker does not answer

    def slots(self) -> list[str]:
        return [str(n) for n in range(self.first, self.last + 1)]

    def owns(self, number: str) -> bool:
        return number == self.lot or (number.isdigit() and self.first <= int(number) <= self.last)


# setting key -> (ParkConfig field, parser)
PARK_KEYS = {
    "park_lot": ("lot", str),
    "park_first": ("first", int),
    "park_last": ("last", int),
    "park_timeout": ("timeout", float),
    "park_fallback": ("fallback", str),
}


def park_config() -> ParkConfig:
    """Read the park settings; a stored value that does not parse keeps the default (logged by the admin)."""
    values = {}
    default = ParkConfig()
    stored = {row.key: row.value for row in Setting.select().where(Setting.key.in_(list(PARK_KEYS)))}
    for key, (field, parse) in PARK_KEYS.items():
        raw = stored.get(key, "")
        if raw == "":
            continue
        try:
            values[field] = parse(raw)
        except ValueError:
            values[field] = getattr(default, field)
    return ParkConfig(**values)


def save_park_config(config: ParkConfig) -> None:
    for key, (field, _parse) in PARK_KEYS.items():
        value = getattr(config, field)
        Setting.set_value(key, str(int(value)) if isinstance(value, float) else str(value))


PARK_MODELS = [PickupGroup, PagingGroup]

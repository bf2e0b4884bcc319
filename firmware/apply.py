"""Config apply: render kamailio's and supervisord's configs from the database, check, then switch.

The database is the single source of truth: nothing here reads a hand-edited file. Each config
is rendered to `<name>.new`, checked by the program that will read it (`kamailio -c`,
supervisord's own parser) and only then renamed over the installed one. A rejected render is
kept as `<name>.rejected` for a person to read and the last good config stays in place; the
error names the program, the file and the reason.
"""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

from firmware.errors import ConfigApplyError
from firmware.kamailio import LIMITS, TEMPLATE, EdgeLimits, write_kamailio
from firmware.supervisor import write_supervisord
from telephony.boxconfig import BoxConfig

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class ApplyResult:
    """The configs installed by one apply (each a path), and the errors of those kept as they were."""

    installed: tuple[Path, ...]
    errors: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


def edge_settings() -> tuple[str, EdgeLimits]:
    """Return the SIP realm and the edge limits stored in the database (settings table)."""
    from telephony.models import DEFAULT_REALM, Setting

    realm = Setting.get_value("sip_realm", DEFAULT_REALM)
    values = {}
    for key, _parser, default, _help in LIMITS:
        values[key] = Setting.get_value(f"edge_{key}", default)
    return realm, EdgeLimits.parse(values, source="settings")


def apply_config(cfg: BoxConfig, *, kamailio_template: Path = TEMPLATE, strict: bool = True) -> ApplyResult:
    """Render, check and install every service config from the open database.

    With `strict` the first rejected config raises ConfigApplyError (the box must not start on
    a config it cannot check); otherwise every config is tried and the errors are returned.
    """
    installed: list[Path] = []
    errors: list[str] = []
    steps = (
        ("kamailio", lambda: write_kamailio(cfg, *edge_settings(), template=kamailio_template)),
        ("supervisord", lambda: write_supervisord(cfg)),
    )
    for name, step in steps:
        try:
            installed.append(step())
        except ConfigApplyError as exc:
            if strict:
                raise
            log.error("%s config not applied: %s", name, exc)
            errors.append(str(exc))
    return ApplyResult(tuple(installed), tuple(errors))

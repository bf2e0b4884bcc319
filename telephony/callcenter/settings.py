"""Every setting of a queue, declared once: its group on the page, its type, range and default.

`QUEUE_SETTINGS` drives validation (`parse_settings`), the web form (grouped as the table says) and
the defaults of a new queue; the keys are Queue columns and, where the engine has the setting,
telephony.acd.config.QueueConfig fields of the same name. Overflow destinations, the skill
widening steps, the whisper text and the CRM URL have checks of their own in the service (they
look at other rows); here they only get their type.
"""

from __future__ import annotations

import math
import re
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from telephony.acd import strategies
from telephony.acd.config import EmptyRule, TargetKind

GROUPS = ("strategy", "timeouts", "announcements", "overflow", "features")
TOKEN_RE = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")
CALLBACK_KEYS = tuple("0123456789*#")
WHISPER_FIELDS = frozenset({"queue", "caller", "name"})
CRM_FIELDS = frozenset({"caller", "queue", "digits", "callid"})
TRUE_WORDS = frozenset({"1", "true", "on", "yes"})
FALSE_WORDS = frozenset({"0", "false", "off", "no", ""})


def _strategies() -> tuple[str, ...]:
    return strategies.names()


def _empty_rules() -> tuple[str, ...]:
    return tuple(r.value for r in EmptyRule)


def _target_kinds() -> tuple[str, ...]:
    return tuple(k.value for k in TargetKind)


def _callback_keys() -> tuple[str, ...]:
    return CALLBACK_KEYS


@dataclass(frozen=True)
class QueueSetting:
    """One queue setting.

    kind: int, seconds, days, decimal (numbers within low..high), bool, choice (one of choices()),
    token (a name like a music-on-hold class), text (free text up to `high` characters, checked
    further by the service).
    """

    key: str
    group: str
    kind: str
    default: Any
    low: float = 0
    high: float = 0
    choices: Callable[[], tuple[str, ...]] | None = None


S = QueueSetting
QUEUE_SETTINGS: tuple[QueueSetting, ...] = (
    # strategy: who gets the call
    S("strategy", "strategy", "choice", "ring-all", choices=_strategies),
    S("weight", "strategy", "int", 0, 0, 100),
    S("progressive_step", "strategy", "seconds", 5.0, 1, 600),
    S("skill_widen", "strategy", "text", "0:1", 0, 128),
    S("stats_window", "strategy", "seconds", 3600.0, 60, 604800),
    S("aht_samples", "strategy", "int", 20, 1, 1000),
    S("affinity_days", "strategy", "days", 0.0, 0, 365),
    S("affinity_wait", "strategy", "seconds", 0.0, 0, 600),
    # timeouts and limits
    S("max_callers", "timeouts", "int", 0, 0, 10000),
    S("max_wait", "timeouts", "seconds", 0.0, 0, 86400),
    S("ring_timeout", "timeouts", "seconds", 15.0, 1, 600),
    S("retry_delay", "timeouts", "seconds", 5.0, 0, 3600),
    S("backoff_rejected", "timeouts", "seconds", 10.0, 0, 3600),
    S("backoff_busy", "timeouts", "seconds", 10.0, 0, 3600),
    S("backoff_no_answer", "timeouts", "seconds", 5.0, 0, 3600),
    S("wrap_up", "timeouts", "seconds", 0.0, 0, 3600),
    S("auto_pause_after", "timeouts", "int", 0, 0, 100),
    S("rejoin_window", "timeouts", "seconds", 0.0, 0, 86400),
    # what callers and agents hear
    S("periodic_announce_interval", "announcements", "seconds", 0.0, 0, 3600),
    S("position_announce_interval", "announcements", "seconds", 0.0, 0, 3600),
    S("announce_position", "announcements", "bool", True),
    S("announce_estimate", "announcements", "bool", True),
    S("moh_class", "announcements", "token", "default"),
    S("announce_agent_number", "announcements", "bool", False),
    S("whisper_text", "announcements", "text", "", 0, 128),
    # empty queues and overflow
    S("join_empty", "overflow", "choice", "never", choices=_empty_rules),
    S("leave_when_empty", "overflow", "choice", "never", choices=_empty_rules),
    S("timeout_kind", "overflow", "choice", "hangup", choices=_target_kinds),
    S("timeout_target", "overflow", "text", "", 0, 64),
    S("full_kind", "overflow", "choice", "hangup", choices=_target_kinds),
    S("full_target", "overflow", "text", "", 0, 64),
    S("no_agents_kind", "overflow", "choice", "hangup", choices=_target_kinds),
    S("no_agents_target", "overflow", "text", "", 0, 64),
    # callback, survey, CRM, reports
    S("callback_enabled", "features", "bool", False),
    S("callback_key", "features", "choice", "1", choices=_callback_keys),
    S("callback_attempts", "features", "int", 3, 1, 10),
    S("callback_retry_delay", "features", "seconds", 60.0, 0, 3600),
    S("callback_lead", "features", "seconds", 0.0, 0, 600),
    S("survey_enabled", "features", "bool", False),
    S("crm_url", "features", "text", "", 0, 512),
    S("service_level", "features", "seconds", 20.0, 1, 3600),
)
BY_KEY: dict[str, QueueSetting] = {s.key: s for s in QUEUE_SETTINGS}
NUMERIC = ("int", "seconds", "days", "decimal")


def defaults() -> dict[str, Any]:
    """Return the settings of a new queue."""
    return {s.key: s.default for s in QUEUE_SETTINGS}


def _bound(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def parse_number(raw: Any, integer: bool) -> float | int | None:
    """Return `raw` (text or a number) as a finite number, or None; `integer` refuses fractions."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        value: float = raw
    else:
        text = str(raw).strip()
        try:
            value = int(text) if integer else float(text)
        except ValueError:
            return None
    if not math.isfinite(value):
        return None
    if integer:
        return int(value) if float(value).is_integer() else None
    return float(value)


def parse_bool(raw: Any) -> bool | None:
    if isinstance(raw, bool):
        return raw
    word = str(raw).strip().lower()
    return True if word in TRUE_WORDS else False if word in FALSE_WORDS else None


def parse_setting(setting: QueueSetting, raw: Any) -> tuple[Any, str | None, dict[str, object]]:
    """Return (value, None, {}) or (None, message key, its arguments) for one raw value."""
    kind = setting.kind
    if kind in NUMERIC:
        value = parse_number(raw, kind == "int")
        if value is None or not setting.low <= value <= setting.high:
            key = {"int": "cc.integer", "seconds": "cc.seconds", "days": "cc.days"}.get(kind, "cc.decimal")
            return None, key, {"low": _bound(setting.low), "high": _bound(setting.high)}
        return value, None, {}
    if kind == "bool":
        value = parse_bool(raw)
        if value is None:
            return None, "cc.choice", {"choices": "1, 0"}
        return value, None, {}
    text = "" if raw is None else str(raw).strip()
    if kind == "choice":
        choices = setting.choices() if setting.choices else ()
        if text not in choices:
            return None, "cc.choice", {"choices": ", ".join(choices)}
        return text, None, {}
    if kind == "token":
        return (text, None, {}) if TOKEN_RE.match(text) else (None, "cc.token", {})
    if len(text) > setting.high or not text.isprintable():
        return None, "cc.text", {"max": _bound(setting.high)}
    return text, None, {}


def parse_settings(
    raw: Mapping[str, Any], current: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, str], dict[str, dict[str, object]]]:
    """Parse every setting in `raw` over `current`; return (values, errors, error arguments)."""
    values = dict(current)
    errors: dict[str, str] = {}
    params: dict[str, dict[str, object]] = {}
    for key in raw:
        if key not in BY_KEY:
            errors[key], params[key] = "config.unknown_key", {}
    for setting in QUEUE_SETTINGS:
        if setting.key not in raw:
            continue
        value, error, args = parse_setting(setting, raw[setting.key])
        if error is not None:
            errors[setting.key], params[setting.key] = error, args
        else:
            values[setting.key] = value
    return values, errors, params


def parse_widen(text: str) -> tuple[tuple[float, int], ...] | None:
    """Parse "0:8, 30:5, 60:1" into ((0.0, 8), (30.0, 5), (60.0, 1)); None if malformed.

    Steps start at 0 s, seconds rise, levels (1..10) fall: the engine's rule for skill_widen.
    """
    steps = []
    for part in text.split(","):
        seconds, sep, level = part.partition(":")
        after = parse_number(seconds, integer=False)
        lvl = parse_number(level, integer=True)
        if not sep or after is None or lvl is None or not 0 <= after <= 86400 or not 1 <= lvl <= 10:
            return None
        steps.append((float(after), int(lvl)))
    times = [a for a, _ in steps]
    levels = [lvl for _, lvl in steps]
    if times[0] != 0 or times != sorted(set(times)) or levels != sorted(levels, reverse=True):
        return None
    return tuple(steps)


def format_widen(steps: tuple[tuple[float, int], ...]) -> str:
    return ", ".join(f"{_bound(a)}:{lvl}" for a, lvl in steps)


def template_fields(text: str) -> set[str] | None:
    """Return the {placeholders} a template uses, or None if its braces are malformed."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        return None
    names = set()
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if spec or conversion or not name.isidentifier():
            return None
        names.add(name)
    return names


def display(setting: QueueSetting, value: Any) -> str:
    """Return a stored value as the form shows it (15.0 -> "15", True -> "1")."""
    if setting.kind == "bool":
        return "1" if value else ""
    if setting.kind in NUMERIC and isinstance(value, int | float):
        return _bound(value)
    return "" if value is None else str(value)

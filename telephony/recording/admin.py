"""Recordings for the web admin: search, one recording, delete; rules and retention settings.

Validate -> save. pbx-core reads rules per answered call and the settings at each check, so
nothing is reloaded. Errors carry catalog keys per field (`recording.err_*`), which the web
admin renders in the user's language.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import peewee

from telephony.models import Extension, Setting
from telephony.models.callcenter import Queue
from telephony.models.lines import PortSetting, TrunkGroup
from telephony.models.recording import DIRECTIONS, MODES, RULE_KINDS, Recording, RecordingRule
from telephony.prompts import LANGUAGES
from telephony.recording.errors import InvalidRecordingInput, RecordingNotFound
from telephony.recording.retention import DEFAULTS, delete_recording

NUMBER_RE = re.compile(r"^[0-9*#+]{1,32}$")
TRUNK_RE = re.compile(r"^(fxo[0-9]{1,3}|e1(/[0-9]{1,2})?)$")
SETTING_LIMITS = {
    "recording_retention_days": (0, 3650),
    "recording_quota_mb": (0, 10_000_000),
    "recording_reserve_mb": (0, 10_000_000),
}
TIME_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")


@dataclasses.dataclass(frozen=True)
class SearchInput:
    """Search fields as typed: times in the box's local time (an HTML datetime-local), durations in s."""

    start: str = ""
    end: str = ""
    extension: str = ""
    number: str = ""
    queue: str = ""
    agent: str = ""
    min_duration: str = ""
    max_duration: str = ""


@dataclasses.dataclass(frozen=True)
class RuleInput:
    kind: str
    value: str = ""
    mode: str = "mixed"
    announce: bool = False
    enabled: bool = True


def _local_to_utc(text: str) -> dt.datetime | None:
    for fmt in TIME_FORMATS:
        try:
            local = dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
        return local.astimezone(dt.UTC).replace(tzinfo=None)
    return None


def _seconds(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if 0 <= value <= 10 * 24 * 3600 else None


def search(data: SearchInput) -> peewee.ModelSelect:
    """The recordings matching every filled field, newest first; raise InvalidRecordingInput."""
    errors: dict[str, str] = {}
    query = Recording.select()
    for name, op in (("start", ">="), ("end", "<=")):
        text = getattr(data, name).strip()
        if not text:
            continue
        when = _local_to_utc(text)
        if when is None:
            errors[name] = "recording.err_time"
        else:
            query = query.where(Recording.started >= when if op == ">=" else Recording.started <= when)
    for name, op in (("min_duration", ">="), ("max_duration", "<=")):
        text = getattr(data, name).strip()
        if not text:
            continue
        value = _seconds(text)
        if value is None:
            errors[name] = "recording.err_duration"
        else:
            query = query.where(Recording.duration >= value if op == ">=" else Recording.duration <= value)
    if (
        "min_duration" not in errors
        and "max_duration" not in errors
        and data.min_duration
        and data.max_duration
    ):
        low, high = _seconds(data.min_duration), _seconds(data.max_duration)
        if low is not None and high is not None and low > high:
            errors["max_duration"] = "recording.err_duration_order"
    text_fields = {
        "extension": data.extension,
        "number": data.number,
        "queue": data.queue,
        "agent": data.agent,
    }
    for name, text in text_fields.items():
        text = text.strip()
        if not text:
            continue
        if not NUMBER_RE.match(text):
            errors[name] = "recording.err_number"
            continue
        if name == "extension":
            query = query.where(
                (Recording.extension == text)
                | Recording.extension.startswith(text + ",")
                | Recording.extension.endswith("," + text)
            )
        elif name == "number":
            query = query.where(Recording.caller.contains(text) | Recording.callee.contains(text))
        elif name == "queue":
            query = query.where(Recording.queue == text)
        else:
            query = query.where(Recording.agent == text)
    if errors:
        raise InvalidRecordingInput(errors)
    return query.order_by(Recording.started.desc(), Recording.id.desc())


def recording(recording_id: int) -> Recording:
    row = Recording.get_or_none(Recording.id == recording_id)
    if row is None:
        raise RecordingNotFound(f"no recording {recording_id}")
    return row


def delete(media_dir: Path, recording_id: int) -> Recording:
    """Delete a finished recording's file and row; return the row as it was."""
    row = recording(recording_id)
    if row.state == "recording":
        raise InvalidRecordingInput({"recording": "recording.err_in_progress"})
    delete_recording(media_dir, row)
    return row


# --- rules ---------------------------------------------------------------------------------------


def rules() -> list[RecordingRule]:
    return list(RecordingRule.select().order_by(RecordingRule.id))


def _value_error(kind: str, value: str) -> str | None:
    if kind == "all":
        return None
    if not value:
        return "recording.err_value_missing"
    if kind == "extension":
        known = Extension.select().where(Extension.number == value).exists() or (
            PortSetting.select().where(PortSetting.number == value).exists()
        )
        return None if known else "recording.err_no_extension"
    if kind == "queue":
        return None if Queue.select().where(Queue.number == value).exists() else "recording.err_no_queue"
    if kind == "trunk":
        if TRUNK_RE.match(value) or TrunkGroup.select().where(TrunkGroup.name == value).exists():
            return None
        return "recording.err_no_trunk"
    if kind == "direction":
        return None if value in DIRECTIONS else "recording.err_direction"
    return None


def save_rule(data: RuleInput, rule_id: int | None = None) -> RecordingRule:
    """Create (or update) a rule; raise InvalidRecordingInput naming the bad fields."""
    errors: dict[str, str] = {}
    value = data.value.strip()
    if data.kind not in RULE_KINDS:
        errors["kind"] = "recording.err_kind"
    else:
        problem = _value_error(data.kind, value)
        if problem:
            errors["value"] = problem
    if data.mode not in MODES:
        errors["mode"] = "recording.err_mode"
    if errors:
        raise InvalidRecordingInput(errors)
    row = RecordingRule() if rule_id is None else rule(rule_id)
    row.kind, row.value = data.kind, "" if data.kind == "all" else value
    row.mode, row.announce, row.enabled = data.mode, data.announce, data.enabled
    row.save()
    return row


def rule(rule_id: int) -> RecordingRule:
    row = RecordingRule.get_or_none(RecordingRule.id == rule_id)
    if row is None:
        raise RecordingNotFound(f"no recording rule {rule_id}")
    return row


def delete_rule(rule_id: int) -> RecordingRule:
    row = rule(rule_id)
    row.delete_instance()
    return row


# --- settings ------------------------------------------------------------------------------------


def settings() -> dict[str, str]:
    out = {key: Setting.get_value(key, default) for key, default in DEFAULTS.items()}
    out["recording_announce_language"] = Setting.get_value("recording_announce_language", "")
    out["recording_on_demand_mode"] = Setting.get_value("recording_on_demand_mode", "mixed")
    return out


def save_settings(values: dict[str, str]) -> dict[str, str]:
    """Validate and store the retention and announcement settings; return what was stored."""
    errors: dict[str, str] = {}
    clean: dict[str, str] = {}
    for key, (low, high) in SETTING_LIMITS.items():
        text = values.get(key, "").strip()
        try:
            number = int(text)
        except ValueError:
            errors[key] = "recording.err_whole_number"
            continue
        if not low <= number <= high:
            errors[key] = "recording.err_range"
            continue
        clean[key] = str(number)
    language = values.get("recording_announce_language", "")
    if language not in ("", *LANGUAGES):
        errors["recording_announce_language"] = "recording.err_language"
    clean["recording_announce_language"] = language
    mode = values.get("recording_on_demand_mode", "mixed")
    if mode not in MODES:
        errors["recording_on_demand_mode"] = "recording.err_mode"
    clean["recording_on_demand_mode"] = mode
    if errors:
        raise InvalidRecordingInput(errors)
    for key, value in clean.items():
        Setting.set_value(key, value)
    return clean

"""Turn pbx-core's status answer into rows a page can show, whatever keys it returns."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def flatten(status: Any) -> list[tuple[str, Any]]:
    """Return (key, value) rows: nested mappings become `outer.inner`, lists become their length."""
    if not isinstance(status, Mapping):
        return [("status", str(status))]
    rows: list[tuple[str, Any]] = []
    for key, value in status.items():
        if isinstance(value, Mapping):
            for inner, inner_value in value.items():
                rows.append((f"{key}.{inner}", _scalar(inner_value)))
        else:
            rows.append((str(key), _scalar(value)))
    return rows


def _scalar(value: Any) -> Any:
    if isinstance(value, list | tuple | set):
        return len(value)
    if isinstance(value, Mapping):
        return len(value)
    return value


def duration_parts(seconds: float) -> dict[str, int]:
    total = int(seconds)
    return {"d": total // 86400, "h": total % 86400 // 3600, "m": total % 3600 // 60, "s": total % 60}

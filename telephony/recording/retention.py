"""Retention of recordings: by age, by a disk quota (oldest first), and a reserve of free space.

`run` deletes recordings older than `recording_retention_days` (0 keeps them), then the oldest
until all recordings fit in `recording_quota_mb` (0: no quota). `low_space` says whether the free
space on the media disk is below `recording_reserve_mb`: then no new recording starts (and the
running ones stop), so recordings never fill the disk. The free-space function is passed in, so
tests give a fake one instead of filling a disk. Only finished recordings are ever deleted.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import shutil
from collections.abc import Callable
from pathlib import Path

import peewee

from telephony.models import Setting, utcnow
from telephony.models.recording import Recording
from telephony.recording import files

log = logging.getLogger(__name__)

DEFAULTS = {"recording_retention_days": "0", "recording_quota_mb": "0", "recording_reserve_mb": "200"}
MB = 1024 * 1024


@dataclasses.dataclass(frozen=True)
class Limits:
    days: int
    quota_mb: int
    reserve_mb: int


def limits() -> Limits:
    """The retention settings as stored (a bad stored value counts as its default)."""

    def number(key: str) -> int:
        try:
            return max(0, int(Setting.get_value(key, DEFAULTS[key])))
        except (TypeError, ValueError):
            return int(DEFAULTS[key])

    return Limits(
        number("recording_retention_days"), number("recording_quota_mb"), number("recording_reserve_mb")
    )


def disk_free_mb(path: Path) -> float:
    """Free megabytes on the disk holding `path` (its nearest existing parent)."""
    while not path.exists() and path != path.parent:
        path = path.parent
    return shutil.disk_usage(path).free / MB


def delete_recording(media_dir: Path, row: Recording) -> None:
    """Remove a recording's file (and stereo parts left behind), then its row."""
    path = media_dir / row.path
    path.unlink(missing_ok=True)
    for part in files.part_paths(path):
        part.unlink(missing_ok=True)
    row.delete_instance()


class Retention:
    """Apply the limits to the recordings under `media_dir`."""

    def __init__(self, media_dir: Path, free_mb: Callable[[], float] | None = None) -> None:
        self.media_dir = media_dir
        self.free_mb = free_mb or (lambda: disk_free_mb(media_dir))

    def low_space(self) -> bool:
        reserve = limits().reserve_mb
        return reserve > 0 and self.free_mb() < reserve

    def status(self) -> dict:
        lim = limits()
        free = self.free_mb()
        used = Recording.select(peewee.fn.COALESCE(peewee.fn.SUM(Recording.size), 0)).scalar() or 0
        return {
            "free_mb": round(free, 1),
            "reserve_mb": lim.reserve_mb,
            "quota_mb": lim.quota_mb,
            "days": lim.days,
            "used_mb": round(used / MB, 3),
            "count": Recording.select().count(),
            "low_space": lim.reserve_mb > 0 and free < lim.reserve_mb,
        }

    def run(self, now: dt.datetime | None = None) -> dict[str, int]:
        """Delete what the limits do not allow; return how many went for age and for the quota."""
        lim = limits()
        now = now or utcnow()
        finished = Recording.state != "recording"
        by_age = 0
        if lim.days:
            cutoff = now - dt.timedelta(days=lim.days)
            for row in (
                Recording.select().where(finished & (Recording.started < cutoff)).order_by(Recording.started)
            ):
                delete_recording(self.media_dir, row)
                by_age += 1
        by_quota = 0
        if lim.quota_mb:
            total = Recording.select(peewee.fn.COALESCE(peewee.fn.SUM(Recording.size), 0)).scalar() or 0
            budget = lim.quota_mb * MB
            oldest = Recording.select().where(finished).order_by(Recording.started, Recording.id)
            for row in list(oldest):
                if total <= budget:
                    break
                total -= row.size
                delete_recording(self.media_dir, row)
                by_quota += 1
        if by_age or by_quota:
            log.info(
                "recording retention: %d deleted for age, %d for the %d MB quota",
                by_age,
                by_quota,
                lim.quota_mb,
            )
        return {"by_age": by_age, "by_quota": by_quota}

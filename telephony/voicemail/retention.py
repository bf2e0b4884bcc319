"""Voicemail retention: messages older than N days go, a box-wide quota, and a reserve of free disk.

Settings (the key-value Setting table, 0 switches a limit off):

    key                         default  meaning
    voicemail_keep_new_days     0        delete messages in the new folder older than this
    voicemail_keep_saved_days   0        delete saved messages older than this
    voicemail_quota_mb          0        all mailboxes' messages together; oldest deleted first
    voicemail_reserve_mb        100      free disk kept: below it no message is taken

`Retention.run` applies the age limits, then the quota (oldest first, whatever the mailbox). It
runs in pbx-core every SWEEP_SECONDS on a worker thread (`RetentionTimer`), never on the loop.
`low_space` is asked when a caller would leave a message and while one is being recorded: below
the reserve the caller is told the mailbox is full (never silence) and nothing is stored, so a
full disk never leaves a half-written message, and stored messages are never deleted for space
that something else took. The free-space function is passed in; tests give their own (the
running core reads it from the file PBX_TEST_FREE_MB_FILE names, when that is set).
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import datetime as dt
import logging
import os
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from telephony.errors import TelephonyError
from telephony.models import Setting, database, utcnow
from telephony.models.voicemail import VoicemailMessage

log = logging.getLogger(__name__)

MB = 1024 * 1024
SWEEP_SECONDS = float(os.environ.get("PBX_VOICEMAIL_RETENTION_SECONDS") or 600)  # tests run it often

# key, default, upper bound, help (en, zh-CN)
SETTINGS: tuple[tuple[str, int, int, str, str], ...] = (
    ("voicemail_keep_new_days", 0, 3650, "days new messages are kept (0: for ever)", "新留言保留天数（0：永久）"),
    ("voicemail_keep_saved_days", 0, 3650, "days saved messages are kept (0: for ever)", "已保存留言保留天数（0：永久）"),
    ("voicemail_quota_mb", 0, 1024 * 1024, "MB all messages may take (0: no quota)", "全部留言可占用的 MB（0：不限）"),
    ("voicemail_reserve_mb", 100, 1024 * 1024, "MB of free disk kept (0: none)", "保留的可用磁盘 MB（0：不保留）"),
)  # fmt: skip
DEFAULTS = {key: default for key, default, *_ in SETTINGS}


@dataclasses.dataclass(frozen=True)
class Limits:
    keep_new_days: int
    keep_saved_days: int
    quota_mb: int
    reserve_mb: int


class LimitsInvalid(TelephonyError, ValueError):
    """Retention settings refused; `errors` maps each bad key to its reason (render by language)."""

    def __init__(self, errors: dict[str, dict[str, str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v['en']}" for k, v in errors.items()))

    def render(self, language: str) -> dict[str, str]:
        return {k: v.get(language, v["en"]) for k, v in self.errors.items()}


def limits() -> Limits:
    """The settings as stored (a bad stored value counts as its default)."""

    def number(key: str) -> int:
        try:
            return max(0, int(Setting.get_value(key, str(DEFAULTS[key]))))
        except (TypeError, ValueError):
            return DEFAULTS[key]

    return Limits(*(number(key) for key, *_ in SETTINGS))


def parse_limits(values: Mapping[str, Any]) -> Limits:
    """Check submitted settings (missing keys keep their stored value); LimitsInvalid names each bad one."""
    current = dataclasses.asdict(limits())
    errors: dict[str, dict[str, str]] = {}
    out: dict[str, int] = {}
    for key, _default, upper, _en, _zh in SETTINGS:
        field = key.removeprefix("voicemail_")
        raw = values.get(key, values.get(field, current[field]))
        text = str(raw).strip()
        if not text.isdigit() or int(text) > upper:
            errors[key] = {
                "en": f"{key}: a whole number from 0 to {upper} (got {text!r})",
                "zh-CN": f"{key}：必须是 0 到 {upper} 的整数（现为 {text!r}）",
            }
            continue
        out[field] = int(text)
    if errors:
        raise LimitsInvalid(errors)
    return Limits(**out)


def save_limits(values: Mapping[str, Any]) -> Limits:
    """Validate and store the settings (all or nothing)."""
    new = parse_limits(values)
    with database.atomic():
        for key, *_ in SETTINGS:
            Setting.set_value(key, str(getattr(new, key.removeprefix("voicemail_"))))
    return new


def disk_free_mb(path: Path) -> float:
    """Free megabytes on the disk holding `path` (its nearest existing parent)."""
    while not path.exists() and path != path.parent:
        path = path.parent
    return shutil.disk_usage(path).free / MB


def free_mb_function(media_dir: Path) -> Callable[[], float]:
    """The free-space function of the running core (a test may name a file holding the number)."""
    fake = os.environ.get("PBX_TEST_FREE_MB_FILE")
    if fake:

        def from_file() -> float:
            try:
                return float(Path(fake).read_text().strip())
            except (OSError, ValueError):
                return disk_free_mb(media_dir)

        return from_file
    return lambda: disk_free_mb(media_dir)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


class Retention:
    """Apply the limits to the messages under `media_dir`."""

    def __init__(
        self,
        media_dir: Path,
        free_mb: Callable[[], float] | None = None,
        now: Callable[[], dt.datetime] = utcnow,
    ) -> None:
        self.media_dir = Path(media_dir)
        self.free_mb = free_mb or (lambda: disk_free_mb(self.media_dir))
        self.now = now

    def low_space(self) -> bool:
        """Whether free disk is below the reserve (then no message is taken)."""
        reserve = limits().reserve_mb
        try:
            return reserve > 0 and self.free_mb() < reserve
        except OSError as exc:
            log.error("voicemail: free disk space unknown (%s): taking no message", exc)
            return True

    def used_bytes(self) -> int:
        return sum(_size(self.media_dir / m.path) for m in VoicemailMessage.select(VoicemailMessage.path))

    def status(self) -> dict[str, Any]:
        lim = limits()
        free = self.free_mb()
        return {
            **dataclasses.asdict(lim),
            "free_mb": round(free, 1),
            "used_mb": round(self.used_bytes() / MB, 3),
            "count": VoicemailMessage.select().count(),
            "low_space": lim.reserve_mb > 0 and free < lim.reserve_mb,
        }

    def run(self) -> dict[str, int]:
        """Delete what the limits do not allow; return how many went for age and for the quota."""
        lim = limits()
        now = self.now()
        deleted = {"new_by_age": 0, "saved_by_age": 0, "by_quota": 0}
        for folder, days in (("new", lim.keep_new_days), ("saved", lim.keep_saved_days)):
            if not days:
                continue
            cutoff = now - dt.timedelta(days=days)
            old = VoicemailMessage.select().where(
                (VoicemailMessage.folder == folder) & (VoicemailMessage.received_at < cutoff)
            )
            for message in old.order_by(VoicemailMessage.received_at, VoicemailMessage.id):
                self._delete(message)
                deleted[f"{folder}_by_age"] += 1
        if lim.quota_mb:
            rows = list(VoicemailMessage.select().order_by(VoicemailMessage.received_at, VoicemailMessage.id))
            sizes = [_size(self.media_dir / m.path) for m in rows]
            total, budget = sum(sizes), lim.quota_mb * MB
            for message, size in zip(rows, sizes, strict=True):
                if total <= budget:
                    break
                total -= size
                self._delete(message)
                deleted["by_quota"] += 1
        if any(deleted.values()):
            log.info(
                "voicemail retention: %d new and %d saved deleted for age, %d for the %d MB quota",
                deleted["new_by_age"],
                deleted["saved_by_age"],
                deleted["by_quota"],
                lim.quota_mb,
            )
        return deleted

    def _delete(self, message: VoicemailMessage) -> None:
        """The row first: a message whose file could not go is still gone from every list."""
        path = self.media_dir / message.path
        message.delete_instance()
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            log.error("voicemail retention: %s not deleted: %s", path, exc)


class RetentionTimer:
    """Run the retention in pbx-core every `interval` seconds, on a worker thread."""

    def __init__(self, engine: Any, retention: Retention, interval: float = SWEEP_SECONDS) -> None:
        self.engine = engine
        self.retention = retention
        self.interval = interval
        self.timer: Any = None
        self._pool = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="vm-retention")
        self.last: dict[str, int] = {}

    def start(self, first: float = 5.0) -> None:
        self.timer = self.engine.call_later(first, self._tick)

    def _tick(self) -> None:
        self.timer = self.engine.call_later(self.interval, self._tick)
        self._pool.submit(self._run)

    def _run(self) -> None:
        try:
            self.last = self.retention.run()
        except Exception:  # logged; the next tick tries again
            log.exception("voicemail retention failed")

    def close(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        self._pool.shutdown(wait=True, cancel_futures=True)

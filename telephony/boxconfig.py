"""Read the box's run-time settings (ports, paths) from the environment into a frozen dataclass.

One declarative table: key, environment variable, parser, default, help. Every process of the
box (firmware, pbx-core, webadmin, pbxctl) reads the same table, so they agree on ports.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from telephony.errors import ConfigError


def _port(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 65535:
        raise ValueError("must be a port number 1-65535")
    return value


def _port_or_off(text: str) -> int:
    """A port number, or 0 for a listener that is off."""
    return 0 if text.strip() == "0" else _port(text)


def _positive(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise ValueError("must be a positive number")
    return value


def _path(text: str) -> Path:
    return Path(text).expanduser().absolute()


def _optional_path(text: str) -> Path | None:
    """A path, or None (empty) for the default the config derives from data_dir."""
    return _path(text) if text.strip() else None


# key, environment variable, parser, default, help
SETTINGS: tuple[tuple[str, str, Callable[[str], Any], str, str], ...] = (
    ("data_dir", "PBX_DATA_DIR", _path, "./var", "data directory: database, media, run files, logs"),
    ("sip_host", "PBX_SIP_HOST", str, "0.0.0.0", "address kamailio listens on for phones"),
    ("sip_port", "PBX_SIP_PORT", _port, "5060", "SIP port (UDP and TCP) phones register to"),
    ("sip_advertise", "PBX_SIP_ADVERTISE", str, "", "address shown to phones (default: first non-loopback)"),
    ("http_host", "PBX_HTTP_HOST", str, "127.0.0.1", "address the web admin listens on"),
    ("http_port", "PBX_HTTP_PORT", _port, "8080", "web admin HTTP port (only redirects if https_port)"),
    ("https_port", "PBX_HTTPS_PORT", _port_or_off, "0", "web admin HTTPS port on http_host (0: HTTPS off)"),
    ("tls_cert", "PBX_TLS_CERT", _optional_path, "", "web admin TLS certificate (default: first boot's)"),
    ("tls_key", "PBX_TLS_KEY", _optional_path, "", "web admin TLS private key (default: first boot's)"),
    ("core_sip_port", "PBX_CORE_SIP_PORT", _port, "5070", "pbx-core SIP port on 127.0.0.1 (kamailio only)"),
    ("control_port", "PBX_CONTROL_PORT", _port, "5071", "pbx-core control API port on 127.0.0.1"),
    ("rtp_port", "PBX_RTP_PORT", _port, "20000", "first RTP port of pbx-core"),
    ("max_calls", "PBX_MAX_CALLS", _positive, "480", "call legs pbx-core accepts (pjsua maxCalls)"),
    ("board", "PBX_BOARD", str, "sim", "board file under board-configs/"),
    ("log_level", "PBX_LOG_LEVEL", str, "INFO", "log level of the box's Python processes"),
    ("logs", "PBX_LOG_DIR", _optional_path, "", "program logs (default: data_dir/log; the image: RAM)"),
    ("log_file_mb", "PBX_LOG_FILE_MB", _positive, "5", "cap of each program log file, MB (3 files kept)"),
)


@dataclasses.dataclass(frozen=True)
class BoxConfig:
    """Run-time settings of one box; paths are derived from data_dir."""

    data_dir: Path
    sip_host: str
    sip_port: int
    sip_advertise: str
    http_host: str
    http_port: int
    https_port: int
    tls_cert: Path | None
    tls_key: Path | None
    core_sip_port: int
    control_port: int
    rtp_port: int
    max_calls: int
    board: str
    log_level: str
    logs: Path | None
    log_file_mb: int

    @property
    def db_path(self) -> Path:
        return self.data_dir / "db" / "pbx.sqlite3"

    @property
    def run_dir(self) -> Path:
        return self.data_dir / "run"

    @property
    def log_dir(self) -> Path:
        """Where supervisord keeps the programs' logs: PBX_LOG_DIR (the image: a RAM disk, sparing
        the SD card), else data_dir/log."""
        return self.logs or self.data_dir / "log"

    @property
    def media_dir(self) -> Path:
        return self.data_dir / "media"

    @property
    def web_tls_cert(self) -> Path:
        """The certificate the web admin serves: PBX_TLS_CERT, else the one first boot makes."""
        from firmware.firstboot import TLS_CERT  # first boot owns the data layout (and imports this module)

        return self.tls_cert or self.data_dir / TLS_CERT

    @property
    def web_tls_key(self) -> Path:
        """The private key of web_tls_cert: PBX_TLS_KEY, else the one first boot makes."""
        from firmware.firstboot import TLS_KEY

        return self.tls_key or self.data_dir / TLS_KEY

    @property
    def kamailio_ctl(self) -> Path:
        return self.run_dir / "kamailio_ctl"

    @property
    def control_url(self) -> str:
        return f"http://127.0.0.1:{self.control_port}"

    def environ(self) -> dict[str, str]:
        """Return the environment variables that reproduce this config in a child process."""
        out = {}
        for key, env, _parser, _default, _help in SETTINGS:
            value = getattr(self, key)
            out[env] = "" if value is None else str(value)
        return out


def load(environ: Mapping[str, str] | None = None, **overrides: Any) -> BoxConfig:
    """Parse the settings table from `environ` (default os.environ); raise ConfigError naming the key."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for key, env, parser, default, _help in SETTINGS:
        if key in overrides:
            values[key] = overrides[key]
            continue
        text = environ.get(env, default)
        try:
            values[key] = parser(text)
        except ValueError as exc:
            raise ConfigError(env, f"{text!r} {exc}", source="environment") from None
    return BoxConfig(**values)

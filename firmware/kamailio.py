"""Render, validate and install kamailio.cfg (the SIP edge), and say how supervisord runs kamailio.

The template is firmware/templates/kamailio.cfg with `@@NAME@@` placeholders (kamailio's own
syntax uses `$` and braces everywhere, `@@` nowhere). Every value is checked before it lands in
the file, and the result is checked by `kamailio -c` before it replaces the last good config.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import shutil
import subprocess
import sysconfig
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from firmware.errors import ConfigApplyError, FirmwareError
from firmware.firstboot import ensure_secret
from telephony.boxconfig import BoxConfig
from telephony.errors import ConfigError
from telephony.models.pbx import REALM_RE

log = logging.getLogger(__name__)

TEMPLATE = Path(__file__).with_name("templates") / "kamailio.cfg"
CONFIG_NAME = "kamailio.cfg"
PID_NAME = "kamailio.pid"
WILDCARD_HOSTS = ("", "0.0.0.0", "*")
# A unix socket path longer than sun_path (108 bytes with the NUL) cannot be bound.
MAX_SOCKET_PATH = 107

_HOST_RE = re.compile(r"^[A-Za-z0-9.:-]+$")
# What first boot writes (secrets.token_urlsafe); anything else could break out of the quoted modparam.
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{32,128}$")
EDGE_SECRET_NAME = "edge.secret"
_PLACEHOLDER_RE = re.compile(r"@@([A-Z][A-Z0-9_]*)@@")

# kamailio's `debug` levels for the box's log level: NOTICE keeps the edge's xlog lines
# (auth failures, bans) without logging every message.
KAMAILIO_DEBUG = {"DEBUG": 3, "INFO": 1, "WARNING": 0, "ERROR": -1, "CRITICAL": -2}


def _positive(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise ValueError("must be a positive number")
    return value


# key, parser, default, help
LIMITS: tuple[tuple[str, Callable[[str], Any], str, str], ...] = (
    ("pike_window", _positive, "2", "seconds over which pike counts the requests of one source IP"),
    ("pike_limit", _positive, "64", "requests per pike window from one IP above which it is banned (flood)"),
    ("auth_fail_limit", _positive, "10", "digest failures from one IP within auth_fail_window that ban it"),
    ("auth_fail_window", _positive, "60", "seconds the failures of one IP are counted over"),
    ("ban_time", _positive, "300", "seconds a banned IP gets no answer at all"),
    ("children", _positive, "2", "kamailio UDP worker processes per listening socket"),
    ("tcp_children", _positive, "2", "kamailio TCP worker processes"),
)


@dataclasses.dataclass(frozen=True)
class EdgeLimits:
    """Flood and brute-force thresholds and process counts of the edge; see LIMITS for each key."""

    pike_window: int = 2
    pike_limit: int = 64
    auth_fail_limit: int = 10
    auth_fail_window: int = 60
    ban_time: int = 300
    children: int = 2
    tcp_children: int = 2

    @classmethod
    def parse(cls, values: Mapping[str, str], source: str = "") -> EdgeLimits:
        """Parse the LIMITS table from text values (settings, a form); raise ConfigError naming the key."""
        out: dict[str, Any] = {}
        for key, parser, default, _help in LIMITS:
            text = str(values.get(key, default))
            try:
                out[key] = parser(text)
            except ValueError as exc:
                raise ConfigError(key, f"{text!r} {exc}", source=source) from None
        return cls(**out)


def kamailio_binary() -> str:
    return shutil.which("kamailio") or "/usr/sbin/kamailio"


def modules_dir() -> Path:
    """Return Debian's kamailio module directory for this machine's architecture."""
    multiarch = sysconfig.get_config_var("MULTIARCH")
    candidates = [Path(f"/usr/lib/{multiarch}/kamailio/modules")] if multiarch else []
    candidates += sorted(Path("/usr/lib").glob("*/kamailio/modules")) + [Path("/usr/lib/kamailio/modules")]
    for path in candidates:
        if (path / "tm.so").exists():
            return path
    return candidates[0]


def core_socket(cfg: BoxConfig) -> str:
    """Return the socket kamailio talks to pbx-core from; the core accepts calls from this address only."""
    return f"udp:127.0.0.1:{cfg.sip_port}"


def listen_lines(cfg: BoxConfig) -> list[str]:
    """Return the `listen=` lines: phones on sip_host (UDP+TCP), pbx-core on loopback UDP."""
    host, port = cfg.sip_host.strip(), cfg.sip_port
    if host not in WILDCARD_HOSTS and not _HOST_RE.fullmatch(host):
        raise ConfigError("PBX_SIP_HOST", f"{host!r} is not an address", source="environment")
    advertise = cfg.sip_advertise.strip()
    if advertise and not _HOST_RE.fullmatch(advertise):
        raise ConfigError("PBX_SIP_ADVERTISE", f"{advertise!r} is not an address", source="environment")
    if host in WILDCARD_HOSTS:
        # With an advertised address a wildcard socket is fine: Via and Record-Route carry that
        # address. Without one, kamailio binds each interface address it finds at start instead,
        # since a bare 0.0.0.0 socket would put 0.0.0.0 into Via and Record-Route. Either way
        # loopback has a socket of its own: the one pbx-core is reached from.
        if advertise:
            return [
                "# every interface; phones are told the advertised address",
                f"listen=udp:0.0.0.0:{port} advertise {advertise}:{port}",
                f"listen=tcp:0.0.0.0:{port} advertise {advertise}:{port}",
                f"listen={core_socket(cfg)}",
            ]
        return ["# no listen=: kamailio listens on every interface address it finds at start", f"port={port}"]
    suffix = f" advertise {advertise}:{port}" if advertise else ""
    lines = [f"listen=udp:{host}:{port}{suffix}", f"listen=tcp:{host}:{port}{suffix}"]
    if host != "127.0.0.1":
        lines.append(f"listen={core_socket(cfg)}")
    return lines


def _checked_path(path: Path, what: str, limit: int = 1024) -> str:
    text = str(Path(path).absolute())
    if any(c in text for c in '"\\\n\r') or len(text) > limit:
        raise ConfigError(what, f"{text!r} cannot be used in kamailio.cfg (quotes, newline or too long)")
    return text


def auth_secret(cfg: BoxConfig) -> str:
    """Return the box's edge.secret for kamailio's digest nonces (made now if first boot never ran).

    Per box, and the same across kamailio restarts: a nonce handed out before a restart still
    verifies after it, and no two boxes share one. The value is never put in a log or an error.
    """
    try:
        value = ensure_secret(cfg, EDGE_SECRET_NAME)
    except FirmwareError as exc:
        raise ConfigApplyError(f"kamailio config: {exc}") from None
    if not _SECRET_RE.fullmatch(value):
        path = cfg.data_dir / "keys" / EDGE_SECRET_NAME
        raise ConfigApplyError(
            f"kamailio config: {path} is not a secret first boot made; delete it and run first boot"
        )
    return value


def template_values(cfg: BoxConfig, realm: str, limits: EdgeLimits) -> dict[str, str]:
    """Return the value of every placeholder of the template."""
    if not REALM_RE.fullmatch(realm):
        raise ConfigError(
            "sip_realm", f"{realm!r} must be letters, digits, dots and dashes", source="settings"
        )
    return {
        "REALM": realm,
        "AUTH_SECRET": auth_secret(cfg),
        "LISTEN": "\n".join(listen_lines(cfg)),
        "SIP_PORT": str(cfg.sip_port),
        "CORE_PORT": str(cfg.core_sip_port),
        "CORE_SOCKET": core_socket(cfg),
        "MODULES_DIR": _checked_path(modules_dir(), "modules_dir"),
        "DB_URL": "sqlite:///" + _checked_path(cfg.db_path, "db_path"),
        "CTL_SOCKET": _checked_path(cfg.kamailio_ctl, "kamailio_ctl", MAX_SOCKET_PATH),
        "LOG_LEVEL": str(KAMAILIO_DEBUG.get(cfg.log_level.upper(), 1)),
        "CHILDREN": str(limits.children),
        "TCP_CHILDREN": str(limits.tcp_children),
        "PIKE_WINDOW": str(limits.pike_window),
        "PIKE_LIMIT": str(limits.pike_limit),
        "AUTH_FAIL_LIMIT": str(limits.auth_fail_limit),
        "AUTH_FAIL_WINDOW": str(limits.auth_fail_window),
        "BAN_TIME": str(limits.ban_time),
    }


def render_kamailio(
    cfg: BoxConfig, realm: str = "pbx", limits: EdgeLimits | None = None, template: Path = TEMPLATE
) -> str:
    """Return the text of kamailio.cfg for this box and SIP realm."""
    values = template_values(cfg, realm, limits or EdgeLimits())
    text = template.read_text()
    missing = sorted(set(_PLACEHOLDER_RE.findall(text)) - set(values))
    if missing:
        raise ConfigApplyError(f"{template}: no value for {', '.join(missing)}")
    return _PLACEHOLDER_RE.sub(lambda m: values[m.group(1)], text)


def check_config(path: Path, timeout: float = 30, run_dir: Path | None = None) -> str:
    """Run `kamailio -c` on a config file; return its output, raise ConfigApplyError if it is rejected.

    `-Y` points kamailio's runtime directory at the box's (the file's directory by default): its
    built-in /var/run/kamailio does not exist on the image's read-only root.
    """
    argv = [kamailio_binary(), "-c", "-f", str(path), "-Y", str(run_dir or path.parent)]
    try:
        result = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ConfigApplyError(f"cannot check {path} with kamailio: {exc}") from None
    output = (result.stdout + result.stderr).strip()
    if result.returncode != 0:
        lines = [line.strip() for line in output.splitlines() if line.strip()]
        errors = [line for line in lines if "ERROR" in line or "CRITICAL" in line] or lines
        # the first errors name the cause; later ones are consequences, the last one the count
        shown = errors[:6] + ([errors[-1]] if len(errors) > 6 else [])
        detail = "\n".join(shown)
        raise ConfigApplyError(f"kamailio rejected {path}:\n{detail}")
    return output


def _write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read: the config holds the box's edge secret."""
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(text)


def write_kamailio(
    cfg: BoxConfig, realm: str = "pbx", limits: EdgeLimits | None = None, template: Path = TEMPLATE
) -> Path:
    """Render, check and install run/kamailio.cfg; on rejection keep the last good file and raise."""
    cfg.run_dir.mkdir(parents=True, exist_ok=True)
    path = cfg.run_dir / CONFIG_NAME
    candidate = path.with_name(CONFIG_NAME + ".new")
    _write_private(candidate, render_kamailio(cfg, realm, limits, template))
    try:
        check_config(candidate)
    except ConfigApplyError as exc:
        rejected = path.with_name(CONFIG_NAME + ".rejected")
        candidate.replace(rejected)
        log.error("kamailio config rejected, kept %s; the rejected one is %s", path, rejected)
        raise ConfigApplyError(f"{exc}\n(kept {path}; the rejected config is {rejected})") from None
    candidate.replace(path)
    log.info("kamailio config installed: %s", path)
    return path


def kamailio_command(cfg: BoxConfig) -> list[str]:
    """Return the argv that runs kamailio in the foreground, logging to stderr, all files under run_dir."""
    run = cfg.run_dir
    return [
        kamailio_binary(),
        "-DD",  # no daemon: supervisord is the parent
        "-E",  # log to stderr, which supervisord keeps
        "-f",
        str(run / CONFIG_NAME),
        "-P",
        str(run / PID_NAME),
        "-Y",
        str(run),
        "-w",
        str(run),
        "-m",
        "64",
        "-M",
        "8",
    ]

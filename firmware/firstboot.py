"""First boot: lay out the data partition, make this box's own secrets, apply the default config.

Idempotent: every step looks at what exists and only makes what is missing, so a first boot cut
short by a power loss finishes on the next boot, and running it on every boot (pbx-firstboot.service
and `make run` do) changes nothing once it is done. No default credential is ever made: the
web admin asks for the admin password on the first visit (webadmin/routes/setup.py).

Layout under the data directory (/data/pbx on the image, ./var under `make run`):
    db/       the SQLite database            media/   prompts, voicemail, recordings
    config/   firstboot stamp, rendered-config state            keys/  secrets, TLS (0700)
    log/      logs that must outlive a reboot                   run/   sockets, rendered configs
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import os
import secrets
import subprocess
from pathlib import Path

from firmware.errors import FirmwareError
from telephony.boxconfig import BoxConfig

log = logging.getLogger(__name__)

LAYOUT = ("db", "media", "config", "keys", "log", "run")
STAMP = "config/firstboot.json"
# name under keys/, what it is for
SECRETS = (
    ("session.key", "web admin: HMAC key that signs the session cookie (webadmin/auth.py)"),
    ("edge.secret", "SIP edge: kamailio's digest nonce secret (per box, survives a kamailio restart)"),
)
TLS_CERT = "keys/web-tls.crt"
TLS_KEY = "keys/web-tls.key"
TLS_DAYS = 3650


class FirstBootError(FirmwareError, RuntimeError):
    """A first-boot step failed; the message names the step and the reason."""


@dataclasses.dataclass(frozen=True)
class FirstBootResult:
    """What one run made (empty when everything already existed)."""

    made: tuple[str, ...]

    @property
    def changed(self) -> bool:
        return bool(self.made)


def _create_secret(path: Path) -> bool:
    """Write a new random secret at `path` unless one is there; return whether this call made it.

    The value goes to a private temporary file first and is then hard-linked into place, which
    fails if the name exists: two processes making the same secret at once (webadmin and the
    config apply under `make run`) both end up using the one that won, never a half-written file.
    """
    if path.exists():
        return False
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(32) + "\n")
            out.flush()
            os.fsync(out.fileno())
        os.link(tmp, path)
        return True
    except FileExistsError:
        return False
    finally:
        tmp.unlink(missing_ok=True)


def _keys_dir(cfg: BoxConfig) -> Path:
    """Return keys/ in the data dir, made private (0700) if it was missing."""
    path = cfg.data_dir / "keys"
    if not path.is_dir():
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise FirstBootError(f"first boot: cannot create {path}: {exc.strerror}") from None
        path.chmod(0o700)
    return path


def make_tls_certificate(cert: Path, key: Path, common_name: str = "pbx-box") -> None:
    """Make a self-signed certificate for the web admin with the openssl CLI (EC P-256, ten years)."""
    tmp_key, tmp_cert = key.with_name(key.name + ".tmp"), cert.with_name(cert.name + ".tmp")
    argv = [
        "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-keyout", str(tmp_key), "-out", str(tmp_cert), "-days", str(TLS_DAYS),
        "-subj", f"/CN={common_name}", "-addext", f"subjectAltName=DNS:{common_name},DNS:localhost,IP:127.0.0.1",
    ]  # fmt: skip
    old = os.umask(0o077)
    try:
        result = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise FirstBootError(f"first boot: cannot run openssl to make the TLS certificate: {exc}") from None
    finally:
        os.umask(old)
    if result.returncode != 0:
        raise FirstBootError(
            f"first boot: openssl refused to make the TLS certificate: {result.stderr.strip()}"
        )
    tmp_key.chmod(0o600)
    tmp_key.replace(key)
    tmp_cert.replace(cert)


def _layout(cfg: BoxConfig, made: list[str]) -> None:
    for name in LAYOUT:
        path = cfg.data_dir / name
        if not path.is_dir():
            try:
                path.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise FirstBootError(f"first boot: cannot create {path}: {exc.strerror}") from None
            made.append(f"{name}/")
    (cfg.data_dir / "keys").chmod(0o700)


def _secrets(cfg: BoxConfig, made: list[str]) -> None:
    for name, _why in SECRETS:
        if _create_secret(_keys_dir(cfg) / name):
            made.append(f"keys/{name}")
    cert, key = cfg.data_dir / TLS_CERT, cfg.data_dir / TLS_KEY
    if not (cert.exists() and key.exists()):
        make_tls_certificate(cert, key)
        made.append(TLS_CERT)


def _default_config(cfg: BoxConfig, made: list[str]) -> None:
    from telephony.models import DEFAULT_REALM, Setting, open_database

    fresh = not cfg.db_path.exists()
    open_database(cfg.db_path)  # creates and migrates; no admin user is made
    if fresh:
        made.append("db/pbx.sqlite3")
    if not Setting.get_or_none(Setting.key == "sip_realm"):
        Setting.set_value("sip_realm", DEFAULT_REALM)
        made.append("setting sip_realm")


def read_secret(cfg: BoxConfig, name: str) -> str:
    """Return a secret first boot made (keys/<name>); raise FirstBootError if first boot has not run."""
    path = cfg.data_dir / "keys" / name
    try:
        value = path.read_text().strip()
    except FileNotFoundError:
        raise FirstBootError(f"{path} is missing: run first boot (firmware.firstboot)") from None
    except (OSError, UnicodeError) as exc:
        raise FirstBootError(f"{path} cannot be read: {exc}") from None
    if not value:
        raise FirstBootError(f"{path} is empty: delete it and run first boot (firmware.firstboot)")
    return value


def ensure_secret(cfg: BoxConfig, name: str) -> str:
    """Return the secret keys/<name> (one of SECRETS), making it first as first boot would if missing.

    The box always has it from first boot; a data dir first boot never ran on (tests, tools) gets
    one on first use, so the code that uses a secret behaves the same everywhere. Never logs the value.
    """
    if name not in dict(SECRETS):
        raise ValueError(f"unknown secret {name!r}")
    if _create_secret(_keys_dir(cfg) / name):
        log.info("made keys/%s in %s (first boot had not run here)", name, cfg.data_dir)
    return read_secret(cfg, name)


def is_done(cfg: BoxConfig) -> bool:
    return (cfg.data_dir / STAMP).exists()


def first_boot(cfg: BoxConfig) -> FirstBootResult:
    """Make whatever of the data layout, secrets and default config is missing; return what was made."""
    made: list[str] = []
    _layout(cfg, made)
    _secrets(cfg, made)
    _default_config(cfg, made)
    stamp = cfg.data_dir / STAMP
    if not stamp.exists():
        tmp = stamp.with_name(stamp.name + ".tmp")
        tmp.write_text(json.dumps({"done": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}) + "\n")
        tmp.replace(stamp)
        made.append(STAMP)
    if made:
        log.info("first boot made: %s", ", ".join(made))
    return FirstBootResult(tuple(made))


def _reset_button_check(cfg: BoxConfig) -> None:
    """On real hardware: show 'booting' and factory-reset if the reset button is held (10 s)."""
    from hal.board import load_board
    from hal.errors import HalError

    try:
        board = load_board(cfg.board)
        if board.backend != "hardware":
            return  # the simulator's button is pressed by tests (tests/firmware/test_factoryreset.py)
        from firmware.factoryreset import boot_check
        from firmware.leds import StatusLed
        from hal.drivers.gpio import hardware_pin_factory

        factory = hardware_pin_factory()
        led = StatusLed(board.status_led, pin_factory=factory) if board.status_led is not None else None
        if led is not None:
            led.show("booting")
        if boot_check(cfg, board.reset_button, pin_factory=factory, led=led):
            log.warning("factory reset done from the reset button")
    except HalError as exc:  # no GPIO: the box still boots, without the button
        log.error("reset button not checked: %s", exc)


def main() -> int:
    """pbx-firstboot: run first boot for the box configured in the environment (before pbx-box)."""
    import sys

    from telephony import boxconfig
    from telephony.errors import ConfigError

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        cfg = boxconfig.load()
        _reset_button_check(cfg)
        result = first_boot(cfg)
    except (ConfigError, FirmwareError) as exc:
        print(f"pbx-firstboot: {exc}", file=sys.stderr)
        return 1
    print("pbx-firstboot: " + ("made " + ", ".join(result.made) if result.changed else "nothing to do"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

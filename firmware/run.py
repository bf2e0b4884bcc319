"""`make run` / `pbx-box`: prepare the data directory, render configs, run supervisord in the foreground."""

from __future__ import annotations

import os
import socket
import sys

from telephony import boxconfig
from telephony.errors import ConfigError
from telephony.models import DEFAULT_REALM, AdminUser, Setting


def _port_free(host: str, port: int, kind: int) -> bool:
    with socket.socket(socket.AF_INET, kind) as sock:
        try:
            sock.bind((host, port))
            return True
        except OSError:
            return False


def check_ports(cfg: boxconfig.BoxConfig) -> list[str]:
    """Return a line per port another program already holds."""
    wanted = [
        (cfg.sip_host, cfg.sip_port, socket.SOCK_DGRAM, "PBX_SIP_PORT (UDP)"),
        (cfg.sip_host, cfg.sip_port, socket.SOCK_STREAM, "PBX_SIP_PORT (TCP)"),
        (cfg.http_host, cfg.http_port, socket.SOCK_STREAM, "PBX_HTTP_PORT"),
        *([(cfg.http_host, cfg.https_port, socket.SOCK_STREAM, "PBX_HTTPS_PORT")] if cfg.https_port else []),
        ("127.0.0.1", cfg.core_sip_port, socket.SOCK_DGRAM, "PBX_CORE_SIP_PORT"),
        ("127.0.0.1", cfg.control_port, socket.SOCK_STREAM, "PBX_CONTROL_PORT"),
    ]
    return [
        f"{name}: {host}:{port} is already in use by another program"
        for host, port, kind, name in wanted
        if not _port_free(host, port, kind)
    ]


def prepare(cfg: boxconfig.BoxConfig) -> str:
    """Run first boot (makes only what is missing), apply the config from the DB; return supervisord's config.

    A rendered config that its program rejects leaves the last good one in place and the box
    starts on that, with the reason logged; with no good config at all the box cannot start.
    """
    from firmware.apply import apply_config
    from firmware.errors import ConfigApplyError
    from firmware.firstboot import first_boot

    first_boot(cfg)
    result = apply_config(cfg, strict=False)
    for error in result.errors:
        print(f"pbx-box: config not applied, keeping the last good one: {error}", file=sys.stderr)
    conf = cfg.run_dir / "supervisord.conf"
    for needed in (cfg.run_dir / "kamailio.cfg", conf):
        if not needed.exists():
            raise ConfigApplyError(f"no good {needed.name} to start with (see the errors above)")
    return str(conf)


def advertised_address(cfg: boxconfig.BoxConfig) -> str:
    if cfg.sip_advertise:
        return cfg.sip_advertise
    if cfg.sip_host not in ("0.0.0.0", ""):
        return cfg.sip_host
    try:  # the address of the interface a default route uses; no packet is sent
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.connect(("192.0.2.1", 9))
            return sock.getsockname()[0]
    except OSError:
        return "127.0.0.1"


def main() -> int:
    try:
        cfg = boxconfig.load()
    except ConfigError as exc:
        print(f"pbx-box: {exc}", file=sys.stderr)
        return 2
    busy = check_ports(cfg)
    if busy:
        for line in busy:
            print(f"pbx-box: {line}", file=sys.stderr)
        print(
            "pbx-box: stop that program or choose other ports (see README: PBX_SIP_PORT, ...)",
            file=sys.stderr,
        )
        return 1
    try:
        conf = prepare(cfg)
    except Exception as exc:  # any failure to prepare is reported in one line and stops the box
        print(f"pbx-box: cannot prepare {cfg.data_dir}: {exc}", file=sys.stderr)
        return 1
    first = not AdminUser.select().exists()
    print(f"The box is starting (board: {cfg.board}, data: {cfg.data_dir})", flush=True)
    if cfg.https_port:
        print(
            f"  Web admin:  https://{cfg.http_host}:{cfg.https_port}/ (self-signed certificate)", flush=True
        )
        print(f"              http://{cfg.http_host}:{cfg.http_port}/ redirects there", flush=True)
    else:
        print(f"  Web admin:  http://{cfg.http_host}:{cfg.http_port}/", flush=True)
    if first:
        print("              first visit: set the admin password (no default password exists)", flush=True)
    print(
        f"  SIP:        {advertised_address(cfg)}:{cfg.sip_port} (UDP and TCP), realm "
        f"'{Setting.get_value('sip_realm', DEFAULT_REALM)}'",
        flush=True,
    )
    print(f"  Logs:       {cfg.log_dir}/   Ctrl-C stops every process.", flush=True)
    env = dict(os.environ, **cfg.environ())
    supervisord = os.path.join(os.path.dirname(sys.executable), "supervisord")
    os.execve(supervisord, [supervisord, "-n", "-c", conf], env)
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())

"""pbx-webadmin: serve the admin app with cheroot's threaded WSGI server until SIGTERM or SIGINT.

With PBX_HTTPS_PORT set (the image: 8443) the app is served over TLS with the box's own
certificate (first boot makes it) and the plain HTTP port only redirects there; with it unset
(`make run`, tests) the app is served over plain HTTP on PBX_HTTP_PORT as before.

No page stays on plain HTTP, not even for health checks: firmware/health.py asks /login over
HTTPS on loopback and takes the HTTP port's redirect as that port's answer. No HSTS header
either: HSTS binds the host name on every port, so a browser that saw it would then speak TLS
to the HTTP port too (and to the box's other plain-HTTP services), and a box whose HTTPS is
later turned off would lock its admins out; with a self-signed certificate browsers ignore it.
"""

from __future__ import annotations

import logging
import re
import signal
import sys
import threading
import urllib.parse
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import bottle
from cheroot import wsgi
from cheroot.ssl.builtin import BuiltinSSLAdapter

from telephony import boxconfig
from telephony.boxconfig import BoxConfig
from telephony.control.client import ControlClient
from telephony.errors import ConfigError
from telephony.models import open_database
from webadmin import i18n
from webadmin.app import create_app
from webadmin.plugins import MAX_BODY
from webadmin.services import cti_stream

log = logging.getLogger("pbx-webadmin")

# A page asks the core at most twice; a hung core must not hold a page for long.
CONTROL_TIMEOUT = 3.0
# A few people administer one box (a Pi has four cores), but each open live stream (an agent's
# console, a CTI integration) holds a thread for minutes: the streams get their own share.
THREADS = 8 + cti_stream.MAX_STREAMS
# The plain-HTTP redirector answers at once and holds no stream: a few threads are plenty.
REDIRECT_THREADS = 4
# The host name of a request (Host header) without its port: a DNS name, IPv4 or [IPv6].
_HOST_RE = re.compile(r"^(?P<name>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::[0-9]{1,5})?$")
# Characters a path may carry as they are (RFC 3986 pchar and "/"); a query also keeps its escapes.
_PATH_SAFE = "/:@!$&'()*+,;=-._~"
_QUERY_SAFE = _PATH_SAFE + "?%"


class WebTlsError(RuntimeError):
    """The certificate or key HTTPS needs cannot be used; the message names the file and the way out."""


def make_server(app: Callable[..., Any], host: str, port: int, threads: int = THREADS) -> wsgi.Server:
    """Return a cheroot server for `app` on host:port (port 0 picks a free one after prepare())."""
    server = wsgi.Server((host, port), app, numthreads=threads, server_name="pbx-webadmin", timeout=30)
    # The server's cap is the largest any route allows (uploads, a restored backup); the guard
    # plugin then holds each route to its own `pbx.max_body`, MAX_BODY by default.
    routes = getattr(app, "routes", [])
    server.max_request_body_size = max([MAX_BODY] + [int(r.config.get("pbx.max_body", 0)) for r in routes])
    server.max_request_header_size = 64 * 1024
    return server


def tls_adapter(cert: Path, key: Path) -> BuiltinSSLAdapter:
    """Return cheroot's TLS adapter for the box's certificate; raise WebTlsError naming the file at fault.

    No fallback to plain HTTP: the admin's password would then cross the network in clear text.
    First boot makes a missing certificate or key again at the next box start, so refusing to start
    is recoverable by a restart; a damaged pair has to be deleted first.
    """
    for what, path in (("certificate", cert), ("private key", key)):
        try:
            path.open("rb").close()
        except OSError as exc:
            raise WebTlsError(
                f"HTTPS is on but the TLS {what} {path} cannot be read ({exc.strerror or exc}); first boot"
                f" makes it again at the next box start (pbx-firstboot, pbx-box), or set PBX_TLS_CERT/"
                f"PBX_TLS_KEY; the admin is not served over plain HTTP instead"
            ) from None
    try:
        return BuiltinSSLAdapter(str(cert), str(key))
    except (OSError, ValueError) as exc:  # ssl.SSLError is an OSError
        raise WebTlsError(
            f"HTTPS is on but the TLS certificate {cert} and key {key} cannot be used ({exc}); delete both"
            f" and restart the box so first boot makes a new pair; the admin is not served over plain HTTP"
        ) from None


def redirect_target(environ: dict[str, Any], https_port: int) -> str | None:
    """Return https://<the request's host name>:<https_port><same path and query>; None without a usable Host."""
    match = _HOST_RE.fullmatch(str(environ.get("HTTP_HOST", "")).strip())
    if match is None:
        return None
    # PEP 3333: PATH_INFO arrives percent-decoded, as latin-1; quote it back byte for byte.
    path = urllib.parse.quote(str(environ.get("PATH_INFO") or "/").encode("latin-1"), safe=_PATH_SAFE)
    # QUERY_STRING arrives as sent: its escapes stay, only what may not be in a URI is escaped.
    query = urllib.parse.quote(str(environ.get("QUERY_STRING") or "").encode("latin-1"), safe=_QUERY_SAFE)
    return f"https://{match['name']}:{https_port}{path}" + (f"?{query}" if query else "")


def redirect_app(https_port: int) -> Callable[..., Iterable[bytes]]:
    """Return the WSGI app of the plain-HTTP port once HTTPS is on: every request goes to HTTPS.

    308 keeps the method (a form posted to the old address is posted again over HTTPS, where the
    CSRF check judges it). `no-store` keeps browsers from remembering the redirect, so turning
    HTTPS off later (PBX_HTTPS_PORT=0) does not leave them stuck on a port that no longer answers.
    """

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        target = redirect_target(environ, https_port)
        if target is None:
            language = i18n.choose(None, None, environ.get("HTTP_ACCEPT_LANGUAGE"))
            body = (i18n.translate("https.host_needed", language, port=str(https_port)) + "\n").encode()
            start_response(
                "400 Bad Request",
                [("Content-Type", "text/plain; charset=UTF-8"), ("Content-Length", str(len(body)))],
            )
            return [body]
        start_response(
            "308 Permanent Redirect",
            [("Location", target), ("Cache-Control", "no-store"), ("Content-Length", "0")],
        )
        return [b""]

    return app


def make_servers(cfg: BoxConfig, app: bottle.Bottle) -> list[wsgi.Server]:
    """Return the servers the config asks for: the app on HTTP, or on HTTPS plus the HTTP redirector."""
    if not cfg.https_port:
        return [make_server(app, cfg.http_host, cfg.http_port)]
    https = make_server(app, cfg.http_host, cfg.https_port)
    https.ssl_adapter = tls_adapter(cfg.web_tls_cert, cfg.web_tls_key)
    redirect = make_server(redirect_app(cfg.https_port), cfg.http_host, cfg.http_port, REDIRECT_THREADS)
    return [https, redirect]


def _describe(server: wsgi.Server) -> str:
    host, port = server.bind_addr[:2]
    if server.ssl_adapter is not None:
        return f"web admin listening on https://{host}:{port}"
    if isinstance(server.wsgi_app, bottle.Bottle):
        return f"web admin listening on http://{host}:{port}"
    return f"http://{host}:{port} redirects every request to HTTPS"


def serve(servers: list[wsgi.Server], stop: threading.Event) -> None:
    """Bind every server, serve each on a worker thread until `stop` is set, then shut down cleanly."""
    threads = []
    try:
        for server in servers:
            server.prepare()
        for server in servers:
            thread = threading.Thread(
                target=server.serve, name=f"webadmin-{server.bind_addr[1]}", daemon=True
            )
            thread.start()
            threads.append(thread)
            log.info("%s", _describe(server))
        stop.wait()
        log.info("stopping web admin")
    finally:
        for server in servers:
            server.stop()
        for thread in threads:
            thread.join(timeout=10)


def main() -> int:
    try:
        cfg = boxconfig.load()
    except ConfigError as exc:
        print(f"pbx-webadmin: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=cfg.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    db = open_database(cfg.db_path)
    app = create_app(cfg, ControlClient(cfg.control_url, timeout=CONTROL_TIMEOUT), db=db)
    try:
        servers = make_servers(cfg, app)
    except WebTlsError as exc:
        log.error("%s", exc)
        db.close()
        return 1

    stop = threading.Event()

    def on_signal(signum: int, _frame: object) -> None:
        log.info("signal %d received", signum)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        serve(servers, stop)
    except OSError as exc:
        ports = ", ".join(str(s.bind_addr[1]) for s in servers)
        log.error("cannot serve on %s port %s: %s", cfg.http_host, ports, exc)
        return 1
    finally:
        db.close()
    log.info("web admin stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""pbx-webadmin: serve the admin app with cheroot's threaded WSGI server until SIGTERM or SIGINT."""

from __future__ import annotations

import logging
import signal
import sys
import threading

import bottle
from cheroot import wsgi

from telephony import boxconfig
from telephony.control.client import ControlClient
from telephony.errors import ConfigError
from telephony.models import open_database
from webadmin.app import create_app
from webadmin.plugins import MAX_BODY
from webadmin.services import cti_stream

log = logging.getLogger("pbx-webadmin")

# A page asks the core at most twice; a hung core must not hold a page for long.
CONTROL_TIMEOUT = 3.0
# A few people administer one box (a Pi has four cores), but each open live stream (an agent's
# console, a CTI integration) holds a thread for minutes: the streams get their own share.
THREADS = 8 + cti_stream.MAX_STREAMS


def make_server(app: bottle.Bottle, host: str, port: int) -> wsgi.Server:
    """Return a cheroot server for `app` on host:port (port 0 picks a free one after prepare())."""
    server = wsgi.Server((host, port), app, numthreads=THREADS, server_name="pbx-webadmin", timeout=30)
    # The server's cap is the largest any route allows (uploads, a restored backup); the guard
    # plugin then holds each route to its own `pbx.max_body`, MAX_BODY by default.
    server.max_request_body_size = max(
        [MAX_BODY] + [int(r.config.get("pbx.max_body", 0)) for r in app.routes]
    )
    server.max_request_header_size = 64 * 1024
    return server


def serve(server: wsgi.Server, stop: threading.Event) -> None:
    """Bind, serve on a worker thread until `stop` is set, then shut down cleanly."""
    server.prepare()
    thread = threading.Thread(target=server.serve, name="webadmin-http", daemon=True)
    thread.start()
    log.info("web admin listening on http://%s:%s", *server.bind_addr[:2])
    stop.wait()
    log.info("stopping web admin")
    server.stop()
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
    server = make_server(app, cfg.http_host, cfg.http_port)

    stop = threading.Event()

    def on_signal(signum: int, _frame: object) -> None:
        log.info("signal %d received", signum)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        serve(server, stop)
    except OSError as exc:
        log.error("cannot serve on %s:%s: %s", cfg.http_host, cfg.http_port, exc)
        return 1
    finally:
        db.close()
    log.info("web admin stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())

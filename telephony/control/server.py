"""The control API of pbx-core: JSON over HTTP on 127.0.0.1, one request at a time into the loop.

The HTTP thread never touches pjsua2: it posts a ControlRequest and waits on its Future.
Requests that only talk to kamailio (registrations, bans) run in the HTTP thread, so a slow
`kamcmd` never stalls the media loop.
"""

from __future__ import annotations

import json
import logging
import threading
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from telephony.errors import ControlError, NotFound, TelephonyError
from telephony.events import ControlRequest

log = logging.getLogger(__name__)

MAX_BODY = 64 * 1024


class EngineBusy(TelephonyError, TimeoutError):
    """The engine loop did not take a control request in time."""


class ControlServer:
    """Serve GET/POST routes; `engine_routes` run on the engine thread, `local_routes` in the HTTP thread."""

    def __init__(
        self,
        port: int,
        submit,
        engine_routes: dict[str, str],
        local_routes: dict[str, Any],
        engine_timeout: float = 10.0,
    ) -> None:
        self.submit = submit
        self.engine_timeout = engine_timeout
        self.engine_routes = engine_routes
        self.local_routes = local_routes
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="control-api", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def call(self, key: str, args: dict) -> Any:
        if key in self.local_routes:
            return self.local_routes[key](args)
        command = self.engine_routes[key]
        reply: Future = Future()
        self.submit(ControlRequest(command, args, reply))
        try:
            return reply.result(timeout=self.engine_timeout)
        except FutureTimeout:
            # Only the wait for the engine loop means "busy"; a route's own timeout is its error.
            raise EngineBusy(
                f"pbx-core busy: the engine loop did not answer in {self.engine_timeout:g} s"
            ) from None

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, fmt: str, *args: Any) -> None:
                log.debug("control %s", fmt % args)

            def _reply(self, status: int, body: Any) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _serve(self, method: str) -> None:
                key = f"{method} {self.path.split('?', 1)[0]}"
                if key not in server.engine_routes and key not in server.local_routes:
                    self._reply(HTTPStatus.NOT_FOUND, {"error": f"no such control route: {key}"})
                    return
                args: dict = {}
                if method == "POST":
                    length = int(self.headers.get("Content-Length") or 0)
                    if length > MAX_BODY:
                        self._reply(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, {"error": "body too large"})
                        return
                    try:
                        args = json.loads(self.rfile.read(length) or b"{}")
                        if not isinstance(args, dict):
                            raise ValueError("body must be a JSON object")
                    except ValueError as exc:
                        self._reply(HTTPStatus.BAD_REQUEST, {"error": f"bad JSON: {exc}"})
                        return
                try:
                    self._reply(HTTPStatus.OK, server.call(key, args))
                except NotFound as exc:
                    self._reply(HTTPStatus.NOT_FOUND, {"error": str(exc)})
                except EngineBusy as exc:
                    self._reply(HTTPStatus.SERVICE_UNAVAILABLE, {"error": str(exc)})
                except (TelephonyError, KeyError, ValueError) as exc:
                    status = (
                        HTTPStatus.BAD_GATEWAY if isinstance(exc, ControlError) else HTTPStatus.BAD_REQUEST
                    )
                    self._reply(status, {"error": str(exc)})
                except Exception as exc:  # reported to the caller, logged with the trace
                    log.exception("control %s failed", key)
                    self._reply(HTTPStatus.INTERNAL_SERVER_ERROR, {"error": str(exc)})

            def do_GET(self) -> None:  # noqa: N802 - http.server API
                self._serve("GET")

            def do_POST(self) -> None:  # noqa: N802 - http.server API
                self._serve("POST")

        return Handler

"""The control surface as a tiny JSON-over-HTTP server (stdlib only), run inside pbx-core.

    POST /sim/offhook      {"port": "fxs1"}                 POST /sim/onhook {"port": "fxs1"}
    POST /sim/flash        {"port": "fxs1", "ms": 300}
    POST /sim/dial         {"port": "fxs1", "digits": "8001", "pulse": false}
    POST /sim/ring         {"port": "fxo1", "cid": "13800138000", "name": "", "standard": null}
    POST /sim/pstn_answer  {"port": "fxo1"}                  POST /sim/pstn_stop_ring {"port": "fxo1"}
    POST /sim/pstn_hangup  {"port": "fxo1", "how": "loop"}   ('loop', 'polarity' or 'busy')
    POST /sim/unplug, /sim/plug {"port": "fxo1"}
    POST /sim/play         {"port": "fxs1", "file": "/path/in.wav"}
    POST /sim/record       {"port": "fxs1", "file": "/path/out.wav", "seconds": 3}
    POST /sim/e1_call      {"from": "13800138000", "to": "8001", "span": "e1", "display": ""}
                           -> {"call": id}
    POST /sim/e1_answer_mode {"mode": "alert", "number": null}   (proceeding, alert, answer, busy)
    POST /sim/e1_alert, /sim/e1_answer, /sim/e1_busy {"call": id}
    POST /sim/e1_hangup    {"call": id, "cause": 16}
    POST /sim/e1_los       {"on": true}
    GET  /sim/ports                    GET /sim/events?port=fxs1&since=0

Answers are JSON: {"ok": true, ...} or {"error": "..."} with 400 (bad request), 404 (no such verb
or port). Listens on 127.0.0.1 only by default: it is a test and demo tool, not an admin API.
"""

from __future__ import annotations

import json
import logging
import threading
import urllib.parse
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from hal.errors import HalError
from hal.sim.control import SimControl, SimError

log = logging.getLogger(__name__)

MAX_BODY = 64 * 1024


def _verbs(c: SimControl) -> dict[str, Callable[[dict[str, Any]], Any]]:
    return {
        "offhook": lambda a: c.offhook(a["port"]),
        "onhook": lambda a: c.onhook(a["port"]),
        "flash": lambda a: c.flash(a["port"], int(a.get("ms", 300))),
        "dial": lambda a: c.dial(a["port"], str(a["digits"]), bool(a.get("pulse", False))),
        "ring": lambda a: c.ring(a["port"], str(a.get("cid", "")), str(a.get("name", "")), a.get("standard")),
        "pstn_answer": lambda a: c.pstn_answer(a["port"]),
        "pstn_stop_ring": lambda a: c.pstn_stop_ring(a["port"]),
        "pstn_hangup": lambda a: c.pstn_hangup(a["port"], str(a.get("how", "loop"))),
        "unplug": lambda a: c.unplug(a["port"]),
        "plug": lambda a: c.plug(a["port"]),
        "play": lambda a: c.play(a["port"], a["file"]),
        "record": lambda a: {"file": str(c.record(a["port"], a["file"], float(a.get("seconds", 3))))},
        "e1_call": lambda a: {
            "call": c.e1_call(str(a["from"]), str(a["to"]), a.get("span", "e1"), str(a.get("display", "")))
        },
        "e1_answer_mode": lambda a: c.e1_answer_mode(
            str(a["mode"]), None if a.get("number") is None else str(a["number"]), a.get("span", "e1")
        ),
        "e1_alert": lambda a: c.e1_alert(a["call"], a.get("span", "e1")),
        "e1_answer": lambda a: c.e1_answer(a["call"], a.get("span", "e1")),
        "e1_busy": lambda a: c.e1_busy(a["call"], a.get("span", "e1")),
        "e1_hangup": lambda a: c.e1_hangup(a["call"], int(a.get("cause", 16)), a.get("span", "e1")),
        "e1_los": lambda a: c.e1_los(bool(a.get("on", True)), a.get("span", "e1")),
    }


class SimHttpServer:
    """Serve a SimControl over HTTP on a background thread; port 0 picks a free port."""

    def __init__(self, control: SimControl, host: str = "127.0.0.1", port: int = 0) -> None:
        self.control = control
        verbs = _verbs(control)

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, fmt: str, *args: Any) -> None:
                log.debug("sim http: " + fmt, *args)

            def _reply(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:  # http.server names it so
                url = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(url.query))
                try:
                    if url.path == "/sim/ports":
                        self._reply(200, {"ok": True, "ports": control.ports()})
                    elif url.path == "/sim/events" and "port" in query:
                        events = control.events(query["port"], int(query.get("since", 0)))
                        self._reply(200, {"ok": True, "port": query["port"], "events": events})
                    else:
                        self._reply(404, {"error": f"no such resource: GET {url.path}"})
                except SimError as exc:
                    self._reply(404, {"error": str(exc)})
                except ValueError as exc:
                    self._reply(400, {"error": str(exc)})

            def do_POST(self) -> None:  # http.server names it so
                url = urllib.parse.urlsplit(self.path)
                verb = url.path.removeprefix("/sim/")
                if not url.path.startswith("/sim/") or verb not in verbs:
                    self._reply(404, {"error": f"no such verb: POST {url.path}"})
                    return
                length = int(self.headers.get("Content-Length") or 0)
                if length > MAX_BODY:
                    self._reply(400, {"error": "request body too large"})
                    return
                try:
                    args = json.loads(self.rfile.read(length) or b"{}")
                    if not isinstance(args, dict):
                        raise ValueError("body must be a JSON object")
                    result = verbs[verb](args)
                except SimError as exc:
                    self._reply(404, {"error": str(exc)})
                except KeyError as exc:
                    self._reply(400, {"error": f"missing field or unknown name: {exc}"})
                except (ValueError, TypeError, RuntimeError, TimeoutError, HalError, OSError) as exc:
                    self._reply(400, {"error": str(exc)})
                else:
                    self._reply(200, {"ok": True, **(result if isinstance(result, dict) else {})})

        self._server = ThreadingHTTPServer((host, port), Handler)
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> SimHttpServer:
        self._thread = threading.Thread(target=self._server.serve_forever, name="sim-http", daemon=True)
        self._thread.start()
        log.info("simulator control on %s", self.url)
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=2.0)

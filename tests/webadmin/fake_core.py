"""A real little HTTP server speaking pbx-core's control API, recording what the admin asked of it."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class FakeCore:
    """Answer /status, /reload, /bans and /bans/lift on a free loopback port."""

    def __init__(self) -> None:
        self.status: dict[str, Any] = {
            "uptime": 93784.2,
            "calls": [{"uniqueid": "c1"}, {"uniqueid": "c2"}],
            "calls_total": 17,
            "legs": 4,
            "limits": {"max_calls": 480, "conference_ports": 512},
            "conference_ports_in_use": 6,
            "registrations": [{"aor": "1001"}, {"aor": "1002"}, {"aor": "1003"}],
            "firmware_flavour": "<b>sim</b>",
        }
        self.bans: list[dict[str, Any]] = [
            {"address": "203.0.113.7", "reason": "pike flood", "expires": 300},
            {"address": "198.51.100.9", "reason": "<script>alert(1)</script>", "expires": 120},
        ]
        # The simulated board: GET /ports, and /sim/<verb> answered like pbx-core does when simulated.
        self.ports: list[dict[str, Any]] = sim_board_ports()
        self.simulator = True
        self.sim_error = ""
        self.next_call = 7
        self.requests: list[tuple[str, str, Any]] = []
        self._lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-core", daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeCore:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)

    def received(self, method: str, path: str) -> list[Any]:
        """Return the bodies of the requests received for method and path."""
        with self._lock:
            return [body for m, p, body in self.requests if m == method and p == path]

    def _answer(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        with self._lock:
            self.requests.append((method, path, body))
            if (method, path) == ("GET", "/status"):
                return 200, self.status
            if (method, path) == ("GET", "/health"):
                return 200, {"ok": True}
            if (method, path) == ("POST", "/reload"):
                return 200, {"ok": True}
            if (method, path) == ("GET", "/bans"):
                return 200, list(self.bans)
            if (method, path) == ("POST", "/bans/lift"):
                before = len(self.bans)
                self.bans = [b for b in self.bans if b["address"] != body.get("address")]
                return 200, {"ok": len(self.bans) < before}
            if (method, path) == ("GET", "/ports"):
                return 200, [dict(p) for p in self.ports]
            if path.startswith("/sim/"):
                return self._sim(path[len("/sim/") :])
            return 404, {"error": f"no such control route: {method} {path}"}

    def set_port(self, name: str, **fields: Any) -> None:
        """Change what GET /ports says about one port (the board's state moved on)."""
        with self._lock:
            for port in self.ports:
                if port["name"] == name:
                    port.update(fields)

    def _sim(self, verb: str) -> tuple[int, Any]:
        if not self.simulator:
            return 404, {"error": "the board is not a simulator: /sim routes need PBX_BOARD=sim"}
        if self.sim_error:
            return 400, {"error": self.sim_error}
        if verb == "e1_call":
            self.next_call += 1
            return 200, {"ok": True, "result": self.next_call}
        if verb in ("ports", "events"):
            return 200, {"ok": True, "result": []}
        return 200, {"ok": True, "result": None}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        core = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, fmt: str, *args: Any) -> None:
                pass

            def _serve(self, method: str) -> None:
                body = None
                if method == "POST":
                    length = int(self.headers.get("Content-Length") or 0)
                    body = json.loads(self.rfile.read(length) or b"{}")
                status, answer = core._answer(method, self.path, body)
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:  # noqa: N802 - http.server API
                self._serve("GET")

            def do_POST(self) -> None:  # noqa: N802 - http.server API
                self._serve("POST")

        return Handler


def sim_board_ports() -> list[dict[str, Any]]:
    """Return GET /ports of the sim board: 4 FXS, 4 FXO, the E1 span and its 30 channels."""
    ports: list[dict[str, Any]] = []
    for n in range(1, 5):
        ports.append(
            {
                "name": f"fxs{n}",
                "kind": "fxs",
                "state": "onhook",
                "fault": None,
                "number": None,
                "label": "",
                "enabled": True,
            }
        )
    for n in range(1, 5):
        ports.append(
            {"name": f"fxo{n}", "kind": "fxo", "state": "idle", "fault": None, "label": "", "enabled": True}
        )
    ports.append({"name": "e1", "kind": "e1", "state": "up", "alarms": [], "fault": None, "label": ""})
    ports += [{"name": f"e1/{n}", "kind": "e1-channel", "state": "idle"} for n in range(1, 31)]
    return ports

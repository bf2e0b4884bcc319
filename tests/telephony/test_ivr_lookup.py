"""HTTP lookups of IVR nodes against a local server: GET and POST, and every way a reply can fail."""

from __future__ import annotations

import http.server
import json
import threading
import time

import pytest

from telephony.ivr.lookup import LookupFailed, fetch, scalars


class Handler(http.server.BaseHTTPRequestHandler):
    seen: list[tuple[str, str, bytes]] = []

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        Handler.seen.append((self.command, self.path, body))
        replies = {
            "/ok": (200, json.dumps({"status": "open", "amount": 12.5, "vip": True, "items": [1]})),
            "/text": (200, "not json"),
            "/list": (200, "[1, 2]"),
            "/error": (500, "{}"),
        }
        if self.path.startswith("/slow"):
            time.sleep(2)
        status, text = replies.get(self.path.split("?")[0], (200, "{}"))
        data = text.encode()
        try:
            self.send_response(status)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            pass

    do_GET = do_POST = _answer  # noqa: N815 - http.server API

    def log_message(self, fmt: str, *args) -> None:
        return None


@pytest.fixture(scope="module")
def url():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_fetch_get_sends_variables_in_the_query_and_post_as_json(url):
    assert fetch(f"{url}/ok", "GET", {"account": "42", "caller": "1001"}, 2)["status"] == "open"
    assert Handler.seen[-1][:2] == ("GET", "/ok?account=42&caller=1001")
    assert fetch(f"{url}/ok?x=1", "post", {"account": "42"}, 2)["amount"] == 12.5
    method, path, body = Handler.seen[-1]
    assert (method, path, json.loads(body)) == ("POST", "/ok?x=1", {"account": "42"})


@pytest.mark.parametrize(
    ("path", "why"),
    [("/text", "not JSON"), ("/list", "not a JSON object"), ("/error", "HTTP 500"), ("/slow", "timed out")],
)
def test_fetch_failures_raise_lookup_failed_with_the_reason(url, path, why):
    with pytest.raises(LookupFailed, match=why):
        fetch(f"{url}{path}", "GET", {}, 0.5)


def test_fetch_refused_connection_is_a_lookup_failure():
    with pytest.raises(LookupFailed):
        fetch("http://127.0.0.1:9/none", "GET", {}, 0.5)


def test_scalars_keep_strings_numbers_and_booleans_as_text():
    assert scalars({"status": "open", "amount": 12.5, "vip": True, "items": [1], "n": None}) == {
        "status": "open",
        "amount": "12.5",
        "vip": "true",
    }

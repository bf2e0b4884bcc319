"""A tiny in-process WSGI test client with a cookie jar: enough to drive the admin like a browser."""

from __future__ import annotations

import io
import re
import urllib.parse
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from wsgiref.util import setup_testing_defaults

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]*)"')


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def set_cookies(self) -> list[str]:
        return [v for k, v in self.headers if k.lower() == "set-cookie"]

    def cookie_header(self, name: str) -> str:
        """Return the raw Set-Cookie line for `name` (flags included)."""
        for line in self.set_cookies():
            if line.split("=", 1)[0].strip() == name:
                return line
        raise AssertionError(f"no Set-Cookie for {name} in {self.set_cookies()}")

    @property
    def location(self) -> str | None:
        return self.header("Location")

    def csrf(self) -> str:
        match = CSRF_RE.search(self.text)
        assert match, "page carries no csrf_token field"
        return match.group(1)


@dataclass
class Client:
    """Call a WSGI app directly; keeps cookies like a browser (path / only, which is all we set)."""

    app: Any
    remote_addr: str = "192.0.2.10"
    cookies: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=lambda: {"Accept-Language": "en"})
    last: Response | None = None

    def request(
        self,
        method: str,
        path: str,
        data: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        follow: bool = False,
    ) -> Response:
        url = urllib.parse.urlsplit(path)
        body = urllib.parse.urlencode(data or {}).encode() if method == "POST" else b""
        environ: dict[str, Any] = {
            "REQUEST_METHOD": method,
            "PATH_INFO": urllib.parse.unquote(url.path, encoding="latin-1"),
            "QUERY_STRING": url.query,
            "REMOTE_ADDR": self.remote_addr,
            "CONTENT_LENGTH": str(len(body)),
            "CONTENT_TYPE": "application/x-www-form-urlencoded",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": io.StringIO(),
        }
        setup_testing_defaults(environ)
        for name, value in {**self.headers, **(headers or {})}.items():
            environ["HTTP_" + name.upper().replace("-", "_")] = value
        if self.cookies:
            environ["HTTP_COOKIE"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        captured: dict[str, Any] = {}

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
            captured["status"] = int(status.split()[0])
            captured["headers"] = headers

        chunks = self.app(environ, start_response)
        try:
            payload = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
        response = Response(captured["status"], captured["headers"], payload)
        self._store_cookies(response)
        self.last = response
        if follow and response.status in (301, 302, 303) and response.location:
            return self.get(response.location, follow=True)
        return response

    def _store_cookies(self, response: Response) -> None:
        for line in response.set_cookies():
            jar = SimpleCookie()
            jar.load(line)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def get(self, path: str, **kw: Any) -> Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, data: dict[str, str] | None = None, **kw: Any) -> Response:
        return self.request("POST", path, data=data, **kw)

    def submit(self, page: str, action: str, data: dict[str, str], **kw: Any) -> Response:
        """GET `page` for its CSRF token, then POST `data` with it to `action`, as a browser would."""
        token = self.get(page).csrf()
        return self.post(action, {"csrf_token": token, **data}, **kw)

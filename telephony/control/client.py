"""Client of the pbx-core control API, used by webadmin, pbxctl, firmware and tests."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from telephony.errors import ControlError


class ControlClient:
    """Send JSON requests to pbx-core's control API on loopback."""

    def __init__(self, base_url: str, timeout: float = 5.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            self.base_url + path, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                return json.loads(resp.read() or b"null")
        except urllib.error.HTTPError as exc:
            try:
                reason = json.loads(exc.read()).get("error", exc.reason)
            except (ValueError, AttributeError):
                reason = exc.reason
            raise ControlError(f"pbx-core refused {method} {path}: {reason}") from None
        except (OSError, ValueError) as exc:
            raise ControlError(f"pbx-core control API at {self.base_url} unreachable: {exc}") from None

    def get(self, path: str) -> Any:
        return self.request("GET", path)

    def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        return self.request("POST", path, body or {})

    def status(self) -> dict[str, Any]:
        return self.get("/status")

    def reload(self, what: str = "all") -> dict[str, Any]:
        return self.post("/reload", {"what": what})

    def bans(self) -> list[dict[str, Any]]:
        return self.get("/bans")

    def lift_ban(self, address: str) -> dict[str, Any]:
        return self.post("/bans/lift", {"address": address})

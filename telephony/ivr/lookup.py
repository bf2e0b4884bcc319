"""HTTP lookups of IVR nodes: ask a URL with the call's variables and read its JSON reply.

Blocking (urllib): the runtime calls `fetch` on a worker thread, never on the engine loop. Any
failure (timeout, refused, HTTP error, a reply that is not a JSON object) raises LookupFailed, and
the node takes its fallback branch.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import Any

from telephony.errors import TelephonyError

MAX_REPLY = 64 * 1024


class LookupFailed(TelephonyError, OSError):
    """The lookup did not give a JSON object in time; the message says why."""


def fetch(url: str, method: str, variables: Mapping[str, str], timeout: float) -> dict[str, Any]:
    """GET (variables in the query) or POST (variables as a JSON body) and return the JSON object."""
    method = method.upper()
    if method == "GET":
        query = urllib.parse.urlencode(dict(variables))
        request = urllib.request.Request(f"{url}{'&' if '?' in url else '?'}{query}", method="GET")
    else:
        body = json.dumps(dict(variables), ensure_ascii=False).encode()
        request = urllib.request.Request(
            url, data=body, method="POST", headers={"Content-Type": "application/json"}
        )
    request.add_header("Accept", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:  # noqa: S310 - admin-set URL
            data = reply.read(MAX_REPLY + 1)
    except urllib.error.HTTPError as exc:
        raise LookupFailed(f"{url}: HTTP {exc.code}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise LookupFailed(f"{url}: {getattr(exc, 'reason', exc)}") from None
    if len(data) > MAX_REPLY:
        raise LookupFailed(f"{url}: reply larger than {MAX_REPLY} bytes")
    try:
        value = json.loads(data)
    except ValueError:
        raise LookupFailed(f"{url}: reply is not JSON") from None
    if not isinstance(value, dict):
        raise LookupFailed(f"{url}: reply is not a JSON object")
    return value


def scalars(data: Mapping[str, Any]) -> dict[str, str]:
    """The reply's top-level strings, numbers and booleans as call variables."""
    return {
        str(k): (str(v).lower() if isinstance(v, bool) else str(v))
        for k, v in data.items()
        if isinstance(v, str | int | float | bool)
    }

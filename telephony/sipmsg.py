"""Read the few things pbx-core needs out of a raw SIP request; everything in it is untrusted text."""

from __future__ import annotations

import re

_COMPACT = {"f": "from", "t": "to", "i": "call-id", "m": "contact", "v": "via"}
_URI_USER = re.compile(r"sips?:([^@;>\s]+)@", re.IGNORECASE)
_NAME_QUOTED = re.compile(r'^\s*"((?:[^"\\]|\\.)*)"')
_NAME_TOKEN = re.compile(r"^\s*([^<\"]+?)\s*<")


def clean_text(value: str, limit: int = 64) -> str:
    """Drop control characters and cut to `limit`; untrusted names and numbers pass through here."""
    return "".join(ch for ch in value if ch.isprintable())[:limit]


def headers(message: str) -> dict[str, list[str]]:
    """Return the request's headers by lower-case long name (compact forms expanded)."""
    head = message.split("\r\n\r\n", 1)[0]
    out: dict[str, list[str]] = {}
    for line in head.split("\r\n")[1:]:
        if ":" not in line:
            continue
        name, value = line.split(":", 1)
        key = name.strip().lower()
        out.setdefault(_COMPACT.get(key, key), []).append(value.strip())
    return out


def request_uri_user(message: str) -> str:
    first = message.split("\r\n", 1)[0]
    parts = first.split(" ")
    if len(parts) < 3:
        return ""
    m = _URI_USER.match(parts[1])
    return clean_text(m.group(1), 32) if m else ""


def name_addr(value: str) -> tuple[str, str]:
    """Split a name-addr header value into (display name, user)."""
    user_match = _URI_USER.search(value)
    user = clean_text(user_match.group(1), 32) if user_match else ""
    m = _NAME_QUOTED.match(value) or _NAME_TOKEN.match(value)
    name = clean_text(m.group(1).replace('\\"', '"')) if m else ""
    return name, user


def caller_identity(message: str) -> tuple[str, str]:
    """Return (name, number) of the caller: kamailio's P-Asserted-Identity, the From name as display."""
    hdrs = headers(message)
    from_name, from_user = name_addr((hdrs.get("from") or [""])[0])
    pai = hdrs.get("p-asserted-identity")
    if pai:
        _pai_name, pai_user = name_addr(pai[0])
        return from_name, pai_user
    return from_name, from_user

"""Ask the SIP edge (kamailio) about registrations and bans over its ctl socket, with kamcmd.

kamcmd prints an RPC reply as indented text: a struct is `{` ... `}` (or `name: {` ... `}`
inside another), a member is `name: value`, and a struct may repeat a name (one `Contact:` per
contact). `parse_kamcmd` turns that into lists of (name, value) pairs, keeping order and repeats.
Every value in a reply may come from a SIP packet (a User-Agent, a Contact): treat it as text.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import shutil
import subprocess
import time
from pathlib import Path
from typing import TypeAlias

from telephony.errors import ControlError, ValidationError

log = logging.getLogger(__name__)

# One struct of a reply: (member name, value) pairs in print order; None names an anonymous struct.
Struct: TypeAlias = "list[tuple[str | None, str | Struct]]"

BAN_TABLE = "ipban"
AUTHFAIL_TABLE = "authfail"
NOT_SET = "[not set]"
_ERROR_RE = re.compile(r"^error:\s*(\d+)\s*-\s*(.*)$", re.IGNORECASE)


def parse_kamcmd(text: str) -> list[str | Struct]:
    """Parse kamcmd's printout of a reply into its top-level values (strings and structs)."""
    top: list[str | Struct] = []
    stack: list[Struct] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line == "{":
            new: Struct = []
            if stack:
                stack[-1].append((None, new))
            else:
                top.append(new)
            stack.append(new)
        elif line == "}":
            if stack:
                stack.pop()
        elif not stack:
            top.append(line)
        else:
            name, sep, value = line.partition(":")
            if not sep:
                stack[-1].append((None, line))
                continue
            value = value.strip()
            if value == "{":
                member: Struct = []
                stack[-1].append((name.strip(), member))
                stack.append(member)
            else:
                stack[-1].append((name.strip(), value))
    return top


def members(struct: object, name: str | None) -> list:
    """Return every value of a struct's members called `name` (None: anonymous structs)."""
    if not isinstance(struct, list):
        return []
    return [value for key, value in struct if key == name]


def member(struct: object, name: str, default: str = "") -> str:
    for value in members(struct, name):
        if isinstance(value, str):
            return value
    return default


def _text(value: str) -> str:
    return "" if value == NOT_SET else value


def _expires(value: str) -> int | None:
    """Return the seconds a contact has left; None if it never expires."""
    if value.lstrip("-").isdigit():
        return int(value)
    return None


class KamailioRpc:
    """Run kamailio RPC commands through kamcmd on the ctl unix socket; failures raise ControlError."""

    def __init__(self, ctl_socket: Path | str, timeout: float = 3.0, kamcmd: str | None = None) -> None:
        self.ctl_socket = Path(ctl_socket)
        self.timeout = timeout
        self.kamcmd = kamcmd or shutil.which("kamcmd") or "/usr/sbin/kamcmd"

    def run(self, method: str, *args: str) -> str:
        """Return kamcmd's printout of one RPC; raise ControlError if kamailio is unreachable or refuses."""
        # "s:" keeps kamcmd from reading an argument such as 10.1.2.3 or 1001 as a number.
        argv = [self.kamcmd, "-s", f"unix:{self.ctl_socket}", method, *(f"s:{a}" for a in args)]
        try:
            result = subprocess.run(argv, capture_output=True, text=True, timeout=self.timeout, check=False)
        except subprocess.TimeoutExpired:
            raise ControlError(f"kamailio RPC {method} timed out after {self.timeout}s") from None
        except OSError as exc:
            raise ControlError(f"cannot run kamcmd: {exc}") from None
        if result.returncode != 0:
            detail = (result.stderr or result.stdout).strip().splitlines()
            raise ControlError(f"kamailio RPC {method} failed: {detail[-1] if detail else result.returncode}")
        out = result.stdout
        first = out.lstrip().split("\n", 1)[0]
        m = _ERROR_RE.match(first)
        if m:
            raise RpcRefused(method, int(m.group(1)), m.group(2).strip())
        return out

    def call(self, method: str, *args: str) -> list[str | Struct]:
        return parse_kamcmd(self.run(method, *args))

    def ping(self) -> bool:
        """Return True if kamailio answers on its ctl socket."""
        try:
            return bool(self.run("core.version").strip())
        except ControlError:
            return False

    def registrations(self) -> list[dict]:
        """Return one dict per registered contact: aor, contact, expires (s left), user_agent, received."""
        out = []
        for reply in self.call("ul.dump"):
            for domains in members(reply, "Domains"):
                for domain in members(domains, "Domain"):
                    for aors in members(domain, "AoRs"):
                        for info in members(aors, "Info"):
                            out.extend(self._contacts(info))
        return out

    @staticmethod
    def _contacts(info: Struct) -> list[dict]:
        aor = member(info, "AoR")
        found = []
        for contacts in members(info, "Contacts"):
            for contact in members(contacts, "Contact"):
                expires = member(contact, "Expires")
                if expires in ("expired", "deleted"):
                    continue
                found.append(
                    {
                        "aor": aor,
                        "contact": member(contact, "Address"),
                        "expires": _expires(expires),
                        "user_agent": _text(member(contact, "User-Agent")),
                        "received": _text(member(contact, "Received")),
                    }
                )
        return found

    def bans(self) -> list[dict]:
        """Return the banned source addresses: address, reason, expires (seconds left)."""
        now = int(time.time())
        out = []
        for reply in self.call("htable.dump", BAN_TABLE):
            for slot in members(reply, "slot"):
                for item in members(slot, None):
                    address = member(item, "name")
                    if address:
                        out.append({"address": address, **self._ban_value(member(item, "value"), now)})
        return sorted(out, key=lambda ban: ban["address"])

    @staticmethod
    def _ban_value(value: str, now: int) -> dict:
        """Split kamailio.cfg's "<reason>;until=<unix time>" ban value."""
        reason, _, rest = value.partition(";")
        until = rest.removeprefix("until=")
        expires = max(0, int(until) - now) if until.isdigit() else None
        return {"reason": reason, "expires": expires}

    def lift_ban(self, address: str) -> bool:
        """Unban a source address and forget its failed logins; return False if it was not banned."""
        try:
            ipaddress.ip_address(address)
        except ValueError:
            raise ValidationError({"address": "edge.ban.address"}) from None
        self._delete(AUTHFAIL_TABLE, address)
        lifted = self._delete(BAN_TABLE, address)
        if lifted:
            log.info("ban of %s lifted", address)
        return lifted

    def _delete(self, table: str, key: str) -> bool:
        try:
            self.run("htable.delete", table, key)
        except RpcRefused as exc:
            if exc.code == 404:
                return False
            raise
        return True


class RpcRefused(ControlError):
    """kamailio answered an RPC with an error code (404: no such key, 500: bad arguments, ...)."""

    def __init__(self, method: str, code: int, reason: str) -> None:
        self.method = method
        self.code = code
        self.reason = reason
        super().__init__(f"kamailio RPC {method} refused: {code} {reason}")

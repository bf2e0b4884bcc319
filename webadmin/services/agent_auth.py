"""Agents in the web console and the CTI API: PIN login, the agent's web identity, API tokens.

An agent is not an admin user, yet a web session (telephony.models.WebSession) belongs to an
AdminUser row. Rather than a second session table, an agent who logs in to the console gets a
stand-in AdminUser row:

- username ``agent:<number>``: ``:`` is not allowed in admin usernames, so no admin collides;
- role ``agent``, the lowest role rank: every ``require("supervisor")`` page refuses it;
- password_hash ``!agent:<Agent.id>``: never a valid argon2 hash, so no password logs it in at
  /login; it binds the row to one Agent row, so the sessions of a renumbered, deleted or
  disabled agent stop working at their next request.

A CTI API token is a second stand-in row per agent: username ``cti:<number>``, role ``cti`` (no
rank at all: it reaches no page), password_hash ``!cti:<Agent.id>:<sha256 of the token>``. The
token is ``<number>.<43 random characters>``, shown once; only its hash is kept. 256 random bits
cannot be guessed, so a fast hash suffices (an agent PIN, by contrast, needs the login throttle).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets

from telephony.models import AdminUser, Agent, WebSession, utcnow
from telephony.models.callcenter import hash_pin, pin_matches

log = logging.getLogger(__name__)

WEB_PREFIX = "agent:"
TOKEN_PREFIX = "cti:"
PIN_MAX = 16
# Checked against when the agent number is unknown, so both refusals cost the same time.
_DUMMY_PIN_HASH = hash_pin(secrets.token_hex(8))


def throttle_key(number: str) -> str:
    """Return the name the login throttle and the audit log count an agent's attempts under."""
    return (WEB_PREFIX + number)[:64]


def authenticate(number: str, pin: str) -> Agent | None:
    """Return the enabled agent whose number and PIN these are, else None (same cost either way)."""
    agent = Agent.get_or_none(Agent.number == number) if number else None
    pin = pin[:PIN_MAX]
    if agent is None or not agent.pin_hash:
        pin_matches(_DUMMY_PIN_HASH, pin)
        return None
    if not agent.check_pin(pin) or not agent.enabled:
        return None
    return agent


def web_user(agent: Agent, language: str) -> AdminUser:
    """Return the agent's stand-in user, created or re-bound to this Agent row as needed."""
    binding = f"!agent:{agent.id}"
    user = AdminUser.get_or_none(AdminUser.username == WEB_PREFIX + agent.number)
    if user is None:
        return AdminUser.create(
            username=WEB_PREFIX + agent.number, password_hash=binding, role="agent", language=language
        )
    if user.password_hash != binding or user.role != "agent":
        # The number now belongs to another Agent row: the old holder's sessions must not carry over.
        WebSession.delete().where(WebSession.user == user).execute()
        user.password_hash, user.role = binding, "agent"
        user.save(only=[AdminUser.password_hash, AdminUser.role])
    return user


def is_stand_in(user: AdminUser | None) -> bool:
    """Return whether `user` is an agent's stand-in web user (not a person's admin account)."""
    return user is not None and user.role == "agent" and user.username.startswith(WEB_PREFIX)


def agent_of(user: AdminUser | None) -> Agent | None:
    """Return the enabled Agent a stand-in web user stands for, or None if it no longer does."""
    if not is_stand_in(user):
        return None
    number = user.username[len(WEB_PREFIX) :]
    agent = Agent.get_or_none(Agent.number == number)
    if agent is None or not agent.enabled or user.password_hash != f"!agent:{agent.id}":
        return None
    return agent


# --- CTI API tokens ------------------------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _token_row(agent: Agent) -> AdminUser | None:
    row = AdminUser.get_or_none(AdminUser.username == TOKEN_PREFIX + agent.number)
    if row is None or not row.password_hash.startswith(f"!cti:{agent.id}:"):
        return None
    return row


def issue_token(agent: Agent) -> str:
    """Create the agent's API token, replacing any earlier one; return it (the only time it is seen)."""
    token = f"{agent.number}.{secrets.token_urlsafe(32)}"
    stored = f"!cti:{agent.id}:{_digest(token)}"
    username = TOKEN_PREFIX + agent.number
    updated = (
        AdminUser.update(password_hash=stored, role="cti", created=utcnow())
        .where(AdminUser.username == username)
        .execute()
    )
    if not updated:
        AdminUser.create(username=username, password_hash=stored, role="cti", language="en")
    return token


def revoke_token(agent: Agent) -> bool:
    """Delete the agent's API token; return whether there was one."""
    return bool(AdminUser.delete().where(AdminUser.username == TOKEN_PREFIX + agent.number).execute())


def token_issued(agent: Agent) -> object | None:
    """Return when the agent's current token was issued (UTC), or None if it has none."""
    row = _token_row(agent)
    return row.created if row is not None else None


def agent_for_token(token: str | None) -> Agent | None:
    """Return the enabled agent a bearer token belongs to, or None."""
    if not token or len(token) > 128 or "." not in token:
        return None
    number = token.split(".", 1)[0]
    agent = Agent.get_or_none(Agent.number == number)
    if agent is None or not agent.enabled:
        return None
    row = _token_row(agent)
    if row is None:
        return None
    expected = row.password_hash.rsplit(":", 1)[1]
    if not hmac.compare_digest(expected.encode(), _digest(token).encode()):
        return None
    return agent

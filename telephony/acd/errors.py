"""Errors the ACD engine raises; every one roots at telephony.errors.TelephonyError via AcdError.

Each error also inherits the built-in it resembles, so callers that only know Python's own
exceptions (`except KeyError`) still catch them. The engine raises before changing any state: a
command that raises leaves the engine exactly as it was.
"""

from __future__ import annotations

from typing import Any

from telephony.errors import ConfigError, TelephonyError


class AcdError(TelephonyError):
    """Base of every error the ACD engine raises."""


class InvalidConfig(AcdError, ConfigError):
    """A queue or agent setting is invalid; `key` names the object and field, `reason` says why."""


class UnknownQueue(AcdError, KeyError):
    """An event names a queue the engine has no configuration for."""

    def __init__(self, queue_id: str) -> None:
        self.queue_id = queue_id
        super().__init__(f"unknown queue {queue_id!r}")

    def __str__(self) -> str:
        return str(self.args[0])


class UnknownAgent(AcdError, KeyError):
    """An event names an agent the engine has no configuration for."""

    def __init__(self, agent_id: str) -> None:
        self.agent_id = agent_id
        super().__init__(f"unknown agent {agent_id!r}")

    def __str__(self) -> str:
        return str(self.args[0])


class UnknownCall(AcdError, KeyError):
    """A command names a call that is not in any queue."""

    def __init__(self, call_id: str) -> None:
        self.call_id = call_id
        super().__init__(f"unknown call {call_id!r}")

    def __str__(self) -> str:
        return str(self.args[0])


class DuplicateCall(AcdError, ValueError):
    """A caller arrives with a call id that is already queued or connected through the engine."""


class UnknownPauseCode(AcdError, ValueError):
    """A pause names a reason code that is not in the configured list."""


class MembershipError(AcdError, ValueError):
    """A join or leave that membership rules forbid (leave a static queue, leave a queue not joined)."""


class CallbackNotOffered(AcdError, ValueError):
    """A caller asked for a callback in a queue whose callback_attempts is 0."""


class AgentBusy(AcdError, RuntimeError):
    """An agent cannot be removed or reconfigured while logged in."""


class InvalidTransition(AcdError, RuntimeError):
    """A state machine got an event its current state does not handle."""

    def __init__(self, state: Any, event: str) -> None:
        self.state, self.event = state, event
        super().__init__(f"{state} does not handle {event}")

"""Errors of the ISDN stack, rooted in the HAL's errors."""

from __future__ import annotations

from typing import Any

from hal.errors import InvalidState, ProtocolError


class InvalidTransition(InvalidState):
    """A state machine got an event its current state does not handle."""

    def __init__(self, state: Any, event: str) -> None:
        self.state, self.event = state, event
        super().__init__(f"{state} does not handle {event}")


class FrameError(ProtocolError):
    """A Q.921 frame is malformed (bad address, length or control field); it is discarded."""


class MessageError(ProtocolError):
    """A Q.931 message header is unusable (too short, wrong discriminator, bad call reference).

    `cause` is the Q.850 cause a STATUS would carry when the message can still be answered.
    """

    def __init__(self, reason: str, cause: int = 0) -> None:
        self.cause = cause
        super().__init__(reason)

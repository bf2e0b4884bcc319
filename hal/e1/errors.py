"""Errors the E1 span raises to the core; each carries the Q.850 cause the core should use."""

from __future__ import annotations

from hal.errors import InvalidState


class CallRefused(InvalidState):
    """The span cannot place the call; `cause` is the Q.850 cause to report to the caller."""

    cause = 41

    def __init__(self, reason: str, cause: int | None = None) -> None:
        if cause is not None:
            self.cause = cause
        super().__init__(f"{reason} (cause {self.cause})")


class NoChannelAvailable(CallRefused):
    """Every B-channel is busy (cause 34, no circuit/channel available)."""

    cause = 34


class ChannelUnavailable(CallRefused):
    """The requested B-channel is busy or blocked (cause 44)."""

    cause = 44


class SpanNotReady(CallRefused):
    """The span is in alarm, its link is down or its line module is unreachable (cause 38)."""

    cause = 38


class UnknownCall(InvalidState, KeyError):
    """No call with that call reference exists on the span."""

"""Errors of the conference runtime and its control API."""

from __future__ import annotations

from telephony.errors import TelephonyError


class ConferenceError(TelephonyError):
    """A conference request that cannot be done."""


class NoSuchRoom(ConferenceError, KeyError):
    """No conference room, or no participant, by that number or id."""

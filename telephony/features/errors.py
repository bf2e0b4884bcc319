"""Errors of the routing features, rooted at TelephonyError."""

from __future__ import annotations

from telephony.errors import TelephonyError, ValidationError


class FeatureError(TelephonyError):
    """Base of the routing-feature errors."""


class FeatureInputError(ValidationError, FeatureError):
    """Admin input for a feature is invalid; `errors` maps each field to its message key."""

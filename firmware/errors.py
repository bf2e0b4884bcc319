"""Errors raised by the firmware package; every one roots at FirmwareError."""


class FirmwareError(Exception):
    """Base of every error the firmware package raises."""


class ConfigApplyError(FirmwareError, RuntimeError):
    """A rendered service config was rejected; the last good one stays in place."""

"""Errors raised by the firmware package; every one roots at FirmwareError."""


class FirmwareError(Exception):
    """Base of every error the firmware package raises."""


class ConfigApplyError(FirmwareError, RuntimeError):
    """A rendered service config was rejected; the last good one stays in place."""


class BootStateError(FirmwareError, ValueError):
    """The A/B boot state file or a backend command is malformed."""


class UpdateError(FirmwareError, RuntimeError):
    """An update bundle was refused or its installation failed; the message says why."""

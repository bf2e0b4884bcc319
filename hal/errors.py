"""Errors raised by the HAL; each also inherits the built-in it resembles."""


class HalError(Exception):
    """Base of every HAL error."""


class BoardConfigError(HalError, ValueError):
    """A board file is invalid; names the file, the key and the reason."""

    def __init__(self, file: str, key: str, reason: str) -> None:
        self.file, self.key, self.reason = file, key, reason
        super().__init__(f"{file}: {key}: {reason}")


class ChipNotResponding(HalError, OSError):
    """A chip did not answer on its bus address (module missing or broken)."""


class PortFault(HalError, RuntimeError):
    """A port is marked faulty and refuses the operation."""


class InvalidState(HalError, RuntimeError):
    """The operation makes no sense in the port's current state (e.g. ring an off-hook FXS)."""


class ProtocolError(HalError, ValueError):
    """A malformed frame or message on a signalling link (logged; the link stays up)."""


class ModuleUnavailable(HalError, LookupError):
    """No driver is registered for a module kind named in the board file (its package is missing)."""

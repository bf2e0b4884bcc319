"""Convert 20 ms blocks between 16-bit linear PCM and G.711 A-law (what an E1 timeslot carries).

Whole-block conversions in C (the stdlib audioop module); never a Python loop per sample. audioop is
deprecated but present in Python 3.11, which the box pins; on 3.13+ the `audioop-lts` package provides
the same module.
"""

from __future__ import annotations

import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import audioop

ALAW_SILENCE = b"\xd5"


def alaw_to_linear(block: bytes) -> bytes:
    """Return 16-bit little-endian samples for A-law octets (one per sample)."""
    return audioop.alaw2lin(block, 2)


def linear_to_alaw(block: bytes) -> bytes:
    """Return A-law octets for 16-bit little-endian samples."""
    return audioop.lin2alaw(block, 2)


def alaw_silence(samples: int) -> bytes:
    return ALAW_SILENCE * samples

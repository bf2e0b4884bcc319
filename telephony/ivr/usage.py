"""Which numbers IVR flows take: extensions, ports and queues must not take them too."""

from __future__ import annotations


def ivr_number_taken(number: str) -> bool:
    """Return whether an IVR flow (active or not) is dialed as `number`."""
    from telephony.models import IvrFlow

    return bool(number) and IvrFlow.select().where(IvrFlow.number == number).exists()

"""Returning callers: one who hangs up while waiting and calls back soon gets the old place back.

Enabled per queue by rejoin_window > 0. When a caller on the line abandons (hangs up while waiting
or ringing), its place (queued_since and arrival sequence) and priority are remembered under
(queue, caller number). If the same number enters the same queue within rejoin_window seconds of
hanging up, it takes that place again (and the higher of the two priorities) instead of joining
at the back; the memory is used once. Answered, overflowed and callback callers leave no place
behind. max_wait and reported waits still count from the new arrival: only the order is restored.
Anonymous numbers are never remembered.
"""

from __future__ import annotations

import dataclasses

from telephony.acd.affinity import is_anonymous


@dataclasses.dataclass(frozen=True)
class Place:
    """A place in a queue left by an abandoning caller."""

    queued_since: float
    seq: int
    priority: int
    left_at: float


class RejoinMemory:
    """Places of recent abandoners, by (queue id, number)."""

    def __init__(self) -> None:
        self._places: dict[tuple[str, str], Place] = {}  # in time order: oldest first

    def __len__(self) -> int:
        return len(self._places)

    def remember(self, queue_id: str, number: str, place: Place, keep: float) -> None:
        """Keep the place for `keep` seconds; forget places older than that."""
        if is_anonymous(number) or keep <= 0:
            return
        self._places.pop((queue_id, number), None)
        self._places[(queue_id, number)] = place
        while self._places:
            oldest = next(iter(self._places))
            if self._places[oldest].left_at >= place.left_at - keep:
                break
            del self._places[oldest]

    def take(self, queue_id: str, number: str, now: float, window: float) -> Place | None:
        """Return and forget the place `number` left in `queue_id`, if it left within `window`."""
        if window <= 0 or is_anonymous(number):
            return None
        place = self._places.pop((queue_id, number), None)
        if place is None or now - place.left_at > window:
            return None
        return place

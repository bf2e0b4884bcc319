"""Ring cadence with caller ID slotted in: which state the line is in at each moment of a ring.

China (YD/T 1277.1) and Bell/ETSI FSK: ring, then `delay_ms` into the first silence send the FSK
burst, keep ringing with the cadence. DTMF caller ID (YD/T 1277.2): hold the line in on-hook
transmission, send the digits, wait `delay_ms`, then start ringing. Used by the FXS port (with
the SLIC's linefeed) and by the simulated PSTN (with the DAA's ring-detect bits).
"""

from __future__ import annotations

from hal.country import CallerIdStandard

DTMF_LEAD_S = 0.2  # on-hook transmission before DTMF caller-ID digits


class RingPlan:
    """The schedule of one ringing episode; step(now) says whether to ring and when to send caller ID."""

    def __init__(
        self,
        cadence: tuple[int, ...],
        start: float,
        cid_frames: list[bytes] | None = None,
        standard: CallerIdStandard | None = None,
        frame_s: float = 0.02,
    ) -> None:
        self.cadence = tuple(ms / 1000 for ms in cadence)
        self.cycle = sum(self.cadence)
        self.cid_frames = cid_frames or []
        self.cid_at: float | None = None
        pre = 0.0
        if self.cid_frames and standard is not None:
            if standard.timing == "before_first_ring":
                self.cid_at = start + DTMF_LEAD_S
                pre = DTMF_LEAD_S + len(self.cid_frames) * frame_s + standard.delay_ms / 1000
            else:
                self.cid_at = start + self.cadence[0] + standard.delay_ms / 1000
        self.ring_start = start + pre
        self.cid_sent = False

    def ringing(self, now: float) -> bool:
        """Return True while the cadence is in an 'on' part."""
        if now < self.ring_start:
            return False
        pos = (now - self.ring_start) % self.cycle
        for i, part in enumerate(self.cadence):
            if pos < part:
                return i % 2 == 0
            pos -= part
        return False

    def take_caller_id(self, now: float) -> list[bytes]:
        """Return the caller-ID frames once, when their time has come; else an empty list."""
        if self.cid_sent or self.cid_at is None or now < self.cid_at:
            return []
        self.cid_sent = True
        return self.cid_frames

    def cycles(self, now: float) -> int:
        """Return how many ring bursts have started by `now`."""
        return 0 if now < self.ring_start else int((now - self.ring_start) // self.cycle) + 1

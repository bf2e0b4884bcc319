"""Country profiles: call-progress tones, ring cadence and caller-ID standard, as data tables.

A board file (or a site) names a country; FXS ports play its tones, ring with its cadence and send
its caller ID; FXO ports detect its busy tone and expect its caller ID. China is the default.

Sources: China YD/T 1277.1 (FSK caller ID between the first and second ring, 1200 baud, mark
1200 Hz / space 2200 Hz) and YD/T 1277.2 (DTMF caller ID before the first ring); China tones per
GF 002-9002 (450 Hz; ring 25 Hz 1 s on 4 s off; busy 0.35/0.35 s; congestion 0.7/0.7 s; special
dial tone 0.4/0.04 s). Bell 202 / Telcordia GR-30 for the US; ETSI EN 300 659-1 (V.23) for Germany.
"""

from __future__ import annotations

import dataclasses
import logging

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class Tone:
    """One call-progress tone: up to two frequencies (Hz) and an on/off cadence in ms (off 0 = continuous)."""

    freqs: tuple[float, ...]
    cadence: tuple[int, ...] = ()  # on, off, on, off... ms; empty = continuous
    level: int = 7000  # peak amplitude of each frequency (16-bit linear); ~ -10 dBm0 for one tone

    @property
    def continuous(self) -> bool:
        return not self.cadence


@dataclasses.dataclass(frozen=True)
class CallerIdStandard:
    """How caller ID is sent on an FXS line and expected on an FXO line."""

    name: str
    modulation: str  # 'bell202', 'v23' (FSK at 1200 baud) or 'dtmf'
    timing: str  # 'after_first_ring' or 'before_first_ring'
    delay_ms: int = 500  # after the first ring ends (FSK) / after line seizure (DTMF) before data starts
    seizure_bits: int = 300  # FSK channel seizure: alternating 0/1
    mark_bits: int = 180  # FSK mark (1) bits before the message
    message_format: str = "mdmf"  # 'mdmf' (number + name + date) or 'sdmf' (number + date)
    dtmf_on_ms: int = 70
    dtmf_off_ms: int = 70


CALLER_ID_STANDARDS: dict[str, CallerIdStandard] = {
    s.name: s
    for s in (
        CallerIdStandard("bell202", "bell202", "after_first_ring"),
        CallerIdStandard("bell202-sdmf", "bell202", "after_first_ring", message_format="sdmf"),
        CallerIdStandard("etsi-v23", "v23", "after_first_ring"),
        # YD/T 1277.1: 1200/2200 Hz FSK at 1200 baud, MDMF/SDMF, between first and second ring.
        CallerIdStandard("yd1277-fsk", "bell202", "after_first_ring"),
        # YD/T 1277.2 and ETSI EN 300 659-1 annex B: 'A' number 'C' in DTMF before the first ring.
        CallerIdStandard("yd1277-dtmf", "dtmf", "before_first_ring", delay_ms=300),
        CallerIdStandard("dtmf", "dtmf", "before_first_ring", delay_ms=300),
        CallerIdStandard("none", "none", "after_first_ring"),
    )
}


@dataclasses.dataclass(frozen=True)
class CountryProfile:
    """Tones, ring cadence and caller ID of one country."""

    code: str
    name: str
    tones: dict[str, Tone]
    ring_cadence: tuple[int, ...]  # on, off, ... ms
    caller_id: str  # key of CALLER_ID_STANDARDS
    ring_hz: int = 25

    def tone(self, name: str) -> Tone:
        try:
            return self.tones[name]
        except KeyError:
            raise KeyError(
                f"country {self.code} has no tone {name!r} (has: {', '.join(sorted(self.tones))})"
            ) from None

    @property
    def cid(self) -> CallerIdStandard:
        return CALLER_ID_STANDARDS[self.caller_id]

    @property
    def ring_cycle_ms(self) -> int:
        return sum(self.ring_cadence)

    @property
    def ring_off_ms(self) -> int:
        """Longest silent part of the ring cadence (FXO: a gap longer than this ends the ringing)."""
        return max(self.ring_cadence[1::2])


COUNTRIES: dict[str, CountryProfile] = {
    "cn": CountryProfile(
        code="cn",
        name="China",
        tones={
            "dial": Tone((450.0,)),
            "ringback": Tone((450.0,), (1000, 4000)),
            "busy": Tone((450.0,), (350, 350)),
            "congestion": Tone((450.0,), (700, 700)),
            "stutter": Tone((450.0,), (400, 40)),  # special dial tone (MWI, forwarding active)
            "unobtainable": Tone((450.0,), (100, 100, 100, 100, 100, 100, 400, 400)),
            "callwaiting": Tone((450.0,), (400, 4000), level=3500),
        },
        ring_cadence=(1000, 4000),
        caller_id="yd1277-fsk",
    ),
    "us": CountryProfile(
        code="us",
        name="United States",
        tones={
            "dial": Tone((350.0, 440.0), level=5000),
            "ringback": Tone((440.0, 480.0), (2000, 4000), level=5000),
            "busy": Tone((480.0, 620.0), (500, 500), level=5000),
            "congestion": Tone((480.0, 620.0), (250, 250), level=5000),
            "stutter": Tone((350.0, 440.0), (100, 100), level=5000),
            "unobtainable": Tone((480.0, 620.0), (250, 250), level=5000),
            "callwaiting": Tone((440.0,), (300, 9700), level=3500),
        },
        ring_cadence=(2000, 4000),
        caller_id="bell202",
        ring_hz=20,
    ),
    "de": CountryProfile(
        code="de",
        name="Germany",
        tones={
            "dial": Tone((425.0,)),
            "ringback": Tone((425.0,), (1000, 4000)),
            "busy": Tone((425.0,), (480, 480)),
            "congestion": Tone((425.0,), (240, 240)),
            "stutter": Tone((425.0,), (160, 160)),
            "unobtainable": Tone((425.0,), (240, 240)),
            "callwaiting": Tone((425.0,), (200, 200, 200, 5000), level=3500),
        },
        ring_cadence=(1000, 4000),
        caller_id="etsi-v23",
    ),
}

DEFAULT_COUNTRY = "cn"


def country(code: str) -> CountryProfile:
    """Return the profile of a country code ('cn', 'us', 'de'); KeyError names the known ones."""
    try:
        return COUNTRIES[code.lower()]
    except KeyError:
        raise KeyError(f"unknown country {code!r} (known: {', '.join(sorted(COUNTRIES))})") from None


def caller_id_standard(name: str) -> CallerIdStandard:
    """Return a caller-ID standard by name; KeyError names the known ones."""
    try:
        return CALLER_ID_STANDARDS[name]
    except KeyError:
        known = ", ".join(sorted(CALLER_ID_STANDARDS))
        raise KeyError(f"unknown caller-ID standard {name!r} (known: {known})") from None

"""Call-progress tones (ringback, busy, congestion) by country, as pjsua2 tone generators."""

from __future__ import annotations

import dataclasses

import pjsua2 as pj


@dataclasses.dataclass(frozen=True)
class Tone:
    """One cadenced tone: frequencies in Hz, on/off times in ms (off 0 = continuous)."""

    freq1: int
    freq2: int
    on_ms: int
    off_ms: int


# China (YD/T 1277 / GF 002-9002): 450 Hz for every tone, cadences differ.
COUNTRIES: dict[str, dict[str, Tone]] = {
    "cn": {
        "dial": Tone(450, 0, 1000, 0),
        "ringback": Tone(450, 0, 1000, 4000),
        "busy": Tone(450, 0, 350, 350),
        "congestion": Tone(450, 0, 700, 700),
    },
    "us": {
        "dial": Tone(350, 440, 1000, 0),
        "ringback": Tone(440, 480, 2000, 4000),
        "busy": Tone(480, 620, 500, 500),
        "congestion": Tone(480, 620, 250, 250),
    },
}


class TonePlayer:
    """Create looping tone generators for one country's tones; keep a reference to each live one."""

    def __init__(self, country: str = "cn") -> None:
        self.tones = COUNTRIES.get(country, COUNTRIES["cn"])
        self.live: set[pj.ToneGenerator] = set()

    def make(self, name: str) -> pj.ToneGenerator:
        tone = self.tones[name]
        gen = pj.ToneGenerator()
        gen.createToneGenerator(8000, 1)
        desc = pj.ToneDesc()
        desc.freq1, desc.freq2 = tone.freq1, tone.freq2
        desc.on_msec = tone.on_ms
        desc.off_msec = tone.off_ms if tone.off_ms else 0
        desc.volume = 0
        vec = pj.ToneDescVector()
        vec.append(desc)
        gen.play(vec, True)
        self.live.add(gen)
        return gen

    def ringback(self) -> pj.ToneGenerator:
        return self.make("ringback")

    def release(self, gen: pj.ToneGenerator) -> None:
        try:
            gen.stop()
        except pj.Error:
            pass
        self.live.discard(gen)

    def release_all(self) -> None:
        for gen in list(self.live):
            self.release(gen)

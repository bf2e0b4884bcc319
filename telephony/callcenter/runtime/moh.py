"""Music on hold: one looping pjsua2 player per class, shared by every caller who waits.

A class is a WAV file (8 kHz mono 16-bit, as uploads are converted) under media/moh/<class>.wav.
The box ships no audio file: the 'default' class is generated at first use (a soft, slow
arpeggio), so a fresh box has music without a download.
"""

from __future__ import annotations

import array
import logging
import math
import wave
from pathlib import Path

import pjsua2 as pj

log = logging.getLogger(__name__)

RATE = 8000
DEFAULT_CLASS = "default"
_NOTES = (392.0, 493.9, 587.3, 784.0, 587.3, 493.9, 440.0, 523.3, 659.3, 523.3, 440.0, 329.6)


def write_default_music(path: Path, note_s: float = 0.5, amplitude: int = 6000) -> Path:
    """Write the built-in hold music: an arpeggio of soft notes with a fade in and out of each."""
    n = int(RATE * note_s)
    fade = int(RATE * 0.05)
    pcm = array.array("h")
    for freq in _NOTES:
        w = 2 * math.pi * freq / RATE
        for i in range(n):
            env = min(1.0, i / fade, (n - i) / fade)
            pcm.append(int(amplitude * env * (0.8 * math.sin(w * i) + 0.2 * math.sin(2 * w * i))))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with wave.open(str(tmp), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(pcm.tobytes())
    tmp.replace(path)
    return path


class MohPool:
    """Looping players by class, created on first use; listeners are bridge ports of callers."""

    def __init__(self, media_dir: Path) -> None:
        self.dir = media_dir / "moh"
        self.players: dict[str, pj.AudioMediaPlayer] = {}

    def player(self, moh_class: str) -> pj.AudioMediaPlayer:
        name = moh_class or DEFAULT_CLASS
        if name in self.players:
            return self.players[name]
        path = self.dir / f"{name}.wav"
        if not path.exists():
            if name != DEFAULT_CLASS:
                log.warning("music-on-hold class %r has no %s: playing the default", name, path)
                return self.player(DEFAULT_CLASS)
            write_default_music(path)
        player = pj.AudioMediaPlayer()
        player.createPlayer(str(path), 0)  # 0: loop
        self.players[name] = player
        log.info("music on hold %r: %s", name, path)
        return player

    def start(self, moh_class: str, listener: pj.AudioMedia) -> None:
        self.player(moh_class).startTransmit(listener)

    def stop(self, moh_class: str, listener: pj.AudioMedia) -> None:
        player = self.players.get(moh_class or DEFAULT_CLASS) or self.players.get(DEFAULT_CLASS)
        if player is None:
            return
        try:
            player.stopTransmit(listener)
        except pj.Error:
            pass  # the listener's port is already gone

    def close(self) -> None:
        self.players.clear()

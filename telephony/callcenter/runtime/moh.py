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


def _stamp(path: Path) -> tuple[int, int]:
    """Tell a file from its replacement: an upload renames a new file (inode) over the old one."""
    st = path.stat()
    return st.st_ino, st.st_mtime_ns


class MohPool:
    """Looping players by class, created on first use; listeners are bridge ports of callers."""

    def __init__(self, media_dir: Path) -> None:
        self.dir = media_dir / "moh"
        self.players: dict[str, pj.AudioMediaPlayer] = {}
        self.opened: dict[str, tuple[int, int]] = {}  # class -> (inode, mtime ns) of the file it plays
        self.listeners: dict[str, list[pj.AudioMedia]] = {}  # class -> callers hearing it now

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
        self.opened[name] = _stamp(path)
        log.info("music on hold %r: %s", name, path)
        return player

    def start(self, moh_class: str, listener: pj.AudioMedia) -> None:
        self.player(moh_class).startTransmit(listener)
        self.listeners.setdefault(moh_class or DEFAULT_CLASS, []).append(listener)

    def stop(self, moh_class: str, listener: pj.AudioMedia) -> None:
        name = moh_class or DEFAULT_CLASS
        self.listeners[name] = [m for m in self.listeners.get(name, []) if m is not listener]
        player = self.players.get(name) or self.players.get(DEFAULT_CLASS)
        if player is None:
            return
        try:
            player.stopTransmit(listener)
        except pj.Error:
            pass  # the listener's port is already gone

    def reload(self) -> None:
        """Reopen the classes whose file changed or went away (an upload, a delete in the web admin).

        Callers hearing one move to the new file at once: dropping the old player alone would
        leave them in silence until their next announcement.
        """
        for name, stamp in list(self.opened.items()):
            path = self.dir / f"{name}.wav"
            if path.exists() and _stamp(path) == stamp:
                continue
            old = self.players.pop(name)
            del self.opened[name]
            listeners = self.listeners.get(name, [])
            for med in listeners:
                try:
                    old.stopTransmit(med)
                except pj.Error:
                    pass  # the listener's port is already gone
            new = self.player(name) if listeners else None  # the default's player if the file is gone
            for med in listeners:
                try:
                    new.startTransmit(med)
                except pj.Error:
                    pass  # the caller hung up meanwhile
            log.info("music on hold %r: file changed; %d callers moved to the new one", name, len(listeners))

    def close(self) -> None:
        self.players.clear()
        self.opened.clear()
        self.listeners.clear()

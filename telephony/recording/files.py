"""Recording files: where they live, the stereo interleave, and the repair of unfinished ones.

media/recordings/<YYYY>/<MM>/<DD>/<HHMMSS>-<uniqueid>-<n>.wav. A mixed recording is written
there directly by one pjsua2 recorder. A stereo one is written as two mono parts next to it
(`.caller.part.wav`, `.callee.part.wav`) and interleaved by sox after the call (off the engine
loop); the parts are then removed. pjsua2's WAV writer writes the header sizes only when it is
closed, so a killed pbx-core leaves headers to repair from the file size (`repair_wav`).
"""

from __future__ import annotations

import logging
import subprocess
import wave
from pathlib import Path

from telephony.models import utcnow
from telephony.recording.errors import RecordingError
from telephony.voicemail.store import repair_wav, wav_closed, wav_seconds

log = logging.getLogger(__name__)

FOLDER = "recordings"
PART_SUFFIXES = (".caller.part.wav", ".callee.part.wav")

__all__ = ["new_path", "part_paths", "merge_stereo", "repair_wav", "wav_closed", "wav_seconds", "wav_info"]


def new_path(media_dir: Path, uniqueid: str, n: int) -> Path:
    """A fresh file for the `n`th recording of call `uniqueid` (its folder is made)."""
    now = utcnow()
    folder = media_dir / FOLDER / now.strftime("%Y/%m/%d")
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{now.strftime('%H%M%S')}-{uniqueid}-{n}.wav"


def part_paths(path: Path) -> tuple[Path, Path]:
    """The caller's and the callee's mono parts of a stereo recording."""
    stem = path.with_suffix("")
    return tuple(Path(f"{stem}{suffix}") for suffix in PART_SUFFIXES)  # type: ignore[return-value]


def merge_stereo(caller: Path, callee: Path, out: Path) -> None:
    """Interleave two mono WAVs into one stereo WAV: the caller left, the callee right (blocking)."""
    tmp = out.with_suffix(".merge.wav")
    try:
        proc = subprocess.run(
            ["sox", "-M", str(caller), str(callee), "-b", "16", str(tmp)], capture_output=True, timeout=300
        )
    except FileNotFoundError:
        raise RecordingError("sox is not installed (make setup installs it)") from None
    except subprocess.TimeoutExpired:
        raise RecordingError(f"sox took more than 300 s merging {out.name}") from None
    if proc.returncode != 0:
        tmp.unlink(missing_ok=True)
        raise RecordingError(f"sox failed ({proc.returncode}): {proc.stderr.decode(errors='replace')[-300:]}")
    tmp.replace(out)
    caller.unlink(missing_ok=True)
    callee.unlink(missing_ok=True)


def wav_info(path: Path) -> tuple[float, int]:
    """(seconds of audio, bytes on disk) of a finished WAV; (0, size) when it is not one."""
    try:
        size = path.stat().st_size
    except OSError:
        return 0.0, 0
    try:
        with wave.open(str(path), "rb") as wav:
            return wav.getnframes() / float(wav.getframerate()), size
    except (OSError, EOFError, wave.Error):
        return 0.0, size

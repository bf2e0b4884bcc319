"""Spoken prompts: text-to-speech generated offline with espeak-ng, converted and cached on disk.

A prompt is (language, text). Its file is media/prompts/tts/<language>/<sha256 of text>.wav in
the box's format (8 kHz mono 16-bit PCM), made once by espeak-ng and sox (Debian packages) and
then reused, so a prompt costs a subprocess the first time only. Rendering runs on a worker
thread, never on the engine loop; `speak` hands the finished path back to the loop through the
engine's `run_soon`.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import logging
import subprocess
import tempfile
import wave
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

VOICES = {"zh-CN": "cmn", "en": "en-gb"}
LANGUAGES = tuple(VOICES)
RATE = 8000


class PromptError(RuntimeError):
    """A prompt could not be made (espeak-ng or sox missing or failing); the message says which."""


class Prompts:
    """Cached TTS prompts under `media_dir`/prompts/tts."""

    def __init__(self, media_dir: Path, workers: int = 1) -> None:
        self.dir = media_dir / "prompts" / "tts"
        self._pool = concurrent.futures.ThreadPoolExecutor(workers, thread_name_prefix="tts")

    def path(self, text: str, language: str) -> Path:
        digest = hashlib.sha256(f"{VOICES.get(language, language)}\0{text}".encode()).hexdigest()[:24]
        return self.dir / language / f"{digest}.wav"

    def render(self, text: str, language: str) -> Path:
        """Make the prompt's file if it is not there yet (blocking: call off the loop)."""
        out = self.path(text, language)
        if out.exists():
            return out
        voice = VOICES.get(language)
        if voice is None:
            raise PromptError(f"no voice for language {language!r} (have: {', '.join(VOICES)})")
        out.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=out.parent) as tmp:
            raw, conv = Path(tmp) / "raw.wav", Path(tmp) / "out.wav"
            _run(["espeak-ng", "-v", voice, "-s", "150", "-w", str(raw), "--", text], "espeak-ng")
            _run(
                ["sox", str(raw), "-r", str(RATE), "-c", "1", "-b", "16", "-e", "signed-integer", str(conv)],
                "sox",
            )
            conv.replace(out)
        log.info("prompt made (%s): %r -> %s", language, text, out.name)
        return out

    def speak(
        self,
        text: str,
        language: str,
        run_soon: Callable[[Callable[[], None]], None],
        done: Callable[[Path | None], None],
    ) -> None:
        """Render off the loop, then call done(path or None) on the loop via run_soon."""
        cached = self.path(text, language)
        if cached.exists():
            done(cached)
            return

        def work() -> None:
            try:
                path: Path | None = self.render(text, language)
            except (PromptError, OSError) as exc:
                log.error("prompt %r (%s) not available: %s", text, language, exc)
                path = None
            run_soon(lambda: done(path))

        self._pool.submit(work)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def duration(path: Path) -> float:
    """Seconds of audio in a WAV file."""
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / float(wav.getframerate())


def _run(argv: list[str], what: str) -> None:
    try:
        proc = subprocess.run(argv, capture_output=True, timeout=30)
    except FileNotFoundError:
        raise PromptError(f"{what} is not installed (make setup installs it)") from None
    except subprocess.TimeoutExpired:
        raise PromptError(f"{what} took more than 30 s") from None
    if proc.returncode != 0:
        raise PromptError(f"{what} failed ({proc.returncode}): {proc.stderr.decode(errors='replace')[-300:]}")

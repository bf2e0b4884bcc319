"""Say numbers, digits and amounts: the words for a value, and the audio made from them.

`words(value, mode, language)` gives the spoken words: mode `digits` says each character ("1 2 3"),
`number` says a whole number (up to 10^12, negative too, a decimal part digit by digit), `amount`
says money in yuan (元/角/分 in Chinese; "yuan ... fen" in English), rounded to the fen.

Audio: a box may have a recorded prompt set per language, one file per word under
media/prompts/sets/<language>/<stem>.wav (`stem(word, language)` names it; `SET_WORDS` lists them).
When every word of a value has its file, the spoken value is those files joined by sox (made on a
worker thread, never on the engine loop, and cached under media/prompts/sets-cache/); otherwise it
is text-to-speech of the words (telephony.prompts). `NumberSpeaker.say` hands the finished file back
on the loop; `say_number(engine, ...)` is the entry point for features (park slots, queue positions).
"""

from __future__ import annotations

import concurrent.futures
import decimal
import hashlib
import logging
import subprocess
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from telephony.errors import TelephonyError
from telephony.prompts import LANGUAGES, PromptError, Prompts

log = logging.getLogger(__name__)

MODES = ("digits", "number", "amount")
MAX_NUMBER = 10**12

EN_ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen"
).split()
EN_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
EN_SCALES = ((10**12, "trillion"), (10**9, "billion"), (10**6, "million"), (10**3, "thousand"))
EN_KEYS = {"*": "star", "#": "hash"}

ZH_DIGITS = "零一二三四五六七八九"
ZH_PLACES = ("", "十", "百", "千")
ZH_GROUPS = ("", "万", "亿", "万亿")
ZH_KEYS = {"*": "星", "#": "井"}

# A recorded prompt set names its files in ASCII (pinyin with its tone for Chinese).
ZH_STEMS = {
    "零": "ling2",
    "一": "yi1",
    "二": "er4",
    "三": "san1",
    "四": "si4",
    "五": "wu3",
    "六": "liu4",
    "七": "qi1",
    "八": "ba1",
    "九": "jiu3",
    "十": "shi2",
    "百": "bai3",
    "千": "qian1",
    "万": "wan4",
    "亿": "yi4",
    "负": "fu4",
    "点": "dian3",
    "元": "yuan2",
    "角": "jiao3",
    "分": "fen1",
    "整": "zheng3",
    "星": "xing1",
    "井": "jing3",
}
SET_WORDS: dict[str, tuple[str, ...]] = {
    "en": (
        *EN_ONES,
        *EN_TENS[2:],
        "hundred",
        "and",
        *(name for _, name in EN_SCALES),
        "minus",
        "point",
        "yuan",
        "fen",
        "star",
        "hash",
    ),
    "zh-CN": tuple(ZH_STEMS.values()),
}


class SayError(TelephonyError, ValueError):
    """A value cannot be said in that mode or language; `render(language)` says why."""

    TEXT = {
        "mode": {
            "en": "unknown way to say a value: {value} (use {modes})",
            "zh-CN": "未知的读法：{value}（可用 {modes}）",
        },
        "language": {"en": "no words for language {value}", "zh-CN": "没有语言 {value} 的读法"},
        "digits": {
            "en": "{value} is not a string of digits (0-9, * and # only)",
            "zh-CN": "{value} 不是一串数字（只能是 0-9、* 和 #）",
        },
        "number": {"en": "{value} is not a number", "zh-CN": "{value} 不是数字"},
        "range": {
            "en": "{value} is too large to say (at most 10^12 either way)",
            "zh-CN": "{value} 太大，无法读出（绝对值最多 10^12）",
        },
    }

    def __init__(self, why: str, value: object) -> None:
        self.why, self.value = why, value
        super().__init__(self.render("en"))

    def render(self, language: str) -> str:
        text = self.TEXT[self.why]
        return text.get(language, text["en"]).format(value=repr(self.value), modes=", ".join(MODES))


# --- words ----------------------------------------------------------------------------------------


def words(value: object, mode: str, language: str) -> list[str]:
    """The words that say `value` in `mode` ("digits", "number" or "amount") and `language`."""
    if mode not in MODES:
        raise SayError("mode", mode)
    if language not in LANGUAGES:
        raise SayError("language", language)
    zh = language == "zh-CN"
    if mode == "digits":
        return _digits(value, zh)
    number = _decimal(value)
    if abs(number) > MAX_NUMBER:
        raise SayError("range", value)
    if mode == "amount":
        return _zh_amount(number) if zh else _en_amount(number)
    return _zh_number(number) if zh else _en_number(number)


def text(value: object, mode: str, language: str) -> str:
    """The words as one text for text-to-speech ("一百二十三", "one hundred and twenty-three")."""
    said = words(value, mode, language)
    return "".join(said) if language == "zh-CN" and mode != "digits" else " ".join(said)


def stems(said: list[str], language: str) -> list[str]:
    """The prompt-set file stems for these words (English compounds like twenty-three are two files)."""
    if language == "zh-CN":
        return [ZH_STEMS[ch] for word in said for ch in word]
    return [part for word in said for part in word.split("-")]


def _digits(value: object, zh: bool) -> list[str]:
    chars = str(value).strip().replace(" ", "").replace("-", "")
    if not chars or any(c not in "0123456789*#" for c in chars):
        raise SayError("digits", value)
    if zh:
        return [ZH_KEYS.get(c) or ZH_DIGITS[int(c)] for c in chars]
    return [EN_KEYS.get(c) or EN_ONES[int(c)] for c in chars]


def _decimal(value: object) -> decimal.Decimal:
    if isinstance(value, bool):
        raise SayError("number", value)
    try:
        number = decimal.Decimal(str(value).strip().replace(",", ""))
    except decimal.InvalidOperation:
        raise SayError("number", value) from None
    if not number.is_finite():
        raise SayError("number", value)
    return number


def _split(number: decimal.Decimal) -> tuple[bool, int, str]:
    """Sign, whole part and the decimal digits as written (trailing zeros dropped)."""
    negative = number < 0
    whole, _, frac = format(abs(number), "f").partition(".")
    return negative, int(whole), frac.rstrip("0")


def _en_number(number: decimal.Decimal) -> list[str]:
    negative, whole, frac = _split(number)
    out = ["minus"] if negative and (whole or frac) else []
    out += _en_whole(whole)
    if frac:
        out += ["point", *(EN_ONES[int(c)] for c in frac)]
    return out


def _en_whole(n: int) -> list[str]:
    if n == 0:
        return ["zero"]
    out: list[str] = []
    for scale, name in EN_SCALES:
        if n >= scale:
            out += [*_en_below_1000(n // scale), name]
            n %= scale
    if n:
        if out and n < 100:  # British: one thousand and five
            out.append("and")
        out += _en_below_1000(n)
    return out


def _en_below_1000(n: int) -> list[str]:
    out: list[str] = []
    if n >= 100:
        out += [EN_ONES[n // 100], "hundred"]
        n %= 100
        if n:
            out.append("and")
    if n >= 20:
        out.append(EN_TENS[n // 10] + (f"-{EN_ONES[n % 10]}" if n % 10 else ""))
    elif n:
        out.append(EN_ONES[n])
    return out


def _zh_number(number: decimal.Decimal) -> list[str]:
    negative, whole, frac = _split(number)
    out = ["负"] if negative and (whole or frac) else []
    out += _zh_whole(whole)
    if frac:
        out += ["点", *(ZH_DIGITS[int(c)] for c in frac)]
    return out


def _zh_whole(n: int) -> list[str]:
    """Chinese for 0..10^12: groups of four digits with 万/亿, one 零 for each run of zeros inside."""
    if n == 0:
        return ["零"]
    groups = []
    while n:
        groups.append(n % 10000)
        n //= 10000
    out: list[str] = []
    zero = False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            zero = bool(out)
            continue
        if out and (zero or group < 1000):
            out.append("零")
        out += _zh_group(group)
        out += list(ZH_GROUPS[index])  # 万亿 is two words
        zero = False
    if out[:2] == ["一", "十"]:  # 十五, 十万: a leading one-ten is said without the one
        out = out[1:]
    return out


def _zh_group(n: int) -> list[str]:
    out: list[str] = []
    zero = False
    for place in (3, 2, 1, 0):
        digit = n // 10**place % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out.append("零")
            zero = False
        out.append(ZH_DIGITS[digit])
        if ZH_PLACES[place]:
            out.append(ZH_PLACES[place])
    return out


def _cents(number: decimal.Decimal) -> tuple[bool, int, int]:
    fen = int((abs(number) * 100).quantize(decimal.Decimal(1), rounding=decimal.ROUND_HALF_UP))
    return number < 0 and fen > 0, fen // 100, fen % 100


def _zh_amount(number: decimal.Decimal) -> list[str]:
    negative, yuan, fen = _cents(number)
    out = ["负"] if negative else []
    jiao, fen = divmod(fen, 10)
    if yuan or not (jiao or fen):
        out += [*_zh_whole(yuan), "元"]
    if not (jiao or fen):
        return out + (["整"] if yuan else [])
    if jiao:
        out += [ZH_DIGITS[jiao], "角"]
    elif yuan:
        out.append("零")  # 三元零五分
    if fen:
        out += [ZH_DIGITS[fen], "分"]
    return out


def _en_amount(number: decimal.Decimal) -> list[str]:
    negative, yuan, fen = _cents(number)
    out = ["minus"] if negative else []
    if yuan or not fen:
        out += [*_en_whole(yuan), "yuan"]
    if fen:
        out += [*_en_whole(fen), "fen"]
    return out


# --- audio ----------------------------------------------------------------------------------------


class NumberSpeaker:
    """Make the audio of a spoken value: the box's recorded prompt set if complete, else TTS."""

    def __init__(self, media_dir: Path, prompts: Prompts | None = None) -> None:
        self.media_dir = Path(media_dir)
        self.sets_dir = self.media_dir / "prompts" / "sets"
        self.cache_dir = self.media_dir / "prompts" / "sets-cache"
        self.prompts = prompts or Prompts(self.media_dir)
        self._pool = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="saynumbers")

    def set_files(self, said: list[str], language: str) -> list[Path] | None:
        """The recorded files for these words, or None when the set lacks one of them."""
        files = [self.sets_dir / language / f"{s}.wav" for s in stems(said, language)]
        missing = [f.name for f in files if not f.is_file()]
        if missing:
            if (self.sets_dir / language).is_dir():
                log.info("prompt set %s lacks %s: speaking by TTS", language, ", ".join(missing))
            return None
        return files

    def render(self, value: object, mode: str, language: str, template: str = "{value}") -> Path:
        """The file saying `template` with `value` in it (blocking: call off the loop).

        Raises SayError for a value that cannot be said that way, PromptError when no audio can
        be made.
        """
        said = words(value, mode, language)
        files = self.set_files(said, language)
        if files is None:
            spoken = text(value, mode, language)
            return self.prompts.render(template.replace("{value}", spoken), language)
        before, _, after = template.partition("{value}")
        parts = [self.prompts.render(before.strip(), language)] if _wordy(before) else []
        parts += files
        parts += [self.prompts.render(after.strip(), language)] if _wordy(after) else []
        return self._join(parts, language)

    def _join(self, parts: list[Path], language: str) -> Path:
        key = "\0".join(f"{p}:{p.stat().st_mtime_ns}:{p.stat().st_size}" for p in parts)
        out = self.cache_dir / language / f"{hashlib.sha256(key.encode()).hexdigest()[:24]}.wav"
        if out.exists():
            return out
        out.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=out.parent) as tmp:
            joined = Path(tmp) / "out.wav"
            argv = [
                "sox",
                *map(str, parts),
                "-r",
                "8000",
                "-c",
                "1",
                "-b",
                "16",
                "-e",
                "signed-integer",
                str(joined),
            ]
            try:
                proc = subprocess.run(argv, capture_output=True, timeout=30)
            except (FileNotFoundError, subprocess.TimeoutExpired) as exc:
                raise PromptError(f"sox could not join the prompt set: {exc}") from None
            if proc.returncode != 0:
                raise PromptError(
                    f"sox failed ({proc.returncode}): {proc.stderr.decode(errors='replace')[-300:]}"
                )
            joined.replace(out)
        return out

    def say(
        self,
        value: object,
        mode: str,
        language: str,
        run_soon: Callable[[Callable[[], None]], None],
        done: Callable[[Path | None], None],
        template: str = "{value}",
    ) -> None:
        """Render on the worker, then call done(path or None) on the loop through run_soon."""

        def work() -> None:
            try:
                path: Path | None = self.render(value, mode, language, template)
            except (SayError, PromptError, OSError) as exc:
                log.error("cannot say %r as %s (%s): %s", value, mode, language, exc)
                path = None
            run_soon(lambda: done(path))

        self._pool.submit(work)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


# --- recorded prompt sets (uploaded in the web admin) ---------------------------------------------------

SET_WORD_SECONDS = 10.0  # one word; a longer file is surely the wrong one


def set_words(language: str) -> list[tuple[str, str]]:
    """The words a prompt set of `language` records: (file stem, the word as written)."""
    if language not in SET_WORDS:
        raise SayError("language", language)
    shown = {stem: ch for ch, stem in ZH_STEMS.items()} if language == "zh-CN" else {}
    return [(stem, shown.get(stem, stem)) for stem in SET_WORDS[language]]


def set_library(media_dir: Path, language: str) -> Any:
    """The recorded words of `language` as an upload library: converted and checked like any prompt."""
    from telephony.ivr.prompts import PromptLibrary

    if language not in SET_WORDS:
        raise SayError("language", language)
    library = PromptLibrary(media_dir, max_seconds=SET_WORD_SECONDS)
    library.dir = Path(media_dir) / "prompts" / "sets" / language
    return library


def _wordy(part: str) -> bool:
    """Whether a piece of a template has anything to say (a lone full stop has not)."""
    return any(ch.isalnum() for ch in part)


_speakers: dict[Path, NumberSpeaker] = {}
_speakers_lock = threading.Lock()


def speaker(media_dir: Path) -> NumberSpeaker:
    """The shared speaker of a media folder (one worker per box)."""
    with _speakers_lock:
        key = Path(media_dir)
        if key not in _speakers:
            _speakers[key] = NumberSpeaker(key)
        return _speakers[key]


def say_number(
    engine: Any,
    value: object,
    mode: str,
    language: str,
    done: Callable[[Path | None], None],
    template: str = "{value}",
) -> None:
    """For features on the engine loop: make the audio saying `value`; `done(path or None)` on the loop.

    Play the path with a pjsua2 AudioMediaPlayer (keep a reference to it); None means it could not
    be made (logged), and the feature goes on without it.
    """
    speaker(engine.cfg.media_dir).say(value, mode, language, engine.run_soon, done, template)

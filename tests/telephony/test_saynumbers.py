"""Saying numbers, digits and amounts: the words in Chinese and English, and the audio made from them."""

from __future__ import annotations

import http.server
import json
import threading
import wave

import pytest

from telephony.prompts import Prompts
from telephony.saynumbers import MAX_NUMBER, SET_WORDS, NumberSpeaker, SayError, stems, text, words
from tests.support import audio
from tests.support.box import Box

SECRET = "Secr3tPass9"

ZH_NUMBERS = [
    (0, "零"),
    (1, "一"),
    (7, "七"),
    (10, "十"),
    (11, "十一"),
    (19, "十九"),
    (20, "二十"),
    (21, "二十一"),
    (99, "九十九"),
    (100, "一百"),
    (101, "一百零一"),
    (110, "一百一十"),
    (111, "一百一十一"),
    (120, "一百二十"),
    (999, "九百九十九"),
    (1000, "一千"),
    (1001, "一千零一"),
    (1005, "一千零五"),
    (1010, "一千零一十"),
    (1050, "一千零五十"),
    (1100, "一千一百"),
    (1234, "一千二百三十四"),
    (2005, "二千零五"),
    (9999, "九千九百九十九"),
    (10000, "一万"),
    (10001, "一万零一"),
    (10005, "一万零五"),
    (10010, "一万零一十"),
    (10100, "一万零一百"),
    (10500, "一万零五百"),
    (11000, "一万一千"),
    (12345, "一万二千三百四十五"),
    (100000, "十万"),
    (100010, "十万零一十"),
    (150000, "十五万"),
    (1000000, "一百万"),
    (1000001, "一百万零一"),
    (10000000, "一千万"),
    (10000500, "一千万零五百"),
    (12345678, "一千二百三十四万五千六百七十八"),
    (100000000, "一亿"),
    (100000001, "一亿零一"),
    (100010000, "一亿零一万"),
    (101000000, "一亿零一百万"),
    (120000000, "一亿二千万"),
    (1000000000, "十亿"),
    (1000000001, "十亿零一"),
    (100000000000, "一千亿"),
    (999999999999, "九千九百九十九亿九千九百九十九万九千九百九十九"),
    (10**12, "一万亿"),
    (-1, "负一"),
    (-1005, "负一千零五"),
    ("12.5", "十二点五"),
    ("0.05", "零点零五"),
    ("3.10", "三点一"),
    ("1,234", "一千二百三十四"),
    (" 42 ", "四十二"),
    (-0, "零"),
]

EN_NUMBERS = [
    (0, "zero"),
    (1, "one"),
    (7, "seven"),
    (10, "ten"),
    (11, "eleven"),
    (13, "thirteen"),
    (19, "nineteen"),
    (20, "twenty"),
    (21, "twenty-one"),
    (45, "forty-five"),
    (99, "ninety-nine"),
    (100, "one hundred"),
    (101, "one hundred and one"),
    (110, "one hundred and ten"),
    (999, "nine hundred and ninety-nine"),
    (1000, "one thousand"),
    (1005, "one thousand and five"),
    (1050, "one thousand and fifty"),
    (1100, "one thousand one hundred"),
    (1234, "one thousand two hundred and thirty-four"),
    (10000, "ten thousand"),
    (12345, "twelve thousand three hundred and forty-five"),
    (100000, "one hundred thousand"),
    (1000000, "one million"),
    (1000005, "one million and five"),
    (1002003, "one million two thousand and three"),
    (100000000, "one hundred million"),
    (1000000000, "one billion"),
    (999999999999, "nine hundred and ninety-nine billion nine hundred and ninety-nine million "
     "nine hundred and ninety-nine thousand nine hundred and ninety-nine"),
    (10**12, "one trillion"),
    (-42, "minus forty-two"),
    ("12.5", "twelve point five"),
    ("0.05", "zero point zero five"),
    ("-0.5", "minus zero point five"),
]  # fmt: skip

ZH_AMOUNTS = [
    ("123.50", "一百二十三元五角"),
    ("123.5", "一百二十三元五角"),
    ("123.55", "一百二十三元五角五分"),
    ("123.05", "一百二十三元零五分"),
    ("103.05", "一百零三元零五分"),
    ("100", "一百元整"),
    ("100.00", "一百元整"),
    ("1", "一元整"),
    ("10.5", "十元五角"),
    ("0.5", "五角"),
    ("0.05", "五分"),
    ("0.55", "五角五分"),
    ("0", "零元"),
    ("0.004", "零元"),
    ("0.005", "一分"),
    ("2.999", "三元整"),
    ("1005.2", "一千零五元二角"),
    ("-12.30", "负十二元三角"),
    ("100000000", "一亿元整"),
    (42, "四十二元整"),
]

EN_AMOUNTS = [
    ("123.50", "one hundred and twenty-three yuan fifty fen"),
    ("123.05", "one hundred and twenty-three yuan five fen"),
    ("100", "one hundred yuan"),
    ("1", "one yuan"),
    ("0.5", "fifty fen"),
    ("0.01", "one fen"),
    ("0", "zero yuan"),
    ("2.999", "three yuan"),
    ("-12.30", "minus twelve yuan thirty fen"),
    ("1005.2", "one thousand and five yuan twenty fen"),
]

DIGITS = [
    ("123", "zh-CN", ["一", "二", "三"]),
    ("0", "zh-CN", ["零"]),
    ("10086", "zh-CN", ["一", "零", "零", "八", "六"]),
    ("1*#", "zh-CN", ["一", "星", "井"]),
    ("138 0013-8000", "zh-CN", ["一", "三", "八", "零", "零", "一", "三", "八", "零", "零", "零"]),
    ("123", "en", ["one", "two", "three"]),
    ("007", "en", ["zero", "zero", "seven"]),
    ("9*#", "en", ["nine", "star", "hash"]),
    (4711, "en", ["four", "seven", "one", "one"]),
]


@pytest.mark.parametrize(("value", "said"), ZH_NUMBERS)
def test_saynumbers_chinese_whole_numbers_with_zero_handling(value, said):
    assert text(value, "number", "zh-CN") == said


@pytest.mark.parametrize(("value", "said"), EN_NUMBERS)
def test_saynumbers_english_whole_numbers(value, said):
    assert text(value, "number", "en") == said


@pytest.mark.parametrize(("value", "said"), ZH_AMOUNTS)
def test_saynumbers_chinese_amounts_in_yuan_jiao_fen(value, said):
    assert text(value, "amount", "zh-CN") == said


@pytest.mark.parametrize(("value", "said"), EN_AMOUNTS)
def test_saynumbers_english_amounts_in_yuan_and_fen(value, said):
    assert text(value, "amount", "en") == said


@pytest.mark.parametrize(("value", "language", "said"), DIGITS)
def test_saynumbers_digits_one_by_one(value, language, said):
    assert words(value, "digits", language) == said


def test_saynumbers_every_number_up_to_ten_thousand_reads_back_in_both_languages():
    """Parse the words back to a value: every number 0..10000 and a spread of large ones round-trips."""
    values = [
        *range(10001),
        *(n * 7919 + 13 for n in range(0, 10**12 // 7919, 10**12 // 7919 // 3000)),
        MAX_NUMBER,
    ]
    for n in values:
        assert _zh_value(words(n, "number", "zh-CN")) == n, n
        assert _en_value(words(n, "number", "en")) == n, n


def test_saynumbers_every_word_has_a_prompt_set_file_name():
    for language in ("zh-CN", "en"):
        known = set(SET_WORDS[language])
        for n in (*range(0, 2000, 7), 10**12, -5, "3.14"):
            assert set(stems(words(n, "number", language), language)) <= known
        for amount in ("123.45", "0.05", "100"):
            assert set(stems(words(amount, "amount", language), language)) <= known
        assert set(stems(words("0123456789*#", "digits", language), language)) <= known
    assert stems(["twenty-three", "hundred"], "en") == ["twenty", "three", "hundred"]
    assert stems(["一", "千", "零", "五"], "zh-CN") == ["yi1", "qian1", "ling2", "wu3"]


@pytest.mark.parametrize(
    ("value", "mode", "why", "en", "zh"),
    [
        ("12a", "number", "number", "'12a' is not a number", "'12a' 不是数字"),
        ("", "amount", "number", "'' is not a number", "'' 不是数字"),
        ("nan", "number", "number", "'nan' is not a number", "'nan' 不是数字"),
        (True, "number", "number", "True is not a number", "True 不是数字"),
        ("12.5", "digits", "digits", "'12.5' is not a string of digits", "'12.5' 不是一串数字"),
        ("", "digits", "digits", "'' is not a string of digits", "'' 不是一串数字"),
        (10**12 + 1, "number", "range", "1000000000001 is too large", "1000000000001 太大"),
        ("-1000000000001", "amount", "range", "is too large", "太大"),
        ("12", "roman", "mode", "unknown way to say a value: 'roman'", "未知的读法：'roman'"),
    ],
)
def test_saynumbers_bad_values_are_refused_naming_the_value_in_both_languages(value, mode, why, en, zh):
    with pytest.raises(SayError) as caught:
        words(value, mode, "en")
    assert caught.value.why == why
    assert en in caught.value.render("en") and en in str(caught.value)
    assert zh in caught.value.render("zh-CN")


def test_saynumbers_unknown_language_is_refused():
    with pytest.raises(SayError, match="no words for language 'fr'"):
        words(1, "number", "fr")


# --- audio ----------------------------------------------------------------------------------------


def _tone_set(media, language: str, freqs: dict[str, int]) -> None:
    folder = media / "prompts" / "sets" / language
    folder.mkdir(parents=True, exist_ok=True)
    for stem, freq in freqs.items():
        audio.write_tone(folder / f"{stem}.wav", freq, seconds=0.5)


def _wav_seconds(path) -> float:
    with wave.open(str(path), "rb") as wav:
        assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (8000, 1, 2)
        return wav.getnframes() / 8000


def test_saynumbers_a_complete_prompt_set_is_joined_in_word_order(tmp_path):
    _tone_set(tmp_path, "zh-CN", {"yi1": 500, "qian1": 900, "ling2": 1300, "wu3": 1700})
    speaker = NumberSpeaker(tmp_path)
    try:
        path = speaker.render(1005, "number", "zh-CN")
        assert path.parent == tmp_path / "prompts" / "sets-cache" / "zh-CN"
        assert _wav_seconds(path) == pytest.approx(2.0, abs=0.01)
        pcm = audio.read_pcm(path)
        heard = [
            audio.dominant(pcm[int(i * 4000) + 400 : int(i * 4000) + 3600], [500, 900, 1300, 1700])
            for i in range(4)
        ]
        assert heard == [500, 900, 1300, 1700]  # 一 千 零 五
        assert speaker.render(1005, "number", "zh-CN") == path  # cached
        mtime = path.stat().st_mtime_ns
        audio.write_tone(tmp_path / "prompts" / "sets" / "zh-CN" / "wu3.wav", 2100, seconds=0.5)
        again = speaker.render(1005, "number", "zh-CN")  # a re-recorded word makes a new file
        assert again != path or again.stat().st_mtime_ns != mtime
        assert audio.dominant(audio.read_pcm(again)[12400:15600], [1700, 2100]) == 2100
    finally:
        speaker.close()


def test_saynumbers_an_incomplete_prompt_set_falls_back_to_tts_of_the_words(tmp_path):
    _tone_set(tmp_path, "en", {"one": 500, "thousand": 900})  # "and" and "five" not recorded
    speaker = NumberSpeaker(tmp_path)
    try:
        path = speaker.render(1005, "number", "en", "Your order is {value}.")
        assert path == Prompts(tmp_path).path("Your order is one thousand and five.", "en")
        assert _wav_seconds(path) > 1.0 and audio.rms(audio.read_pcm(path)) > 200
    finally:
        speaker.close()


def test_saynumbers_a_template_around_a_recorded_value_joins_tts_and_the_set(tmp_path):
    _tone_set(tmp_path, "en", {"forty": 500, "two": 900, "yuan": 1300})
    speaker = NumberSpeaker(tmp_path)
    try:
        said = Prompts(tmp_path).render("You owe", "en")
        path = speaker.render(42, "amount", "en", "You owe {value}")
        assert _wav_seconds(path) == pytest.approx(_wav_seconds(said) + 1.5, abs=0.02)
        tail = audio.read_pcm(path)[-4000:]
        assert audio.dominant(tail[400:3600], [500, 900, 1300]) == 1300
    finally:
        speaker.close()


def test_saynumbers_say_hands_the_file_back_through_run_soon_and_none_for_a_bad_value(tmp_path):
    _tone_set(tmp_path, "en", {"seven": 700})
    speaker = NumberSpeaker(tmp_path)
    results: list = []
    done = threading.Event()

    def run_soon(fn) -> None:
        fn()
        if len(results) == 2:
            done.set()

    try:
        speaker.say("7", "digits", "en", run_soon, results.append)
        speaker.say("seven", "number", "en", run_soon, results.append)
        assert done.wait(20), "say never answered"
        assert results[0] is not None and results[0].is_file()
        assert results[1] is None
    finally:
        speaker.close()


# --- reading the words back (an independent check of the word tables) ------------------------------

_ZH_DIGIT = {c: i for i, c in enumerate("零一二三四五六七八九")}


def _zh_value(said: list[str]) -> int:
    total, section, digit = 0, 0, 0
    for ch in said:
        if ch in _ZH_DIGIT:
            digit = _ZH_DIGIT[ch]
        elif ch in "十百千":
            section += (digit or 1) * {"十": 10, "百": 100, "千": 1000}[ch]
            digit = 0
        elif ch == "万":
            if total and section == 0 and digit == 0:  # 万亿
                total *= 10000
            else:
                total += (section + digit) * 10000
            section = digit = 0
        elif ch == "亿":
            total = (total + section + digit) * 10**8
            section = digit = 0
    return total + section + digit


_EN = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen".split()
)}  # fmt: skip
_EN.update(
    {w: 10 * i for i, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split())}
)
_SCALE = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}


def _en_value(said: list[str]) -> int:
    total, group = 0, 0
    for word in said:
        for part in word.split("-"):
            if part in _EN:
                group += _EN[part]
            elif part == "hundred":
                group *= 100
            elif part in _SCALE:
                total += group * _SCALE[part]
                group = 0
    return total + group


# --- an IVR node saying a looked-up amount, in the running box ----------------------------------------

WORD_TONES = {
    "one": 400,
    "hundred": 550,
    "and": 700,
    "twenty": 850,
    "three": 1000,
    "yuan": 1150,
    "fifty": 1300,
    "fen": 1450,
}


class Balance(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server API
        body = json.dumps({"balance": "123.50", "status": "ok"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt: str, *args) -> None:
        return None


@pytest.fixture(scope="module")
def say_box(tmp_path_factory):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Balance)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/balance"
    box = Box(tmp_path_factory.mktemp("saynumbers"), rtp_port=28200).start()
    box.add_extension("1001", SECRET, "Phone 1001")
    box.db()
    from telephony.ivr.validate import activate
    from telephony.models import IvrFlow, IvrNode

    _tone_set(box.cfg.media_dir, "en", WORD_TONES)  # a recorded English set; none for Chinese
    for number, language, template in (
        ("7700", "en", "Your balance is {value}."),
        ("7701", "zh-CN", "您的余额是{value}。"),
    ):
        flow = IvrFlow.create(number=number, name="Balance", entry="ask", language=language)
        for key, kind, params, branches in (
            (
                "ask",
                "http",
                {"url": url, "say": "balance", "say_as": "amount", "say_text": template},
                {"fallback": "bye"},
            ),
            ("bye", "play", {"text": "Goodbye." if language == "en" else "再见。"}, {}),
        ):
            node = IvrNode(flow=flow, key=key, kind=kind)
            node.set_params(params)
            node.set_branches(branches)
            node.save()
        activate(flow, box.cfg.media_dir)
    yield box
    box.stop()
    server.shutdown()
    server.server_close()


@pytest.fixture
def caller(phone_host, say_box, tmp_path):
    saved, phone_host.rtp_port = phone_host.rtp_port, 45000
    phone = phone_host.phone(say_box.sip, "1001", SECRET)
    phone.record_dir = tmp_path
    phone_host.wait(lambda: phone.registered, 10, "1001 registered")
    yield phone
    phone_host.drop_phones()
    phone_host.rtp_port = saved


def _tone_runs(pcm) -> list[int]:
    """The word tones heard, in order: 0.1 s windows, a tone counted when it holds for 0.3 s."""
    candidates = list(WORD_TONES.values())
    windows = []
    for start in range(0, len(pcm) - 800, 800):
        chunk = pcm[start : start + 800]
        freq, level = audio.dominant(chunk, candidates), audio.rms(chunk)
        pure = (
            level > 1500 and audio.goertzel(chunk, freq) * 32768.0**2 > 0.6 * 2 * level**2
        )  # a tone, not speech
        windows.append(freq if pure else 0)
    runs: list[int] = []
    count = 0
    for i, freq in enumerate(windows):
        count = count + 1 if i and freq == windows[i - 1] else 1
        if freq and count == 3:
            runs.append(freq)
    return runs


def test_saynumbers_ivr_lookup_says_the_returned_amount_with_the_recorded_prompt_set(
    say_box, caller, phone_host
):
    call = caller.call("7700")
    phone_host.wait(lambda: call.confirmed, 10, "the IVR to answer")
    phone_host.wait(lambda: call.disconnected, 30, "the amount, goodbye, hang up")
    heard = _tone_runs(audio.read_pcm(call.record_path))
    order = [WORD_TONES[w] for w in "one hundred and twenty three yuan fifty fen".split()]
    assert heard == order, f"heard {heard}, expected the words of 123.50 in order"
    cache = say_box.cfg.media_dir / "prompts" / "sets-cache" / "en"
    assert list(cache.glob("*.wav")), "the joined prompt was not cached"


def test_saynumbers_ivr_lookup_without_a_prompt_set_speaks_the_amount_in_chinese_by_tts(
    say_box, caller, phone_host
):
    call = caller.call("7701")
    phone_host.wait(lambda: call.confirmed, 10, "the IVR to answer")
    phone_host.wait(lambda: call.disconnected, 30, "the amount, goodbye, hang up")
    said = Prompts(say_box.cfg.media_dir).path("您的余额是一百二十三元五角。", "zh-CN")
    assert said.exists(), "the amount was not spoken as 一百二十三元五角"
    assert call.recorded_seconds() > 2.0
    assert audio.rms(audio.read_pcm(call.record_path)) > 200


def test_saynumbers_ivr_validation_refuses_an_unknown_say_as_and_say_as_without_say_by_node():
    from telephony.ivr.validate import Directory, Node, validate

    directory = Directory(queue=lambda n: False, extension=lambda n: False, ivr=lambda n: False)

    def problems(params: dict) -> list:
        nodes = {
            "ask": Node("ask", "http", {"url": "http://127.0.0.1/x", **params}, {"fallback": "bye"}),
            "bye": Node("bye", "play", {"text": "Bye."}),
        }
        return validate("ask", nodes, directory)

    assert problems({"say": "balance", "say_as": "amount"}) == []
    assert problems({"say": "balance"}) == []  # text, as before
    [bad] = problems({"say": "balance", "say_as": "roman"})
    assert bad == "node 'ask': say_as must be one of text, digits, number, amount (got 'roman')"
    assert bad.render("zh-CN") == "节点“ask”：say_as 必须是 text, digits, number, amount 之一（现为 'roman'）"
    [alone] = problems({"say_as": "digits"})
    assert alone == "node 'ask': say_as needs say (the returned field to speak)"
    assert "say_as 需要 say" in alone.render("zh-CN")

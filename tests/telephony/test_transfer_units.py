"""Pure pieces of transfers: reading a Refer-To header, the refusal sentences in both languages."""

from __future__ import annotations

import pytest

from telephony.calls.transfer_calls import parse_refer_to
from telephony.calls.transfer_notice import TEXTS, text


@pytest.mark.parametrize(
    ("value", "number", "replaces"),
    [
        ("<sip:1003@127.0.0.1:5060>", "1003", ""),
        ("sip:1003@box.example", "1003", ""),
        (
            "<sip:1003@127.0.0.1:5060?Replaces=abc%40host%3Bto-tag%3Dt1%3Bfrom-tag%3Df1>",
            "1003",
            "abc@host;to-tag=t1;from-tag=f1",
        ),
        (
            "<sip:1003@10.0.0.2;transport=udp?Replaces=x%3Bto-tag%3Da%3Bfrom-tag%3Db&Foo=1>",
            "1003",
            "x;to-tag=a;from-tag=b",
        ),
        ("<tel:+861012345>", "", ""),
    ],
)
def test_parse_refer_to_reads_the_number_and_the_replaced_dialog(value, number, replaces):
    assert parse_refer_to(value) == (number, replaces)


def test_refusal_sentences_exist_in_both_languages_and_say_the_number_digit_by_digit():
    for reason in TEXTS:
        assert set(TEXTS[reason]) == {"en", "zh-CN"}
        assert "8 7 6 5" in text(reason, "8765", "en") and "8 7 6 5" in text(reason, "8765", "zh-CN")
    assert "does not exist" in text("none", "1", "en") and "不存在" in text("none", "1", "zh-CN")
    assert text("unknown reason", "1", "en") == text("busy", "1", "en")

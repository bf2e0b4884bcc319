"""Call records: newest first, 50 per page, legs on the call page, caller data escaped."""

from __future__ import annotations

import datetime as dt
import re

from telephony.models import CallLeg, Cdr

BASE = dt.datetime(2025, 3, 1, 8, 0, 0)


def add_calls(count: int) -> None:
    for n in range(count):
        start = BASE + dt.timedelta(minutes=n)
        Cdr.create(
            uniqueid=f"call-{n:04d}",
            caller=f"8{n:04d}",
            callee="1001",
            start=start,
            answer=start + dt.timedelta(seconds=5),
            end=start + dt.timedelta(seconds=65),
            billsec=60,
            duration=65,
            disposition="ANSWERED" if n % 2 else "NO ANSWER",
            status_code=200 if n % 2 else 480,
        )


def callers(text: str) -> list[str]:
    return re.findall(r'<span class="mono">(8\d{4})</span>', text)


def test_calls_are_listed_newest_first_fifty_per_page(admin):
    add_calls(120)
    first = admin.get("/cdr")
    assert first.status == 200
    assert callers(first.text) == [f"8{n:04d}" for n in range(119, 69, -1)]
    assert "120 in total" in first.text and "Page 1 of 3" in first.text
    second = admin.get("/cdr?page=2")
    assert callers(second.text) == [f"8{n:04d}" for n in range(69, 19, -1)]
    third = admin.get("/cdr?page=3")
    assert callers(third.text) == [f"8{n:04d}" for n in range(19, -1, -1)]
    assert 'rel="next"' not in third.text and 'rel="prev"' in third.text
    # Out-of-range and junk page numbers land on a real page.
    assert callers(admin.get("/cdr?page=99").text) == callers(third.text)
    assert callers(admin.get("/cdr?page=abc").text) == callers(first.text)


def test_columns_and_translated_disposition(admin):
    add_calls(2)
    text = admin.get("/cdr").text
    for heading in ("Caller", "Callee", "Start", "Answer", "End", "Billed (s)", "Result", "SIP status"):
        assert re.search(rf"<th[^>]*>{re.escape(heading)}</th>", text), heading
    assert "Answered" in text and "No answer" in text
    assert "480" in text
    admin.submit("/cdr", "/lang", {"lang": "zh-CN", "next": "/cdr"})
    text = admin.get("/cdr").text
    assert "已接通" in text and "无应答" in text and "主叫" in text


def test_call_page_shows_its_legs(admin):
    add_calls(1)
    call = Cdr.get()
    CallLeg.create(
        cdr=call, role="caller", peer="sip:80000@192.0.2.5", sip_call_id="abc@192.0.2.5", start=call.start
    )
    CallLeg.create(cdr=call, role="callee", peer="sip:1001@192.0.2.6", start=call.start, status_code=200)
    listing = admin.get("/cdr").text
    assert f'href="/cdr/{call.id}"' in listing and "2 ›" in listing
    page = admin.get(f"/cdr/{call.id}")
    assert page.status == 200
    assert "sip:80000@192.0.2.5" in page.text and "sip:1001@192.0.2.6" in page.text
    assert "abc@192.0.2.5" in page.text
    assert admin.get("/cdr/999999").status == 404


def test_caller_data_from_the_line_is_escaped(admin):
    start = BASE
    call = Cdr.create(
        uniqueid="evil",
        caller="<img src=x onerror=alert(1)>",
        caller_name="<script>alert('name')</script>",
        callee="1001",
        start=start,
        disposition="<b>BUSY</b>",
    )
    CallLeg.create(cdr=call, role="caller", peer='"><script>alert(2)</script>', start=start)
    for path in ("/cdr", f"/cdr/{call.id}"):
        text = admin.get(path).text
        assert "<script>" not in text and "<img" not in text and "<b>BUSY" not in text, path
        assert "&lt;script&gt;alert(&#039;name&#039;)&lt;/script&gt;" in text, path


def test_empty_call_list(admin):
    assert "No calls recorded yet." in admin.get("/cdr").text

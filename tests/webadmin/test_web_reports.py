"""Reports page: filters, tables with exact figures, inline SVG charts, CSV files, languages, roles.

One local day (2025-03-03, the box's own time zone) holds, in queue 6000 (销售, SL 20 s): c1
answered by 801 after 10 s (talk 100 s, wrap-up 20 s), c2 answered by 801 after 16 s (talk 50 s),
c3 abandoned after 40 s, all entered between 12:00 and 12:59; and in queue 6001 one call, c4,
answered by 802 after 5 s at 09:00. Agent 801 paused 30 minutes for LUNCH (午餐).
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from telephony.models import AcdEvent, AdminUser, Agent, AuditLog, PauseCode, Queue, SurveyScore
from tests.webadmin.conftest import login
from tests.webadmin.wsgi_client import Client
from webadmin import auth

DAY = "2025-03-03"
RANGE = f"from={DAY}&to={DAY}"


def local(h: int, m: int = 0, s: int = 0) -> dt.datetime:
    """A local time of the day, as the naive UTC the database stores."""
    return dt.datetime(2025, 3, 3, h, m, s).astimezone(dt.UTC).replace(tzinfo=None)


def event(kind: str, when: dt.datetime, **columns) -> None:
    extra = columns.pop("extra", {})
    AcdEvent.create(kind=kind, at=when, extra=json.dumps(extra), **columns)


def state(
    when: dt.datetime, agent: str, old: str, new: str, reason: str = "", call: str = "", queue: str = ""
):
    event(
        "agent-state",
        when,
        agent=agent,
        queue=queue,
        call_id=call,
        reason=reason or new,
        extra={"old": old, "new": new},
    )


def answered_call(call, queue, agent, start, wait, talk, wrap=0):
    event("entered", start, call_id=call, queue=queue)
    pick_up = start + dt.timedelta(seconds=wait)
    event("answered", pick_up, call_id=call, queue=queue, agent=agent, wait_ms=wait * 1000)
    state(pick_up, agent, "ringing", "on-call", call=call, queue=queue)
    hang_up = pick_up + dt.timedelta(seconds=talk)
    event("completed", hang_up, call_id=call, queue=queue, agent=agent, talk_ms=talk * 1000)
    if wrap:
        state(hang_up, agent, "on-call", "wrap-up", call=call, queue=queue)
    state(hang_up + dt.timedelta(seconds=wrap), agent, "wrap-up" if wrap else "on-call", "idle")


@pytest.fixture
def day(admin):
    Queue.create(number="6000", name="销售", service_level=20)
    Queue.create(number="6001", name="Support", service_level=30)
    Agent.create(number="801", name="张三")
    Agent.create(number="802", name="Bob")
    PauseCode.create(code="LUNCH", label_zh="午餐", label_en="Lunch")
    state(local(8), "801", "logged-out", "idle")
    state(local(8), "802", "logged-out", "idle")
    answered_call("c1", "6000", "801", local(12), wait=10, talk=100, wrap=20)
    answered_call("c2", "6000", "801", local(12, 10), wait=16, talk=50)
    event("entered", local(12, 20), call_id="c3", queue="6000")
    event("abandoned", local(12, 20, 40), call_id="c3", queue="6000", wait_ms=40_000, reason="hangup")
    answered_call("c4", "6001", "802", local(9), wait=5, talk=60)
    state(local(13), "801", "idle", "paused", reason="LUNCH")
    state(local(13, 30), "801", "paused", "idle")
    state(local(17), "801", "idle", "logged-out")
    state(local(17), "802", "idle", "logged-out")
    SurveyScore.create(call_id="c1", agent="801", queue="6000", score=5, at=local(12, 5))
    SurveyScore.create(call_id="c2", agent="801", queue="6000", score=4, at=local(12, 15))
    return admin


def cells(text: str, table: str, first: str) -> list[str]:
    """The cells of the row of `table` whose first cell is `first`."""
    body = re.search(rf'<table class="data compact" id="report-{table}">(.*?)</table>', text, re.S).group(1)
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S):
        values = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        if values and values[0] == first:
            return values
    raise AssertionError(f"no row {first!r} in table {table}")


def headers(text: str, table: str) -> list[str]:
    block = re.search(rf'id="report-{table}">\s*<thead>(.*?)</thead>', text, re.S).group(1)
    return [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<th[^>]*>(.*?)</th>", block, re.S)]


def column(text: str, table: str, name: str, first: str) -> str:
    return cells(text, table, first)[headers(text, table).index(name)]


def test_queue_table_shows_every_figure(day):
    page = day.get(f"/reports?{RANGE}")
    assert page.status == 200
    row = dict(zip(headers(page.text, "queues"), cells(page.text, "queues", "6000"), strict=True))
    assert row["Name"] == "销售"
    assert (row["Offered"], row["Answered"], row["Answered within SL"], row["Abandoned"]) == (
        "3",
        "2",
        "2",
        "1",
    )
    assert row["Service level"] == "66.7%"  # 2 within 20 s / (2 answered + 1 abandoned)
    assert row["Abandon rate"] == "33.3%"  # 1 abandoned / 3 offered
    assert (row["Average wait"], row["Longest wait"], row["Average speed of answer"]) == (
        "0:22",
        "0:40",
        "0:13",
    )
    assert (row["Average talk"], row["Average wrap-up"], row["Average handle time"]) == (
        "1:15",
        "0:10",
        "1:25",
    )
    assert (row["Satisfaction"], row["Ratings"]) == ("4.50", "2")
    total = cells(page.text, "queues", "All queues")
    assert total[2:4] == ["4", "3"]  # offered, answered over both queues


def test_agent_and_pause_tables(day):
    page = day.get(f"/reports?{RANGE}").text
    row = dict(zip(headers(page, "agents"), cells(page, "agents", "801"), strict=True))
    assert (row["Name"], row["Calls"], row["Talk time"], row["Wrap-up time"]) == ("张三", "2", "2:30", "0:20")
    assert (row["Pause time"], row["Logged in"]) == ("30:00", "9:00:00")
    assert row["Idle time"] == "8:27:10"  # 9 h - 150 s talk - 20 s wrap-up - 30 min pause
    assert cells(page, "pauses", "801")[2:] == ["LUNCH", "Lunch", "30:00"]
    assert cells(page, "satisfaction", "6000") == ["6000", "801", "2", "4.50"]


def test_charts_are_inline_svg_without_script_or_style(day):
    page = day.get(f"/reports?{RANGE}")
    text = page.text
    hourly = re.search(r'<svg class="chart" id="chart-hourly".*?</svg>', text, re.S).group(0)
    assert "<title>Calls 12:00-12:59: 3</title>" in hourly
    assert "<title>Calls 09:00-09:59: 1</title>" in hourly
    assert len(re.findall(r'<rect class="bar bar-calls"', hourly)) == 24
    rates = re.search(r'<svg class="chart" id="chart-rates".*?</svg>', text, re.S).group(0)
    assert "<title>6000 销售: service level 66.7%</title>" in rates
    assert "<title>6000 销售: abandon rate 33.3%</title>" in rates
    assert "<script" not in text and "style=" not in text
    assert "default-src 'self'" in page.header("Content-Security-Policy")


def test_queue_and_agent_filters(day):
    only_support = day.get(f"/reports?{RANGE}&queue=6001").text
    assert cells(only_support, "queues", "6001")[2] == "1"
    assert (
        'id="report-queues"' in only_support and ">6000<" not in only_support.split('id="report-queues"')[1]
    )
    assert '<option value="6001" selected>' in only_support
    by_alice = day.get(f"/reports?{RANGE}&agent=801").text
    assert cells(by_alice, "queues", "6000")[2:5] == ["2", "2", "2"]  # only the calls 801 answered
    assert cells(by_alice, "queues", "6001")[2] == "0"
    assert "<td>802</td>" not in by_alice
    other_day = day.get("/reports?from=2025-03-04&to=2025-03-10").text
    assert cells(other_day, "queues", "6000")[2] == "0"


def test_bad_filters_are_refused_with_a_message(day):
    page = day.get("/reports?from=2025-13-01&to=2025-03-03")
    assert page.status == 422
    assert "Enter a date as YYYY-MM-DD." in page.text and 'id="report-queues"' not in page.text
    backwards = day.get("/reports?from=2025-03-05&to=2025-03-03")
    assert backwards.status == 422 and "must not be before" in backwards.text
    too_long = day.get("/reports?from=2024-01-01&to=2025-03-03")
    assert too_long.status == 422 and "at most 366 days" in too_long.text
    assert day.get("/reports/queues.csv?from=nope").status == 400


def test_default_range_is_the_last_seven_days(day):
    page = day.get("/reports").text
    today = dt.date.today()
    assert f'value="{today.isoformat()}"' in page
    assert f'value="{(today - dt.timedelta(days=6)).isoformat()}"' in page


def test_csv_files_are_utf8_with_bom_and_raw_numbers(day):
    response = day.get(f"/reports/queues.csv?{RANGE}")
    assert response.status == 200
    assert response.header("Content-Type") == "text/csv; charset=utf-8"
    assert response.header("Content-Disposition") == f'attachment; filename="queues_{DAY}_{DAY}.csv"'
    assert response.body.startswith(b"\xef\xbb\xbf")
    lines = response.body.decode("utf-8-sig").split("\r\n")
    header = lines[0].split(",")
    assert header[:4] == ["Queue", "Name", "Offered", "Answered"]
    assert "Service level (%)" in header and "Average wait (s)" in header
    row = dict(zip(header, lines[1].split(","), strict=True))
    assert (row["Queue"], row["Name"], row["Offered"]) == ("6000", "销售", "3")
    assert (row["Service level (%)"], row["Abandon rate (%)"], row["Average wait (s)"]) == (
        "66.7",
        "33.3",
        "22.0",
    )
    assert lines[3].startswith("All queues,,4,3,")
    assert AuditLog.select().where(AuditLog.action == "report.export").count() == 1


def test_every_table_downloads(day):
    for name in ("queues", "hourly", "lines", "agents", "pauses", "satisfaction"):
        response = day.get(f"/reports/{name}.csv?{RANGE}")
        assert response.status == 200 and response.body.startswith(b"\xef\xbb\xbf"), name
    hourly = day.get(f"/reports/hourly.csv?{RANGE}").body.decode("utf-8-sig").split("\r\n")
    assert hourly[0].split(",")[2:5] == ["0h", "1h", "2h"]
    assert hourly[1].split(",")[2 + 12] == "3"
    lines = day.get(f"/reports/lines.csv?{RANGE}").body.decode("utf-8-sig").split("\r\n")
    assert lines[0].split(",")[:3] == ["Line", "0h", "1h"]
    assert 'id="csv-lines"' in day.get(f"/reports?{RANGE}").text
    assert day.get(f"/reports/secrets.csv?{RANGE}").status == 404


def test_page_and_csv_in_chinese(day):
    day.submit("/reports", "/lang", {"lang": "zh-CN", "next": "/reports"})
    page = day.get(f"/reports?{RANGE}").text
    assert "队列与坐席报表" in page and "服务水平" in page and "全部队列" in page
    assert "<title>12:00-12:59 来电：3</title>" in page
    assert cells(page, "pauses", "801")[3] == "午餐"
    data = day.get(f"/reports/pauses.csv?{RANGE}").body
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.startswith("坐席,名称,暂停原因代码,暂停原因,暂停时长（秒）\r\n")
    assert "801,张三,LUNCH,午餐,1800.0\r\n" in text


def test_reports_are_in_the_call_center_navigation(day):
    page = day.get("/reports").text
    assert '<a href="/reports" class="active">Reports</a>' in page
    assert '<a href="/reports" class="">Reports</a>' in day.get("/queues").text


def make_user(username: str, role: str) -> None:
    AdminUser.create(
        username=username, password_hash=auth.hash_password("Passw0rd-long"), role=role, language="en"
    )


def test_supervisors_see_reports_agents_do_not(day):
    make_user("sup", "supervisor")
    make_user("agent1", "agent")
    supervisor = Client(day.app, remote_addr="192.0.2.21")
    assert login(supervisor, "sup", "Passw0rd-long").status == 303
    assert supervisor.get(f"/reports?{RANGE}").status == 200
    assert supervisor.get(f"/reports/agents.csv?{RANGE}").status == 200
    agent = Client(day.app, remote_addr="192.0.2.22")
    assert login(agent, "agent1", "Passw0rd-long").status == 303
    assert agent.get(f"/reports?{RANGE}").status == 403
    assert agent.get(f"/reports/agents.csv?{RANGE}").status == 403
    anonymous = Client(day.app, remote_addr="192.0.2.23")
    response = anonymous.get(f"/reports/queues.csv?{RANGE}")
    assert response.status == 303 and response.location.startswith("/login?next=/reports/queues.csv")


def test_every_column_has_a_label_in_both_languages():
    from webadmin import i18n
    from webadmin.services import reports as service

    for columns in (
        service.QUEUE_COLUMNS,
        service.AGENT_COLUMNS,
        service.PAUSE_COLUMNS,
        service.SCORE_COLUMNS,
    ):
        for key, kind, _ in columns:
            assert i18n.has(f"reports.col.{key}"), key
            assert kind in ("text", "int", "seconds", "percent", "score"), key
    assert service.column_label("h07", lambda key, **kw: f"{key}:{kw}") == "reports.col.hour:{'hour': 7}"

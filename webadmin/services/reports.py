"""The report page's side of telephony.callcenter.reports: the filter form, the tables' columns, CSV.

The form takes local dates (the box's time zone, as every page shows times): `from` and `to` are
whole days, both included, turned into a [start, end) range in UTC. A table is a list of columns
(key, value of a row); the page and the CSV file show the same columns, the CSV with raw numbers
(seconds, percent) and the page formatted.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from telephony.acd.offers import AUTO_PAUSE_REASON
from telephony.callcenter import reports
from telephony.models import Agent, PauseCode, Queue

DEFAULT_DAYS = 7
MAX_DAYS = 366
NUMBER_MAX = 32
TABLES = ("queues", "hourly", "lines", "agents", "pauses", "satisfaction")

Translate = Callable[..., str]


@dataclasses.dataclass(frozen=True)
class FilterForm:
    """What the filter form holds: the values as typed, errors (field -> message key), the filter."""

    values: dict[str, str]
    errors: dict[str, str]
    filter: reports.ReportFilter | None


def parse_filter(query: Mapping[str, str], today: dt.date) -> FilterForm:
    """Read `from`, `to` (YYYY-MM-DD, local), `queue` and `agent` from a query; default: the last 7 days."""
    values = {name: (query.get(name) or "").strip() for name in ("from", "to", "queue", "agent")}
    values["to"] = values["to"] or today.isoformat()
    values["from"] = values["from"] or (today - dt.timedelta(days=DEFAULT_DAYS - 1)).isoformat()
    errors: dict[str, str] = {}
    days: dict[str, dt.date] = {}
    for name in ("from", "to"):
        try:
            days[name] = dt.date.fromisoformat(values[name])
        except ValueError:
            errors[name] = "reports.error.date"
    if not errors:
        if days["to"] < days["from"]:
            errors["to"] = "reports.error.order"
        elif (days["to"] - days["from"]).days >= MAX_DAYS:
            errors["to"] = "reports.error.span"
    for name in ("queue", "agent"):
        if len(values[name]) > NUMBER_MAX or not all(c.isalnum() or c in "*#+-_." for c in values[name]):
            errors[name] = "reports.error.number"
    if errors:
        return FilterForm(values, errors, None)
    flt = reports.ReportFilter(
        start=_utc_midnight(days["from"]),
        end=_utc_midnight(days["to"] + dt.timedelta(days=1)),
        queue=values["queue"],
        agent=values["agent"],
    )
    return FilterForm(values, errors, flt)


def _utc_midnight(day: dt.date) -> dt.datetime:
    """The start of a local day, as naive UTC (the way times are stored)."""
    return dt.datetime.combine(day, dt.time()).astimezone(dt.UTC).replace(tzinfo=None)


def choices() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Return the queues and agents the form offers, as (number, name)."""
    queues = [(q.number, q.name) for q in Queue.select(Queue.number, Queue.name).order_by(Queue.number)]
    agents = [(a.number, a.name) for a in Agent.select(Agent.number, Agent.name).order_by(Agent.number)]
    return queues, agents


def build(flt: reports.ReportFilter) -> reports.Report:
    return reports.build_report(flt)


def pause_labels(language: str, t: Translate) -> dict[str, str]:
    """Return pause code -> label in `language` (the automatic pause included)."""
    labels = {p.code: p.label(language) for p in PauseCode.select()}
    labels[AUTO_PAUSE_REASON] = t("reports.auto_pause")
    return labels


# --- tables -------------------------------------------------------------------------------------
# Each column: (catalog key under reports.col., kind, value of a row). Kinds say how the page
# shows the value: text, int, seconds, percent, score.

Column = tuple[str, str, Callable[[Any], Any]]


def _ratio(value: float | None) -> float | None:
    return None if value is None else 100.0 * value


QUEUE_COLUMNS: list[Column] = [
    ("queue", "text", lambda r: r.queue),
    ("name", "text", lambda r: r.name),
    ("offered", "int", lambda r: r.offered),
    ("answered", "int", lambda r: r.answered),
    ("answered_in_sl", "int", lambda r: r.answered_in_sl),
    ("threshold", "seconds", lambda r: r.threshold),
    ("service_level", "percent", lambda r: _ratio(r.service_level)),
    ("abandoned", "int", lambda r: r.abandoned),
    ("abandon_rate", "percent", lambda r: _ratio(r.abandon_rate)),
    ("overflowed", "int", lambda r: r.overflowed),
    ("transferred", "int", lambda r: r.transferred),
    ("failed", "int", lambda r: r.failed),
    ("waiting", "int", lambda r: r.waiting),
    ("avg_wait", "seconds", lambda r: r.avg_wait),
    ("max_wait", "seconds", lambda r: r.max_wait),
    ("avg_answer", "seconds", lambda r: r.avg_answer),
    ("avg_talk", "seconds", lambda r: r.avg_talk),
    ("avg_wrap", "seconds", lambda r: r.avg_wrap),
    ("avg_handle", "seconds", lambda r: r.avg_handle),
    ("score_avg", "score", lambda r: r.score_avg),
    ("score_count", "int", lambda r: r.score_count),
]
AGENT_COLUMNS: list[Column] = [
    ("agent", "text", lambda r: r.agent),
    ("name", "text", lambda r: r.name),
    ("calls", "int", lambda r: r.calls),
    ("offers", "int", lambda r: r.offers),
    ("missed", "int", lambda r: r.missed),
    ("talk_time", "seconds", lambda r: r.talk_time),
    ("wrap_time", "seconds", lambda r: r.wrap_time),
    ("avg_handle", "seconds", lambda r: r.avg_handle),
    ("ring_time", "seconds", lambda r: r.ring_time),
    ("idle_time", "seconds", lambda r: r.idle_time),
    ("pause_time", "seconds", lambda r: r.pause_time),
    ("logged_in", "seconds", lambda r: r.logged_in),
    ("score_avg", "score", lambda r: r.score_avg),
    ("score_count", "int", lambda r: r.score_count),
]
SCORE_COLUMNS: list[Column] = [
    ("queue", "text", lambda r: r.queue),
    ("agent", "text", lambda r: r.agent),
    ("score_count", "int", lambda r: r.count),
    ("score_avg", "score", lambda r: r.average),
]
PAUSE_COLUMNS: list[Column] = [
    ("agent", "text", lambda r: r[0]),
    ("name", "text", lambda r: r[1]),
    ("pause_code", "text", lambda r: r[2]),
    ("pause_label", "text", lambda r: r[3]),
    ("pause_time", "seconds", lambda r: r[4]),
]
HOURLY_COLUMNS: list[Column] = [("queue", "text", lambda r: r[0]), ("name", "text", lambda r: r[1])] + [
    (f"h{h:02d}", "int", lambda r, h=h: r[2][h]) for h in range(reports.HOURS)
]


def pause_rows(report: reports.Report, labels: dict[str, str]) -> list[tuple[str, str, str, str, float]]:
    """Return (agent, name, code, label, seconds) for every pause code an agent used."""
    return [
        (a.agent, a.name, code, labels.get(code, code), seconds)
        for a in report.agents
        for code, seconds in a.pause_by_code.items()
    ]


LINE_COLUMNS: list[Column] = [("line", "text", lambda r: r[0])] + [
    (f"h{h:02d}", "int", lambda r, h=h: r[1][h]) for h in range(reports.HOURS)
]


def hourly_rows(report: reports.Report, names: dict[str, str]) -> list[tuple[str, str, list[int]]]:
    return [(queue, names.get(queue, ""), counts) for queue, counts in report.hourly.items()]


def table(report: reports.Report, name: str, labels: dict[str, str]) -> tuple[list[Column], list[Any]]:
    """Return the columns and rows of one table; the queue table ends with the all-queues row."""
    names = {q.queue: q.name for q in report.queues}
    if name == "queues":
        return QUEUE_COLUMNS, [*report.queues, report.total]
    if name == "hourly":
        return HOURLY_COLUMNS, hourly_rows(report, names)
    if name == "lines":
        return LINE_COLUMNS, list(report.line_hourly.items())
    if name == "agents":
        return AGENT_COLUMNS, report.agents
    if name == "pauses":
        return PAUSE_COLUMNS, pause_rows(report, labels)
    if name == "satisfaction":
        return SCORE_COLUMNS, report.satisfaction
    raise KeyError(name)


def column_label(key: str, t: Translate) -> str:
    if key.startswith("h") and key[1:].isdigit():
        return t("reports.col.hour", hour=int(key[1:]))
    return t(f"reports.col.{key}")


def csv_export(report: reports.Report, name: str, t: Translate, labels: dict[str, str]) -> bytes:
    """Return one table as a CSV file (UTF-8 with BOM): headers in the page's language, raw numbers."""
    columns, rows = table(report, name, labels)
    header = [_with_unit(column_label(key, t), kind, t) for key, kind, _ in columns]
    body = []
    for row in rows:
        cells = [value(row) for _, _, value in columns]
        if name == "queues" and row is report.total:
            cells[0], cells[1] = t("reports.total"), ""
        body.append(cells)
    return reports.csv_bytes(header, body)


def _with_unit(label: str, kind: str, t: Translate) -> str:
    """A CSV header says the unit of its raw numbers: seconds or percent."""
    return t(f"reports.unit.{kind}", label=label) if kind in ("seconds", "percent") else label


def csv_filename(name: str, form: FilterForm) -> str:
    """An ASCII file name saying what the file holds (table and dates, queue and agent if chosen)."""
    parts = [name, form.values["from"], form.values["to"]]
    parts += [f"{k}{form.values[k]}" for k in ("queue", "agent") if form.values[k]]
    safe = "_".join(parts)
    return "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "-" for c in safe) + ".csv"


# --- formatting for the page --------------------------------------------------------------------


def show(kind: str, value: Any) -> str:
    """Format one cell for the page: seconds as h:mm:ss, percent with one decimal, scores with two."""
    if value is None or value == "":
        return "—" if kind != "text" else ""
    if kind == "seconds":
        return duration(float(value))
    if kind == "percent":
        return f"{float(value):.1f}%"
    if kind == "score":
        return f"{float(value):.2f}"
    return str(value)


def duration(seconds: float) -> str:
    """Return seconds as m:ss, or h:mm:ss from an hour on."""
    total = int(round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"

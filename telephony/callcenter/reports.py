"""Queue and agent reports over the stored ACD event log, the survey scores and the CDR.

Everything is computed from stored rows (AcdEvent, SurveyScore, Cdr), never from the running
engine, so the figures survive restarts. Times are stored in UTC; a range is [start, end) in UTC
and only the hour-of-day buckets use a time zone (`ReportFilter.tz`, None = the box's own).

A *visit* is one caller's stay in one queue: an `entered` row and that queue's terminal row for
the same call (answered, abandoned or overflowed). A visit belongs to the range when its `entered`
row does; its outcome, waits and talk count even if they come after the range ends, so every
table of one range speaks of the same callers. A caller overflowing from queue A to queue B is
two visits: overflowed in A, and whatever happened next in B. A call that never entered a queue
(refused before, routed elsewhere) has no visit and is in no queue's figures.

Outcomes of a visit:
- answered: an agent took the call (`answered` row; its `wait_ms` is the wait in this queue).
- abandoned: the caller gave up (`abandoned` row), except when the event log or the CDR show it
  was something else:
  - transferred (never an abandon): the call was answered after all, by a later `answered` row of
    the same call in any queue, or by its CDR (answered, or ended by the box or a supervisor, not
    the caller: a supervisor's transfer of a waiting caller reaches the engine as a hangup);
  - failed: the box dropped the caller (reason `restart`, written at start for calls a pbx-core
    stop cut off, or a CDR whose disposition is FAILED).
- overflowed: left for another destination (timeout, full, no agents, queue removed).
- failed also: no terminal row, and the CDR says the call is over. waiting: no terminal row and no
  finished CDR row (still queued, or its records are not written yet).

Formulas (per queue; the "all queues" row sums visits, so an overflowed call counts in both):
- offered = visits; answered, abandoned, overflowed, transferred, failed, waiting = visits by outcome.
- service level = answered within the queue's `service_level` seconds (wait <= threshold, the
  queue's current setting) / (answered + abandoned). Short abandons are NOT excluded: the queue
  has no short-abandon threshold, and every caller who gave up was not served. Overflowed,
  transferred, failed and waiting visits are in neither term. None when the denominator is 0.
- abandon rate = abandoned / offered (None when nothing was offered).
- average and longest wait: over visits with a terminal row (answered, abandoned, transferred,
  overflowed), the time spent in this queue; ASA (average answer wait): over answered visits.
- handle time of a call = talk (`completed` row) + wrap-up (the agent's wrap-up state for that
  call, up to the agent's next state change or now); average talk, wrap-up and handle time are
  over answered visits that completed with a known talk time (a `completed` row written at start
  for a call a restart cut off, reason `restart`, has none). `wrap_ms` is not written by the event writer, so wrap-up
  comes from the agent-state log (a non-zero `wrap_ms` is used when no wrap-up state is found).
- calls per hour: visits per local hour of day (0-23) of their entry.

Agent workload: calls = answered visits of the range taken by the agent (so per queue they add up
to the queue's answered); talk and wrap-up time of those calls give the agent's average handle
time. Time in state (idle, ringing/reserved, on a call, wrap-up, paused by code, logged in = every
state but logged-out) comes from the agent-state rows as intervals clipped to [start, min(end,
now)); the state at `start` is the last row before it. With a queue filter, ringing, on-call and
wrap-up time count only for that queue; idle, pause and logged-in time belong to no queue and are
the agent's whole. Offers and missed offers (no-answer, rejected, busy) count when they rang.

With an agent filter, queue figures keep only the visits that agent answered (a caller who gave up
belongs to no agent). Satisfaction: survey scores given in the range, average and count per queue,
per agent and per (queue, agent).
"""

from __future__ import annotations

import collections
import csv
import dataclasses
import datetime as dt
import io
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import peewee

from telephony.callcenter.errors import CallCenterError
from telephony.models import AcdEvent, Agent, CallLeg, Cdr, Queue, QueueMember, SurveyScore, database, utcnow

STATE = "agent-state"
TERMINAL = ("answered", "abandoned", "overflowed")
RESTART = "restart"  # reason of the rows written at start for calls a pbx-core stop cut off
# The two big reads (a year of events is hundreds of thousands of rows) skip peewee's per-field
# conversion: rows come as these tuples, times as stored (text in SQLite) and parsed by _parse_at.
_CallRow = collections.namedtuple("_CallRow", "id kind queue agent call_id at wait_ms talk_ms wrap_ms reason")
_StateRow = collections.namedtuple("_StateRow", "id agent at queue reason extra")
MISSED = ("no-answer", "rejected", "busy")
HOURS = 24
DEFAULT_SERVICE_LEVEL = float(Queue.service_level.default)
# Spreadsheet formulas start with these; an exported text cell must never run as one.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ReportRangeError(CallCenterError, ValueError):
    """A report range that ends before it starts."""


@dataclasses.dataclass(frozen=True)
class ReportFilter:
    """What a report covers: [start, end) in naive UTC, optionally one queue and/or one agent."""

    start: dt.datetime
    end: dt.datetime
    queue: str = ""  # queue number; "" = every queue
    agent: str = ""  # agent number; "" = every agent
    tz: dt.tzinfo | None = None  # hour-of-day buckets; None = the box's local time

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ReportRangeError(f"report range ends ({self.end}) before it starts ({self.start})")


@dataclasses.dataclass
class Visit:
    """One caller's stay in one queue."""

    call_id: str
    queue: str
    entered: dt.datetime
    entered_id: int
    outcome: str = ""
    wait: float | None = None
    agent: str = ""
    talk: float | None = None
    wrap: float = 0.0
    end_id: int = 0
    reason: str = ""


@dataclasses.dataclass(frozen=True)
class QueueRow:
    """The figures of one queue (or of all queues: queue "")."""

    queue: str
    name: str
    threshold: float | None  # service-level seconds (None for the row of all queues)
    offered: int
    answered: int
    answered_in_sl: int
    abandoned: int
    overflowed: int
    transferred: int
    failed: int
    waiting: int
    service_level: float | None  # 0..1
    abandon_rate: float | None  # 0..1
    avg_wait: float | None
    max_wait: float | None
    avg_answer: float | None
    handled: int  # answered and completed
    avg_talk: float | None
    avg_wrap: float | None
    avg_handle: float | None
    score_count: int
    score_avg: float | None


@dataclasses.dataclass(frozen=True)
class AgentRow:
    """One agent's workload; times in seconds."""

    agent: str
    name: str
    calls: int
    handled: int
    avg_handle: float | None
    offers: int
    missed: int
    talk_time: float
    wrap_time: float
    ring_time: float  # ringing or reserved for a callback
    idle_time: float
    pause_time: float
    pause_by_code: dict[str, float]
    logged_in: float
    score_count: int
    score_avg: float | None


@dataclasses.dataclass(frozen=True)
class ScoreRow:
    """Survey scores of one agent in one queue."""

    queue: str
    agent: str
    count: int
    average: float


@dataclasses.dataclass(frozen=True)
class Report:
    """Every table of one filter."""

    filter: ReportFilter
    queues: list[QueueRow]
    total: QueueRow
    hourly: dict[str, list[int]]  # queue -> 24 counts
    agents: list[AgentRow]
    satisfaction: list[ScoreRow]
    line_hourly: dict[str, list[int]] = dataclasses.field(default_factory=dict)  # line -> 24 counts

    def hourly_total(self) -> list[int]:
        return [sum(counts[h] for counts in self.hourly.values()) for h in range(HOURS)]


def build_report(f: ReportFilter, now: dt.datetime | None = None) -> Report:
    """Compute every table for `f` (`now`: naive UTC, for states and wrap-ups still going on)."""
    now = now or utcnow()
    visits = load_visits(f, now)
    scores = list(_scores(f))
    queues, total = queue_rows(f, visits, scores)
    return Report(
        filter=f,
        queues=queues,
        total=total,
        hourly=calls_per_hour(f, visits, [q.queue for q in queues]),
        agents=agent_rows(f, visits, scores, now),
        satisfaction=score_rows(scores),
        line_hourly=calls_per_hour_by_line(f),
    )


# --- visits ---------------------------------------------------------------------------------------


def load_visits(f: ReportFilter, now: dt.datetime) -> list[Visit]:
    """Return the visits entered in the range (queue and agent filters applied), outcomes resolved."""
    entered = AcdEvent.select(AcdEvent.call_id).where(
        (AcdEvent.kind == "entered") & (AcdEvent.at >= f.start) & (AcdEvent.at < f.end)
    )
    if f.queue:
        entered = entered.where(AcdEvent.queue == f.queue)
    e = AcdEvent
    rows = _raw(
        e.select(e.id, e.kind, e.queue, e.agent, e.call_id, e.at, e.wait_ms, e.talk_ms, e.wrap_ms, e.reason)
        .where(e.call_id.in_(entered) & e.kind.in_(("entered", *TERMINAL, "completed")))
        .order_by(e.id),
        _CallRow,
    )
    visits: list[Visit] = []
    answered_at: dict[str, list[int]] = defaultdict(list)  # call -> ids of its answered rows
    open_: dict[tuple[str, str], Visit] = {}  # (call, queue) -> visit without a terminal row yet
    talking: dict[tuple[str, str], Visit] = {}  # (call, queue) -> answered visit not completed yet
    for row in rows:
        key = (row.call_id, row.queue)
        if row.kind == "entered":
            visit = Visit(row.call_id, row.queue, _parse_at(row.at), row.id)
            open_[key] = visit
            visits.append(visit)
        elif row.kind == "completed":
            if (visit := talking.pop(key, None)) is not None and row.reason != RESTART:
                visit.talk = row.talk_ms / 1000.0
                visit.wrap = row.wrap_ms / 1000.0
        elif (visit := open_.pop(key, None)) is not None:
            visit.outcome, visit.wait, visit.end_id = row.kind, row.wait_ms / 1000.0, row.id
            visit.reason = row.reason
            if row.kind == "answered":
                visit.agent = row.agent
                talking[key] = visit
                answered_at[row.call_id].append(row.id)
    kept = [
        v
        for v in visits
        if f.start <= v.entered < f.end and (not f.queue or v.queue == f.queue)
        if not f.agent or (v.outcome == "answered" and v.agent == f.agent)
    ]
    _resolve_with_cdr(kept, answered_at)
    _add_wrap_ups(kept, now)
    return kept


def _resolve_with_cdr(visits: list[Visit], answered_at: dict[str, list[int]]) -> None:
    """Turn contradicted abandons into transfers or failures; split unfinished visits likewise."""
    asked = {v.call_id for v in visits if v.outcome in ("abandoned", "")}
    cdrs: dict[str, Cdr] = {}
    ids = sorted(asked)
    for i in range(0, len(ids), 500):  # SQLite caps bound parameters
        chunk = ids[i : i + 500]
        for cdr in Cdr.select(Cdr.uniqueid, Cdr.answer, Cdr.end, Cdr.disposition, Cdr.hangup_by).where(
            Cdr.uniqueid.in_(chunk)
        ):
            cdrs[cdr.uniqueid] = cdr
    for visit in visits:
        cdr = cdrs.get(visit.call_id)
        if visit.outcome == "abandoned":
            answered_later = any(i > visit.end_id for i in answered_at.get(visit.call_id, ()))
            if answered_later:
                visit.outcome = "transferred"
            elif visit.reason == RESTART or (cdr is not None and cdr.disposition == "FAILED"):
                visit.outcome = "failed"
            elif cdr is not None and (
                cdr.answer is not None or cdr.disposition == "ANSWERED" or cdr.hangup_by not in ("", "caller")
            ):
                visit.outcome = "transferred"
        elif not visit.outcome:
            visit.outcome = "failed" if cdr is not None and cdr.end is not None else "waiting"


def _add_wrap_ups(visits: list[Visit], now: dt.datetime) -> None:
    """Set each answered visit's wrap-up: the agent's wrap-up state for the call, until its next state."""
    answered = {(v.call_id, v.queue, v.agent): v for v in visits if v.outcome == "answered"}
    if not answered:
        return
    nxt = AcdEvent.alias()
    # The agent's next state row: walked in (agent, at) index order from the wrap-up's own time,
    # so each lookup reads a few rows instead of every later row of the log.
    until = (
        nxt.select(nxt.at)
        .where(
            (nxt.agent == AcdEvent.agent)
            & (nxt.at >= AcdEvent.at)
            & (nxt.kind == STATE)
            & (nxt.id > AcdEvent.id)
        )
        .order_by(nxt.agent, nxt.at, nxt.id)
        .limit(1)
    )
    call_ids = sorted({key[0] for key in answered})
    for i in range(0, len(call_ids), 500):
        query = AcdEvent.select(
            AcdEvent.call_id, AcdEvent.queue, AcdEvent.agent, AcdEvent.at, until.alias("until")
        ).where(
            (AcdEvent.kind == STATE)
            & (AcdEvent.reason == "wrap-up")
            & AcdEvent.call_id.in_(call_ids[i : i + 500])
        )
        for call_id, queue, agent, at, end in query.tuples():
            visit = answered.get((call_id, queue, agent))
            if visit is not None:
                stop = _parse_at(end) if end is not None else now
                visit.wrap = max(0.0, (stop - _parse_at(at)).total_seconds())


def _raw(query: peewee.Query, row_type: type) -> Iterable[Any]:
    """Run `query` and return its rows as `row_type` tuples, values as the database gave them."""
    return map(row_type._make, database.execute(query))


def _parse_at(value: object) -> dt.datetime:
    """A stored time as read raw (text in SQLite); fromisoformat is far faster than peewee's parsing."""
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))


# --- queue tables ---------------------------------------------------------------------------------


def queue_rows(
    f: ReportFilter, visits: list[Visit], scores: list[SurveyScore]
) -> tuple[list[QueueRow], QueueRow]:
    """Return one row per queue (configured, or seen in the range) and the row of all queues."""
    configured = {q.number: q for q in Queue.select().order_by(Queue.number)}
    numbers = [n for n in configured if not f.queue or n == f.queue]
    seen = sorted(({v.queue for v in visits} | {s.queue for s in scores}) - set(numbers))
    by_queue: dict[str, list[Visit]] = defaultdict(list)
    for visit in visits:
        by_queue[visit.queue].append(visit)
    scores_by: dict[str, list[int]] = defaultdict(list)
    for score in scores:
        scores_by[score.queue].append(score.score)
    rows = []
    for number in [*numbers, *seen]:
        queue = configured.get(number)
        threshold = float(queue.service_level) if queue is not None else DEFAULT_SERVICE_LEVEL
        name = queue.name if queue is not None else ""
        rows.append(_queue_row(number, name, by_queue[number], scores_by[number], lambda _q, t=threshold: t))
    thresholds = {r.queue: r.threshold for r in rows}
    total = _queue_row(
        "",
        "",
        visits,
        [s.score for s in scores],
        lambda q: thresholds.get(q, DEFAULT_SERVICE_LEVEL),
    )
    return rows, total


def _queue_row(number: str, name: str, visits: list[Visit], scores: list[int], threshold_of) -> QueueRow:
    count = defaultdict(int)
    for visit in visits:
        count[visit.outcome] += 1
    answered = [v for v in visits if v.outcome == "answered"]
    in_sl = sum(1 for v in answered if (v.wait or 0.0) <= threshold_of(v.queue) + 1e-9)
    waits = [v.wait for v in visits if v.wait is not None and v.outcome != "failed"]
    handled = [v for v in answered if v.talk is not None]
    served = count["answered"] + count["abandoned"]
    return QueueRow(
        queue=number,
        name=name,
        threshold=threshold_of(number) if number else None,
        offered=len(visits),
        answered=count["answered"],
        answered_in_sl=in_sl,
        abandoned=count["abandoned"],
        overflowed=count["overflowed"],
        transferred=count["transferred"],
        failed=count["failed"],
        waiting=count["waiting"],
        service_level=in_sl / served if served else None,
        abandon_rate=count["abandoned"] / len(visits) if visits else None,
        avg_wait=_mean(waits),
        max_wait=max(waits) if waits else None,
        avg_answer=_mean([v.wait or 0.0 for v in answered]),
        handled=len(handled),
        avg_talk=_mean([v.talk or 0.0 for v in handled]),
        avg_wrap=_mean([v.wrap for v in handled]),
        avg_handle=_mean([(v.talk or 0.0) + v.wrap for v in handled]),
        score_count=len(scores),
        score_avg=_mean(scores),
    )


def calls_per_hour(f: ReportFilter, visits: list[Visit], queues: Iterable[str]) -> dict[str, list[int]]:
    """Return, per queue, the visits entered in each local hour of the day (0-23)."""
    out = {q: [0] * HOURS for q in queues}
    for visit in visits:
        hour = visit.entered.replace(tzinfo=dt.UTC).astimezone(f.tz).hour
        out.setdefault(visit.queue, [0] * HOURS)[hour] += 1
    return out


# --- agent tables ---------------------------------------------------------------------------------


def calls_per_hour_by_line(f: ReportFilter) -> dict[str, list[int]]:
    """Return, per line (fxoN, or the E1 span), the calls that used it started in each local hour.

    From the CDR: a call counts once per line one of its legs was on (in or out), by the hour its
    CDR starts; the queue and agent filters do not apply (a line carries every kind of call).
    """
    rows = database.execute(
        Cdr.select(Cdr.uniqueid, Cdr.start, CallLeg.peer)
        .join(CallLeg, on=(CallLeg.cdr == Cdr.id))
        .where((Cdr.start >= f.start) & (Cdr.start < f.end))
    )
    seen: set[tuple[str, str]] = set()
    out: dict[str, list[int]] = {}
    for uniqueid, start, peer in rows:
        peer = str(peer or "")
        line = peer if peer.startswith("fxo") else peer.split("/", 1)[0] if peer.startswith("e1") else ""
        if not line or (uniqueid, line) in seen:
            continue
        seen.add((uniqueid, line))
        hour = _parse_at(start).replace(tzinfo=dt.UTC).astimezone(f.tz).hour
        out.setdefault(line, [0] * HOURS)[hour] += 1
    return dict(sorted(out.items()))


def agent_rows(
    f: ReportFilter, visits: list[Visit], scores: list[SurveyScore], now: dt.datetime
) -> list[AgentRow]:
    """Return the workload of every agent the filter covers (configured ones even when idle)."""
    stop = max(f.start, min(f.end, now))
    times = state_times(f, stop)
    offers, missed = _offers(f)
    calls: dict[str, list[Visit]] = defaultdict(list)
    for visit in visits:
        if visit.outcome == "answered":
            calls[visit.agent].append(visit)
    agent_scores: dict[str, list[int]] = defaultdict(list)
    for score in scores:
        agent_scores[score.agent].append(score.score)
    configured = {a.number: a.name for a in _configured_agents(f)}
    candidates = set(configured) | set(times) | set(calls) | set(offers) | set(agent_scores)
    rows = []
    for number in sorted(candidates):
        if f.agent and number != f.agent:
            continue
        t = times.get(number, {})
        handled = [v for v in calls[number] if v.talk is not None]
        pauses = {k[len("paused:") :]: v for k, v in t.items() if k.startswith("paused:")}
        row = AgentRow(
            agent=number,
            name=configured.get(number, ""),
            calls=len(calls[number]),
            handled=len(handled),
            avg_handle=_mean([(v.talk or 0.0) + v.wrap for v in handled]),
            offers=offers.get(number, 0),
            missed=missed.get(number, 0),
            talk_time=t.get("on-call", 0.0),
            wrap_time=t.get("wrap-up", 0.0),
            ring_time=t.get("ringing", 0.0) + t.get("reserved", 0.0),
            idle_time=t.get("idle", 0.0),
            pause_time=sum(pauses.values()),
            pause_by_code=dict(sorted(pauses.items())),
            logged_in=t.get("logged-in", 0.0),
            score_count=len(agent_scores[number]),
            score_avg=_mean(agent_scores[number]),
        )
        in_queue = row.calls or row.talk_time or row.wrap_time or row.ring_time or row.offers
        if number in configured or in_queue or row.score_count or (not f.queue and row.logged_in):
            rows.append(row)
    return rows


def _configured_agents(f: ReportFilter) -> Iterable[Agent]:
    query = Agent.select(Agent.number, Agent.name)
    if f.queue:
        query = query.join(QueueMember).join(Queue).where(Queue.number == f.queue)
    return query.order_by(Agent.number)


def state_times(f: ReportFilter, stop: dt.datetime) -> dict[str, dict[str, float]]:
    """Return, per agent, seconds in each state within [f.start, stop); pauses as `paused:<code>`."""
    e = AcdEvent
    base = e.kind == STATE
    if f.agent:
        base &= e.agent == f.agent
    before = e.select(peewee.fn.MAX(e.id)).where(base & (e.at < f.start)).group_by(e.agent)
    columns = (e.id, e.agent, e.at, e.queue, e.reason, e.extra)
    # Two queries rather than one with OR, so each can use its own index (rowid; at).
    first = _raw(e.select(*columns).where(e.id.in_(before)), _StateRow)
    inside = _raw(e.select(*columns).where(base & (e.at >= f.start) & (e.at < stop)), _StateRow)
    per_agent: dict[str, list] = defaultdict(list)
    for row in sorted([*first, *inside], key=lambda r: r.id):
        per_agent[row.agent].append(row._replace(at=_parse_at(row.at)))
    out: dict[str, dict[str, float]] = {}
    for agent, changes in per_agent.items():
        totals: dict[str, float] = defaultdict(float)
        for row, following in zip(changes, [*changes[1:], None], strict=True):
            begin = max(row.at, f.start)
            end = min(following.at if following is not None else stop, stop)
            seconds = (end - begin).total_seconds()
            if seconds <= 0:
                continue
            state, code = _state_of(row)
            if state == "logged-out":
                continue
            totals["logged-in"] += seconds
            if state in ("ringing", "reserved", "on-call", "wrap-up") and f.queue and row.queue != f.queue:
                continue
            totals[f"paused:{code}" if state == "paused" else state] += seconds
        out[agent] = dict(totals)
    return out


def _state_of(row: Any) -> tuple[str, str]:
    """Return (state, pause code) of an agent-state row: `extra.new`, else the reason column."""
    try:
        new = json.loads(row.extra or "{}").get("new", "")
    except (ValueError, AttributeError):
        new = ""
    if new:
        return new, row.reason if new == "paused" else ""
    known = ("logged-out", "idle", "ringing", "reserved", "on-call", "wrap-up", "paused")
    return (row.reason, "") if row.reason in known else ("paused", row.reason)


def _offers(f: ReportFilter) -> tuple[dict[str, int], dict[str, int]]:
    """Return offers and missed offers (no answer, rejected, busy) per agent that rang in the range."""
    query = AcdEvent.select(AcdEvent.agent, AcdEvent.kind, AcdEvent.reason).where(
        AcdEvent.kind.in_(("offered", "offer-ended")) & (AcdEvent.at >= f.start) & (AcdEvent.at < f.end)
    )
    if f.queue:
        query = query.where(AcdEvent.queue == f.queue)
    if f.agent:
        query = query.where(AcdEvent.agent == f.agent)
    offers: dict[str, int] = defaultdict(int)
    missed: dict[str, int] = defaultdict(int)
    for agent, kind, reason in query.tuples():
        if kind == "offered":
            offers[agent] += 1
        elif reason in MISSED:
            missed[agent] += 1
    return dict(offers), dict(missed)


# --- satisfaction ---------------------------------------------------------------------------------


def _scores(f: ReportFilter) -> Iterable[SurveyScore]:
    query = SurveyScore.select().where((SurveyScore.at >= f.start) & (SurveyScore.at < f.end))
    if f.queue:
        query = query.where(SurveyScore.queue == f.queue)
    if f.agent:
        query = query.where(SurveyScore.agent == f.agent)
    return query.order_by(SurveyScore.id)


def score_rows(scores: list[SurveyScore]) -> list[ScoreRow]:
    """Return the count and average score per (queue, agent)."""
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for score in scores:
        groups[(score.queue, score.agent)].append(score.score)
    return [ScoreRow(q, a, len(v), sum(v) / len(v)) for (q, a), v in sorted(groups.items())]


# --- CSV ------------------------------------------------------------------------------------------


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """Return a CSV file as UTF-8 with a BOM (so Excel reads Chinese right), CRLF line ends.

    None becomes an empty cell; floats keep one decimal; text that a spreadsheet would run as a
    formula gets a leading apostrophe.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_cell(h) for h in header])
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.1f}"
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None

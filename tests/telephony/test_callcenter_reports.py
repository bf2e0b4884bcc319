"""Queue and agent reports: every figure from hand-built ACD event, survey and CDR rows of one day.

Rows are made by the event writer's own `row_of` from the engine's record classes, so the reports
read exactly what pbx-core stores. The day (2025-03-03, UTC) holds, for queue 6000 (Sales, service
level 20 s) and 6001 (Support, 30 s), agents 801 and 802 (803 configured, idle):

call  queue           what happened                                          outcome
c1    6000 09:00:00   answered by 801 after 10 s, talk 120 s, wrap-up 30 s  answered (in SL)
c2    6000 09:30:00   answered by 802 after 25 s, talk 60 s                  answered (late)
c3    6000 10:00:00   rang 801 (no answer), caller hung up after 40 s        abandoned (CDR: caller)
c4    6000 10:10:00   caller hung up after 5 s (a short abandon, still one)  abandoned (no CDR)
c5    6000 11:00:00   overflowed after 60 s to 6001, answered there by 802   6000 overflowed; 6001 answered
                      after 15 s, talk 30 s
c6    6000 12:00:00   the engine logged a hangup after 20 s; the CDR says    transferred
                      the box ended the wait (supervisor transfer)
c7    6000 13:00:00   left 6000 after 10 s (logged as a hangup), entered     6000 transferred; 6001 answered
                      6001 and was answered there by 801 after 5 s, talk 50 s,
                      wrap-up 20 s
c8    -               a CDR to 6000 with no queue event (never queued)       in no figure
c9    6000 23:59:50   answered by 801 after 15 s (the next day), talk 60 s   answered (in SL)
c10   6000 prev day   entered before the range, answered by 802 at 00:00:30  not in the range's visits
c11   6001 14:00:00   no terminal row, CDR ended FAILED (core restart)       failed
c12   6001 15:00:00   no terminal row, no CDR                                waiting
"""

from __future__ import annotations

import datetime as dt

import pytest

from telephony.acd import records as rec
from telephony.callcenter import reports
from telephony.callcenter.runtime.records import row_of
from telephony.models import AcdEvent, Agent, Cdr, Queue, QueueMember, SurveyScore, open_database

DAY = dt.datetime(2025, 3, 3)
UTC = dt.UTC
CHINA = dt.timezone(dt.timedelta(hours=8))


def at(h: int, m: int = 0, s: int = 0, day: int = 0) -> dt.datetime:
    return DAY + dt.timedelta(days=day, hours=h, minutes=m, seconds=s)


def log(when: dt.datetime, record: rec.Record) -> None:
    """Store a record as the writer would, stamped `when` (UTC)."""
    AcdEvent.create(**row_of(record, "", when.replace(tzinfo=UTC).timestamp(), record.at))


class States:
    """Agent-state rows with the previous state filled in, as the engine logs them."""

    def __init__(self) -> None:
        self.current: dict[str, str] = {}

    def __call__(
        self, when: dt.datetime, agent: str, new: str, reason: str = "", call: str = "", queue: str = ""
    ):
        old = self.current.get(agent, "logged-out")
        self.current[agent] = new
        log(when, rec.AgentStateChanged(0.0, agent, old, new, reason, call, queue))


def enter(when, call, queue, number="13800138000"):
    log(when, rec.CallerEntered(0.0, call, queue, number, 0, 0.0, False))


def answer(when, call, queue, agent, wait):
    log(when, rec.CallerAnswered(0.0, call, queue, agent, wait))


def complete(when, call, queue, agent, talk):
    log(when, rec.CallCompleted(0.0, call, queue, agent, talk))


def offer(when, call, queue, agent, offer_id):
    log(when, rec.CallerOffered(0.0, call, queue, agent, offer_id))


def offer_end(when, call, queue, agent, offer_id, outcome):
    log(when, rec.OfferEnded(0.0, call, queue, agent, offer_id, outcome))


def abandon(when, call, queue, wait, reason="hangup"):
    log(when, rec.CallerAbandoned(0.0, call, queue, wait, reason))


def cdr(uniqueid, start, disposition, hangup_by, callee="6000", answered=None, end=None):
    Cdr.create(
        uniqueid=uniqueid,
        caller="13800138000",
        callee=callee,
        start=start,
        answer=answered,
        end=end or start + dt.timedelta(minutes=1),
        disposition=disposition,
        hangup_by=hangup_by,
    )


@pytest.fixture
def db(tmp_path):
    return open_database(tmp_path / "pbx.sqlite3")


@pytest.fixture
def day(db):
    """The day described in the module docstring."""
    sales = Queue.create(number="6000", name="销售 Sales", service_level=20)
    support = Queue.create(number="6001", name="Support", service_level=30)
    alice = Agent.create(number="801", name="张三 Alice")
    bob = Agent.create(number="802", name="Bob")
    Agent.create(number="803", name="Carol")
    QueueMember.create(queue=sales, agent=alice)
    QueueMember.create(queue=sales, agent=bob)
    QueueMember.create(queue=support, agent=bob)
    state = States()
    state(at(8, day=-30), "799", "idle")  # a deleted agent, logged out long before the day
    state(at(9, day=-30), "799", "logged-out")
    state(at(20, day=-1), "801", "idle")
    state(at(23, 50, day=-1), "802", "idle")
    # c10: entered the day before, answered by 802 just after midnight
    enter(at(23, 59, 0, day=-1), "c10", "6000")
    offer(at(23, 59, 30, day=-1), "c10", "6000", "802", 1)
    state(at(23, 59, 30, day=-1), "802", "ringing", call="c10", queue="6000")
    answer(at(0, 0, 30), "c10", "6000", "802", 90)
    state(at(0, 0, 30), "802", "on-call", call="c10", queue="6000")
    complete(at(0, 1, 30), "c10", "6000", "802", 60)
    state(at(0, 1, 30), "802", "idle")
    # c1: answered by 801 in 10 s, 120 s talk, 30 s wrap-up
    enter(at(9), "c1", "6000")
    offer(at(9), "c1", "6000", "801", 2)
    state(at(9), "801", "ringing", call="c1", queue="6000")
    offer_end(at(9, 0, 10), "c1", "6000", "801", 2, "answered")
    answer(at(9, 0, 10), "c1", "6000", "801", 10)
    state(at(9, 0, 10), "801", "on-call", call="c1", queue="6000")
    complete(at(9, 2, 10), "c1", "6000", "801", 120)
    state(at(9, 2, 10), "801", "wrap-up", call="c1", queue="6000")
    state(at(9, 2, 40), "801", "idle")
    # c2: answered by 802 in 25 s, 60 s talk, no wrap-up
    enter(at(9, 30), "c2", "6000")
    offer(at(9, 30), "c2", "6000", "802", 3)
    state(at(9, 30), "802", "ringing", call="c2", queue="6000")
    answer(at(9, 30, 25), "c2", "6000", "802", 25)
    state(at(9, 30, 25), "802", "on-call", call="c2", queue="6000")
    complete(at(9, 31, 25), "c2", "6000", "802", 60)
    state(at(9, 31, 25), "802", "idle")
    # c3: rang 801 for 15 s (no answer), the caller hung up after 40 s
    enter(at(10), "c3", "6000")
    offer(at(10, 0, 5), "c3", "6000", "801", 4)
    state(at(10, 0, 5), "801", "ringing", call="c3", queue="6000")
    offer_end(at(10, 0, 20), "c3", "6000", "801", 4, "no-answer")
    state(at(10, 0, 20), "801", "idle")
    abandon(at(10, 0, 40), "c3", "6000", 40)
    cdr("c3", at(10), "NO ANSWER", "caller")
    # c4: a 5 s abandon
    enter(at(10, 10), "c4", "6000")
    abandon(at(10, 10, 5), "c4", "6000", 5)
    # c5: overflow 6000 -> 6001 after 60 s, answered there by 802 after 15 s
    enter(at(11), "c5", "6000")
    log(at(11, 1), rec.CallerOverflowed(0.0, "c5", "6000", "queue", "6001", "timeout", 60))
    enter(at(11, 1), "c5", "6001")
    offer(at(11, 1), "c5", "6001", "802", 5)
    state(at(11, 1), "802", "ringing", call="c5", queue="6001")
    answer(at(11, 1, 15), "c5", "6001", "802", 15)
    state(at(11, 1, 15), "802", "on-call", call="c5", queue="6001")
    complete(at(11, 1, 45), "c5", "6001", "802", 30)
    state(at(11, 1, 45), "802", "idle")
    cdr("c5", at(11), "ANSWERED", "caller", answered=at(11, 1, 15))
    # c6: a waiting caller transferred by a supervisor: the engine heard a hangup
    enter(at(12), "c6", "6000")
    abandon(at(12, 0, 20), "c6", "6000", 20)
    cdr("c6", at(12), "NO ANSWER", "system")
    # 801 at lunch
    state(at(12, 30), "801", "paused", reason="LUNCH")
    state(at(13), "801", "idle")
    # c7: left 6000 after 10 s (logged as a hangup), answered in 6001 by 801 (no CDR yet)
    enter(at(13), "c7", "6000")
    abandon(at(13, 0, 10), "c7", "6000", 10)
    enter(at(13, 0, 10), "c7", "6001")
    offer(at(13, 0, 10), "c7", "6001", "801", 6)
    state(at(13, 0, 10), "801", "ringing", call="c7", queue="6001")
    answer(at(13, 0, 15), "c7", "6001", "801", 5)
    state(at(13, 0, 15), "801", "on-call", call="c7", queue="6001")
    complete(at(13, 1, 5), "c7", "6001", "801", 50)
    state(at(13, 1, 5), "801", "wrap-up", call="c7", queue="6001")
    state(at(13, 1, 25), "801", "idle")
    # c8: a call to the queue number that never reached the queue
    cdr("c8", at(14, 30), "ANSWERED", "caller", answered=at(14, 30, 5))
    # c11: core restart while waiting (CDR FAILED); c12: still waiting, no CDR
    enter(at(14), "c11", "6001")
    cdr("c11", at(14), "FAILED", "system", callee="6001")
    enter(at(15), "c12", "6001")
    state(at(17), "801", "paused", reason="TRAIN")
    state(at(17, 30), "801", "idle")
    state(at(18), "802", "logged-out")
    # c9: entered just before midnight, answered by 801 after it
    enter(at(23, 59, 50), "c9", "6000")
    offer(at(23, 59, 50), "c9", "6000", "801", 7)
    state(at(23, 59, 50), "801", "ringing", call="c9", queue="6000")
    answer(at(0, 0, 5, day=1), "c9", "6000", "801", 15)
    state(at(0, 0, 5, day=1), "801", "on-call", call="c9", queue="6000")
    complete(at(0, 1, 5, day=1), "c9", "6000", "801", 60)
    state(at(0, 1, 5, day=1), "801", "idle")
    # survey scores: three in the day, one the day before
    SurveyScore.create(call_id="c1", agent="801", queue="6000", score=5, at=at(9, 5))
    SurveyScore.create(call_id="c2", agent="802", queue="6000", score=3, at=at(9, 35))
    SurveyScore.create(call_id="c7", agent="801", queue="6001", score=4, at=at(13, 5))
    SurveyScore.create(call_id="c10", agent="802", queue="6000", score=1, at=at(0, 5))
    SurveyScore.create(call_id="old", agent="801", queue="6000", score=1, at=at(12, day=-1))
    return db


NOW = at(12, day=2)


def report(**kw) -> reports.Report:
    kw.setdefault("tz", UTC)
    return reports.build_report(reports.ReportFilter(at(0), at(0, day=1), **kw), now=NOW)


def by_queue(r: reports.Report) -> dict[str, reports.QueueRow]:
    return {q.queue: q for q in r.queues}


def by_agent(r: reports.Report) -> dict[str, reports.AgentRow]:
    return {a.agent: a for a in r.agents}


def test_queue_counts_follow_each_visits_outcome(day):
    sales = by_queue(report())["6000"]
    assert sales.name == "销售 Sales" and sales.threshold == 20
    # c1 c2 c3 c4 c5 c6 c7 c9; c10 entered the day before, c8 never reached the queue
    assert sales.offered == 8
    assert (sales.answered, sales.answered_in_sl) == (3, 2)  # c1 (10 s) and c9 (15 s) within 20 s
    assert sales.abandoned == 2  # c3 and the short c4
    assert sales.overflowed == 1  # c5
    assert sales.transferred == 2  # c6 (CDR: the box ended it), c7 (answered later in 6001)
    assert (sales.failed, sales.waiting) == (0, 0)


def test_queue_service_level_and_abandon_rate(day):
    rows = by_queue(report())
    assert rows["6000"].service_level == pytest.approx(2 / 5)  # in SL / (answered + abandoned)
    assert rows["6000"].abandon_rate == pytest.approx(2 / 8)  # abandoned / offered
    assert rows["6001"].service_level == pytest.approx(1.0)
    assert rows["6001"].abandon_rate == 0.0


def test_queue_waits_and_handle_times(day):
    rows = by_queue(report())
    sales, support = rows["6000"], rows["6001"]
    assert sales.avg_wait == pytest.approx((10 + 25 + 15 + 40 + 5 + 60 + 20 + 10) / 8)
    assert sales.max_wait == 60
    assert sales.avg_answer == pytest.approx((10 + 25 + 15) / 3)
    assert sales.handled == 3
    assert sales.avg_talk == pytest.approx((120 + 60 + 60) / 3)
    assert sales.avg_wrap == pytest.approx(30 / 3)  # c1's wrap-up from the agent-state log
    assert sales.avg_handle == pytest.approx((150 + 60 + 60) / 3)
    assert (support.avg_wait, support.max_wait, support.avg_answer) == (10, 15, 10)
    assert support.avg_handle == pytest.approx((30 + 70) / 2)  # c5 30 s; c7 50 s + 20 s wrap-up


def test_overflow_counts_in_the_first_queue_as_overflowed_and_in_the_second_by_its_outcome(day):
    support = by_queue(report())["6001"]
    assert support.offered == 4  # c5, c7, c11, c12
    assert (support.answered, support.answered_in_sl, support.overflowed) == (2, 2, 0)
    assert (support.failed, support.waiting) == (1, 1)  # c11 ended in the CDR, c12 did not


def test_totals_add_the_queues_visits(day):
    total = report().total
    assert (total.offered, total.answered, total.answered_in_sl, total.abandoned) == (12, 5, 4, 2)
    assert total.service_level == pytest.approx(4 / 7)
    assert total.abandon_rate == pytest.approx(2 / 12)
    assert total.threshold is None and total.max_wait == 60


def test_a_caller_who_hung_up_stays_abandoned_whatever_the_cdr(day):
    # c3's CDR says the caller hung up; c4 has no CDR: both stay abandoned
    visits = {v.call_id: v.outcome for v in reports.load_visits(reports.ReportFilter(at(10), at(11)), NOW)}
    assert visits == {"c3": "abandoned", "c4": "abandoned"}


def test_an_answered_cdr_turns_an_abandon_into_a_transfer(db):
    enter(at(9), "t1", "6000")
    abandon(at(9, 0, 30), "t1", "6000", 30)
    cdr("t1", at(9), "ANSWERED", "callee", answered=at(9, 1))
    (visit,) = reports.load_visits(reports.ReportFilter(at(0), at(0, day=1)), NOW)
    assert visit.outcome == "transferred"


def test_calls_that_never_reached_a_queue_are_in_no_figure(db):
    Queue.create(number="6000", name="Sales")
    cdr("x1", at(9), "ANSWERED", "caller", answered=at(9, 0, 3))
    cdr("x2", at(10), "NO ANSWER", "caller")
    r = report()
    assert r.total.offered == 0 and by_queue(r)["6000"].offered == 0
    assert r.hourly_total() == [0] * 24


def test_calls_per_hour_of_day_per_queue_in_the_given_time_zone(day):
    utc = report().hourly
    assert {h: n for h, n in enumerate(utc["6000"]) if n} == {9: 2, 10: 2, 11: 1, 12: 1, 13: 1, 23: 1}
    assert {h: n for h, n in enumerate(utc["6001"]) if n} == {11: 1, 13: 1, 14: 1, 15: 1}
    china = report(tz=CHINA).hourly
    assert {h: n for h, n in enumerate(china["6000"]) if n} == {17: 2, 18: 2, 19: 1, 20: 1, 21: 1, 7: 1}
    assert sum(report().hourly_total()) == 12


def test_calls_per_hour_of_day_per_line_count_each_call_once_per_fxo_line_or_e1_span(db):
    from telephony.models import CallLeg

    for uniqueid, start, peers in (
        ("l1", at(9, 5), ["fxo1", "1001"]),
        ("l2", at(9, 40), ["e1/3", "1002"]),
        ("l3", at(9, 50), ["e1/4", "e1/4"]),  # two legs on one span: one call on that line
        ("l4", at(14, 1), ["1001", "fxo2"]),
        ("l5", at(14, 2), ["1001", "1002"]),  # SIP to SIP: no line
        ("l6", at(3, day=1), ["fxo1", "1003"]),  # outside the range
    ):
        cdr(uniqueid, start, "ANSWERED", "caller")
        row = Cdr.get(Cdr.uniqueid == uniqueid)
        for role, peer in zip(("caller", "callee"), peers, strict=True):
            CallLeg.create(cdr=row, role=role, peer=peer, start=start, end=start)
    lines = report().line_hourly
    assert {line: {h: n for h, n in enumerate(c) if n} for line, c in lines.items()} == {
        "e1": {9: 2},
        "fxo1": {9: 1},
        "fxo2": {14: 1},
    }
    assert report(tz=CHINA).line_hourly["fxo2"][22] == 1


def test_agent_workload_from_state_intervals(day):
    alice = by_agent(report())["801"]
    assert alice.name == "张三 Alice"
    assert (alice.calls, alice.handled) == (3, 3)  # c1, c7, c9 (answered after midnight, entered before)
    assert alice.avg_handle == pytest.approx((150 + 70 + 60) / 3)
    assert (alice.offers, alice.missed) == (4, 1)  # c1 c3 c7 c9; c3 not answered
    assert alice.ring_time == 10 + 15 + 5 + 10  # c9 rings from 23:59:50, clipped at midnight
    assert alice.talk_time == 120 + 50
    assert alice.wrap_time == 30 + 20
    assert alice.pause_by_code == {"LUNCH": 1800, "TRAIN": 1800}
    assert alice.pause_time == 3600
    assert alice.logged_in == 86400  # logged in the evening before, never out
    assert alice.idle_time == 86400 - 40 - 170 - 50 - 3600


def test_agent_states_are_clipped_to_the_range(day):
    bob = by_agent(report())["802"]
    assert bob.ring_time == 30 + 25 + 15  # c10 rang from 23:59:30: only its 30 s after midnight count
    assert bob.talk_time == 60 + 60 + 30  # c10's talk is in the day though c10 is not
    assert (bob.calls, bob.offers) == (2, 2)  # c2, c5
    assert bob.logged_in == 18 * 3600  # logged out at 18:00
    assert bob.idle_time == 18 * 3600 - 70 - 150
    lunch = reports.build_report(reports.ReportFilter(at(12), at(13), agent="801", tz=UTC), now=NOW)
    (alice,) = lunch.agents
    assert (alice.idle_time, alice.pause_by_code, alice.logged_in) == (1800, {"LUNCH": 1800}, 3600)


def test_agent_states_stop_at_now_inside_the_range(day):
    r = reports.build_report(reports.ReportFilter(at(12), at(14), agent="801", tz=UTC), now=at(12, 45))
    (alice,) = r.agents
    assert (alice.idle_time, alice.pause_time, alice.logged_in) == (1800, 900, 2700)


def test_agents_listed_are_configured_or_active(day):
    agents = by_agent(report())
    assert list(agents) == ["801", "802", "803"]  # 799 logged out long ago and is deleted
    carol = agents["803"]
    assert (carol.calls, carol.logged_in, carol.score_count, carol.score_avg) == (0, 0, 0, None)


def test_queue_filter_keeps_one_queue_and_its_share_of_agent_time(day):
    r = report(queue="6001")
    assert [q.queue for q in r.queues] == ["6001"] and r.total.offered == 4
    assert list(r.hourly) == ["6001"]
    agents = by_agent(r)
    assert list(agents) == ["801", "802"]  # 802 a member; 801 took c7
    alice = agents["801"]
    assert (alice.calls, alice.ring_time, alice.talk_time, alice.wrap_time) == (1, 5, 50, 20)
    assert (alice.offers, alice.missed) == (1, 0)
    assert alice.logged_in == 86400 and alice.pause_time == 3600  # idle and pauses belong to no queue


def test_agent_filter_keeps_the_calls_the_agent_answered(day):
    r = report(agent="801")
    rows = by_queue(r)
    assert (rows["6000"].offered, rows["6000"].answered, rows["6000"].abandoned) == (2, 2, 0)  # c1, c9
    assert (rows["6001"].offered, rows["6001"].answered) == (1, 1)  # c7
    assert [a.agent for a in r.agents] == ["801"]
    assert [(s.queue, s.agent) for s in r.satisfaction] == [("6000", "801"), ("6001", "801")]


def test_satisfaction_per_queue_per_agent_and_both(day):
    r = report()
    rows = by_queue(r)
    assert (rows["6000"].score_count, rows["6000"].score_avg) == (3, pytest.approx(3.0))  # 5, 3, 1 (c10)
    assert (rows["6001"].score_count, rows["6001"].score_avg) == (1, 4.0)
    agents = by_agent(r)
    assert (agents["801"].score_count, agents["801"].score_avg) == (2, 4.5)
    assert (agents["802"].score_count, agents["802"].score_avg) == (2, 2.0)
    assert [(s.queue, s.agent, s.count, s.average) for s in r.satisfaction] == [
        ("6000", "801", 1, 5.0),
        ("6000", "802", 2, 2.0),
        ("6001", "801", 1, 4.0),
    ]


def test_a_deleted_queue_still_has_its_figures(day):
    Queue.delete().where(Queue.number == "6001").execute()
    support = by_queue(report())["6001"]
    assert support.name == "" and support.offered == 4
    assert support.threshold == 20  # the default service level, the queue's own is gone


def test_wrap_up_still_going_counts_until_now(db):
    enter(at(9), "w1", "6000")
    answer(at(9, 0, 5), "w1", "6000", "801", 5)
    complete(at(9, 1, 5), "w1", "6000", "801", 60)
    log(at(9, 1, 5), rec.AgentStateChanged(0.0, "801", "on-call", "wrap-up", "", "w1", "6000"))
    r = reports.build_report(reports.ReportFilter(at(9), at(10), tz=UTC), now=at(9, 2, 5))
    assert r.total.avg_wrap == 60 and r.total.avg_handle == 120


def test_an_empty_range_has_no_rates(db):
    Queue.create(number="6000", name="Sales")
    row = by_queue(report())["6000"]
    assert (row.offered, row.service_level, row.abandon_rate, row.avg_wait, row.avg_handle) == (
        0,
        None,
        None,
        None,
        None,
    )


def test_a_range_must_end_after_it_starts():
    with pytest.raises(reports.ReportRangeError):
        reports.ReportFilter(at(10), at(10))
    with pytest.raises(ValueError):
        reports.ReportFilter(at(10), at(9))


def test_csv_is_utf8_with_bom_and_neutralizes_formulas():
    data = reports.csv_bytes(["队列", "服务水平 (%)", "x"], [["销售", 85.66, None], ["=cmd|x", 3, "@a"]])
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig") == "队列,服务水平 (%),x\r\n销售,85.7,\r\n'=cmd|x,3,'@a\r\n"


def test_an_answer_exactly_at_the_threshold_is_within_the_service_level(db):
    Queue.create(number="6000", name="Sales", service_level=20)
    for n, wait in enumerate((20, 20.001)):
        enter(at(9, n), f"s{n}", "6000")
        answer(at(9, n, 20), f"s{n}", "6000", "801", wait)
    row = by_queue(report())["6000"]
    assert (row.answered, row.answered_in_sl, row.service_level) == (2, 1, 0.5)


def test_callers_a_restart_cut_off_are_failed_not_abandoned(db):
    # r1: the outcome written at start (reason restart); r2: dropped at shutdown (CDR FAILED)
    enter(at(9), "r1", "6000")
    abandon(at(11), "r1", "6000", 7200, reason="restart")
    enter(at(9, 5), "r2", "6000")
    abandon(at(9, 6), "r2", "6000", 60)
    cdr("r2", at(9, 5), "FAILED", "system")
    # r3: connected when the core stopped: its completion has no talk time
    enter(at(9, 10), "r3", "6000")
    answer(at(9, 10, 5), "r3", "6000", "801", 5)
    log(at(11), rec.CallCompleted(0.0, "r3", "6000", "801", 0.0))
    AcdEvent.update(reason="restart").where(AcdEvent.kind == "completed").execute()
    row = by_queue(report())["6000"]
    assert (row.offered, row.failed, row.abandoned, row.answered) == (3, 2, 0, 1)
    assert row.max_wait == 5  # a failed caller's time to the restart is no wait
    assert (row.handled, row.avg_handle) == (0, None)

"""Timers (named deadlines) and the rolling figures strategies and estimates read."""

from __future__ import annotations

from telephony.acd.affinity import AffinityMemory, is_anonymous
from telephony.acd.rejoin import Place, RejoinMemory
from telephony.acd.stats import AgentLoad, HandleTimes, estimate_wait
from telephony.acd.timers import Timers


def test_timers_pop_in_deadline_order_and_ties_in_the_order_set() -> None:
    t = Timers()
    t.set("b", 5.0)
    t.set("a", 3.0)
    t.set("c", 5.0)
    assert t.next_deadline() == 3.0
    assert [t.pop_due(10.0) for _ in range(4)] == [("a", 3.0), ("b", 5.0), ("c", 5.0), None]


def test_timers_set_again_replaces_and_cancel_forgets() -> None:
    t = Timers()
    t.set("a", 3.0)
    t.set("a", 8.0)
    t.set("b", 4.0)
    t.cancel("b")
    assert t.pop_due(7.0) is None
    assert t.pop_due(8.0) == ("a", 8.0)
    assert t.next_deadline() is None and len(t) == 0


def test_timers_compact_the_heap_when_most_entries_are_stale() -> None:
    t = Timers()
    for i in range(1000):
        t.set("same", float(i))
    assert len(t._heap) < 200
    assert t.pop_due(1e9) == ("same", 999.0)


def test_agent_load_counts_within_a_window_and_forgets_beyond_keep() -> None:
    load = AgentLoad()
    for at in (0.0, 10.0, 20.0):
        load.note_answer(at, keep=15.0)
        load.note_talk(at, 30.0, keep=15.0)
    assert load.answered_since(10.0) == 2
    assert load.answered_since(0.0) == 2  # 0.0 was older than keep when 20.0 came
    assert load.talk_since(15.0) == 30.0


def test_handle_times_average_the_last_samples() -> None:
    h = HandleTimes(3)
    assert h.average() is None
    h.extend([10.0, 20.0, 30.0, 40.0])
    assert h.average() == 30.0
    h.resize(2)
    assert h.average() == 35.0


def test_estimate_wait_is_position_times_aht_over_staffed() -> None:
    assert estimate_wait(3, 60.0, 2) == 90.0
    assert estimate_wait(1, None, 2) is None
    assert estimate_wait(1, 60.0, 0) is None


def test_affinity_memory_remembers_the_latest_agent_within_days() -> None:
    m = AffinityMemory()
    m.remember("5", "a1", 0.0, keep_days=1.0)
    m.remember("5", "a2", 100.0, keep_days=1.0)
    assert m.lookup("5", 200.0, days=1.0) == ("a2", 100.0)
    assert m.lookup("5", 100.0 + 86400.1, days=1.0) is None
    m.remember("anonymous", "a1", 0.0, keep_days=1.0)
    assert len(m) == 1 and is_anonymous(" Private ")


def test_rejoin_memory_gives_a_place_back_once_within_the_window() -> None:
    m = RejoinMemory()
    m.remember("q", "5", Place(1.0, 7, 0, 10.0), keep=60.0)
    assert m.take("q", "5", 80.0, window=60.0) is None  # too late (and now forgotten)
    m.remember("q", "5", Place(1.0, 7, 0, 10.0), keep=60.0)
    assert m.take("q", "5", 70.0, window=60.0) == Place(1.0, 7, 0, 10.0)
    assert m.take("q", "5", 70.0, window=60.0) is None

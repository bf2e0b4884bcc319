"""The ACD latency bench measures the world it claims: 1,000 agents logged in and 500 callers waiting."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _bench_module():
    spec = importlib.util.spec_from_file_location("acd_latency", BENCH / "acd_latency.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("acd_latency", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bench():
    return _bench_module()


@pytest.fixture(scope="module")
def center(bench):
    # a short warm-up keeps the test fast; the bench itself warms up for 600 simulated seconds
    return bench.build_world(seed=1, warmup=60.0)


def test_acd_latency_world_has_1000_agents_logged_in_in_1_to_5_queues(center):
    snap = center.engine.snapshot(center.now)
    assert len(snap.agents) == 1000
    assert [a.agent_id for a in snap.agents if a.state == "logged-out"] == []
    assert all(1 <= len(a.queues) <= 5 for a in snap.agents)


def test_acd_latency_world_has_500_callers_waiting_across_every_queue(bench, center):
    snap = center.engine.snapshot(center.now)
    assert sum(q.waiting for q in snap.queues) == 500 == center.waiting
    assert {q.queue_id for q in snap.queues} == set(bench.QUEUES)
    assert all(q.waiting > 0 for q in snap.queues if q.queue_id not in ("q01", "q02", "q17"))
    assert {q.strategy for q in snap.queues} >= {
        "ring-all",
        "round-robin",
        "longest-idle",
        "skills-based",
        "fewest-calls",
        "weighted-random",
    }


def test_acd_latency_world_is_saturated_so_callers_really_wait(center):
    snap = center.engine.snapshot(center.now)
    states = [a.state for a in snap.agents]
    assert states.count("on-call") > 800
    assert states.count("idle") < 50  # only agents in back-off or not skilled enough for anyone


def test_acd_latency_timing_records_every_handle_and_tick(bench):
    center = bench.build_world(seed=2, agents=100, waiting=50, warmup=30.0)
    timing = bench.Timing(center)
    timing.run(300)
    assert timing.handled() == 300 == len(timing.labels)
    assert set(timing.ns) == set(timing.cpu) == set(timing.actions)
    assert all(len(timing.ns[k]) == len(timing.cpu[k]) for k in timing.ns)
    assert "caller arrives" in timing.ns and bench.TICK in timing.ns

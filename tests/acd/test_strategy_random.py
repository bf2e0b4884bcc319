"""random: uniform choice with the engine's injected Random (seeded runs repeat)."""

from __future__ import annotations

import collections
import random

from tests.acd.rig import Rig, offered, queue


def _choices(seed: int, n: int) -> list[str]:
    r = Rig(queue("q", ["a1", "a2", "a3"], strategy="random"), agents=["a1", "a2", "a3"], seed=seed)
    r.login("a1", "a2", "a3")
    out = []
    for i in range(n):
        agent = offered(r.arrive(f"c{i}"))[0][1]
        r.serve(f"c{i}", agent, talk=1)
        out.append(agent)
    return out


def test_random_picks_what_the_injected_random_draws_from_the_hunt_ordered_pool() -> None:
    expected = random.Random(7).sample(["a1", "a2", "a3"], 3)[0]
    assert _choices(7, 1) == [expected]


def test_random_with_the_same_seed_repeats_and_with_another_seed_differs() -> None:
    assert _choices(11, 40) == _choices(11, 40)
    assert _choices(11, 40) != _choices(12, 40)


def test_random_spreads_calls_evenly() -> None:
    counts = collections.Counter(_choices(3, 3000))
    assert set(counts) == {"a1", "a2", "a3"}
    assert all(900 <= c <= 1100 for c in counts.values()), counts

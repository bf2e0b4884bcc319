"""A long randomized run: thousands of Poisson callers, dozens of agents, five queues, every strategy.

Each seed rotates the strategies over the queues (seed % 3 picks the rotation, so seeds 1-3 cover
all ten); the world (tests/acd/sim_world.py) checks the invariants after every action and every
step, so a failure names the first broken step. The counts at the end prove the run went through
the interesting paths (overflows, callbacks, returning callers, stale reports, auto-pauses,
last-agent affinity).
"""

from __future__ import annotations

import pytest

from tests.acd.sim_world import World


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_simulation_given_random_traffic_then_every_invariant_holds(seed: int) -> None:
    world = World(seed, callers=2000)
    world.run()
    world.final_check()
    s = world.stats
    assert len(world.finished) >= 2000
    assert s["answered"] + s["abandoned"] + s["overflowed"] == len(world.finished)
    assert s["answered"] > 1000
    assert s["abandoned"] > 100
    assert s["overflowed"] > 10
    assert s["callbacks"] > 10
    assert s["restored"] > 5
    assert s["stale"] > 50
    assert s["autopaused"] > 0
    assert s["announced"] > 100
    assert s["affinity"] > 10

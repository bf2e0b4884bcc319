"""weighted-random: chance proportional to the member weight."""

from __future__ import annotations

import collections

from telephony.acd.config import MemberSpec
from tests.acd.rig import Rig, offered, queue


def _choices(seed: int, n: int) -> list[str]:
    members = [MemberSpec("a1", weight=1.0), MemberSpec("a2", weight=3.0)]
    r = Rig(queue("q", members, strategy="weighted-random"), agents=["a1", "a2"], seed=seed)
    r.login("a1", "a2")
    out = []
    for i in range(n):
        agent = offered(r.arrive(f"c{i}"))[0][1]
        r.serve(f"c{i}", agent, talk=1)
        out.append(agent)
    return out


def test_weighted_random_offers_in_proportion_to_weight() -> None:
    counts = collections.Counter(_choices(5, 4000))
    assert 2800 <= counts["a2"] <= 3200, counts  # 3/4 of 4000


def test_weighted_random_with_the_same_seed_repeats() -> None:
    assert _choices(9, 50) == _choices(9, 50)


def test_weighted_random_still_offers_a_light_member_when_it_is_the_only_free_one() -> None:
    members = [MemberSpec("a1", weight=0.01), MemberSpec("a2", weight=100.0)]
    r = Rig(queue("q", members, strategy="weighted-random"), agents=["a1", "a2"])
    r.login("a1", "a2")
    r.pause("a2")
    assert offered(r.arrive("c1")) == [("c1", "a1")]

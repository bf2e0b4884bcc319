"""ACD strategies, one module per strategy; each registers itself in the table in `base`.

Importing this package imports every strategy module, so `names()` lists them all. Last-agent
affinity is not a strategy but a rule in front of any of them (telephony.acd.affinity).
"""

from telephony.acd.strategies import (  # noqa: F401  (imported to register)
    fewest_calls,
    least_talk_time,
    linear,
    longest_idle,
    random_choice,
    ring_all,
    ring_progressive,
    round_robin,
    skills,
    weighted_random,
)
from telephony.acd.strategies.base import RankContext, Strategy, create, names, register

__all__ = ["RankContext", "Strategy", "create", "names", "register"]

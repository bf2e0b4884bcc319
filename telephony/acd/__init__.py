"""Automatic call distribution: queues, agents and strategies as a pure, clock-free engine.

No pjsua2, no database: the pbx-core feeds AcdEngine events (telephony.acd.events) stamped with
their time and executes the actions it returns (telephony.acd.actions). See telephony.acd.engine.
"""

from telephony.acd.config import (
    AgentConfig,
    Destination,
    EmptyRule,
    MemberSpec,
    QueueConfig,
    TargetKind,
    queue_config_from_mapping,
)
from telephony.acd.engine import AcdEngine
from telephony.acd.snapshot import AgentSnapshot, QueueSnapshot, Snapshot

__all__ = [
    "AcdEngine",
    "AgentConfig",
    "AgentSnapshot",
    "Destination",
    "EmptyRule",
    "MemberSpec",
    "QueueConfig",
    "QueueSnapshot",
    "Snapshot",
    "TargetKind",
    "queue_config_from_mapping",
]

"""Queue and agent settings: validation errors name the object, the field and the reason."""

from __future__ import annotations

import pytest

from telephony.acd.config import (
    AgentConfig,
    Destination,
    EmptyRule,
    MemberSpec,
    QueueConfig,
    TargetKind,
    queue_config_from_mapping,
)
from telephony.acd.errors import AcdError, InvalidConfig
from telephony.errors import ConfigError, TelephonyError


def _error(**kw: object) -> InvalidConfig:
    with pytest.raises(InvalidConfig) as e:
        QueueConfig("sales", **kw)  # type: ignore[arg-type]
    return e.value


@pytest.mark.parametrize(
    ("kw", "key", "reason"),
    [
        ({"strategy": "fastest"}, "queue sales.strategy", "is not a registered strategy"),
        ({"max_callers": -1}, "queue sales.max_callers", "must be an integer >= 0"),
        ({"max_wait": -5}, "queue sales.max_wait", "must be seconds >= 0"),
        ({"ring_timeout": 0}, "queue sales.ring_timeout", "must be seconds > 0"),
        ({"wrap_up": float("nan")}, "queue sales.wrap_up", "must be seconds >= 0"),
        ({"auto_pause_after": 1.5}, "queue sales.auto_pause_after", "must be an integer >= 0"),
        ({"weight": "high"}, "queue sales.weight", "must be an integer"),
        ({"progressive_step": 0}, "queue sales.progressive_step", "must be seconds > 0"),
        (
            {"join_empty": "sometimes"},
            "queue sales.join_empty",
            "'sometimes' is not one of never, no-logged-in, no-available, no-idle",
        ),
        ({"affinity_days": 3}, "queue sales.affinity_wait", "must be > 0 when affinity_days is set"),
    ],
)
def test_queue_config_names_the_field_and_the_reason(kw: dict[str, object], key: str, reason: str) -> None:
    e = _error(**kw)
    assert (e.key, e.reason) == (key, reason)
    assert str(e) == f"{key}: {reason}"


@pytest.mark.parametrize(
    "widen",
    [((5.0, 8),), ((0.0, 5), (10.0, 8)), ((0.0, 8), (10.0, 5), (10.0, 3)), ((0.0, 0),), "x"],
)
def test_queue_config_rejects_skill_widen_steps_that_do_not_start_at_0_rise_in_time_and_fall_in_level(
    widen: object,
) -> None:
    assert _error(skill_widen=widen).key == "queue sales.skill_widen"


def test_queue_config_refuses_a_timeout_into_itself() -> None:
    assert (
        _error(timeout_destination=Destination(TargetKind.QUEUE, "sales")).key
        == "queue sales.timeout_destination"
    )


def test_queue_config_refuses_a_member_listed_twice() -> None:
    e = _error(members=(MemberSpec("a1"), MemberSpec("a1")))
    assert (e.key, e.reason) == ("queue sales.members", "agent a1 is listed twice")


def test_invalid_config_is_a_telephony_config_error_and_a_value_error() -> None:
    e = _error(max_callers=-1)
    assert isinstance(e, AcdError) and isinstance(e, ConfigError) and isinstance(e, TelephonyError)
    assert isinstance(e, ValueError)


@pytest.mark.parametrize(
    ("kw", "key"),
    [
        ({"penalty": -1}, "member a1.penalty"),
        ({"skill": 0}, "member a1.skill"),
        ({"skill": 101}, "member a1.skill"),
        ({"weight": 0}, "member a1.weight"),
    ],
)
def test_member_spec_names_the_agent_and_field(kw: dict[str, object], key: str) -> None:
    with pytest.raises(InvalidConfig) as e:
        MemberSpec("a1", **kw)  # type: ignore[arg-type]
    assert e.value.key == key


def test_destination_needs_a_target_except_hangup() -> None:
    with pytest.raises(InvalidConfig) as e:
        Destination(TargetKind.VOICEMAIL)
    assert (e.value.key, e.value.reason) == ("destination.target", "voicemail needs a target")
    with pytest.raises(InvalidConfig):
        Destination(TargetKind.HANGUP, "x")
    with pytest.raises(InvalidConfig):
        Destination("fax", "1")  # type: ignore[arg-type]
    assert Destination("ivr", "menu").kind is TargetKind.IVR  # type: ignore[arg-type]


def test_agent_config_needs_an_id() -> None:
    with pytest.raises(InvalidConfig):
        AgentConfig("")


def test_min_skill_follows_the_widen_steps() -> None:
    cfg = QueueConfig("q", skill_widen=((0, 8), (30, 5), (60, 1)))
    assert [cfg.min_skill(w) for w in (0, 29.9, 30, 59, 60, 1e6)] == [8, 8, 5, 5, 1, 1]


def test_queue_config_from_mapping_builds_nested_settings() -> None:
    cfg = queue_config_from_mapping(
        {
            "queue_id": "sales",
            "strategy": "linear",
            "members": [{"agent_id": "a1", "penalty": 1}],
            "timeout_destination": {"kind": "voicemail", "target": "vm1"},
            "leave_when_empty": "no-available",
            "vip_numbers": ["1"],
        }
    )
    assert cfg.members == (MemberSpec("a1", penalty=1),)
    assert cfg.timeout_destination == Destination(TargetKind.VOICEMAIL, "vm1")
    assert cfg.leave_when_empty is EmptyRule.NO_AVAILABLE
    assert cfg.vip_numbers == frozenset({"1"})


def test_queue_config_from_mapping_rejects_unknown_settings() -> None:
    with pytest.raises(InvalidConfig) as e:
        queue_config_from_mapping({"queue_id": "sales", "colour": "red"})
    assert (e.value.key, e.value.reason) == ("queue sales.colour", "unknown setting")

"""Which calls are recorded: the facts of a call and the first enabled rule they match.

Facts come from the call's two legs. A trunk leg (FXO line or E1 B-channel) on the caller side
makes the call inbound, on the callee side outbound; two of the box's own phones (SIP or FXS) make
it internal. Rules are tried in id order; the first match decides the mode and the announcement.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from telephony.models.lines import PortSetting, TrunkGroup
from telephony.models.recording import RecordingRule

TRUNK_KINDS = ("fxo", "e1")


@dataclasses.dataclass(frozen=True)
class CallFacts:
    """What a rule can look at: the box's own parties, the queue, the trunk and the direction."""

    caller: str
    callee: str
    extensions: tuple[str, ...] = ()
    queue: str = ""
    queue_id: str = ""
    agent: str = ""
    trunk: str = ""  # the trunk leg's port: fxo1, e1/5
    trunk_groups: tuple[str, ...] = ()
    direction: str = "internal"


@dataclasses.dataclass(frozen=True)
class Decision:
    mode: str
    announce: bool
    trigger: str


def _leg_number(leg: Any) -> str:
    """The extension number of one of the box's own phones (a SIP extension or an FXS port)."""
    kind = getattr(leg, "kind", "")
    if kind == "sip":
        return leg.peer
    if kind == "fxs":
        row = PortSetting.get_or_none(PortSetting.port == leg.peer)
        return row.number if row is not None and row.number else leg.peer
    return ""


def _groups_of(port: str) -> tuple[str, ...]:
    span = port.split("/", 1)[0]
    return tuple(g.name for g in TrunkGroup.select() if {port, span} & set(g.member_list()))


def facts_of(call: Any) -> CallFacts:
    """Read the facts of a two-party call (a LineCall, a queue call) on the engine thread."""
    a, b = call.a, call.b
    a_kind, b_kind = getattr(a, "kind", ""), getattr(b, "kind", "")
    direction = "inbound" if a_kind in TRUNK_KINDS else "outbound" if b_kind in TRUNK_KINDS else "internal"
    trunk_leg = a if a_kind in TRUNK_KINDS else b if b_kind in TRUNK_KINDS else None
    trunk = trunk_leg.peer if trunk_leg is not None else ""
    extensions = tuple(n for n in (_leg_number(a), _leg_number(b)) if n)
    queue_id = str(getattr(call, "queue_id", "") or "")
    return CallFacts(
        caller=call.caller,
        callee=call.callee,
        extensions=extensions,
        queue=call.callee if queue_id else "",
        queue_id=queue_id,
        agent=str(getattr(call, "agent_id", "") or ""),
        trunk=trunk,
        trunk_groups=_groups_of(trunk) if trunk else (),
        direction=direction,
    )


def matches(rule: Any, facts: CallFacts) -> bool:
    """Whether one rule (kind, value) takes a call with these facts."""
    kind, value = rule.kind, rule.value
    if kind == "all":
        return True
    if kind == "extension":
        return value in facts.extensions or value in (facts.caller, facts.callee)
    if kind == "queue":
        return bool(facts.queue_id) and value in (facts.queue, facts.queue_id)
    if kind == "trunk":
        span = facts.trunk.split("/", 1)[0]
        return bool(facts.trunk) and (value in (facts.trunk, span) or value in facts.trunk_groups)
    if kind == "direction":
        return value == facts.direction
    return False


def decide(facts: CallFacts, rules: list[Any] | None = None) -> Decision | None:
    """The first enabled rule matching the call, as what to do; None records nothing."""
    if rules is None:
        rules = list(RecordingRule.select().where(RecordingRule.enabled).order_by(RecordingRule.id))
    for rule in rules:
        if rule.enabled and matches(rule, facts):
            return Decision(mode=rule.mode, announce=bool(rule.announce), trigger=f"rule:{rule.id}")
    return None

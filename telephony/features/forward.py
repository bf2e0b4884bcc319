"""Do-not-disturb, call forward (always / busy / no answer) and follow-me.

DND and forward-always act before a phone rings (a Router screen). Forward busy/no-answer and
follow-me act when the callee was busy or did not answer, before its mailbox (LineCall's
`_to_voicemail` asks `callee_failed`). A forward to an outside number goes through the dial rules
with the forwarding extension's permission class. Every forward notes the forwarding number on the
call (its CDR gets a `forwarded_by` leg); a number already on the call's path, or more than
HOP_LIMIT forwards, is a loop: it is logged and the forward is not followed.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from telephony.calls import dialplan
from telephony.calls.legs import BUSY, NO_ANSWER, CallLeg
from telephony.calls.line import LineCall
from telephony.features import common
from telephony.features.fork import ForkCall, Step

if TYPE_CHECKING:
    from telephony.features.service import FeatureService

log = logging.getLogger(__name__)


def loop_free(call: LineCall, owner: str, target: str) -> bool:
    """Whether `owner` may forward this call to `target` without a loop (logged when not)."""
    path = common.path_of(call)
    if target == owner or target in path or owner in path:
        log.warning(
            "call %s: forward loop %s -> %s (path %s): not followed",
            call.uniqueid,
            owner,
            target,
            " -> ".join(path) or "-",
        )
        return False
    if len(path) >= common.HOP_LIMIT:
        log.warning(
            "call %s: %d forwards (%s): hop limit reached, %s -> %s not followed",
            call.uniqueid,
            len(path),
            " -> ".join(path),
            owner,
            target,
        )
        return False
    return True


def reachable(owner: str, target: str) -> bool:
    """A forward may not reach what its owner cannot dial."""
    return dialplan.resolve(target, common.permission_of(owner)).kind not in ("none", "denied")


def screen(service: FeatureService, call: LineCall, digits: str, permission: str) -> bool:
    """Router screen: DND (busy treatment) and forward-always of the dialed extension."""
    row = common.features_of(digits)
    if row is None:
        return False
    if row.dnd:
        log.info("call %s: %s is on do-not-disturb", call.uniqueid, digits)
        busy_to = row.forward_busy
        if busy_to and loop_free(call, digits, busy_to) and reachable(digits, busy_to):
            common.mark_forwarded(call, digits, common.path_of(call))
            service.engine.router.route(call, busy_to, common.permission_of(digits))
            return True
        call.feature_dnd = True  # type: ignore[attr-defined]
        call.fail(BUSY)  # busy: the busy mailbox, else 486
        return True
    target = row.forward_always
    if target and loop_free(call, digits, target):
        if not reachable(digits, target):
            log.warning("call %s: %s forwards to %s, which it may not dial", call.uniqueid, digits, target)
            return False
        log.info("call %s: %s forwards all calls to %s", call.uniqueid, digits, target)
        common.mark_forwarded(call, digits, common.path_of(call))
        service.engine.router.route(call, target, common.permission_of(digits))
        return True
    return False


def callee_failed(service: FeatureService, call: LineCall, leg: CallLeg, callee: str, reason: str) -> bool:
    """The callee was busy or did not answer: forward or follow-me takes the caller (True), else the
    mailbox or the caller's refusal follows as before (False)."""
    if getattr(call, "features_done", False) or getattr(call, "feature_dnd", False):
        return False  # a fork of ours, or DND (its forward-busy was tried by the screen)
    row = common.features_of(callee)
    if row is None:
        return False
    target = row.forward_busy if reason == "busy" else row.forward_no_answer
    if target and loop_free(call, callee, target) and reachable(callee, target):
        log.info("call %s: %s %s, forwarding to %s", call.uniqueid, callee, reason, target)
        new = LineCall(service.engine, leg, call.caller, call.caller_name, callee)
        common.mark_forwarded(new, callee, common.path_of(call))
        service.engine.router.route(new, target, common.permission_of(callee))
        return True
    if not row.followme_enabled or not row.followme_list():
        return False
    numbers = [n for n in row.followme_list() if loop_free(call, callee, n)]
    if not numbers:
        return False
    seconds = float(max(5, row.followme_ring_seconds))
    if row.followme_mode == "together":
        steps = [Step(tuple(numbers), seconds)]
    else:
        steps = [Step((n,), seconds) for n in numbers]
    log.info("call %s: %s %s, follow-me %s (%s)", call.uniqueid, callee, reason, numbers, row.followme_mode)
    fork = ForkCall(
        service,
        leg,
        call.caller,
        call.caller_name,
        callee,
        steps,
        common.permission_of(callee),
        followme_exhausted,
        confirm=True,
    )
    common.mark_forwarded(fork, callee, common.path_of(call))
    fork.begin()
    return True


def followme_exhausted(fork: ForkCall) -> None:
    """Nobody accepted: the extension's mailbox (unanswered greeting) or 480."""
    fork.fail(NO_ANSWER)

"""Snapshot: per-queue counts for the wallboard, per-agent state for the supervisor."""

from __future__ import annotations

from telephony.acd.snapshot import AgentSnapshot, QueueSnapshot
from tests.acd.rig import Rig, queue


def _rig() -> Rig:
    agents = ["a1", "a2", "a3", "a4", "a5", "a6"]
    r = Rig(
        queue("q", agents, strategy="linear", wrap_up=30.0, callback_attempts=1),
        queue("p", ["a1"]),
        agents=agents,
    )
    r.login("a1", "a2", "a3", "a4", "a5")
    r.pause("a4", "lunch")
    r.arrive("c1")  # a1 answers
    r.answer(r.ringing("a1"))
    r.arrive("c2")  # a2 answers then wraps up
    r.answer(r.ringing("a2"))
    r.now = 5
    r.end("c2", 5)
    r.arrive("c3")  # a3 rings
    r.pause("a5", "break")
    r.now = 10
    r.arrive("c4")
    r.arrive("c5")
    r.callback("c5")
    return r


def test_snapshot_counts_each_queue_by_member_state() -> None:
    q = _rig().engine.snapshot(20.0).queue("q")
    assert q == QueueSnapshot(
        queue_id="q",
        strategy="linear",
        waiting=2,  # c3 ringing a3 and c4 on the line; c5 waits for a callback
        callbacks=1,
        longest_wait=15.0,  # c3, since 5
        estimated_wait=None,  # no call has finished its wrap-up yet
        serving=1,
        ringing=1,
        wrap_up=1,
        idle=0,
        paused=2,
        logged_out=1,
    )


def test_snapshot_estimates_the_wait_of_a_new_caller_once_handle_times_exist() -> None:
    r = _rig()
    r.run_until(35.0)  # a2's wrap-up ends: handle time 5 + 30; a2 takes c4
    q = r.engine.snapshot(35.0).queue("q")
    # c3 and c4 ringing on the line, a new caller would be 3rd; staffed a1, a2, a3
    assert (q.waiting, q.estimated_wait) == (2, 3 * 35.0 / 3)


def test_snapshot_counts_an_agent_in_every_queue_it_is_a_member_of() -> None:
    p = _rig().engine.snapshot(20.0).queue("p")
    assert (p.serving, p.idle, p.waiting) == (1, 0, 0)


def test_snapshot_gives_each_agent_state_time_in_state_and_current_call() -> None:
    snap = _rig().engine.snapshot(20.0)
    assert snap.agent("a1") == AgentSnapshot(
        "a1", "81", "", "on-call", 0.0, 20.0, "c1", "q", None, ("q", "p")
    )
    assert snap.agent("a2") == AgentSnapshot("a2", "82", "", "wrap-up", 5, 15.0, "c2", "q", None, ("q",))
    assert snap.agent("a3") == AgentSnapshot("a3", "83", "", "ringing", 5, 15.0, "c3", "q", None, ("q",))
    assert snap.agent("a4").state == "paused" and snap.agent("a4").pause_reason == "lunch"
    assert snap.agent("a6") == AgentSnapshot(
        "a6", "86", "", "logged-out", 0.0, 20.0, None, None, None, ("q",)
    )


def test_snapshot_shows_a_pending_pause_reason_while_on_a_call() -> None:
    r = _rig()
    r.pause("a1", "meeting")
    a1 = r.engine.snapshot(20.0).agent("a1")
    assert (a1.state, a1.pause_reason) == ("on-call", "meeting")

"""The span against the simulated carrier over the pty: calls outliving a short D-channel loss (T309),
RESTART when the D-channel comes up, a RESTART from the carrier, and a malformed one."""

from __future__ import annotations

import array
import logging

from hal import events
from hal.isdn.q931_call import CallTimers
from hal.ports import FRAME_BYTES, SILENCE
from tests.hal.e1.conftest import Rig, wait_until
from tests.support.audio import dominant, write_tone


def test_given_an_answered_call_when_los_is_shorter_than_t309_then_the_call_carries_on(rig: Rig, tmp_path):
    call_id, setup = rig.answered()
    mark = rig.log.mark()
    rig.carrier.los(True)
    rig.log.wait(events.SpanDown, since=mark)
    assert rig.span.sig.calls()[0]["held"] and rig.span.channels[setup.port].state() == "busy"
    rig.carrier.los(False)
    rig.log.wait(events.SpanUp, since=mark)
    # both ends asked the other for the call state and carry on
    rig.carrier.wait_for(
        lambda: {"status_enquiry", "status"} <= set(rig.carrier.event_names(call_id)),
        what="the status exchange",
    )
    wait_until(lambda: "held" not in rig.span.sig.calls()[0], what="the box's call no longer held")
    assert rig.log.of(events.E1Disconnect, since=mark) == []
    assert rig.span.sig.calls()[0]["state"] == "U10"
    assert [c["state"] for c in rig.carrier.calls() if c["call_id"] == call_id] == ["N10"]
    # audio still flows on the same B-channel: a 1 kHz tone from the carrier reaches the core's side
    channel = rig.span.channels[setup.port]
    rig.carrier.play(setup.port, write_tone(tmp_path / "in.wav", 1000, seconds=1.0))
    tone = bytearray()

    def heard() -> bool:
        while channel.audio.available():
            frame = channel.audio.read_frame()
            if frame != SILENCE:
                tone.extend(frame)
        return len(tone) >= 20 * FRAME_BYTES

    wait_until(heard, what="the carrier's tone at the box after LOS")
    assert dominant(array.array("h", bytes(tone)), [440, 1000, 1400]) == 1000
    rig.span.hangup(setup.call_ref, 16)
    rig.carrier.wait_for(
        lambda: [e.get("cause") for e in rig.carrier.events(call_id) if e["event"] == "disconnect"] == [16],
        what="DISCONNECT 16 at the carrier",
    )


def test_given_an_alerting_call_when_los_happens_then_it_is_cleared_at_once_with_41(make_rig):
    rig = make_rig({"call_timers": CallTimers(t309=30.0)})
    _, setup = rig.incoming()
    rig.span.alerting(setup.call_ref)
    rig.carrier.wait_for(lambda: rig.carrier.calls()[0]["state"] == "N7", what="alerting at the carrier")
    mark = rig.log.mark()
    rig.carrier.los(True)
    assert rig.log.wait(events.E1Disconnect, since=mark, call_ref=setup.call_ref, timeout=2.0).cause == 41
    assert rig.span.pool.free_count() == 30


def test_given_restart_on_link_up_the_span_is_up_only_after_the_carrier_acknowledged(make_rig):
    rig = make_rig({"restart_on_link_up": True, "call_timers": CallTimers(t309=1.0)})
    assert rig.carrier.sig.restarts_received == 1  # SpanUp came after the RESTART ACKNOWLEDGE
    assert all(ch.state() == "idle" for ch in rig.span.channels.values())
    _, setup = rig.answered()
    mark = rig.log.mark()
    rig.carrier.los(True)
    rig.log.wait(events.E1Disconnect, since=mark, call_ref=setup.call_ref)  # after T309
    rig.carrier.los(False)
    rig.log.wait(events.SpanUp, since=mark)
    assert rig.carrier.sig.restarts_received == 2  # the link came back with no call left
    rig.answered()


def test_given_answered_calls_when_the_carrier_restarts_then_they_clear_with_41_and_channels_go_idle(
    rig: Rig,
):
    calls = [rig.answered(f"1380013800{n}", "8001") for n in range(3)]
    mark = rig.log.mark()
    rig.carrier.restart()
    for _, setup in calls:
        assert rig.log.wait(events.E1Disconnect, since=mark, call_ref=setup.call_ref).cause == 41
    rig.carrier.wait_for(lambda: rig.carrier.sig.up, what="the carrier's RESTART acknowledged")
    assert all(ch.state() == "idle" for ch in rig.span.channels.values())
    assert rig.span.state() == "up" and rig.log.of(events.SpanDown, since=mark) == []
    for call_id, _ in calls:  # cleared locally: the box sent no clearing message for them
        assert not {"disconnect", "release", "release_complete"} & set(rig.carrier.event_names(call_id))
    rig.answered()


def test_a_malformed_restart_from_the_carrier_is_refused_and_logged_and_the_call_stays(rig: Rig, caplog):
    _, setup = rig.answered()
    with caplog.at_level(logging.WARNING, logger="hal.e1.pri"):
        rig.carrier.sig.link.send_data(bytes.fromhex("08 02 00 00 46 79 01 80"))  # channels, none named
        wait_until(lambda: rig.span.sig.bad_messages == 1, what="the RESTART refused")
    assert "RESTART rejected (cause 96)" in caplog.text
    assert rig.span.state() == "up" and rig.span.sig.timeslot_of(setup.call_ref) == 1
    assert rig.log.of(events.E1Disconnect) == []

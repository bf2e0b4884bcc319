"""The E1 span through the real driver over a pty, against the simulated carrier: calls, alarms,
bad input and audio, end to end."""

from __future__ import annotations

import threading
import time

import pytest

from hal import events
from hal.e1.errors import NoChannelAvailable, SpanNotReady
from hal.isdn.q931_call import CallTimers
from hal.ports import FRAME_BYTES, SILENCE
from tests.hal.e1.conftest import Rig, wait_until
from tests.support.audio import dominant, read_pcm, write_tone


def test_span_comes_up_with_30_idle_b_channels(rig: Rig):
    assert rig.span.state() == "up"
    assert list(rig.span.channels) == [f"e1/{n}" for n in range(1, 31)]
    assert {ch.state() for ch in rig.span.channels.values()} == {"idle"}
    assert rig.carrier.config == {"framing": 1, "line_code": 0}  # CRC-4, HDB3 sent by the driver
    assert rig.span.info()["line"]["connected"]


def test_incoming_setup_reaches_the_core_and_answer_sends_connect(rig: Rig):
    call_id, setup = rig.incoming("13800138000", "8001")
    assert (setup.port, setup.calling, setup.called) == ("e1/1", "13800138000", "8001")
    assert rig.span.channel_of(setup.call_ref) == "e1/1" and rig.span.channels["e1/1"].state() == "busy"
    rig.span.proceeding(setup.call_ref)
    rig.span.alerting(setup.call_ref)
    rig.span.answer(setup.call_ref)
    rig.carrier.wait_for(lambda: "connect" in rig.carrier.event_names(call_id))
    assert rig.carrier.event_names(call_id)[:3] == ["call_proceeding", "alerting", "connect"]
    assert rig.carrier.events(call_id)[0]["channel"] == 1
    rig.carrier.wait_for(lambda: rig.carrier.calls()[0]["state"] == "N10", what="active at the carrier")


@pytest.mark.parametrize("cause", [16, 17])
def test_carrier_hangup_clears_the_call_with_its_cause(rig: Rig, cause):
    call_id, setup = rig.answered()
    rig.carrier.hangup(call_id, cause)
    gone = rig.log.wait(events.E1Disconnect, call_ref=setup.call_ref)
    assert (gone.port, gone.cause) == ("e1/1", cause)
    rig.carrier.wait_for(lambda: "released" in rig.carrier.event_names(call_id))
    assert rig.carrier.event_names(call_id)[-2:] == ["release", "released"]
    wait_until(lambda: rig.span.channels["e1/1"].state() == "idle", what="channel idle")


def test_box_hangup_clears_the_call_with_its_cause(rig: Rig):
    call_id, setup = rig.answered()
    rig.span.hangup(setup.call_ref, 16)
    rig.carrier.wait_for(lambda: "released" in rig.carrier.event_names(call_id))
    seen = rig.carrier.events(call_id)
    assert [(e["event"], e.get("cause")) for e in seen if e["event"] == "disconnect"] == [("disconnect", 16)]
    assert rig.log.of(events.E1Disconnect) == []  # the core cleared: nothing to tell it
    wait_until(lambda: rig.span.channels["e1/1"].state() == "idle")


def test_refusing_an_offered_call_sends_release_complete_with_the_cause(rig: Rig):
    call_id, setup = rig.incoming()
    rig.span.hangup(setup.call_ref, 17)
    rig.carrier.wait_for(lambda: "release_complete" in rig.carrier.event_names(call_id))
    assert rig.carrier.events(call_id)[-2]["cause"] == 17


def test_outbound_call_carries_the_numbers_and_reports_answer(rig: Rig):
    ref = rig.span.place_call("8001", "13800138000")
    rig.log.wait(events.E1Proceeding, call_ref=ref)
    call = rig.carrier.wait_for(lambda: [c for c in rig.carrier.calls() if c["direction"] == "from_box"])[0]
    assert (call["calling"], call["called"], call["channel"]) == ("8001", "13800138000", 30)
    setup = rig.carrier.events(call["call_id"])[0]
    assert (setup["event"], setup["calling"], setup["called"]) == ("setup", "8001", "13800138000")
    rig.carrier.alert(call["call_id"])
    assert rig.log.wait(events.E1Alerting, call_ref=ref).port == "e1/30"
    rig.carrier.answer(call["call_id"])
    assert rig.log.wait(events.E1Connect, call_ref=ref).port == "e1/30"
    rig.carrier.hangup(call["call_id"], 16)
    assert rig.log.wait(events.E1Disconnect, call_ref=ref).cause == 16


def test_all_30_channels_busy_then_a_31st_call_gets_cause_34(rig: Rig):
    mark = rig.log.mark()
    ids = [rig.carrier.call(f"1380013{n:04d}", "8001") for n in range(30)]
    for n in range(30):
        setup = rig.log.wait(events.E1Setup, since=mark, calling=f"1380013{n:04d}")
        rig.span.answer(setup.call_ref)
    rig.carrier.wait_for(lambda: all("connect" in rig.carrier.event_names(i) for i in ids), 10, "30 CONNECTs")
    assert {ch.state() for ch in rig.span.channels.values()} == {"busy"}
    extra = rig.carrier.call("13900000000", "8001")
    rig.carrier.wait_for(lambda: "release_complete" in rig.carrier.event_names(extra), what="31st refused")
    assert rig.carrier.events(extra)[0]["cause"] == 34
    assert len(rig.log.of(events.E1Setup, since=mark)) == 30
    with pytest.raises(NoChannelAvailable) as refused:
        rig.span.place_call("8001", "13800138000")
    assert refused.value.cause == 34


T309 = 1.5  # shortened so the tests that outlast it stay quick; the default (6 s) is in test_pri_t309.py


def test_los_takes_the_span_down_and_back_up(make_rig):
    rig = make_rig({"call_timers": CallTimers(t309=T309)})
    _, setup = rig.answered()
    mark = rig.log.mark()
    rig.carrier.los(True)
    lost = time.monotonic()
    rig.log.wait(events.SpanAlarm, since=mark, alarm="LOS", on=True)
    down = rig.log.wait(events.SpanDown, since=mark)
    assert "LOS" in down.reason and rig.span.state() == "alarm"
    # the answered call is held for T309, then cleared with cause 41
    assert rig.log.wait(events.E1Disconnect, since=mark, call_ref=setup.call_ref).cause == 41
    assert time.monotonic() - lost >= T309 - 0.1
    assert rig.span.channels["e1/5"].state() == "blocked"
    with pytest.raises(SpanNotReady):
        rig.span.place_call("8001", "110")
    mark = rig.log.mark()
    rig.carrier.los(False)
    rig.log.wait(events.SpanAlarm, since=mark, alarm="LOS", on=False)
    rig.log.wait(events.SpanUp, since=mark)
    assert rig.span.state() == "up"
    rig.carrier.wait_for(lambda: rig.carrier.link_up)
    rig.answered()  # calls work again


@pytest.mark.parametrize("alarm", ["AIS", "RAI", "LOF"])
def test_other_alarms_are_reported_and_take_the_span_down(rig: Rig, alarm):
    rig.carrier.alarm(alarm, True)
    rig.log.wait(events.SpanAlarm, alarm=alarm, on=True)
    rig.log.wait(events.SpanDown)
    mark = rig.log.mark()
    rig.carrier.alarm(alarm, False)
    rig.log.wait(events.SpanUp, since=mark)


def test_garbage_on_the_uart_is_dropped_and_the_link_stays_up(rig: Rig):
    _, setup = rig.answered()
    rig.carrier.garbage(b"\x00\xff\x13\x37 line noise \x7e\x01\x02\x03\x7e\x7d\x7e" + bytes(range(256)))
    rig.carrier.sig.link.send_data(b"\x08\x02\x00")  # a LAPD-valid frame with a broken Q.931 message
    rig.carrier.sig_transmit(b"\x02")  # a truncated LAPD frame
    wait_until(lambda: rig.span.line.stats()["garbage_bytes"] > 200, what="garbage counted")
    wait_until(
        lambda: rig.span.sig.link.discarded >= 1 and rig.span.sig.bad_messages >= 1, what="bad frames counted"
    )
    rig.answered("13911112222", "8002")  # the link still carries calls
    assert rig.log.of(events.SpanDown) == [] and rig.span.state() == "up"
    assert rig.span.sig.timeslot_of(setup.call_ref) == 1  # the first call survived


def test_serial_link_drop_faults_the_span_and_it_recovers(make_rig):
    rig = make_rig({"call_timers": CallTimers(t309=T309)})
    _, setup = rig.answered()
    mark = rig.log.mark()
    rig.carrier.unplug()
    fault = rig.log.wait(events.PortFaulted, since=mark)
    assert fault.port == "e1" and "serial" in fault.reason
    rig.log.wait(events.SpanDown, since=mark)
    assert rig.log.wait(events.E1Disconnect, since=mark, call_ref=setup.call_ref).cause == 41
    assert rig.span.state() == "faulty" and rig.span.channels["e1/1"].state() == "faulty"
    mark = rig.log.mark()
    rig.carrier.replug()
    rig.log.wait(events.PortRecovered, since=mark)
    rig.log.wait(events.SpanUp, since=mark)
    rig.carrier.wait_for(lambda: rig.carrier.link_up)
    rig.answered()


def _collect_tone(audio, frames: int, timeout: float = 5.0) -> bytes:
    got: list[bytes] = []
    deadline = time.monotonic() + timeout
    while len(got) < frames and time.monotonic() < deadline:
        frame = audio.read_frame()
        if frame != SILENCE and max(frame) > 0:
            got.append(frame)
        else:
            time.sleep(0.005)
    assert len(got) == frames, f"only {len(got)} audio frames arrived"
    return b"".join(got)


def test_audio_flows_both_ways_on_a_b_channel(rig: Rig, tmp_path):
    import array

    _, setup = rig.answered()
    channel = rig.span.channels[setup.port]
    # carrier -> box: a 1 kHz tone played into the B-channel arrives as 1 kHz at the core's side
    rig.carrier.play(1, write_tone(tmp_path / "in.wav", 1000, seconds=1.0))
    received = array.array("h", _collect_tone(channel.audio, 25))
    assert dominant(received, [440, 1000, 1400]) == 1000
    # box -> carrier: the core writes 440 Hz frames (paced at 20 ms, like pjmedia's clock)
    tone = read_pcm(write_tone(tmp_path / "out.wav", 440, seconds=2.0)).tobytes()
    stop = threading.Event()

    def feed() -> None:
        n = 0
        while not stop.wait(0.02):
            channel.audio.write_frame(tone[n : n + FRAME_BYTES])
            n = (n + FRAME_BYTES) % (len(tone) - FRAME_BYTES)

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    try:
        rig.carrier.wait_for(lambda: channel.audio.frames_out > 5, what="audio written")
        path = rig.carrier.record(1, tmp_path / "rec.wav", seconds=0.6)
    finally:
        stop.set()
        feeder.join()
    samples = read_pcm(path)
    assert len(samples) == 0.6 * 8000
    assert dominant(samples[800:], [440, 1000, 1400]) == 440

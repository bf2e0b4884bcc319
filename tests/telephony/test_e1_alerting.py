"""End to end: a SIP phone calls out over the E1 and the carrier rings before it answers (or is busy).

A private box (kamailio, pbx-core, webadmin) runs the simulated board; the simulated carrier is set to
alert-only (ALERTING, then wait) or busy with the /sim verbs and `pbxctl sim e1 ...`. The SIP caller
must hear the core's ringback (China: 450 Hz, 1 s on / 4 s off) while the carrier alerts, then talk
both ways once the carrier answers; audio is measured by Goertzel on what each end records.
"""

from __future__ import annotations

import concurrent.futures
import subprocess
import sys
from pathlib import Path

import pytest

from telephony.control.client import ControlClient
from tests.support import audio
from tests.support.box import Box, wait_until

SECRET = "Secr3tPass9"
FREQS = [450, 600, 1000, 1400]
PBXCTL = Path(sys.executable).with_name("pbxctl")
FRAME = 160  # 20 ms of 8 kHz samples


@pytest.fixture(scope="module")
def e1_box(tmp_path_factory):
    box = Box(tmp_path_factory.mktemp("e1-alerting"), rtp_port=27000).start()
    from telephony.models.lines import DialRule, TrunkGroup

    box.add_extension("1001", SECRET, "Alice")
    box.db()
    carrier = TrunkGroup.create(name="carrier", kind="e1", members="e1")
    DialRule.create(prefix="9", min_length=2, strip=1, trunk_group=carrier, permission="national")
    wait_until(lambda: box.control.get("/status")["ports_summary"], 10, "the board's ports")
    wait_until(lambda: routing(box), 20, "the E1 span up and in routing")
    yield box
    box.stop()


@pytest.fixture
def phones(phone_host, e1_box, tmp_path):
    def make(number: str, port_range: int = 20):
        phone = phone_host.phone(e1_box.sip, number, SECRET, port_range=port_range)
        phone.record_dir = tmp_path
        phone_host.wait(lambda: phone.registered, 10, f"{number} registered")
        return phone

    yield make
    phone_host.drop_phones()


@pytest.fixture
def tones(tmp_path):
    # Short: a phone's unplayed mouthpiece audio would otherwise still be queued at its next dial.
    return {f: audio.write_tone(tmp_path / f"tone-{f}.wav", f, seconds=3.0) for f in (600, 1000)}


def sim(box: Box, verb: str, **args):
    # record blocks in the core until the far end is done: allow more than the default 5 s
    return ControlClient(box.cfg.control_url, timeout=30).post(f"/sim/{verb}", args)["result"]


def pbxctl(box: Box, *args: str) -> str:
    proc = subprocess.run(
        [str(PBXCTL), *args], capture_output=True, text=True, env=box.env, timeout=60, check=False
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def routing(box: Box) -> bool:
    return next(r for r in box.control.get("/ports") if r["name"] == "e1").get("routing", False)


def carrier_calls(box: Box) -> list[dict]:
    row = next(r for r in box.control.get("/sim/ports")["result"] if r["name"] == "e1")
    return row["far_end"]["calls"]


def carrier_events(box: Box, call_id: int) -> list[dict]:
    return [e for e in sim(box, "events", port="e1") if e.get("call_id") == call_id]


def placed(box: Box, number: str) -> dict | None:
    """The live carrier call the box placed to `number`, once its SETUP arrived."""
    calls = [c for c in carrier_calls(box) if c["called"] == number and c["state"] != "released"]
    return calls[0] if calls else None


def cdr_after(box: Box, phone_host, count: int):
    phone_host.wait(lambda: len(box.cdrs()) > count, 10, "the CDR row")
    return box.cdrs()[-1]


def record_port(box: Box, phone_host, port: str, path: Path, seconds: float = 1.0):
    """Record what the carrier hears while the test's SIP phones keep being pumped."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        fut = pool.submit(sim, box, "record", port=port, file=str(path), seconds=seconds)
        phone_host.wait(fut.done, seconds + 15, f"recording {port}")
        fut.result()
    return audio.read_pcm(path)


def heard_on_phone(call, phone_host, seconds: float = 1.5):
    start = call.recorded_seconds()
    phone_host.wait(lambda: call.recorded_seconds() > start + seconds, 10, "audio at the SIP phone")
    return audio.read_pcm(call.record_path)[-4000:]


def assert_ringback(call, phone_host) -> None:
    """The caller hears China ringback: a 450 Hz burst of 1 s, then silence (the 4 s off)."""
    phone_host.wait(lambda: call.recorded_seconds() > 2.8, 15, "early media (ringback) at the caller")
    samples = audio.read_pcm(call.record_path)[: int(2.8 * audio.RATE)]
    loud = [audio.rms(samples[i : i + FRAME]) > 500 for i in range(0, len(samples) - FRAME + 1, FRAME)]
    assert True in loud, "nothing heard in the first 2.8 s of early media"
    first = loud.index(True)
    frames = next((n for n, on in enumerate(loud[first:]) if not on), len(loud) - first)
    assert 0.9 <= frames * 0.02 <= 1.1, f"a ringback burst of {frames * 20} ms, expected 1000 ms"
    burst = samples[(first + 2) * FRAME : (first + frames - 2) * FRAME]
    others = max(audio.goertzel(burst, f) for f in FREQS if f != 450)
    assert audio.goertzel(burst, 450) > 10 * others, "the burst is not a 450 Hz tone"
    after = samples[(first + frames + 1) * FRAME : (first + frames + 40) * FRAME]
    assert len(after) == 39 * FRAME and audio.rms(after) < 200, "no silence after the ringback burst"


@pytest.mark.parametrize("who_hangs_up", ["caller", "carrier"])
def test_sip_call_out_on_e1_hears_ringback_while_the_carrier_alerts_then_talks_and_clears(
    e1_box, phones, phone_host, tones, tmp_path, who_hangs_up
):
    number = "13800138000" if who_hangs_up == "caller" else "13800138001"
    sim(e1_box, "e1_answer_mode", mode="alert", number=number)
    alice = phones("1001")
    alice.play_path = tones[1000]
    before = len(e1_box.cdrs())
    call = alice.call(f"9{number}")
    phone_host.wait(lambda: placed(e1_box, number), 10, "SETUP at the carrier")
    carrier_call = placed(e1_box, number)
    assert carrier_call["calling"] == "1001" and carrier_call["mode"] == "alert"
    phone_host.wait(lambda: 183 in call.codes, 10, "183 Session Progress after ALERTING")
    assert_ringback(call, phone_host)
    assert not call.confirmed and placed(e1_box, number)["state"] == "N4"  # still ringing (N4: alerting)

    sim(e1_box, "e1_answer", call=carrier_call["call_id"])
    phone_host.wait(lambda: call.confirmed, 10, "200 OK at the caller once the carrier answered")
    channel = f"e1/{carrier_call['channel']}"
    sim(e1_box, "play", port=channel, file=str(tones[600]))
    heard = heard_on_phone(call, phone_host)
    assert audio.rms(heard) > 500 and audio.dominant(heard, FREQS) == 600
    at_carrier = record_port(e1_box, phone_host, channel, tmp_path / "e1.wav")
    assert audio.rms(at_carrier) > 500 and audio.dominant(at_carrier, FREQS) == 1000

    call_id = carrier_call["call_id"]
    if who_hangs_up == "caller":
        call.hangup_now()

        def disconnect() -> list:
            return [e.get("cause") for e in carrier_events(e1_box, call_id) if e["event"] == "disconnect"]

        phone_host.wait(disconnect, 10, "DISCONNECT at the carrier")
        assert disconnect() == [16]
    else:
        sim(e1_box, "e1_hangup", call=call_id, cause=16)
        phone_host.wait(lambda: call.disconnected, 10, "BYE to the caller")

        def release() -> list:
            return [e.get("cause") for e in carrier_events(e1_box, call_id) if e["event"] == "release"]

        phone_host.wait(release, 10, "the box's RELEASE at the carrier")
        assert release() == [16]
    cdr = cdr_after(e1_box, phone_host, before)
    assert (cdr.caller, cdr.callee, cdr.disposition) == ("1001", f"9{number}", "ANSWERED")
    assert cdr.hangup_by == ("caller" if who_hangs_up == "caller" else "callee")
    assert "e1/" in " ".join(leg.peer for leg in cdr.legs)
    phone_host.wait(lambda: placed(e1_box, number) is None, 10, "the carrier's call released")


@pytest.mark.parametrize("when", ["mode", "while_ringing"])
def test_carrier_busy_gives_the_sip_caller_486(e1_box, phones, phone_host, when):
    number = "13800138002" if when == "mode" else "13800138003"
    pbxctl(e1_box, "sim", "e1", "mode", "busy" if when == "mode" else "alert", "--number", number)
    alice = phones("1001")
    before = len(e1_box.cdrs())
    call = alice.call(f"9{number}")
    if when == "while_ringing":
        phone_host.wait(lambda: 183 in call.codes, 10, "183 Session Progress after ALERTING")
        carrier_call = placed(e1_box, number)
        out = pbxctl(e1_box, "sim", "e1", "busy", str(carrier_call["call_id"]))
        assert "done" in out
    phone_host.wait(lambda: call.disconnected, 10, "the busy answer")
    assert call.last_code == 486
    cdr = cdr_after(e1_box, phone_host, before)
    assert (cdr.callee, cdr.disposition, cdr.status_code) == (f"9{number}", "BUSY", 486)

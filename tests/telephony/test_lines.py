"""End to end: calls between analog phones (FXS), the PSTN (FXO), the E1 carrier and SIP phones.

A private box (kamailio, pbx-core, webadmin) runs the simulated board's real drivers; the test acts
as the far ends through the control API's /sim verbs and as SIP phones with pjsua2. Audio is proven
by playing a tone at one end and finding it, by Goertzel, in what the other end records.
"""

from __future__ import annotations

import concurrent.futures

import pytest

from telephony.control.client import ControlClient
from telephony.errors import ControlError
from tests.support import audio
from tests.support.box import Box, wait_until

SECRET = "Secr3tPass9"
FREQS = [450, 600, 1000, 1400]


@pytest.fixture(scope="module")
def line_box(tmp_path_factory):
    box = Box(tmp_path_factory.mktemp("lines"), rtp_port=25000).start()
    from telephony.models.lines import DialRule, InboundRoute, PortSetting, TrunkGroup

    box.add_extension("1001", SECRET, "Alice")
    for n in range(4):  # one pjsua2 test phone has RTP ports for 10 calls: 30 E1 calls need 4
        box.add_extension(f"101{n}", SECRET, f"Agent {n}")
    box.db()
    PortSetting.create(port="fxs1", number="2001", caller_id_name="Lobby", permission="international")
    PortSetting.create(port="fxs2", number="2002", caller_id_name="Store")
    PortSetting.create(port="fxs3", number="2003", permission="internal")
    pstn = TrunkGroup.create(name="pstn", kind="fxo", members="fxo1,fxo2")
    carrier = TrunkGroup.create(name="carrier", kind="e1", members="e1")
    DialRule.create(prefix="0", min_length=2, strip=1, trunk_group=pstn, permission="local")
    DialRule.create(prefix="9", min_length=2, strip=1, trunk_group=carrier, permission="national")
    InboundRoute.create(trunk="e1", did="88001234", destination="1001")
    InboundRoute.create(trunk="fxo1", destination="1001")
    for n in range(4):
        InboundRoute.create(trunk="e1", did=f"8800101{n}", destination=f"101{n}")
    wait_until(lambda: box.control.get("/status")["ports_summary"], 10, "the board's ports")
    yield box
    box.stop()


@pytest.fixture
def phones(phone_host, line_box, tmp_path):
    def make(number: str, port_range: int = 20):
        phone = phone_host.phone(line_box.sip, number, SECRET, port_range=port_range)
        phone.record_dir = tmp_path
        phone_host.wait(lambda: phone.registered, 10, f"{number} registered")
        return phone

    yield make
    phone_host.drop_phones()


@pytest.fixture
def tones(tmp_path):
    # Short: a phone's unplayed mouthpiece audio would otherwise still be queued at its next dial.
    return {f: audio.write_tone(tmp_path / f"tone-{f}.wav", f, seconds=3.0) for f in (600, 1000, 1400)}


def sim(box: Box, verb: str, **args):
    # dial and record block in the core until the far end is done: allow more than the default 5 s
    return ControlClient(box.cfg.control_url, timeout=30).post(f"/sim/{verb}", args)["result"]


def hang_up(box: Box, *ports: str) -> None:
    """Put handsets down and wait until the core saw it (a quick lift would count as a hook flash)."""
    for port in ports:
        sim(box, "onhook", port=port)

    def idle() -> bool:
        rows = {r["name"]: r for r in box.control.get("/ports")}
        return all(rows[p]["call_state"] == "idle" for p in ports)

    wait_until(idle, 10, f"{', '.join(ports)} idle")


def events(box: Box, port: str) -> list[dict]:
    return sim(box, "events", port=port)


def cdr_after(box: Box, count: int):
    wait_until(lambda: len(box.cdrs()) > count, 10, "the CDR row")
    return box.cdrs()[-1]


def record_port(box: Box, phone_host, port: str, path, seconds: float = 1.0):
    """Record what a simulated far end hears while the test's SIP phones keep being pumped."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        fut = pool.submit(sim, box, "record", port=port, file=str(path), seconds=seconds)
        phone_host.wait(fut.done, seconds + 15, f"recording {port}")
        fut.result()
    return audio.read_pcm(path)


def window_intervals(before: dict, after: dict) -> list[float]:
    """The frame intervals (ms, bucket starts) a port's FrameTiming histogram gained between two reads."""
    out: list[float] = []
    for bucket, count in after["hist"].items():
        out += [int(bucket) * after["bucket_ms"]] * (count - before["hist"].get(bucket, 0))
    return sorted(out)


def heard_on_phone(call, phone_host, seconds: float = 1.5):
    start = call.recorded_seconds()
    phone_host.wait(lambda: call.recorded_seconds() > start + seconds, 10, "audio at the SIP phone")
    return audio.read_pcm(call.record_path)[-4000:]


def test_fxs_phone_calls_sip_extension_with_audio_both_ways(line_box, phones, phone_host, tones, tmp_path):
    alice = phones("1001")
    alice.play_path = tones[1000]
    before = len(line_box.cdrs())
    sim(line_box, "offhook", port="fxs1")
    try:
        wait_until(lambda: any(e["type"] == "tone" for e in events(line_box, "fxs1")), 5, "dial tone")
        sim(line_box, "dial", port="fxs1", digits="1001")
        phone_host.wait(lambda: alice.incoming and alice.incoming[-1].confirmed, 10, "1001 answered")
        incoming = alice.incoming[-1]
        assert "2001" in incoming.invite and "P-Asserted-Identity" in incoming.invite
        sim(line_box, "play", port="fxs1", file=str(tones[600]))
        heard = heard_on_phone(incoming, phone_host)
        assert audio.rms(heard) > 500 and audio.dominant(heard, FREQS) == 600
        at_fxs = record_port(line_box, phone_host, "fxs1", tmp_path / "fxs1.wav")
        assert audio.rms(at_fxs) > 500 and audio.dominant(at_fxs, FREQS) == 1000
        incoming.hangup_now()
        phone_host.wait(lambda: incoming.disconnected, 10, "hangup")
        cdr = cdr_after(line_box, before)
        assert (cdr.caller, cdr.caller_name, cdr.callee, cdr.disposition) == (
            "2001",
            "Lobby",
            "1001",
            "ANSWERED",
        )
        assert sorted(leg.peer for leg in cdr.legs) == ["1001", "fxs1"]
    finally:
        hang_up(line_box, "fxs1")


def test_sip_extension_calls_fxs_phone_which_sees_caller_id(line_box, phones, phone_host, tones, tmp_path):
    alice = phones("1001")
    alice.play_path = tones[1000]
    before = len(line_box.cdrs())
    call = alice.call("2002")
    phone_host.wait(
        lambda: any(e["type"] == "ring-start" for e in events(line_box, "fxs2")), 10, "fxs2 to ring"
    )
    phone_host.wait(lambda: "1001" in str(events(line_box, "fxs2")), 10, "caller ID 1001 on fxs2")
    sim(line_box, "offhook", port="fxs2")
    try:
        phone_host.wait(lambda: call.confirmed, 10, "the call answered")
        sim(line_box, "play", port="fxs2", file=str(tones[600]))
        heard = heard_on_phone(call, phone_host)
        assert audio.dominant(heard, FREQS) == 600
        at_fxs = record_port(line_box, phone_host, "fxs2", tmp_path / "fxs2.wav")
        assert audio.dominant(at_fxs, FREQS) == 1000
    finally:
        hang_up(line_box, "fxs2")
    phone_host.wait(lambda: call.disconnected, 10, "BYE after on-hook")
    cdr = cdr_after(line_box, before)
    assert (cdr.caller, cdr.callee, cdr.disposition, cdr.hangup_by) == ("1001", "2002", "ANSWERED", "callee")


def tone_ends(box: Box, port: str) -> list[int]:
    return [e["on_ms"] for e in events(box, port) if e["type"] == "tone-end"]


def test_fxs_to_fxs_call_carries_audio_and_far_hangup_gives_busy_tone(line_box, tones, tmp_path, phone_host):
    before = len(line_box.cdrs())
    sim(line_box, "offhook", port="fxs1")
    try:
        sim(line_box, "dial", port="fxs1", digits="2002")
        wait_until(lambda: "2001" in str(events(line_box, "fxs2")), 10, "fxs2 rings with caller ID 2001")
        sim(line_box, "offhook", port="fxs2")
        sim(line_box, "play", port="fxs1", file=str(tones[1400]))
        frames0 = line_box.control.get("/ports/frames")["fxs2"]
        at_fxs2 = record_port(line_box, phone_host, "fxs2", tmp_path / "fxs2.wav")
        assert audio.rms(at_fxs2) > 500 and audio.dominant(at_fxs2, FREQS) == 1400
        frames1 = line_box.control.get("/ports/frames")["fxs2"]
        for direction in ("to_core", "to_line"):  # the core's own frame clock served fxs2 every 20 ms
            intervals = window_intervals(frames0[direction], frames1[direction])
            assert len(intervals) >= 40 and 19.0 <= intervals[len(intervals) // 2] <= 21.0
        assert frames1["dropped"] == frames0["dropped"]
        sim(line_box, "play", port="fxs2", file=str(tones[600]))
        at_fxs1 = record_port(line_box, phone_host, "fxs1", tmp_path / "fxs1.wav")
        assert audio.dominant(at_fxs1, FREQS) == 600
        mark = len(events(line_box, "fxs1"))
        sim(line_box, "onhook", port="fxs2")
        wait_until(
            lambda: any(abs(e.get("on_ms", 0) - 350) <= 60 for e in events(line_box, "fxs1")[mark:]),
            10,
            "busy tone cadence (350 ms) at fxs1",
        )
    finally:
        hang_up(line_box, "fxs1", "fxs2")
    cdr = cdr_after(line_box, before)
    assert (cdr.caller, cdr.callee, cdr.disposition, cdr.hangup_by) == ("2001", "2002", "ANSWERED", "callee")


def test_digits_matching_no_route_give_congestion_and_a_failed_cdr(line_box):
    before = len(line_box.cdrs())
    sim(line_box, "offhook", port="fxs1")
    try:
        mark = len(events(line_box, "fxs1"))
        sim(line_box, "dial", port="fxs1", digits="777#")
        wait_until(
            lambda: any(abs(e.get("on_ms", 0) - 700) <= 60 for e in events(line_box, "fxs1")[mark:]),
            10,
            "congestion tone cadence (700 ms)",
        )
    finally:
        hang_up(line_box, "fxs1")
    cdr = cdr_after(line_box, before)
    assert (cdr.caller, cdr.callee, cdr.disposition) == ("2001", "777", "FAILED")


def carrier_events(box: Box, call_id: int) -> list[dict]:
    return [e for e in events(box, "e1") if e.get("call_id") == call_id]


def carrier_call(box: Box, call_id: int) -> dict:
    row = next(r for r in box.control.get("/sim/ports")["result"] if r["name"] == "e1")
    return next(c for c in row["far_end"]["calls"] if c["call_id"] == call_id)


def test_inbound_e1_did_reaches_extension_connect_and_audio_then_phone_hangs_up_normal(
    line_box, phones, phone_host, tones, tmp_path
):
    alice = phones("1001")
    alice.play_path = tones[1000]
    before = len(line_box.cdrs())
    call_id = sim(line_box, "e1_call", calling="13800138000", called="88001234", display="Zhang San")
    phone_host.wait(lambda: alice.incoming and alice.incoming[-1].confirmed, 10, "1001 answered")
    incoming = alice.incoming[-1]
    assert "13800138000" in incoming.invite
    assert '"Zhang San" <sip:13800138000@' in incoming.invite  # the carrier's Display IE names the caller
    phone_host.wait(
        lambda: "connect" in [e["event"] for e in carrier_events(line_box, call_id)],
        10,
        "CONNECT at the carrier",
    )
    channel = f"e1/{carrier_call(line_box, call_id)['channel']}"
    sim(line_box, "play", port=channel, file=str(tones[600]))
    heard = heard_on_phone(incoming, phone_host)
    assert audio.dominant(heard, FREQS) == 600
    at_carrier = record_port(line_box, phone_host, channel, tmp_path / "e1.wav")
    assert audio.dominant(at_carrier, FREQS) == 1000
    incoming.hangup_now()

    def cleared() -> list:
        return [e for e in carrier_events(line_box, call_id) if e["event"] == "disconnect"]

    phone_host.wait(cleared, 10, "DISCONNECT at the carrier")
    assert cleared()[0]["cause"] == 16
    cdr = cdr_after(line_box, before)
    assert (cdr.caller, cdr.callee, cdr.disposition) == ("13800138000", "88001234", "ANSWERED")


def test_inbound_e1_carrier_hangs_up_and_the_extension_is_released(line_box, phones, phone_host):
    alice = phones("1001")
    call_id = sim(line_box, "e1_call", calling="13900000000", called="88001234")
    phone_host.wait(lambda: alice.incoming and alice.incoming[-1].confirmed, 10, "1001 answered")
    sim(line_box, "e1_hangup", call=call_id, cause=16)
    phone_host.wait(lambda: alice.incoming[-1].disconnected, 10, "BYE to the extension")


def test_inbound_e1_to_busy_extension_clears_with_cause_17(line_box, phones, phone_host):
    alice = phones("1001")
    alice.answer_code = 486
    call_id = sim(line_box, "e1_call", calling="13900000001", called="88001234")

    def cause() -> int | None:
        found = [e for e in carrier_events(line_box, call_id) if e["event"] == "disconnect"]
        return found[0]["cause"] if found else None

    phone_host.wait(lambda: cause() is not None, 10, "DISCONNECT at the carrier")
    assert cause() == 17


def test_inbound_e1_to_unknown_did_clears_with_cause_1(line_box):
    call_id = sim(line_box, "e1_call", calling="13900000002", called="55555")

    def causes() -> list:
        return [
            e.get("cause")
            for e in carrier_events(line_box, call_id)
            if e["event"] in ("disconnect", "release")
        ]

    wait_until(causes, 10, "the call refused at the carrier")
    assert causes()[0] == 1


def carrier_calls(box: Box) -> list[dict]:
    row = next(r for r in box.control.get("/sim/ports")["result"] if r["name"] == "e1")
    return row["far_end"]["calls"]


def test_fxs_dials_out_on_e1_and_the_carrier_answers_then_hangs_up(line_box, tones, tmp_path, phone_host):
    before = len(line_box.cdrs())
    sim(line_box, "offhook", port="fxs1")
    try:
        sim(line_box, "dial", port="fxs1", digits="913800138000#")

        def placed() -> list:
            return [
                c
                for c in carrier_calls(line_box)
                if c["called"] == "13800138000" and c["state"] != "released"
            ]

        wait_until(placed, 10, "SETUP at the carrier")
        call = placed()[0]
        assert call["direction"] != "to_box" and call["calling"] == "2001"
        sim(line_box, "e1_answer", call=call["call_id"])
        channel = f"e1/{call['channel']}"
        wait_until(lambda: box_call_answered(line_box, "2001"), 10, "the call answered in the core")
        sim(line_box, "play", port=channel, file=str(tones[600]))
        at_fxs = record_port(line_box, phone_host, "fxs1", tmp_path / "fxs1.wav")
        assert audio.dominant(at_fxs, FREQS) == 600
        sim(line_box, "play", port="fxs1", file=str(tones[1000]))
        at_carrier = record_port(line_box, phone_host, channel, tmp_path / "e1.wav")
        assert audio.dominant(at_carrier, FREQS) == 1000
        sim(line_box, "e1_hangup", call=call["call_id"], cause=16)
        cdr = cdr_after(line_box, before)
        assert (cdr.caller, cdr.callee, cdr.disposition) == ("2001", "913800138000", "ANSWERED")
        assert "e1/" in " ".join(leg.peer for leg in cdr.legs)
    finally:
        hang_up(line_box, "fxs1")


def box_call_answered(box: Box, caller: str) -> bool:
    return any(c["caller"] == caller and c["answer"] for c in box.control.get("/status")["calls"])


def test_inbound_fxo_ring_reaches_extension_with_caller_id_and_audio(line_box, phones, phone_host, tones):
    alice = phones("1001")
    before = len(line_box.cdrs())
    sim(line_box, "ring", port="fxo1", cid_number="13912345678", cid_name="Li Si")
    phone_host.wait(lambda: alice.incoming and alice.incoming[-1].confirmed, 15, "1001 answered")
    incoming = alice.incoming[-1]
    assert "13912345678" in incoming.invite
    phone_host.wait(lambda: any(e["type"] == "answer" for e in events(line_box, "fxo1")), 10, "line answered")
    sim(line_box, "play", port="fxo1", file=str(tones[600]))
    heard = heard_on_phone(incoming, phone_host)
    assert audio.dominant(heard, FREQS) == 600
    sim(line_box, "pstn_hangup", port="fxo1")
    phone_host.wait(lambda: incoming.disconnected, 15, "BYE after the PSTN hung up")
    cdr = cdr_after(line_box, before)
    assert (cdr.caller, cdr.disposition) == ("13912345678", "ANSWERED")
    phone_host.wait(lambda: any(e["type"] == "released" for e in events(line_box, "fxo1")), 10, "on-hook")


def test_extension_dials_out_on_fxo_and_the_pstn_gets_the_digits(line_box, phones, phone_host, tones):
    alice = phones("1001")
    alice.play_path = tones[1000]
    mark = {p: len(events(line_box, p)) for p in ("fxo1", "fxo2")}
    call = alice.call("0114")
    phone_host.wait(lambda: call.confirmed, 10, "the outside line answered (seize + dial)")

    def dialed() -> dict:
        out = {}
        for port in ("fxo1", "fxo2"):
            out[port] = "".join(
                e["digit"] for e in events(line_box, port)[mark[port] :] if e["type"] == "digit"
            )
        return out

    phone_host.wait(lambda: "114" in dialed().values(), 15, "DTMF 114 on the PSTN line")
    port = next(p for p, d in dialed().items() if d == "114")
    sim(line_box, "pstn_answer", port=port)
    sim(line_box, "play", port=port, file=str(tones[600]))
    heard = heard_on_phone(call, phone_host)
    assert audio.dominant(heard, FREQS) == 600
    call.hangup_now()
    phone_host.wait(
        lambda: any(e["type"] == "released" for e in events(line_box, port)[mark[port] :]), 10, "release"
    )


def test_internal_class_fxs_may_not_dial_out(line_box):
    before = len(line_box.cdrs())
    sim(line_box, "offhook", port="fxs3")
    try:
        sim(line_box, "dial", port="fxs3", digits="0114#")
        cdr = cdr_after(line_box, before)
        assert (cdr.caller, cdr.disposition) == ("2003", "FAILED")
    finally:
        hang_up(line_box, "fxs3")


def test_e1_los_takes_the_span_out_of_routing_and_back(line_box, phones, phone_host):
    def routing() -> bool:
        return next(r for r in line_box.control.get("/ports") if r["name"] == "e1")["routing"]

    alice = phones("1001")
    before = len(line_box.cdrs())
    sim(line_box, "e1_los", on=True)
    try:
        phone_host.wait(lambda: not routing(), 10, "the span out of routing")
        refused = alice.call("913800000009")
        phone_host.wait(lambda: refused.disconnected, 10, "the call refused")
        assert refused.last_code == 500  # the core's 503; a proxy turns a 503 into 500 (RFC 3261 16.7)
        cdr = cdr_after(line_box, before)
        assert (cdr.callee, cdr.disposition, cdr.status_code) == ("913800000009", "FAILED", 503)
    finally:
        sim(line_box, "e1_los", on=False)
    phone_host.wait(routing, 20, "the span back in routing")
    call = alice.call("913800000010")
    phone_host.wait(
        lambda: any(c["called"] == "13800000010" for c in carrier_calls(line_box)), 10, "SETUP after LOS"
    )
    call.hangup_now()
    phone_host.wait(lambda: call.disconnected, 10, "hangup")


def test_all_30_e1_channels_busy_at_once_with_audio(line_box, phones, phone_host, tones, tmp_path):
    agents = [phones(f"101{n}", port_range=64) for n in range(4)]
    for agent in agents:
        agent.play_path = tones[1000]
    ids = [sim(line_box, "e1_call", calling=f"1390000{n:04d}", called=f"8800101{n % 4}") for n in range(30)]

    def answered() -> int:
        return sum(1 for agent in agents for c in agent.incoming if c.confirmed)

    phone_host.wait(lambda: answered() >= 30, 30, "30 calls answered by the agents")

    def connected() -> int:
        evs = events(line_box, "e1")
        return len({e["call_id"] for e in evs if e["event"] == "connect" and e["call_id"] in ids})

    phone_host.wait(lambda: connected() == 30, 20, "CONNECT on all 30 calls")
    channels = {
        c["channel"] for c in carrier_calls(line_box) if c["call_id"] in ids and c["state"] != "released"
    }
    assert len(channels) == 30
    for channel in (min(channels), max(channels)):
        at_carrier = record_port(line_box, phone_host, f"e1/{channel}", tmp_path / f"e1-{channel}.wav")
        assert audio.rms(at_carrier) > 500 and audio.dominant(at_carrier, FREQS) == 1000
    try:
        extra = sim(line_box, "e1_call", calling="13900009999", called="88001234")
    except ControlError:
        extra = None  # the carrier itself found no free channel: also "all 30 busy"
    if extra is not None:
        phone_host.wait(
            lambda: extra in {c["call_id"] for c in carrier_calls(line_box) if c["state"] == "released"},
            10,
            "the 31st call refused",
        )
    for call_id in ids:
        sim(line_box, "e1_hangup", call=call_id, cause=16)
    phone_host.wait(
        lambda: all(c.disconnected for agent in agents for c in agent.incoming),
        20,
        "every agent call released",
    )


def test_inbound_e1_unanswered_clears_with_cause_19(line_box, phones, phone_host):
    from telephony.models import Setting

    alice = phones("1001")
    alice.answer_code = 0  # rings, never answers
    line_box.db()
    Setting.set_value("no_answer_timeout", "2")
    line_box.control.reload()
    try:
        call_id = sim(line_box, "e1_call", calling="13900000003", called="88001234")

        def causes() -> list:
            return [e.get("cause") for e in carrier_events(line_box, call_id) if e["event"] == "disconnect"]

        phone_host.wait(causes, 15, "DISCONNECT after the no-answer timeout")
        assert causes()[0] == 19
        assert "alerting" in [e["event"] for e in carrier_events(line_box, call_id)]
        phone_host.wait(lambda: alice.incoming[-1].disconnected, 10, "CANCEL to the extension")
    finally:
        line_box.db()
        Setting.set_value("no_answer_timeout", "30")
        line_box.control.reload()


def test_fxs_port_caller_id_standard_set_by_the_admin_is_what_the_phone_decodes(line_box, phones, phone_host):
    from telephony.models.lines import PortSetting

    alice = phones("1001")

    def ring_and_read_cid() -> dict:
        mark = len(events(line_box, "fxs3"))
        call = alice.call("2003")
        try:
            phone_host.wait(
                lambda: any(e["type"] == "callerid" for e in events(line_box, "fxs3")[mark:]), 15, "caller ID"
            )
        finally:
            call.hangup_now()
            phone_host.wait(lambda: call.disconnected, 10, "the call to end")
            wait_until(lambda: ports_row(line_box, "fxs3")["call_state"] == "idle", 10, "fxs3 idle")
        seen = events(line_box, "fxs3")[mark:]
        at = next(i for i, e in enumerate(seen) if e["type"] == "callerid")
        rings_before = sum(1 for e in seen[:at] if e["type"] == "ring-start")
        return {**seen[at], "rings_before": rings_before}

    line_box.db()
    PortSetting.update(cid_standard="yd1277-dtmf").where(PortSetting.port == "fxs3").execute()
    line_box.control.reload()
    cid = ring_and_read_cid()
    assert (cid["number"], cid["modulation"], cid["rings_before"]) == (
        "1001",
        "dtmf",
        0,
    )  # before the 1st ring
    PortSetting.update(cid_standard="").where(PortSetting.port == "fxs3").execute()
    line_box.control.reload()
    cid = ring_and_read_cid()
    assert (cid["number"], cid["modulation"], cid["rings_before"]) == (
        "1001",
        "bell202",
        1,
    )  # the board's FSK


def ports_row(box: Box, port: str) -> dict:
    return next(r for r in box.control.get("/ports") if r["name"] == port)

"""End to end: callers in queues reach agents through the running box, with real pjsua2 phones.

A private box holds two queues and three agents (rows in the box's database, as the web admin
writes them); agents log in through the control API at their phones. Audio is measured: music on
hold while waiting, the caller's and the agent's tones across the bridge once connected.
"""

from __future__ import annotations

import socket

import pytest

from tests.support import audio
from tests.support.box import Box, wait_until

SECRET = "Secr3tPass9"
PIN = "24680"
FREQS = [450, 600, 1000, 1400]


@pytest.fixture(scope="module")
def cc_box(tmp_path_factory):
    box = Box(tmp_path_factory.mktemp("queues"), rtp_port=26000).start()
    from telephony.models.callcenter import Agent, PauseCode, Queue, QueueMember

    for number in ("1001", "1002", "1011", "1012", "1013"):
        box.add_extension(number, SECRET, f"Phone {number}")
    box.db()
    sales = Queue.create(number="6000", name="Sales", strategy="ring-all", ring_timeout=20)
    support = Queue.create(number="6001", name="Support", strategy="round-robin", ring_timeout=20)
    agents = {}
    for n, ext in (("801", "1011"), ("802", "1012"), ("803", "1013")):
        agents[n] = Agent.create(number=n, name=f"Agent {n}", default_extension=ext)
        agents[n].set_pin(PIN)
        agents[n].save()
    for n in ("801", "802"):
        QueueMember.create(queue=sales, agent=agents[n])
    QueueMember.create(queue=sales, agent=agents["803"], kind="dynamic")
    for pos, n in enumerate(("801", "802", "803")):
        QueueMember.create(queue=support, agent=agents[n], position=pos)
    PauseCode.create(code="LUNCH", label_zh="午餐", label_en="Lunch")
    announced = Queue.create(
        number="6002",
        name="Service",
        moh_class="quiet",
        position_announce_interval=2,
        announce_agent_number=True,
        whisper_text="{queue} {caller}",
    )
    QueueMember.create(queue=announced, agent=agents["803"])
    callback = Queue.create(number="6003", name="Callback", callback_enabled=True, callback_key="1")
    QueueMember.create(queue=callback, agent=agents["802"])
    Queue.create(number="6005", name="Overflow", max_wait=3, timeout_kind="extension", timeout_target="1012")
    from telephony.ivr.validate import activate
    from telephony.models import IvrFlow, IvrNode, Mailbox

    Mailbox.create(number="1012")
    Queue.create(
        number="6006",
        name="Night",
        join_empty="no-logged-in",
        no_agents_kind="voicemail",
        no_agents_target="1012",
    )
    flow = IvrFlow.create(number="7000", name="Menu", entry="hello", language="en")
    node = IvrNode(flow=flow, key="hello", kind="play")
    node.set_params({"text": "Thank you for calling."})
    node.set_branches({"next": "bye"})
    node.save()
    bye = IvrNode(flow=flow, key="bye", kind="goto")
    bye.set_params({"target": "hangup"})
    bye.set_branches({})
    bye.save()
    activate(flow)
    Queue.create(number="6007", name="To IVR", max_wait=2, timeout_kind="ivr", timeout_target="7000")
    survey = Queue.create(number="6004", name="Survey", survey_enabled=True)
    QueueMember.create(queue=survey, agent=agents["801"])
    quiet = box.cfg.media_dir / "moh" / "quiet.wav"
    quiet.parent.mkdir(parents=True, exist_ok=True)
    audio.write_tone(quiet, 1000, seconds=2.0, amplitude=0)  # silent hold music: only prompts are heard
    from telephony.models.lines import PortSetting
    from telephony.routing.service import InboundRouteInput, RoutingService

    RoutingService(box.control).save_route(InboundRouteInput(trunk="e1", did="95588", destination="6000"))
    PortSetting.create(port="fxs1", number="2001", caller_id_name="Lobby")
    box.control.reload()
    yield box
    box.stop()


@pytest.fixture
def phones(phone_host, cc_box, tmp_path):
    def make(number: str, answer: int = 200):
        phone = phone_host.phone(cc_box.sip, number, SECRET)
        phone.record_dir = tmp_path
        phone.answer_code = answer
        phone_host.wait(lambda: phone.registered, 10, f"{number} registered")
        return phone

    yield make
    phone_host.drop_phones()


@pytest.fixture
def agents(cc_box):
    """Log agents in at their phones; log every one out afterwards."""
    logged: list[str] = []

    def login(agent: str, contact: str) -> None:
        cc_box.control.post("/acd/agents/login", {"agent": agent, "contact": contact})
        logged.append(agent)

    yield login
    for agent in logged:
        cc_box.control.post("/acd/agents/logout", {"agent": agent})


@pytest.fixture
def tones(tmp_path):
    return {f: audio.write_tone(tmp_path / f"tone-{f}.wav", f, seconds=20.0) for f in (600, 1000)}


def snapshot(box: Box) -> dict:
    return box.control.get("/acd/snapshot")


def agent_state(box: Box, agent: str) -> str:
    return next(a["state"] for a in snapshot(box)["agents"] if a["agent_id"] == agent)


def heard(call, phone_host, seconds: float = 1.0):
    start = call.recorded_seconds()
    phone_host.wait(lambda: call.recorded_seconds() > start + seconds, 10, "audio at the phone")
    return audio.read_pcm(call.record_path)[-int(audio.RATE * seconds) :]


def acd_events(box: Box, call_id: str) -> list[str]:
    from telephony.models.callcenter import AcdEvent

    box.db()
    rows = AcdEvent.select().where(AcdEvent.call_id == call_id).order_by(AcdEvent.id)
    return [r.kind for r in rows if r.kind != "agent-state"]


def queue_call_id(box: Box, queue: str) -> str:
    calls = [c for c in box.control.status()["calls"] if c.get("queue") == queue]
    assert len(calls) == 1, calls
    return calls[0]["uniqueid"]


def test_queue_caller_hears_music_then_ring_all_connects_the_first_agent_with_audio_both_ways(
    cc_box, phones, phone_host, agents, tones
):
    caller = phones("1001")
    caller.play_path = tones[600]
    a1, a2 = phones("1011", answer=0), phones("1012", answer=0)
    a1.play_path = tones[1000]
    agents("801", "1011")
    agents("802", "1012")
    call = caller.call("6000")
    phone_host.wait(lambda: call.confirmed, 10, "the queue to answer the caller")
    phone_host.wait(lambda: a1.incoming and a2.incoming, 10, "both agents' phones to ring (ring-all)")
    assert "1001" in a1.incoming[-1].invite  # the agent's phone shows who is calling
    music = heard(call, phone_host, 1.5)
    assert audio.rms(music) > 300, "no music on hold while waiting"
    call_id = queue_call_id(cc_box, "6000")
    assert agent_state(cc_box, "801") == "ringing"

    a1.incoming[-1].answer_with(200)
    phone_host.wait(lambda: a2.incoming[-1].disconnected, 10, "the other agent to stop ringing")
    at_agent = heard(a1.incoming[-1], phone_host)
    assert audio.rms(at_agent) > 500 and audio.dominant(at_agent, FREQS) == 600
    at_caller = heard(call, phone_host)
    assert audio.rms(at_caller) > 500 and audio.dominant(at_caller, FREQS) == 1000
    wait_until(lambda: agent_state(cc_box, "801") == "on-call", 5, "agent 801 on call")

    call.hangup_now()
    phone_host.wait(lambda: a1.incoming[-1].disconnected, 10, "the agent's leg to be released")
    wait_until(lambda: "completed" in acd_events(cc_box, call_id), 10, "the ACD event log")
    assert acd_events(cc_box, call_id)[:2] == ["entered", "offered"]
    assert {"answered", "completed"} <= set(acd_events(cc_box, call_id))
    cdr = cc_box.cdrs()[-1]
    assert (cdr.uniqueid, cdr.callee, cdr.disposition, cdr.hangup_by) == (
        call_id,
        "6000",
        "ANSWERED",
        "caller",
    )


def test_queue_round_robin_offers_the_next_agent_each_call_and_an_abandon_is_recorded(
    cc_box, phones, phone_host, agents
):
    caller = phones("1002")
    agent_phones = {
        n: phones(ext, answer=0) for n, ext in (("801", "1011"), ("802", "1012"), ("803", "1013"))
    }
    for n, ext in (("801", "1011"), ("802", "1012"), ("803", "1013")):
        agents(n, ext)
    rung: list[str] = []
    for _ in range(2):
        counts = {n: len(p.incoming) for n, p in agent_phones.items()}
        call = caller.call("6001")
        phone_host.wait(
            lambda counts=counts: any(len(p.incoming) > counts[n] for n, p in agent_phones.items()),
            10,
            "an agent's phone to ring",
        )
        ringing = [n for n, p in agent_phones.items() if len(p.incoming) > counts[n]]
        assert len(ringing) == 1, ringing  # round-robin rings one agent at a time
        rung.append(ringing[0])
        call_id = queue_call_id(cc_box, "6001")
        call.hangup_now()  # the caller gives up while the agent's phone rings
        phone_host.wait(lambda n=ringing[0]: agent_phones[n].incoming[-1].disconnected, 10, "ringing to stop")
        wait_until(lambda cid=call_id: "abandoned" in acd_events(cc_box, cid), 10, "the abandon record")
    assert rung[0] != rung[1]  # the next call went to the next agent in the rotation
    assert cc_box.cdrs()[-1].disposition == "NO ANSWER"


def test_queue_cti_stream_tells_an_agent_its_phone_rings_with_the_caller(cc_box, phones, phone_host, agents):
    caller = phones("1001")
    phones("1011", answer=0)
    since = cc_box.control.post("/cti/events", {"since": 0})["last"]
    agents("801", "1011")
    call = caller.call("6000")
    phone_host.wait(lambda: call.confirmed, 10, "the queue to answer")

    def ringing() -> list[dict]:
        got = cc_box.control.post("/cti/events", {"since": since, "agent": "801", "wait": 0.2})["events"]
        return [e for e in got if e["type"] == "agent-ringing"]

    phone_host.wait(lambda: bool(ringing()), 10, "an agent-ringing event for 801")
    event = ringing()[0]
    assert (event["caller"], event["queue"], event["agent"]) == ("1001", "6000", "801")
    others = cc_box.control.post("/cti/events", {"since": since, "agent": "802"})["events"]
    assert all(e.get("agent") == "802" for e in others)  # 802 sees none of 801's calls
    call.hangup_now()
    phone_host.wait(lambda: call.disconnected, 10, "the caller to hang up")


def power(samples, freq: float) -> float:
    return audio.goertzel(samples, freq)


def connected_call(cc_box, phones, phone_host, agents, tones):
    """Caller 1001 (600 Hz) in queue 6000 answered by agent 801 at 1011 (1000 Hz); return both calls."""
    caller = phones("1001")
    caller.play_path = tones[600]
    agent = phones("1011")
    agent.play_path = tones[1000]
    agents("801", "1011")
    call = caller.call("6000")
    phone_host.wait(lambda: agent.incoming and agent.incoming[-1].confirmed, 10, "agent 801 to answer")
    wait_until(lambda: agent_state(cc_box, "801") == "on-call", 5, "agent 801 on call")
    return call, agent.incoming[-1], queue_call_id(cc_box, "6000")


def test_supervisor_listen_then_whisper_then_barge_reach_exactly_the_right_ears(
    cc_box, phones, phone_host, agents, tones, tmp_path
):
    caller_call, agent_call, call_id = connected_call(cc_box, phones, phone_host, agents, tones)
    sup = phones("1013")
    sup.play_path = audio.write_tone(tmp_path / "sup.wav", 1400, seconds=20.0)
    session = cc_box.control.post("/acd/monitor", {"call": call_id, "mode": "listen", "contact": "1013"})[
        "session"
    ]
    phone_host.wait(
        lambda: sup.incoming and sup.incoming[-1].confirmed, 10, "the supervisor's phone to answer"
    )
    sup_call = sup.incoming[-1]

    def settle_and_hear(call):
        heard(call, phone_host, 1.0)  # let the new connections take effect, then measure fresh audio
        return heard(call, phone_host, 1.0)

    at_sup = settle_and_hear(sup_call)
    assert power(at_sup, 600) > 0.01 and power(at_sup, 1000) > 0.01  # listen: hears both parties
    assert power(settle_and_hear(agent_call), 1400) < 0.001  # nobody hears the supervisor
    assert power(settle_and_hear(caller_call), 1400) < 0.001

    cc_box.control.post("/acd/monitor/mode", {"session": session, "mode": "whisper"})
    assert power(settle_and_hear(agent_call), 1400) > 0.01  # whisper: the agent is coached
    assert power(settle_and_hear(caller_call), 1400) < 0.001  # the caller hears nothing of it

    cc_box.control.post("/acd/monitor/mode", {"session": session, "mode": "barge"})
    at_caller = settle_and_hear(caller_call)
    assert power(at_caller, 1400) > 0.01 and power(at_caller, 1000) > 0.01  # barge: a three-way call

    caller_call.hangup_now()
    phone_host.wait(lambda: sup_call.disconnected, 10, "the monitor to end with the call")


def test_supervisor_transfers_a_connected_call_to_another_phone(cc_box, phones, phone_host, agents, tones):
    caller_call, agent_call, call_id = connected_call(cc_box, phones, phone_host, agents, tones)
    other = phones("1002")
    cc_box.control.post("/acd/calls/transfer", {"call": call_id, "target": "1002"})
    phone_host.wait(lambda: agent_call.disconnected, 10, "the agent to be released")
    phone_host.wait(lambda: other.incoming and other.incoming[-1].confirmed, 10, "1002 to take the call")
    at_other = heard(other.incoming[-1], phone_host)
    assert audio.dominant(at_other, FREQS) == 600  # the caller's voice now reaches 1002
    assert not caller_call.disconnected
    wait_until(lambda: agent_state(cc_box, "801") != "on-call", 5, "agent 801 free again")
    caller_call.hangup_now()
    phone_host.wait(lambda: other.incoming[-1].disconnected, 10, "1002 released")
    wait_until(lambda: "completed" in acd_events(cc_box, call_id), 10, "the queue call's completion")
    assert "abandoned" not in acd_events(cc_box, call_id)  # answered then transferred: never an abandon


def test_supervisor_force_hangup_of_a_waiting_caller_stops_the_agents_ringing(
    cc_box, phones, phone_host, agents
):
    caller = phones("1001")
    ringing_agent = phones("1011", answer=0)
    agents("801", "1011")
    call = caller.call("6000")
    phone_host.wait(lambda: ringing_agent.incoming, 10, "agent 801's phone to ring")
    call_id = queue_call_id(cc_box, "6000")
    cc_box.control.post("/acd/calls/hangup", {"call": call_id})
    phone_host.wait(
        lambda: call.disconnected and ringing_agent.incoming[-1].disconnected, 10, "both released"
    )
    with pytest.raises(Exception, match="no queue call"):
        cc_box.control.post("/acd/calls/hangup", {"call": call_id})
    wait_until(lambda: any(c.uniqueid == call_id for c in cc_box.cdrs()), 10, "the CDR")
    assert next(c for c in cc_box.cdrs() if c.uniqueid == call_id).hangup_by == "supervisor"


def test_click_to_call_rings_the_agent_first_then_the_customer(cc_box, phones, phone_host, agents, tones):
    agent = phones("1011", answer=0)
    agent.play_path = tones[1000]
    customer = phones("1002", answer=0)
    customer.play_path = tones[600]
    agents("801", "1011")
    cc_box.control.post("/acd/originate", {"agent": "801", "number": "1002"})
    phone_host.wait(lambda: agent.incoming, 10, "the agent's phone to ring first")
    phone_host.wait(lambda: agent.incoming[-1].state == 3, 5, "the agent's phone ringing (180)")
    calls = [c for c in cc_box.control.status()["calls"] if c["callee"] == "1002"]
    assert [c["state"] for c in calls] == ["agent"] and not customer.incoming  # nobody calls the customer yet
    agent.incoming[-1].answer_with(200)
    phone_host.wait(lambda: customer.incoming, 10, "then the customer's phone")
    customer.incoming[-1].answer_with(200)
    # The bridge forms once both media sessions are up: wait (deadline) for each side's tone.
    phone_host.wait(
        lambda: audio.dominant(heard(customer.incoming[-1], phone_host, 0.5), FREQS) == 1000,
        10,
        "the agent's tone at the customer",
    )
    phone_host.wait(
        lambda: audio.dominant(heard(agent.incoming[-1], phone_host, 0.5), FREQS) == 600,
        10,
        "the customer's tone at the agent",
    )
    customer.incoming[-1].hangup_now()
    phone_host.wait(lambda: agent.incoming[-1].disconnected, 10, "the agent released")


def test_agent_actions_with_bad_input_are_refused_and_change_nothing(cc_box, agents):
    from telephony.errors import ControlError

    before = snapshot(cc_box)["agents"]
    with pytest.raises(ControlError, match="999"):
        cc_box.control.post("/acd/agents/login", {"agent": "999", "contact": "1011"})
    agents("802", "1012")
    with pytest.raises(ControlError, match="LUNCHX"):
        cc_box.control.post("/acd/agents/pause", {"agent": "802", "reason": "LUNCHX"})
    with pytest.raises(ControlError, match="no queue call"):
        cc_box.control.post("/acd/monitor", {"call": "nope", "mode": "listen", "contact": "1013"})
    after = {a["agent_id"]: a["state"] for a in snapshot(cc_box)["agents"]}
    assert after["802"] == "idle" and after["801"] == {a["agent_id"]: a["state"] for a in before}["801"]
    cc_box.control.post("/acd/agents/pause", {"agent": "802", "reason": "LUNCH"})
    assert agent_state(cc_box, "802") == "paused"


@pytest.mark.parametrize("how", ["restart", "kill -9"])
def test_pbx_core_restart_keeps_agent_logins_and_logs_the_waiting_caller_as_failed(
    cc_box, phones, phone_host, agents, how
):
    caller = phones("1002")
    phones("1011", answer=0)
    agents("801", "1011")
    agents("802", "1012")  # 1012 is not registered: offers to 802 fail at once, it stays logged in
    cc_box.control.post("/acd/agents/pause", {"agent": "801", "reason": "LUNCH"})
    agents("803", "1013")
    call = caller.call("6001")
    phone_host.wait(lambda: call.confirmed, 10, "the queue to answer")
    call_id = queue_call_id(cc_box, "6001")
    wait_until(lambda: "entered" in acd_events(cc_box, call_id), 10, "the caller's entry in the log")
    if how == "restart":
        cc_box.supervisorctl("restart", "pbx-core")
    else:
        import os
        import signal

        pid = int(cc_box.supervisorctl("pid", "pbx-core").strip())
        os.kill(pid, signal.SIGKILL)
        wait_until(
            lambda: cc_box.supervisorctl("pid", "pbx-core").strip() not in ("", "0", str(pid)),
            30,
            "a new pbx-core",
        )
    wait_until(cc_box.core_healthy, 30, "pbx-core back")
    states = {
        a["agent_id"]: (a["state"], a["pause_reason"], a["contact"]) for a in snapshot(cc_box)["agents"]
    }
    assert states["801"] == ("paused", "LUNCH", "1011")
    assert states["803"][2] == "1013" and states["803"][0] != "logged-out"
    cdr = next(c for c in cc_box.cdrs() if c.uniqueid == call_id)
    assert (cdr.caller, cdr.callee, cdr.disposition, cdr.hangup_by) == ("1002", "6001", "FAILED", "system")
    assert acd_events(cc_box, call_id)[-1] == "abandoned"
    call.hangup_now()


def sim(box: Box, verb: str, **args):
    from telephony.control.client import ControlClient

    return ControlClient(box.cfg.control_url, timeout=30).post(f"/sim/{verb}", args)["result"]


def test_e1_call_routed_to_a_queue_and_an_fxs_caller_dialing_it_reach_the_agent(
    cc_box, phones, phone_host, agents
):
    agent = phones("1011", answer=0)
    agents("801", "1011")
    wait_until(
        lambda: any(r["name"] == "e1" and r.get("routing") for r in cc_box.control.get("/ports")), 30, "E1 up"
    )
    carrier_call = sim(cc_box, "e1_call", calling="13912345678", called="95588")
    phone_host.wait(lambda: agent.incoming, 10, "the agent's phone to ring for the E1 caller")
    assert "13912345678" in agent.incoming[-1].invite
    agent.incoming[-1].answer_with(200)
    phone_host.wait(
        lambda: any(
            e["event"] == "connect"
            for e in sim(cc_box, "events", port="e1")
            if e.get("call_id") == carrier_call
        ),
        10,
        "CONNECT at the carrier",
    )
    sim(cc_box, "e1_hangup", call=carrier_call)
    phone_host.wait(lambda: agent.incoming[-1].disconnected, 10, "the agent released")

    sim(cc_box, "offhook", port="fxs1")
    try:
        sim(cc_box, "dial", port="fxs1", digits="6000")
        phone_host.wait(lambda: len(agent.incoming) == 2, 10, "the agent's phone to ring for fxs1")
        assert "2001" in agent.incoming[-1].invite
    finally:
        sim(cc_box, "onhook", port="fxs1")
    phone_host.wait(lambda: agent.incoming[-1].disconnected, 10, "ringing stops when fxs1 hangs up")


def test_vip_customer_waiting_behind_another_caller_is_offered_first(cc_box, phones, phone_host, agents):
    from telephony.models.callcenter import Customer, CustomerNumber

    cc_box.db()
    vip = Customer.create(name="VIP Co", priority=5)
    CustomerNumber.create(customer=vip, number="1002")
    try:
        agent = phones("1011", answer=0)
        first, second = phones("1001"), phones("1002")
        agents("801", "1011")
        cc_box.control.post("/acd/agents/pause", {"agent": "801", "reason": "LUNCH"})
        normal_call = first.call("6000")
        phone_host.wait(lambda: normal_call.confirmed, 10, "the first caller queued")
        vip_call = second.call("6000")
        phone_host.wait(lambda: vip_call.confirmed, 10, "the VIP queued behind")
        cc_box.control.post("/acd/agents/unpause", {"agent": "801"})
        phone_host.wait(lambda: agent.incoming, 10, "the agent's phone to ring")
        assert "1002" in agent.incoming[0].invite  # the VIP jumped the queue
        normal_call.hangup_now()
        vip_call.hangup_now()
        phone_host.wait(lambda: normal_call.disconnected and vip_call.disconnected, 10, "both callers gone")
    finally:
        vip.delete_instance(recursive=True)


def loud_segments(samples, tone: int = 1000, window: int = 1600) -> list[tuple[float, bool]]:
    """Per 200 ms window: (rms, is it the steady `tone`); a test tone puts ~0.13 of full scale in its
    bin, speech far less in any one bin."""
    out = []
    for i in range(0, len(samples) - window, window):
        chunk = samples[i : i + window]
        out.append((audio.rms(chunk), audio.goertzel(chunk, tone) > 0.05))
    return out


def spoken_before_tone(segments: list[tuple[float, bool]]) -> bool:
    """Loud audio that is not the tone comes before the first stretch of the tone."""
    first_tone = next(i for i, (rms, tone) in enumerate(segments) if rms > 300 and tone)
    return any(rms > 300 and not tone for rms, tone in segments[:first_tone])


def test_waiting_caller_hears_the_position_announcement(cc_box, phones, phone_host):
    caller = phones("1002")
    call = caller.call("6002")
    phone_host.wait(lambda: call.confirmed, 10, "the queue to answer")
    since = 0

    def announced() -> list[dict]:
        got = cc_box.control.post("/cti/events", {"since": since})["events"]
        return [e for e in got if e["type"] == "announcement" and e["queue"] == "6002"]

    phone_host.wait(lambda: bool(announced()), 15, "a position announcement")
    assert "位客户" in announced()[-1]["text"]  # the box speaks Chinese by default
    phone_host.wait(lambda: call.recorded_seconds() > 6, 15, "6 s of what the caller heard")
    levels = [rms for rms, _ in loud_segments(audio.read_pcm(call.record_path))]
    assert min(levels) < 50  # the hold music of this queue is silence...
    assert max(levels) > 300  # ...so the loud part is the spoken announcement reaching the caller
    call.hangup_now()
    phone_host.wait(lambda: call.disconnected, 10, "hang up")


def test_caller_hears_the_agent_number_and_the_agent_a_whisper_before_they_are_bridged(
    cc_box, phones, phone_host, agents, tones
):
    caller = phones("1001")
    caller.play_path = tones[600]
    agent = phones("1013")
    agent.play_path = tones[1000]
    agents("803", "1013")
    call = caller.call("6002")
    phone_host.wait(lambda: agent.incoming and agent.incoming[-1].confirmed, 10, "agent 803 answers")
    phone_host.wait(lambda: call.recorded_seconds() > 8, 20, "8 s of the caller's audio")
    at_caller = loud_segments(audio.read_pcm(call.record_path), tone=1000)
    assert spoken_before_tone(at_caller), "no announcement of the agent's number before the agent's voice"
    at_agent = loud_segments(audio.read_pcm(agent.incoming[-1].record_path), tone=600)
    assert spoken_before_tone(at_agent), "no whisper to the agent before the caller's voice"
    call.hangup_now()
    phone_host.wait(lambda: agent.incoming[-1].disconnected, 10, "agent released")


def test_caller_presses_the_callback_key_hangs_up_and_is_called_back_when_the_agent_is_free(
    cc_box, phones, phone_host, agents, tones
):
    customer = phones("1002")
    customer.play_path = tones[600]
    agent = phones("1012")
    agent.play_path = tones[1000]
    agents("802", "1012")
    cc_box.control.post("/acd/agents/pause", {"agent": "802", "reason": "LUNCH"})
    call = customer.call("6003")
    phone_host.wait(lambda: call.confirmed and call.media_active, 10, "the queue to answer")
    call_id = queue_call_id(cc_box, "6003")
    call.dialDtmf("1")
    phone_host.wait(lambda: call.disconnected, 15, "the box to confirm and hang up")
    assert not customer.incoming and not agent.incoming
    cc_box.control.post("/acd/agents/unpause", {"agent": "802"})
    phone_host.wait(lambda: customer.incoming, 15, "the box to call the customer back")
    assert "6003" in customer.incoming[-1].invite  # the callback comes from the queue's number
    phone_host.wait(
        lambda: agent.incoming and agent.incoming[-1].confirmed, 15, "the reserved agent to answer"
    )
    assert "1002" in agent.incoming[-1].invite  # the agent sees whom the callback is for
    phone_host.wait(lambda: agent.incoming[-1].recorded_seconds() > 4, 15, "past the agent's intro")
    assert audio.dominant(heard(agent.incoming[-1], phone_host), FREQS) == 600
    assert audio.dominant(heard(customer.incoming[-1], phone_host), FREQS) == 1000
    customer.incoming[-1].hangup_now()
    phone_host.wait(lambda: agent.incoming[-1].disconnected, 10, "the agent released")
    wait_until(lambda: "completed" in acd_events(cc_box, call_id), 10, "the callback's completion")
    kinds = acd_events(cc_box, call_id)
    assert "callback-requested" in kinds and "abandoned" not in kinds and "answered" in kinds


def test_agent_logs_in_pauses_readies_and_logs_out_with_feature_codes_from_its_phone(
    cc_box, phones, phone_host
):
    desk = phones("1011")

    def dial(code: str) -> None:
        call = desk.call(code)
        phone_host.wait(lambda: call.confirmed, 10, f"{code} answered")
        phone_host.wait(lambda: call.disconnected, 15, f"{code} said its piece and hung up")

    try:
        dial("*91801*13579")  # wrong PIN
        assert agent_state(cc_box, "801") == "logged-out"
        dial(f"*91801*{PIN}")
        row = next(a for a in snapshot(cc_box)["agents"] if a["agent_id"] == "801")
        assert (row["state"], row["contact"]) == ("idle", "1011")
        dial("*93")
        assert agent_state(cc_box, "801") == "paused"
        assert (
            next(a for a in snapshot(cc_box)["agents"] if a["agent_id"] == "801")["pause_reason"] == "LUNCH"
        )
        dial("*94")
        assert agent_state(cc_box, "801") == "idle"
        dial("*92")
        assert agent_state(cc_box, "801") == "logged-out"
    finally:
        if agent_state(cc_box, "801") != "logged-out":
            cc_box.control.post("/acd/agents/logout", {"agent": "801"})


def test_after_the_agent_hangs_up_the_caller_rates_the_service_and_the_score_is_stored(
    cc_box, phones, phone_host, agents, tones
):
    from telephony.models.callcenter import SurveyScore

    caller = phones("1001")
    agent = phones("1011")
    agent.play_path = tones[1000]
    agents("801", "1011")
    call = caller.call("6004")
    phone_host.wait(lambda: agent.incoming and agent.incoming[-1].confirmed, 10, "agent 801 answers")
    call_id = queue_call_id(cc_box, "6004")
    heard(call, phone_host, 1.0)
    agent.incoming[-1].hangup_now()
    phone_host.wait(lambda: agent.incoming[-1].disconnected, 10, "the agent gone")
    assert not call.disconnected  # the caller stays on for the survey
    mark = call.recorded_seconds()
    phone_host.wait(lambda: call.recorded_seconds() > mark + 3, 10, "the survey question")
    question = audio.read_pcm(call.record_path)[int(mark * audio.RATE) :]
    assert audio.rms(question) > 300  # the question reaches the caller
    call.dialDtmf("4")
    phone_host.wait(lambda: call.disconnected, 20, "thanks and goodbye")

    def stored() -> list:
        cc_box.db()
        return list(SurveyScore.select().where(SurveyScore.call_id == call_id))

    wait_until(lambda: stored(), 10, "the score stored")
    row = stored()[0]
    assert (row.score, row.agent, row.queue) == (4, "801", "6004")
    wait_until(lambda: any(c.uniqueid == call_id for c in cc_box.cdrs()), 10, "the call's CDR")
    cdr = next(c for c in cc_box.cdrs() if c.uniqueid == call_id)
    assert (cdr.disposition, cdr.hangup_by) == ("ANSWERED", "agent")


def test_sipp_callers_in_a_round_robin_queue_are_spread_evenly_over_the_agents(
    cc_box, phones, phone_host, agents
):
    import subprocess
    from pathlib import Path

    from tests.support.box import free_port

    desks = {n: phones(ext) for n, ext in (("801", "1011"), ("802", "1012"), ("803", "1013"))}
    for n, ext in (("801", "1011"), ("802", "1012"), ("803", "1013")):
        agents(n, ext)
    scenario = Path(__file__).resolve().parents[1] / "sipp" / "queue_caller.xml"
    port = free_port(socket.SOCK_DGRAM)
    sipp = subprocess.Popen(
        ["sipp", cc_box.sip, "-sf", str(scenario), "-i", "127.0.0.1", "-p", str(port), "-s", "6001"]
        + [
            "-key",
            "caller",
            "1002",
            "-au",
            "1002",
            "-ap",
            SECRET,
            "-d",
            "1500",
            "-m",
            "6",
            "-l",
            "1",
            "-r",
            "2",
        ]
        + ["-timeout", "60s", "-recv_timeout", "15000", "-nostdin", "-trace_err"],
        cwd=cc_box.cfg.data_dir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        phone_host.wait(lambda: sipp.poll() is not None, 60, "SIPp's 6 calls to the queue")
    finally:
        if sipp.poll() is None:
            sipp.kill()
    assert sipp.returncode == 0, sipp.stderr.read().decode(errors="replace")[-500:]
    rung = {n: len(p.incoming) for n, p in desks.items()}
    assert rung == {"801": 2, "802": 2, "803": 2}  # round-robin: each agent in turn, twice round
    assert all("1002" in c.invite for p in desks.values() for c in p.incoming)


def test_dynamic_member_joins_a_queue_gets_its_calls_then_leaves(cc_box, phones, phone_host, agents):
    from telephony.errors import ControlError

    caller = phones("1001")
    desk = phones("1013", answer=0)
    agents("803", "1013")
    with pytest.raises(ControlError, match="may not join queue 6001"):  # a static member there
        cc_box.control.post("/acd/agents/join", {"agent": "803", "queue": "6001"})
    call = caller.call("6000")
    phone_host.wait(lambda: call.confirmed, 10, "the queue to answer")
    assert not desk.incoming  # not a member of 6000 until it joins
    cc_box.control.post("/acd/agents/join", {"agent": "803", "queue": "6000"})
    phone_host.wait(lambda: desk.incoming, 10, "the joined agent's phone to ring")
    cc_box.control.post("/acd/agents/leave", {"agent": "803", "queue": "6000"})
    phone_host.wait(lambda: desk.incoming[-1].disconnected, 10, "ringing to stop when it leaves")
    call.hangup_now()
    phone_host.wait(lambda: call.disconnected, 10, "hang up")


def test_caller_waiting_past_max_wait_overflows_to_the_timeout_extension(cc_box, phones, phone_host):
    caller = phones("1001")
    target = phones("1012", answer=0)
    call = caller.call("6005")
    phone_host.wait(lambda: call.confirmed, 10, "the queue to answer")
    call_id = queue_call_id(cc_box, "6005")
    phone_host.wait(lambda: target.incoming, 10, "the overflow extension to ring after 3 s")
    assert "1001" in target.incoming[-1].invite
    target.incoming[-1].answer_with(200)
    phone_host.wait(lambda: target.incoming[-1].confirmed, 10, "the overflow call answered")
    wait_until(lambda: "overflowed" in acd_events(cc_box, call_id), 10, "the overflow record")
    call.hangup_now()
    phone_host.wait(lambda: target.incoming[-1].disconnected, 10, "the overflow call ended")


def test_queue_with_nobody_logged_in_sends_the_caller_to_a_mailbox_and_a_timeout_to_an_ivr(
    cc_box, phones, phone_host, tones
):
    from telephony.models.voicemail import Mailbox, VoicemailMessage

    caller = phones("1001")
    caller.play_path = tones[600]
    call = caller.call("6006")  # no agent logged in: overflow to 1012's mailbox
    phone_host.wait(lambda: call.confirmed, 10, "answered")

    def messages() -> list:
        cc_box.db()
        return list(VoicemailMessage.select().join(Mailbox).where(Mailbox.number == "1012"))

    phone_host.wait(lambda: call.recorded_seconds() > 13, 30, "the spoken greeting, the beep and a message")
    call.hangup_now()
    wait_until(lambda: messages(), 15, "a voicemail message in 1012's mailbox")
    assert messages()[-1].caller == "1001"
    from telephony.models.callcenter import AcdEvent

    overflowed = AcdEvent.select().where((AcdEvent.queue == "6006") & (AcdEvent.kind == "overflowed"))
    assert [(r.caller, r.reason) for r in overflowed] == [("1001", "no-agents")]

    ivr_call = caller.call("6007")  # max wait 2 s, then the IVR 7000 thanks the caller and hangs up
    phone_host.wait(lambda: ivr_call.confirmed, 10, "answered")
    phone_host.wait(lambda: ivr_call.disconnected, 20, "the IVR to speak and hang up")
    assert audio.rms(audio.read_pcm(ivr_call.record_path)[-4 * audio.RATE :]) > 100  # the IVR spoke


def test_an_analog_caller_rates_the_call_with_its_keypad(cc_box, phones, phone_host, agents):
    from telephony.models.callcenter import SurveyScore

    agent = phones("1011")
    agents("801", "1011")
    sim(cc_box, "offhook", port="fxs1")
    try:
        sim(cc_box, "dial", port="fxs1", digits="6004")
        phone_host.wait(lambda: agent.incoming and agent.incoming[-1].confirmed, 10, "agent 801 answers fxs1")
        call_id = queue_call_id(cc_box, "6004")
        agent.incoming[-1].hangup_now()
        phone_host.wait(lambda: agent.incoming[-1].disconnected, 10, "the agent gone")
        wait_until(
            lambda: any(e["type"] == "tone" for e in sim(cc_box, "events", port="fxs1")[-3:]),
            10,
            "the question",
        )
        sim(cc_box, "dial", port="fxs1", digits="5")

        def stored() -> list:
            cc_box.db()
            return list(SurveyScore.select().where(SurveyScore.call_id == call_id))

        phone_host.wait(lambda: bool(stored()), 15, "the analog caller's score")
        assert (stored()[0].score, stored()[0].agent) == (5, "801")
    finally:
        sim(cc_box, "onhook", port="fxs1")

"""End to end: callers in queues reach agents through the running box, with real pjsua2 phones.

A private box holds two queues and three agents (rows in the box's database, as the web admin
writes them); agents log in through the control API at their phones. Audio is measured: music on
hold while waiting, the caller's and the agent's tones across the bridge once connected.
"""

from __future__ import annotations

import pytest

from tests.support import audio
from tests.support.box import Box, wait_until

SECRET = "Secr3tPass9"
FREQS = [450, 600, 1000, 1400]


@pytest.fixture(scope="module")
def cc_box(tmp_path_factory):
    box = Box(tmp_path_factory.mktemp("queues"), rtp_port=26000).start()
    from telephony.models.callcenter import Agent, Queue, QueueMember

    for number in ("1001", "1002", "1011", "1012", "1013"):
        box.add_extension(number, SECRET, f"Phone {number}")
    box.db()
    sales = Queue.create(number="6000", name="Sales", strategy="ring-all", ring_timeout=20)
    support = Queue.create(number="6001", name="Support", strategy="round-robin", ring_timeout=20)
    agents = {}
    for n, ext in (("801", "1011"), ("802", "1012"), ("803", "1013")):
        agents[n] = Agent.create(number=n, name=f"Agent {n}", default_extension=ext)
    for n in ("801", "802"):
        QueueMember.create(queue=sales, agent=agents[n])
    for pos, n in enumerate(("801", "802", "803")):
        QueueMember.create(queue=support, agent=agents[n], position=pos)
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

"""End to end: callers walk IVR flows by DTMF through the running box, with real pjsua2 phones.

A private box (its time conditions' clock controllable over the control API) holds two queues with
one agent each, and IVR flows stored as rows and activated through the validator, as the web admin
does. A local http.server answers the HTTP lookup nodes (one URL answers, one never does in time).
"""

from __future__ import annotations

import http.server
import json
import threading
import time
import urllib.parse

import pytest

from telephony.control.client import ControlClient
from tests.support import audio
from tests.support.box import Box, wait_until

SECRET = "Secr3tPass9"
PIN = "24680"
DAY, NIGHT, HOLIDAY = "2026-12-01T10:00:00", "2026-12-01T03:00:00", "2026-10-01T10:00:00"


class Lookups(http.server.BaseHTTPRequestHandler):
    """/order answers with an order status; /slow answers after the node's timeout."""

    hits: list[dict] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        Lookups.hits.append({"path": url.path, "query": query, "at": time.monotonic()})
        if url.path == "/slow":
            time.sleep(4)
        body = json.dumps(
            {"status": "shipped", "eta": "3 days", "account": query.get("account", "")}
        ).encode()
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass  # the box gave up waiting

    def log_message(self, fmt: str, *args) -> None:
        return None


@pytest.fixture(scope="module")
def lookup_url():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Lookups)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def add_flow(number: str, entry: str, nodes: dict[str, tuple[str, dict, dict]], language: str = "en"):
    from telephony.models import IvrFlow, IvrNode

    flow = IvrFlow.create(number=number, name=f"IVR {number}", entry=entry, language=language)
    for key, (kind, params, branches) in nodes.items():
        node = IvrNode(flow=flow, key=key, kind=kind)
        node.set_params(params)
        node.set_branches(branches)
        node.save()
    return flow


@pytest.fixture(scope="module")
def ivr_box(tmp_path_factory, lookup_url):
    box = Box(tmp_path_factory.mktemp("ivr"), rtp_port=29400)
    box.env["PBX_TEST_CLOCK"] = "1"
    box.start()
    from telephony.ivr.validate import activate
    from telephony.models.callcenter import Agent, Queue, QueueMember

    for number in ("1001", "1011", "1012"):
        box.add_extension(number, SECRET, f"Phone {number}")
    box.db()
    sales = Queue.create(number="6000", name="Sales", ring_timeout=20)
    orders = Queue.create(number="6001", name="Orders", ring_timeout=20)
    for n, ext, queue in (("801", "1011", sales), ("802", "1012", orders)):
        agent = Agent.create(number=n, name=f"Agent {n}", default_extension=ext)
        agent.set_pin(PIN)
        agent.save()
        QueueMember.create(queue=queue, agent=agent)
    hours = {day: "09:00-18:00" for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    main = add_flow(
        "7000",
        "hours",
        {
            "hours": (
                "time",
                {"hours": hours, "holidays": ["2026-10-01"]},
                {"open": "main", "closed": "night"},
            ),
            "night": ("goto", {"target": "extension", "number": "1012"}, {}),
            "main": (
                "menu",
                {"text": "For sales press 1. For orders press 2.", "timeout": 2, "retries": 1},
                {"1": "sales", "2": "orders", "timeout": "bye"},
            ),
            "orders": (
                "menu",
                {"text": "New orders press 1.", "timeout": 5},
                {"1": "orderq", "timeout": "bye"},
            ),
            "sales": ("set", {"priority": 5}, {"next": "salesq"}),
            "salesq": ("goto", {"target": "queue", "number": "6000"}, {}),
            "orderq": ("goto", {"target": "queue", "number": "6001"}, {}),
            "bye": ("play", {"text": "Goodbye."}, {}),
        },
    )
    lookup = {
        "acct": (
            "collect",
            {"text": "Enter your order number, then hash.", "variable": "account", "max": 6, "timeout": 4},
            {"next": "lookup"},
        ),
        "lookup": (
            "http",
            {
                "url": f"{lookup_url}/order",
                "timeout": 2,
                "field": "status",
                "say": "eta",
                "say_text": "Order {account} arrives in {value}.",
            },
            {"shipped": "thanks", "default": "thanks", "fallback": "sorry"},
        ),
        "thanks": ("play", {"text": "Thank you for calling."}, {}),
        "sorry": ("goto", {"target": "extension", "number": "1012"}, {}),
    }
    order_flow = add_flow("7100", "acct", lookup)
    slow = dict(lookup)
    slow["lookup"] = (
        "http",
        {**lookup["lookup"][1], "url": f"{lookup_url}/slow", "timeout": 1},
        lookup["lookup"][2],
    )
    slow_flow = add_flow("7101", "acct", slow)
    prompts = box.cfg.media_dir / "prompts"
    prompts.mkdir(parents=True, exist_ok=True)
    audio.write_tone(prompts / "greet.wav", 1000, seconds=1.5)  # an uploaded prompt, as converted
    audio.write_tone(prompts / "gone.wav", 600, seconds=1.0)
    files = add_flow(
        "7300",
        "greet",
        {
            "greet": ("play", {"file": "greet.wav"}, {"next": "fb"}),
            "fb": ("play", {"file": "gone.wav", "text": "Sorry, the greeting is missing."}, {}),
        },
    )
    from telephony.models import Mailbox

    Mailbox.create(number="1012", max_message_seconds=30)
    mail = add_flow("7400", "vm", {"vm": ("goto", {"target": "voicemail", "number": "1012"}, {})})
    hop = add_flow(
        "7500",
        "lang",
        {
            "lang": ("set", {"language": "zh-CN"}, {"next": "main"}),
            "main": ("goto", {"target": "ivr", "number": "7000"}, {}),
        },
    )
    for flow in (main, order_flow, slow_flow, files, mail, hop):
        activate(flow, box.cfg.media_dir)
    (prompts / "gone.wav").unlink()  # lost after activation (a disk problem, a hand-made delete)
    from telephony.models.lines import PortSetting

    PortSetting.create(port="fxs1", number="2001", caller_id_name="Lobby")  # an analog phone
    from telephony.routing.service import InboundRouteInput, RoutingService

    RoutingService(box.control).save_route(InboundRouteInput(trunk="e1", did="95599", destination="7000"))
    RoutingService(box.control).save_route(InboundRouteInput(trunk="fxo1", destination="7000"))
    box.control.reload()  # the queues, agents and ports
    yield box
    box.stop()


@pytest.fixture
def phones(phone_host, ivr_box, tmp_path):
    # Phone RTP ports of their own: other suites' phones on this machine may hold the default range.
    saved, phone_host.rtp_port = phone_host.rtp_port, 44600

    def make(number: str, answer: int = 200):
        phone = phone_host.phone(ivr_box.sip, number, SECRET)
        phone.record_dir = tmp_path
        phone.answer_code = answer
        phone_host.wait(lambda: phone.registered, 10, f"{number} registered")
        return phone

    yield make
    phone_host.drop_phones()
    phone_host.rtp_port = saved


@pytest.fixture(autouse=True)
def calls_cleared(request):
    """Start each test once the previous test's calls have left the core (their trails are stored then)."""
    if "ivr_box" not in request.fixturenames:
        yield
        return
    box = request.getfixturevalue("ivr_box")
    wait_until(lambda: not box.control.get("/status")["calls"], 15, "the previous test's calls to end")
    yield


@pytest.fixture
def agents(ivr_box):
    logged: list[str] = []

    def login(agent: str, contact: str) -> None:
        ivr_box.control.post("/acd/agents/login", {"agent": agent, "contact": contact})
        logged.append(agent)

    yield login
    for agent in logged:
        ivr_box.control.post("/acd/agents/logout", {"agent": agent})


@pytest.fixture
def clock(ivr_box):
    def set_clock(iso: str | None) -> None:
        ivr_box.control.post("/ivr/clock", {"now": iso})

    yield set_clock
    set_clock(None)


def ivr_node(box: Box) -> str | None:
    calls = [c for c in box.control.status()["calls"] if c.get("ivr")]
    return calls[0]["node"] if len(calls) == 1 else None


def at_node(box: Box, phone_host, key: str, call=None) -> None:
    if call is not None:  # keys can be sent once the call is answered and its audio is up
        phone_host.wait(lambda: call.confirmed and call.media_active, 10, "the IVR to answer")
    phone_host.wait(lambda: ivr_node(box) == key, 15, f"the IVR to reach node {key}")


def press(call, phone_host, keys: str) -> None:
    """Press keys one at a time, as a person does (a burst of RFC 4733 events may merge)."""
    for key in keys:
        call.dialDtmf(key)
        end = time.monotonic() + 0.35
        while time.monotonic() < end:
            phone_host.pump(10)


def trails(box: Box, caller: str = "1001", flow: str = "") -> list:
    """The caller's key trails, oldest first (of one flow when `flow` is given)."""
    from telephony.models import IvrTrail

    box.db()
    query = IvrTrail.select().where(IvrTrail.caller == caller)
    if flow:
        query = query.where(IvrTrail.flow == flow)
    return list(query.order_by(IvrTrail.id))


def wait_trail(box: Box, count: int, flow: str = ""):
    """The count-th trail (of `flow`); an earlier test's call may still be writing its own."""
    wait_until(lambda: len(trails(box, flow=flow)) >= count, 10, "the key trail to be stored")
    return trails(box, flow=flow)[count - 1]


def steps(row) -> list[tuple[str, str]]:
    return [(s["node"], s["digits"]) for s in row.steps]


def test_ivr_caller_walks_a_two_level_menu_by_dtmf_and_reaches_the_right_queue_with_the_key_trail_stored(
    ivr_box, phones, phone_host, agents, clock
):
    clock(DAY)
    caller, sales_agent, orders_agent = phones("1001"), phones("1011", answer=0), phones("1012", answer=0)
    agents("801", "1011")
    agents("802", "1012")
    before = len(trails(ivr_box))
    call = caller.call("7000")
    phone_host.wait(lambda: call.confirmed and call.media_active, 10, "the IVR to answer")
    at_node(ivr_box, phone_host, "main", call)
    heard = caller.calls[-1]
    phone_host.wait(lambda: heard.recorded_seconds() > 1.0, 10, "the menu prompt")
    assert audio.rms(audio.read_pcm(heard.record_path)[-audio.RATE :]) > 200, "the menu is not heard"
    call.dialDtmf("2")
    at_node(ivr_box, phone_host, "orders")
    call.dialDtmf("1")
    phone_host.wait(lambda: orders_agent.incoming, 10, "the orders agent's phone to ring")
    assert not sales_agent.incoming
    assert "1001" in orders_agent.incoming[-1].invite
    assert not call.disconnected  # the caller waits in the queue

    def ringing():  # published when the agent phone's 180 reaches the core, just after the phone rings
        events = ivr_box.control.post("/cti/events", {"since": 0, "agent": "802"})["events"]
        return [e for e in events if e["type"] == "agent-ringing"]

    wait_until(ringing, 10, "the agent-ringing CTI event")
    assert ringing()[-1]["digits"] == "21"  # the keys pressed in the IVR reach the agent's screen pop
    row = wait_trail(ivr_box, before + 1)
    assert steps(row) == [("hours", ""), ("main", "2"), ("orders", "1"), ("orderq", "")]
    assert (row.flow, row.outcome) == ("7000", "queue:6001")
    call.hangup_now()
    phone_host.wait(lambda: orders_agent.incoming[-1].disconnected, 10, "the agent's phone to stop")


def test_ivr_sales_key_sets_priority_and_reaches_the_sales_queue(ivr_box, phones, phone_host, agents, clock):
    clock(DAY)
    caller, sales_agent = phones("1001"), phones("1011", answer=0)
    agents("801", "1011")
    call = caller.call("7000")
    at_node(ivr_box, phone_host, "main", call)
    call.dialDtmf("1")
    phone_host.wait(lambda: sales_agent.incoming, 10, "the sales agent's phone to ring")
    call.hangup_now()


def test_ivr_invalid_key_replays_the_menu_then_the_timeout_branch_is_taken(
    ivr_box, phones, phone_host, clock
):
    clock(DAY)
    caller = phones("1001")
    before = len(trails(ivr_box))
    call = caller.call("7000")
    at_node(ivr_box, phone_host, "main", call)
    time.sleep(0.5)
    call.dialDtmf("9")  # no such key: the menu is said again (one retry), then nothing is pressed
    phone_host.wait(lambda: call.disconnected, 30, "the timeout branch (goodbye, hang up)")
    row = wait_trail(ivr_box, before + 1)
    assert steps(row) == [("hours", ""), ("main", "9"), ("bye", "")]
    assert row.steps[1]["result"] == "timeout"
    assert row.outcome == "end"
    assert call.recorded_seconds() > 4  # menu, menu again, timeout, goodbye


def test_ivr_time_condition_routes_by_the_controlled_clock(ivr_box, phones, phone_host, clock):
    caller, night_phone = phones("1001"), phones("1012", answer=0)
    clock(NIGHT)
    call = caller.call("7000")
    phone_host.wait(lambda: night_phone.incoming, 10, "the night destination (1012) to ring")
    call.hangup_now()
    phone_host.wait(lambda: night_phone.incoming[-1].disconnected, 10, "ringing to stop")
    assert trails(ivr_box)  # written when the IVR handed the caller on
    wait_until(lambda: trails(ivr_box)[-1].steps[0].get("result") == "closed", 10, "the night trail")

    clock(HOLIDAY)  # within the hours, but on the holiday list
    count = len(night_phone.incoming)
    call = caller.call("7000")
    phone_host.wait(lambda: len(night_phone.incoming) > count, 10, "the holiday to route as closed")
    call.hangup_now()

    clock(DAY)
    call = caller.call("7000")
    at_node(ivr_box, phone_host, "main", call)
    assert len(night_phone.incoming) == count + 1
    call.hangup_now()


def test_ivr_http_lookup_speaks_the_returned_value(ivr_box, phones, phone_host):
    caller = phones("1001")
    Lookups.hits.clear()
    before = len(trails(ivr_box, flow="7100"))
    call = caller.call("7100")
    at_node(ivr_box, phone_host, "acct", call)
    time.sleep(0.5)
    press(call, phone_host, "4711#")
    phone_host.wait(lambda: Lookups.hits, 10, "the lookup request")
    assert Lookups.hits[0]["path"] == "/order"
    assert Lookups.hits[0]["query"]["account"] == "4711" and Lookups.hits[0]["query"]["caller"] == "1001"
    start = call.recorded_seconds()
    phone_host.wait(lambda: call.recorded_seconds() > start + 1.5, 10, "audio after the lookup")
    spoken = audio.read_pcm(call.record_path)[int(audio.RATE * start) :]
    assert audio.rms(spoken) > 200, "nothing is said after the lookup"
    from telephony.prompts import Prompts

    said = Prompts(ivr_box.cfg.media_dir).path("Order 4711 arrives in 3 days.", "en")
    wait_until(said.exists, 10, "the returned value to be spoken (its prompt made)")
    # Two prompts made by espeak-ng first (seconds each on a loaded machine), then said.
    phone_host.wait(lambda: call.disconnected, 45, "thank you and hang up")
    row = wait_trail(ivr_box, before + 1, flow="7100")
    assert steps(row) == [("acct", "4711#"), ("lookup", ""), ("thanks", "")]
    assert row.steps[1]["result"] == "shipped"


def test_ivr_http_lookup_that_times_out_takes_the_fallback_branch(ivr_box, phones, phone_host):
    caller, fallback_phone = phones("1001"), phones("1012", answer=0)
    Lookups.hits.clear()
    before = len(trails(ivr_box))
    call = caller.call("7101")
    at_node(ivr_box, phone_host, "acct", call)
    time.sleep(0.5)
    press(call, phone_host, "42#")
    phone_host.wait(lambda: fallback_phone.incoming, 10, "the fallback destination to ring")
    assert Lookups.hits and Lookups.hits[0]["path"] == "/slow"
    assert not call.disconnected  # never dropped: the caller is on the way to a person
    row = wait_trail(ivr_box, before + 1)
    assert steps(row) == [("acct", "42#"), ("lookup", ""), ("sorry", "")]
    assert row.steps[1]["result"] == "fallback"
    call.hangup_now()


def test_ivr_an_invalid_flow_is_refused_by_name_and_its_number_is_not_served(ivr_box, phones, phone_host):
    from telephony.ivr.validate import FlowInvalid, activate
    from telephony.models import IvrFlow

    ivr_box.db()
    flow = add_flow(
        "7200",
        "start",
        {
            "start": ("menu", {"text": "Press 1."}, {"1": "ghost", "2": "q"}),
            "q": ("goto", {"target": "queue", "number": "6999"}, {}),
            "lost": ("play", {}, {}),
        },
    )
    with pytest.raises(FlowInvalid) as caught:
        activate(flow)
    assert caught.value.problems == [
        "node 'start': branch '1' goes to missing node 'ghost'",
        "node 'q': goto queue 6999 does not exist",
        "node 'lost': missing prompt (give text or an uploaded file)",
        "node 'lost' is unreachable from 'start'",
    ]
    assert not IvrFlow.get(IvrFlow.number == "7200").active
    call = phones("1001").call("7200")
    phone_host.wait(lambda: call.disconnected, 10, "the call to be refused")
    assert call.last_code == 404


def sim(box: Box, verb: str, **args):
    return ControlClient(box.cfg.control_url, timeout=30).post(f"/sim/{verb}", args)["result"]


def test_ivr_analog_phone_walks_the_menu_with_keys_on_its_line(ivr_box, phones, phone_host, agents, clock):
    clock(DAY)
    orders_agent = phones("1012", answer=0)
    agents("802", "1012")
    before = len(trails(ivr_box, "2001"))
    sim(ivr_box, "offhook", port="fxs1")
    try:
        sim(ivr_box, "dial", port="fxs1", digits="7000")
        at_node(ivr_box, phone_host, "main")
        sim(ivr_box, "dial", port="fxs1", digits="2")
        at_node(ivr_box, phone_host, "orders")
        sim(ivr_box, "dial", port="fxs1", digits="1")
        phone_host.wait(lambda: orders_agent.incoming, 10, "the orders agent's phone to ring")
        assert "2001" in orders_agent.incoming[-1].invite
        wait_until(lambda: len(trails(ivr_box, "2001")) > before, 10, "the analog caller's key trail")
        assert steps(trails(ivr_box, "2001")[-1]) == [
            ("hours", ""),
            ("main", "2"),
            ("orders", "1"),
            ("orderq", ""),
        ]
    finally:
        sim(ivr_box, "onhook", port="fxs1")
        wait_until(
            lambda: {r["name"]: r for r in ivr_box.control.get("/ports")}["fxs1"]["call_state"] == "idle",
            10,
            "fxs1 idle",
        )


def test_ivr_plays_an_uploaded_prompt_and_a_prompt_missing_on_disk_falls_back_to_its_text(
    ivr_box, phones, phone_host
):
    caller = phones("1001")
    before = len(trails(ivr_box))
    call = caller.call("7300")
    phone_host.wait(lambda: call.confirmed and call.media_active, 10, "the IVR to answer")
    phone_host.wait(lambda: call.recorded_seconds() > 1.2, 10, "the uploaded prompt")
    greeting = audio.read_pcm(call.record_path)[int(0.2 * audio.RATE) : int(1.2 * audio.RATE)]
    assert audio.rms(greeting) > 1000 and audio.dominant(greeting, [450, 600, 1000, 1400]) == 1000
    phone_host.wait(lambda: call.disconnected, 20, "the spoken fallback, then hang up")
    from telephony.prompts import Prompts

    assert Prompts(ivr_box.cfg.media_dir).path("Sorry, the greeting is missing.", "en").exists()
    assert call.recorded_seconds() > 2.5  # the greeting and the spoken text, never silence
    row = wait_trail(ivr_box, before + 1)
    assert steps(row) == [("greet", ""), ("fb", "")] and row.outcome == "end"


def test_ivr_goto_voicemail_lets_the_caller_leave_a_message(ivr_box, phones, phone_host, tmp_path):
    from telephony.models import Mailbox, VoicemailMessage

    caller = phones("1001")
    caller.play_path = audio.write_tone(tmp_path / "voice.wav", 600, seconds=20)
    before = len(trails(ivr_box))
    call = caller.call("7400")
    phone_host.wait(lambda: call.confirmed and call.media_active, 10, "the IVR to answer")
    phone_host.wait(lambda: call.recorded_seconds() > 1, 10, "the mailbox greeting")
    call.dialDtmf("#")  # skips the greeting: the beep, then the message is recorded
    phone_host.wait(lambda: call.recorded_seconds() > 5, 20, "a few seconds of message")
    call.hangup_now()

    def stored() -> list:
        ivr_box.db()
        return list(VoicemailMessage.select().where(VoicemailMessage.mailbox == Mailbox.get(number="1012")))

    wait_until(stored, 15, "the message in mailbox 1012")
    assert stored()[-1].caller == "1001" and stored()[-1].duration > 0.5
    row = wait_trail(ivr_box, before + 1)
    assert steps(row) == [("vm", "")] and row.outcome == "voicemail:1012"


def test_ivr_a_carrier_call_on_the_e1_reaches_the_ivr_by_its_inbound_route_and_its_keys_are_heard(
    ivr_box, phone_host, clock, tmp_path
):
    clock(DAY)
    wait_until(
        lambda: any(r["name"] == "e1" and r.get("routing") for r in ivr_box.control.get("/ports")),
        30,
        "E1 up",
    )
    before = len(trails(ivr_box, "13912345678"))
    carrier_call = sim(ivr_box, "e1_call", calling="13912345678", called="95599")
    phone_host.wait(
        lambda: any(
            e["event"] == "connect"
            for e in sim(ivr_box, "events", port="e1")
            if e.get("call_id") == carrier_call
        ),
        10,
        "the IVR to answer the carrier (CONNECT)",
    )
    at_node(ivr_box, phone_host, "main")
    # The caller presses 2 on a PSTN phone: in-band DTMF on the B-channel, detected in the HAL path.
    from hal.analog.dtmf import dtmf_samples
    from hal.sim.listen import write_wav

    row = next(r for r in ivr_box.control.get("/sim/ports")["result"] if r["name"] == "e1")
    channel = next(c["channel"] for c in row["far_end"]["calls"] if c["call_id"] == carrier_call)
    keys = tmp_path / "key2.wav"
    write_wav(keys, dtmf_samples("2").tobytes())
    sim(ivr_box, "play", port=f"e1/{channel}", file=str(keys))
    at_node(ivr_box, phone_host, "orders")
    sim(ivr_box, "e1_hangup", call=carrier_call)
    wait_until(lambda: len(trails(ivr_box, "13912345678")) > before, 10, "the E1 caller's trail")
    row = trails(ivr_box, "13912345678")[-1]
    assert steps(row)[:2] == [("hours", ""), ("main", "2")] and row.outcome == "caller-hangup"


def test_ivr_day_night_code_from_a_phone_forces_night_then_back_to_business_hours(
    ivr_box, phones, phone_host, clock
):
    from telephony.models import IvrFlow, IvrNode

    def override() -> str:
        ivr_box.db()
        node = IvrNode.get((IvrNode.flow == IvrFlow.get(number="7000")) & (IvrNode.key == "hours"))
        return node.params_dict.get("override", "auto")

    clock(DAY)
    caller, night_phone = phones("1001"), phones("1012", answer=0)
    code = caller.call("*287000")
    phone_host.wait(lambda: code.confirmed, 10, "the box to answer the code")
    phone_host.wait(lambda: code.disconnected, 15, "the box to say the mode and hang up")
    assert override() == "night"
    assert code.recorded_seconds() > 1  # it said so

    call = caller.call("7000")  # daytime, but forced to night
    phone_host.wait(lambda: night_phone.incoming, 10, "the night destination to ring")
    call.hangup_now()
    phone_host.wait(lambda: night_phone.incoming[-1].disconnected, 10, "ringing to stop")

    code = caller.call("*287000")
    phone_host.wait(lambda: code.disconnected, 15, "the second code")
    assert override() == "auto"
    call = caller.call("7000")
    at_node(ivr_box, phone_host, "main", call)
    assert len(night_phone.incoming) == 1
    call.hangup_now()


def test_ivr_goto_another_ivr_continues_in_that_flow_with_one_trail(ivr_box, phones, phone_host, clock):
    clock(DAY)
    caller = phones("1001")
    before = len(trails(ivr_box))
    call = caller.call("7500")
    phone_host.wait(lambda: call.confirmed and call.media_active, 10, "the IVR to answer")
    phone_host.wait(lambda: ivr_node(ivr_box) == "main" and call.recorded_seconds() > 1, 15, "7000's menu")
    assert [c["ivr"] for c in ivr_box.control.status()["calls"] if c.get("ivr")] == ["7000"]
    call.hangup_now()
    row = wait_trail(ivr_box, before + 1)
    assert [(s["flow"], s["node"]) for s in row.steps] == [
        ("7500", "lang"),
        ("7500", "main"),
        ("7000", "hours"),
        ("7000", "main"),
    ]
    assert row.flow == "7500" and row.outcome == "caller-hangup"


def test_ivr_a_pstn_caller_on_an_fxo_line_walks_the_menu_with_in_band_dtmf(
    ivr_box, phone_host, clock, tmp_path
):
    from hal.analog.dtmf import dtmf_samples
    from hal.sim.listen import write_wav

    clock(DAY)
    before = len(trails(ivr_box, "13700001111"))
    sim(ivr_box, "ring", port="fxo1", cid_number="13700001111")
    at_node(ivr_box, phone_host, "main")
    keys = tmp_path / "key2.wav"
    write_wav(keys, dtmf_samples("2").tobytes())
    sim(ivr_box, "play", port="fxo1", file=str(keys))  # the PSTN caller presses 2
    at_node(ivr_box, phone_host, "orders")
    sim(ivr_box, "pstn_hangup", port="fxo1")
    wait_until(lambda: len(trails(ivr_box, "13700001111")) > before, 15, "the FXO caller's trail")
    assert steps(trails(ivr_box, "13700001111")[-1])[:2] == [("hours", ""), ("main", "2")]

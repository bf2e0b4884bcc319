# ruff: noqa: F811 - the fixtures imported from live_support are the tests' parameters
"""The agent console against a fake pbx-core: PIN login (refused, throttled), state buttons that send
exactly the right control calls for the agent itself only, audit, CSRF, screen pop, the SSE relay."""

from __future__ import annotations

import json

from telephony.models import AdminUser, Agent, AuditLog, Queue, QueueMember, WebSession
from tests.webadmin.live_support import (  # noqa: F401 - fixtures
    PINS,
    acd_core,
    agent_client,
    agent_login,
    audit_rows,
    live_app,
    seeded,
    sse_blocks,
    supervisor_client,
)
from tests.webadmin.wsgi_client import Client
from webadmin.services import cti_stream, screenpop


def post(client: Client, path: str, data: dict[str, str] | None = None, page: str = "/agent"):
    return client.post(path, {"csrf_token": client.get(page).csrf(), **(data or {})})


def member(agent: str, queue: str, kind: str) -> None:
    QueueMember.create(
        agent=Agent.get(Agent.number == agent), queue=Queue.get(Queue.number == queue), kind=kind
    )


def queue_row(page: str, queue: str) -> str:
    """Return the "My queues" table row of `queue` (its status and its two forms)."""
    return page.split(f'<tr data-queue="{queue}">', 1)[1].split("</tr>", 1)[0]


def shown_actions(page: str, queue: str) -> list[str]:
    """Return the join/leave actions the row offers (the forms not hidden)."""
    forms = queue_row(page, queue).split("<form ")[1:]
    return [
        f.split('action="', 1)[1].split('"', 1)[0]
        for f in forms
        if " hidden>" not in f.split(">", 1)[0] + ">"
    ]


def test_agent_login_with_a_wrong_pin_is_refused_audited_then_throttled(seeded, acd_core):
    client = Client(seeded, remote_addr="192.0.2.77")
    for _ in range(5):
        reply = agent_login(client, "801", "0000")
        assert reply.status == 200 and "Wrong agent number or PIN." in reply.text
        assert "pbx_session" not in client.cookies
    failures = audit_rows("login.failed")
    assert [(r.username, r.target, r.remote_addr) for r in failures] == [
        ("agent:801", "agent:801", "192.0.2.77")
    ] * 5
    # The right PIN now waits too: the throttle counts the failures, not the last answer.
    reply = agent_login(client, "801", PINS["801"])
    assert reply.status == 429 and reply.header("Retry-After")
    assert "pbx_session" not in client.cookies
    # Another address is not held up by this one's failures.
    assert agent_client(seeded, addr="192.0.2.78").get("/agent").status == 200
    assert acd_core.acd_actions() == []


def test_agent_login_refuses_unknown_and_disabled_agents_and_admin_passwords(seeded):
    Agent.update(enabled=False).where(Agent.number == "802").execute()
    client = Client(seeded)
    for number, pin in (("899", "1234"), ("802", PINS["802"]), ("", "")):
        reply = agent_login(client, number, pin)
        assert reply.status == 200 and "Wrong agent number or PIN." in reply.text
    # The stand-in user of an agent is no admin login.
    agent_client(seeded)
    stand_in = AdminUser.get(AdminUser.username == "agent:801")
    assert stand_in.role == "agent" and stand_in.password_hash.startswith("!agent:")
    reply = client.submit("/login", "/login", {"username": "agent:801", "password": stand_in.password_hash})
    assert "pbx_session" not in client.cookies and reply.status in (200, 429)


def test_agent_console_logs_in_at_the_default_extension_and_audits_it(seeded, acd_core):
    client = agent_client(seeded)
    page = client.get("/agent")
    assert page.status == 200
    assert 'name="contact" type="text" inputmode="numeric" value="1011"' in page.text
    assert 'src="/static/agent.js"' in page.text and "<script>" not in page.text
    reply = post(client, "/agent/acd/login", {"contact": ""})
    assert reply.status == 303 and reply.location == "/agent"
    assert acd_core.acd_actions() == [("/acd/agents/login", {"agent": "801", "contact": "1011"})]
    row = audit_rows("acd.")[-1]
    assert (row.action, row.username, row.target, row.detail) == (
        "acd.login",
        "agent:801",
        "801",
        "contact=1011",
    )
    assert "Logged in at extension 1011." in client.get("/agent").text


def test_agent_state_buttons_send_exactly_these_calls_for_the_agent_itself(seeded, acd_core):
    client = agent_client(seeded)
    for path, data in (
        ("/agent/acd/login", {"contact": "1090"}),
        ("/agent/acd/pause", {"reason": "LUNCH", "agent": "802"}),  # a forged agent field is ignored
        ("/agent/acd/ready", {}),
        ("/agent/acd/wrapup_end", {}),
        ("/agent/call", {"number": "138 0013-8000"}),
        ("/agent/acd/logout", {}),
    ):
        assert post(client, path, data).status == 303
    assert acd_core.acd_actions() == [
        ("/acd/agents/login", {"agent": "801", "contact": "1090"}),
        ("/acd/agents/pause", {"agent": "801", "reason": "LUNCH"}),
        ("/acd/agents/unpause", {"agent": "801"}),
        ("/acd/agents/wrapup_end", {"agent": "801"}),
        ("/acd/originate", {"agent": "801", "number": "13800138000"}),
        ("/acd/agents/logout", {"agent": "801"}),
    ]
    assert [(r.action, r.detail) for r in audit_rows("acd.")] == [
        ("acd.login", "contact=1090"),
        ("acd.pause", "reason=LUNCH"),
        ("acd.unpause", ""),
        ("acd.wrapup_end", ""),
        ("acd.originate", "number=13800138000"),
        ("acd.logout", ""),
    ]
    assert {r.username for r in audit_rows("acd.")} == {"agent:801"}


def test_agent_bad_input_is_refused_naming_the_field_and_asks_nothing_of_the_core(seeded, acd_core):
    client = agent_client(seeded)
    for path, data, field in (
        ("/agent/acd/login", {"contact": "7777"}, "contact"),  # no such extension or port
        ("/agent/acd/login", {"contact": "1011; drop"}, "contact"),
        ("/agent/acd/pause", {"reason": "NAP"}, "reason"),  # not a pause code
        ("/agent/call", {"number": "call me"}, "number"),
        ("/agent/call/transfer", {"call": "bad id!", "kind": "queue", "target": "6000"}, "call"),
    ):
        reply = post(client, path, data)
        assert reply.status == 303
        page = client.get("/agent").text
        assert f'class="flash flash-error" role="status">{field}:' in page, (path, data)
    assert acd_core.acd_actions() == []
    assert audit_rows("acd.") == []


def test_an_agent_cannot_act_on_another_agents_call_or_reach_the_supervisor(seeded, acd_core):
    client = agent_client(seeded)
    acd_core.ring("q-802", "13900000000", "6000", "802")
    reply = post(client, "/agent/call/hangup", {"call": "q-802"})
    assert reply.status == 403
    reply = post(client, "/agent/call/transfer", {"call": "q-802", "kind": "number", "target": "1090"})
    assert reply.status == 403
    assert [(r.action, r.detail) for r in audit_rows("acd.")] == [
        ("acd.refused", "call=q-802 is not the agent's"),
        ("acd.refused", "call=q-802 is not the agent's"),
    ]
    # Supervisor pages and actions, and admin pages, are not for agents.
    for path in ("/supervisor", "/wallboard", "/wallboard.json", "/extensions", "/queues"):
        assert client.get(path).status == 403, path
    token = client.get("/agent").csrf()
    for path in ("/supervisor/agents/pause", "/supervisor/agents/logout", "/supervisor/calls/hangup"):
        assert client.post(path, {"csrf_token": token, "agent": "802", "call": "q-802"}).status == 403
    assert acd_core.acd_actions() == []


def test_an_agent_hangs_up_and_transfers_its_own_call(seeded, acd_core):
    client = agent_client(seeded)
    acd_core.ring("q-1", "13800138000", "6000", "801")
    assert (
        post(client, "/agent/call/transfer", {"call": "q-1", "kind": "agent", "target": "802"}).status == 303
    )
    assert post(client, "/agent/call/hangup", {"call": "q-1"}).status == 303
    assert acd_core.acd_actions() == [
        ("/acd/calls/transfer", {"call": "q-1", "target": "agent:802"}),
        ("/acd/calls/hangup", {"call": "q-1"}),
    ]


def test_every_console_post_needs_the_sessions_csrf_token(seeded, acd_core):
    client = agent_client(seeded)
    other = agent_client(seeded, "802", addr="192.0.2.21")
    foreign = other.get("/agent").csrf()
    for path in ("/agent/acd/login", "/agent/acd/pause", "/agent/call", "/agent/token"):
        assert client.post(path, {"reason": "LUNCH", "number": "1090"}).status == 403
        assert client.post(path, {"csrf_token": foreign, "reason": "LUNCH", "number": "1090"}).status == 403
    assert acd_core.acd_actions() == []
    assert audit_rows("acd.") == [] and audit_rows("cti.") == []


def test_not_logged_in_goes_to_the_agent_login_and_scripts_get_401(seeded, acd_core):
    client = Client(seeded)
    reply = client.get("/agent")
    assert reply.status == 303 and reply.location == "/agent/login?next=/agent"
    assert client.get("/agent/state.json").status == 401
    events = client.get("/agent/events")
    assert events.status == 401 and json.loads(events.text)["field"] == "login"
    # An administrator is not an agent.
    admin = Client(seeded)
    admin.submit("/login", "/login", {"username": "boss", "password": "Corr3ctHorse42"})
    assert admin.get("/agent").status == 403
    assert admin.get("/agent/state.json").status == 403


def test_logging_out_of_the_web_returns_to_the_agent_login_and_keeps_the_queue_login(seeded, acd_core):
    client = agent_client(seeded)
    reply = client.submit("/agent", "/logout", {})
    assert reply.status == 303 and reply.location == "/agent/login"
    assert client.get("/agent").status == 303
    assert acd_core.acd_actions() == []


def test_a_disabled_or_renumbered_agents_session_stops_working(seeded, acd_core):
    client = agent_client(seeded)
    assert client.get("/agent").status == 200
    Agent.update(number="811").where(Agent.number == "801").execute()
    assert client.get("/agent").status == 303
    assert not WebSession.select().join(AdminUser).where(AdminUser.username == "agent:801").exists()
    # A new agent given the old number does not inherit anything either.
    newcomer = Agent(number="801", name="New")
    newcomer.set_pin("5555")
    newcomer.save()
    fresh = agent_client(seeded, "801", pin="5555")
    assert "New" in fresh.get("/agent").text


def test_screen_pop_shows_the_customer_history_and_the_encoded_crm_link(seeded, acd_core):
    client = agent_client(seeded)
    acd_core.set_agent("801", state="idle", contact="1011")
    acd_core.ring("q-7", "13800138000", "6000", "801")
    state = json.loads(client.get("/agent/state.json").text)
    assert state["state"] == "ringing" and state["contact"] == "1011"
    call = state["call"]
    assert (call["call"], call["caller"], call["queue"], call["queue_name"]) == (
        "q-7",
        "13800138000",
        "6000",
        "Sales",
    )
    customer = call["customer"]
    assert (customer["name"], customer["company"], customer["notes"], customer["vip"]) == (
        "Zhang Wei",
        "Acme Trading",
        "Prefers mornings",
        True,
    )
    # Calls with either of the customer's numbers, newest first; not the stranger's.
    assert [(h["caller"], h["callee"]) for h in call["history"]] == [
        ("13800138000", "6000"),
        ("1011", "02112345678"),
    ]
    assert call["crm_url"] == "https://crm.example/pop?tel=13800138000&q=6000&d=&id=q-7"


def test_crm_url_values_are_url_encoded_and_only_http_links_are_offered():
    url = screenpop.crm_url(
        "https://crm.example/c?n={caller}&q={queue}&d={digits}&id={callid}&x={other}",
        caller="+86 138&x=1",
        queue="6000",
        digits="1#2",
        callid="a/b",
    )
    assert url == "https://crm.example/c?n=%2B86%20138%26x%3D1&q=6000&d=1%232&id=a%2Fb&x={other}"
    assert screenpop.crm_url("javascript:alert({caller})", caller="1", queue="", digits="", callid="") is None
    assert screenpop.crm_url("", caller="1", queue="", digits="", callid="") is None


def test_sse_relay_yields_id_and_data_for_the_agents_own_events_only(seeded, acd_core):
    client = agent_client(seeded)
    acd_core.publish("agent-state-changed", agent="802", old="idle", new="paused", reason="LUNCH")
    acd_core.ring("q-9", "13800138000", "6000", "801")
    acd_core.publish("caller-joined", call="q-10", queue="6000", caller="1555")  # names no agent
    acd_core.publish("agent-ringing", call="q-10", queue="6000", agent="802", caller="1555", name="")
    acd_core.publish("call-answered", call="q-9", queue="6000", agent="801", caller="13800138000", name="")
    reply = client.get("/agent/events", headers={"Last-Event-ID": "0"})
    assert reply.status == 200
    assert reply.header("Content-Type").startswith("text/event-stream")
    assert reply.header("Cache-Control") == "no-store"
    blocks = [b for b in sse_blocks(reply.text) if "data" in b]
    events = [json.loads(b["data"]) for b in blocks]
    assert [(e["type"], e["agent"], e["call"]) for e in events] == [
        ("agent-ringing", "801", "q-9"),
        ("call-answered", "801", "q-9"),
    ]
    assert [int(b["id"]) for b in blocks] == [e["seq"] for e in events] == [2, 5]
    assert events[0]["pop"]["customer"]["name"] == "Zhang Wei"
    assert events[0]["caller"] == "13800138000"
    # The relay asked pbx-core for this agent's events only.
    polls = acd_core.received("POST", "/cti/events")
    assert polls and {p["agent"] for p in polls} == {"801"}
    assert all(p["wait"] <= 0.3 for p in polls)

    # Resuming from the last id it saw, the browser gets only what came after.
    acd_core.publish("agent-state-changed", agent="801", old="on-call", new="wrap-up", call_id="q-9")
    reply = client.get("/agent/events", headers={"Last-Event-ID": "5"})
    events = [json.loads(b["data"]) for b in sse_blocks(reply.text) if "data" in b]
    assert [(e["type"], e["seq"]) for e in events] == [("agent-state-changed", 6)]


def test_a_fresh_stream_starts_from_now_and_ends_so_the_browser_reconnects(seeded, acd_core):
    client = agent_client(seeded)
    acd_core.ring("q-old", "13800138000", "6000", "801")
    reply = client.get("/agent/events")
    blocks = sse_blocks(reply.text)
    assert blocks[0] == {"retry": str(cti_stream.RETRY_MS)}
    assert not [b for b in blocks if "data" in b]  # history is not replayed
    assert {"id": "1"} in blocks  # where the browser resumes from


def test_streams_are_rationed_and_a_full_gate_answers_503(seeded, acd_core):
    gate = seeded.config["pbx.streams"]
    slots = [gate.acquire(), gate.acquire()]
    assert None not in slots and gate.acquire() is None
    client = agent_client(seeded)
    reply = client.get("/agent/events")
    assert reply.status == 503 and reply.header("Retry-After") == "5"
    assert json.loads(reply.text)["field"] == "streams"
    gate.release(slots[0])
    assert client.get("/agent/events").status == 200
    assert gate.open_streams == 1  # the finished stream gave its slot back


def test_agent_issues_and_revokes_its_api_token_stored_only_as_a_hash(seeded, acd_core):
    client = agent_client(seeded)
    page = post(client, "/agent/token")
    assert page.status == 200
    token = page.text.split('id="new-token">', 1)[1].split("<", 1)[0]
    assert token.startswith("801.") and len(token) > 40
    stored = AdminUser.get(AdminUser.username == "cti:801")
    assert token not in stored.password_hash and stored.role == "cti"
    assert token not in client.get("/agent").text  # shown once only
    assert "A token was issued at" in client.get("/agent").text
    assert post(client, "/agent/token/revoke").status == 303
    assert not AdminUser.select().where(AdminUser.username == "cti:801").exists()
    assert [r.action for r in AuditLog.select().where(AuditLog.action.startswith("cti.token"))] == [
        "cti.token_create",
        "cti.token_revoke",
    ]


def test_console_speaks_chinese(seeded, acd_core):
    client = Client(seeded, headers={"Accept-Language": "zh-CN"})
    page = client.get("/agent/login")
    assert "坐席登录" in page.text
    assert agent_login(client, "801", PINS["801"]).status == 303
    page = client.get("/agent").text
    assert "坐席工作台" in page and "签入队列" in page and "午餐" in page


def test_supervisor_may_not_use_the_agent_console(seeded, acd_core):
    assert supervisor_client(seeded).get("/agent").status == 403


def test_an_admin_account_with_the_agent_role_is_no_agent_and_keeps_its_session(seeded, acd_core):
    from tests.webadmin.conftest import login
    from webadmin import auth

    AdminUser.create(
        username="agent7", password_hash=auth.hash_password("Agent-passw0rd"), role="agent", language="en"
    )
    client = Client(seeded, remote_addr="192.0.2.88")
    assert login(client, "agent7", "Agent-passw0rd").status == 303
    assert client.get("/agent").status == 403
    assert client.get("/agent").status == 403  # still logged in: not mistaken for a stale agent session
    assert client.submit("/agent/login", "/logout", {}).location == "/login"


def test_my_queues_lists_only_dynamic_memberships_with_the_button_the_snapshot_calls_for(seeded, acd_core):
    member("801", "6000", "dynamic")  # the fake's snapshot has 801 in 6000
    member("801", "6001", "dynamic")
    member("802", "6001", "static")
    client = agent_client(seeded)
    page = client.get("/agent").text
    assert 'id="queues-card"' in page and "My queues" in page
    assert "Sales" in queue_row(page, "6000") and "In this queue" in queue_row(page, "6000")
    assert shown_actions(page, "6000") == ["/agent/acd/leave"]
    assert "Support" in queue_row(page, "6001") and "Not in this queue" in queue_row(page, "6001")
    assert shown_actions(page, "6001") == ["/agent/acd/join"]
    state = json.loads(client.get("/agent/state.json").text)
    assert state["queues"] == [
        {"queue": "6000", "name": "Sales", "joined": True},
        {"queue": "6001", "name": "Support", "joined": False},
    ]
    # A static membership is no queue to join or leave.
    assert (
        "You have no queues to join or leave."
        in agent_client(seeded, "802", addr="192.0.2.21").get("/agent").text
    )
    assert acd_core.acd_actions() == []


def test_without_pbx_core_my_queues_offers_neither_button(seeded, acd_core):
    member("801", "6001", "dynamic")
    client = agent_client(seeded)
    acd_core.stop()
    page = client.get("/agent").text
    assert "Support" in queue_row(page, "6001") and shown_actions(page, "6001") == []
    assert json.loads(client.get("/agent/state.json").text)["queues"][0]["joined"] is None


def test_agent_joins_and_leaves_its_dynamic_queue_for_itself_only_and_it_is_audited(seeded, acd_core):
    member("801", "6001", "dynamic")
    member("802", "6001", "dynamic")
    client = agent_client(seeded)
    # A forged agent field is ignored: the agent is the session's.
    assert post(client, "/agent/acd/join", {"queue": "6001", "agent": "802"}).location == "/agent"
    page = client.get("/agent").text
    assert "Joined queue 6001." in page
    assert shown_actions(page, "6001") == ["/agent/acd/leave"]
    assert post(client, "/agent/acd/leave", {"queue": "6001", "agent": "802"}).location == "/agent"
    page = client.get("/agent").text
    assert "Left queue 6001." in page and shown_actions(page, "6001") == ["/agent/acd/join"]
    assert acd_core.acd_actions() == [
        ("/acd/agents/join", {"agent": "801", "queue": "6001"}),
        ("/acd/agents/leave", {"agent": "801", "queue": "6001"}),
    ]
    assert [(r.action, r.username, r.target, r.detail) for r in audit_rows("acd.")] == [
        ("acd.join", "agent:801", "801", "queue=6001"),
        ("acd.leave", "agent:801", "801", "queue=6001"),
    ]
    assert acd_core.agent("802")["queues"] == ["6000"]


def test_joining_or_leaving_a_queue_without_a_dynamic_membership_is_refused_and_asks_nothing(
    seeded, acd_core
):
    member("801", "6000", "static")
    member("802", "6001", "dynamic")  # another agent's membership is not this one's
    client = agent_client(seeded)
    for path, queue, reason in (
        ("/agent/acd/join", "6000", "you are not a dynamic member of this queue"),
        ("/agent/acd/leave", "6000", "you are not a dynamic member of this queue"),
        ("/agent/acd/join", "6001", "you are not a dynamic member of this queue"),
        ("/agent/acd/join", "9999", "no queue has this number"),
        ("/agent/acd/leave", "", "no queue has this number"),
    ):
        assert post(client, path, {"queue": queue}).status == 303
        page = client.get("/agent").text
        assert f'class="flash flash-error" role="status">queue: {reason}' in page, (path, queue)
    assert acd_core.acd_actions() == []
    assert audit_rows("acd.") == []


def test_a_join_pbx_core_refuses_is_shown_and_audited(seeded, acd_core):
    member("801", "6001", "dynamic")
    client = agent_client(seeded)
    acd_core.refuse = "agent 801 is logged out"
    assert post(client, "/agent/acd/join", {"queue": "6001"}).status == 303
    assert "pbx-core refused: agent 801 is logged out" in client.get("/agent").text
    assert [(r.action, r.detail) for r in audit_rows("acd.")] == [
        ("acd.join", "queue=6001 refused: agent 801 is logged out")
    ]


def test_join_and_leave_need_the_sessions_csrf_token(seeded, acd_core):
    member("801", "6001", "dynamic")
    member("802", "6001", "dynamic")
    client = agent_client(seeded)
    foreign = agent_client(seeded, "802", addr="192.0.2.21").get("/agent").csrf()
    for path in ("/agent/acd/join", "/agent/acd/leave"):
        assert client.post(path, {"queue": "6001"}).status == 403
        assert client.post(path, {"csrf_token": foreign, "queue": "6001"}).status == 403
    assert acd_core.acd_actions() == []
    assert audit_rows("acd.") == []


def test_my_queues_speaks_chinese(seeded, acd_core):
    member("801", "6001", "dynamic")
    client = Client(seeded, headers={"Accept-Language": "zh-CN"})
    assert agent_login(client, "801", PINS["801"]).status == 303
    page = client.get("/agent").text
    assert "我的队列" in page and "未加入" in queue_row(page, "6001") and ">加入</button>" in page
    assert post(client, "/agent/acd/join", {"queue": "6001"}).status == 303
    page = client.get("/agent").text
    assert "已加入队列 6001。" in page and "已加入" in queue_row(page, "6001") and ">退出</button>" in page
    assert post(client, "/agent/acd/leave", {"queue": "6000"}).status == 303
    assert "queue：您不是此队列的动态成员，不能自行加入或退出" in client.get("/agent").text
    assert acd_core.acd_actions() == [("/acd/agents/join", {"agent": "801", "queue": "6001"})]

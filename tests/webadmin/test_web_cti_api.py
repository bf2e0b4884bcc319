# ruff: noqa: F811 - the fixtures imported from live_support are the tests' parameters
"""The CTI HTTP API against a fake pbx-core: bearer tokens per agent, JSON errors (401, 403, 400
naming the field, 409, 503), exact control calls, audit, and the agent's SSE event stream."""

from __future__ import annotations

import io
import json
from typing import Any
from wsgiref.util import setup_testing_defaults

import pytest

from telephony.control.client import ControlClient
from telephony.models import AdminUser, Agent, Queue, QueueMember
from tests.webadmin.conftest import closed_port
from tests.webadmin.live_support import (  # noqa: F401 - fixtures
    acd_core,
    agent_client,
    audit_rows,
    live_app,
    seeded,
    sse_blocks,
)
from tests.webadmin.wsgi_client import Response
from webadmin import auth
from webadmin.app import create_app
from webadmin.services import agent_auth


def call(app, method: str, path: str, body: Any = None, token: str | None = None, **headers: str) -> Response:
    """Send one API request the way an integration does: JSON body, bearer token, no cookies."""
    data = b"" if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path.split("?", 1)[0],
        "QUERY_STRING": path.split("?", 1)[1] if "?" in path else "",
        "REMOTE_ADDR": "198.51.100.5",
        "CONTENT_LENGTH": str(len(data)),
        "CONTENT_TYPE": headers.pop("content_type", "application/json"),
        "wsgi.input": io.BytesIO(data),
        "HTTP_ACCEPT_LANGUAGE": "en",
    }
    setup_testing_defaults(environ)
    if token is not None:
        environ["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    for name, value in headers.items():
        environ["HTTP_" + name.upper()] = value
    captured: dict[str, Any] = {}

    def start_response(status: str, response_headers: list, exc_info: Any = None) -> None:
        captured["status"] = int(status.split()[0])
        captured["headers"] = response_headers

    chunks = app(environ, start_response)
    try:
        payload = b"".join(chunks)
    finally:
        if hasattr(chunks, "close"):
            chunks.close()
    return Response(captured["status"], captured["headers"], payload)


def answer(reply: Response) -> dict[str, Any]:
    assert reply.header("Content-Type").startswith("application/json"), reply.text[:300]
    return json.loads(reply.text)


@pytest.fixture
def tokens(seeded):
    return {n: agent_auth.issue_token(Agent.get(Agent.number == n)) for n in ("801", "802")}


def test_no_token_a_wrong_token_or_a_revoked_one_is_401_and_asks_nothing(seeded, acd_core, tokens):
    forged = "801." + "A" * 43
    for token in (None, "", forged, tokens["801"] + "x", "802" + tokens["801"][3:]):
        reply = call(seeded, "POST", "/api/cti/logout", {}, token=token)
        assert reply.status == 401, token
        assert answer(reply)["field"] == "token"
        assert reply.header("WWW-Authenticate") == 'Bearer realm="cti"'
    agent_auth.revoke_token(Agent.get(Agent.number == "801"))
    assert call(seeded, "POST", "/api/cti/logout", {}, token=tokens["801"]).status == 401
    # A disabled agent's token stops working too.
    Agent.update(enabled=False).where(Agent.number == "802").execute()
    assert call(seeded, "POST", "/api/cti/logout", {}, token=tokens["802"]).status == 401
    assert call(seeded, "GET", "/api/cti/events", token=None).status == 401
    assert acd_core.acd_actions() == []


def test_the_console_cookie_does_not_open_the_api(seeded, acd_core, tokens):
    client = agent_client(seeded)
    reply = client.post("/api/cti/logout", {"csrf_token": client.get("/agent").csrf()})
    assert reply.status == 401
    assert acd_core.acd_actions() == []


def test_token_actions_send_exact_calls_for_the_tokens_agent_and_are_audited(seeded, acd_core, tokens):
    token = tokens["801"]
    reply = call(seeded, "POST", "/api/cti/login", {}, token=token)
    assert reply.status == 200 and answer(reply) == {"ok": True, "contact": "1011"}
    assert answer(call(seeded, "POST", "/api/cti/pause", {"reason": "TRAIN"}, token=token))["ok"]
    assert answer(call(seeded, "POST", "/api/cti/unpause", {"agent": "801"}, token=token))["ok"]
    assert answer(call(seeded, "POST", "/api/cti/wrapup_end", None, token=token))["ok"]
    reply = call(seeded, "POST", "/api/cti/originate", {"number": "+86 138 0013 8000"}, token=token)
    assert answer(reply) == {"ok": True, "call": "c2c-101"}
    # Form fields work as well as JSON.
    form = b"contact=1090"
    reply = call(
        seeded, "POST", "/api/cti/login", form, token=token, content_type="application/x-www-form-urlencoded"
    )
    assert answer(reply)["contact"] == "1090"
    assert answer(call(seeded, "POST", "/api/cti/logout", {}, token=token))["ok"]
    assert acd_core.acd_actions() == [
        ("/acd/agents/login", {"agent": "801", "contact": "1011"}),
        ("/acd/agents/pause", {"agent": "801", "reason": "TRAIN"}),
        ("/acd/agents/unpause", {"agent": "801"}),
        ("/acd/agents/wrapup_end", {"agent": "801"}),
        ("/acd/originate", {"agent": "801", "number": "+8613800138000"}),
        ("/acd/agents/login", {"agent": "801", "contact": "1090"}),
        ("/acd/agents/logout", {"agent": "801"}),
    ]
    rows = audit_rows("cti.")
    assert {(r.username, r.target, r.remote_addr) for r in rows} == {("cti:801", "801", "198.51.100.5")}
    assert [r.action for r in rows] == [
        "cti.login",
        "cti.pause",
        "cti.unpause",
        "cti.wrapup_end",
        "cti.originate",
        "cti.login",
        "cti.logout",
    ]


def test_acting_for_another_agent_is_403_and_asks_nothing(seeded, acd_core, tokens):
    for path, body in (
        ("/api/cti/pause", {"agent": "802", "reason": "LUNCH"}),
        ("/api/cti/logout", {"agent": "802"}),
        ("/api/cti/originate", {"agent": "802", "number": "1090"}),
    ):
        reply = call(seeded, "POST", path, body, token=tokens["801"])
        assert reply.status == 403 and answer(reply)["field"] == "agent"
    assert call(seeded, "GET", "/api/cti/events?agent=802", token=tokens["801"]).status == 403
    # Another agent's call is not this agent's to transfer or hang up.
    acd_core.ring("q-802", "13900000000", "6000", "802")
    for path, body in (
        ("/api/cti/hangup", {"call": "q-802"}),
        ("/api/cti/transfer", {"call": "q-802", "target": "queue:6001"}),
    ):
        reply = call(seeded, "POST", path, body, token=tokens["801"])
        assert reply.status == 403 and answer(reply)["field"] == "call"
    assert acd_core.acd_actions() == []
    assert all(
        r.action in ("cti.pause", "cti.logout", "cti.originate", "cti.events", "cti.refused")
        for r in audit_rows("cti.")
    )
    assert all("refused" in r.detail or "not the agent's" in r.detail for r in audit_rows("cti."))


def test_bad_input_is_400_naming_the_field_and_asks_nothing(seeded, acd_core, tokens):
    acd_core.ring("q-1", "13800138000", "6000", "801")
    token = tokens["801"]
    for path, body, field in (
        ("/api/cti/pause", {"reason": "NAP"}, "reason"),
        ("/api/cti/pause", {}, "reason"),
        ("/api/cti/login", {"contact": "12ab"}, "contact"),
        ("/api/cti/login", {"contact": "7777"}, "contact"),
        ("/api/cti/originate", {"number": ""}, "number"),
        ("/api/cti/originate", {"number": "1; rm"}, "number"),
        ("/api/cti/transfer", {"call": "q-1", "target": "voicemail:1"}, "target"),
        ("/api/cti/transfer", {"call": "q-1", "target": "queue:9999"}, "target"),
        ("/api/cti/transfer", {"call": "q-1", "target": "agent:"}, "target"),
        ("/api/cti/hangup", {"call": ""}, "call"),
        ("/api/cti/hangup", b"{not json", "body"),
        ("/api/cti/hangup", b"[1, 2]", "body"),
    ):
        reply = call(seeded, "POST", path, body, token=token)
        assert reply.status == 400, (path, body, reply.text)
        error = answer(reply)
        assert error["field"] == field and error["error"], (path, body, error)
    assert acd_core.acd_actions() == []


def test_transfer_and_hangup_of_the_agents_own_call(seeded, acd_core, tokens):
    acd_core.ring("q-1", "13800138000", "6000", "801")
    token = tokens["801"]
    assert answer(
        call(seeded, "POST", "/api/cti/transfer", {"call": "q-1", "target": "agent:802"}, token=token)
    )["ok"]
    acd_core.ring("q-2", "13800138000", "6000", "801")
    assert answer(
        call(seeded, "POST", "/api/cti/transfer", {"call": "q-2", "target": "021-1234 5678"}, token=token)
    )
    acd_core.ring("q-3", "13800138000", "6000", "801")
    assert answer(call(seeded, "POST", "/api/cti/hangup", {"call": "q-3"}, token=token))["ok"]
    assert acd_core.acd_actions() == [
        ("/acd/calls/transfer", {"call": "q-1", "target": "agent:802"}),
        ("/acd/calls/transfer", {"call": "q-2", "target": "02112345678"}),
        ("/acd/calls/hangup", {"call": "q-3"}),
    ]
    state = answer(call(seeded, "GET", "/api/cti/state", token=token))
    assert (state["agent"], state["state"], state["call"]["call"], state["call"]["caller"]) == (
        "801",
        "ringing",
        "q-3",
        "13800138000",
    )


def test_core_refusal_is_409_and_an_absent_core_503(seeded, acd_core, tokens, config):
    acd_core.refuse = "agent 801 is not logged in"
    reply = call(seeded, "POST", "/api/cti/pause", {"reason": "LUNCH"}, token=tokens["801"])
    assert reply.status == 409 and answer(reply) == {"error": "agent 801 is not logged in", "field": "core"}
    assert audit_rows("cti.")[-1].detail == "refused: agent 801 is not logged in"
    dead = create_app(config, ControlClient(f"http://127.0.0.1:{closed_port()}", timeout=2))
    reply = call(dead, "POST", "/api/cti/logout", {}, token=tokens["801"])
    assert reply.status == 503 and answer(reply)["field"] == "core"


def test_too_large_a_body_is_413(seeded, acd_core, tokens):
    reply = call(seeded, "POST", "/api/cti/originate", {"number": "1" * 20000}, token=tokens["801"])
    assert reply.status == 413 and answer(reply)["field"] == "body"
    assert acd_core.acd_actions() == []


def test_events_stream_only_the_tokens_agent_with_a_bearer_or_a_query_token(seeded, acd_core, tokens):
    acd_core.ring("q-1", "13800138000", "6000", "801")
    acd_core.ring("q-2", "13911112222", "6000", "802")
    acd_core.publish(
        "call-ended", call="q-1", queue="6000", agent="801", caller="13800138000", talk_seconds=3.0
    )
    for reply in (
        call(seeded, "GET", "/api/cti/events", token=tokens["801"], last_event_id="0"),
        call(seeded, "GET", "/api/cti/events?since=0&token=" + tokens["801"]),
    ):
        assert reply.status == 200 and reply.header("Content-Type").startswith("text/event-stream")
        blocks = [b for b in sse_blocks(reply.text) if "data" in b]
        events = [json.loads(b["data"]) for b in blocks]
        assert [(int(b["id"]), e["type"], e["call"]) for b, e in zip(blocks, events, strict=True)] == [
            (1, "agent-ringing", "q-1"),
            (3, "call-ended", "q-1"),
        ]
        assert events[0]["pop"]["customer"]["name"] == "Zhang Wei"
    # A query token is for EventSource only: actions want the header.
    assert call(seeded, "POST", "/api/cti/logout?token=" + tokens["801"], {}).status == 401


def test_tokens_are_stored_as_hashes_and_one_per_agent(seeded, tokens):
    agent = Agent.get(Agent.number == "801")
    rows = list(AdminUser.select().where(AdminUser.username.startswith("cti:")))
    assert len(rows) == 2
    assert all(tokens[r.username[4:]] not in r.password_hash for r in rows)
    assert not auth.has_role(rows[0], "agent")  # a token's row reaches no page
    newer = agent_auth.issue_token(agent)
    assert agent_auth.agent_for_token(newer) == agent
    assert agent_auth.agent_for_token(tokens["801"]) is None  # replaced


def member(agent: str, queue: str, kind: str) -> None:
    QueueMember.create(
        agent=Agent.get(Agent.number == agent), queue=Queue.get(Queue.number == queue), kind=kind
    )


def test_join_and_leave_send_exact_calls_for_the_tokens_agent_and_are_audited(seeded, acd_core, tokens):
    member("801", "6001", "dynamic")
    token = tokens["801"]
    reply = call(seeded, "POST", "/api/cti/join", {"queue": "6001"}, token=token)
    assert reply.status == 200 and answer(reply) == {"ok": True, "queue": "6001"}
    assert answer(call(seeded, "GET", "/api/cti/state", token=token))["queues"] == ["6000", "6001"]
    reply = call(
        seeded,
        "POST",
        "/api/cti/leave",
        b"queue=6001",
        token=token,
        content_type="application/x-www-form-urlencoded",
    )
    assert answer(reply) == {"ok": True, "queue": "6001"}
    assert acd_core.acd_actions() == [
        ("/acd/agents/join", {"agent": "801", "queue": "6001"}),
        ("/acd/agents/leave", {"agent": "801", "queue": "6001"}),
    ]
    assert [(r.action, r.username, r.target, r.detail) for r in audit_rows("cti.")] == [
        ("cti.join", "cti:801", "801", "queue=6001"),
        ("cti.leave", "cti:801", "801", "queue=6001"),
    ]


def test_join_or_leave_for_another_agent_is_403_and_asks_nothing(seeded, acd_core, tokens):
    member("801", "6001", "dynamic")
    member("802", "6001", "dynamic")
    for path in ("/api/cti/join", "/api/cti/leave"):
        reply = call(seeded, "POST", path, {"agent": "802", "queue": "6001"}, token=tokens["801"])
        assert reply.status == 403 and answer(reply)["field"] == "agent"
    assert acd_core.acd_actions() == []
    assert [(r.action, r.detail) for r in audit_rows("cti.")] == [
        ("cti.join", "refused: acting for agent 802"),
        ("cti.leave", "refused: acting for agent 802"),
    ]


def test_join_or_leave_without_a_dynamic_membership_is_400_naming_the_queue(seeded, acd_core, tokens):
    member("801", "6000", "static")
    member("802", "6001", "dynamic")  # another agent's membership is not this one's
    for path, body, error in (
        ("/api/cti/join", {"queue": "6000"}, "you are not a dynamic member of this queue"),
        ("/api/cti/leave", {"queue": "6000"}, "you are not a dynamic member of this queue"),
        ("/api/cti/join", {"queue": "6001"}, "you are not a dynamic member of this queue"),
        ("/api/cti/join", {"queue": "9999"}, "no queue has this number"),
        ("/api/cti/leave", {}, "no queue has this number"),
    ):
        reply = call(seeded, "POST", path, body, token=tokens["801"])
        assert reply.status == 400, (path, body, reply.text)
        got = answer(reply)
        assert got["field"] == "queue" and got["error"].startswith(error), (path, body, got)
    assert acd_core.acd_actions() == []


def test_a_leave_pbx_core_refuses_is_409_and_audited(seeded, acd_core, tokens):
    member("801", "6001", "dynamic")
    reply = call(seeded, "POST", "/api/cti/leave", {"queue": "6001"}, token=tokens["801"])
    assert reply.status == 409
    assert answer(reply) == {"error": "agent 801 is not a member of queue 6001", "field": "core"}
    assert [(r.action, r.detail) for r in audit_rows("cti.")] == [
        ("cti.leave", "refused: agent 801 is not a member of queue 6001")
    ]


def test_join_needs_the_token_not_the_console_cookie(seeded, acd_core, tokens):
    member("801", "6001", "dynamic")
    client = agent_client(seeded)
    for path in ("/api/cti/join", "/api/cti/leave"):
        assert client.post(path, {"csrf_token": client.get("/agent").csrf(), "queue": "6001"}).status == 401
        assert call(seeded, "POST", path, {"queue": "6001"}).status == 401
    assert acd_core.acd_actions() == []


def test_join_errors_speak_chinese(seeded, acd_core, tokens):
    member("801", "6000", "static")
    reply = call(
        seeded, "POST", "/api/cti/join", {"queue": "6000"}, token=tokens["801"], accept_language="zh-CN"
    )
    assert reply.status == 400
    assert answer(reply) == {"error": "您不是此队列的动态成员，不能自行加入或退出", "field": "queue"}
    reply = call(
        seeded, "POST", "/api/cti/leave", {"queue": "9999"}, token=tokens["801"], accept_language="zh-CN"
    )
    assert answer(reply) == {"error": "没有此号码的队列", "field": "queue"}
    assert acd_core.acd_actions() == []

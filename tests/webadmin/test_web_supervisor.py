# ruff: noqa: F811 - the fixtures imported from live_support are the tests' parameters
"""The supervisor console and the wallboard against a fake pbx-core: live tables and counts, every
action's exact control call, the audit log, permissions, CSRF, refusals that ask nothing."""

from __future__ import annotations

import datetime as dt
import json

from telephony.control.client import ControlClient
from telephony.models import AcdEvent, AdminUser, utcnow
from tests.webadmin.conftest import closed_port
from tests.webadmin.live_support import (  # noqa: F401 - fixtures
    acd_core,
    admin_client,
    agent_client,
    audit_rows,
    live_app,
    seeded,
    supervisor_client,
)
from tests.webadmin.wsgi_client import Client
from webadmin.app import create_app


def act(client: Client, path: str, data: dict[str, str]):
    return client.post(path, {"csrf_token": client.get("/supervisor").csrf(), **data})


def flashes(client: Client) -> str:
    page = client.get("/supervisor").text
    return " | ".join(part.split("</div>", 1)[0] for part in page.split('class="flash flash-')[1:])


def busy_core(core) -> None:
    """Agent 801 talks to a customer in 6000, 802 is paused, one caller waits in 6001."""
    core.set_agent("801", state="idle", contact="1011")
    core.ring("q-1", "13800138000", "6000", "801")
    core.set_agent("801", state="on-call", time_in_state=75.0)
    core.queue_calls[0].update(state="answered", agent="801")
    core.set_agent("802", state="paused", pause_reason="LUNCH", contact="1012", time_in_state=3725.0)
    core.queue_calls.append(
        # A callback: the CDR's id is its own, the ACD (and every action) knows the first call's.
        {"uniqueid": "cdr-2", "acd_id": "q-2", "caller": "13911112222", "state": "queued", "queue": "6001"}
    )
    core.set_queue("6000", serving=1, logged_out=0, paused=1)
    core.set_queue("6001", waiting=1, longest_wait=42.4, paused=1, logged_out=0)


def test_supervisor_sees_every_queue_agent_and_call_with_the_counts(seeded, acd_core):
    busy_core(acd_core)
    client = supervisor_client(seeded)
    page = client.get("/supervisor")
    assert page.status == 200
    text = page.text
    assert 'src="/static/supervisor.js"' in text and "<script>" not in text
    counts = {
        key: text.split(f'data-count="{key}">', 1)[1].split("<", 1)[0]
        for key in ("waiting", "longest_wait", "serving", "idle", "paused", "logged_out")
    }
    assert counts == {
        "waiting": "1",
        "longest_wait": "0:42",
        "serving": "1",
        "idle": "0",
        "paused": "1",
        "logged_out": "0",
    }
    agents = text.split('id="sup-agents"', 1)[1]
    row_801 = agents.split('data-agent="801"', 1)[1].split("</tr>", 1)[0]
    assert "On a call" in row_801 and "1:15" in row_801 and "13800138000" in row_801
    row_802 = agents.split('data-agent="802"', 1)[1].split("</tr>", 1)[0]
    assert "Paused" in row_802 and "Lunch" in row_802 and "1:02:05" in row_802
    calls = text.split('id="sup-calls"', 1)[1].split("</table>", 1)[0]
    assert 'data-call="q-1"' in calls and 'data-call="q-2"' in calls and "13911112222" in calls
    # The fragment the page's script swaps in every 2 s carries the same tables.
    fragment = client.get("/supervisor/live")
    assert fragment.status == 200 and 'id="sup-agents"' in fragment.text and "<html" not in fragment.text
    live = json.loads(client.get("/supervisor/live.json").text)
    assert live["totals"]["waiting"] == 1 and [a["state"] for a in live["agents"]] == ["on-call", "paused"]
    assert acd_core.acd_actions() == []


def test_only_supervisors_and_admins_reach_the_console(seeded, acd_core):
    assert admin_client(seeded).get("/supervisor").status == 200
    assert supervisor_client(seeded).get("/wallboard").status == 200
    agent = agent_client(seeded)
    assert agent.get("/supervisor").status == 403
    anonymous = Client(seeded)
    reply = anonymous.get("/supervisor")
    assert reply.status == 303 and reply.location.startswith("/login")
    assert anonymous.get("/wallboard.json").status == 303


def test_monitoring_needs_the_supervisors_extension_then_rings_it_and_is_audited(seeded, acd_core):
    busy_core(acd_core)
    client = supervisor_client(seeded)
    assert act(client, "/supervisor/monitor", {"call": "q-1", "mode": "listen"}).status == 303
    assert "Enter your extension first" in flashes(client)
    assert act(client, "/supervisor/extension", {"extension": "5555"}).status == 303
    assert "no extension or analog port has this number" in flashes(client)
    assert acd_core.acd_actions() == []

    assert act(client, "/supervisor/extension", {"extension": "1090"}).status == 303
    assert 'value="1090"' in client.get("/supervisor").text  # remembered in the session
    for mode in ("listen", "whisper", "barge"):
        assert act(client, "/supervisor/monitor", {"call": "q-1", "mode": mode}).status == 303
    assert act(client, "/supervisor/monitor", {"call": "q-1", "mode": "record"}).status == 303
    assert acd_core.acd_actions() == [
        ("/acd/monitor", {"call": "q-1", "mode": "listen", "contact": "1090"}),
        ("/acd/monitor", {"call": "q-1", "mode": "whisper", "contact": "1090"}),
        ("/acd/monitor", {"call": "q-1", "mode": "barge", "contact": "1090"}),
    ]
    rows = audit_rows("supervisor.")
    assert [(r.action, r.username, r.target, r.detail) for r in rows] == [
        ("supervisor.extension", "sue", "1090", ""),
        ("supervisor.listen", "sue", "q-1", "contact=1090"),
        ("supervisor.whisper", "sue", "q-1", "contact=1090"),
        ("supervisor.barge", "sue", "q-1", "contact=1090"),
    ]
    # The mode of a session this supervisor started may change; anyone else's may not.
    first = "mon-101"
    assert act(client, "/supervisor/monitor/mode", {"session": first, "mode": "barge"}).status == 303
    assert act(client, "/supervisor/monitor/mode", {"session": "mon-999", "mode": "listen"}).status == 403
    other = admin_client(seeded)
    assert act(other, "/supervisor/monitor/mode", {"session": first, "mode": "listen"}).status == 403
    assert acd_core.acd_actions()[3:] == [("/acd/monitor/mode", {"session": first, "mode": "barge"})]


def test_force_hangup_and_transfer_any_call_with_exact_targets(seeded, acd_core):
    busy_core(acd_core)
    client = supervisor_client(seeded)
    for data in (
        {"call": "q-2", "kind": "agent", "target": "802"},
        {"call": "q-2", "kind": "queue", "target": "6000"},
        {"call": "q-2", "kind": "number", "target": "+86 21 1234-5678"},
    ):
        assert act(client, "/supervisor/calls/transfer", data).status == 303
    assert act(client, "/supervisor/calls/hangup", {"call": "q-1"}).status == 303
    assert acd_core.acd_actions() == [
        ("/acd/calls/transfer", {"call": "q-2", "target": "agent:802"}),
        ("/acd/calls/transfer", {"call": "q-2", "target": "queue:6000"}),
        ("/acd/calls/transfer", {"call": "q-2", "target": "+862112345678"}),
        ("/acd/calls/hangup", {"call": "q-1"}),
    ]
    assert [(r.action, r.target, r.detail) for r in audit_rows("supervisor.")] == [
        ("supervisor.transfer", "q-2", "target=agent:802"),
        ("supervisor.transfer", "q-2", "target=queue:6000"),
        ("supervisor.transfer", "q-2", "target=+862112345678"),
        ("supervisor.hangup", "q-1", ""),
    ]


def test_bad_transfer_targets_are_refused_before_the_core_is_asked(seeded, acd_core):
    busy_core(acd_core)
    client = supervisor_client(seeded)
    for data, shown in (
        ({"call": "q-2", "kind": "agent", "target": "899"}, "target: no agent has this number"),
        ({"call": "q-2", "kind": "queue", "target": "7000"}, "target: no queue has this number"),
        ({"call": "q-2", "kind": "number", "target": "abc"}, "target: enter a phone number"),
        ({"call": "q-2", "kind": "voicemail", "target": "1"}, "kind: choose agent, queue or number"),
        ({"call": "", "kind": "queue", "target": "6000"}, "call: not a call id"),
    ):
        assert act(client, "/supervisor/calls/transfer", data).status == 303
        assert shown in flashes(client)
    assert acd_core.acd_actions() == []
    assert audit_rows("supervisor.") == []


def test_force_pause_ready_and_logout_of_an_agent(seeded, acd_core):
    busy_core(acd_core)
    client = supervisor_client(seeded)
    assert act(client, "/supervisor/agents/pause", {"agent": "801", "reason": "TRAIN"}).status == 303
    assert act(client, "/supervisor/agents/ready", {"agent": "802"}).status == 303
    assert act(client, "/supervisor/agents/logout", {"agent": "801"}).status == 303
    assert act(client, "/supervisor/agents/pause", {"agent": "801", "reason": "NAP"}).status == 303
    assert act(client, "/supervisor/agents/logout", {"agent": "999"}).status == 303
    assert acd_core.acd_actions() == [
        ("/acd/agents/pause", {"agent": "801", "reason": "TRAIN"}),
        ("/acd/agents/unpause", {"agent": "802"}),
        ("/acd/agents/logout", {"agent": "801"}),
    ]
    assert [(r.action, r.username, r.target, r.detail) for r in audit_rows("supervisor.")] == [
        ("supervisor.pause", "sue", "801", "reason=TRAIN"),
        ("supervisor.unpause", "sue", "802", ""),
        ("supervisor.logout", "sue", "801", ""),
    ]


def test_a_refusal_by_the_core_is_shown_and_audited(seeded, acd_core):
    busy_core(acd_core)
    acd_core.refuse = "agent 801 is not logged in"
    client = supervisor_client(seeded)
    assert act(client, "/supervisor/agents/pause", {"agent": "801", "reason": "LUNCH"}).status == 303
    assert "pbx-core refused: agent 801 is not logged in" in flashes(client)
    row = audit_rows("supervisor.")[-1]
    assert (row.action, row.detail) == (
        "supervisor.pause",
        "reason=LUNCH refused: agent 801 is not logged in",
    )


def test_supervisor_posts_need_the_csrf_token(seeded, acd_core):
    busy_core(acd_core)
    client = supervisor_client(seeded)
    for path, data in (
        ("/supervisor/calls/hangup", {"call": "q-1"}),
        ("/supervisor/agents/logout", {"agent": "801"}),
        ("/supervisor/extension", {"extension": "1090"}),
    ):
        assert client.post(path, data).status == 403
        assert client.post(path, {"csrf_token": "x" * 43, **data}).status == 403
    assert acd_core.acd_actions() == [] and audit_rows("supervisor.") == []


def test_console_without_a_core_says_so(seeded, config):
    app = create_app(config, ControlClient(f"http://127.0.0.1:{closed_port()}", timeout=2))
    client = supervisor_client(app)
    assert 'id="core-down"' in client.get("/supervisor").text
    assert client.get("/supervisor/live.json").status == 503
    wall = client.get("/wallboard.json")
    assert wall.status == 503 and json.loads(wall.text)["ok"] is False


def test_admin_issues_and_revokes_an_agents_api_token_supervisor_may_not(seeded, acd_core):
    admin = admin_client(seeded)
    page = act(admin, "/supervisor/agents/token", {"agent": "802"})
    assert page.status == 200
    token = page.text.split('id="new-token">', 1)[1].split("<", 1)[0]
    assert token.startswith("802.")
    assert token not in AdminUser.get(AdminUser.username == "cti:802").password_hash
    supervisor = supervisor_client(seeded)
    assert act(supervisor, "/supervisor/agents/token/revoke", {"agent": "802"}).status == 403
    assert act(admin, "/supervisor/agents/token/revoke", {"agent": "802"}).status == 303
    assert not AdminUser.select().where(AdminUser.username == "cti:802").exists()
    assert [r.action for r in audit_rows("cti.")] == ["cti.token_create", "cti.token_revoke"]


def test_wallboard_shows_each_queues_figures_and_follows_the_core(seeded, acd_core):
    client = supervisor_client(seeded)
    page = client.get("/wallboard")
    assert page.status == 200 and "Call center live" in page.text
    assert 'src="/static/wallboard.js"' in page.text and "<script>" not in page.text
    card = page.text.split('data-queue="6001"', 1)[1].split("</section>", 1)[0]
    assert 'data-k="waiting">0<' in card and "Support" in card
    acd_core.set_queue("6001", waiting=3, longest_wait=95.2, idle=2)
    data = json.loads(client.get("/wallboard.json").text)
    q = next(q for q in data["queues"] if q["queue"] == "6001")
    assert (q["waiting"], q["longest_wait"], q["idle"], q["name"]) == (3, 95, 2, "Support")
    assert q["alert"] is True  # waited beyond the queue's 20 s service-level target
    assert data["totals"]["waiting"] == 3


def test_wallboard_speaks_chinese(seeded, acd_core):
    client = supervisor_client(seeded)
    client.submit("/supervisor", "/lang", {"lang": "zh-CN", "next": "/wallboard"})
    page = client.get("/wallboard").text
    assert '<html lang="zh-CN">' in page and "呼叫中心实时大屏" in page and "最长等待" in page


def test_wallboard_service_level_today_comes_from_the_event_log(seeded, acd_core):
    now = utcnow()
    rows = (
        ("c1", "entered", 0, ""),
        ("c1", "answered", 5000, "801"),  # within the 20 s target
        ("c2", "entered", 0, ""),
        ("c2", "answered", 45000, "801"),  # too late
        ("c3", "entered", 0, ""),
        ("c3", "answered", 10000, "802"),
        ("c4", "entered", 0, ""),
        ("c4", "abandoned", 30000, ""),
    )
    for n, (call, kind, wait, agent) in enumerate(rows):
        AcdEvent.create(
            at=now - dt.timedelta(seconds=60 - n),
            kind=kind,
            queue="6000",
            agent=agent,
            call_id=call,
            caller="1300000000" + call[-1],
            wait_ms=wait,
        )
    data = json.loads(supervisor_client(seeded).get("/wallboard.json").text)
    levels = {q["queue"]: q["service_level"] for q in data["queues"]}
    assert levels == {"6000": 50, "6001": None}  # 2 in time of 3 answered + 1 abandoned

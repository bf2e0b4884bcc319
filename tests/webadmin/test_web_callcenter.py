"""Call-center pages: queues, agents, skills, pause codes and customers through the admin.

CRUD with reload and audit, every validation message in both languages, CSRF on every POST,
roles, refused deletes, PIN set/reset, customer search and paging, CSV import and export.
"""

from __future__ import annotations

import io
import uuid

import bottle
import pytest

from telephony.callcenter import builder
from telephony.callcenter.customers import CustomerInput, CustomerService
from telephony.callcenter.service import (
    AgentInput,
    CallCenterService,
    QueueInput,
    QueueMemberInput,
    SkillInput,
)
from telephony.models import (
    AdminUser,
    Agent,
    AuditLog,
    Customer,
    Extension,
    InboundRoute,
    PauseCode,
    PortSetting,
    Queue,
    QueueMember,
    QueueSkill,
    Skill,
)
from tests.webadmin.conftest import login
from tests.webadmin.wsgi_client import Client, Response
from webadmin.auth import hash_password
from webadmin.plugins import MAX_BODY


def error_shown(page: Response, field: str, text: str) -> bool:
    return f'id="{field}-error">{bottle.html_escape(text)}</div>' in page.text


def audit_rows(prefix: str) -> list[tuple[str, str, str]]:
    rows = AuditLog.select().where(AuditLog.action.startswith(prefix)).order_by(AuditLog.id)
    return [(r.action, r.target, r.detail) for r in rows]


def set_language(language: str) -> None:
    AdminUser.update(language=language).execute()


def upload(client: Client, path: str, filename: str, content: bytes, token: str | None) -> Response:
    """POST a multipart form with one file, as a browser's file upload does."""
    boundary = uuid.uuid4().hex
    parts = []
    if token is not None:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'.encode()
        )
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: text/csv\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    environ_app = client.app

    def app(environ, start_response):
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        environ["CONTENT_TYPE"] = f"multipart/form-data; boundary={boundary}"
        return environ_app(environ, start_response)

    client.app = app
    try:
        return client.request("POST", path)
    finally:
        client.app = environ_app


@pytest.fixture
def world(admin):
    """An extension, an FXS port, a queue 801, an agent 1024, a skill and a customer to collide with."""
    Extension.create(number="1001", name="Front desk", ha1="x", ha1b="y")
    PortSetting.create(port="fxs1", number="2001")
    service = CallCenterService()
    service.save_skill(SkillInput("english", "English speakers"))
    service.create_agent(AgentInput("1024", "Li Lei", "2468"))
    service.create_queue(QueueInput("801", "Support"))
    CustomerService().create(CustomerInput("Zhang San", "13800138000"))
    return admin


# --- queues ------------------------------------------------------------------------------------


def test_queue_create_edit_delete_reloads_and_audits(world, fake_core):
    english = Skill.get(Skill.name == "english")
    form = world.get("/queues/new").text
    for group in (
        "basics",
        "strategy",
        "timeouts",
        "announcements",
        "overflow",
        "features",
        "members",
        "skills",
    ):
        assert f'id="group-{group}"' in form, group
    assert '<option value="skills-based">Skills-based</option>' in form
    assert 'name="member_kind_1024"' in form and f'name="skill_{english.id}"' in form
    data = {
        "number": "800",
        "name": "Sales",
        "strategy": "skills-based",
        "skill_widen": "0:8,30:5",
        "ring_timeout": "20",
        "wrap_up": "15",
        "announce_position": "1",
        "timeout_kind": "queue",
        "timeout_target": "801",
        "full_kind": "hangup",
        "no_agents_kind": "voicemail",
        "no_agents_target": "1001",
        "crm_url": "https://crm.example/?tel={caller}",
        "members_present": "1",
        "member_kind_1024": "static",
        "member_penalty_1024": "2",
        "member_position_1024": "1",
        "member_weight_1024": "1",
        "skills_present": "1",
        f"skill_{english.id}": "3",
    }
    response = world.submit("/queues/new", "/queues", data)
    assert (response.status, response.location) == (303, "/queues")
    queue = Queue.get(Queue.number == "800")
    assert (queue.strategy, queue.skill_widen, queue.ring_timeout, queue.wrap_up) == (
        "skills-based",
        "0:8, 30:5",
        20.0,
        15.0,
    )
    assert (queue.announce_position, queue.announce_estimate, queue.callback_enabled) == (True, False, False)
    assert (queue.no_agents_kind, queue.no_agents_target) == ("voicemail", "1001")
    assert [(m.agent.number, m.kind, m.penalty, m.position) for m in QueueMember.select()] == [
        ("1024", "static", 2, 1)
    ]
    assert [(r.skill.name, r.min_level) for r in QueueSkill.select()] == [("english", 3)]
    page = world.get("/queues").text
    assert "Queue 800 created." in page and "2 queue(s)" in page
    assert 'data-queue="800"' in page and "Skills-based" in page and "1 static, 0 dynamic" in page
    # The member lacks the skill: the form says so, and the engine does not get it.
    edit = world.get("/queues/800/edit").text
    assert "below the required skills" in edit and 'value="0:8, 30:5"' in edit
    assert builder.queue_config(queue).members == ()

    changed = {**data, "name": "Sales CN", "wrap_up": "30", "member_kind_1024": "dynamic"}
    assert world.submit("/queues/800/edit", "/queues/800/edit", changed).location == "/queues"
    queue = Queue.get(Queue.number == "800")
    assert (queue.name, queue.wrap_up, QueueMember.get().kind) == ("Sales CN", 30.0, "dynamic")
    assert "Queue 800 saved." in world.get("/queues").text

    assert world.submit("/queues/800/delete", "/queues/800/delete", {}).location == "/queues"
    assert [q.number for q in Queue.select()] == ["801"]
    assert fake_core.received("POST", "/reload") == [{"what": "callcenter"}] * 3
    actions = audit_rows("queue.")
    assert [(a, t) for a, t, _ in actions] == [
        ("queue.create", "800"),
        ("queue.update", "800"),
        ("queue.delete", "800"),
    ]
    assert "strategy='skills-based'" in actions[0][2] and "members='1024:static:2:1:1'" in actions[0][2]
    assert actions[1][2] == (
        "name 'Sales'->'Sales CN', wrap_up '15'->'30', members '1024:static:2:1:1'->'1024:dynamic:2:1:1'"
    )
    assert actions[2][2] == "Sales CN"


def test_queue_edit_without_the_members_section_keeps_members(world, fake_core):
    CallCenterService().update_queue("801", QueueInput("801", "Support", members=(QueueMemberInput("1024"),)))
    response = world.submit("/queues/801/edit", "/queues/801/edit", {"number": "801", "name": "Help"})
    assert response.status == 303
    queue = Queue.get(Queue.number == "801")
    assert (queue.name, queue.ring_timeout, QueueMember.select().count()) == ("Help", 15.0, 1)


QUEUE_ERRORS = [
    (
        {"number": "08"},
        "number",
        "must be 2 to 8 digits, not starting with 0",
        "必须是 2 到 8 位数字，且不能以 0 开头",
    ),
    ({"number": ""}, "number", "is required", "必填"),
    ({"number": "1001"}, "number", "1001 is already an extension", "1001 已是分机号"),
    ({"number": "2001"}, "number", "2001 is already the number of an FXS port", "2001 已是 FXS 端口的号码"),
    ({"number": "801"}, "number", "queue 801 already exists", "队列 801 已存在"),
    ({"name": ""}, "name", "must be 1 to 64 printable characters", "必须是 1 到 64 个可打印字符"),
    (
        {"strategy": "fastest"},
        "strategy",
        "must be one of fewest-calls, least-talk-time, linear, longest-idle, random, ring-all, "
        "ring-progressive, round-robin, skills-based, weighted-random",
        "必须是以下之一：fewest-calls, least-talk-time, linear, longest-idle, random, ring-all, "
        "ring-progressive, round-robin, skills-based, weighted-random",
    ),
    ({"weight": "1.5"}, "weight", "must be a whole number from 0 to 100", "必须是 0 到 100 之间的整数"),
    (
        {"ring_timeout": "0"},
        "ring_timeout",
        "must be a number of seconds from 1 to 600",
        "必须是 1 到 600 之间的秒数",
    ),
    (
        {"affinity_days": "999"},
        "affinity_days",
        "must be a number of days from 0 to 365",
        "必须是 0 到 365 之间的天数",
    ),
    (
        {"moh_class": "soft jazz"},
        "moh_class",
        "must be 1 to 32 letters, digits, dots, dashes or underscores",
        "必须是 1 到 32 个字母、数字、点、短横线或下划线",
    ),
    (
        {"callback_key": "A"},
        "callback_key",
        "must be one of 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, *, #",
        "必须是以下之一：0, 1, 2, 3, 4, 5, 6, 7, 8, 9, *, #",
    ),
    (
        {"skill_widen": "5:1"},
        "skill_widen",
        "write seconds:level steps separated by commas, starting at 0 s, with rising seconds and falling "
        "levels from 1 to 10, e.g. 0:8, 30:5, 60:1",
        "请按“秒:级别”格式填写，用逗号分隔，从 0 秒开始，秒数递增、级别（1 到 10）递减，例如 0:8, 30:5, 60:1",
    ),
    (
        {"affinity_days": "3", "affinity_wait": "0"},
        "affinity_wait",
        "must be more than 0 when the affinity memory (days) is set",
        "设置了熟客记忆天数时必须大于 0",
    ),
    (
        {"timeout_kind": "extension", "timeout_target": ""},
        "timeout_target",
        "this destination needs a target",
        "此去向需要填写目标",
    ),
    (
        {"timeout_kind": "queue", "timeout_target": "800"},
        "timeout_target",
        "a queue cannot overflow into itself",
        "队列不能溢出到自身",
    ),
    (
        {"full_kind": "queue", "full_target": "999"},
        "full_target",
        "no other queue has the number 999",
        "没有其他队列使用号码 999",
    ),
    (
        {"full_kind": "extension", "full_target": "999"},
        "full_target",
        "no extension or FXS port has the number 999",
        "没有分机或 FXS 端口使用号码 999",
    ),
    (
        {"no_agents_kind": "external", "no_agents_target": "12"},
        "no_agents_target",
        "must be 3 to 32 digits, optionally starting with +",
        "必须是 3 到 32 位数字，可以 + 开头",
    ),
    (
        {"whisper_text": "{agent}"},
        "whisper_text",
        "must be at most 128 printable characters; it may use {queue}, {caller} and {name}",
        "最多 128 个可打印字符；可使用 {queue}、{caller} 和 {name}",
    ),
    (
        {"crm_url": "ftp://crm/{caller}"},
        "crm_url",
        "must be an http:// or https:// address of at most 512 characters; it may use {caller}, {queue}, "
        "{digits} and {callid}",
        "必须是以 http:// 或 https:// 开头、最多 512 个字符的地址；可使用 {caller}、{queue}、{digits} 和 {callid}",
    ),
    (
        {"members_present": "1", "member_kind_1024": "static", "member_penalty_1024": "-1"},
        "member-1024-penalty",
        "must be a whole number from 0 to 1000",
        "必须是 0 到 1000 之间的整数",
    ),
    (
        {"members_present": "1", "member_kind_1024": "static", "member_weight_1024": "0"},
        "member-1024-weight",
        "must be a number from 0.01 to 1000",
        "必须是 0.01 到 1000 之间的数",
    ),
]


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_every_queue_validation_error_in_both_languages(world, fake_core, language):
    set_language(language)
    for change, field, en, zh in QUEUE_ERRORS:
        data = {"number": "800", "name": "Sales", **change}
        response = world.submit("/queues/new", "/queues", data)
        assert response.status == 422, change
        assert error_shown(response, field, en if language == "en" else zh), (change, response.text[-4000:])
    assert [q.number for q in Queue.select()] == ["801"]
    assert fake_core.received("POST", "/reload") == [] and audit_rows("queue.") == []


def test_a_queue_in_use_is_not_deleted_and_the_page_says_by_what(world, fake_core):
    InboundRoute.create(trunk="e1", did="5550100", destination="801", priority=10)
    response = world.submit("/queues/801/delete", "/queues/801/delete", {})
    assert response.status == 409
    text = "queue 801 Support is used by inbound route 'e1 DID 5550100'"
    assert f'id="delete-error">{bottle.html_escape(text)}</div>' in response.text
    set_language("zh-CN")
    response = world.submit("/queues/801/delete", "/queues/801/delete", {})
    assert "队列 801 Support 正被 呼入路由“e1 DID 5550100” 使用" in response.text
    assert Queue.select().count() == 1 and audit_rows("queue.") == []
    assert fake_core.received("POST", "/reload") == []
    assert world.get("/queues/999/edit").status == 404


# --- agents ------------------------------------------------------------------------------------


def test_agent_create_with_skills_and_queues_then_edit_and_delete(world, fake_core):
    english = Skill.get(Skill.name == "english")
    data = {
        "number": "1025",
        "name": "Han Meimei",
        "pin": "135790",
        "pin_confirm": "135790",
        "default_extension": "1001",
        "enabled": "1",
        "skills_present": "1",
        f"skill_{english.id}": "8",
        "memberships_present": "1",
        "queue_kind_801": "dynamic",
        "queue_penalty_801": "3",
    }
    response = world.submit("/agents/new", "/agents", data)
    assert (response.status, response.location) == (303, "/agents")
    agent = Agent.get(Agent.number == "1025")
    assert (agent.name, agent.default_extension, agent.enabled, agent.check_pin("135790")) == (
        "Han Meimei",
        "1001",
        True,
        True,
    )
    assert [(s.skill.name, s.level) for s in agent.skills] == [("english", 8)]
    assert [(m.queue.number, m.kind, m.penalty) for m in agent.memberships] == [("801", "dynamic", 3)]
    page = world.get("/agents").text
    assert "Agent 1025 created." in page and "2 agent(s)" in page and "english 8" in page
    edit = world.get("/agents/1025/edit").text
    assert 'value="135790"' not in edit and 'value="Han Meimei"' in edit

    changed = {**data, "name": "Han", "pin": "", "pin_confirm": "", "queue_kind_801": "", "enabled": ""}
    assert world.submit("/agents/1025/edit", "/agents/1025/edit", changed).location == "/agents"
    agent = Agent.get(Agent.number == "1025")
    assert (agent.name, agent.enabled, agent.check_pin("135790"), agent.memberships.count()) == (
        "Han",
        False,
        True,
        0,
    )
    assert world.submit("/agents/1025/delete", "/agents/1025/delete", {}).location == "/agents"
    assert [a.number for a in Agent.select()] == ["1024"]
    assert fake_core.received("POST", "/reload") == [{"what": "callcenter"}] * 3
    rows = audit_rows("agent.")
    assert [(a, t) for a, t, _ in rows] == [
        ("agent.create", "1025"),
        ("agent.update", "1025"),
        ("agent.delete", "1025"),
    ]
    assert rows[1][2] == "name 'Han Meimei'->'Han', enabled 'yes'->'no', queues '801:dynamic:3'->''"
    assert not any("135790" in detail for _, _, detail in rows)


AGENT_ERRORS = [
    (
        {"number": "1"},
        "number",
        "must be 2 to 8 digits, not starting with 0",
        "必须是 2 到 8 位数字，且不能以 0 开头",
    ),
    ({"number": "1024"}, "number", "agent 1024 already exists", "坐席 1024 已存在"),
    ({"name": ""}, "name", "must be 1 to 64 printable characters", "必须是 1 到 64 个可打印字符"),
    ({"pin": "", "pin_confirm": ""}, "pin", "is required", "必填"),
    ({"pin": "12", "pin_confirm": "12"}, "pin", "must be 4 to 8 digits", "必须是 4 到 8 位数字"),
    (
        {"pin": "1111", "pin_confirm": "1111"},
        "pin",
        "must not be one digit repeated or the agent number",
        "不能是同一数字重复，也不能与坐席工号相同",
    ),
    ({"pin_confirm": "9753"}, "pin_confirm", "the two PINs differ", "两次输入的 PIN 不一致"),
    (
        {"default_extension": "999"},
        "default_extension",
        "no extension or FXS port has the number 999",
        "没有分机或 FXS 端口使用号码 999",
    ),
    (
        {"memberships_present": "1", "queue_kind_801": "static", "queue_penalty_801": "x"},
        "membership-801-penalty",
        "must be a whole number from 0 to 1000",
        "必须是 0 到 1000 之间的整数",
    ),
]


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_every_agent_validation_error_in_both_languages(world, fake_core, language):
    set_language(language)
    for change, field, en, zh in AGENT_ERRORS:
        data = {"number": "1025", "name": "Han", "pin": "135790", "pin_confirm": "135790", **change}
        response = world.submit("/agents/new", "/agents", data)
        assert response.status == 422, change
        assert error_shown(response, field, en if language == "en" else zh), (change, response.text[-3000:])
        assert "135790" not in response.text
    assert [a.number for a in Agent.select()] == ["1024"] and audit_rows("agent.") == []


def test_pin_set_and_reset_pages(world, fake_core):
    bad = world.submit(
        "/agents/1024/pin", "/agents/1024/pin", {"action": "set", "pin": "97531", "pin_confirm": "1"}
    )
    assert bad.status == 422 and error_shown(bad, "pin_confirm", "the two PINs differ")
    good = world.submit(
        "/agents/1024/pin", "/agents/1024/pin", {"action": "set", "pin": "97531", "pin_confirm": "97531"}
    )
    assert good.location == "/agents"
    assert "The PIN of agent 1024 changed." in world.get("/agents").text
    assert Agent.get().check_pin("97531")
    reset = world.submit("/agents/1024/pin", "/agents/1024/pin", {"action": "reset"})
    assert reset.status == 200 and reset.header("Cache-Control") == "no-store"
    pin = reset.text.split('id="new-pin">', 1)[1].split("<", 1)[0]
    assert len(pin) == 6 and pin.isdigit()
    assert Agent.get().check_pin(pin) and not Agent.get().check_pin("97531")
    assert pin not in world.get("/agents/1024/pin").text
    rows = audit_rows("agent.pin")
    assert [(a, t, d) for a, t, d in rows] == [("agent.pin_set", "1024", ""), ("agent.pin_reset", "1024", "")]
    assert not AuditLog.select().where(AuditLog.detail.contains(pin)).exists()


# --- skills and pause codes --------------------------------------------------------------------


def test_skill_crud_and_refused_delete(world, fake_core):
    assert (
        world.submit("/skills/new", "/skills", {"name": "普通话", "description": "Mandarin"}).location
        == "/skills"
    )
    skill = Skill.get(Skill.name == "普通话")
    page = world.get("/skills").text
    assert "Skill 普通话 created." in page and 'data-skill="普通话"' in page
    world.submit(
        f"/skills/{skill.id}/edit", f"/skills/{skill.id}/edit", {"name": "mandarin", "description": "M"}
    )
    assert Skill.get_by_id(skill.id).name == "mandarin"
    CallCenterService().update_queue(
        "801", QueueInput("801", "Support", skills=(builder_requirement("mandarin"),))
    )
    refused = world.submit(f"/skills/{skill.id}/delete", f"/skills/{skill.id}/delete", {})
    assert refused.status == 409
    assert 'id="delete-error">skill mandarin is used by queue 801 Support</div>' in refused.text
    CallCenterService().update_queue("801", QueueInput("801", "Support", skills=()))
    assert world.submit(f"/skills/{skill.id}/delete", f"/skills/{skill.id}/delete", {}).location == "/skills"
    assert [s.name for s in Skill.select()] == ["english"]
    assert [(a, t) for a, t, _ in audit_rows("skill.")] == [
        ("skill.create", "普通话"),
        ("skill.update", "mandarin"),
        ("skill.delete", "mandarin"),
    ]
    assert audit_rows("skill.update")[0][2] == "name '普通话'->'mandarin', description 'Mandarin'->'M'"


def builder_requirement(name: str):
    from telephony.callcenter.service import SkillRequirement

    return SkillRequirement(name, 1)


def test_pause_code_crud(world, fake_core):
    data = {"code": "lunch", "label_zh": "午餐", "label_en": "Lunch", "productive": ""}
    assert world.submit("/pausecodes/new", "/pausecodes", data).location == "/pausecodes"
    row = PauseCode.get()
    assert (row.code, row.label_zh, row.label_en, row.productive) == ("lunch", "午餐", "Lunch", False)
    world.submit(f"/pausecodes/{row.id}/edit", f"/pausecodes/{row.id}/edit", {**data, "productive": "1"})
    assert PauseCode.get().productive is True
    page = world.get("/pausecodes").text
    assert "Pause code lunch saved." in page and 'data-code="lunch"' in page
    assert builder.pause_codes() == ("lunch",)
    world.submit(f"/pausecodes/{row.id}/delete", f"/pausecodes/{row.id}/delete", {})
    assert PauseCode.select().count() == 0
    assert [(a, t) for a, t, _ in audit_rows("pause_code.")] == [
        ("pause_code.create", "lunch"),
        ("pause_code.update", "lunch"),
        ("pause_code.delete", "lunch"),
    ]
    assert audit_rows("pause_code.update")[0][2] == "productive 'no'->'yes'"
    assert fake_core.received("POST", "/reload") == [{"what": "callcenter"}] * 3


SIMPLE_ERRORS = [
    (
        "/skills",
        {"name": "a,b", "description": ""},
        "name",
        "must be 1 to 32 printable characters without commas or colons",
        "必须是 1 到 32 个可打印字符，且不含逗号或冒号",
    ),
    (
        "/skills",
        {"name": "english", "description": ""},
        "name",
        "skill english already exists",
        "技能 english 已存在",
    ),
    (
        "/skills",
        {"name": "x", "description": "d" * 129},
        "description",
        "must be at most 128 printable characters",
        "最多 128 个可打印字符",
    ),
    (
        "/pausecodes",
        {"code": "Lunch Break", "label_zh": "午餐", "label_en": "Lunch"},
        "code",
        "must be 1 to 16 lowercase letters, digits, dashes or underscores",
        "必须是 1 到 16 个小写字母、数字、短横线或下划线",
    ),
    (
        "/pausecodes",
        {"code": "break", "label_zh": "休息", "label_en": "Break"},
        "code",
        "pause code break already exists",
        "暂停原因代码 break 已存在",
    ),
    (
        "/pausecodes",
        {"code": "x", "label_zh": "", "label_en": "X"},
        "label_zh",
        "must be 1 to 64 printable characters",
        "必须是 1 到 64 个可打印字符",
    ),
    (
        "/customers",
        {"name": "", "phone": "13900139000"},
        "name",
        "must be 1 to 64 printable characters",
        "必须是 1 到 64 个可打印字符",
    ),
    ("/customers", {"name": "Li", "phone": ""}, "phone", "is required", "必填"),
    (
        "/customers",
        {"name": "Li", "phone": "12"},
        "phone",
        "12 is not a phone number (3 to 20 digits, optionally starting with +)",
        "12 不是电话号码（3 到 20 位数字，可以 + 开头）",
    ),
    (
        "/customers",
        {"name": "Li", "phone": "+86 138 0013 8000"},
        "phone",
        "13800138000 already belongs to customer Zhang San",
        "13800138000 已属于客户 Zhang San",
    ),
    (
        "/customers",
        {"name": "Li", "phone": "13900139000; 139-0013-9000"},
        "phone",
        "13900139000 is listed twice",
        "13900139000 重复出现",
    ),
    (
        "/customers",
        {"name": "Li", "phone": "13900139000", "priority": "101"},
        "priority",
        "must be a whole number from 0 to 100",
        "必须是 0 到 100 之间的整数",
    ),
    (
        "/customers",
        {"name": "Li", "phone": "13900139000", "company": "c" * 129},
        "company",
        "must be at most 128 printable characters",
        "最多 128 个可打印字符",
    ),
    (
        "/customers",
        {"name": "Li", "phone": "13900139000", "tags": "t" * 33},
        "tags",
        "must be at most 256 characters, tags separated by commas, each at most 32 characters",
        "最多 256 个字符，标签用逗号分隔，每个标签最多 32 个字符",
    ),
]


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_every_skill_pause_code_and_customer_error_in_both_languages(world, fake_core, language):
    CallCenterService().save_pause_code(pause_input("break"))
    set_language(language)
    for area, data, field, en, zh in SIMPLE_ERRORS:
        response = world.submit(area + "/new", area, data)
        assert response.status == 422, (area, data)
        assert error_shown(response, field, en if language == "en" else zh), (
            area,
            data,
            response.text[-3000:],
        )
    assert (Skill.select().count(), PauseCode.select().count(), Customer.select().count()) == (1, 1, 1)


def pause_input(code: str):
    from telephony.callcenter.service import PauseCodeInput

    return PauseCodeInput(code, "休息", "Break")


# --- customers ---------------------------------------------------------------------------------


def test_customer_crud_and_audit(world):
    data = {
        "name": "Li Si",
        "phone": "+86 139 0013 9000, 010-1234-5678",
        "company": "ACME",
        "priority": "5",
        "tags": "vip, 北京",
        "notes": "first line\nsecond line",
    }
    assert world.submit("/customers/new", "/customers", data).location == "/customers"
    row = Customer.get(Customer.name == "Li Si")
    assert (row.number_list(), row.priority, row.tags, row.notes) == (
        ["13900139000", "01012345678"],
        5,
        "vip,北京",
        "first line\nsecond line",
    )
    page = world.get("/customers").text
    assert "Customer Li Si created." in page and "13900139000, 01012345678" in page and "VIP 5" in page
    world.submit(f"/customers/{row.id}/edit", f"/customers/{row.id}/edit", {**data, "priority": "0"})
    assert Customer.get_by_id(row.id).priority == 0
    world.submit(f"/customers/{row.id}/delete", f"/customers/{row.id}/delete", {})
    assert [c.name for c in Customer.select()] == ["Zhang San"]
    rows = audit_rows("customer.")
    assert [(a, t) for a, t, _ in rows] == [
        ("customer.create", f"{row.id} Li Si"),
        ("customer.update", f"{row.id} Li Si"),
        ("customer.delete", f"{row.id} Li Si"),
    ]
    assert rows[1][2] == "priority '5'->'0'"
    assert rows[2][2] == "13900139000;01012345678"


def test_customer_search_by_number_or_name_with_paging(world):
    service = CustomerService()
    for i in range(60):
        service.create(CustomerInput(f"Customer {i:02d}", f"1390000{i:04d}", company="Bulk"))
    first = world.get("/customers").text
    assert "61 in total" in first and "Page 1 of 2" in first
    assert first.count('data-customer="') == 50
    assert 'href="/customers?page=2"' in first
    second = world.get("/customers?page=2").text
    assert second.count('data-customer="') == 11 and "Zhang San" in second
    found = world.get("/customers?q=139+0000+0042").text
    assert found.count('data-customer="') == 1 and "Customer 42" in found
    assert world.get("/customers?q=zhang").text.count('data-customer="') == 1
    bulk = world.get("/customers?q=Bulk&page=2").text
    assert bulk.count('data-customer="') == 10 and 'href="/customers?q=Bulk&amp;page=1"' in bulk
    none = world.get("/customers?q=%3Cnobody%3E").text
    assert "No customer matches “&lt;nobody&gt;”." in none


def test_csv_import_good_file_then_bad_file_saves_nothing(world):
    page = world.get("/customers/import")
    good = "\ufeffname,phone,company,priority\r\n王五,137 0013 7000,华为,3\r\nZhang San,13800138000;13600136000,ACME,9\r\n"
    response = upload(world, "/customers/import", "good.csv", good.encode("utf-8"), page.csrf())
    assert (response.status, response.location) == (303, "/customers")
    assert "Imported: 1 new, 1 updated." in world.get("/customers").text
    zhang = Customer.get(Customer.name == "Zhang San")
    assert (zhang.company, zhang.priority, zhang.number_list()) == ("ACME", 9, ["13800138000", "13600136000"])
    assert Customer.get(Customer.name == "王五").number_list() == ["13700137000"]

    bad = "name,phone,priority\nGood,13500135000,1\n,13400134000,0\nBad,12,0\n"
    response = upload(world, "/customers/import", "bad.csv", bad.encode(), page.csrf())
    assert response.status == 422
    assert "Nothing was imported. Correct these rows and import the file again:" in response.text
    assert "<li>row 3: name: must be 1 to 64 printable characters</li>" in response.text
    assert (
        "<li>row 4: phone: 12 is not a phone number (3 to 20 digits, optionally starting with +)</li>"
        in response.text
    )
    set_language("zh-CN")
    response = upload(world, "/customers/import", "bad.csv", bad.encode(), page.csrf())
    assert "<li>第 3 行：name：必须是 1 到 64 个可打印字符</li>" in response.text
    assert "未导入任何数据" in response.text
    assert Customer.select().count() == 2
    rows = audit_rows("customer.import")
    assert rows == [("customer.import", "good.csv", "file='good.csv' created=1 updated=1")]


def test_csv_import_gbk_and_a_file_larger_than_the_form_limit(world):
    token = world.get("/customers/import").csrf()
    gbk = "姓名,电话,公司\r\n赵六,135 0013 5000,阿里巴巴\r\n".encode("gbk")
    assert upload(world, "/customers/import", "excel.csv", gbk, token).location == "/customers"
    assert Customer.get(Customer.name == "赵六").company == "阿里巴巴"
    notes = "n" * 1500
    big = "name,phone,notes\n" + "".join(f"Big {i},1330000{i:04d},{notes}\n" for i in range(200))
    assert len(big) > MAX_BODY
    response = upload(world, "/customers/import", "big.csv", big.encode(), token)
    assert response.location == "/customers"
    assert Customer.select().where(Customer.name.startswith("Big ")).count() == 200


def test_csv_import_needs_a_file_and_the_token(world):
    token = world.get("/customers/import").csrf()
    assert upload(world, "/customers/import", "x.csv", b"name,phone\nA,13300133000\n", None).status == 403
    assert upload(world, "/customers/import", "x.csv", b"name,phone\nA,13300133000\n", "forged").status == 403
    response = world.post("/customers/import", {"csrf_token": token})
    assert response.status == 422 and 'id="import-problem">Choose a CSV file first.</div>' in response.text
    assert Customer.select().count() == 1 and audit_rows("customer.import") == []


def test_csv_export_is_utf8_with_bom_and_audited(world):
    response = world.get("/customers/export.csv")
    assert response.status == 200
    assert response.header("Content-Type") == "text/csv; charset=utf-8"
    assert response.header("Content-Disposition").startswith('attachment; filename="customers-')
    zhang = Customer.get()
    assert (
        response.body
        == f"\ufeffid,name,company,phone,priority,tags,notes\r\n{zhang.id},Zhang San,,13800138000,0,,\r\n".encode()
    )
    assert audit_rows("customer.export") == [("customer.export", "", "1 customers")]


# --- guards: CSRF, roles, navigation -----------------------------------------------------------


def test_every_callcenter_post_refuses_a_missing_or_forged_token(world, fake_core):
    skill = Skill.get()
    code = CallCenterService().save_pause_code(pause_input("break"))
    customer = Customer.get()
    posts = [
        ("/queues", {"number": "800", "name": "X"}),
        ("/queues/801/edit", {"number": "801", "name": "X"}),
        ("/queues/801/delete", {}),
        ("/agents", {"number": "1025", "name": "X", "pin": "2468"}),
        ("/agents/1024/edit", {"number": "1024", "name": "X"}),
        ("/agents/1024/pin", {"action": "reset"}),
        ("/agents/1024/delete", {}),
        ("/skills", {"name": "x"}),
        (f"/skills/{skill.id}/edit", {"name": "x"}),
        (f"/skills/{skill.id}/delete", {}),
        ("/pausecodes", {"code": "x", "label_zh": "x", "label_en": "x"}),
        (f"/pausecodes/{code.id}/edit", {"code": "x", "label_zh": "x", "label_en": "x"}),
        (f"/pausecodes/{code.id}/delete", {}),
        ("/customers", {"name": "X", "phone": "13300133000"}),
        (f"/customers/{customer.id}/edit", {"name": "X", "phone": "13300133000"}),
        (f"/customers/{customer.id}/delete", {}),
        ("/customers/import", {}),
    ]
    pin_hash = Agent.get().pin_hash
    for action, data in posts:
        for token in (None, "forged-token"):
            body = dict(data) if token is None else {"csrf_token": token, **data}
            response = world.post(action, body)
            assert response.status == 403, (action, token)
            assert "Security check failed" in response.text
    assert [q.name for q in Queue.select()] == ["Support"]
    assert [(a.name, a.pin_hash) for a in Agent.select()] == [("Li Lei", pin_hash)]
    assert [s.name for s in Skill.select()] == ["english"]
    assert [p.code for p in PauseCode.select()] == ["break"]
    assert [c.name for c in Customer.select()] == ["Zhang San"]
    assert fake_core.received("POST", "/reload") == []
    assert AuditLog.select().where(~AuditLog.action.startswith("log")).count() == 1  # admin.create


def test_supervisors_keep_customers_only_and_agents_neither(world, app):
    for username, role in (("sup", "supervisor"), ("ag", "agent")):
        AdminUser.create(
            username=username, password_hash=hash_password("Sup3rvisor99"), role=role, language="en"
        )
    supervisor = Client(app, remote_addr="192.0.2.20")
    login(supervisor, "sup", "Sup3rvisor99")
    assert supervisor.get("/customers").status == 200
    assert supervisor.get("/customers/export.csv").status == 200
    for path in ("/queues", "/queues/new", "/agents", "/skills", "/pausecodes"):
        assert supervisor.get(path).status == 403, path
    token = supervisor.get("/customers").csrf()
    assert supervisor.post("/queues", {"csrf_token": token, "number": "800", "name": "X"}).status == 403
    agent = Client(app, remote_addr="192.0.2.21")
    login(agent, "ag", "Sup3rvisor99")
    for path in ("/customers", "/customers/export.csv", "/queues", "/agents"):
        assert agent.get(path).status == 403, path
    assert Queue.select().count() == 1


def test_call_center_nav_and_sub_navigation_in_both_languages(world):
    page = world.get("/agents").text
    assert '<a href="/queues" class="active">Call center</a>' in page
    assert '<nav class="subnav" aria-label="Call center sections">' in page
    assert '<a href="/agents" class="active">Agents</a>' in page
    assert '<nav class="subnav"' not in world.get("/extensions").text
    assert '<a href="/queues" class="">Call center</a>' in world.get("/extensions").text
    set_language("zh-CN")
    page = world.get("/customers").text
    assert '<a href="/customers" class="active">客户</a>' in page and ">呼叫中心</a>" in page
    assert "客户管理" in page
    assert "队列管理" in world.get("/queues").text
    assert "设置了熟客记忆天数" not in world.get("/queues/new").text  # hints, not errors
    assert "熟客记忆（天）" in world.get("/queues/new").text

"""IVR pages: flows and their tree of nodes edited, validated and activated by an admin, audited."""

from __future__ import annotations

import json

import pytest

from telephony.callcenter.service import CallCenterService, QueueInput
from telephony.models import AdminUser, AuditLog, Extension, IvrFlow, IvrNode


def set_language(language: str) -> None:
    AdminUser.update(language=language).execute()


@pytest.fixture
def world(admin):
    Extension.create(number="1001", name="Front desk", ha1="x", ha1b="y")
    CallCenterService().create_queue(QueueInput("6000", "Sales"))
    return admin


def add_node(client, flow: IvrFlow, key: str, kind: str, params: dict, branches: dict | None = None):
    data = {"key": key, "kind": kind, "params": json.dumps(params), "branches": json.dumps(branches or {})}
    return client.submit(f"/ivr/{flow.id}/nodes/new", f"/ivr/{flow.id}/nodes", data)


def actions() -> list[str]:
    return [a.action for a in AuditLog.select().order_by(AuditLog.id) if a.action.startswith("ivr.")]


def test_ivr_flow_built_node_by_node_is_refused_by_name_until_valid_then_activated(world):
    response = world.submit(
        "/ivr/new", "/ivr", {"number": "7000", "name": "Main", "language": "en", "entry": "start"}
    )
    flow = IvrFlow.get(IvrFlow.number == "7000")
    assert response.location == f"/ivr/{flow.id}"
    assert add_node(world, flow, "start", "menu", {"text": "For sales press 1"}, {"1": "sales"}).status == 303
    page = world.get(f"/ivr/{flow.id}").text
    assert "node &#039;start&#039;: branch &#039;1&#039; goes to missing node &#039;sales&#039;" in page
    assert f'href="/ivr/{flow.id}/nodes/new?key=sales"' in page  # the tree offers to create it

    refused = world.submit(f"/ivr/{flow.id}", f"/ivr/{flow.id}/activate", {})
    assert refused.status == 422 and "missing node &#039;sales&#039;" in refused.text
    assert not IvrFlow.get_by_id(flow.id).active

    assert add_node(world, flow, "sales", "goto", {"target": "queue", "number": "6000"}).status == 303
    assert add_node(world, flow, "lost", "play", {"text": "never"}).status == 303
    page = world.get(f"/ivr/{flow.id}").text
    assert (
        "node &#039;lost&#039; is unreachable from &#039;start&#039;" in page
        and 'id="ivr-unreachable"' in page
    )
    lost = IvrNode.get(IvrNode.key == "lost")
    assert (
        world.submit(
            f"/ivr/{flow.id}/nodes/{lost.id}/edit", f"/ivr/{flow.id}/nodes/{lost.id}/delete", {}
        ).status
        == 303
    )

    assert 'id="ivr-valid"' in world.get(f"/ivr/{flow.id}").text
    assert world.submit(f"/ivr/{flow.id}", f"/ivr/{flow.id}/activate", {}).location == f"/ivr/{flow.id}"
    assert IvrFlow.get_by_id(flow.id).active
    tree = world.get(f"/ivr/{flow.id}").text
    assert tree.index('data-key="start"') < tree.index('data-key="sales"')
    assert actions() == [
        "ivr.create",
        "ivr.node_create",
        "ivr.activate_refused",
        "ivr.node_create",
        "ivr.node_create",
        "ivr.node_delete",
        "ivr.activate",
    ]


def test_ivr_an_active_flow_refuses_an_edit_that_breaks_it_and_keeps_the_old_node(world):
    world.submit("/ivr/new", "/ivr", {"number": "7000", "name": "Main", "language": "en", "entry": "start"})
    flow = IvrFlow.get()
    add_node(world, flow, "start", "goto", {"target": "queue", "number": "6000"})
    world.submit(f"/ivr/{flow.id}", f"/ivr/{flow.id}/activate", {})
    node = IvrNode.get()
    data = {
        "key": "start",
        "kind": "goto",
        "params": '{"target": "queue", "number": "6999"}',
        "branches": "{}",
    }
    response = world.submit(
        f"/ivr/{flow.id}/nodes/{node.id}/edit", f"/ivr/{flow.id}/nodes/{node.id}/edit", data
    )
    assert response.status == 422
    assert "goto queue 6999 does not exist" in response.text
    assert IvrNode.get_by_id(node.id).params_dict["number"] == "6000"
    assert IvrFlow.get_by_id(flow.id).active
    world.submit(f"/ivr/{flow.id}", f"/ivr/{flow.id}/deactivate", {})
    assert not IvrFlow.get_by_id(flow.id).active


@pytest.mark.parametrize(
    ("language", "taken", "bad_json"),
    [("en", "1001 is already used", "must be a JSON object"), ("zh-CN", "1001 已被使用", "必须是 JSON 对象")],
)
def test_ivr_input_errors_in_both_languages(world, language, taken, bad_json):
    set_language(language)
    response = world.submit(
        "/ivr/new", "/ivr", {"number": "1001", "name": "X", "language": "en", "entry": "s"}
    )
    assert response.status == 422 and taken in response.text
    world.submit("/ivr/new", "/ivr", {"number": "7000", "name": "Main", "language": "en", "entry": "start"})
    flow = IvrFlow.get()
    data = {"key": "start", "kind": "play", "params": "[1, 2", "branches": "{}"}
    response = world.submit(f"/ivr/{flow.id}/nodes/new", f"/ivr/{flow.id}/nodes", data)
    assert response.status == 422 and bad_json in response.text
    assert IvrNode.select().count() == 0


def test_ivr_sub_navigation_delete_and_csrf(world):
    world.submit(
        "/ivr/new", "/ivr", {"number": "7000", "name": "Main", "language": "zh-CN", "entry": "start"}
    )
    flow = IvrFlow.get()
    page = world.get("/ivr").text
    assert '<a href="/ivr" class="active">IVR</a>' in page and 'data-number="7000"' in page
    for action in ("/ivr", f"/ivr/{flow.id}/edit", f"/ivr/{flow.id}/activate", f"/ivr/{flow.id}/delete"):
        assert world.post(action, {"number": "7001", "name": "X"}).status == 403, action
    assert world.submit(f"/ivr/{flow.id}/delete", f"/ivr/{flow.id}/delete", {}).location == "/ivr"
    assert IvrFlow.select().count() == 0
    assert world.get(f"/ivr/{flow.id}").status == 404


def test_ivr_day_night_switch_of_a_time_condition_is_flipped_from_the_flow_page(world):
    world.submit("/ivr/new", "/ivr", {"number": "7000", "name": "Main", "language": "en", "entry": "hours"})
    flow = IvrFlow.get()
    add_node(world, flow, "hours", "time", {"hours": {"mon": "09:00-18:00"}}, {"open": "q", "closed": "q"})
    add_node(world, flow, "q", "goto", {"target": "queue", "number": "6000"})
    node = IvrNode.get(IvrNode.key == "hours")
    page = world.get(f"/ivr/{flow.id}").text
    assert (
        'id="override-hours"' in page and '<option value="auto" selected>by business hours</option>' in page
    )
    action = f"/ivr/{flow.id}/nodes/{node.id}/override"
    assert world.submit(f"/ivr/{flow.id}", action, {"override": "night"}).location == f"/ivr/{flow.id}"
    assert IvrNode.get_by_id(node.id).params_dict == {"hours": {"mon": "09:00-18:00"}, "override": "night"}
    assert "Node hours: night (always closed)." in world.get(f"/ivr/{flow.id}").text
    assert world.submit(f"/ivr/{flow.id}", action, {"override": "dusk"}).status == 400
    assert world.post(action, {"override": "day"}).status == 403  # no CSRF token
    assert IvrNode.get_by_id(node.id).params_dict["override"] == "night"
    assert actions()[-1] == "ivr.override"


def test_ivr_prompt_upload_converted_used_by_a_node_refused_delete_then_deleted(world, config, tmp_path):
    from tests.support import audio
    from tests.webadmin.test_web_moh import multipart

    tone = audio.write_tone(tmp_path / "hello.wav", 440, seconds=1.5).read_bytes()
    token = world.get("/ivr/prompts").csrf()
    page = multipart(world, "/ivr/prompts", {"csrf_token": token, "name": "welcome"}, ("hello.wav", tone))
    assert page.status == 303 and page.location == "/ivr/prompts"
    stored = config.media_dir / "prompts" / "welcome.wav"
    assert stored.is_file()
    listing = world.get("/ivr/prompts").text
    assert 'data-prompt="welcome"' in listing and "welcome.wav" in listing
    assert world.get("/ivr/prompts/welcome.wav").status == 200
    refused = multipart(
        world, "/ivr/prompts", {"csrf_token": token, "name": "bad"}, ("x.wav", b"not audio at all")
    )
    assert refused.status == 422 and not (config.media_dir / "prompts" / "bad.wav").exists()

    world.submit("/ivr/new", "/ivr", {"number": "7000", "name": "Main", "language": "en", "entry": "start"})
    flow = IvrFlow.get()
    add_node(world, flow, "start", "play", {"file": "welcome.wav"}, {"next": "q"})
    add_node(world, flow, "q", "goto", {"target": "queue", "number": "6000"})
    assert 'id="ivr-valid"' in world.get(f"/ivr/{flow.id}").text  # the file is on disk
    assert "7000/start" in world.get("/ivr/prompts").text

    in_use = world.post("/ivr/prompts/welcome/delete", {"csrf_token": token})
    assert in_use.status == 409 and "IVR node 7000/start" in in_use.text
    assert stored.is_file()
    node = IvrNode.get(IvrNode.key == "start")
    world.submit(
        f"/ivr/{flow.id}/nodes/{node.id}/edit",
        f"/ivr/{flow.id}/nodes/{node.id}/edit",
        {"key": "start", "kind": "play", "params": '{"text": "Welcome"}', "branches": '{"next": "q"}'},
    )
    assert world.post("/ivr/prompts/welcome/delete", {"csrf_token": token}).status == 303
    assert not stored.exists()
    assert actions()[:2] == ["ivr.prompt_upload", "ivr.create"] and actions()[-1] == "ivr.prompt_delete"


def test_ivr_validation_problems_are_said_in_the_readers_language(world):
    set_language("zh-CN")
    world.submit("/ivr/new", "/ivr", {"number": "7000", "name": "Main", "language": "en", "entry": "start"})
    flow = IvrFlow.get()
    add_node(world, flow, "start", "menu", {"text": "Press 1"}, {"1": "sales"})
    page = world.get(f"/ivr/{flow.id}").text
    assert "节点“start”：分支“1”指向不存在的节点“sales”" in page
    refused = world.submit(f"/ivr/{flow.id}", f"/ivr/{flow.id}/activate", {})
    assert refused.status == 422 and "指向不存在的节点“sales”" in refused.text

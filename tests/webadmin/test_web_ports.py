"""The Ports page: live state of every port and channel, per-port settings, and the virtual phone."""

from __future__ import annotations

import json

from telephony.models import AuditLog, Extension, InboundRoute, PortSetting
from tests.webadmin.wsgi_client import Client
from webadmin.app import create_app


def test_ports_page_lists_every_port_state_fault_alarms_and_channels(admin, fake_core):
    fake_core.set_port("fxo2", fault="no line voltage")
    fake_core.set_port("e1", state="alarm", alarms=["LOS"])
    fake_core.set_port("e1/5", state="busy")
    page = admin.get("/ports")
    assert page.status == 200
    text = page.text
    for name in ("fxs1", "fxs4", "fxo1", "fxo4"):
        assert f'data-port="{name}"' in text
    assert 'data-field="fault">no line voltage<' in text
    assert 'data-field="fault">LOS<' in text
    assert text.count('class="channel state-') == 30
    assert 'class="channel state-busy" data-port="e1/5"' in text
    assert '<script src="/static/ports.js" defer></script>' in text
    assert "<script>" not in text
    assert 'href="/ports" class="active"' in text


def test_ports_json_answers_the_live_state_and_follows_the_core(admin, fake_core):
    data = json.loads(admin.get("/ports.json").text)
    assert data["ok"] and len(data["ports"]) == 39
    fake_core.set_port("fxs1", state="offhook")
    fake_core.ports[0]["secret_thing"] = "x"
    data = json.loads(admin.get("/ports.json").text)
    assert data["ports"][0]["state"] == "offhook"
    assert "secret_thing" not in data["ports"][0]


def test_ports_pages_need_a_login(client, fake_core):
    assert client.get("/ports.json").status in (302, 303)
    assert client.get("/ports").status in (302, 303)


def test_ports_page_with_the_core_down_says_so(config, dead_control):
    from tests.webadmin.conftest import do_setup, login

    client = Client(create_app(config, dead_control))
    do_setup(client)
    login(client)
    page = client.get("/ports")
    assert page.status == 200 and 'id="core-down"' in page.text
    assert 'id="virtual-phone"' not in page.text
    assert json.loads(client.get("/ports.json").text)["ok"] is False


def test_edit_fxs_port_saves_audits_and_reloads_lines(admin, fake_core):
    data = {
        "number": "201",
        "label": "Lobby",
        "caller_id_name": "Front",
        "permission": "local",
        "enabled": "1",
    }
    response = admin.submit("/ports/fxs1/edit", "/ports/fxs1/edit", data)
    assert response.status == 303 and response.location == "/ports"
    row = PortSetting.get_by_id("fxs1")
    assert (row.number, row.label, row.caller_id_name, row.permission) == ("201", "Lobby", "Front", "local")
    assert fake_core.received("POST", "/reload") == [{"what": "lines"}]
    audit = AuditLog.get(AuditLog.action == "port.update")
    assert audit.target == "fxs1" and "number ''->'201'" in audit.detail
    assert "Port fxs1 saved." in admin.get("/ports").text


def test_edit_fxs_port_shows_validation_errors_per_field(admin, fake_core):
    Extension.create(number="1001", name="A", ha1="x", ha1b="y")
    data = {"number": "1001", "label": "", "caller_id_name": "", "permission": "galactic"}
    response = admin.submit("/ports/fxs1/edit", "/ports/fxs1/edit", data)
    assert response.status == 422
    assert 'id="number-error">1001 is already a SIP extension<' in response.text
    assert 'id="permission-error">must be internal, local, national or international<' in response.text
    assert PortSetting.select().count() == 0 and fake_core.received("POST", "/reload") == []


def test_edit_fxo_port_has_only_label_and_enabled(admin, fake_core):
    form = admin.get("/ports/fxo1/edit").text
    assert 'name="label"' in form and 'name="number"' not in form
    admin.submit("/ports/fxo1/edit", "/ports/fxo1/edit", {"label": "PSTN 1"})
    row = PortSetting.get_by_id("fxo1")
    assert (row.label, row.enabled, row.number) == ("PSTN 1", False, None)


def test_edit_unknown_port_is_404(admin, fake_core):
    assert admin.get("/ports/fxs99x/edit").status == 404


def test_edit_in_chinese(admin, fake_core):
    admin.submit("/ports", "/lang", {"lang": "zh-CN", "next": "/ports"})
    assert "端口" in admin.get("/ports").text
    response = admin.submit("/ports/fxs1/edit", "/ports/fxs1/edit", {"number": "01", "permission": "local"})
    assert 'id="number-error">必须是 2 到 8 位数字，且不能以 0 开头<' in response.text


def sim(admin: Client, **data: str):
    return admin.submit("/ports", "/ports/sim", data)


def test_virtual_phone_buttons_call_the_sim_routes_and_are_audited(admin, fake_core):
    assert 'id="virtual-phone"' in admin.get("/ports").text
    assert sim(admin, action="offhook", port="fxs1").status == 303
    sim(admin, action="dial", port="fxs1", digits="201")
    sim(admin, action="onhook", port="fxs1")
    sim(admin, action="ring", port="fxo2", cid_number="13800138000", cid_name="Zhang")
    sim(admin, action="e1_call", calling="13800138000", called="5550100")
    assert "E1 call 8 placed." in admin.get("/ports").text
    sim(admin, action="e1_hangup", call="8")
    sim(admin, action="los_on")
    sim(admin, action="los_off")
    sent = [(path, body) for method, path, body in fake_core.requests if path.startswith("/sim/") and body]
    assert sent == [
        ("/sim/offhook", {"port": "fxs1"}),
        ("/sim/dial", {"port": "fxs1", "digits": "201", "pulse": False}),
        ("/sim/onhook", {"port": "fxs1"}),
        ("/sim/ring", {"port": "fxo2", "cid_number": "13800138000", "cid_name": "Zhang"}),
        ("/sim/e1_call", {"calling": "13800138000", "called": "5550100"}),
        ("/sim/e1_hangup", {"call": 8, "cause": 16}),
        ("/sim/e1_los", {"on": True}),
        ("/sim/e1_los", {"on": False}),
    ]
    actions = [
        a.action for a in AuditLog.select().where(AuditLog.action.startswith("sim.")).order_by(AuditLog.id)
    ]
    assert actions == [
        "sim.offhook",
        "sim.dial",
        "sim.onhook",
        "sim.ring",
        "sim.e1_call",
        "sim.e1_hangup",
        "sim.e1_los",
        "sim.e1_los",
    ]


def test_virtual_phone_bad_input_sends_nothing(admin, fake_core):
    sim(admin, action="dial", port="fxo1", digits="1")
    sim(admin, action="ring", port="fxs1", cid_number="1")
    sim(admin, action="reboot", port="fxs1")
    assert not [p for _, p, _ in fake_core.requests if p.startswith("/sim/") and p != "/sim/ports"]
    assert "Check the port, digits and numbers you entered." in admin.get("/ports").text


def test_virtual_phone_needs_csrf(admin, fake_core):
    response = admin.post("/ports/sim", {"action": "offhook", "port": "fxs1"})
    assert response.status == 403
    assert fake_core.received("POST", "/sim/offhook") == []


def test_virtual_phone_refusal_is_shown(admin, fake_core):
    fake_core.sim_error = "no such port fxs1"
    sim(admin, action="offhook", port="fxs1")
    assert "Simulator refused:" in admin.get("/ports").text


def test_virtual_phone_is_hidden_when_the_board_is_not_a_simulator(admin, fake_core):
    fake_core.simulator = False
    assert 'id="virtual-phone"' not in admin.get("/ports").text


def test_saved_settings_show_when_the_core_does_not_report_them(admin, fake_core):
    PortSetting.create(port="fxs2", number="202", label="Kitchen")
    for port in fake_core.ports:
        port.pop("number", None)
        port.pop("label", None)
    data = json.loads(admin.get("/ports.json").text)
    fxs2 = next(p for p in data["ports"] if p["name"] == "fxs2")
    assert (fxs2["number"], fxs2["label"]) == ("202", "Kitchen")
    assert 'data-field="label">Kitchen<' in admin.get("/ports").text


# --- a number inbound routes use; the caller-ID standard -----------------------------------------


def test_giving_up_a_number_a_route_uses_is_refused_and_changes_nothing(admin, fake_core):
    PortSetting.create(port="fxs1", number="201", label="Lobby")
    InboundRoute.create(trunk="fxo1", did="", destination="201")
    for number in ("202", ""):
        response = admin.submit(
            "/ports/fxs1/edit", "/ports/fxs1/edit", {"number": number, "label": "Moved", "enabled": "1"}
        )
        assert response.status == 409
        assert 'id="number-error">number 201 is used by inbound route &#039;fxo1&#039;<' in response.text
        assert 'value="Moved"' in response.text
    row = PortSetting.get_by_id("fxs1")
    assert (row.number, row.label) == ("201", "Lobby")
    assert fake_core.received("POST", "/reload") == []
    assert AuditLog.select().where(AuditLog.action == "port.update").count() == 0
    admin.submit("/ports", "/lang", {"lang": "zh-CN", "next": "/ports"})
    response = admin.submit("/ports/fxs1/edit", "/ports/fxs1/edit", {"number": ""})
    assert 'id="number-error">号码 201 正被 呼入路由“fxo1” 使用<' in response.text


def test_fxs_cid_standard_is_offered_saved_audited_and_validated(admin, fake_core):
    form = admin.get("/ports/fxs1/edit").text
    assert '<select id="cid_standard" name="cid_standard">' in form
    assert '<option value="" selected>Country default</option>' in form
    assert '<option value="etsi-v23">etsi-v23: ETSI V.23 FSK (Europe)</option>' in form
    data = {"number": "201", "cid_standard": "etsi-v23", "enabled": "1"}
    assert admin.submit("/ports/fxs1/edit", "/ports/fxs1/edit", data).status == 303
    assert PortSetting.get_by_id("fxs1").cid_standard == "etsi-v23"
    assert "cid_standard ''->'etsi-v23'" in AuditLog.get(AuditLog.action == "port.update").detail
    assert '<option value="etsi-v23" selected>' in admin.get("/ports/fxs1/edit").text
    # A client that leaves the field out keeps the standard.
    admin.submit("/ports/fxs1/edit", "/ports/fxs1/edit", {"number": "201", "label": "Lobby"})
    assert PortSetting.get_by_id("fxs1").cid_standard == "etsi-v23"
    response = admin.submit("/ports/fxs1/edit", "/ports/fxs1/edit", {"number": "201", "cid_standard": "v.23"})
    assert response.status == 422
    assert (
        'id="cid_standard-error">must be empty (the country&#039;s standard) or one of bell202'
        in response.text
    )
    admin.submit("/ports", "/lang", {"lang": "zh-CN", "next": "/ports"})
    response = admin.submit("/ports/fxs1/edit", "/ports/fxs1/edit", {"number": "201", "cid_standard": "v.23"})
    assert 'id="cid_standard-error">必须为空（使用国家标准）或为 bell202' in response.text
    assert "按国家默认" in response.text
    assert PortSetting.get_by_id("fxs1").cid_standard == "etsi-v23"
    admin.submit("/ports/fxs1/edit", "/ports/fxs1/edit", {"number": "201", "cid_standard": ""})
    assert PortSetting.get_by_id("fxs1").cid_standard == ""
    assert 'name="cid_standard"' not in admin.get("/ports/fxo1/edit").text


def test_every_caller_id_standard_has_a_label_in_both_languages():
    from hal.country import CALLER_ID_STANDARDS
    from webadmin.catalog_lines import CATALOG

    for name in CALLER_ID_STANDARDS:
        assert set(CATALOG[f"cid.{name}"]) == {"en", "zh-CN"}, name

"""Extensions through the admin: list, create, edit, delete, validation in both languages."""

from __future__ import annotations

from telephony.models import AuditLog, Extension, InboundRoute, PortSetting, sip_ha1
from tests.webadmin.wsgi_client import Client
from webadmin.app import create_app

SECRET = "abc12345xyz"


def create(client: Client, **fields: str):
    data = {"number": "1001", "name": "Front desk", "secret": SECRET, "enabled": "1", **fields}
    return client.submit("/extensions/new", "/extensions", data)


def test_create_shows_it_in_the_list_with_the_count_and_asks_core_to_reload(admin, fake_core):
    assert "0 extension(s)" in admin.get("/extensions").text
    response = create(admin)
    assert response.status == 303 and response.location == "/extensions"
    page = admin.get("/extensions")
    assert "Extension 1001 created." in page.text
    assert "pbx-core is not answering" not in page.text
    assert "1 extension(s)" in page.text
    assert "Front desk" in page.text
    ext = Extension.get(Extension.number == "1001")
    assert ext.enabled and ext.ha1 == sip_ha1("1001", "pbx", SECRET)
    assert fake_core.received("POST", "/reload") == [{"what": "extensions"}]
    row = AuditLog.get(AuditLog.action == "extension.create")
    assert (row.username, row.target, row.remote_addr) == ("boss", "1001", "192.0.2.10")
    assert SECRET not in row.detail
    # The flash is shown once.
    assert "Extension 1001 created." not in admin.get("/extensions").text


def test_validation_errors_are_shown_per_field_and_nothing_is_saved(admin, fake_core):
    response = create(admin, number="0123", name="bad\x07name", secret="short")
    assert response.status == 422
    text = response.text
    assert "Please correct the fields marked below." in text
    assert 'id="number-error">must be 2 to 8 digits, not starting with 0<' in text
    assert 'id="name-error">must be at most 64 printable characters<' in text
    assert 'id="secret-error">must be 8 to 64 characters with letters and digits' in text
    # Entered values are kept, the secret never comes back.
    assert 'value="0123"' in text
    assert "short" not in text
    assert Extension.select().count() == 0
    assert fake_core.received("POST", "/reload") == []
    assert AuditLog.select().where(AuditLog.action.startswith("extension")).count() == 0


def test_validation_errors_are_in_chinese_for_a_chinese_user(admin):
    admin.submit("/extensions", "/lang", {"lang": "zh-CN", "next": "/extensions"})
    response = create(admin, number="", secret="")
    assert response.status == 422
    assert 'id="number-error">必填<' in response.text
    assert 'id="secret-error">必填<' in response.text
    assert "请修改下面标出的字段。" in response.text
    assert '<html lang="zh-CN">' in response.text
    response = create(admin, number="12", secret="12345678")
    assert "必须为 8 到 64 个字符，包含字母和数字，且不能包含分机号" in response.text


def test_duplicate_number_is_refused(admin):
    create(admin)
    response = create(admin, name="Other")
    assert response.status == 422
    assert 'id="number-error">extension 1001 already exists<' in response.text
    assert 'value="Other"' in response.text
    assert Extension.select().count() == 1


def test_edit_with_empty_secret_keeps_it(admin, fake_core):
    create(admin)
    ha1 = Extension.get().ha1
    form = admin.get("/extensions/1001/edit")
    assert 'value="Front desk"' in form.text
    assert 'name="secret" type="password" value=""' in form.text
    response = admin.post(
        "/extensions/1001/edit",
        {"csrf_token": form.csrf(), "number": "1001", "name": "Reception", "secret": ""},
    )
    assert response.status == 303
    ext = Extension.get()
    assert (ext.name, ext.enabled, ext.ha1) == ("Reception", False, ha1)
    assert "Extension 1001 saved." in admin.get("/extensions").text
    assert len(fake_core.received("POST", "/reload")) == 2
    row = AuditLog.get(AuditLog.action == "extension.update")
    assert "name 'Front desk'->'Reception'" in row.detail and "enabled True->False" in row.detail


def test_edit_can_change_the_secret_and_renumbering_needs_one(admin):
    create(admin)
    response = admin.submit(
        "/extensions/1001/edit", "/extensions/1001/edit", {"number": "1002", "enabled": "1"}
    )
    assert response.status == 422
    assert 'id="secret-error">is required<' in response.text
    assert Extension.get().number == "1001"
    response = admin.submit(
        "/extensions/1001/edit",
        "/extensions/1001/edit",
        {"number": "1002", "secret": "n3wSecretx", "enabled": "1"},
    )
    assert response.status == 303
    assert Extension.get().ha1 == sip_ha1("1002", "pbx", "n3wSecretx")
    assert admin.get("/extensions/1001/edit").status == 404


def test_delete_asks_for_confirmation_then_deletes(admin, fake_core):
    create(admin)
    confirm = admin.get("/extensions/1001/delete")
    assert confirm.status == 200
    assert "Delete extension 1001?" in confirm.text
    assert Extension.select().count() == 1  # asking is not deleting
    response = admin.post("/extensions/1001/delete", {"csrf_token": confirm.csrf()})
    assert response.status == 303
    assert Extension.select().count() == 0
    assert "Extension 1001 deleted." in admin.get("/extensions").text
    assert AuditLog.get(AuditLog.action == "extension.delete").target == "1001"
    assert admin.submit("/extensions", "/extensions/1001/delete", {}).status == 404


def test_unknown_extension_pages_are_404(admin):
    assert admin.get("/extensions/4242/edit").status == 404
    assert admin.get("/extensions/4242/delete").status == 404
    assert admin.submit("/extensions", "/extensions/4242/edit", {"number": "4242"}).status == 404


def test_untrusted_names_are_escaped(admin):
    create(admin, name='<script>alert("x")</script>')
    for path in ("/extensions", "/extensions/1001/edit", "/extensions/1001/delete"):
        text = admin.get(path).text
        assert "<script>" not in text, path
        assert "&lt;script&gt;" in text, path


def test_when_the_core_is_down_the_change_is_saved_with_a_warning(admin, config, dead_control):
    down = Client(create_app(config, dead_control), cookies=dict(admin.cookies))
    response = create(down)
    assert response.status == 303
    page = down.get("/extensions")
    assert "Extension 1001 created." in page.text
    assert "pbx-core is not answering; the change is saved and applies when it is back" in page.text
    assert Extension.select().count() == 1


def test_without_a_control_client_changes_are_saved_with_a_warning(admin, config):
    offline = Client(create_app(config, None), cookies=dict(admin.cookies))
    assert create(offline).status == 303
    assert "the change is saved and applies when it is back" in offline.get("/extensions").text


def test_chinese_names_are_stored_and_shown_as_typed(admin):
    assert create(admin, name="前台 接待").status == 303
    assert Extension.get().name == "前台 接待"
    assert "前台 接待" in admin.get("/extensions").text


# --- outbound permission class -------------------------------------------------------------------


def test_permission_is_offered_saved_listed_and_audited(admin, fake_core):
    form = admin.get("/extensions/new").text
    assert '<option value="national" selected>national</option>' in form
    assert '<option value="international">international</option>' in form
    assert create(admin, permission="local").status == 303
    assert Extension.get().permission == "local"
    assert 'class="permission">local<' in admin.get("/extensions").text
    assert AuditLog.get(AuditLog.action == "extension.create").detail == (
        "name='Front desk' enabled=True permission=local"
    )
    edit = admin.get("/extensions/1001/edit").text
    assert '<option value="local" selected>local</option>' in edit
    response = admin.submit(
        "/extensions/1001/edit",
        "/extensions/1001/edit",
        {"number": "1001", "name": "Front desk", "enabled": "1", "permission": "international"},
    )
    assert response.status == 303
    assert Extension.get().permission == "international"
    assert AuditLog.get(AuditLog.action == "extension.update").detail == "permission local->international"
    assert fake_core.received("POST", "/reload") == [{"what": "extensions"}] * 2


def test_an_edit_without_the_permission_field_keeps_the_class(admin):
    create(admin, permission="internal")
    admin.submit(
        "/extensions/1001/edit", "/extensions/1001/edit", {"number": "1001", "name": "X", "enabled": "1"}
    )
    assert (Extension.get().name, Extension.get().permission) == ("X", "internal")


def test_bad_permission_is_a_field_error_in_both_languages(admin, fake_core):
    response = create(admin, permission="galactic")
    assert response.status == 422
    assert 'id="permission-error">must be internal, local, national or international<' in response.text
    assert Extension.select().count() == 0
    create(admin)
    admin.submit("/extensions", "/lang", {"lang": "zh-CN", "next": "/extensions"})
    response = admin.submit(
        "/extensions/1001/edit", "/extensions/1001/edit", {"number": "1001", "enabled": "1", "permission": ""}
    )
    assert response.status == 422
    assert 'id="permission-error">必须是 internal、local、national 或 international<' in response.text
    assert "外呼权限" in response.text
    assert Extension.get().permission == "national"
    assert len(fake_core.received("POST", "/reload")) == 1


# --- refused deletes ------------------------------------------------------------------------------


def test_delete_of_an_extension_a_route_and_a_port_use_is_refused_and_changes_nothing(admin, fake_core):
    create(admin)
    InboundRoute.create(trunk="e1", did="8001", destination="1001")
    PortSetting.create(port="fxs2", number="1001")
    confirm = admin.get("/extensions/1001/delete")
    response = admin.post("/extensions/1001/delete", {"csrf_token": confirm.csrf()})
    assert response.status == 409
    assert (
        'id="delete-error">extension 1001 is used by inbound route &#039;e1 DID 8001&#039; and port fxs2<'
        in response.text
    )
    assert Extension.select().count() == 1
    assert InboundRoute.select().count() == 1 and PortSetting.select().count() == 1
    assert AuditLog.select().where(AuditLog.action == "extension.delete").count() == 0
    assert fake_core.received("POST", "/reload") == [{"what": "extensions"}]  # only the create
    admin.submit("/extensions", "/lang", {"lang": "zh-CN", "next": "/extensions"})
    response = admin.submit("/extensions/1001/delete", "/extensions/1001/delete", {})
    assert response.status == 409
    assert "分机 1001 正被 呼入路由“e1 DID 8001”和端口 fxs2 使用" in response.text
    InboundRoute.delete().execute()
    PortSetting.delete().execute()
    assert admin.submit("/extensions/1001/delete", "/extensions/1001/delete", {}).status == 303
    assert Extension.select().count() == 0


def test_refused_delete_needs_csrf_like_any_delete(admin):
    create(admin)
    InboundRoute.create(trunk="e1", did="8001", destination="1001")
    assert admin.post("/extensions/1001/delete", {}).status == 403
    assert Extension.select().count() == 1


# --- renumbering what a route uses, numbers FXS ports have ---------------------------------------


def test_renumbering_an_extension_a_route_uses_is_refused_and_changes_nothing(admin, fake_core):
    create(admin)
    ha1 = Extension.get().ha1
    InboundRoute.create(trunk="e1", did="8001", destination="1001")
    data = {"number": "1002", "name": "Moved", "secret": "n3wSecretx", "enabled": "1", "permission": "local"}
    response = admin.submit("/extensions/1001/edit", "/extensions/1001/edit", data)
    assert response.status == 409
    assert (
        'id="number-error">extension 1001 is used by inbound route &#039;e1 DID 8001&#039;<' in response.text
    )
    assert 'value="1002"' in response.text and 'value="Moved"' in response.text
    assert "n3wSecretx" not in response.text
    ext = Extension.get()
    assert (ext.number, ext.name, ext.ha1) == ("1001", "Front desk", ha1)
    assert AuditLog.select().where(AuditLog.action == "extension.update").count() == 0
    assert fake_core.received("POST", "/reload") == [{"what": "extensions"}]  # only the create
    admin.submit("/extensions", "/lang", {"lang": "zh-CN", "next": "/extensions"})
    response = admin.submit("/extensions/1001/edit", "/extensions/1001/edit", data)
    assert response.status == 409
    assert 'id="number-error">分机 1001 正被 呼入路由“e1 DID 8001” 使用<' in response.text
    assert Extension.get().number == "1001"


def test_an_extension_with_an_fxs_ports_number_is_refused_in_both_languages(admin, fake_core):
    PortSetting.create(port="fxs1", number="1001")
    response = create(admin)
    assert response.status == 422
    assert 'id="number-error">1001 is already the number of an FXS port<' in response.text
    assert Extension.select().count() == 0
    create(admin, number="1002")
    response = admin.submit(
        "/extensions/1002/edit", "/extensions/1002/edit", {"number": "1001", "secret": "n3wSecretx"}
    )
    assert response.status == 422
    assert 'id="number-error">1001 is already the number of an FXS port<' in response.text
    admin.submit("/extensions", "/lang", {"lang": "zh-CN", "next": "/extensions"})
    response = create(admin, number="1001")
    assert 'id="number-error">1001 已是 FXS 端口的号码<' in response.text
    assert [e.number for e in Extension.select()] == ["1002"]

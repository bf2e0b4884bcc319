"""Trunk groups, inbound routes and dial rules through the admin: CRUD, validation, audit, reload."""

from __future__ import annotations

from telephony.models import AuditLog, DialRule, Extension, InboundRoute, TrunkGroup


def test_trunk_group_create_edit_delete_reloads_and_audits(admin, fake_core):
    assert "Nothing here yet." in admin.get("/trunks").text
    data = {"name": "pstn", "kind": "fxo", "members": "fxo1, fxo2", "hunt": "round-robin"}
    response = admin.submit("/trunks/new", "/trunks", data)
    assert response.status == 303 and response.location == "/trunks"
    group = TrunkGroup.get(TrunkGroup.name == "pstn")
    assert (group.members, group.hunt) == ("fxo1,fxo2", "round-robin")
    page = admin.get("/trunks").text
    assert "Saved." in page and "fxo1,fxo2" in page
    admin.submit(f"/trunks/{group.id}/edit", f"/trunks/{group.id}/edit", {**data, "members": "fxo3"})
    assert TrunkGroup.get_by_id(group.id).members == "fxo3"
    admin.submit(f"/trunks/{group.id}/delete", f"/trunks/{group.id}/delete", {})
    assert TrunkGroup.select().count() == 0
    assert fake_core.received("POST", "/reload") == [{"what": "lines"}] * 3
    actions = [a.action for a in AuditLog.select().where(AuditLog.action.startswith("trunk_group"))]
    assert actions == ["trunk_group.create", "trunk_group.update", "trunk_group.delete"]


def test_trunk_group_validation_errors_per_field(admin, fake_core):
    data = {"name": "bad name", "kind": "e1", "members": "fxo1", "hunt": "linear"}
    response = admin.submit("/trunks/new", "/trunks", data)
    assert response.status == 422
    assert 'id="name-error">must be 1 to 32 letters' in response.text
    assert 'id="members-error">an E1 group has exactly one member: e1<' in response.text
    assert 'value="bad name"' in response.text
    assert TrunkGroup.select().count() == 0 and fake_core.received("POST", "/reload") == []


def test_inbound_route_crud_and_validation(admin, fake_core):
    Extension.create(number="1001", name="A", ha1="x", ha1b="y")
    bad = admin.submit("/inbound/new", "/inbound", {"trunk": "fxs1", "did": "", "destination": "999"})
    assert bad.status == 422
    assert 'id="trunk-error">must be an FXO port' in bad.text
    assert 'id="destination-error">no extension, FXS port or queue has this number<' in bad.text
    data = {"trunk": "e1", "did": "5550100", "destination": "1001", "priority": "10"}
    assert admin.submit("/inbound/new", "/inbound", data).status == 303
    route = InboundRoute.get()
    assert (route.trunk, route.did, route.destination, route.priority) == ("e1", "5550100", "1001", 10)
    dup = admin.submit("/inbound/new", "/inbound", data)
    assert 'id="did-error">a route for this trunk and DID already exists<' in dup.text
    assert "5550100" in admin.get("/inbound").text
    admin.submit(f"/inbound/{route.id}/delete", f"/inbound/{route.id}/delete", {})
    assert InboundRoute.select().count() == 0


def test_dial_rule_crud_offers_trunk_groups_and_validates(admin, fake_core):
    admin.submit("/trunks/new", "/trunks", {"name": "span", "kind": "e1", "members": "e1", "hunt": "linear"})
    form = admin.get("/dialrules/new").text
    assert '<option value="span"' in form and '<option value="international"' in form
    data = {
        "name": "out",
        "prefix": "0",
        "min_length": "5",
        "strip": "1",
        "prepend": "+86",
        "trunk_group": "span",
        "permission": "national",
        "priority": "100",
    }
    assert admin.submit("/dialrules/new", "/dialrules", data).status == 303
    rule = DialRule.get()
    assert (rule.prefix, rule.strip, rule.prepend, rule.trunk_group.name) == ("0", 1, "+86", "span")
    bad = admin.submit(f"/dialrules/{rule.id}/edit", f"/dialrules/{rule.id}/edit", {**data, "strip": "20"})
    assert bad.status == 422 and 'id="strip-error">must be a number from 0 to 16<' in bad.text
    assert DialRule.get_by_id(rule.id).strip == 1
    page = admin.get("/dialrules").text
    assert "national" in page and "+86" in page
    assert admin.get("/dialrules/999/edit").status == 404


def test_routing_pages_in_chinese_and_in_the_nav(admin, fake_core):
    admin.submit("/trunks", "/lang", {"lang": "zh-CN", "next": "/trunks"})
    page = admin.get("/trunks").text
    for text in ("中继组", "呼入路由", "拨号规则", "端口"):
        assert text in page
    response = admin.submit("/dialrules/new", "/dialrules", {"prefix": "x"})
    assert 'id="prefix-error">必须是 1 到 16 位数字<' in response.text


def test_routing_changes_need_csrf(admin, fake_core):
    response = admin.post("/trunks", {"name": "g", "kind": "e1", "members": "e1", "hunt": "linear"})
    assert response.status == 403 and TrunkGroup.select().count() == 0


def test_trunk_group_a_dial_rule_uses_cannot_be_deleted(admin, fake_core):
    admin.submit("/trunks/new", "/trunks", {"name": "span", "kind": "e1", "members": "e1", "hunt": "linear"})
    group = TrunkGroup.get()
    rule = {"name": "out", "prefix": "0", "min_length": "1", "strip": "0", "prepend": ""}
    rule.update({"trunk_group": "span", "permission": "local", "priority": "100"})
    admin.submit("/dialrules/new", "/dialrules", rule)
    response = admin.submit(f"/trunks/{group.id}/delete", f"/trunks/{group.id}/delete", {})
    assert response.status == 409
    assert 'id="delete-error">trunk group span is used by dial rule &#039;out&#039;<' in response.text
    assert TrunkGroup.select().count() == 1 and DialRule.select().count() == 1
    assert fake_core.received("POST", "/reload") == [{"what": "lines"}] * 2
    assert AuditLog.select().where(AuditLog.action == "trunk_group.delete").count() == 0
    admin.submit("/trunks", "/lang", {"lang": "zh-CN", "next": "/trunks"})
    response = admin.submit(f"/trunks/{group.id}/delete", f"/trunks/{group.id}/delete", {})
    assert "中继组 span 正被 拨号规则“out” 使用" in response.text
    admin.submit(f"/dialrules/{DialRule.get().id}/delete", f"/dialrules/{DialRule.get().id}/delete", {})
    assert admin.submit(f"/trunks/{group.id}/delete", f"/trunks/{group.id}/delete", {}).status == 303
    assert TrunkGroup.select().count() == 0


def test_extension_delete_refused_while_an_inbound_route_added_in_the_admin_uses_it(admin, fake_core):
    admin.submit(
        "/extensions/new", "/extensions", {"number": "1001", "secret": "abc12345xyz", "enabled": "1"}
    )
    admin.submit(
        "/inbound/new", "/inbound", {"trunk": "fxo1", "did": "", "destination": "1001", "priority": "1"}
    )
    response = admin.submit("/extensions/1001/delete", "/extensions/1001/delete", {})
    assert response.status == 409
    assert 'id="delete-error">extension 1001 is used by inbound route &#039;fxo1&#039;<' in response.text
    assert Extension.select().count() == 1 and InboundRoute.select().count() == 1

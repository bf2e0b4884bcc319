"""The line routing service: validation per field, saving in one transaction, and the core reload."""

from __future__ import annotations

import pytest

from telephony.errors import ControlError, InUse, NotFound, ValidationError
from telephony.extensions.service import ExtensionInput, ExtensionService
from telephony.messages import CATALOG
from telephony.models import DialRule, Extension, InboundRoute, PortSetting, TrunkGroup, open_database
from telephony.routing.service import (
    DialRuleInput,
    InboundRouteInput,
    PortInput,
    RoutingService,
    TrunkGroupInput,
)


class Control:
    """Records reloads; fails them when told to."""

    def __init__(self, fail: bool = False) -> None:
        self.reloads: list[str] = []
        self.fail = fail

    def reload(self, what: str = "all") -> dict:
        if self.fail:
            raise ControlError("down")
        self.reloads.append(what)
        return {}


@pytest.fixture
def db(tmp_path):
    database = open_database(tmp_path / "box.db")
    Extension.create(number="1001", name="Alice", ha1="x", ha1b="y")
    yield database
    database.close()


@pytest.fixture
def control():
    return Control()


def errors_of(call) -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        call()
    for key in info.value.errors.values():
        assert set(CATALOG[key]) == {"en", "zh-CN"}
    return info.value.errors


def test_save_port_fxs_stores_number_and_reloads_lines(db, control):
    service = RoutingService(control)
    service.save_port(
        "fxs1", PortInput(number="201", label="Lobby", caller_id_name="Desk", permission="local")
    )
    row = PortSetting.get_by_id("fxs1")
    assert (row.number, row.label, row.caller_id_name, row.permission) == ("201", "Lobby", "Desk", "local")
    assert control.reloads == ["lines"]


def test_save_port_twice_updates_the_same_row(db, control):
    service = RoutingService(control)
    service.save_port("fxs1", PortInput(number="201"))
    service.save_port("fxs1", PortInput(number="202", enabled=False))
    assert [(p.port, p.number, p.enabled) for p in PortSetting.select()] == [("fxs1", "202", False)]


def test_save_port_empty_number_stores_null(db, control):
    RoutingService(control).save_port("fxs2", PortInput(number=""))
    assert PortSetting.get_by_id("fxs2").number is None


def test_save_port_rejects_bad_fxs_fields(db, control):
    service = RoutingService(control)
    errors = errors_of(lambda: service.save_port("fxs1", PortInput(number="01", permission="galactic")))
    assert errors == {"number": "extension.number.format", "permission": "routing.permission"}
    assert errors_of(lambda: service.save_port("fxs1", PortInput(number="1001"))) == {
        "number": "routing.number.extension"
    }
    service.save_port("fxs1", PortInput(number="201"))
    assert errors_of(lambda: service.save_port("fxs2", PortInput(number="201"))) == {
        "number": "routing.number.port"
    }
    assert errors_of(lambda: service.save_port("fxo1", PortInput(label="x" * 65))) == {
        "label": "routing.text.format"
    }
    assert control.reloads == ["lines"]


def test_save_port_fxo_ignores_fxs_fields(db, control):
    RoutingService(control).save_port("fxo1", PortInput(label="PSTN 1", number="999", permission="bogus"))
    row = PortSetting.get_by_id("fxo1")
    assert (row.label, row.number) == ("PSTN 1", None)


def test_save_port_unknown_name_is_not_found(db, control):
    with pytest.raises(NotFound):
        RoutingService(control).save_port("fxs99x", PortInput())
    with pytest.raises(NotFound):
        RoutingService(control).save_port("fxs9", PortInput(), known={"fxs1"})


def test_trunk_group_members_must_match_kind(db, control):
    service = RoutingService(control)
    assert errors_of(lambda: service.save_group(TrunkGroupInput("pstn", "fxo", "fxo1,fxs2"))) == {
        "members": "routing.members.fxo"
    }
    assert errors_of(lambda: service.save_group(TrunkGroupInput("pstn", "fxo", "fxo1,fxo1"))) == {
        "members": "routing.members.fxo"
    }
    assert errors_of(lambda: service.save_group(TrunkGroupInput("span", "e1", "fxo1"))) == {
        "members": "routing.members.e1"
    }
    errors = errors_of(lambda: service.save_group(TrunkGroupInput("bad name", "t1", "", "random")))
    assert errors == {"name": "routing.name.format", "kind": "routing.kind", "hunt": "routing.hunt"}
    group = service.save_group(TrunkGroupInput("pstn", "fxo", " fxo1, fxo2 ", "round-robin"))
    assert group.members == "fxo1,fxo2"
    assert errors_of(lambda: service.save_group(TrunkGroupInput("pstn", "e1", "e1"))) == {
        "name": "routing.name.taken"
    }
    service.save_group(TrunkGroupInput("pstn", "fxo", "fxo3"), group.id)
    assert TrunkGroup.get_by_id(group.id).members == "fxo3"


def test_deleting_a_trunk_group_a_dial_rule_uses_is_refused_and_changes_nothing(db, control):
    service = RoutingService(control)
    group = service.save_group(TrunkGroupInput("span", "e1", "e1"))
    service.save_rule(DialRuleInput(prefix="0", trunk_group="span", strip=1, name="out"))
    service.save_rule(DialRuleInput(prefix="00", trunk_group="span", priority=5))
    with pytest.raises(InUse) as info:
        service.delete_group(group.id)
    assert str(info.value) == "trunk group span is used by dial rule '00' and dial rule 'out'"
    assert info.value.render("zh-CN") == "中继组 span 正被 拨号规则“00”和拨号规则“out” 使用"
    assert TrunkGroup.select().count() == 1 and DialRule.select().count() == 2
    assert control.reloads == ["lines"] * 3  # the group and two rules; the refusal reloads nothing
    for rule in service.rules():
        service.delete_rule(rule.id)
    service.delete_group(group.id)
    assert TrunkGroup.select().count() == 0


def test_deleting_an_extension_a_route_or_port_uses_is_refused_and_changes_nothing(db, control):
    service = RoutingService(control)
    service.save_route(InboundRouteInput("e1", "8001", "1001"))
    # A port with the extension's number (added before the extension existed) counts as a user too.
    PortSetting.create(port="fxs2", number="1001")
    extensions = ExtensionService(control)
    with pytest.raises(InUse) as info:
        extensions.delete("1001")
    assert str(info.value) == "extension 1001 is used by inbound route 'e1 DID 8001' and port fxs2"
    assert info.value.render("zh-CN") == "分机 1001 正被 呼入路由“e1 DID 8001”和端口 fxs2 使用"
    assert Extension.get(Extension.number == "1001").name == "Alice"
    assert control.reloads == ["lines"]
    PortSetting.delete().execute()
    with pytest.raises(InUse) as info:
        extensions.delete("1001")
    assert str(info.value) == "extension 1001 is used by inbound route 'e1 DID 8001'"
    service.delete_route(service.routes()[0].id)
    extensions.delete("1001")
    assert Extension.select().count() == 0
    assert control.reloads == ["lines", "lines", "extensions"]


def test_extension_permission_is_validated_and_saved(db, control):
    extensions = ExtensionService(control)
    errors = errors_of(
        lambda: extensions.create(ExtensionInput("1002", "B", "Passw0rd99", permission="galactic"))
    )
    assert errors == {"permission": "routing.permission"}
    assert extensions.create(ExtensionInput("1002", "B", "Passw0rd99")).permission == "national"
    extensions.update("1002", ExtensionInput("1002", "B", permission="internal"))
    assert Extension.get(Extension.number == "1002").permission == "internal"
    assert errors_of(lambda: extensions.update("1002", ExtensionInput("1002", "B", permission=""))) == {
        "permission": "routing.permission"
    }
    assert Extension.get(Extension.number == "1002").permission == "internal"


def test_inbound_route_destination_must_exist_and_trunk_did_is_unique(db, control):
    service = RoutingService(control)
    service.save_port("fxs1", PortInput(number="201"))
    errors = errors_of(lambda: service.save_route(InboundRouteInput("fxs1", "12a", "999", "x")))
    assert errors == {
        "trunk": "routing.trunk",
        "did": "routing.digits",
        "destination": "routing.destination",
        "priority": "routing.priority",
    }
    route = service.save_route(InboundRouteInput("e1", "5550100", "1001"))
    service.save_route(InboundRouteInput("fxo1", "", "201"))
    assert errors_of(lambda: service.save_route(InboundRouteInput("e1", "5550100", "201"))) == {
        "did": "routing.route.duplicate"
    }
    service.save_route(InboundRouteInput("e1", "5550100", "201", 5), route.id)  # itself is no clash
    assert InboundRoute.get_by_id(route.id).destination == "201"
    service.delete_route(route.id)
    assert [r.trunk for r in service.routes()] == ["fxo1"]


def test_dial_rule_validation_and_apply(db, control):
    service = RoutingService(control)
    errors = errors_of(
        lambda: service.save_rule(
            DialRuleInput(
                prefix="9x", trunk_group="none", strip=17, prepend="1+2", permission="any", min_length=0
            )
        )
    )
    assert errors == {
        "prefix": "routing.prefix",
        "trunk_group": "routing.trunk_group",
        "strip": "routing.strip",
        "prepend": "routing.prepend",
        "permission": "routing.permission",
        "min_length": "routing.min_length",
    }
    service.save_group(TrunkGroupInput("pstn", "fxo", "fxo1"))
    rule = service.save_rule(
        DialRuleInput(prefix="0", trunk_group="pstn", strip="1", prepend="+86", min_length=5)
    )
    assert DialRule.get_by_id(rule.id).apply("01085551234") == "+861085551234"
    service.save_rule(DialRuleInput(prefix="00", trunk_group="pstn", permission="international"), rule.id)
    assert service.rule(rule.id).permission == "international"
    service.delete_rule(rule.id)
    with pytest.raises(NotFound):
        service.rule(rule.id)


def test_a_core_that_is_down_does_not_undo_the_change(db):
    service = RoutingService(Control(fail=True))
    service.save_port("fxs3", PortInput(number="203"))
    assert service.reload_failed
    assert PortSetting.get_by_id("fxs3").number == "203"


def test_a_failed_validation_saves_nothing(db, control):
    service = RoutingService(control)
    errors_of(lambda: service.save_group(TrunkGroupInput("g", "fxo", "")))
    assert TrunkGroup.select().count() == 0 and control.reloads == []


# --- renumbering what inbound routes use, numbers shared by extensions and FXS ports -------------


def test_renumbering_an_extension_a_route_uses_is_refused_and_changes_nothing(db, control):
    service = RoutingService(control)
    service.save_route(InboundRouteInput("e1", "8001", "1001"))
    extensions = ExtensionService(control)
    ha1 = Extension.get().ha1
    with pytest.raises(InUse) as info:
        extensions.update("1001", ExtensionInput("1005", "Alice", "N3wSecret99"))
    assert str(info.value) == "extension 1001 is used by inbound route 'e1 DID 8001'"
    assert info.value.render("zh-CN") == "分机 1001 正被 呼入路由“e1 DID 8001” 使用"
    assert [(e.number, e.ha1) for e in Extension.select()] == [("1001", ha1)]
    assert control.reloads == ["lines"]  # the route only; the refusal reloads nothing
    extensions.update("1001", ExtensionInput("1001", "Alicia"))  # keeping the number is no renumbering
    assert Extension.get().name == "Alicia"
    service.delete_route(service.routes()[0].id)
    extensions.update("1001", ExtensionInput("1005", "Alicia", "N3wSecret99"))
    assert [e.number for e in Extension.select()] == ["1005"]


def test_an_fxs_port_giving_up_a_number_a_route_uses_is_refused_and_changes_nothing(db, control):
    service = RoutingService(control)
    service.save_port("fxs1", PortInput(number="201", label="Lobby"))
    service.save_route(InboundRouteInput("fxo1", "", "201"))
    service.save_route(InboundRouteInput("e1", "8201", "201"))
    for number in ("202", ""):  # changed or cleared
        with pytest.raises(InUse) as info:
            service.save_port("fxs1", PortInput(number=number, label="Moved"))
        assert str(info.value) == "number 201 is used by inbound route 'fxo1' and inbound route 'e1 DID 8201'"
        assert info.value.render("zh-CN") == "号码 201 正被 呼入路由“fxo1”和呼入路由“e1 DID 8201” 使用"
    row = PortSetting.get_by_id("fxs1")
    assert (row.number, row.label) == ("201", "Lobby")
    assert control.reloads == ["lines"] * 3
    service.save_port("fxs1", PortInput(number="201", label="Front"))  # the number stays: no question
    assert PortSetting.get_by_id("fxs1").label == "Front"
    # A SIP extension with the number (from before numbers were checked) takes the routes' calls first.
    Extension.create(number="201", ha1="x", ha1b="y")
    service.save_port("fxs1", PortInput(number=""))
    assert PortSetting.get_by_id("fxs1").number is None


def test_an_extension_may_not_take_an_fxs_ports_number(db, control):
    RoutingService(control).save_port("fxs1", PortInput(number="201"))
    extensions = ExtensionService(control)
    assert errors_of(lambda: extensions.create(ExtensionInput("201", "Lobby", "Passw0rd99"))) == {
        "number": "extension.number.port"
    }
    assert errors_of(lambda: extensions.update("1001", ExtensionInput("201", "Alice", "Passw0rd99"))) == {
        "number": "extension.number.port"
    }
    assert [e.number for e in Extension.select()] == ["1001"]
    # A clash left from before numbers were checked does not block editing the rest of the extension.
    PortSetting.create(port="fxs2", number="1001")
    extensions.update("1001", ExtensionInput("1001", "Alicia"))
    assert Extension.get().name == "Alicia"
    assert control.reloads == ["lines", "extensions"]


def test_save_port_cid_standard_is_validated_and_stored_for_fxs_only(db, control):
    service = RoutingService(control)
    assert PortSetting.get_or_none(PortSetting.port == "fxs1") is None
    assert errors_of(lambda: service.save_port("fxs1", PortInput(cid_standard="bell203"))) == {
        "cid_standard": "routing.cid_standard"
    }
    service.save_port("fxs1", PortInput(cid_standard="etsi-v23"))
    assert PortSetting.get_by_id("fxs1").cid_standard == "etsi-v23"
    service.save_port("fxs1", PortInput(cid_standard=""))  # back to the country's standard
    assert PortSetting.get_by_id("fxs1").cid_standard == ""
    service.save_port("fxo1", PortInput(cid_standard="bogus"))
    assert PortSetting.get_by_id("fxo1").cid_standard == ""


def test_the_cid_standard_message_names_every_standard_in_both_languages():
    from hal.country import CALLER_ID_STANDARDS

    for text in CATALOG["routing.cid_standard"].values():
        assert all(name in text for name in CALLER_ID_STANDARDS), text

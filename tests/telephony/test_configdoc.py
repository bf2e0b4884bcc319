"""The configuration document as a library: export, import, validation errors, all-or-nothing."""

from __future__ import annotations

import pytest
import yaml

from telephony.configdoc import ConfigDocError, ConfigDocService, parse_document, schema
from telephony.configdoc.service import HANDLERS
from telephony.control.client import ControlClient
from telephony.extensions.service import ExtensionInput, ExtensionService
from telephony.models import (
    DialRule,
    Extension,
    InboundRoute,
    PortSetting,
    Setting,
    TrunkGroup,
    open_database,
    sip_ha1,
)
from telephony.routing.service import (
    DialRuleInput,
    InboundRouteInput,
    PortInput,
    RoutingService,
    TrunkGroupInput,
)
from tests.support.box import free_port

HA1 = "0123456789abcdef0123456789abcdef"
HA1B = "fedcba9876543210fedcba9876543210"
DIGITS_HA1 = "12345678901234567890123456789012"  # would load as an int unless export quotes it


@pytest.fixture
def doc_db(tmp_path):
    """A fresh box database in a temp dir, with the models bound to it."""
    db = open_database(tmp_path / "db" / "pbx.sqlite3")
    yield db
    db.close()


def snapshot(db) -> list[str]:
    """Return every row of every table as SQL text, to compare the whole database."""
    return list(db.connection().iterdump())


def seed(db) -> None:
    service = ExtensionService()
    service.create(ExtensionInput("1001", "Alice", "Passw0rd99"))
    service.create(ExtensionInput("1002", "张三", "Passw0rd88", enabled=False))
    Extension.create(number="1003", name="Digits: hash", ha1=DIGITS_HA1, ha1b=DIGITS_HA1)
    Setting.set_value("no_answer_timeout", "45")
    Setting.set_value("sip_realm", "pbx")


def doc(*extensions: str, settings: str = "") -> str:
    lines = ["version: 1"]
    if settings:
        lines.append(f"settings: {settings}")
    if extensions:
        lines.append("extensions:")
        lines.extend(f"  - {e}" for e in extensions)
    return "\n".join(lines) + "\n"


def test_export_of_an_empty_box_has_version_default_settings_and_no_extensions(doc_db):
    data = ConfigDocService().export_document()
    assert data == {
        "version": 1,
        "settings": {"sip_realm": "pbx", "no_answer_timeout": 30},
        "extensions": [],
        "ports": [],
        "trunk_groups": [],
        "inbound_routes": [],
        "dial_rules": [],
    }


def test_export_carries_hashes_never_secrets(doc_db):
    seed(doc_db)
    text = ConfigDocService().export_text()
    assert "Passw0rd99" not in text and "secret" not in text.split("version: 1")[1]
    first = yaml.safe_load(text)["extensions"][0]
    assert first == {
        "number": "1001",
        "name": "Alice",
        "enabled": True,
        "ha1": sip_ha1("1001", "pbx", "Passw0rd99"),
        "ha1b": sip_ha1("1001@pbx", "pbx", "Passw0rd99"),
        "permission": "national",
    }


def test_export_import_export_round_trips_exactly_and_changes_nothing(doc_db):
    seed(doc_db)
    service = ConfigDocService()
    text = service.export_text()
    before = snapshot(doc_db)
    result = service.import_text(text)
    assert service.export_text() == text
    assert snapshot(doc_db) == before
    assert result.counts["extensions"].unchanged == 3
    assert result.counts["settings"].updated == 0


def test_export_imported_into_a_fresh_box_reproduces_the_same_document(doc_db, tmp_path):
    seed(doc_db)
    text = ConfigDocService().export_text()
    doc_db.close()
    other = open_database(tmp_path / "other" / "pbx.sqlite3")
    try:
        result = ConfigDocService().import_text(text)
        assert result.counts["extensions"].created == 3
        assert ConfigDocService().export_text() == text
    finally:
        other.close()


def test_import_deletes_extensions_missing_from_the_document_and_keeps_listed_ones(doc_db):
    seed(doc_db)
    result = ConfigDocService().import_text(doc(f'{{number: "1001", name: Alice, ha1: {HA1}, ha1b: {HA1B}}}'))
    assert [e.number for e in Extension.select()] == ["1001"]
    assert result.counts["extensions"].deleted == 2
    assert result.counts["extensions"].updated == 1
    assert Extension.get(Extension.number == "1001").ha1 == HA1


def test_import_hashes_a_secret_with_the_realm_imported_in_the_same_document(doc_db):
    ConfigDocService().import_text(
        doc('{number: "1005", secret: Passw0rd77}', settings="{sip_realm: corp.example}")
    )
    ext = Extension.get(Extension.number == "1005")
    assert ext.ha1 == sip_ha1("1005", "corp.example", "Passw0rd77")
    assert ext.ha1b == sip_ha1("1005@corp.example", "corp.example", "Passw0rd77")
    assert ext.enabled and ext.name == ""


def test_import_leaves_sections_missing_from_the_document_alone(doc_db):
    seed(doc_db)
    ConfigDocService().import_text(doc(settings="{no_answer_timeout: 20}"))
    assert Extension.select().count() == 3
    assert Setting.get_value("no_answer_timeout") == "20"
    assert Setting.get_value("sip_realm") == "pbx"  # left out of settings: back to its default


def test_import_of_an_empty_extension_list_deletes_every_extension(doc_db):
    seed(doc_db)
    ConfigDocService().import_text("version: 1\nextensions: []\n")
    assert Extension.select().count() == 0


def test_import_whose_third_extension_is_bad_leaves_the_database_exactly_as_before(doc_db):
    seed(doc_db)
    before = snapshot(doc_db)
    text = doc(
        '{number: "2001", secret: Passw0rd11}',
        '{number: "2002", secret: Passw0rd22}',
        '{number: "0203", secret: Passw0rd33}',
        settings="{sip_realm: other, no_answer_timeout: 10}",
    )
    with pytest.raises(ConfigDocError) as info:
        ConfigDocService().import_text(text, source="box.yaml")
    assert info.value.key == "extensions[2].number"
    assert str(info.value) == "box.yaml: extensions[2].number: must be 2 to 8 digits, not starting with 0"
    assert snapshot(doc_db) == before


def test_import_failing_while_writing_rolls_back_everything(doc_db, monkeypatch):
    seed(doc_db)
    before = snapshot(doc_db)
    saves = []
    real_save = Extension.save

    def failing_save(self, *args, **kwargs):
        saves.append(self.number)
        if len(saves) == 2:
            raise OSError("disk full")
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(Extension, "save", failing_save)
    text = doc(
        '{number: "2001", secret: Passw0rd11}',
        '{number: "2002", secret: Passw0rd22}',
        settings="{sip_realm: other}",
    )
    with pytest.raises(OSError):
        ConfigDocService().import_text(text)
    assert saves == ["2001", "2002"]
    assert snapshot(doc_db) == before


def test_import_dry_run_counts_changes_but_saves_nothing(doc_db):
    seed(doc_db)
    before = snapshot(doc_db)
    result = ConfigDocService().import_text(doc('{number: "2001", secret: Passw0rd11}'), dry_run=True)
    assert result.counts["extensions"].created == 1 and result.counts["extensions"].deleted == 3
    assert snapshot(doc_db) == before


def test_changing_the_realm_while_keeping_hashes_gives_a_notice(doc_db):
    seed(doc_db)
    result = ConfigDocService().import_text(doc(settings="{sip_realm: newrealm}"))
    assert [n.message for n in result.notices] == ["config.restart_needed", "config.realm_changed"]
    fresh = ConfigDocService().import_text(
        doc('{number: "2001", secret: Passw0rd11}', settings="{sip_realm: third}")
    )
    assert [n.message for n in fresh.notices] == ["config.restart_needed"]
    same = ConfigDocService().import_text(doc(settings="{sip_realm: third}"))
    assert same.notices == []


def test_import_asks_the_core_to_reload_and_survives_a_core_that_is_down(doc_db):
    control = ControlClient(f"http://127.0.0.1:{free_port()}", timeout=2)
    result = ConfigDocService(control).import_text(doc('{number: "2001", secret: Passw0rd11}'))
    assert "unreachable" in result.reload_error
    assert Extension.get(Extension.number == "2001")


@pytest.mark.parametrize(
    ("text", "key", "message"),
    [
        ("version: 1\nqueues: []\n", "queues", "config.unknown_key"),
        ("settings: {}\n", "version", "required"),
        ("version: 2\n", "version", "config.version"),
        ("version: true\n", "version", "config.version"),
        ("version: '1'\n", "version", "config.version"),
        ("version: 1\nsettings: []\n", "settings", "config.type.mapping"),
        ("version: 1\nsettings: {colour: red}\n", "settings.colour", "config.unknown_key"),
        ("version: 1\nsettings: {no_answer_timeout: 601}\n", "settings.no_answer_timeout", "config.range"),
        (
            "version: 1\nsettings: {no_answer_timeout: '30'}\n",
            "settings.no_answer_timeout",
            "config.type.integer",
        ),
        ("version: 1\nsettings: {sip_realm: 'a b'}\n", "settings.sip_realm", "config.realm.format"),
        ("version: 1\nsettings: {sip_realm: pbx-}\n", "settings.sip_realm", "config.realm.format"),
        ("version: 1\nextensions: {}\n", "extensions", "config.type.list"),
        ("version: 1\nextensions:\n", "extensions", "config.type.list"),
        (doc("just-text"), "extensions[0]", "config.type.mapping"),
        (doc("{name: x, secret: Passw0rd11}"), "extensions[0].number", "required"),
        (doc("{number: 1001, secret: Passw0rd11}"), "extensions[0].number", "config.type.string"),
        (doc('{number: "1001", secret: Passw0rd11, pin: 1}'), "extensions[0].pin", "config.unknown_key"),
        (
            doc('{number: "1001", secret: Passw0rd11, enabled: "no"}'),
            "extensions[0].enabled",
            "config.type.boolean",
        ),
        (doc('{number: "1001", secret: weak}'), "extensions[0].secret", "extension.secret.weak"),
        (doc('{number: "1001", secret: Passw0rd1001}'), "extensions[0].secret", "extension.secret.weak"),
        (doc('{number: "1001"}'), "extensions[0].secret", "config.extension.credentials"),
        (doc('{number: "1001", secret: ""}'), "extensions[0].secret", "required"),
        (doc(f'{{number: "1001", ha1: {HA1}}}'), "extensions[0].ha1b", "config.extension.credentials"),
        (doc(f'{{number: "1001", ha1: {HA1.upper()}, ha1b: {HA1B}}}'), "extensions[0].ha1", "config.hex32"),
        (doc(f'{{number: "1001", ha1: {HA1}, ha1b: "abc"}}'), "extensions[0].ha1b", "config.hex32"),
        (
            doc(f'{{number: "1001", secret: Passw0rd11, ha1: {HA1}, ha1b: {HA1B}}}'),
            "extensions[0].secret",
            "config.extension.secret_and_hash",
        ),
        (
            doc(
                '{number: "1001", secret: Passw0rd11}',
                '{number: "1002", secret: Passw0rd22}',
                '{number: "1001"}',
            ),
            "extensions[2].number",
            "config.duplicate",
        ),
    ],
)
def test_import_error_names_the_key_path_and_reason(doc_db, text, key, message):
    with pytest.raises(ConfigDocError) as info:
        ConfigDocService().import_text(text)
    assert info.value.key == key
    assert info.value.message == message
    assert Extension.select().count() == 0


def test_name_rule_comes_from_the_extension_service(doc_db):
    with pytest.raises(ConfigDocError) as info:
        ConfigDocService().import_text(doc('{number: "1001", name: "' + "x" * 65 + '", secret: Passw0rd11}'))
    assert info.value.message == "extension.name.format"


def test_malformed_yaml_error_names_line_and_column():
    with pytest.raises(ConfigDocError) as info:
        parse_document("version: 1\nextensions:\n  - number: '1001'\n   name: x\n", source="f.yaml")
    assert info.value.message == "config.yaml.at"
    assert (info.value.params["line"], info.value.params["column"]) == (4, 4)
    assert str(info.value).startswith("f.yaml: YAML error at line 4, column 4: ")


def test_yaml_bomb_is_refused_before_it_expands():
    bomb = 'version: 1\na: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for i, prev in zip("bcdefghi", "abcdefgh", strict=True):
        bomb += f"{i}: &{i} [{', '.join(['*' + prev] * 9)}]\n"
    with pytest.raises(ConfigDocError) as info:
        parse_document(bomb)
    assert "aliases" in str(info.value)


def test_deeply_nested_document_is_refused():
    with pytest.raises(ConfigDocError) as info:
        parse_document("version: 1\nsettings: " + "[" * 5000 + "]" * 5000 + "\n")
    assert "nested deeper" in str(info.value)


def test_document_too_big_is_refused(doc_db):
    with pytest.raises(ConfigDocError) as info:
        ConfigDocService().import_bytes(b"#" * (schema.MAX_DOCUMENT_BYTES + 1))
    assert info.value.message == "config.too_big"


def test_duplicate_mapping_key_is_refused():
    with pytest.raises(ConfigDocError) as info:
        parse_document("version: 1\nsettings: {sip_realm: a, sip_realm: b}\n")
    assert "duplicate key 'sip_realm'" in str(info.value)


def test_python_tags_are_refused():
    with pytest.raises(ConfigDocError) as info:
        parse_document("version: 1\nsettings: !!python/object/apply:os.system [echo hi]\n")
    assert info.value.message == "config.yaml.at"


@pytest.mark.parametrize("text", ["", "[]", "42", "just text", "- version: 1\n", "~\n"])
def test_a_root_that_is_not_a_mapping_is_refused(text):
    with pytest.raises(ConfigDocError) as info:
        parse_document(text)
    assert info.value.message == "config.root" and info.value.key == ""


def test_bytes_that_are_not_utf8_are_refused(doc_db):
    with pytest.raises(ConfigDocError) as info:
        ConfigDocService().import_bytes(b"version: 1\n\xff\n")
    assert info.value.message == "config.encoding"


def test_utf8_bom_is_accepted(doc_db):
    ConfigDocService().import_bytes("\ufeffversion: 1\nextensions: []\n".encode())


def test_error_renders_in_chinese():
    with pytest.raises(ConfigDocError) as info:
        parse_document(doc("{number: 1001}"), source="a.yaml")
    assert (
        info.value.render("zh-CN")
        == 'a.yaml: extensions[0].number: 必须是字符串，实际为 1001；请加引号，例如 "1001"'
    )


def test_config_doc_error_is_a_config_error_and_value_error():
    from telephony.errors import ConfigError

    err = ConfigDocError("settings.x", "config.unknown_key")
    assert isinstance(err, ConfigError) and isinstance(err, ValueError)
    assert (err.key, err.reason) == ("settings.x", "unknown key")


def test_every_schema_section_has_an_export_and_an_apply_function():
    assert [s.name for s in schema.SECTIONS] == list(HANDLERS)
    assert "extensions missing from the list are deleted" in schema.describe()


# --- line tables: ports, trunk groups, inbound routes, dial rules, extension permission ------------


def seed_lines(db) -> None:
    """Extensions 1001-1003, FXS numbers 201/202, two groups, three routes, three rules."""
    seed(db)
    Extension.update(permission="international").where(Extension.number == "1001").execute()
    routing = RoutingService()
    routing.save_port(
        "fxs1", PortInput(number="201", label="Lobby", caller_id_name="Desk", permission="local")
    )
    routing.save_port("fxs2", PortInput(number="202", enabled=False))
    routing.save_port("fxo1", PortInput(label="PSTN 1"))
    routing.save_group(TrunkGroupInput("pstn", "fxo", "fxo1,fxo2", "round-robin"))
    routing.save_group(TrunkGroupInput("carrier", "e1", "e1"))
    routing.save_route(InboundRouteInput("e1", "8001", "1001", 10))
    routing.save_route(InboundRouteInput("fxo1", "", "201"))
    routing.save_route(InboundRouteInput("*", "8002", "202", 300))
    routing.save_rule(DialRuleInput(prefix="0", trunk_group="pstn", name="local", strip=1, min_length=3))
    routing.save_rule(
        DialRuleInput(prefix="00", trunk_group="carrier", name="intl", permission="international", priority=5)
    )
    routing.save_rule(DialRuleInput(prefix="9", trunk_group="carrier", prepend="+86", permission="national"))


def lines_doc(**sections: str) -> str:
    """A document with `version: 1` and the given sections as YAML flow text."""
    return "version: 1\n" + "".join(f"{name}: {text}\n" for name, text in sections.items())


def test_export_writes_every_line_table_in_routing_order(doc_db):
    seed_lines(doc_db)
    data = ConfigDocService().export_document()
    assert [e["permission"] for e in data["extensions"]] == ["international", "national", "national"]
    assert data["ports"] == [
        {
            "port": "fxs1",
            "enabled": True,
            "label": "Lobby",
            "number": "201",
            "caller_id_name": "Desk",
            "permission": "local",
        },
        {
            "port": "fxs2",
            "enabled": False,
            "label": "",
            "number": "202",
            "caller_id_name": "",
            "permission": "national",
        },
        {"port": "fxo1", "enabled": True, "label": "PSTN 1"},
    ]
    assert data["trunk_groups"] == [
        {"name": "carrier", "kind": "e1", "members": ["e1"], "hunt": "linear"},
        {"name": "pstn", "kind": "fxo", "members": ["fxo1", "fxo2"], "hunt": "round-robin"},
    ]
    assert data["inbound_routes"] == [
        {"trunk": "e1", "did": "8001", "destination": "1001", "priority": 10},
        {"trunk": "fxo1", "did": "", "destination": "201", "priority": 100},
        {"trunk": "*", "did": "8002", "destination": "202", "priority": 300},
    ]
    assert data["dial_rules"] == [
        {
            "name": "intl",
            "prefix": "00",
            "min_length": 1,
            "strip": 0,
            "prepend": "",
            "trunk_group": "carrier",
            "permission": "international",
            "priority": 5,
        },
        {
            "name": "local",
            "prefix": "0",
            "min_length": 3,
            "strip": 1,
            "prepend": "",
            "trunk_group": "pstn",
            "permission": "local",
            "priority": 100,
        },
        {
            "name": "",
            "prefix": "9",
            "min_length": 1,
            "strip": 0,
            "prepend": "+86",
            "trunk_group": "carrier",
            "permission": "national",
            "priority": 100,
        },
    ]


def test_line_tables_round_trip_exactly_and_a_reimport_changes_nothing(doc_db):
    seed_lines(doc_db)
    service = ConfigDocService()
    text = service.export_text()
    before = snapshot(doc_db)
    result = service.import_text(text)
    assert service.export_text() == text
    assert snapshot(doc_db) == before
    unchanged = {name: (c.created, c.updated, c.deleted, c.unchanged) for name, c in result.counts.items()}
    assert unchanged == {
        "settings": (0, 0, 0, 2),
        "extensions": (0, 0, 0, 3),
        "ports": (0, 0, 0, 3),
        "trunk_groups": (0, 0, 0, 2),
        "inbound_routes": (0, 0, 0, 3),
        "dial_rules": (0, 0, 0, 3),
    }


def test_line_tables_imported_into_a_fresh_box_reproduce_the_same_document(doc_db, tmp_path):
    seed_lines(doc_db)
    text = ConfigDocService().export_text()
    doc_db.close()
    other = open_database(tmp_path / "other" / "pbx.sqlite3")
    try:
        result = ConfigDocService().import_text(text)
        assert [
            result.counts[s].created for s in ("ports", "trunk_groups", "inbound_routes", "dial_rules")
        ] == [
            3,
            2,
            3,
            3,
        ]
        assert ConfigDocService().export_text() == text
        assert Extension.get(Extension.number == "1001").permission == "international"
        assert PortSetting.get_by_id("fxs1").permission == "local"
    finally:
        other.close()


def test_import_replaces_each_line_section_it_contains(doc_db):
    seed_lines(doc_db)
    result = ConfigDocService().import_text(
        lines_doc(
            ports='[{port: fxs1, number: "201", label: Front}]',
            trunk_groups="[{name: carrier, kind: e1, members: [e1]}, {name: pstn, kind: fxo, members: [fxo2]}]",
            inbound_routes='[{trunk: e1, did: "8001", destination: "201", priority: 10}]',
            dial_rules='[{prefix: "0", trunk_group: pstn}]',
        )
    )
    fxs1 = PortSetting.get_by_id("fxs1")
    assert [p.port for p in PortSetting.select()] == ["fxs1"]  # fxs2 and fxo1 back to defaults
    assert (fxs1.number, fxs1.label, fxs1.caller_id_name, fxs1.permission) == ("201", "Front", "", "national")
    assert [(g.name, g.members, g.hunt) for g in TrunkGroup.select().order_by(TrunkGroup.name)] == [
        ("carrier", "e1", "linear"),
        ("pstn", "fxo2", "linear"),
    ]
    assert [(r.trunk, r.did, r.destination) for r in InboundRoute.select()] == [("e1", "8001", "201")]
    assert [(r.prefix, r.trunk_group.name, r.permission) for r in DialRule.select()] == [
        ("0", "pstn", "local")
    ]
    counts = {name: (c.created, c.updated, c.deleted, c.unchanged) for name, c in result.counts.items()}
    assert counts == {
        "ports": (0, 1, 2, 0),
        "trunk_groups": (0, 1, 0, 1),
        "inbound_routes": (0, 1, 2, 0),
        "dial_rules": (1, 0, 3, 0),
    }
    assert Extension.select().count() == 3  # the extensions section was left out


def test_import_leaves_line_sections_missing_from_the_document_alone(doc_db):
    seed_lines(doc_db)
    export = ConfigDocService().export_document()
    ConfigDocService().import_text(lines_doc(dial_rules="[]"))
    after = ConfigDocService().export_document()
    assert after["dial_rules"] == []
    for name in ("extensions", "ports", "trunk_groups", "inbound_routes"):
        assert after[name] == export[name], name


def test_a_route_may_go_to_numbers_and_a_rule_to_groups_added_in_the_same_document(doc_db):
    ConfigDocService().import_text(
        lines_doc(
            extensions='[{number: "1001", secret: Passw0rd11, permission: local}]',
            ports='[{port: fxs3, number: "203"}]',
            trunk_groups="[{name: span, kind: e1, members: [e1]}]",
            inbound_routes='[{trunk: e1, did: "1", destination: "1001"}, {trunk: e1, did: "2", destination: "203"}]',
            dial_rules='[{prefix: "0", trunk_group: span, permission: national}]',
        )
    )
    assert [r.destination for r in InboundRoute.select().order_by(InboundRoute.did)] == ["1001", "203"]
    assert DialRule.get().trunk_group.name == "span"
    assert Extension.get().permission == "local"


def test_numbers_can_move_between_ports_in_one_document(doc_db):
    seed_lines(doc_db)
    ConfigDocService().import_text(
        lines_doc(
            ports='[{port: fxs1, number: "202"}, {port: fxs2, number: "201"}, {port: fxs3, number: "203"}]'
        )
    )
    assert [(p.port, p.number) for p in PortSetting.select().order_by(PortSetting.port)] == [
        ("fxs1", "202"),
        ("fxs2", "201"),
        ("fxs3", "203"),
    ]


def test_rules_of_equal_priority_are_tried_in_document_order(doc_db):
    seed_lines(doc_db)
    ConfigDocService().import_text(
        lines_doc(
            dial_rules='[{prefix: "9", trunk_group: carrier, name: b}, {prefix: "0", trunk_group: pstn, name: a}]'
        )
    )
    assert [r.name for r in RoutingService().rules()] == ["b", "a"]
    assert [r["name"] for r in ConfigDocService().export_document()["dial_rules"]] == ["b", "a"]


def test_deleting_a_group_and_its_rules_in_one_document_counts_the_rules_deleted(doc_db):
    seed_lines(doc_db)
    result = ConfigDocService().import_text(
        lines_doc(
            trunk_groups="[{name: pstn, kind: fxo, members: [fxo1]}]",
            dial_rules='[{prefix: "0", trunk_group: pstn}]',
        )
    )
    rules = result.counts["dial_rules"]
    assert (rules.created, rules.deleted, rules.unchanged) == (1, 3, 0)
    assert [g.name for g in TrunkGroup.select()] == ["pstn"]


LINE_ERRORS = [
    # type errors found by the schema
    (lines_doc(ports="{}"), "ports", "config.type.list"),
    (lines_doc(ports="[{label: x}]"), "ports[0].port", "required"),
    (lines_doc(ports="[{port: fxs1, number: 201}]"), "ports[0].number", "config.type.string"),
    (
        lines_doc(trunk_groups="[{name: g, kind: fxo, members: fxo1}]"),
        "trunk_groups[0].members",
        "config.type.string_list",
    ),
    (
        lines_doc(inbound_routes='[{trunk: e1, did: "1", destination: "1001", priority: "1"}]'),
        "inbound_routes[0].priority",
        "config.type.integer",
    ),
    (
        lines_doc(dial_rules='[{prefix: "0", trunk_group: pstn, colour: red}]'),
        "dial_rules[0].colour",
        "config.unknown_key",
    ),
    (
        lines_doc(inbound_routes='[{trunk: e1, destination: "1001"}, {trunk: e1, destination: "201"}]'),
        "inbound_routes[1].did",
        "config.duplicate",
    ),
    (
        lines_doc(trunk_groups="[{name: g, kind: e1, members: [e1]}, {name: g, kind: e1, members: [e1]}]"),
        "trunk_groups[1].name",
        "config.duplicate",
    ),
    # rules of the routing and extension services, at the item's path
    (
        lines_doc(extensions='[{number: "1001", secret: Passw0rd11, permission: galactic}]'),
        "extensions[0].permission",
        "routing.permission",
    ),
    (lines_doc(ports="[{port: fxs99x}]"), "ports[0].port", "routing.port.not_found"),
    (lines_doc(ports='[{port: fxo1, number: "301"}]'), "ports[0].number", "config.port.fxs_only"),
    (lines_doc(ports="[{port: e1, permission: local}]"), "ports[0].permission", "config.port.fxs_only"),
    (lines_doc(ports='[{port: fxs1, number: "01"}]'), "ports[0].number", "extension.number.format"),
    (lines_doc(ports='[{port: fxs1, number: "1002"}]'), "ports[0].number", "routing.number.extension"),
    (
        lines_doc(ports='[{port: fxs1, number: "301"}, {port: fxs2, number: "301"}]'),
        "ports[1].number",
        "routing.number.port",
    ),
    (lines_doc(ports="[{port: fxs1, permission: galactic}]"), "ports[0].permission", "routing.permission"),
    (
        lines_doc(ports="[{port: fxs1, cid_standard: bell203}]"),
        "ports[0].cid_standard",
        "routing.cid_standard",
    ),
    (lines_doc(ports="[{port: fxo1, cid_standard: dtmf}]"), "ports[0].cid_standard", "config.port.fxs_only"),
    # an extension may not share an FXS port's number, whichever section keeps the port
    (
        lines_doc(
            extensions=f'[{{number: "1001", ha1: {HA1}, ha1b: {HA1B}}}, {{number: "1002", ha1: {HA1}, ha1b: {HA1B}}},'
            f' {{number: "1003", ha1: {HA1}, ha1b: {HA1B}}}, {{number: "202", secret: Passw0rd11}}]'
        ),
        "extensions[3].number",
        "extension.number.port",
    ),
    (
        lines_doc(
            extensions=f'[{{number: "1001", ha1: {HA1}, ha1b: {HA1B}}}, {{number: "1002", ha1: {HA1}, ha1b: {HA1B}}},'
            f' {{number: "1003", ha1: {HA1}, ha1b: {HA1B}}}, {{number: "202", secret: Passw0rd11}}]',
            ports='[{port: fxs1, number: "201"}, {port: fxs2, number: "202"}]',
        ),
        "ports[1].number",
        "routing.number.extension",
    ),
    (
        lines_doc(trunk_groups="[{name: g, kind: fxo, members: [fxo1, fxs2]}]", dial_rules="[]"),
        "trunk_groups[0].members",
        "routing.members.fxo",
    ),
    (
        lines_doc(trunk_groups="[{name: bad name, kind: e1, members: [e1]}]", dial_rules="[]"),
        "trunk_groups[0].name",
        "routing.name.format",
    ),
    (
        lines_doc(trunk_groups="[{name: g, kind: t1}]", dial_rules="[]"),
        "trunk_groups[0].kind",
        "routing.kind",
    ),
    (
        lines_doc(
            inbound_routes='[{trunk: e1, did: "1", destination: "1001"}, {trunk: e1, did: "2", destination: "1001"},'
            ' {trunk: e1, did: "3", destination: "999"}]'
        ),
        "inbound_routes[2].destination",
        "routing.destination",
    ),
    (
        lines_doc(inbound_routes='[{trunk: fxs1, destination: "1001"}]'),
        "inbound_routes[0].trunk",
        "routing.trunk",
    ),
    (
        lines_doc(inbound_routes='[{trunk: e1, did: "12a", destination: "1001"}]'),
        "inbound_routes[0].did",
        "routing.digits",
    ),
    (
        lines_doc(inbound_routes='[{trunk: e1, destination: "1001", priority: 10000}]'),
        "inbound_routes[0].priority",
        "routing.priority",
    ),
    (
        lines_doc(dial_rules='[{prefix: "0", trunk_group: nowhere}]'),
        "dial_rules[0].trunk_group",
        "routing.trunk_group",
    ),
    (
        lines_doc(dial_rules='[{prefix: "0", trunk_group: pstn, strip: 17}]'),
        "dial_rules[0].strip",
        "routing.strip",
    ),
    (lines_doc(dial_rules='[{prefix: "0x", trunk_group: pstn}]'), "dial_rules[0].prefix", "routing.prefix"),
    # a destination or group that the document removes and does not give back
    (
        lines_doc(extensions="[]", inbound_routes='[{trunk: e1, did: "8001", destination: "1001"}]'),
        "inbound_routes[0].destination",
        "routing.destination",
    ),
    (
        lines_doc(
            trunk_groups="[{name: carrier, kind: e1, members: [e1]}]",
            dial_rules='[{prefix: "0", trunk_group: pstn}]',
        ),
        "dial_rules[0].trunk_group",
        "routing.trunk_group",
    ),
    # removing what a kept section (left out of the document) uses
    (
        lines_doc(extensions='[{number: "1003", ha1: ' + HA1 + ", ha1b: " + HA1B + "}]"),
        "extensions",
        "config.ref.kept",
    ),
    (
        lines_doc(ports='[{port: fxs1, number: "201"}, {port: fxs2, number: "299"}]'),
        "ports[1].number",
        "config.ref.kept",
    ),
    (lines_doc(ports='[{port: fxs1, number: "201"}]'), "ports", "config.ref.kept"),
    (lines_doc(trunk_groups="[{name: carrier, kind: e1, members: [e1]}]"), "trunk_groups", "config.ref.kept"),
]


@pytest.mark.parametrize(("text", "key", "message"), LINE_ERRORS)
def test_line_import_error_names_the_key_path_and_changes_nothing(doc_db, text, key, message):
    seed_lines(doc_db)
    before = snapshot(doc_db)
    with pytest.raises(ConfigDocError) as info:
        ConfigDocService().import_text(text)
    assert (info.value.key, info.value.message) == (key, message)
    assert snapshot(doc_db) == before


def test_removing_what_kept_rows_use_says_which_rows_in_both_languages(doc_db):
    seed_lines(doc_db)
    with pytest.raises(ConfigDocError) as info:
        ConfigDocService().import_text(lines_doc(extensions="[]"), source="box.yaml")
    assert str(info.value) == (
        "box.yaml: extensions: extension 1001 is left out but still used by inbound route 'e1 DID 8001' "
        "(kept: the document has no inbound_routes)"
    )
    assert info.value.render("zh-CN") == (
        "box.yaml: extensions: 分机 1001 未列出，但仍被 呼入路由“e1 DID 8001” 使用（文档中没有 inbound_routes，因此保留）"
    )
    with pytest.raises(ConfigDocError) as info:
        ConfigDocService().import_text(lines_doc(trunk_groups="[]"))
    assert str(info.value) == (
        "trunk_groups: trunk group carrier is left out but still used by dial rule 'intl' and dial rule '9' "
        "(kept: the document has no dial_rules)"
    )


def test_a_number_removed_but_given_back_in_the_same_document_keeps_its_routes(doc_db):
    seed_lines(doc_db)
    # 201 moves from the port fxs1 to a SIP extension; the kept route to 201 still has somewhere to go.
    ConfigDocService().import_text(
        lines_doc(
            extensions=f'[{{number: "1001", ha1: {HA1}, ha1b: {HA1B}}}, {{number: "1002", ha1: {HA1}, ha1b: {HA1B}}},'
            f' {{number: "1003", ha1: {HA1}, ha1b: {HA1B}}}, {{number: "201", secret: Passw0rd11}}]',
            ports='[{port: fxs2, number: "202"}]',
        )
    )
    assert InboundRoute.get(InboundRoute.trunk == "fxo1").destination == "201"
    assert Extension.get(Extension.number == "201")
    assert PortSetting.get_or_none(PortSetting.port == "fxs1") is None


def test_a_bad_route_after_good_line_sections_leaves_the_database_exactly_as_before(doc_db):
    seed_lines(doc_db)
    before = snapshot(doc_db)
    text = lines_doc(
        settings="{no_answer_timeout: 10}",
        extensions=f'[{{number: "1001", ha1: {HA1}, ha1b: {HA1B}}}, {{number: "2001", secret: Passw0rd11}}]',
        ports='[{port: fxs1, number: "301"}]',
        trunk_groups="[{name: pstn, kind: fxo, members: [fxo1]}]",
        inbound_routes='[{trunk: e1, did: "1", destination: "2001"}, {trunk: e1, did: "2", destination: "301"},'
        ' {trunk: e1, did: "3", destination: "201"}]',
        dial_rules='[{prefix: "0", trunk_group: pstn}]',
    )
    with pytest.raises(ConfigDocError) as info:
        ConfigDocService().import_text(text, source="box.yaml")
    assert (
        str(info.value) == "box.yaml: inbound_routes[2].destination: no extension, FXS port or queue has this number"
    )
    assert snapshot(doc_db) == before


def test_line_import_dry_run_counts_but_saves_nothing(doc_db):
    seed_lines(doc_db)
    before = snapshot(doc_db)
    text = lines_doc(ports="[]", inbound_routes="[]", dial_rules="[]")
    result = ConfigDocService().import_text(text, dry_run=True)
    deleted = [result.counts[s].deleted for s in ("ports", "inbound_routes", "dial_rules")]
    assert deleted == [3, 3, 3]
    assert snapshot(doc_db) == before


def test_describe_lists_the_line_sections():
    text = schema.describe()
    for line in (
        "ports: list of mappings",
        "trunk_groups: list of mappings",
        "inbound_routes: list of mappings",
    ):
        assert line in text
    assert "  destination (required): " in text and '  permission (default "national"): ' in text


def test_port_cid_standard_is_exported_only_when_set_and_round_trips(doc_db, tmp_path):
    seed_lines(doc_db)
    RoutingService().save_port("fxs2", PortInput(number="202", enabled=False, cid_standard="yd1277-dtmf"))
    service = ConfigDocService()
    ports = service.export_document()["ports"]
    assert ports[1] == {
        "port": "fxs2",
        "enabled": False,
        "label": "",
        "number": "202",
        "caller_id_name": "",
        "permission": "national",
        "cid_standard": "yd1277-dtmf",
    }
    assert "cid_standard" not in ports[0]  # fxs1 keeps its country's standard
    text = service.export_text()
    before = snapshot(doc_db)
    assert service.import_text(text).counts["ports"].unchanged == 3
    assert snapshot(doc_db) == before
    doc_db.close()
    other = open_database(tmp_path / "other" / "pbx.sqlite3")
    try:
        ConfigDocService().import_text(text)
        assert PortSetting.get_by_id("fxs2").cid_standard == "yd1277-dtmf"
        assert ConfigDocService().export_text() == text
    finally:
        other.close()


def test_import_changes_and_clears_a_port_cid_standard(doc_db):
    seed_lines(doc_db)
    result = ConfigDocService().import_text(
        lines_doc(ports='[{port: fxs1, number: "201", cid_standard: etsi-v23}, {port: fxs2, number: "202"}]')
    )
    assert result.counts["ports"].updated == 2
    assert PortSetting.get_by_id("fxs1").cid_standard == "etsi-v23"
    ConfigDocService().import_text(
        lines_doc(ports='[{port: fxs1, number: "201"}, {port: fxs2, number: "202"}]')
    )
    assert PortSetting.get_by_id("fxs1").cid_standard == ""


def test_describe_lists_the_port_cid_standard():
    assert "  cid_standard (optional): FXS only: caller-ID standard" in schema.describe()

"""The configuration document as a library: export, import, validation errors, all-or-nothing."""

from __future__ import annotations

import pytest
import yaml

from telephony.callcenter.customers import CustomerInput, CustomerService
from telephony.callcenter.service import (
    AgentInput,
    AgentSkillInput,
    CallCenterService,
    PauseCodeInput,
    QueueInput,
    QueueMemberInput,
    SkillInput,
    SkillRequirement,
    queue_config,
)
from telephony.callcenter.settings import QUEUE_SETTINGS
from telephony.callcenter.webhook_settings import WebhookService, load_for_core
from telephony.configdoc import ConfigDocError, ConfigDocService, parse_document, schema
from telephony.configdoc.service import HANDLERS
from telephony.control.client import ControlClient
from telephony.extensions.service import ExtensionInput, ExtensionService
from telephony.models import (
    Agent,
    Customer,
    DialRule,
    Extension,
    InboundRoute,
    PauseCode,
    PortSetting,
    Queue,
    Setting,
    Skill,
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
        "settings": {
            "sip_realm": "pbx",
            "no_answer_timeout": 30,
            "prompt_language": "zh-CN",
            "webhook_url": "",
            "webhook_events": "",
        },
        "extensions": [],
        "ports": [],
        "trunk_groups": [],
        "skills": [],
        "pause_codes": [],
        "agents": [],
        "queues": [],
        "ivr_flows": [],
        "conference_rooms": [],
        "inbound_routes": [],
        "dial_rules": [],
        "customers": [],
        "mailboxes": [],
        "speed_dials": [],
        "ring_groups": [],
        "caller_lists": [],
        "call_features": [],
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
        ("version: 1\ncolours: []\n", "colours", "config.unknown_key"),
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
        "settings": (0, 0, 0, 5),
        "extensions": (0, 0, 0, 3),
        "ports": (0, 0, 0, 3),
        "trunk_groups": (0, 0, 0, 2),
        "skills": (0, 0, 0, 0),
        "pause_codes": (0, 0, 0, 0),
        "agents": (0, 0, 0, 0),
        "queues": (0, 0, 0, 0),
        "ivr_flows": (0, 0, 0, 0),
        "conference_rooms": (0, 0, 0, 0),
        "inbound_routes": (0, 0, 0, 3),
        "dial_rules": (0, 0, 0, 3),
        "customers": (0, 0, 0, 0),
        "mailboxes": (0, 0, 0, 0),
        "speed_dials": (0, 0, 0, 0),
        "ring_groups": (0, 0, 0, 0),
        "caller_lists": (0, 0, 0, 0),
        "call_features": (0, 0, 0, 0),
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
        str(info.value)
        == "box.yaml: inbound_routes[2].destination: no extension, FXS port or queue has this number"
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


# --- call center: skills, pause codes, agents, queues, customers; call-center settings -------------


def seed_callcenter(db) -> None:
    """Extensions 1001-1003 plus two skills, two pause codes, two agents, two queues, two customers."""
    seed(db)
    cc = CallCenterService()
    cc.save_skill(SkillInput("english", "English speakers"))
    cc.save_skill(SkillInput("粤语"))
    cc.save_pause_code(PauseCodeInput("lunch", "午餐", "Lunch"))
    cc.save_pause_code(PauseCodeInput("training", "培训", "Training", True))
    cc.create_agent(
        AgentInput("8001", "张三", "97531", default_extension="1001", skills=(AgentSkillInput("english", 7),))
    )
    cc.create_agent(AgentInput("8002", "Bob", "86420", enabled=False))
    cc.create_queue(
        QueueInput(
            "600",
            "Sales",
            settings={"strategy": "linear", "ring_timeout": "20.5", "skill_widen": "0:8,30:5"},
            members=(
                QueueMemberInput("8001", penalty=2, position=1),
                QueueMemberInput("8002", kind="dynamic", weight=2.5),
            ),
            skills=(SkillRequirement("english", 3),),
        )
    )
    cc.create_queue(
        QueueInput(
            "601",
            "Support",
            settings={
                "timeout_kind": "queue",
                "timeout_target": "600",
                "no_agents_kind": "extension",
                "no_agents_target": "1001",
                "max_wait": 120,
            },
        )
    )
    customers = CustomerService()
    customers.create(
        CustomerInput(
            "王五",
            "+86 138-0013-8000, 010 1234 5678",
            company="ACME",
            notes="a\nb",
            priority=5,
            tags="vip,北京",
        )
    )
    customers.create(CustomerInput("Zed", "13900000000"))
    Setting.set_value("prompt_language", "en")
    WebhookService().save("https://crm.example/hook", "call-*,agent-*", secret="s3cret-signing-key-0001")


def cc_doc(db, **changes) -> str:
    """This box's export as YAML, with whole sections replaced by `changes` (plain data)."""
    data = ConfigDocService().export_document()
    data.update(changes)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def test_export_writes_the_call_center_tables_and_its_settings(doc_db):
    seed_callcenter(doc_db)
    data = ConfigDocService().export_document()
    assert data["settings"] == {
        "sip_realm": "pbx",
        "no_answer_timeout": 45,
        "prompt_language": "en",
        "webhook_url": "https://crm.example/hook",
        "webhook_events": "call-*,agent-*",
    }
    assert data["skills"] == [
        {"name": "english", "description": "English speakers"},
        {"name": "粤语", "description": ""},
    ]
    assert data["pause_codes"] == [
        {"code": "lunch", "label_zh": "午餐", "label_en": "Lunch", "productive": False},
        {"code": "training", "label_zh": "培训", "label_en": "Training", "productive": True},
    ]
    first, second = data["agents"]
    assert first["pin_hash"].startswith("pbkdf2_sha256$") and second["pin_hash"].startswith("pbkdf2_sha256$")
    assert {k: v for k, v in first.items() if k != "pin_hash"} == {
        "number": "8001",
        "name": "张三",
        "enabled": True,
        "default_extension": "1001",
        "skills": [{"skill": "english", "level": 7}],
    }
    assert "default_extension" not in second and second["enabled"] is False
    sales, support = data["queues"]
    assert list(sales) == ["number", "name", *(s.key for s in QUEUE_SETTINGS), "members", "skills"]
    assert (sales["strategy"], sales["ring_timeout"], sales["retry_delay"], sales["skill_widen"]) == (
        "linear",
        20.5,
        5,
        "0:8, 30:5",
    )
    assert sales["members"] == [  # hunt order: position, then number
        {"agent": "8002", "kind": "dynamic", "penalty": 0, "position": 0, "weight": 2.5},
        {"agent": "8001", "kind": "static", "penalty": 2, "position": 1, "weight": 1},
    ]
    assert sales["skills"] == [{"skill": "english", "min_level": 3}]
    assert (support["timeout_kind"], support["timeout_target"], support["no_agents_target"]) == (
        "queue",
        "600",
        "1001",
    )
    assert support["members"] == [] and support["skills"] == []
    assert data["customers"] == [
        {
            "name": "王五",
            "company": "ACME",
            "notes": "a\nb",
            "priority": 5,
            "tags": ["vip", "北京"],
            "numbers": ["13800138000", "01012345678"],
        },
        {"name": "Zed", "company": "", "notes": "", "priority": 0, "tags": [], "numbers": ["13900000000"]},
    ]


def test_pins_and_the_webhook_secret_are_never_exported(doc_db):
    seed_callcenter(doc_db)
    text = ConfigDocService().export_text()
    assert "97531" not in text and "86420" not in text
    assert "s3cret-signing-key-0001" not in text and "webhook_secret" not in text
    for agent in yaml.safe_load(text)["agents"]:
        assert "pin" not in agent
    assert Agent.get(Agent.number == "8001").pin_hash in text  # the hash only


def test_call_center_round_trips_exactly_and_a_reimport_changes_nothing(doc_db):
    seed_callcenter(doc_db)
    service = ConfigDocService()
    text = service.export_text()
    before = snapshot(doc_db)
    result = service.import_text(text)
    assert service.export_text() == text
    assert snapshot(doc_db) == before
    counts = {name: (c.created, c.updated, c.deleted, c.unchanged) for name, c in result.counts.items()}
    assert {k: counts[k] for k in ("settings", "skills", "pause_codes", "agents", "queues", "customers")} == {
        "settings": (0, 0, 0, 5),
        "skills": (0, 0, 0, 2),
        "pause_codes": (0, 0, 0, 2),
        "agents": (0, 0, 0, 2),
        "queues": (0, 0, 0, 2),
        "customers": (0, 0, 0, 2),
    }


def test_call_center_imported_into_a_fresh_box_reproduces_the_document(doc_db, tmp_path):
    seed_callcenter(doc_db)
    text = ConfigDocService().export_text()
    doc_db.close()
    other = open_database(tmp_path / "other" / "pbx.sqlite3")
    try:
        result = ConfigDocService().import_text(text)
        assert [
            result.counts[s].created for s in ("skills", "pause_codes", "agents", "queues", "customers")
        ] == [
            2,
            2,
            2,
            2,
            2,
        ]
        assert ConfigDocService().export_text() == text
        assert CallCenterService().check_login("8001", "97531").name == "张三"  # the hash came along
        assert Setting.get_value("prompt_language", "zh-CN") == "en"
        assert Setting.get_value("webhook_url") == "https://crm.example/hook"
        assert not Setting.get_value("webhook_secret")  # never exported: pbx-core makes one
        assert len(load_for_core().secret) == 64
        assert queue_config(Queue.get(Queue.number == "601")).timeout_destination.target == "600"
    finally:
        other.close()


def test_an_agent_pin_in_the_document_is_hashed_on_import_and_kept_when_the_same(doc_db):
    ConfigDocService().import_text(
        lines_doc(
            agents='[{number: "8001", name: Ann, pin: "97531"}, {number: "8002", name: Bo, pin: "86420"}]'
        )
    )
    agent = Agent.get(Agent.number == "8001")
    assert agent.pin_hash.startswith("pbkdf2_sha256$") and "97531" not in agent.pin_hash
    assert agent.check_pin("97531") and not agent.check_pin("86420")
    before = snapshot(doc_db)
    result = ConfigDocService().import_text(
        lines_doc(
            agents='[{number: "8001", name: Ann, pin: "97531"}, {number: "8002", name: Bo, pin: "11235"}]'
        )
    )
    assert (result.counts["agents"].unchanged, result.counts["agents"].updated) == (1, 1)
    assert Agent.get(Agent.number == "8001").pin_hash == agent.pin_hash  # same PIN: same hash, same salt
    assert Agent.get(Agent.number == "8002").check_pin("11235")
    assert snapshot(doc_db) != before


def test_import_replaces_each_call_center_section_it_contains(doc_db):
    seed_callcenter(doc_db)
    agent_id = Agent.get(Agent.number == "8001").id
    result = ConfigDocService().import_text(
        lines_doc(
            skills="[{name: english}]",
            pause_codes="[{code: break, label_zh: 休息, label_en: Break, productive: true}]",
            agents='[{number: "8001", name: 张三, pin: "97531", skills: [{skill: english, level: 9}]}]',
            queues='[{number: "600", name: Sales, strategy: round-robin, wrap_up: 10,'
            ' members: [{agent: "8001", penalty: 1}], skills: [{skill: english}]}]',
            customers='[{name: Zed, numbers: ["13900000000", "+86 139 0000 0001"], tags: [gold]}]',
        )
    )
    assert [s.name for s in Skill.select()] == ["english"]
    assert Skill.get().description == ""
    assert [(p.code, p.productive) for p in PauseCode.select()] == [("break", True)]
    agent = Agent.get()
    assert (agent.id, agent.number, agent.default_extension) == (agent_id, "8001", None)  # same row
    assert [(s.skill.name, s.level) for s in agent.skills] == [("english", 9)]
    queue = Queue.get()
    assert (queue.number, queue.strategy, queue.wrap_up, queue.ring_timeout) == ("600", "round-robin", 10, 15)
    assert [(m.agent.number, m.penalty, m.weight) for m in queue.members] == [("8001", 1, 1.0)]
    assert [(r.skill.name, r.min_level) for r in queue.skills] == [("english", 1)]
    zed = Customer.get()
    assert (zed.name, zed.number_list(), zed.tag_list()) == ("Zed", ["13900000000", "13900000001"], ["gold"])
    counts = {name: (c.created, c.updated, c.deleted, c.unchanged) for name, c in result.counts.items()}
    assert counts == {
        "skills": (0, 1, 1, 0),
        "pause_codes": (1, 0, 2, 0),
        "agents": (0, 1, 1, 0),
        "queues": (0, 1, 1, 0),
        "customers": (0, 1, 1, 0),
    }
    assert Extension.select().count() == 3  # left out: untouched


def test_queues_may_overflow_to_queues_listed_later_and_agents_added_in_the_same_document(doc_db):
    ConfigDocService().import_text(
        lines_doc(
            extensions='[{number: "1001", secret: Passw0rd11}]',
            skills="[{name: english}]",
            agents='[{number: "8001", name: A, pin: "97531", default_extension: "1001"}]',
            queues='[{number: "600", name: S, timeout_kind: queue, timeout_target: "601",'
            ' members: [{agent: "8001"}], skills: [{skill: english, min_level: 2}]},'
            ' {number: "601", name: T, full_kind: voicemail, full_target: "1001"}]',
            inbound_routes='[{trunk: e1, did: "1", destination: "600"}]',
        )
    )
    assert [q.number for q in Queue.select().order_by(Queue.number)] == ["600", "601"]
    assert InboundRoute.get().destination == "600"


def test_a_number_moves_from_a_queue_to_an_extension_in_one_document(doc_db):
    seed_callcenter(doc_db)
    InboundRoute.create(trunk="e1", did="9", destination="601", priority=1)
    ConfigDocService().import_text(
        cc_doc(
            doc_db,
            extensions=[
                *ConfigDocService().export_document()["extensions"],
                {"number": "601", "secret": "Passw0rd11"},
            ],
            queues=[ConfigDocService().export_document()["queues"][0]],
        )
    )
    assert [q.number for q in Queue.select()] == ["600"]
    assert Extension.get(Extension.number == "601")
    assert InboundRoute.get(InboundRoute.did == "9").destination == "601"  # still goes somewhere


def test_removing_a_skill_or_agent_counts_the_queues_and_agents_it_was_taken_from(doc_db):
    seed_callcenter(doc_db)
    data = ConfigDocService().export_document()
    first_agent = {**data["agents"][0], "skills": []}
    sales = {**data["queues"][0], "skills": [], "members": [data["queues"][0]["members"][1]]}
    result = ConfigDocService().import_text(
        cc_doc(
            doc_db,
            skills=[data["skills"][1]],
            agents=[first_agent],
            queues=[sales, data["queues"][1]],
        )
    )
    counts = {name: (c.created, c.updated, c.deleted, c.unchanged) for name, c in result.counts.items()}
    assert (counts["skills"], counts["agents"], counts["queues"]) == (
        (0, 0, 1, 1),
        (0, 1, 1, 0),
        (0, 1, 0, 1),
    )


# The seeded agents and skills, so an error test's doc keeps what kept queues use.
KEPT_AGENTS = (
    '{number: "8001", name: 张三, pin: "97531", default_extension: "1001", skills: [{skill: english, level: 7}]}, '
    '{number: "8002", name: Bob, pin: "86420", enabled: false}, '
)
KEPT_SKILLS = "{name: english}, {name: 粤语}, "


def agent_item(**kw) -> str:
    """A third agent after the seeded two: its errors are at agents[2]."""
    fields = {"number": '"8003"', "name": "C", "pin": '"97531"', **kw}
    return KEPT_AGENTS + "{" + ", ".join(f"{k}: {v}" for k, v in fields.items() if v is not None) + "}"


def queue_item(**kw) -> str:
    fields = {"number": '"602"', "name": "Q", **kw}
    return "{" + ", ".join(f"{k}: {v}" for k, v in fields.items()) + "}"


CC_ERRORS = [
    # settings: types here, rules of telephony.prompts and telephony.callcenter.webhook_settings
    (lines_doc(settings="{prompt_language: fr}"), "settings.prompt_language", "cc.choice"),
    (lines_doc(settings="{webhook_url: 'ftp://x'}"), "settings.webhook_url", "webhook.url"),
    (lines_doc(settings="{webhook_events: 'agnet-*'}"), "settings.webhook_events", "webhook.events.unknown"),
    (lines_doc(settings="{webhook_secret: abc}"), "settings.webhook_secret", "config.unknown_key"),
    # skills and pause codes
    (lines_doc(skills=f"[{KEPT_SKILLS}{{name: 'a,b'}}]"), "skills[2].name", "cc.skill.name"),
    (lines_doc(skills=f"[{KEPT_SKILLS}{{name: x}}, {{name: x}}]"), "skills[3].name", "config.duplicate"),
    (lines_doc(skills=f"[{KEPT_SKILLS}{{description: x}}]"), "skills[2].name", "required"),
    (
        lines_doc(pause_codes="[{code: Lunch!, label_zh: a, label_en: b}]"),
        "pause_codes[0].code",
        "cc.pause.code",
    ),
    (lines_doc(pause_codes="[{code: x, label_zh: '', label_en: b}]"), "pause_codes[0].label_zh", "cc.name"),
    # agents: the PIN, its hash, the service's rules, references
    (lines_doc(agents="[" + agent_item(pin=None) + "]"), "agents[2].pin", "config.agent.pin"),
    (
        lines_doc(agents="[" + agent_item(pin_hash="pbkdf2_sha256$1$YQ==$YQ==") + "]"),
        "agents[2].pin",
        "config.agent.pin_and_hash",
    ),
    (lines_doc(agents="[" + agent_item(pin=97531) + "]"), "agents[2].pin", "config.type.string"),
    (lines_doc(agents="[" + agent_item(pin='"1111"') + "]"), "agents[2].pin", "cc.agent.pin_weak"),
    (lines_doc(agents="[" + agent_item(pin='"12"') + "]"), "agents[2].pin", "cc.agent.pin_format"),
    (lines_doc(agents="[" + agent_item(pin='""') + "]"), "agents[2].pin", "required"),
    (
        lines_doc(agents="[" + agent_item(pin=None, pin_hash="md5$abc") + "]"),
        "agents[2].pin_hash",
        "config.pin_hash",
    ),
    (lines_doc(agents="[" + agent_item(number='"08"') + "]"), "agents[2].number", "cc.number.format"),
    (lines_doc(agents="[" + agent_item(name='""') + "]"), "agents[2].name", "cc.name"),
    (
        lines_doc(agents="[" + agent_item(default_extension='"999"') + "]"),
        "agents[2].default_extension",
        "cc.agent.extension",
    ),
    (
        lines_doc(
            agents="[" + agent_item(skills="[{skill: english, level: 2}, {skill: nope, level: 2}]") + "]"
        ),
        "agents[2].skills[1].skill",
        "cc.skill.unknown",
    ),
    (
        lines_doc(agents="[" + agent_item(skills="[{skill: english, level: 11}]") + "]"),
        "agents[2].skills[0].level",
        "cc.integer",
    ),
    (
        lines_doc(
            agents="[" + agent_item(skills="[{skill: english, level: 2}, {skill: english, level: 3}]") + "]"
        ),
        "agents[2].skills[1].skill",
        "cc.skill.twice",
    ),
    (
        lines_doc(agents="[" + agent_item(skills="[{skill: english}]") + "]"),
        "agents[2].skills[0].level",
        "required",
    ),
    (
        lines_doc(agents="[" + agent_item(skills="[english]") + "]"),
        "agents[2].skills[0]",
        "config.type.mapping",
    ),
    # queues: settings, members, required skills, overflow targets, numbers
    (lines_doc(queues="[" + queue_item(ring_timeout=0) + "]"), "queues[0].ring_timeout", "cc.seconds"),
    (
        lines_doc(queues="[" + queue_item(ring_timeout='"15"') + "]"),
        "queues[0].ring_timeout",
        "config.type.number",
    ),
    (lines_doc(queues="[" + queue_item(strategy="fastest") + "]"), "queues[0].strategy", "cc.choice"),
    (
        lines_doc(queues="[" + queue_item(skill_widen='"30:1"') + "]"),
        "queues[0].skill_widen",
        "cc.skill_widen",
    ),
    (lines_doc(queues="[" + queue_item(colour="red") + "]"), "queues[0].colour", "config.unknown_key"),
    (lines_doc(queues="[" + queue_item(number='"1001"') + "]"), "queues[0].number", "cc.number.extension"),
    (lines_doc(queues="[" + queue_item(number='"201"') + "]"), "queues[0].number", "cc.number.port"),
    (
        lines_doc(queues="[" + queue_item(members='[{agent: "8001"}, {agent: "8009"}]') + "]"),
        "queues[0].members[1].agent",
        "cc.member.unknown",
    ),
    (
        lines_doc(
            queues="[" + queue_item(members='[{agent: "8001"}, {agent: "8002"}, {agent: "8001"}]') + "]"
        ),
        "queues[0].members[2].agent",
        "cc.member.twice",
    ),
    (
        lines_doc(queues="[" + queue_item(members='[{agent: "8002"}, {agent: "8001", penalty: 2000}]') + "]"),
        "queues[0].members[1].penalty",
        "cc.integer",
    ),
    (
        lines_doc(queues="[" + queue_item(members='[{agent: "8001", kind: both}]') + "]"),
        "queues[0].members[0].kind",
        "cc.choice",
    ),
    (
        lines_doc(queues="[" + queue_item(members='[{agent: "8001", weight: x}]') + "]"),
        "queues[0].members[0].weight",
        "config.type.number",
    ),
    (
        lines_doc(queues="[" + queue_item(members="[{agent: 8001}]") + "]"),
        "queues[0].members[0].agent",
        "config.type.string",
    ),
    (
        lines_doc(queues="[" + queue_item(members='[{agent: "8001", colour: red}]') + "]"),
        "queues[0].members[0].colour",
        "config.unknown_key",
    ),
    (  # an unknown agent is reported where it first appears, a repeated one where it repeats
        lines_doc(
            queues="[" + queue_item(members='[{agent: "8009"}, {agent: "8001"}, {agent: "8009"}]') + "]"
        ),
        "queues[0].members[0].agent",
        "cc.member.unknown",
    ),
    (
        lines_doc(queues="[" + queue_item(skills="[{skill: nope}]") + "]"),
        "queues[0].skills[0].skill",
        "cc.skill.unknown",
    ),
    (
        lines_doc(queues="[" + queue_item(skills="[{skill: english, min_level: 0}]") + "]"),
        "queues[0].skills[0].min_level",
        "cc.integer",
    ),
    (
        lines_doc(queues="[" + queue_item(timeout_kind="queue", timeout_target='"699"') + "]"),
        "queues[0].timeout_target",
        "cc.destination.queue",
    ),
    (
        lines_doc(queues="[" + queue_item(full_kind="queue", full_target='"602"') + "]"),
        "queues[0].full_target",
        "cc.destination.self",
    ),
    (
        lines_doc(queues="[" + queue_item(no_agents_kind="extension", no_agents_target='"1999"') + "]"),
        "queues[0].no_agents_target",
        "cc.destination.extension",
    ),
    (
        lines_doc(
            extensions="[]",
            queues="[" + queue_item(no_agents_kind="voicemail", no_agents_target='"1001"') + "]",
        ),
        "queues[0].no_agents_target",
        "cc.destination.extension",
    ),
    (lines_doc(queues="[" + queue_item(crm_url="ftp://x") + "]"), "queues[0].crm_url", "cc.crm_url"),
    (lines_doc(queues=f"[{queue_item()}, {queue_item()}]"), "queues[1].number", "config.duplicate"),
    # numbers never clash across extensions, FXS ports and (kept) queues
    (
        lines_doc(
            extensions=f'[{{number: "1001", ha1: {HA1}, ha1b: {HA1B}}}, {{number: "600", secret: Passw0rd11}}]'
        ),
        "extensions[1].number",
        "cc.number.queue",
    ),
    (
        lines_doc(ports='[{port: fxs1, number: "600"}, {port: fxs2, number: "202"}]'),
        "ports[0].number",
        "cc.number.queue",
    ),
    # removing what a kept section still uses
    (lines_doc(skills="[]"), "skills", "config.ref.kept"),
    (lines_doc(agents='[{number: "8002", name: Bob, pin: "86420"}]'), "agents", "config.ref.kept"),
    (lines_doc(queues="[]"), "queues", "config.ref.kept"),
    (
        lines_doc(
            extensions=f'[{{number: "1002", ha1: {HA1}, ha1b: {HA1B}}}, {{number: "1003", ha1: {HA1}, ha1b: {HA1B}}}]',
            inbound_routes="[]",
        ),
        "extensions",
        "config.ref.kept",
    ),
    (
        lines_doc(
            extensions=f'[{{number: "1002", ha1: {HA1}, ha1b: {HA1B}}}, {{number: "1003", ha1: {HA1}, ha1b: {HA1B}}}]',
            inbound_routes="[]",
            queues="[]",
        ),
        "extensions",
        "config.ref.kept",
    ),
    # customers: types here, rules of telephony.callcenter.customers
    (
        lines_doc(customers='[{name: A, numbers: ["139", "x1"]}]'),
        "customers[0].numbers[1]",
        "cc.customer.phone",
    ),
    (
        lines_doc(customers='[{name: A, numbers: ["139001/139002"]}]'),
        "customers[0].numbers[0]",
        "cc.customer.phone",
    ),
    (
        lines_doc(customers='[{name: A, numbers: ["13900000001", "+86 139 0000 0001"]}]'),
        "customers[0].numbers[1]",
        "cc.customer.phone_twice",
    ),
    (
        lines_doc(
            customers='[{name: A, numbers: ["13900000001"]}, {name: B, numbers: ["555", "13900000001"]}]'
        ),
        "customers[1].numbers[1]",
        "cc.customer.phone_taken",
    ),
    (lines_doc(customers="[{name: A, numbers: []}]"), "customers[0].numbers", "required"),
    (
        lines_doc(customers="[{name: A, numbers: [13900000001]}]"),
        "customers[0].numbers",
        "config.type.number_list",
    ),
    (
        lines_doc(customers='[{name: A, numbers: ["555"], priority: 101}]'),
        "customers[0].priority",
        "cc.integer",
    ),
    (lines_doc(customers='[{name: "", numbers: ["555"]}]'), "customers[0].name", "cc.name"),
    (
        lines_doc(customers='[{name: A, numbers: ["555"], tags: vip}]'),
        "customers[0].tags",
        "config.type.tag_list",
    ),
]


@pytest.mark.parametrize(("text", "key", "message"), CC_ERRORS)
def test_call_center_import_error_names_the_key_path_and_changes_nothing(doc_db, text, key, message):
    seed_callcenter(doc_db)
    RoutingService().save_port("fxs1", PortInput(number="201"))
    RoutingService().save_route(InboundRouteInput("e1", "7", "600"))
    before = snapshot(doc_db)
    with pytest.raises(ConfigDocError) as info:
        ConfigDocService().import_text(text)
    assert (info.value.key, info.value.message) == (key, message)
    assert snapshot(doc_db) == before


def test_removing_what_kept_call_center_rows_use_says_which_rows(doc_db):
    seed_callcenter(doc_db)
    with pytest.raises(ConfigDocError) as info:
        ConfigDocService().import_text(lines_doc(skills="[]"))
    assert str(info.value) == (
        "skills: skill english is left out but still used by queue 600 Sales (kept: the document has no queues)"
    )
    with pytest.raises(ConfigDocError) as info:
        ConfigDocService().import_text(lines_doc(agents="[]"))
    assert str(info.value) == (
        "agents: agent 8001 张三 is left out but still used by queue 600 Sales (kept: the document has no queues)"
    )
    with pytest.raises(ConfigDocError) as info:
        ConfigDocService().import_text(lines_doc(extensions="[]", queues="[]"))
    assert str(info.value) == (
        "extensions: extension 1001 is left out but still used by agent 8001 张三 (kept: the document has no agents)"
    )
    assert info.value.render("zh-CN") == (
        "extensions: 分机 1001 未列出，但仍被 坐席 8001 张三 使用（文档中没有 agents，因此保留）"
    )
    with pytest.raises(ConfigDocError) as info:
        ConfigDocService().import_text(
            lines_doc(
                extensions="[]",
                agents='[{number: "8001", name: A, pin: "97531"}, {number: "8002", name: B, pin: "86420"}]',
            )
        )
    assert str(info.value) == (
        "extensions: extension 1001 is left out but still used by the overflow of queue 601 Support"
        " (kept: the document has no queues)"
    )
    RoutingService().save_route(InboundRouteInput("e1", "7", "600"))
    with pytest.raises(ConfigDocError) as info:
        ConfigDocService().import_text(lines_doc(queues="[]"))
    assert str(info.value) == (
        "queues: queue 600 is left out but still used by inbound route 'e1 DID 7'"
        " (kept: the document has no inbound_routes)"
    )


def test_a_bad_customer_after_good_call_center_sections_leaves_the_database_exactly_as_before(doc_db):
    seed_callcenter(doc_db)
    before = snapshot(doc_db)
    text = cc_doc(
        doc_db,
        settings={"prompt_language": "zh-CN"},
        skills=[{"name": "french"}],
        agents=[
            {"number": "8009", "name": "New", "pin": "97531", "skills": [{"skill": "french", "level": 4}]}
        ],
        queues=[{"number": "609", "name": "Q", "members": [{"agent": "8009"}]}],
        customers=[{"name": "A", "numbers": ["13900000001"]}, {"name": "B", "numbers": ["13900000001"]}],
    )
    with pytest.raises(ConfigDocError) as info:
        ConfigDocService().import_text(text, source="box.yaml")
    assert str(info.value) == ("box.yaml: customers[1].numbers[0]: 13900000001 already belongs to customer A")
    assert snapshot(doc_db) == before


def test_call_center_import_dry_run_counts_but_saves_nothing(doc_db):
    seed_callcenter(doc_db)
    before = snapshot(doc_db)
    text = lines_doc(queues="[]", agents="[]", skills="[]", pause_codes="[]", customers="[]")
    result = ConfigDocService().import_text(text, dry_run=True)
    assert [result.counts[s].deleted for s in ("skills", "pause_codes", "agents", "queues", "customers")] == [
        2,
        2,
        2,
        2,
        2,
    ]
    assert snapshot(doc_db) == before


def test_describe_lists_the_call_center_sections_and_nested_keys():
    text = schema.describe()
    for line in (
        "agents: list of mappings",
        "queues: list of mappings",
        "customers: list of mappings",
        "  pin_hash (optional): ",
        "    agent (required): ",
        "    min_level (default 1): ",
        '  prompt_language (default "zh-CN"): ',
        '  webhook_url (default ""): ',
    ):
        assert line in text
    assert "webhook_secret" not in text

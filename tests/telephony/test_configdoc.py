"""The configuration document as a library: export, import, validation errors, all-or-nothing."""

from __future__ import annotations

import pytest
import yaml

from telephony.configdoc import ConfigDocError, ConfigDocService, parse_document, schema
from telephony.configdoc.service import HANDLERS
from telephony.control.client import ControlClient
from telephony.extensions.service import ExtensionInput, ExtensionService
from telephony.models import Extension, Setting, open_database, sip_ha1
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
    assert data == {"version": 1, "settings": {"sip_realm": "pbx", "no_answer_timeout": 30}, "extensions": []}


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

"""Routing features in the configuration document: exported (hot-desk PINs as hashes), imported with
the web admin's rules and refusals by key path in both languages, all or nothing, unlisted rows
deleted, and a re-import of an export changing nothing."""

from __future__ import annotations

import pytest

from telephony.configdoc import ConfigDocError, ConfigDocService
from telephony.extensions.service import ExtensionInput, ExtensionService
from telephony.models import open_database
from telephony.models.features import CallerList, ExtensionFeatures, RingGroup, SpeedDial
from telephony.models.lines import DialRule, PortSetting, TrunkGroup

DOC = """version: 1
speed_dials:
  - {code: "05", number: "1002", label: Reception}
ring_groups:
  - {number: "600", name: Sales, strategy: hunt, members: ["1001", "2001"], ring_seconds: 15, fallback: "1002"}
caller_lists:
  - {name: nuisance, numbers: ["13800138000", "0755*"], treatment: message, message: Go away}
  - {name: vip, kind: allow, scope: "1002", numbers: ["1001"], treatment: hangup}
call_features:
  - {number: "1001", dnd: true, forward_busy: "0114", followme_enabled: true, followme_numbers: ["1002"],
     hotdesk_pin: "4321"}
"""


@pytest.fixture
def doc_db(tmp_path):
    db = open_database(tmp_path / "db" / "pbx.sqlite3")
    ExtensionService().create(ExtensionInput("1001", "Alice", "Passw0rd99"))
    ExtensionService().create(ExtensionInput("1002", "Bob", "Passw0rd88"))
    PortSetting.create(port="fxs1", number="2001", permission="internal")
    pstn = TrunkGroup.create(name="pstn", kind="fxo", members="fxo1")
    DialRule.create(prefix="0", min_length=2, strip=1, trunk_group=pstn, permission="local")
    yield db
    db.close()


def test_features_are_imported_then_exported_with_hashes_and_a_reimport_changes_nothing(doc_db):
    service = ConfigDocService()
    result = service.import_text(DOC)
    assert [
        result.counts[s].created for s in ("speed_dials", "ring_groups", "caller_lists", "call_features")
    ] == [
        1,
        1,
        2,
        1,
    ]
    row = ExtensionFeatures.get(ExtensionFeatures.number == "1001")
    assert (
        row.dnd
        and row.forward_busy == "0114"
        and row.followme_list() == ["1002"]
        and row.hotdesk_pin_ok("4321")
    )
    group = RingGroup.get(RingGroup.number == "600")
    assert (group.strategy, group.member_list(), group.fallback) == ("hunt", ["1001", "2001"], "1002")
    assert CallerList.get(CallerList.name == "nuisance").matches("075588")
    data = service.export_document()
    assert data["speed_dials"] == [{"code": "05", "number": "1002", "label": "Reception"}]
    assert data["call_features"][0]["hotdesk_pin_hash"] == row.hotdesk_pin_hash
    text = service.export_text()
    assert "4321" not in text
    again = service.import_text(text)
    for section in ("speed_dials", "ring_groups", "caller_lists", "call_features"):
        counts = again.counts[section]
        assert (counts.created, counts.updated, counts.deleted) == (0, 0, 0), section
    assert service.export_text() == text
    assert ExtensionFeatures.get(ExtensionFeatures.number == "1001").hotdesk_pin_ok("4321")


def test_rows_left_out_of_a_section_are_deleted(doc_db):
    service = ConfigDocService()
    service.import_text(DOC)
    kept = '  - {name: nuisance, numbers: ["13800138000", "0755*"], treatment: message, message: Go away}\n'
    result = service.import_text("version: 1\nspeed_dials: []\ncaller_lists:\n" + kept)
    assert result.counts["speed_dials"].deleted == 1 and not SpeedDial.select().exists()
    assert [r.name for r in CallerList.select()] == ["nuisance"]
    assert RingGroup.select().count() == 1  # a section left out is kept


@pytest.mark.parametrize(
    ("body", "key", "message", "chinese"),
    [
        (
            'ring_groups:\n  - {number: "600", name: S, members: ["1001", "7777"]}\n',
            "ring_groups[0].members",
            "features.err_member_unknown",
            "每个成员都必须是分机或模拟电话号码",
        ),
        (
            'ring_groups:\n  - {number: "1002", name: S, members: ["1001"]}\n',
            "ring_groups[0].number",
            "features.err_taken",
            "此号码已被",
        ),
        (
            'call_features:\n  - {number: "2001", forward_always: "0114"}\n',
            "call_features[0].forward_always",
            "features.err_unreachable",
            "此分机不能拨打该号码",
        ),
        (
            'call_features:\n  - {number: "9999"}\n',
            "call_features[0].number",
            "features.err_not_extension",
            "这不是分机或模拟电话号码",
        ),
        (
            'speed_dials:\n  - {code: "5", number: "1001"}\n',
            "speed_dials[0].code",
            "features.err_code",
            "两位数字",
        ),
        (
            "caller_lists:\n  - {name: x, numbers: [abc]}\n",
            "caller_lists[0].numbers",
            "features.err_entry",
            "每行：数字",
        ),
    ],
)
def test_a_bad_item_is_refused_by_its_key_path_in_both_languages_and_nothing_changes(
    doc_db, body, key, message, chinese
):
    good = 'speed_dials:\n  - {code: "07", number: "1001"}\n' if "speed_dials" not in body else ""
    with pytest.raises(ConfigDocError) as info:
        ConfigDocService().import_text("version: 1\n" + good + body)
    assert (info.value.key, info.value.message) == (key, message)
    assert chinese in info.value.render("zh-CN")
    assert not SpeedDial.select().exists() and not RingGroup.select().exists()
    assert not ExtensionFeatures.select().exists() and not CallerList.select().exists()

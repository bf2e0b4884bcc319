"""IVR flows in the configuration document: exported as YAML, imported (replacing) with key paths."""

from __future__ import annotations

import pytest
import yaml

from telephony.callcenter.service import CallCenterService, QueueInput
from telephony.configdoc.schema import ConfigDocError
from telephony.configdoc.service import ConfigDocService
from telephony.ivr.service import FlowInput, IvrService, NodeInput
from telephony.models import InboundRoute, IvrFlow, IvrNode, open_database


@pytest.fixture
def db(tmp_path):
    database = open_database(tmp_path / "db" / "pbx.sqlite3")
    CallCenterService().create_queue(QueueInput("6000", "Sales"))
    yield database
    database.close()


def seed() -> None:
    service = IvrService()
    flow = service.save_flow(FlowInput("7000", "Main", "en", "start"))
    service.save_node(flow, NodeInput("start", "menu", '{"text": "Press 1", "retries": 1}', '{"1": "sales"}'))
    service.save_node(flow, NodeInput("sales", "goto", '{"target": "queue", "number": "6000"}'))
    service.activate(flow.id)
    service.save_flow(FlowInput("7001", "Draft", "zh-CN", "start"))


def flows_doc(body: str) -> str:
    return "version: 1\nivr_flows:\n" + body


def test_ivr_flows_export_and_reimport_exactly_changing_nothing(db):
    seed()
    service = ConfigDocService()
    text = service.export_text()
    exported = yaml.safe_load(text)["ivr_flows"]
    assert exported[0] == {
        "number": "7000",
        "name": "Main",
        "language": "en",
        "entry": "start",
        "active": True,
        "nodes": [
            {"key": "sales", "kind": "goto", "params": {"number": "6000", "target": "queue"}, "branches": {}},
            {
                "key": "start",
                "kind": "menu",
                "params": {"retries": 1, "text": "Press 1"},
                "branches": {"1": "sales"},
            },
        ],
    }
    assert exported[1]["number"] == "7001" and exported[1]["active"] is False and exported[1]["nodes"] == []
    before = list(db.connection().iterdump())
    result = service.import_text(text)
    assert (result.counts["ivr_flows"].unchanged, result.counts["ivr_flows"].updated) == (2, 0)
    assert list(db.connection().iterdump()) == before
    assert service.export_text() == text


def test_ivr_flows_import_replaces_flows_and_nodes_and_a_route_may_go_to_an_ivr(db):
    seed()
    text = flows_doc(
        """  - number: "7002"
    name: Hotline
    active: true
    entry: hours
    nodes:
      - {key: hours, kind: time, params: {hours: {mon: "09:00-18:00"}}, branches: {open: q, closed: q}}
      - {key: q, kind: goto, params: {target: queue, number: "6000"}}
inbound_routes:
  - {trunk: e1, did: "95588", destination: "7002"}
"""
    )
    result = ConfigDocService().import_text(text)
    assert (result.counts["ivr_flows"].created, result.counts["ivr_flows"].deleted) == (1, 2)
    assert [f.number for f in IvrFlow.select()] == ["7002"] and IvrFlow.get().active
    assert sorted(n.key for n in IvrNode.select()) == ["hours", "q"]
    assert InboundRoute.get().destination == "7002"


@pytest.mark.parametrize(
    ("body", "key", "message"),
    [
        ('  - {number: "1", name: X}\n', "ivr_flows[0].number", "2 to 16 digits, * or #"),
        ('  - {number: "6000", name: X}\n', "ivr_flows[0].number", "6000 is already used"),
        (
            '  - {number: "7000", name: X, nodes: [{key: a, kind: dance}]}\n',
            "ivr_flows[0].nodes[0].kind",
            "one of",
        ),
        (
            '  - {number: "7000", name: X, nodes: [{key: "a b", kind: play}]}\n',
            "ivr_flows[0].nodes[0].key",
            "1 to 32",
        ),
        (
            '  - {number: "7000", name: X, nodes: [{key: a, kind: play, params: [1]}]}\n',
            "ivr_flows[0].nodes[0].params",
            "mapping",
        ),
        (
            '  - {number: "7000", name: X, active: true, entry: a, nodes: [{key: a, kind: play, params: {}}]}\n',
            "ivr_flows[0].active",
            "the flow cannot be active: node 'a': missing prompt",
        ),
    ],
)
def test_ivr_flows_import_errors_name_the_key_path_and_change_nothing(db, body, key, message):
    seed()
    before = list(db.connection().iterdump())
    with pytest.raises(ConfigDocError) as caught:
        ConfigDocService().import_text(flows_doc(body))
    assert caught.value.key == key and message in str(caught.value)
    assert list(db.connection().iterdump()) == before


def test_ivr_flow_deleted_by_an_import_is_refused_while_a_kept_route_goes_to_it(db):
    seed()
    from telephony.routing.service import InboundRouteInput, RoutingService

    RoutingService().save_route(InboundRouteInput(trunk="e1", did="95588", destination="7000"))
    with pytest.raises(ConfigDocError) as caught:
        ConfigDocService().import_text(flows_doc("  []\n").replace("ivr_flows:\n  []", "ivr_flows: []"))
    assert caught.value.key == "ivr_flows" and "inbound_routes" in str(caught.value)
    assert IvrFlow.select().count() == 2

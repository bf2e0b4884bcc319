"""IVR flow validation: every problem is reported naming its node; an invalid flow is never activated."""

from __future__ import annotations

import pytest

from telephony.ivr.validate import Directory, FlowInvalid, Node, activate, check_flow, parse_hours, validate

QUEUES, EXTENSIONS, IVRS = {"6000"}, {"1001"}, {"7001"}


def directory(prompt_dir=None) -> Directory:
    return Directory(
        queue=QUEUES.__contains__,
        extension=EXTENSIONS.__contains__,
        ivr=IVRS.__contains__,
        prompt_dir=prompt_dir,
    )


def flow(*nodes: Node) -> dict[str, Node]:
    return {n.key: n for n in nodes}


def good_flow() -> dict[str, Node]:
    return flow(
        Node("start", "time", {"hours": {"mon": "09:00-18:00"}}, {"open": "menu", "closed": "night"}),
        Node("menu", "menu", {"text": "Press 1 or 2"}, {"1": "sales", "2": "lookup", "timeout": "bye"}),
        Node("lookup", "http", {"url": "http://127.0.0.1/x"}, {"ok": "bye", "fallback": "bye"}),
        Node("sales", "goto", {"target": "queue", "number": "6000"}),
        Node("night", "play", {"text": "We are closed"}, {"next": "bye"}),
        Node("bye", "goto", {"target": "hangup"}),
    )


def test_validate_a_good_flow_has_no_problems():
    assert validate("start", good_flow(), directory()) == []


def test_validate_reports_an_unreachable_node_by_name():
    nodes = good_flow()
    nodes["orphan"] = Node("orphan", "play", {"text": "never heard"})
    assert validate("start", nodes, directory()) == ["node 'orphan' is unreachable from 'start'"]


def test_validate_reports_a_missing_entry_node():
    assert "entry node 'nowhere' does not exist" in validate("nowhere", good_flow(), directory())


def test_validate_reports_a_branch_to_a_missing_node_by_name():
    nodes = good_flow()
    nodes["menu"] = Node("menu", "menu", {"text": "Press 1"}, {"1": "sales", "2": "lookup", "9": "ghost"})
    assert validate("start", nodes, directory()) == ["node 'menu': branch '9' goes to missing node 'ghost'"]


def test_validate_reports_goto_numbers_that_do_not_exist():
    nodes = flow(
        Node("start", "menu", {"text": "x"}, {"1": "q", "2": "e", "3": "i", "4": "v"}),
        Node("q", "goto", {"target": "queue", "number": "6999"}),
        Node("e", "goto", {"target": "extension", "number": "1999"}),
        Node("i", "goto", {"target": "ivr", "number": "7999"}),
        Node("v", "goto", {"target": "voicemail", "number": "1001"}),
    )
    assert validate("start", nodes, directory()) == [
        "node 'q': goto queue 6999 does not exist",
        "node 'e': goto extension 1999 does not exist",
        "node 'i': goto ivr 7999 does not exist",
        "node 'v': goto voicemail 1001 does not exist",
    ]


def test_validate_reports_missing_prompts_text_and_file(tmp_path):
    (tmp_path / "hello.wav").write_bytes(b"RIFF")
    nodes = flow(
        Node("start", "play", {}, {"next": "a"}),
        Node("a", "play", {"file": "gone.wav"}, {"next": "b"}),
        Node("b", "play", {"file": "hello.wav"}, {"next": "c"}),
        Node("c", "play", {"file": "../../etc/passwd"}),
    )
    assert validate("start", nodes, directory(tmp_path)) == [
        "node 'start': missing prompt (give text or an uploaded file)",
        "node 'a': missing prompt file 'gone.wav'",
        "node 'c': prompt file '../../etc/passwd' is outside the prompt folder",
    ]


def test_validate_reports_a_loop_without_input_but_not_a_menu_loop():
    nodes = flow(
        Node("start", "play", {"text": "a"}, {"next": "again"}),
        Node("again", "set", {"language": "en"}, {"next": "start"}),
    )
    assert validate("start", nodes, directory()) == ["loop without input: again -> start -> again"]
    menu_loop = flow(
        Node("start", "menu", {"text": "a"}, {"1": "info", "timeout": "start"}),
        Node("info", "play", {"text": "info"}, {"next": "start"}),
    )
    assert validate("start", menu_loop, directory()) == []


def test_validate_reports_bad_parameters_of_each_kind():
    nodes = flow(
        Node("start", "menu", {"text": "x", "timeout": "soon"}, {"1": "c", "x": "c"}),
        Node("c", "collect", {"text": "x", "min": 5, "max": 2}, {"next": "t"}),
        Node("t", "time", {"hours": {"monday": "9-5", "tue": "18:00-09:00"}, "holidays": ["1 May"]}, {}),
        Node("h", "http", {"url": "ftp://x", "method": "PUT"}, {}),
        Node("s", "set", {"language": "fr"}, {}),
        Node("g", "goto", {"target": "conference"}),
        Node("w", "whatever"),
    )
    problems = validate("start", nodes, directory())
    for expected in (
        "node 'start': 'x' is not a phone key",
        "node 'start': timeout 'soon' is not a number",
        "node 'c': collect has no variable to store the digits in",
        "node 't': 'monday' is not a weekday (use mon, tue, wed, thu, fri, sat, sun)",
        "node 't': hours on tue: '18:00-09:00' ends before it starts",
        "node 't': holiday '1 May' is not a date (YYYY-MM-DD)",
        "node 't': time condition needs both an 'open' and a 'closed' node",
        "node 'h': url 'ftp://x' is not an http(s) URL",
        "node 'h': method must be GET or POST",
        "node 'h': http lookup has no 'fallback' node (taken on timeout or error)",
        "node 's': language 'fr' is not one of zh-CN, en",
        "node 'g': goto target 'conference' is not one of queue, extension, ivr, voicemail, hangup",
        "node 'w': unknown kind 'whatever' (use play, menu, collect, time, http, set, goto)",
    ):
        assert expected in problems, (expected, problems)


def test_parse_hours_reads_several_ranges():
    assert parse_hours("09:00-12:00, 13:30-24:00") == [(540, 720), (810, 1440)]
    with pytest.raises(ValueError, match="not HH:MM-HH:MM"):
        parse_hours("9-5")


def test_given_a_stored_invalid_flow_when_activated_then_it_stays_inactive_and_problems_name_nodes(tmp_path):
    from telephony.models import IvrFlow, IvrNode, open_database
    from telephony.models.callcenter import Queue

    open_database(tmp_path / "box.db")
    Queue.create(number="6000", name="Sales")
    stored = IvrFlow.create(number="7000", name="Main", entry="start")
    IvrNode.create(flow=stored, key="start", kind="menu", params='{"text": "Press 1"}', branches='{"1": "q"}')
    node = IvrNode.create(flow=stored, key="q", kind="goto", params='{"target": "queue", "number": "6001"}')

    with pytest.raises(FlowInvalid) as caught:
        activate(stored)
    assert caught.value.problems == ["node 'q': goto queue 6001 does not exist"]
    assert not IvrFlow.get_by_id(stored.id).active

    node.set_params({"target": "queue", "number": "6000"})
    node.save()
    assert check_flow(stored) == []
    activate(stored)
    assert IvrFlow.get_by_id(stored.id).active


# --- time conditions ---------------------------------------------------------------------------


def test_time_condition_by_weekday_hours_holidays_and_override():
    import datetime as dt

    from telephony.ivr.timecond import branch, outcome

    params = {"hours": {"mon": "09:00-12:00,13:00-18:00"}, "holidays": ["2026-12-07"]}
    monday = dt.datetime(2026, 11, 30)
    assert outcome(params, monday.replace(hour=9)) == "open"
    assert outcome(params, monday.replace(hour=12, minute=30)) == "closed"  # lunch
    assert outcome(params, monday.replace(hour=18)) == "closed"
    assert outcome(params, monday.replace(hour=10) + dt.timedelta(days=1)) == "closed"  # tuesday: no hours
    assert outcome(params, dt.datetime(2026, 12, 7, 10)) == "holiday"
    assert outcome({**params, "override": "night"}, monday.replace(hour=10)) == "closed"
    assert outcome({**params, "override": "day"}, dt.datetime(2026, 12, 7, 3)) == "open"
    assert branch(params, {"open": "a", "closed": "b"}, dt.datetime(2026, 12, 7, 10)) == ("holiday", "b")
    assert branch(params, {"open": "a", "closed": "b", "holiday": "h"}, dt.datetime(2026, 12, 7, 10)) == (
        "holiday",
        "h",
    )


# --- numbers shared with the rest of the box -------------------------------------------------------


def test_ivr_numbers_are_refused_to_extensions_ports_and_queues_and_accepted_as_route_destinations(tmp_path):
    from telephony.callcenter.errors import InvalidInput
    from telephony.callcenter.service import CallCenterService, QueueInput
    from telephony.errors import ValidationError
    from telephony.extensions.service import ExtensionInput, ExtensionService
    from telephony.models import IvrFlow, open_database
    from telephony.routing.service import InboundRouteInput, PortInput, RoutingService

    open_database(tmp_path / "box.db")
    IvrFlow.create(number="7000", name="Main")
    with pytest.raises(ValidationError) as ext:
        ExtensionService().create(ExtensionInput(number="7000", name="x", secret="Secr3tPass9"))
    assert ext.value.errors["number"] == "ivr.number.taken"
    with pytest.raises(InvalidInput) as queue:
        CallCenterService().create_queue(QueueInput("7000", "Sales"))
    assert queue.value.messages("en")["number"] == "this number is an IVR flow's"
    routing = RoutingService()
    with pytest.raises(ValidationError) as port:
        routing.save_port("fxs1", PortInput(number="7000"))
    assert port.value.errors["number"] == "ivr.number.taken"
    routing.save_route(InboundRouteInput(trunk="e1", did="95588", destination="7000"))  # a DID to the IVR

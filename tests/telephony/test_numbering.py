"""The one numbering plan: every kind of dialed thing refuses a number another kind already has."""

from __future__ import annotations

import pytest

from telephony import numbering
from telephony.errors import ValidationError
from telephony.messages import render
from telephony.models import (
    ConferenceRoom,
    Extension,
    IvrFlow,
    PagingGroup,
    PortSetting,
    Queue,
    RingGroup,
    Setting,
    open_database,
)


@pytest.fixture
def db(tmp_path):
    return open_database(tmp_path / "pbx.sqlite3")


def make_all() -> dict[str, int | None]:
    """One of each kind, numbered 8001.. in KINDS order, with the park lot at 700 (slots 701-720)."""
    ids = {
        "extension": Extension.create(number="8001", ha1="x", ha1b="x").id,
        "port": PortSetting.create(port="fxs1", number="8002").port,
        "queue": Queue.create(number="8003", name="q").id,
        "ivr": IvrFlow.create(number="8004", name="i").id,
        "room": ConferenceRoom.create(number="8005").id,
        "ring_group": RingGroup.create(number="8006", members="8001").id,
        "paging": PagingGroup.create(number="8007", members="8001").id,
    }
    ids["park"] = None
    return ids


def test_every_kind_owns_its_number_and_nothing_else(db):
    ids = make_all()
    numbers = {"extension": "8001", "port": "8002", "queue": "8003", "ivr": "8004", "room": "8005"}
    numbers |= {"ring_group": "8006", "paging": "8007", "park": "700"}
    for kind, number in numbers.items():
        assert numbering.owners(number) == [numbering.Owner(kind, ids[kind], number)], kind
        assert numbering.exists(number)
        assert numbering.owner(number, ignore=(kind, ids[kind])) is None  # the row being edited
    assert numbering.owner("715").kind == "park"  # a slot
    assert numbering.owners("8999") == [] and not numbering.exists("8999")
    assert numbering.owners("") == []


def test_moving_the_park_lot_moves_its_numbers(db):
    Setting.set_value("park_lot", "900")
    Setting.set_value("park_first", "901")
    Setting.set_value("park_last", "905")
    assert numbering.owner("700") is None and numbering.owner("720") is None
    assert numbering.owner("903").kind == "park" and numbering.owner("906") is None


def test_an_extension_cannot_take_a_ring_group_paging_or_park_number_named_in_both_languages(db):
    from telephony.extensions.service import ExtensionInput, validate

    make_all()
    for number, key in (("8006", "ring group"), ("8007", "paging group"), ("710", "call park")):
        with pytest.raises(ValidationError) as info:
            validate(ExtensionInput(number=number, secret="Secret123x"))
        message = info.value.errors["number"]
        assert key in render(message, "en", number=number)
        assert number in render(message, "zh-CN", number=number)
        assert render(message, "zh-CN", number=number) != render(message, "en", number=number)


def test_an_analog_port_cannot_take_a_ring_group_number(db):
    from telephony.routing.service import PortInput, validate_port

    make_all()
    with pytest.raises(ValidationError) as info:
        validate_port("fxs2", PortInput(number="8006"), known=["fxs1", "fxs2"])
    assert info.value.errors["number"] == "numbering.taken.ring_group"


def test_queues_ivr_rooms_and_groups_refuse_each_others_numbers(db):
    from telephony.callcenter.validation import check_number, collector
    from telephony.conference.admin import number_taken as room_taken
    from telephony.features.admin import number_taken as group_taken
    from telephony.ivr.service import IvrService
    from telephony.park.admin import dialed_elsewhere

    ids = make_all()
    errors = collector()
    check_number(errors, "8006", None)
    assert errors.errors == {"number": "numbering.taken.ring_group"}
    errors = collector()
    check_number(errors, "705", None)
    assert errors.errors == {"number": "numbering.taken.park"}
    assert IvrService._number_taken("8007", None) and IvrService._number_taken("701", None)
    assert room_taken("8006") and room_taken("8003") and not room_taken("8005", ids["room"])
    assert group_taken("8005") and group_taken("8007") and not group_taken("8006", ids["ring_group"])
    assert dialed_elsewhere("8006") and not dialed_elsewhere("8007", ids["paging"])
    assert not dialed_elsewhere("701")  # the park settings page may keep the lot's own slots


def test_inbound_routes_may_send_calls_to_a_ring_group_or_paging_group(db):
    from telephony.routing.service import InboundRouteInput, validate_route

    make_all()
    validate_route(InboundRouteInput(trunk="fxo1", destination="8006"))
    validate_route(InboundRouteInput(trunk="fxo1", destination="8007"))
    with pytest.raises(ValidationError) as info:
        validate_route(InboundRouteInput(trunk="fxo1", destination="8999"))
    assert info.value.errors["destination"] == "routing.destination"


def test_an_analog_phone_waits_for_more_digits_while_a_longer_number_starts_with_them(db):
    make_all()
    IvrFlow.create(number="7000", name="menu")
    assert numbering.extends("700")  # the park lot, but 7000 (an IVR) starts with it too
    assert numbering.extends("800") and numbering.extends("8")  # extension 8001 and the others
    assert numbering.extends("70") and numbering.extends("71")  # park slots 701-720, 710-719
    assert not numbering.extends("7000") and not numbering.extends("8001") and not numbering.extends("720")
    assert not numbering.extends("9") and not numbering.extends("") and not numbering.extends("*7")

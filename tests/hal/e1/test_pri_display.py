"""The Display IE (0x28): sent by the network in SETUP and CONNECT, decoded by the user side and passed
up with the setup / connect event, through the span as E1Setup.display / E1Connect.display."""

from __future__ import annotations

from hal import events
from hal.isdn.q931 import IE
from tests.hal.e1.b2b import Pair
from tests.hal.e1.conftest import Rig


def test_display_in_setup_is_sent_by_the_network_and_passed_up_with_setup():
    pair = Pair().up()
    nref = pair.net.place_call("13800138000", "8001", display="Zhang San")
    pair.pump()
    [setup] = pair.decoded("n>u")
    assert setup.get(IE.DISPLAY).text == "Zhang San"
    uref, event, data = pair.u.events[-1]
    assert uref == nref | 0x8000 and event == "setup"
    assert data == {"timeslot": 1, "calling": "13800138000", "called": "8001", "display": "Zhang San"}


def test_display_in_connect_is_passed_up_with_connect():
    pair = Pair().up()
    uref = pair.user.place_call("8001", "13800138000")
    pair.pump()
    nref = pair.n.events[-1][0]
    pair.net.answer(nref, display="Li Si")
    pair.pump()
    assert (uref, "connect", {"display": "Li Si"}) in pair.u.events


def test_a_setup_with_a_charset_octet_before_the_display_text_is_decoded():
    pair = Pair().up()
    # SETUP cr=0x55: bearer, channel 1 exclusive, display with the national charset octet 0xb1, called 1
    pair.inject_to_user(
        bytes.fromhex("08 02 00 55 05 04 03 80 90 a3 18 03 a9 83 81 28 04 b1 4d 69 6b 70 02 81 31")
    )
    assert pair.u.events[0][1:] == ("setup", {"timeslot": 1, "calling": "", "called": "1", "display": "Mik"})


def test_without_display_the_events_carry_none():
    pair = Pair().up()
    pair.net.place_call("13800138000", "8001")
    pair.pump()
    assert "display" not in pair.u.events[-1][2]


def test_span_posts_the_carrier_display_on_e1_setup_and_e1_connect(rig: Rig):
    mark = rig.log.mark()
    rig.carrier.call("13800138000", "8001", display="Zhang San")
    setup = rig.log.wait(events.E1Setup, since=mark)
    assert (setup.calling, setup.called, setup.display) == ("13800138000", "8001", "Zhang San")
    ref = rig.span.place_call("8001", "13900000000")
    call_id = rig.carrier.wait_for(
        lambda: next((c["call_id"] for c in rig.carrier.calls() if c["called"] == "13900000000"), None),
        what="SETUP at the carrier",
    )
    rig.carrier.answer(call_id, display="Li Si")
    assert rig.log.wait(events.E1Connect, since=mark, call_ref=ref).display == "Li Si"


def test_e1_setup_display_defaults_to_empty():
    assert events.E1Setup("e1/1", call_ref=1, calling="1", called="2").display == ""
    assert events.E1Connect("e1/1", call_ref=1).display == ""

"""Q.931 call state machine, user and network side: every transition, timers, invalid events."""

from __future__ import annotations

from typing import Any

import pytest

from hal.isdn import q931
from hal.isdn.errors import InvalidTransition
from hal.isdn.q931 import IE, MT, Cause, Message
from hal.isdn.q931_call import Call
from hal.isdn.timers import FakeClock


class Owner:
    def __init__(self, accept: bool = True) -> None:
        self.sent: list[Message] = []
        self.events: list[tuple[str, dict[str, Any]]] = []
        self.accept = accept

    def send_message(self, msg: Message) -> None:
        self.sent.append(msg)

    def call_event(self, call: Call, event: str, **data: Any) -> None:
        self.events.append((event, data))

    def accept_channel(self, call: Call, ie: q931.ChannelId) -> bool:
        if self.accept:
            call.channel = ie.channel
        return self.accept

    def take(self) -> list[str]:
        out = [m.name for m in self.sent]
        self.sent.clear()
        return out

    def names(self) -> list[str]:
        return [e for e, _ in self.events]


def make(network: bool = False, outgoing: bool = True) -> tuple[Call, Owner, FakeClock]:
    owner, clock = Owner(), FakeClock()
    return Call(owner, 9, outgoing, network, clock=clock), owner, clock


def peer(call: Call, mtype: int, **ies: Any) -> None:
    table = {"cause": IE.CAUSE, "channel": IE.CHANNEL_ID, "state": IE.CALL_STATE}
    call.receive(Message(mtype, call.call_ref, flag=call.outgoing, ies={table[k]: v for k, v in ies.items()}))


def expire(call: Call, clock: FakeClock, seconds: float) -> None:
    clock.advance(seconds + 0.01)
    call.poll()


def incoming(network: bool = False) -> tuple[Call, Owner, FakeClock]:
    call, owner, clock = make(network, outgoing=False)
    call.channel = 3
    peer(call, MT.SETUP)
    return call, owner, clock


def active(network: bool = False) -> tuple[Call, Owner, FakeClock]:
    call, owner, clock = make(network)
    call.setup("100", "200", 1, True)
    peer(call, MT.CONNECT, channel=q931.ChannelId(1, exclusive=True))
    owner.sent.clear()
    owner.events.clear()
    return call, owner, clock


def test_user_outgoing_call_walks_u0_u1_u3_u4_u10_u11_u0():
    call, owner, _ = make()
    call.setup("100", "200", 31, False)
    assert call.state_name == "U1" and owner.take() == ["SETUP"] and call.timers.running("T303")
    peer(call, MT.CALL_PROCEEDING, channel=q931.ChannelId(31, exclusive=True))
    assert call.state_name == "U3" and call.timers.names() == ["T310"]
    peer(call, MT.ALERTING)
    assert call.state_name == "U4" and call.timers.names() == []
    peer(call, MT.CONNECT)
    assert call.state_name == "U10" and owner.take() == ["CONNECT ACKNOWLEDGE"]
    call.disconnect(Cause.NORMAL_CLEARING)
    assert call.state_name == "U11" and owner.take() == ["DISCONNECT"] and call.timers.names() == ["T305"]
    peer(call, MT.RELEASE)
    assert call.state_name == "U0" and owner.take() == ["RELEASE COMPLETE"]
    assert owner.names() == ["proceeding", "alerting", "connect", "released"]


def test_user_setup_carries_bearer_channel_and_numbers():
    call, owner, _ = make()
    call.setup("13800138000", "8001", 5, True)
    setup = owner.sent[0]
    assert setup.get(IE.BEARER_CAPABILITY) == q931.BearerCapability()
    assert setup.get(IE.CHANNEL_ID) == q931.ChannelId(5, exclusive=True)
    assert (
        setup.get(IE.CALLING_NUMBER).digits == "13800138000" and setup.get(IE.CALLED_NUMBER).digits == "8001"
    )
    assert setup.sending_complete and not setup.flag


def test_user_incoming_call_walks_u0_u6_u9_u7_u8_u10_u12_u19_u0():
    call, owner, _ = incoming()
    assert call.state_name == "U6" and owner.names() == ["setup"]
    call.proceeding()
    assert call.state_name == "U9" and owner.sent[-1].get(IE.CHANNEL_ID) == q931.ChannelId(3, exclusive=True)
    call.alerting()
    assert call.state_name == "U7" and IE.CHANNEL_ID not in owner.sent[-1].ies  # only in the first answer
    call.connect()
    assert call.state_name == "U8" and call.timers.names() == ["T313"]
    peer(call, MT.CONNECT_ACKNOWLEDGE)
    assert call.state_name == "U10" and owner.names()[-1] == "active"
    peer(call, MT.DISCONNECT, cause=q931.CauseIE(17))
    assert call.state_name == "U12" and owner.events[-1] == ("disconnect", {"cause": 17})
    call.release()
    assert call.state_name == "U19" and call.timers.names() == ["T308"]
    peer(call, MT.RELEASE_COMPLETE)
    assert call.state_name == "U0" and owner.events[-1] == ("released", {"cause": 17})
    assert [m.name for m in owner.sent] == ["CALL PROCEEDING", "ALERTING", "CONNECT", "RELEASE"]
    assert all(m.flag for m in owner.sent)  # we did not allocate the call reference


def test_network_incoming_call_walks_n0_n1_n3_n4_n10_and_connects_without_ack():
    call, owner, _ = incoming(network=True)
    assert call.state_name == "N1"
    call.proceeding()
    assert call.state_name == "N3"
    call.alerting()
    assert call.state_name == "N4"
    call.connect()
    assert call.state_name == "N10" and call.timers.names() == []
    peer(call, MT.CONNECT_ACKNOWLEDGE)
    assert call.state_name == "N10"


def test_network_outgoing_call_walks_n6_n9_n7_n10_n12():
    call, owner, _ = make(network=True)
    call.setup("100", "200", 1, True)
    assert call.state_name == "N6"
    peer(call, MT.CALL_PROCEEDING, channel=q931.ChannelId(1, exclusive=True))
    assert call.state_name == "N9"
    peer(call, MT.ALERTING)
    assert call.state_name == "N7"
    peer(call, MT.CONNECT)
    assert call.state_name == "N10"
    call.disconnect(Cause.USER_BUSY)
    assert call.state_name == "N12" and owner.sent[-1].get(IE.CAUSE) == q931.CauseIE(17, location=2)
    peer(call, MT.DISCONNECT, cause=q931.CauseIE(16))
    assert call.state_name == "N19"  # clear collision: RELEASE


def test_network_disconnect_received_is_n11():
    call, owner, _ = active(network=True)
    peer(call, MT.DISCONNECT, cause=q931.CauseIE(16))
    assert call.state_name == "N11"


def test_connect_straight_after_setup_activates():
    call, owner, _ = make()
    call.setup("1", "2", 1, True)
    peer(call, MT.CONNECT, channel=q931.ChannelId(1, exclusive=True))
    assert call.state_name == "U10" and owner.names() == ["connect"]


def test_alerting_as_first_answer_takes_the_channel():
    call, owner, _ = make()
    call.setup("1", "2", None, False)
    peer(call, MT.ALERTING, channel=q931.ChannelId(7, exclusive=True))
    assert call.state_name == "U4" and call.channel == 7


def test_first_answer_with_unusable_channel_clears_with_cause_6():
    call, owner, _ = make()
    owner.accept = False
    call.setup("1", "2", None, False)
    peer(call, MT.CALL_PROCEEDING, channel=q931.ChannelId(7, exclusive=True))
    assert call.state_name == "U19" and owner.sent[-1].cause == 6
    assert ("disconnect", {"cause": 6}) in owner.events


def test_first_answer_without_channel_when_none_was_chosen_clears_with_cause_96():
    call, owner, _ = make()
    call.setup("1", "2", None, False)
    peer(call, MT.CALL_PROCEEDING)
    assert call.state_name == "U19" and owner.sent[-1].cause == Cause.MANDATORY_IE_MISSING


def test_t303_retransmits_setup_once_then_clears_with_102():
    call, owner, clock = make()
    call.setup("1", "2", 1, True)
    expire(call, clock, 4)
    assert call.state_name == "U1" and owner.take() == ["SETUP", "SETUP"]
    expire(call, clock, 4)
    assert (
        call.state_name == "U0" and owner.sent[-1].name == "RELEASE COMPLETE" and owner.sent[-1].cause == 102
    )
    assert owner.names() == ["disconnect", "released"]


def test_t310_expiry_disconnects_with_102():
    call, owner, clock = make()
    call.setup("1", "2", 1, True)
    peer(call, MT.CALL_PROCEEDING, channel=q931.ChannelId(1, exclusive=True))
    expire(call, clock, 30)
    assert (
        call.state_name == "U11"
        and owner.sent[-1].cause == 102
        and ("disconnect", {"cause": 102}) in owner.events
    )


def test_t305_expiry_sends_release_keeping_the_cause():
    call, owner, clock = active()
    call.disconnect(Cause.USER_BUSY)
    expire(call, clock, 30)
    assert call.state_name == "U19" and owner.sent[-1].name == "RELEASE" and owner.sent[-1].cause == 17


def test_t308_retransmits_release_once_then_frees_the_call():
    call, owner, clock = active()
    peer(call, MT.DISCONNECT, cause=q931.CauseIE(16))
    call.release()
    expire(call, clock, 4)
    assert call.state_name == "U19" and [m.name for m in owner.sent] == ["RELEASE", "RELEASE"]
    expire(call, clock, 4)
    assert call.state_name == "U0"


def test_t313_expiry_disconnects_with_102():
    call, owner, clock = incoming()
    call.connect()
    expire(call, clock, 4)
    assert call.state_name == "U11" and owner.sent[-1].cause == 102


def test_release_in_release_request_is_a_clear_collision_without_release_complete():
    call, owner, _ = active()
    peer(call, MT.DISCONNECT, cause=q931.CauseIE(16))
    call.release()
    owner.sent.clear()
    peer(call, MT.RELEASE)
    assert call.state_name == "U0" and owner.sent == []


@pytest.mark.parametrize("mtype", [MT.RELEASE, MT.RELEASE_COMPLETE])
def test_far_end_release_in_any_live_state_ends_the_call_with_its_cause(mtype):
    call, owner, _ = active()
    peer(call, mtype, cause=q931.CauseIE(Cause.CALL_REJECTED))
    assert call.state_name == "U0" and owner.events == [
        ("disconnect", {"cause": 21}),
        ("released", {"cause": 21}),
    ]
    assert owner.take() == (["RELEASE COMPLETE"] if mtype == MT.RELEASE else [])


def test_refusing_an_offered_call_sends_release_complete():
    call, owner, _ = incoming()
    call.disconnect(Cause.USER_BUSY)
    assert call.state_name == "U0" and owner.take() == ["RELEASE COMPLETE"]
    assert owner.events[-1] == ("released", {"cause": 17}) and "disconnect" not in owner.names()


def test_status_enquiry_is_answered_with_the_call_state():
    call, owner, _ = active()
    peer(call, MT.STATUS_ENQUIRY)
    status = owner.sent[-1]
    assert status.name == "STATUS" and status.cause == 30 and status.get(IE.CALL_STATE) == q931.CallState(10)


def test_status_reporting_null_state_drops_the_call():
    call, owner, _ = active()
    peer(call, MT.STATUS, cause=q931.CauseIE(101), state=q931.CallState(0))
    assert call.state_name == "U0" and ("disconnect", {"cause": 101}) in owner.events


def test_status_with_a_live_state_changes_nothing():
    call, owner, _ = active()
    peer(call, MT.STATUS, cause=q931.CauseIE(30), state=q931.CallState(10))
    assert call.state_name == "U10"


def test_abort_drops_a_live_call_without_messages():
    call, owner, _ = active()
    call.abort(Cause.TEMPORARY_FAILURE)
    assert call.state_name == "U0" and owner.sent == [] and owner.names() == ["disconnect", "released"]


@pytest.mark.parametrize(
    ("setup", "action"),
    [
        (make, lambda c: peer(c, MT.CONNECT)),  # U0
        (make, lambda c: c.connect()),
        (make, lambda c: c.disconnect()),
        (make, lambda c: peer(c, MT.DISCONNECT, cause=q931.CauseIE(16))),
        (active, lambda c: c.proceeding()),
        (active, lambda c: c.connect()),
        (active, lambda c: c.setup("1", "2", 1, True)),
        (active, lambda c: peer(c, MT.ALERTING)),
        (active, lambda c: c.release()),
        (incoming, lambda c: peer(c, MT.CONNECT)),
        (incoming, lambda c: peer(c, MT.ALERTING)),
        (incoming, lambda c: c.release()),
    ],
)
def test_impossible_events_raise_invalid_transition(setup, action):
    call = setup()[0]
    before = call.state_name
    with pytest.raises(InvalidTransition):
        action(call)
    assert call.state_name == before


# --- data-link failure (Q.931 5.8.9) and the status enquiry (5.8.10) ---------------------------------
def test_link_lost_holds_an_active_call_for_t309_then_clears_it_with_41():
    call, owner, clock = active()
    call.link_lost()
    assert call.state_name == "U10" and call.held and owner.sent == [] and owner.events == []
    expire(call, clock, 5.9)
    assert call.state_name == "U10"
    expire(call, clock, 0.1)
    assert call.state_name == "U0" and owner.sent == []
    assert owner.events == [("disconnect", {"cause": 41}), ("released", {"cause": 41})]


@pytest.mark.parametrize("setup", [make, incoming])
def test_link_lost_clears_a_call_not_yet_active_at_once_with_41(setup):
    call, owner, _ = setup()
    if call.outgoing:
        call.setup("100", "200", 1, True)
    owner.sent.clear()
    call.link_lost()
    assert call.state_name == "U0" and owner.sent == [] and ("disconnect", {"cause": 41}) in owner.events


def test_link_restored_stops_t309_and_enquires_then_status_30_keeps_the_call():
    call, owner, clock = active()
    call.link_lost()
    call.link_restored()
    assert not call.held and call.timers.names() == ["T322"] and owner.take() == ["STATUS ENQUIRY"]
    peer(call, MT.STATUS, cause=q931.CauseIE(30), state=q931.CallState(10))
    assert call.timers.names() == [] and call.state_name == "U10"


def test_status_97_keeps_t322_running_and_two_unanswered_enquiries_clear_with_41():
    call, owner, clock = active()
    call.link_lost()
    call.link_restored()
    peer(call, MT.STATUS, cause=q931.CauseIE(97), state=q931.CallState(10))
    assert call.timers.names() == ["T322"]
    expire(call, clock, 4.0)
    assert call.state_name == "U10" and owner.take() == ["STATUS ENQUIRY", "STATUS ENQUIRY"]
    expire(call, clock, 4.0)
    assert call.state_name == "U11" and [(m.name, m.cause) for m in owner.sent] == [("DISCONNECT", 41)]
    assert ("disconnect", {"cause": 41}) in owner.events


def test_status_30_reporting_null_after_the_enquiry_clears_with_41():
    call, owner, _ = active()
    call.link_lost()
    call.link_restored()
    peer(call, MT.STATUS, cause=q931.CauseIE(30), state=q931.CallState(0))
    assert call.state_name == "U0" and owner.events[0] == ("disconnect", {"cause": 41})


def test_a_link_reset_without_failure_leaves_every_call_as_it_was():
    call, owner, _ = incoming()
    call.link_restored()  # Q.931 5.8.8: DL-ESTABLISH indication for a call in progress
    assert call.state_name == "U6" and owner.sent == []


def test_drop_clears_internally_without_messages_or_disconnect_event():
    call, owner, _ = active()
    call.link_lost()
    call.drop(16)
    assert call.state_name == "U0" and owner.sent == [] and owner.events == [("released", {"cause": 16})]


def test_display_of_the_far_ends_setup_and_connect_is_kept_and_passed_up():
    call, owner, _ = make(outgoing=False)
    call.receive(Message(MT.SETUP, 9, ies={IE.DISPLAY: q931.Display("Zhang San")}))
    assert call.display == "Zhang San"
    out, out_owner, _ = make()
    out.setup("100", "200", 1, True)
    peer_msg = Message(MT.CONNECT, 9, flag=True, ies={IE.DISPLAY: q931.Display("Li Si")})
    peer_msg.ies[IE.CHANNEL_ID] = q931.ChannelId(1, exclusive=True)
    out.receive(peer_msg)
    assert ("connect", {"display": "Li Si"}) in out_owner.events


def test_the_network_side_sends_display_in_setup_and_connect():
    call, owner, _ = make(network=True)
    call.setup("100", "200", 1, True, display="Zhang San")
    assert owner.sent[-1].get(IE.DISPLAY) == q931.Display("Zhang San")
    answering, owner, _ = incoming(network=True)
    answering.connect(display="Li Si")
    assert owner.sent[-1].name == "CONNECT" and owner.sent[-1].get(IE.DISPLAY) == q931.Display("Li Si")

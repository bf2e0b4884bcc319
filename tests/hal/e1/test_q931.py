"""Q.931 message codec: known captures, every IE round-trip, lenient decoding of malformed input."""

from __future__ import annotations

import pytest

from hal.isdn import q931
from hal.isdn.errors import MessageError
from hal.isdn.q931 import IE, MT, Cause, Message

# SETUP from a public decode ("simple ISDN call", linkbit.com): call reference 50, speech A-law,
# channel 5 exclusive, progress "in-band information", calling 2222205 (national, ISDN, presentation
# allowed), called 1111105, sending complete.
CAPTURED_SETUP = bytes.fromhex(
    "08 02 00 32 05 04 03 80 90 a3 18 03 a9 83 85 1e 02 81 88 6c 09 21 80 32 32 32 32 32 30 35"
    " 70 08 a1 31 31 31 31 31 30 35 a1"
)
# A BRI SETUP (one-octet call reference) and the network's SETUP ACKNOWLEDGE from another public trace.
CAPTURED_BRI_SETUP = bytes.fromhex(
    "08 01 01 05 04 02 88 90 18 01 83 6c 03 00 80 30 70 0c 80 30 31 37 33 36 32 33 33 31 30 36"
)
CAPTURED_BRI_SETUP_ACK = bytes.fromhex("08 01 81 0d 18 01 89")


def test_q931_decodes_a_captured_pri_setup():
    msg = q931.decode(CAPTURED_SETUP)
    assert (msg.mtype, msg.call_ref, msg.flag, msg.cr_len) == (MT.SETUP, 50, False, 2)
    assert msg.get(IE.BEARER_CAPABILITY) == q931.BearerCapability(q931.SPEECH, 0x10, q931.G711_ALAW)
    assert msg.get(IE.CHANNEL_ID) == q931.ChannelId(5, exclusive=True)
    assert msg.get(IE.PROGRESS_INDICATOR) == q931.ProgressIndicator(8, location=1)
    assert msg.get(IE.CALLING_NUMBER) == q931.PartyNumber(
        "2222205", type=2, plan=1, presentation=0, screening=0
    )
    assert msg.get(IE.CALLED_NUMBER) == q931.PartyNumber("1111105", type=2, plan=1)
    assert msg.sending_complete and not msg.unknown_ies and not msg.bad_ies
    assert q931.encode(msg) == CAPTURED_SETUP


def test_q931_decodes_captured_bri_messages_with_one_octet_call_references():
    setup = q931.decode(CAPTURED_BRI_SETUP)
    assert (setup.call_ref, setup.cr_len) == (1, 1)
    assert setup.get(IE.BEARER_CAPABILITY).capability == q931.UNRESTRICTED_DIGITAL
    assert setup.get(IE.CHANNEL_ID) == q931.ChannelId(None, any_channel=True, primary=False)
    assert setup.get(IE.CALLED_NUMBER).digits == "01736233106"
    ack = q931.decode(CAPTURED_BRI_SETUP_ACK)
    assert (ack.mtype, ack.flag) == (MT.SETUP_ACKNOWLEDGE, True)
    assert ack.get(IE.CHANNEL_ID) == q931.ChannelId(1, exclusive=True, primary=False)


def test_q931_encodes_a_disconnect_with_normal_clearing_as_seen_on_the_wire():
    msg = Message(MT.DISCONNECT, 0x32, flag=True, ies={IE.CAUSE: q931.CauseIE(Cause.NORMAL_CLEARING)})
    assert q931.encode(msg) == bytes.fromhex("08 02 80 32 45 08 02 80 90")


@pytest.mark.parametrize(
    ("ident", "value"),
    [
        (IE.BEARER_CAPABILITY, q931.BearerCapability(q931.AUDIO_3K1, 0x10, q931.G711_ULAW)),
        (IE.BEARER_CAPABILITY, q931.BearerCapability(q931.UNRESTRICTED_DIGITAL, 0x10, None)),
        (IE.CHANNEL_ID, q931.ChannelId(31, exclusive=False)),
        (IE.CHANNEL_ID, q931.ChannelId(None, any_channel=True)),
        (IE.CAUSE, q931.CauseIE(34, location=2, diagnostic=b"\x01")),
        (IE.CALL_STATE, q931.CallState(10)),
        (IE.PROGRESS_INDICATOR, q931.ProgressIndicator(1, location=2)),
        (IE.DISPLAY, q931.Display("Reception")),
        (IE.CALLING_NUMBER, q931.PartyNumber("13800138000", type=1, presentation=1, screening=3)),
        (IE.CALLED_NUMBER, q931.PartyNumber("8001", type=4, plan=9)),
        (IE.RESTART_INDICATOR, q931.RestartIndicator(7)),
    ],
    ids=lambda v: getattr(v, "name", type(v).__name__),
)
def test_q931_round_trips_every_information_element(ident, value):
    msg = Message(MT.STATUS, 7, ies={ident: value})
    back = q931.decode(q931.encode(msg))
    assert back.ies == {ident: value} and not back.bad_ies


@pytest.mark.parametrize("mtype", list(MT))
def test_q931_round_trips_every_message_type(mtype):
    msg = Message(mtype, 0x1234, flag=True)
    back = q931.decode(q931.encode(msg))
    assert (back.mtype, back.call_ref, back.flag, back.known) == (mtype, 0x1234, True, True)


def test_q931_encodes_ies_in_ascending_order():
    msg = Message(
        MT.SETUP,
        1,
        ies={IE.CALLED_NUMBER: q931.PartyNumber("1"), IE.BEARER_CAPABILITY: q931.BearerCapability()},
    )
    raw = q931.encode(msg)
    assert raw.index(bytes((IE.BEARER_CAPABILITY,))) < raw.index(bytes((IE.CALLED_NUMBER,)))


def test_q931_global_call_reference_for_restart():
    msg = Message(MT.RESTART, 0, ies={IE.RESTART_INDICATOR: q931.RestartIndicator(7)})
    assert q931.encode(msg) == bytes.fromhex("08 02 00 00 46 79 01 87")


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"\x08\x02", "too short"),
        (b"\x09\x02\x00\x01\x05", "discriminator"),
        (b"\x08\x03\x00\x00\x01\x05", "call reference length"),
        (b"\x08\x12\x00\x01\x05", "call reference length"),
        (b"\x08\x02\x00", "inside the call reference"),
        (b"\x08\x02\x00\x01\x85", "bit 8"),
    ],
)
def test_q931_rejects_unusable_headers(raw, reason):
    with pytest.raises(MessageError, match=reason):
        q931.decode(raw)


def test_q931_unknown_message_type_is_decoded_but_flagged():
    msg = q931.decode(b"\x08\x02\x00\x01\x33")
    assert not msg.known and msg.name == "UNKNOWN(0x33)"


def test_q931_ie_running_past_the_end_is_recorded_as_bad():
    raw = q931.encode(Message(MT.SETUP, 1, ies={IE.BEARER_CAPABILITY: q931.BearerCapability()}))
    msg = q931.decode(raw + b"\x18\x05\xa9\x83")  # channel id says 5 octets, 2 follow
    assert msg.bad_ies == [IE.CHANNEL_ID] and IE.BEARER_CAPABILITY in msg.ies
    assert q931.problems(msg, (IE.BEARER_CAPABILITY, IE.CHANNEL_ID)) == (Cause.INVALID_IE_CONTENTS, None)


@pytest.mark.parametrize(
    ("ie_bytes", "ident"),
    [
        (b"\x04\x01\x80", IE.BEARER_CAPABILITY),  # too short
        (b"\x18\x03\xa9\x83\x90", IE.CHANNEL_ID),  # timeslot 16 is the D-channel
        (b"\x18\x01\xa9", IE.CHANNEL_ID),  # channel indicated but no number
        (b"\x18\x01\xac", IE.CHANNEL_ID),  # D-channel indicator
        (b"\x08\x01\x80", IE.CAUSE),  # no value octet
        (b"\x14\x02\x0a\x0a", IE.CALL_STATE),
        (b"\x6c\x03\xa1\x32\xb1", IE.CALLING_NUMBER),  # digit outside IA5
        (b"\x79\x01\x83", IE.RESTART_INDICATOR),
    ],
)
def test_q931_invalid_ie_contents_are_recorded_not_raised(ie_bytes, ident):
    msg = q931.decode(b"\x08\x02\x00\x01\x7d" + ie_bytes)
    assert msg.bad_ies == [ident] and ident not in msg.ies


def test_q931_problems_name_the_q931_causes():
    missing = q931.decode(b"\x08\x02\x00\x01\x45")  # DISCONNECT without cause
    assert q931.problems(missing) == (Cause.MANDATORY_IE_MISSING, None)
    unknown = q931.decode(b"\x08\x02\x00\x01\x45\x08\x02\x80\x90\x7e\x02\x01\x02")  # + user-user IE
    assert q931.problems(unknown) == (None, Cause.IE_NONEXISTENT) and unknown.unknown_ies == [0x7E]
    bad_optional = q931.decode(b"\x08\x02\x00\x01\x45\x08\x02\x80\x90\x1e\x01\x81")
    assert q931.problems(bad_optional) == (None, Cause.INVALID_IE_CONTENTS)


def test_q931_skips_ies_of_other_codesets_and_honours_shifts():
    # locking shift to codeset 6, a national IE, then (non-locking) nothing back: both IEs skipped
    raw = b"\x08\x02\x00\x01\x7d\x08\x02\x80\x90\x14\x01\x0a\x96\x08\x01\x41\x9e\x28\x01\x41"
    msg = q931.decode(raw)
    assert set(msg.ies) == {IE.CAUSE, IE.CALL_STATE} and not msg.unknown_ies


def test_q931_display_skips_a_charset_octet():
    msg = q931.decode(b"\x08\x02\x00\x01\x7d\x28\x04\xb1abc")
    assert msg.get(IE.DISPLAY) == q931.Display("abc")

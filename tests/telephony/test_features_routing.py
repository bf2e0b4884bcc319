"""End to end: ring groups, caller black/whitelists, caller-ID names from the customer table, speed
dials and hot-desk (SIP and analog phones) on the running box with real pjsua2 phones and the
simulated board."""

from __future__ import annotations

import time

import pytest

from telephony.control.client import ControlClient
from tests.support import audio
from tests.support.box import Box, wait_until

SECRET = "Secr3tPass9"
FREQS = [450, 600, 1000, 1400]
PIN = "4321"


@pytest.fixture(scope="module")
def rbox(tmp_path_factory):
    box = Box(tmp_path_factory.mktemp("routing-features"), rtp_port=32000).start()
    for number in ("1001", "1002", "1003", "1004", "1005", "1006"):
        box.add_extension(number, SECRET, f"Phone {number}")
    box.db()
    from telephony.models import Customer, CustomerNumber, Setting
    from telephony.models.features import ExtensionFeatures, RingGroup, SpeedDial
    from telephony.models.lines import InboundRoute, PortSetting
    from telephony.models.voicemail import Mailbox

    Setting.set_value("no_answer_timeout", "3")
    Setting.set_value("prompt_language", "en")
    PortSetting.create(port="fxs1", number="2001", caller_id_name="Lobby")
    PortSetting.create(port="fxs2", number="2002", caller_id_name="Desk")
    InboundRoute.create(trunk="*", destination="1001")
    customer = Customer.create(name="Zhang San", company="ACME")
    CustomerNumber.create(customer=customer, number="13912345678")
    RingGroup.create(number="600", name="Sales", strategy="ringall", members="1003,1004", ring_seconds=10)
    RingGroup.create(
        number="601", name="Support", strategy="hunt", members="1003,1004", ring_seconds=5, fallback="1005"
    )
    SpeedDial.create(code="05", number="1003", label="Reception")
    RingGroup.create(number="602", name="Shop", strategy="ringall", members="1003,2001", ring_seconds=10)
    Mailbox.create(number="1002")
    desk = ExtensionFeatures(number="1006")
    desk.set_hotdesk_pin(PIN)
    desk.save()
    box.control.reload()
    wait_until(lambda: box.control.get("/status")["ports_summary"], 10, "the board's ports")
    yield box
    box.stop()


@pytest.fixture
def phones(phone_host, rbox, tmp_path):
    phone_host.rtp_port = 44000  # away from other suites' phones (RTP ports on a shared machine)

    def make(number: str, answer: int = 200):
        phone = phone_host.phone(rbox.sip, number, SECRET)
        phone.record_dir = tmp_path
        phone.answer_code = answer
        phone_host.wait(lambda: phone.registered, 10, f"{number} registered")
        return phone

    yield make
    phone_host.drop_phones()
    phone_host.rtp_port = 40000
    rbox.db()
    from telephony.models.features import CallerList, HotDesk

    CallerList.delete().execute()
    HotDesk.delete().execute()


@pytest.fixture
def tone600(tmp_path):
    return audio.write_tone(tmp_path / "tone-600.wav", 600, seconds=30.0)


def sim(box: Box, verb: str, **args):
    return ControlClient(box.cfg.control_url, timeout=30).post(f"/sim/{verb}", args)["result"]


def events(box: Box, port: str) -> list[dict]:
    return sim(box, "events", port=port)


def hang_up(box: Box, port: str) -> None:
    sim(box, "onhook", port=port)
    wait_until(
        lambda: next(r for r in box.control.get("/ports") if r["name"] == port)["call_state"] == "idle",
        10,
        f"{port} idle",
    )


def hears(call, phone_host, freq: float, seconds: float = 1.0) -> bool:
    start = call.recorded_seconds()
    phone_host.wait(lambda: call.recorded_seconds() > start + seconds, 10, "audio at the phone")
    last = audio.read_pcm(call.record_path)[-4000:]
    return audio.rms(last) > 1000 and audio.dominant(last, FREQS) == freq


def caller_list(box: Box, **fields):
    box.db()
    from telephony.models.features import CallerList

    return CallerList.create(**fields)


def test_ring_group_ringall_rings_every_member_and_the_first_to_answer_takes_it(
    rbox, phones, phone_host, tone600
):
    caller = phones("1001")
    caller.play_path = tone600
    ringing, answering = phones("1003", answer=0), phones("1004")
    call = caller.call("600")
    phone_host.wait(lambda: call.confirmed, 10, "1004 answers the group")
    assert len(ringing.incoming) == 1  # both rang
    phone_host.wait(lambda: ringing.incoming[0].disconnected, 10, "1003 stops ringing")
    assert hears(answering.incoming[-1], phone_host, 600)
    call.hangup_now()


def test_ring_group_hunt_tries_members_in_order_then_the_fallback(rbox, phones, phone_host, tone600):
    caller = phones("1001")
    caller.play_path = tone600
    first, second, fallback = phones("1003", answer=0), phones("1004", answer=486), phones("1005")
    before = len(rbox.cdrs())
    started = time.monotonic()
    call = caller.call("601")
    phone_host.wait(lambda: len(first.incoming) == 1, 10, "1003 rings first")
    assert second.incoming == []
    phone_host.wait(lambda: len(second.incoming) == 1, 10, "then 1004 (after 5 s)")
    assert time.monotonic() - started >= 4.5 and first.incoming[0].disconnected
    phone_host.wait(lambda: fallback.incoming and fallback.incoming[-1].confirmed, 10, "1004 busy: fallback")
    assert hears(fallback.incoming[-1], phone_host, 600)
    call.hangup_now()
    wait_until(
        lambda: any(c.callee == "601" and c.disposition == "ANSWERED" for c in rbox.cdrs()[before:]),
        10,
        "CDR",
    )
    cdr = next(c for c in rbox.cdrs()[before:] if c.callee == "601" and c.disposition == "ANSWERED")
    assert {leg.role: leg.peer for leg in cdr.legs}["forwarded_by"] == "601"


def test_blacklisted_caller_gets_busy_and_the_phone_never_rings(rbox, phones, phone_host):
    caller_list(rbox, name="nuisance", kind="block", scope="1002", numbers="1001", treatment="busy")
    caller, callee = phones("1001"), phones("1002", answer=0)
    call = caller.call("1002")
    phone_host.wait(lambda: call.disconnected, 10, "the blocked call refused")
    assert call.last_code == 486 and callee.incoming == []
    other = phones("1003").call("1002")  # not on the list
    phone_host.wait(lambda: len(callee.incoming) == 1, 10, "1002 rings for 1003")
    other.hangup_now()


def test_blacklist_prefix_with_a_message_answers_speaks_and_hangs_up(rbox, phones, phone_host):
    caller_list(rbox, name="prefix", kind="block", scope="", numbers="100*", treatment="message")
    caller, callee = phones("1001"), phones("1002", answer=0)
    call = caller.call("1002")
    phone_host.wait(lambda: call.confirmed, 10, "the message answered")
    phone_host.wait(lambda: call.disconnected, 20, "spoken and hung up")
    assert call.recorded_seconds() > 1.0 and audio.rms(audio.read_pcm(call.record_path)) > 300
    assert callee.incoming == []


def test_whitelist_lets_only_listed_callers_in(rbox, phones, phone_host):
    caller_list(rbox, name="vip only", kind="allow", scope="1004", numbers="1005", treatment="hangup")
    callee = phones("1004", answer=0)
    refused = phones("1001").call("1004")
    phone_host.wait(lambda: refused.disconnected, 10, "an unlisted caller refused")
    assert refused.last_code == 403 and callee.incoming == []
    allowed = phones("1005").call("1004")
    phone_host.wait(lambda: len(callee.incoming) == 1, 10, "the listed caller rings 1004")
    allowed.hangup_now()


def test_caller_id_name_comes_from_the_customer_table_on_an_inbound_pstn_call(rbox, phones, phone_host):
    alice = phones("1001", answer=0)
    sim(rbox, "ring", port="fxo1", cid_number="13912345678")
    phone_host.wait(lambda: alice.incoming, 15, "1001 rings for the PSTN caller")
    invite = alice.incoming[-1].invite
    assert '"Zhang San" <sip:13912345678@' in invite
    sim(rbox, "pstn_stop_ring", port="fxo1")  # the PSTN caller gives up
    phone_host.wait(lambda: alice.incoming[-1].disconnected, 15, "the PSTN caller gone")


def test_speed_dial_from_a_sip_phone_and_an_unknown_code(rbox, phones, phone_host):
    caller, target = phones("1001"), phones("1003")
    call = caller.call("*005")
    phone_host.wait(lambda: target.incoming and target.incoming[-1].confirmed, 10, "*005 reaches 1003")
    assert "sip:1001@" in target.incoming[-1].invite
    call.hangup_now()
    unknown = caller.call("*009")
    phone_host.wait(lambda: unknown.confirmed, 10, "the box answers an unknown speed dial")
    phone_host.wait(lambda: unknown.disconnected, 20, "and hangs up after saying so")
    assert len(target.incoming) == 1


def hotdesk_rows(box: Box) -> list[tuple[str, str]]:
    box.db()
    from telephony.models.features import HotDesk

    return [(r.extension, r.phone) for r in HotDesk.select()]


def test_hot_desk_on_a_sip_phone_takes_the_extension_calls_and_identity(rbox, phones, phone_host):
    desk, other = phones("1005"), phones("1001")
    bad = desk.call("*111006*9999")
    phone_host.wait(lambda: bad.disconnected, 20, "a wrong PIN answered and hung up")
    assert hotdesk_rows(rbox) == []
    login = desk.call(f"*111006*{PIN}")
    phone_host.wait(lambda: login.disconnected, 20, "the login confirmed")
    assert hotdesk_rows(rbox) == [("1006", "1005")]
    call = other.call("1006")
    phone_host.wait(lambda: desk.incoming and desk.incoming[-1].confirmed, 10, "1006's call rings phone 1005")
    call.hangup_now()
    out = desk.call("1001")
    phone_host.wait(lambda: other.incoming and other.incoming[-1].confirmed, 10, "the desk phone calls 1001")
    assert '"Phone 1006" <sip:1006@' in other.incoming[-1].invite
    out.hangup_now()
    logout = desk.call("*12")
    phone_host.wait(lambda: logout.disconnected, 20, "the logout confirmed")
    assert hotdesk_rows(rbox) == []
    gone = other.call("1006")
    phone_host.wait(lambda: gone.disconnected, 10, "1006 has no phone now")
    assert len(desk.incoming) == 1


def test_hot_desk_on_an_analog_phone(rbox, phones, phone_host):
    alice = phones("1001")
    sim(rbox, "offhook", port="fxs2")
    try:
        sim(rbox, "dial", port="fxs2", digits=f"*111006*{PIN}#")
        wait_until(lambda: hotdesk_rows(rbox) == [("1006", "2002")], 15, "the analog phone logged in")
    finally:
        hang_up(rbox, "fxs2")
    mark = len(events(rbox, "fxs2"))
    call = alice.call("1006")
    phone_host.wait(
        lambda: any(e["type"] == "ring-start" for e in events(rbox, "fxs2")[mark:]), 10, "fxs2 rings for 1006"
    )
    call.hangup_now()
    phone_host.wait(lambda: call.disconnected, 10, "hang-up")
    hang_up(rbox, "fxs2")
    sim(rbox, "offhook", port="fxs2")
    try:
        sim(rbox, "dial", port="fxs2", digits="1001")
        phone_host.wait(
            lambda: alice.incoming and alice.incoming[-1].confirmed, 10, "fxs2 calls 1001 as 1006"
        )
        sender = from_header(alice.incoming[-1].invite)
        assert "sip:1006@" in sender and "Phone 1006" in sender, sender
    finally:
        hang_up(rbox, "fxs2")


def from_header(invite: str) -> str:
    return next(line for line in invite.split("\r\n") if line.lower().startswith(("from:", "f:")))


def test_blacklist_can_send_the_caller_to_another_number(rbox, phones, phone_host):
    caller_list(
        rbox,
        name="to operator",
        kind="block",
        scope="1002",
        numbers="1001",
        treatment="number",
        target="1005",
    )
    callee, operator = phones("1002", answer=0), phones("1005")
    call = phones("1001").call("1002")
    phone_host.wait(lambda: operator.incoming and operator.incoming[-1].confirmed, 10, "1005 takes the call")
    phone_host.wait(lambda: call.confirmed, 10, "the caller connected to 1005")
    assert callee.incoming == []
    call.hangup_now()


def test_whitelist_on_a_trunk_refuses_unlisted_pstn_callers(rbox, phones, phone_host):
    for trunk in ("fxo2", "fxo3"):
        caller_list(
            rbox, name=f"known on {trunk}", kind="allow", scope=trunk, numbers="1391234*", treatment="hangup"
        )
    alice = phones("1001", answer=0)
    before = len(rbox.cdrs())
    sim(rbox, "ring", port="fxo3", cid_number="13800000001")

    def refused() -> bool:
        return any(c.caller == "13800000001" and c.disposition == "FAILED" for c in rbox.cdrs()[before:])

    phone_host.wait(refused, 15, "the unlisted PSTN caller refused")
    assert alice.incoming == []
    sim(rbox, "ring", port="fxo2", cid_number="13912340000")
    phone_host.wait(lambda: alice.incoming, 15, "the listed PSTN caller rings 1001")
    for port in ("fxo2", "fxo3"):
        sim(rbox, "pstn_stop_ring", port=port)


def test_ring_group_rings_an_analog_phone_too_and_its_pickup_wins(
    rbox, phones, phone_host, tone600, tmp_path
):
    caller = phones("1001")
    caller.play_path = tone600
    sip_member = phones("1003", answer=0)
    mark = len(events(rbox, "fxs1"))
    call = caller.call("602")
    phone_host.wait(
        lambda: sip_member.incoming and any(e["type"] == "ring-start" for e in events(rbox, "fxs1")[mark:]),
        10,
        "both members ring",
    )
    sim(rbox, "offhook", port="fxs1")
    try:
        phone_host.wait(lambda: call.confirmed, 10, "the analog phone's pickup answers the group call")
        phone_host.wait(lambda: sip_member.incoming[0].disconnected, 10, "1003 stops ringing")
        heard = tmp_path / "fxs1.wav"
        sim(rbox, "record", port="fxs1", file=str(heard), seconds=1.0)
        assert audio.dominant(audio.read_pcm(heard), FREQS) == 600
        call.hangup_now()
        phone_host.wait(lambda: call.disconnected, 10, "hang-up")
    finally:
        hang_up(rbox, "fxs1")


def test_blacklist_can_send_the_caller_to_voicemail(rbox, phones, phone_host):
    caller_list(rbox, name="to mailbox", kind="block", scope="1002", numbers="1001", treatment="voicemail")
    callee = phones("1002", answer=0)
    call = phones("1001").call("1002")
    phone_host.wait(lambda: call.confirmed, 10, "the callee's mailbox answers")
    assert callee.incoming == []
    call.hangup_now()

"""Feature codes and forward rules on a real database without a running core: which dialed strings
the codes own, what each sets, refusals, hot-desk login/lockout/logout and the dial plan following
a hot-desk login, and the forward loop and hop-limit checks."""

from __future__ import annotations

import logging
import types

import pytest

from telephony.calls import dialplan
from telephony.extensions.service import ExtensionInput, ExtensionService
from telephony.features import common, forward, hotdesk
from telephony.features.codes import FeatureCodes
from telephony.models import Extension, open_database
from telephony.models.features import ExtensionFeatures, HotDesk
from telephony.models.lines import DialRule, PortSetting, TrunkGroup


@pytest.fixture
def db(tmp_path):
    database = open_database(tmp_path / "pbx.sqlite3")
    for number in ("1001", "1002", "1003"):
        ExtensionService().create(ExtensionInput(number, f"Phone {number}", "Secr3tPass9"))
    Extension.update(permission="internal").where(Extension.number == "1003").execute()
    PortSetting.create(port="fxs1", number="2001")
    pstn = TrunkGroup.create(name="pstn", kind="fxo", members="fxo1")
    DialRule.create(prefix="0", min_length=2, strip=1, trunk_group=pstn, permission="local")
    yield database
    database.close()


@pytest.fixture
def codes(db):
    return FeatureCodes(service=None)  # type: ignore[arg-type]  # run() needs no engine


def row(number: str) -> ExtensionFeatures:
    return ExtensionFeatures.get(ExtensionFeatures.number == number)


def test_codes_own_their_strings_and_leave_park_slots_and_others_alone(codes):
    for number in (
        "*78",
        "*79",
        "*73",
        "*75",
        "*53",
        "*21",
        "*22",
        "*12",
        "*005",
        "*721003",
        "*520114",
        "*111001*1",
    ):
        assert codes.owns(number), number
    for number in ("*720", "*7", "*72", "*97", "*0", "*0055", "*11", "*1", "*28700", "1001"):
        assert not codes.owns(number), number
    assert codes.complete("*78") and codes.complete("*721002") and codes.complete("*017")
    assert not codes.complete("*7210") and not codes.complete(
        "*111001*1234"
    )  # a PIN ends with # or the timeout


def test_settings_codes_set_the_callers_features_and_refuse_what_it_may_not_dial(codes):
    assert codes.run("1001", "*78") == ("dnd_on", {"number": "True"}) and row("1001").dnd
    assert codes.run("1001", "*79")[0] == "dnd_off" and not row("1001").dnd
    assert codes.run("1001", "*720114") == ("fwd_always_on", {"number": "0114"})
    assert row("1001").forward_always == "0114"
    assert codes.run("1003", "*740114") == ("fwd_denied", {"number": "0114"})  # class internal
    assert codes.run("1001", "*521001") == ("fwd_self", {})
    assert codes.run("1001", "*21") == ("followme_none", {}) and not row("1001").followme_enabled
    assert codes.run("2001", "*741002")[0] == "fwd_busy_on" and row("2001").forward_busy == "1002"
    assert codes.run("9999", "*78") == ("no_extension", {})


def test_hot_desk_login_moves_the_extension_and_its_identity_then_logout(codes):
    desk = ExtensionFeatures(number="1001")
    desk.set_hotdesk_pin("4321")
    desk.save()
    assert codes.run("1002", "*111001*0000") == ("hotdesk_bad", {"number": ""})
    assert codes.run("1002", "*111001*4321") == ("hotdesk_in", {"number": "1001"})
    assert [(r.extension, r.phone) for r in HotDesk.select()] == [("1001", "1002")]
    assert dialplan.resolve("1001") == dialplan.Route("sip", "1002", "1002")
    assert codes.run("1002", "*78")[0] == "dnd_on" and row("1001").dnd  # the logged-in extension's
    assert codes.run("2001", "*111001*4321")[0] == "hotdesk_in"  # moves to the analog phone
    assert dialplan.resolve("1001") == dialplan.Route("fxs", "fxs1", "2001")
    assert hotdesk.extension_at("1002") is None and hotdesk.extension_at("2001") == "1001"
    assert codes.run("2001", "*12") == ("hotdesk_out", {"number": "1001"})
    assert codes.run("2001", "*12") == ("hotdesk_none", {"number": ""})
    assert dialplan.resolve("1001") == dialplan.Route("sip", "1001", "1001")


def test_five_wrong_hot_desk_pins_lock_the_phone_even_for_the_right_one(codes):
    desk = ExtensionFeatures(number="1001")
    desk.set_hotdesk_pin("4321")
    desk.save()
    for _ in range(hotdesk.MAX_FAILURES):
        assert codes.run("1003", "*111001*1111")[0] == "hotdesk_bad"
    assert codes.run("1003", "*111001*4321")[0] == "hotdesk_locked"
    assert not HotDesk.select().exists()
    assert codes.run("1002", "*111001*4321")[0] == "hotdesk_in"  # another phone is not locked


def test_forward_loops_and_the_hop_limit_are_refused_with_a_log_line(db, caplog):
    call = types.SimpleNamespace(uniqueid="u1", legs={})
    assert forward.loop_free(call, "1001", "1002")
    call.feature_path = ["1001"]
    with caplog.at_level(logging.WARNING):
        assert not forward.loop_free(call, "1002", "1001")
    assert "forward loop 1002 -> 1001" in caplog.text
    call.feature_path = [f"10{n}" for n in range(common.HOP_LIMIT)]
    with caplog.at_level(logging.WARNING):
        assert not forward.loop_free(call, "2001", "1003")
    assert "hop limit reached" in caplog.text
    assert forward.reachable("1001", "0114") and not forward.reachable("1003", "0114")


def test_a_failing_screen_lets_the_call_route_unscreened(db, caplog):
    from telephony.features.service import FeatureService

    service = FeatureService.__new__(FeatureService)  # no engine needed for the guard itself

    def broken(svc, call, digits, permission):
        raise RuntimeError("broken row")

    call = types.SimpleNamespace(uniqueid="u2", state="routing")
    with caplog.at_level(logging.ERROR):
        assert service._guarded(broken)(call, "1001", "internal") is False
    assert "screen" in caplog.text and "broken row" in caplog.text
    call.state = "ringing"  # the screen had taken the call before failing: not routed twice
    assert service._guarded(broken)(call, "1001", "internal") is True

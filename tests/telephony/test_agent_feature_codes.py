"""Agent feature codes without a running box: the login throttle and the pause-code choice."""

from __future__ import annotations

import pytest

from telephony.callcenter.runtime.features import MAX_FAILURES, FeatureCodes
from telephony.models import open_database
from telephony.models.callcenter import Agent, PauseCode


class Runtime:
    """What FeatureCodes needs of the queue runtime: logins and pauses, recorded."""

    language = "en"

    def __init__(self) -> None:
        self.contacts: dict[str, str] = {}
        self.calls: list[tuple] = []

    def login(self, agent: str, contact: str) -> None:
        self.contacts[agent] = contact
        self.calls.append(("login", agent, contact))

    def pause(self, agent: str, reason: str) -> None:
        self.calls.append(("pause", agent, reason))


@pytest.fixture
def codes(tmp_path):
    open_database(tmp_path / "pbx.sqlite3")
    agent = Agent.create(number="801", name="Li")
    agent.set_pin("2468")
    agent.save()
    return FeatureCodes(Runtime())


def test_feature_login_with_the_right_pin_logs_the_agent_in_at_the_dialing_phone(codes):
    assert codes._run("1011", "*91801*2468") == ("login", "801")
    assert codes.runtime.calls == [("login", "801", "1011")]


def test_feature_login_after_too_many_wrong_pins_is_refused_even_with_the_right_one(codes):
    for _ in range(MAX_FAILURES):
        assert codes._run("1011", "*91801*0000") == ("bad_login", "")
    assert codes._run("1011", "*91801*2468") == ("locked", "")
    assert codes._run("1012", "*91801*2468") == ("login", "801")  # another phone is not locked out
    assert codes.runtime.calls == [("login", "801", "1012")]


def test_feature_unknown_agent_and_wrong_pin_get_the_same_answer(codes):
    assert codes._run("1011", "*91999*2468") == codes._run("1011", "*91801*1111") == ("bad_login", "")


def test_feature_pause_code_is_dialed_by_code_or_by_place_and_a_missing_one_is_refused(codes):
    PauseCode.create(code="10", label_zh="培训", label_en="Training")
    PauseCode.create(code="LUNCH", label_zh="午餐", label_en="Lunch")
    codes.runtime.contacts["801"] = "1011"
    assert codes._run("1011", "*9310") == ("pause", "801")
    assert codes._run("1011", "*932") == ("pause", "801")
    assert codes._run("1011", "*9377") == ("bad_code", "801")
    assert codes.runtime.calls == [("pause", "801", "10"), ("pause", "801", "LUNCH")]


def test_feature_codes_from_a_phone_without_an_agent_or_malformed_change_nothing(codes):
    assert codes._run("1011", "*92") == ("not_logged_in", "")
    assert codes._run("1011", "*98") == ("bad_code", "")
    assert codes.runtime.calls == []

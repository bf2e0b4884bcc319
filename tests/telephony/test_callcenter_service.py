"""Call-center services: validation, saving, refused deletes, the engine config builder, customers and CSV."""

from __future__ import annotations

import pytest

from telephony.acd.config import AgentConfig, Destination, EmptyRule, MemberSpec, QueueConfig, TargetKind
from telephony.callcenter import builder, usage
from telephony.callcenter.customers import (
    CustomerInput,
    CustomerService,
    ImportResult,
    caller_priority,
    find_by_number,
    normalize_number,
)
from telephony.callcenter.errors import (
    AgentNotFound,
    CallCenterInUse,
    ImportFailed,
    InvalidInput,
    LoginRefused,
    QueueNotFound,
)
from telephony.callcenter.service import (
    AgentInput,
    AgentSkillInput,
    CallCenterService,
    MembershipInput,
    PauseCodeInput,
    QueueInput,
    QueueMemberInput,
    SkillInput,
    SkillRequirement,
)
from telephony.errors import ControlError, InUse, NotFound, TelephonyError, ValidationError
from telephony.models import (
    Agent,
    Customer,
    CustomerNumber,
    Extension,
    InboundRoute,
    PortSetting,
    Queue,
    QueueMember,
    QueueSkill,
    Skill,
    open_database,
)


class RecordingControl:
    """Stands in for pbx-core's control client; remembers what was reloaded."""

    def __init__(self, fail: bool = False) -> None:
        self.reloads: list[str] = []
        self.fail = fail

    def reload(self, what: str = "all") -> dict:
        if self.fail:
            raise ControlError("connection refused")
        self.reloads.append(what)
        return {"ok": True}


@pytest.fixture
def db(tmp_path):
    return open_database(tmp_path / "pbx.sqlite3")


@pytest.fixture
def control():
    return RecordingControl()


@pytest.fixture
def service(db, control):
    return CallCenterService(control)


def extension(number: str) -> Extension:
    return Extension.create(number=number, name=f"ext {number}", ha1="x", ha1b="y")


def agent(service: CallCenterService, number: str, **kw) -> Agent:
    return service.create_agent(
        AgentInput(number, kw.pop("name", f"Agent {number}"), kw.pop("pin", "2468"), **kw)
    )


def errors_of(call) -> dict[str, str]:
    with pytest.raises(InvalidInput) as info:
        call()
    return info.value.messages("en")


# --- the engine config builder -----------------------------------------------------------------


def test_queue_config_carries_every_setting_under_the_engines_names(service):
    extension("1001")
    service.create_queue(QueueInput("801", "Overflow"))
    settings = {
        "strategy": "fewest-calls",
        "weight": "7",
        "progressive_step": "3",
        "skill_widen": "0:9, 20:6, 45:2",
        "stats_window": "7200",
        "aht_samples": "30",
        "affinity_days": "14",
        "affinity_wait": "12.5",
        "max_callers": "25",
        "max_wait": "300",
        "ring_timeout": "18",
        "retry_delay": "4",
        "backoff_rejected": "12",
        "backoff_busy": "9",
        "backoff_no_answer": "6",
        "wrap_up": "20",
        "auto_pause_after": "3",
        "rejoin_window": "90",
        "periodic_announce_interval": "45",
        "position_announce_interval": "60",
        "join_empty": "no-logged-in",
        "leave_when_empty": "no-available",
        "timeout_kind": "queue",
        "timeout_target": "801",
        "full_kind": "voicemail",
        "full_target": "1001",
        "no_agents_kind": "external",
        "no_agents_target": "+8613800138000",
        "callback_enabled": "1",
        "callback_attempts": "4",
        "callback_retry_delay": "120",
        "callback_lead": "10",
    }
    queue = service.create_queue(QueueInput("800", "Sales", settings))

    assert builder.queue_config(queue) == QueueConfig(
        queue_id="800",
        strategy="fewest-calls",
        members=(),
        weight=7,
        max_callers=25,
        max_wait=300.0,
        timeout_destination=Destination(TargetKind.QUEUE, "801"),
        full_destination=Destination(TargetKind.VOICEMAIL, "1001"),
        no_agents_destination=Destination(TargetKind.EXTERNAL, "+8613800138000"),
        join_empty=EmptyRule.NO_LOGGED_IN,
        leave_when_empty=EmptyRule.NO_AVAILABLE,
        wrap_up=20.0,
        ring_timeout=18.0,
        retry_delay=4.0,
        backoff_rejected=12.0,
        backoff_busy=9.0,
        backoff_no_answer=6.0,
        periodic_announce_interval=45.0,
        position_announce_interval=60.0,
        auto_pause_after=3,
        stats_window=7200.0,
        aht_samples=30,
        progressive_step=3.0,
        skill_widen=((0.0, 9), (20.0, 6), (45.0, 2)),
        affinity_days=14.0,
        affinity_wait=12.5,
        rejoin_window=90.0,
        callback_attempts=4,
        callback_retry_delay=120.0,
        callback_lead=10.0,
    )
    assert Queue.get(Queue.number == "800").skill_widen == "0:9, 20:6, 45:2"


def test_a_new_queue_gets_the_engines_defaults_and_callback_off_means_zero_attempts(service):
    queue = service.create_queue(QueueInput("800", "Sales", {"callback_attempts": "5"}))
    config = builder.queue_config(queue)
    assert config == QueueConfig(queue_id="800", skill_widen=((0.0, 1),))
    assert (queue.callback_enabled, queue.callback_attempts, config.callback_attempts) == (False, 5, 0)
    assert (queue.announce_position, queue.announce_estimate, queue.moh_class) == (True, True, "default")
    assert (queue.service_level, queue.callback_key) == (20.0, "1")


def test_static_members_in_hunt_order_with_skill_levels_and_only_qualified_enabled_agents(service):
    for name in ("english", "billing"):
        service.save_skill(SkillInput(name))
    levels = {
        "1001": {"english": 9, "billing": 4},  # qualified, lowest required level 4
        "1002": {"english": 6, "billing": 8},  # qualified, 6
        "1003": {"english": 2, "billing": 9},  # english below 3: not qualified
        "1004": {"english": 10},  # no billing: not qualified
        "1005": {"english": 5, "billing": 5},  # disabled
        "1006": {"english": 7, "billing": 7},  # dynamic: not in the config
    }
    for number, skills in levels.items():
        agent(
            service,
            number,
            enabled=number != "1005",
            skills=tuple(AgentSkillInput(s, lvl) for s, lvl in skills.items()),
        )
    members = (
        QueueMemberInput("1002", penalty=1, position=5, weight=2.5),
        QueueMemberInput("1001", penalty=0, position=5),
        QueueMemberInput("1003"),
        QueueMemberInput("1004"),
        QueueMemberInput("1005"),
        QueueMemberInput("1006", kind="dynamic", penalty=3),
    )
    skills = (SkillRequirement("english", 3), SkillRequirement("billing", 4))
    queue = service.create_queue(
        QueueInput("800", "Sales", {"strategy": "skills-based"}, members=members, skills=skills)
    )
    assert builder.queue_config(queue).members == (
        MemberSpec("1001", penalty=0, skill=4, weight=1.0),
        MemberSpec("1002", penalty=1, skill=6, weight=2.5),
    )
    assert builder.dynamic_member("800", "1006") == MemberSpec("1006", penalty=3, skill=7, weight=1.0)
    assert builder.dynamic_member("800", "1001") is None  # static, not a dynamic membership
    assert builder.dynamic_member("800", "9999") is None
    with pytest.raises(QueueNotFound):
        builder.dynamic_member("899", "1006")


def test_a_queue_without_required_skills_counts_every_member_as_fully_skilled(service):
    agent(service, "1001")
    queue = service.create_queue(
        QueueInput("800", "Sales", {"skill_widen": "0:10"}, members=(QueueMemberInput("1001"),))
    )
    assert builder.queue_config(queue).members == (MemberSpec("1001", skill=10),)


def test_agent_configs_pause_codes_and_every_queue(service):
    agent(service, "1002", name="Wang")
    agent(service, "1001", name="Li")
    agent(service, "1003", name="Off", enabled=False)
    service.create_queue(QueueInput("801", "B"))
    service.create_queue(QueueInput("800", "A"))
    service.save_pause_code(PauseCodeInput("lunch", "午餐", "Lunch"))
    service.save_pause_code(PauseCodeInput("break", "休息", "Break", productive=True))
    assert builder.agent_configs() == [AgentConfig("1001", "1001", "Li"), AgentConfig("1002", "1002", "Wang")]
    assert [c.queue_id for c in builder.queue_configs()] == ["800", "801"]
    assert builder.pause_codes() == ("break", "lunch")


def test_crm_link_and_whisper_fill_in_their_placeholders_with_encoded_values(service):
    queue = service.create_queue(
        QueueInput(
            "800",
            "Sales",
            {
                "crm_url": "https://crm.example/pop?tel={caller}&q={queue}&ivr={digits}&id={callid}",
                "whisper_text": "{queue}: {name} {caller}",
            },
        )
    )
    link = builder.crm_link(queue, caller="138&x=1", digits="1#", call_id="c/7")
    assert link == "https://crm.example/pop?tel=138%26x%3D1&q=800&ivr=1%23&id=c%2F7"
    assert builder.whisper_for(queue, caller="13800138000", name="VIP") == "Sales: VIP 13800138000"
    assert builder.crm_link(service.create_queue(QueueInput("801", "B")), caller="1") == ""


# --- queue validation --------------------------------------------------------------------------


def test_queue_errors_name_every_bad_field(service, control):
    errors = errors_of(
        lambda: service.create_queue(
            QueueInput(
                "08",
                "",
                {
                    "strategy": "fastest",
                    "weight": "1.5",
                    "ring_timeout": "0",
                    "max_wait": "abc",
                    "affinity_days": "400",
                    "announce_position": "maybe",
                    "moh_class": "bad class",
                    "join_empty": "sometimes",
                    "callback_key": "A",
                    "callback_attempts": "11",
                    "service_level": "0",
                    "skill_widen": "10:5",
                    "whisper_text": "{queue} {agent}",
                    "crm_url": "javascript:alert(1)",
                    "timeout_kind": "extension",
                    "timeout_target": "",
                    "full_kind": "queue",
                    "full_target": "999",
                    "no_agents_kind": "elsewhere",
                    "colour": "red",
                },
            )
        )
    )
    assert errors == {
        "number": "must be 2 to 8 digits, not starting with 0",
        "name": "must be 1 to 64 printable characters",
        "strategy": "must be one of fewest-calls, least-talk-time, linear, longest-idle, random, ring-all, "
        "ring-progressive, round-robin, skills-based, weighted-random",
        "weight": "must be a whole number from 0 to 100",
        "ring_timeout": "must be a number of seconds from 1 to 600",
        "max_wait": "must be a number of seconds from 0 to 86400",
        "affinity_days": "must be a number of days from 0 to 365",
        "announce_position": "must be one of 1, 0",
        "moh_class": "must be 1 to 32 letters, digits, dots, dashes or underscores",
        "join_empty": "must be one of never, no-logged-in, no-available, no-idle",
        "callback_key": "must be one of 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, *, #",
        "callback_attempts": "must be a whole number from 1 to 10",
        "service_level": "must be a number of seconds from 1 to 3600",
        "skill_widen": "write seconds:level steps separated by commas, starting at 0 s, with rising seconds "
        "and falling levels from 1 to 10, e.g. 0:8, 30:5, 60:1",
        "whisper_text": "must be at most 128 printable characters; it may use {queue}, {caller} and {name}",
        "crm_url": "must be an http:// or https:// address of at most 512 characters; it may use "
        "{caller}, {queue}, {digits} and {callid}",
        "timeout_target": "this destination needs a target",
        "full_target": "no other queue has the number 999",
        "no_agents_kind": "must be one of queue, ivr, voicemail, extension, external, hangup",
        "colour": "unknown key",
    }
    assert Queue.select().count() == 0 and control.reloads == []


def test_strategy_choices_are_the_engines_registry():
    from telephony.acd import strategies

    assert set(strategies.names()) == {
        "ring-all",
        "round-robin",
        "linear",
        "longest-idle",
        "fewest-calls",
        "least-talk-time",
        "random",
        "weighted-random",
        "ring-progressive",
        "skills-based",
    }


def test_queue_number_must_not_be_an_extension_a_port_or_another_queue(service):
    extension("1001")
    PortSetting.create(port="fxs1", number="2001")
    service.create_queue(QueueInput("800", "Sales"))
    assert errors_of(lambda: service.create_queue(QueueInput("1001", "X"))) == {
        "number": "1001 is already an extension"
    }
    assert errors_of(lambda: service.create_queue(QueueInput("2001", "X"))) == {
        "number": "2001 is already the number of an FXS port"
    }
    assert errors_of(lambda: service.create_queue(QueueInput("800", "X"))) == {
        "number": "queue 800 already exists"
    }


def test_destination_rules_self_ivr_external_and_hangup_clears_the_target(service):
    service.create_queue(QueueInput("800", "Sales"))
    bad = {
        "timeout_kind": "queue",
        "timeout_target": "800",
        "full_kind": "ivr",
        "full_target": "main menu",
        "no_agents_kind": "external",
        "no_agents_target": "12",
    }
    assert errors_of(lambda: service.update_queue("800", QueueInput("800", "Sales", bad))) == {
        "timeout_target": "a queue cannot overflow into itself",
        "full_target": "must be 1 to 32 letters, digits, dots, dashes or underscores",
        "no_agents_target": "must be 3 to 32 digits, optionally starting with +",
    }
    queue = service.update_queue(
        "800", QueueInput("800", "Sales", {"timeout_kind": "hangup", "timeout_target": "leftover"})
    )
    assert (queue.timeout_kind, queue.timeout_target) == ("hangup", "")
    extension("1001")
    queue = service.update_queue(
        "800",
        QueueInput(
            "800",
            "Sales",
            {
                "full_kind": "ivr",
                "full_target": "main",
                "timeout_kind": "extension",
                "timeout_target": " 1001 ",
            },
        ),
    )
    assert (queue.full_kind, queue.full_target, queue.timeout_target) == ("ivr", "main", "1001")


def test_members_and_required_skills_are_checked(service):
    agent(service, "1001")
    service.save_skill(SkillInput("english"))
    members = (
        QueueMemberInput("1001", kind="both", penalty="-1", position="x", weight="0"),
        QueueMemberInput("1001"),
        QueueMemberInput("7777"),
    )
    errors = errors_of(
        lambda: service.create_queue(
            QueueInput(
                "800", "S", members=members, skills=(SkillRequirement("english", 11), SkillRequirement("x"))
            )
        )
    )
    assert errors == {
        "member.1001.kind": "must be one of static, dynamic",
        "member.1001.penalty": "must be a whole number from 0 to 1000",
        "member.1001.position": "must be a whole number from 0 to 9999",
        "member.1001.weight": "must be a number from 0.01 to 1000",
        "members": "agent 1001 is listed twice",
        "skill.english.min_level": "must be a whole number from 1 to 10",
        "skills": "no skill is named x",
    }


def test_editing_a_queue_without_members_or_skills_keeps_them(service):
    agent(service, "1001")
    service.save_skill(SkillInput("english"))
    service.create_queue(
        QueueInput(
            "800",
            "S",
            members=(QueueMemberInput("1001", penalty=4),),
            skills=(SkillRequirement("english", 2),),
        )
    )
    service.update_queue("800", QueueInput("801", "Renamed", {"wrap_up": "15"}))
    queue = Queue.get(Queue.number == "801")
    assert (queue.name, queue.wrap_up, queue.ring_timeout) == ("Renamed", 15.0, 15.0)
    assert [(m.agent.number, m.penalty) for m in service.members(queue)] == [("1001", 4)]
    assert [(r.skill.name, r.min_level) for r in service.requirements(queue)] == [("english", 2)]
    service.update_queue("801", QueueInput("801", "Renamed", members=(), skills=()))
    assert (QueueMember.select().count(), QueueSkill.select().count()) == (0, 0)


def test_saves_reload_the_core_and_a_dead_core_keeps_the_change(db):
    live = RecordingControl()
    CallCenterService(live).create_queue(QueueInput("800", "S"))
    assert live.reloads == ["callcenter"]
    dead = CallCenterService(RecordingControl(fail=True))
    dead.create_queue(QueueInput("801", "T"))
    assert dead.reload_failed is True
    assert [q.number for q in Queue.select().order_by(Queue.number)] == ["800", "801"]


# --- refused deletes ---------------------------------------------------------------------------


def test_a_queue_a_route_or_another_queue_uses_cannot_be_deleted_or_renumbered(service, control):
    service.create_queue(QueueInput("800", "Sales"))
    service.create_queue(QueueInput("801", "Support", {"no_agents_kind": "queue", "no_agents_target": "800"}))
    InboundRoute.create(trunk="e1", did="5550100", destination="800", priority=10)
    InboundRoute.create(trunk="fxo1", did="", destination="queue:800", priority=20)
    control.reloads.clear()
    with pytest.raises(CallCenterInUse) as info:
        service.delete_queue("800")
    assert isinstance(info.value, InUse) and isinstance(info.value, ValueError)
    assert info.value.render("en") == (
        "queue 800 Sales is used by inbound route 'e1 DID 5550100', inbound route 'fxo1' "
        "and the overflow of queue 801 Support"
    )
    assert info.value.render("zh-CN") == (
        "队列 800 Sales 正被 呼入路由“e1 DID 5550100”、呼入路由“fxo1”和队列 801 Support 的溢出设置 使用"
    )
    assert Queue.select().count() == 2 and control.reloads == []
    assert errors_of(lambda: service.update_queue("800", QueueInput("802", "Sales"))) == {
        "number": "queue 800 is used by inbound route 'e1 DID 5550100', inbound route 'fxo1' "
        "and the overflow of queue 801 Support"
    }
    InboundRoute.delete().execute()
    service.update_queue("801", QueueInput("801", "Support", {"no_agents_kind": "hangup"}))
    service.delete_queue("800")
    assert [q.number for q in Queue.select()] == ["801"]


def test_a_skill_a_queue_requires_cannot_be_deleted(service):
    english = service.save_skill(SkillInput("english", "English speakers"))
    agent(service, "1001", skills=(AgentSkillInput("english", 5),))
    service.create_queue(QueueInput("800", "Sales", skills=(SkillRequirement("english", 3),)))
    with pytest.raises(CallCenterInUse) as info:
        service.delete_skill(english.id)
    assert info.value.render("en") == "skill english is used by queue 800 Sales"
    service.update_queue("800", QueueInput("800", "Sales", skills=()))
    service.delete_skill(english.id)
    assert Skill.select().count() == 0 and Agent.get().skills.count() == 0


def test_number_users_lists_queues_and_agents_that_use_an_extension(service):
    extension("1001")
    service.create_queue(QueueInput("800", "Sales", {"timeout_kind": "voicemail", "timeout_target": "1001"}))
    agent(service, "1024", name="Li", default_extension="1001")
    assert [p.render("en") for p in usage.number_users("1001")] == [
        "the overflow of queue 800 Sales",
        "agent 1024 Li",
    ]
    assert usage.number_users("1002") == []
    assert usage.queue_number_taken("800") and not usage.queue_number_taken("1001")


def test_deleting_an_agent_takes_its_memberships_and_skills(service):
    service.save_skill(SkillInput("english"))
    agent(service, "1001", skills=(AgentSkillInput("english", 5),))
    service.create_queue(QueueInput("800", "S", members=(QueueMemberInput("1001"),)))
    service.delete_agent("1001")
    assert (Agent.select().count(), QueueMember.select().count()) == (0, 0)
    with pytest.raises(AgentNotFound):
        service.delete_agent("1001")


# --- agents ------------------------------------------------------------------------------------


def test_agent_validation_names_every_field(service):
    service.save_skill(SkillInput("english"))
    errors = errors_of(
        lambda: service.create_agent(
            AgentInput(
                "1",
                "",
                "",
                default_extension="1001",
                skills=(AgentSkillInput("english", "0"), AgentSkillInput("x", 1)),
                memberships=(MembershipInput("899"),),
            )
        )
    )
    assert errors == {
        "number": "must be 2 to 8 digits, not starting with 0",
        "name": "must be 1 to 64 printable characters",
        "pin": "is required",
        "default_extension": "no extension or FXS port has the number 1001",
        "skill.english.level": "must be a whole number from 1 to 10",
        "skills": "no skill is named x",
        "memberships": "no queue has the number 899",
    }
    assert errors_of(lambda: agent(service, "1001", pin="12a4")) == {"pin": "must be 4 to 8 digits"}
    assert errors_of(lambda: agent(service, "1001", pin="7777")) == {
        "pin": "must not be one digit repeated or the agent number"
    }
    assert errors_of(lambda: agent(service, "1001", pin="1001")) == {
        "pin": "must not be one digit repeated or the agent number"
    }
    assert errors_of(lambda: agent(service, "1001", pin="2468", pin_confirm="2469")) == {
        "pin_confirm": "the two PINs differ"
    }
    agent(service, "1001")
    assert errors_of(lambda: agent(service, "1001")) == {"number": "agent 1001 already exists"}


def test_agent_pin_is_stored_hashed_kept_on_edit_and_checked_at_login(service, db):
    extension("2001")
    agent(service, "1024", name="Li", pin="246810", default_extension="2001")
    stored = db.execute_sql("SELECT * FROM cc_agent").fetchall()
    assert not any("246810" in str(row) for row in stored)
    service.update_agent("1024", AgentInput("1024", "Li Lei", ""))
    row = Agent.get()
    assert (row.name, row.default_extension) == ("Li Lei", None)
    assert service.check_login("1024", "246810").number == "1024"
    for number, pin in (("1024", "246811"), ("9999", "246810")):
        with pytest.raises(LoginRefused) as info:
            service.check_login(number, pin)
        assert str(info.value) == "wrong agent number or PIN"
        assert info.value.render("zh-CN") == "坐席工号或 PIN 错误"
        assert isinstance(info.value, PermissionError) and isinstance(info.value, TelephonyError)
    service.update_agent("1024", AgentInput("1024", "Li Lei", enabled=False))
    with pytest.raises(LoginRefused):
        service.check_login("1024", "246810")


def test_pin_set_and_reset(service):
    agent(service, "1024")
    service.set_pin("1024", "135790", "135790")
    assert service.check_login("1024", "135790")
    assert errors_of(lambda: service.set_pin("1024", "135790", "135791")) == {
        "pin_confirm": "the two PINs differ"
    }
    pin = service.reset_pin("1024")
    assert len(pin) == 6 and pin.isdigit() and len(set(pin)) > 1
    assert service.check_login("1024", pin).number == "1024"
    with pytest.raises(LoginRefused):
        service.check_login("1024", "135790")


def test_agent_memberships_edited_from_the_agent_keep_position_and_weight(service):
    agent(service, "1001")
    service.create_queue(QueueInput("800", "A", members=(QueueMemberInput("1001", position=7, weight=3),)))
    service.create_queue(QueueInput("801", "B"))
    memberships = (MembershipInput("800", "dynamic", 2), MembershipInput("801", "static", 0))
    service.update_agent("1001", AgentInput("1001", "A", memberships=memberships))
    rows = [
        (m.queue.number, m.kind, m.penalty, m.position, m.weight) for m in service.memberships(Agent.get())
    ]
    assert rows == [("800", "dynamic", 2, 7, 3.0), ("801", "static", 0, 0, 1.0)]
    service.update_agent("1001", AgentInput("1001", "A", memberships=(MembershipInput("801"),)))
    assert [m.queue.number for m in service.memberships(Agent.get())] == ["801"]


# --- skills and pause codes --------------------------------------------------------------------


def test_skill_and_pause_code_validation(service):
    service.save_skill(SkillInput("普通话", "Mandarin"))
    assert errors_of(lambda: service.save_skill(SkillInput("普通话"))) == {
        "name": "skill 普通话 already exists"
    }
    assert errors_of(lambda: service.save_skill(SkillInput("a:b", "x" * 129))) == {
        "name": "must be 1 to 32 printable characters without commas or colons",
        "description": "must be at most 128 printable characters",
    }
    service.save_pause_code(PauseCodeInput("lunch", "午餐", "Lunch"))
    assert errors_of(lambda: service.save_pause_code(PauseCodeInput("Lunch Break", "", "x" * 65))) == {
        "code": "must be 1 to 16 lowercase letters, digits, dashes or underscores",
        "label_zh": "must be 1 to 64 printable characters",
        "label_en": "must be 1 to 64 printable characters",
    }
    assert errors_of(lambda: service.save_pause_code(PauseCodeInput("lunch", "午餐", "Lunch"))) == {
        "code": "pause code lunch already exists"
    }
    code = service.pause_codes()[0]
    assert (code.code, code.label("zh-CN"), code.label("en"), code.productive) == (
        "lunch",
        "午餐",
        "Lunch",
        False,
    )
    with pytest.raises(NotFound):
        service.pause_code(999)


def test_errors_inherit_the_shared_domain_errors_and_builtins(service):
    with pytest.raises(InvalidInput) as info:
        service.create_queue(QueueInput("", "x"))
    assert isinstance(info.value, ValidationError) and isinstance(info.value, ValueError)
    assert info.value.errors == {"number": "required"}
    assert info.value.message("number", "zh-CN") == "必填"
    with pytest.raises(LookupError):
        service.queue("800")


# --- customers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13800138000", "13800138000"),
        ("+86 138-0013-8000", "13800138000"),
        ("0086 13800138000", "13800138000"),
        ("+86 (10) 1234 5678", "01012345678"),
        ("010-12345678", "01012345678"),
        ("+1 415 555 0100", "0014155550100"),
        ("１３８００１３８０００", "13800138000"),
        ("95588", "95588"),
        ("12", None),
        ("138-abc", None),
        ("", None),
        ("1" * 21, None),
    ],
)
def test_normalize_number(text, expected):
    assert normalize_number(text) == expected


def test_customer_create_search_and_priority(db):
    customers = CustomerService()
    zhang = customers.create(
        CustomerInput(
            "Zhang San", "+86 138-0013-8000, 010 1234 5678", "ACME 有限公司", "likes tea", "8", "vip, 北京"
        )
    )
    customers.create(CustomerInput("Li Si", "13900139000", "Other Co"))
    assert zhang.number_list() == ["13800138000", "01012345678"]
    assert (zhang.tags, zhang.tag_list()) == ("vip,北京", ["vip", "北京"])
    assert [c.name for c in customers.search("3800")] == ["Zhang San"]
    assert [c.name for c in customers.search("138 0013")] == ["Zhang San"]
    assert [c.name for c in customers.search("co")] == ["Li Si"]
    assert [c.name for c in customers.search("北京")] == ["Zhang San"]
    assert [c.name for c in customers.search("")] == ["Li Si", "Zhang San"]
    assert [c.name for c in customers.search("%")] == []
    assert find_by_number("+8613800138000").name == "Zhang San"
    assert (caller_priority("13800138000"), caller_priority("13900139000"), caller_priority("555")) == (
        8,
        0,
        0,
    )


def test_customer_errors(db):
    customers = CustomerService()
    customers.create(CustomerInput("Zhang San", "13800138000"))
    errors = errors_of(
        lambda: customers.create(CustomerInput("", "12, 13800138000", "c" * 129, "n" * 2001, "101", "x" * 33))
    )
    assert errors == {
        "name": "must be 1 to 64 printable characters",
        "company": "must be at most 128 printable characters",
        "notes": "must be at most 2000 printable characters",
        "priority": "must be a whole number from 0 to 100",
        "tags": "must be at most 256 characters, tags separated by commas, each at most 32 characters",
        "phone": "12 is not a phone number (3 to 20 digits, optionally starting with +)",
    }
    assert errors_of(lambda: customers.create(CustomerInput("Li", "+86 138 0013 8000"))) == {
        "phone": "13800138000 already belongs to customer Zhang San"
    }
    assert errors_of(lambda: customers.create(CustomerInput("Li", "139 0013 9000; 13900139000"))) == {
        "phone": "13900139000 is listed twice"
    }
    assert errors_of(lambda: customers.create(CustomerInput("Li", " "))) == {"phone": "is required"}
    assert Customer.select().count() == 1


def test_customer_update_moves_numbers_and_delete_takes_them(db):
    customers = CustomerService()
    row = customers.create(CustomerInput("Zhang", "13800138000; 13900139000"))
    customers.update(row.id, CustomerInput("Zhang", "13900139000 / 13700137000", notes="line one\nline two"))
    assert Customer.get_by_id(row.id).number_list() == ["13900139000", "13700137000"]
    assert Customer.get_by_id(row.id).notes == "line one\nline two"
    customers.delete(row.id)
    assert CustomerNumber.select().count() == 0


# --- CSV ---------------------------------------------------------------------------------------


def test_csv_import_utf8_with_bom_and_chinese_headers(db):
    data = '\ufeff姓名,电话,公司,优先级,标签,备注\r\n张三,13800138000;010-12345678,华为,9,"vip,北京","多行\n备注"\r\n,,,,,\r\n李四,13900139000,,,,\r\n'
    result = CustomerService().import_csv(data.encode("utf-8"))
    assert result == ImportResult(created=2, updated=0)
    zhang = find_by_number("01012345678")
    assert (zhang.name, zhang.company, zhang.priority, zhang.tags, zhang.notes) == (
        "张三",
        "华为",
        9,
        "vip,北京",
        "多行\n备注",
    )
    assert (find_by_number("13900139000").name, find_by_number("13900139000").priority) == ("李四", 0)


def test_csv_import_gbk_as_chinese_excel_saves_it(db):
    data = "姓名,电话,公司\r\n王五,13700137000,阿里巴巴\r\n".encode("gbk")
    assert CustomerService().import_csv(data) == ImportResult(created=1, updated=0)
    assert (Customer.get().name, Customer.get().company) == ("王五", "阿里巴巴")


def test_csv_import_reports_every_bad_row_in_both_languages_and_saves_nothing(db):
    CustomerService().create(CustomerInput("Existing", "13600136000"))
    data = (
        "name,phone,priority\n"
        "Good,13800138000,1\n"
        ",13900139000,2\n"  # row 3: no name
        "Bad phone,12,3\n"  # row 4
        "Again,13800138000,4\n"  # row 5: number also in row 2
        "Too high,13500135000,101\n"  # row 6
        "Two,13600136000;13800138001,0,extra\n"  # row 7: too many cells
    )
    with pytest.raises(ImportFailed) as info:
        CustomerService().import_csv(data.encode())
    assert info.value.render("en") == ["row 7: *: the row has 4 cells but the header has 3"]
    data = data.rsplit("Two,", 1)[0]
    with pytest.raises(ImportFailed) as info:
        CustomerService().import_csv(data.encode())
    assert info.value.render("en") == [
        "row 3: name: must be 1 to 64 printable characters",
        "row 4: phone: 12 is not a phone number (3 to 20 digits, optionally starting with +)",
        "row 5: phone: 13800138000 is also in row 2",
        "row 6: priority: must be a whole number from 0 to 100",
    ]
    assert info.value.render("zh-CN") == [
        "第 3 行：name：必须是 1 到 64 个可打印字符",
        "第 4 行：phone：12 不是电话号码（3 到 20 位数字，可以 + 开头）",
        "第 5 行：phone：13800138000 也出现在第 2 行",
        "第 6 行：priority：必须是 0 到 100 之间的整数",
    ]
    assert [c.name for c in Customer.select()] == ["Existing"]


def test_csv_import_file_level_errors(db):
    customers = CustomerService()
    cases = [
        (b"", ["file: the file is empty; the first row must name the columns"]),
        (b"\xff\xfe\x00n\x00a", ["file: the file is neither UTF-8 nor GBK text"]),
        (
            b"name,mobile,name\n",
            [
                "row 1: mobile: unknown column; the columns are id, name, company, phone, priority, tags, notes",
                "row 1: name: the column appears twice",
                "row 1: phone: the phone column is missing",
            ],
        ),
    ]
    for data, expected in cases:
        with pytest.raises(ImportFailed) as info:
            customers.import_csv(data)
        assert info.value.render("en") == expected


def test_csv_import_updates_by_id_or_by_number_and_refuses_ambiguity(db):
    customers = CustomerService()
    a = customers.create(CustomerInput("A", "13800138000"))
    b = customers.create(CustomerInput("B", "13900139000"))
    data = f"id,name,phone\n{a.id},A2,13800138000;13700137000\n,B2,13900139000\n"
    assert customers.import_csv(data.encode()) == ImportResult(created=0, updated=2)
    assert (Customer.get_by_id(a.id).name, Customer.get_by_id(a.id).number_list()) == (
        "A2",
        ["13800138000", "13700137000"],
    )
    assert Customer.get_by_id(b.id).name == "B2"
    bad = f"id,name,phone\n999,X,13500135000\n,Y,13800138000;13900139000\n{b.id},Z,13800138000\n"
    with pytest.raises(ImportFailed) as info:
        customers.import_csv(bad.encode())
    assert info.value.render("en") == [
        "row 2: id: no customer has the id 999",
        "row 3: phone: these numbers belong to different customers: A2, B2",
        "row 4: phone: 13800138000 already belongs to customer A2",
    ]


def test_csv_export_round_trips_and_guards_against_formulas(db):
    customers = CustomerService()
    customers.create(
        CustomerInput("=HYPERLINK(1)", "13800138000, 01012345678", "ACME, Inc.", 'a "quote"', 3, "x")
    )
    exported = customers.export_csv()
    assert exported.startswith(b"\xef\xbb\xbf")
    text = exported.decode("utf-8-sig")
    assert text == (
        "id,name,company,phone,priority,tags,notes\r\n"
        '1,\'=HYPERLINK(1),"ACME, Inc.",13800138000;01012345678,3,x,"a ""quote"""\r\n'
    )
    assert customers.import_csv(exported) == ImportResult(created=0, updated=1)
    row = Customer.get()
    assert (row.name, row.company, row.notes, row.number_list()) == (
        "=HYPERLINK(1)",
        "ACME, Inc.",
        'a "quote"',
        ["13800138000", "01012345678"],
    )


def test_extensions_and_ports_cannot_take_a_queue_number_or_drop_one_the_call_center_uses(service):
    from telephony.errors import InUse
    from telephony.extensions.service import ExtensionInput, ExtensionService
    from telephony.routing.service import PortInput, RoutingService

    service.create_queue(QueueInput("800", "Sales"))
    extensions = ExtensionService()
    with pytest.raises(ValidationError) as info:
        extensions.create(ExtensionInput("800", "X", "Secr3tPass9"))
    assert info.value.errors == {"number": "cc.number.queue"}
    with pytest.raises(ValidationError) as info:
        RoutingService().save_port("fxs1", PortInput(number="800"))
    assert info.value.errors == {"number": "cc.number.queue"}

    extensions.create(ExtensionInput("1001", "Desk", "Secr3tPass9"))
    RoutingService().save_port("fxs1", PortInput(number="2001"))
    service.update_queue(
        "800", QueueInput("800", "Sales", {"timeout_kind": "extension", "timeout_target": "2001"})
    )
    agent(service, "1024", name="Li", default_extension="1001")
    with pytest.raises(InUse) as info:
        extensions.delete("1001")
    assert info.value.render("en") == "extension 1001 is used by agent 1024 Li"
    with pytest.raises(InUse) as info:
        RoutingService().save_port("fxs1", PortInput(number=""))
    assert info.value.render("en") == "number 2001 is used by the overflow of queue 800 Sales"
    assert (Extension.select().count(), PortSetting.get().number) == (1, "2001")

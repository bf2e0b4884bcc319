"""Park settings, pickup groups, paging groups and recent-calls pages: validate -> save, refusals by
field naming the bad value in English and zh-CN, delete after confirmation, audit, admin only,
CSRF; the parked calls come live from the core; an agent sees its own extension's recent calls."""

from __future__ import annotations

import datetime as dt

import pytest

from telephony.models import (
    Agent,
    AuditLog,
    CallLeg,
    Cdr,
    Extension,
    PagingGroup,
    PickupGroup,
    Queue,
    park_config,
    utcnow,
)
from telephony.models.lines import PortSetting
from tests.webadmin.wsgi_client import Client

SLOTS = [{"slot": "701", "number": "1001", "name": "Alice", "parker": "1002", "since": "2026-01-01T10:00:00"}]


def audit_rows(prefix: str) -> list[tuple[str, str, str]]:
    rows = AuditLog.select().where(AuditLog.action.startswith(prefix)).order_by(AuditLog.id)
    return [(r.action, r.target, r.detail) for r in rows]


@pytest.fixture
def phones(admin):
    for number, name in (("1001", "Alice"), ("1002", "Bob"), ("1003", "Carol")):
        Extension.create(number=number, name=name, ha1="0" * 32, ha1b="0" * 32)
    PortSetting.create(port="fxs1", number="2001")
    return admin


@pytest.fixture
def live_core(fake_core, monkeypatch):
    real = fake_core._answer

    def answer(method, path, body):
        if path == "/park/slots":
            return 200, SLOTS
        return real(method, path, body)

    monkeypatch.setattr(fake_core, "_answer", answer)
    return fake_core


def test_pickup_group_is_created_edited_and_deleted_with_audit(phones):
    admin = phones
    page = admin.get("/pickup")
    assert page.status == 200 and "No pickup groups yet." in page.text
    response = admin.submit("/pickup/new", "/pickup", {"name": "Front desk", "members": "1001, 1002 2001"})
    assert response.status == 303 and response.location == "/pickup"
    group = PickupGroup.get(PickupGroup.name == "Front desk")
    assert group.member_list() == ["1001", "1002", "2001"]
    page = admin.get("/pickup").text
    assert "Pickup group Front desk created." in page and '<tr data-group="Front desk">' in page
    response = admin.submit(
        f"/pickup/{group.id}/edit", f"/pickup/{group.id}/edit", {"name": "Desk", "members": "1003"}
    )
    assert response.status == 303
    assert PickupGroup.get_by_id(group.id).members == "1003"
    confirm = admin.get(f"/pickup/{group.id}/delete")
    assert "Delete pickup group Desk?" in confirm.text
    assert admin.submit(f"/pickup/{group.id}/delete", f"/pickup/{group.id}/delete", {}).status == 303
    assert PickupGroup.select().count() == 0
    assert [a for a, _, _ in audit_rows("pickup.")] == ["pickup.create", "pickup.update", "pickup.delete"]


def test_pickup_group_refusals_name_the_bad_numbers_in_both_languages(phones):
    admin = phones
    PickupGroup.create(name="Taken", members="1001")
    response = admin.submit("/pickup/new", "/pickup", {"name": "Taken", "members": "1001, 9999, 8888"})
    assert response.status == 422
    assert "A group named Taken exists already." in response.text
    assert "Not an extension or analog phone number: 9999, 8888." in response.text
    admin.submit("/pickup", "/lang", {"lang": "zh-CN", "next": "/pickup"})
    response = admin.submit("/pickup/new", "/pickup", {"name": "", "members": "7777"})
    assert response.status == 422
    assert "不是分机或模拟电话号码：7777。" in response.text and "请输入 1 到 64 个字符。" in response.text
    assert PickupGroup.select().count() == 1 and audit_rows("pickup.") == []


def test_paging_group_refuses_taken_numbers_and_analog_members_then_saves(phones):
    admin = phones
    Queue.create(number="6000", name="Sales")
    response = admin.submit(
        "/paging/new", "/paging", {"number": "6000", "name": "All", "members": "1001, 2001"}
    )
    assert response.status == 422
    assert "6000 is already dialed for something else" in response.text
    assert "Not a SIP extension: 2001." in response.text
    response = admin.submit("/paging/new", "/paging", {"number": "710", "name": "All", "members": "1001"})
    assert response.status == 422 and "710 is already dialed" in response.text  # a park slot
    response = admin.submit(
        "/paging/new", "/paging", {"number": "6300", "name": "All", "members": "1001,1002"}
    )
    assert response.status == 303
    assert PagingGroup.get(PagingGroup.number == "6300").member_list() == ["1001", "1002"]
    assert '<tr data-group="6300">' in admin.get("/paging").text
    assert audit_rows("paging.") == [("paging.create", "6300", "1001, 1002")]


def test_park_settings_are_saved_refused_by_field_and_parked_calls_shown(phones, live_core):
    admin = phones
    page = admin.get("/park")
    assert page.status == 200 and '<tr data-slot="701">' in page.text and "1002" in page.text
    bad = {"lot": "1001", "first": "750", "last": "740", "timeout": "5", "fallback": "4444"}
    response = admin.submit("/park", "/park", bad)
    assert response.status == 422
    text = response.text
    assert "1001 is already dialed for something else" in text
    assert "The last slot must not be below the first" in text
    assert "Use a whole number of seconds from 10 to 3600." in text
    assert "Not an extension or analog phone number: 4444." in text
    assert park_config().lot == "700"
    good = {"lot": "800", "first": "801", "last": "805", "timeout": "60", "fallback": "1003"}
    response = admin.submit("/park", "/park", good)
    assert response.status == 303 and response.location == "/park"
    config = park_config()
    assert (config.lot, config.slots(), config.timeout, config.fallback) == (
        "800",
        [str(n) for n in range(801, 806)],
        60.0,
        "1003",
    )
    assert audit_rows("park.") == [("park.settings", "800", "lot=800 slots=801-805 timeout=60 fallback=1003")]
    assert "Park settings saved." in admin.get("/park").text


def test_park_page_says_when_the_core_is_not_reachable(config, dead_control):
    from tests.webadmin.conftest import do_setup, login
    from webadmin.app import create_app

    client = Client(create_app(config, dead_control))
    do_setup(client)
    login(client)
    page = client.get("/park")
    assert page.status == 200 and "pbx-core not reachable" in page.text


def seed_calls() -> None:
    now = utcnow()
    rows = (
        ("c1", "1002", "Bob", "1001", None, "1001", 0),  # missed
        ("c2", "1003", "Carol", "1001", now, "1001", 42),  # received
        ("c3", "1001", "Alice", "1002", now, "1002", 10),  # dialed
        ("c4", "1001", "Alice", "*8", now, "", 0),  # a feature code: not listed
    )
    for n, (uid, caller, name, callee, answer, peer, billsec) in enumerate(rows):
        cdr = Cdr.create(
            uniqueid=uid,
            caller=caller,
            caller_name=name,
            callee=callee,
            start=now - dt.timedelta(minutes=10 - n),
            answer=answer,
            end=now,
            billsec=billsec,
            disposition="ANSWERED" if answer else "NO ANSWER",
        )
        if peer:
            CallLeg.create(cdr=cdr, role="callee", peer=peer, start=cdr.start)


def test_recent_calls_page_lists_missed_received_and_dialed_for_a_phone(phones):
    admin = phones
    seed_calls()
    page = admin.get("/recent?number=1001")
    assert page.status == 200 and "Recent calls of 1001" in page.text
    kinds = [
        line.split('data-kind="')[1].split('"')[0] for line in page.text.splitlines() if "data-kind=" in line
    ]
    assert kinds == ["dialed", "received", "missed"]
    assert "Carol" in page.text and "*8" not in page.text.split('id="recent-calls"')[1]
    bad = admin.get("/recent?number=5555")
    assert bad.status == 422 and "5555 is not an extension or analog phone number." in bad.text


def test_an_agent_sees_the_recent_calls_of_its_own_extension_only(phones, app):
    seed_calls()
    agent = Agent(number="801", name="Li Lei", default_extension="1001")
    agent.set_pin("4821")
    agent.save()
    client = Client(app, remote_addr="192.0.2.20")
    reply = client.submit("/agent/login", "/agent/login", {"agent": "801", "pin": "4821"})
    assert reply.status == 303
    page = client.get("/agent/recent")
    assert page.status == 200 and "Recent calls of 1001" in page.text and 'data-kind="missed"' in page.text
    assert client.get("/recent?number=1002").status == 403  # the admin page is not theirs
    assert Client(app).get("/agent/recent").status in (302, 303)  # no session: to the login


def test_pages_need_the_admin_role_and_csrf(phones, app):
    client_app = app
    admin = phones
    for path in ("/park", "/pickup", "/paging", "/recent"):
        assert admin.get(path).status == 200
    assert admin.post("/pickup", {"name": "X", "members": "1001"}).status == 403
    assert admin.post("/park", {"lot": "700"}).status == 403
    anonymous = Client(client_app)
    assert anonymous.get("/pickup").status in (302, 303)


def test_every_message_key_the_group_pages_build_exists():
    """The group pages build their keys ("pickup" + ".deleted"), which the catalog scan cannot see."""
    from webadmin import i18n
    from webadmin.routes.paging import PAGING
    from webadmin.routes.park import PICKUP

    names = "title new edit_title created saved delete_title delete_text delete_confirm deleted".split()
    keys = [f"{pages.keys}.{name}" for pages in (PICKUP, PAGING) for name in names]
    assert [key for key in keys if not i18n.has(key)] == []

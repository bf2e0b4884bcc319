"""People who log in: the admin's user pages (create, role, password reset, disable, delete) with the
last-admin and self protections, each person's own password, CSRF, both languages, the audit log."""

from __future__ import annotations

import re

import pytest

from telephony.models import AdminUser, AuditLog, WebSession
from tests.webadmin.conftest import ADMIN, PASSWORD, login
from tests.webadmin.wsgi_client import Client, Response
from webadmin import auth

SUE_PASSWORD = "Superv1sorPass"
NEW_PASSWORD = "Fresh-Passw0rd9"


def uid(username: str) -> int:
    return AdminUser.get(AdminUser.username == username).id


def create(admin: Client, username: str, role: str = "supervisor", password: str = SUE_PASSWORD) -> Response:
    return admin.submit(
        "/users/new",
        "/users",
        {"username": username, "role": role, "password": password, "confirm": password},
    )


def act(admin: Client, path: str, data: dict[str, str]) -> Response:
    """POST to a user's page with the token of the page the admin is looking at."""
    return admin.submit("/users", path, data)


def person_client(
    app, username: str, password: str = SUE_PASSWORD, addr: str = "192.0.2.30", landing: str = "/supervisor"
) -> Client:
    client = Client(app, remote_addr=addr)
    assert login(client, username, password).location == landing, username
    return client


def field_error(page: Response, name: str) -> str:
    match = re.search(rf'<div class="field-error" id="{name}-error">([^<]*)</div>', page.text)
    assert match, f"no error shown on field {name}"
    return match.group(1)


def audit(prefix: str) -> list[tuple[str, str, str, str]]:
    rows = AuditLog.select().where(AuditLog.action.startswith(prefix)).order_by(AuditLog.id)
    return [(r.action, r.username, r.target, r.detail) for r in rows]


def all_audit_text() -> str:
    return " ".join(f"{r.action} {r.target} {r.detail}" for r in AuditLog.select())


def test_given_a_new_supervisor_when_they_log_in_then_they_reach_the_supervisor_pages_only(admin, app):
    response = create(admin, "sue")
    assert response.status == 303 and response.location == "/users"
    listing = admin.get("/users").text
    assert "User sue created." in listing
    assert 'data-user="sue"' in listing and "Supervisor" in listing
    user = AdminUser.get(AdminUser.username == "sue")
    assert user.role == "supervisor" and user.password_hash.startswith("$argon2id$")
    sue = person_client(app, "sue")  # lands on the supervisor console, not on an admin page
    console = sue.get("/supervisor")
    assert console.status == 200
    assert 'href="/extensions"' not in console.text and 'href="/reports"' in console.text  # its menu only
    assert sue.get("/wallboard").status == 200
    assert sue.get("/account").status == 200
    for path in (
        "/users",
        "/users/new",
        f"/users/{uid(ADMIN)}/edit",
        "/extensions",
        "/audit",
        "/agents",
        "/",
    ):
        assert sue.get(path).status == 403, path
    # Nor can a supervisor act on the user pages, even with a valid token of their own.
    token = sue.get("/account").csrf()
    data = {
        "csrf_token": token,
        "username": "eve",
        "role": "admin",
        "password": PASSWORD,
        "confirm": PASSWORD,
    }
    assert sue.post("/users", data).status == 403
    assert sue.post(f"/users/{uid('sue')}/role", {"csrf_token": token, "role": "admin"}).status == 403
    assert sue.post(f"/users/{uid(ADMIN)}/delete", {"csrf_token": token}).status == 403
    assert AdminUser.get(AdminUser.username == "sue").role == "supervisor"
    assert AdminUser.select().count() == 2
    # The nav bar offers the user page to administrators only, "my account" to both.
    assert 'href="/users"' not in sue.get("/account").text
    assert 'href="/users"' in admin.get("/").text
    assert 'id="my-account"' in sue.get("/account").text


def test_the_list_shows_people_not_agents_or_tokens_with_their_last_login(admin, app):
    create(admin, "sue")
    AdminUser.create(username="agent:801", password_hash="!agent:1", role="agent")
    AdminUser.create(username="cti:801", password_hash="!cti:1:abc", role="cti")
    page = admin.get("/users").text
    rows = re.findall(r'data-user="([^"]+)"', page)
    assert rows == ["boss", "sue"]
    assert "2 user(s)." in page
    sue_row = page.split('data-user="sue"')[1].split("</tr>")[0]
    assert "never" in sue_row
    person_client(app, "sue")
    sue_row = admin.get("/users").text.split('data-user="sue"')[1].split("</tr>")[0]
    assert "never" not in sue_row
    assert re.search(r'last-login">\d{4}-\d\d-\d\d \d\d:\d\d:\d\d<', sue_row)
    # Stand-ins are not people: their rows cannot be opened here.
    for name in ("agent:801", "cti:801"):
        assert admin.get(f"/users/{uid(name)}/edit").status == 404
        assert act(admin, f"/users/{uid(name)}/delete", {}).status == 404
    assert AdminUser.select().count() == 4


def test_create_shows_per_field_errors_and_keeps_the_username(admin):
    cases = [
        ({"username": "bad name!"}, "username", "must be 1 to 64 letters"),
        ({"username": "BOSS"}, "username", "already taken"),
        ({"role": "agent"}, "role", "choose supervisor or administrator"),
        ({"role": "root"}, "role", "choose supervisor or administrator"),
        ({"password": "short1", "confirm": "short1"}, "password", "at least 10 characters"),
        ({"password": "onlyletterslong", "confirm": "onlyletterslong"}, "password", "letters and digits"),
        (
            {"password": "carol12345xy", "confirm": "carol12345xy"},
            "password",
            "must not contain the username",
        ),
        ({"confirm": SUE_PASSWORD + "x"}, "confirm", "the two passwords differ"),
    ]
    for change, field, message in cases:
        data = {"username": "carol", "role": "supervisor", "password": SUE_PASSWORD, "confirm": SUE_PASSWORD}
        data.update(change)
        response = admin.submit("/users/new", "/users", data)
        assert response.status == 422, change
        assert message in field_error(response, field), change
        assert f'value="{data["username"]}"' in response.text
        assert data["password"] not in response.text
    assert [u.username for u in AdminUser.select()] == [ADMIN]
    assert audit("user.") == []


def test_given_one_admin_then_they_can_be_neither_demoted_nor_disabled_nor_deleted(admin, app):
    me = uid(ADMIN)
    response = act(admin, f"/users/{me}/role", {"role": "supervisor"})
    assert response.status == 409
    assert "last enabled administrator" in field_error(response, "role")
    response = act(admin, f"/users/{me}/delete", {})
    assert response.status == 409
    assert "cannot delete or disable your own account" in response.text
    response = act(admin, f"/users/{me}/state", {"enabled": "0"})
    assert response.status == 409
    assert AdminUser.get_by_id(me).role == "admin"
    assert AdminUser.get_by_id(me).password_hash.startswith("$argon2id$")
    # A second administrator may delete the first one, but not the last one left: themself.
    create(admin, "ann", role="admin")
    ann = person_client(app, "ann", landing="/")
    assert ann.submit("/users", f"/users/{me}/delete", {}).status == 303
    assert not AdminUser.select().where(AdminUser.username == ADMIN).exists()
    assert admin.get("/users").status == 303  # the deleted admin's session ended with them
    response = ann.submit("/users", f"/users/{uid('ann')}/role", {"role": "supervisor"})
    assert response.status == 409 and "last enabled administrator" in response.text
    assert AdminUser.get(AdminUser.username == "ann").role == "admin"


def test_an_admin_is_not_the_last_one_while_another_is_enabled(admin, app):
    create(admin, "ann", role="admin")
    ann = uid("ann")
    me = uid(ADMIN)
    # Ann disabled: the admin is the last enabled one again.
    assert act(admin, f"/users/{ann}/state", {"enabled": "0"}).status == 303
    assert act(admin, f"/users/{me}/role", {"role": "supervisor"}).status == 409
    assert act(admin, f"/users/{ann}/state", {"enabled": "1"}).status == 303
    # Now the admin may step down; the page they can no longer see is not where they land.
    response = act(admin, f"/users/{me}/role", {"role": "supervisor"})
    assert response.status == 303 and response.location == "/account"
    assert AdminUser.get_by_id(me).role == "supervisor"
    assert admin.get("/users").status == 403
    assert audit("user.role") == [("user.role", ADMIN, ADMIN, "admin->supervisor")]


def test_an_admin_cannot_delete_or_disable_themself_even_with_another_admin(admin):
    create(admin, "ann", role="admin")
    me = uid(ADMIN)
    page = admin.get(f"/users/{me}/edit").text
    assert f'action="/users/{me}/state"' not in page  # not offered ...
    response = act(admin, f"/users/{me}/delete", {})  # ... and refused when sent anyway
    assert response.status == 409
    assert "cannot delete or disable your own account" in response.text
    assert act(admin, f"/users/{me}/state", {"enabled": "0"}).status == 409
    assert AdminUser.get_by_id(me).password_hash.startswith("$argon2id$")
    assert audit("user.delete") == audit("user.disable") == []


def test_disabling_ends_the_sessions_and_refuses_the_password_until_enabled(admin, app):
    create(admin, "sue")
    sue = person_client(app, "sue")
    response = act(admin, f"/users/{uid('sue')}/state", {"enabled": "0"})
    assert response.status == 303
    assert sue.get("/supervisor").status == 303  # logged out
    refused = login(Client(app, remote_addr="192.0.2.31"), "sue", SUE_PASSWORD)
    assert refused.status == 200 and "Wrong username or password." in refused.text
    assert "Disabled" in admin.get("/users").text
    assert act(admin, f"/users/{uid('sue')}/state", {"enabled": "1"}).status == 303
    person_client(app, "sue", addr="192.0.2.32")
    assert audit("user.disable") == [("user.disable", ADMIN, "sue", "sessions ended=1")]
    assert audit("user.enable") == [("user.enable", ADMIN, "sue", "")]


def test_an_admin_resets_a_password_and_the_users_sessions_end(admin, app):
    create(admin, "sue")
    sue = person_client(app, "sue")
    response = act(admin, f"/users/{uid('sue')}/password", {"password": "short1", "confirm": "short1"})
    assert response.status == 422 and "at least 10 characters" in field_error(response, "password")
    assert sue.get("/supervisor").status == 200
    response = act(
        admin, f"/users/{uid('sue')}/password", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert response.status == 303
    assert sue.get("/supervisor").status == 303
    assert login(Client(app), "sue", SUE_PASSWORD).status == 200  # the old one is refused
    person_client(app, "sue", NEW_PASSWORD)
    # The admin's own session was not the one to end.
    assert admin.get("/users").status == 200
    assert audit("user.password_reset") == [("user.password_reset", ADMIN, "sue", "sessions ended=1")]


def test_changing_my_password_needs_the_current_one_and_ends_my_other_sessions(admin, app):
    other = person_client(app, ADMIN, PASSWORD, addr="192.0.2.40", landing="/")
    wrong = admin.submit(
        "/account",
        "/account",
        {"current": "Wrong-passw0rd", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert wrong.status == 422
    assert "current password is wrong" in field_error(wrong, "current")
    weak = admin.submit(
        "/account", "/account", {"current": PASSWORD, "password": "boss1234567", "confirm": "x"}
    )
    assert weak.status == 422 and "must not contain the username" in field_error(weak, "password")
    assert other.get("/").status == 200
    done = admin.submit(
        "/account", "/account", {"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert done.status == 303 and done.location == "/account"
    assert "Your password has been changed." in admin.get("/account").text
    assert admin.get("/").status == 200  # this session stays
    assert other.get("/").status == 303  # the other one ended
    assert WebSession.select().count() == 1
    assert login(Client(app), ADMIN, PASSWORD).status == 200
    person_client(app, ADMIN, NEW_PASSWORD, landing="/")
    assert audit("account.") == [
        ("account.password.failed", ADMIN, ADMIN, ""),
        ("account.password", ADMIN, ADMIN, "other sessions ended=1"),
    ]


def test_wrong_current_passwords_are_throttled(admin):
    data = {"current": "Wrong-passw0rd", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    for _ in range(5):
        assert admin.submit("/account", "/account", data).status == 422
    data["current"] = PASSWORD
    response = admin.submit("/account", "/account", data)
    assert response.status == 429
    assert "too many wrong passwords" in field_error(response, "current")
    assert login(Client(admin.app), ADMIN, PASSWORD).location == "/"  # unchanged


def test_an_agent_stand_in_has_no_account_page(app, admin):
    stand_in = AdminUser.create(username="agent:801", password_hash="!agent:1", role="agent")
    token, _ = auth.start_session(stand_in, "192.0.2.60")
    agent = Client(app, remote_addr="192.0.2.60", cookies={auth.SESSION_COOKIE: token})
    assert agent.get("/account").status == 403


@pytest.mark.parametrize(
    "path",
    [
        "/users",
        "/users/{sue}/role",
        "/users/{sue}/password",
        "/users/{sue}/state",
        "/users/{sue}/delete",
        "/account",
    ],
)
def test_every_user_form_refuses_a_missing_or_forged_csrf_token(admin, path):
    create(admin, "sue")
    sue = uid("sue")
    target = path.format(sue=sue)
    data = {
        "username": "eve",
        "role": "admin",
        "password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
        "current": PASSWORD,
        "enabled": "0",
    }
    hashes = {u.username: u.password_hash for u in AdminUser.select()}
    for token in (None, "", "forged-token"):
        body = dict(data) if token is None else {"csrf_token": token, **data}
        response = admin.post(target, body)
        assert response.status == 403, (target, token)
        assert "Security check failed" in response.text
    assert {u.username: u.password_hash for u in AdminUser.select()} == hashes
    assert AdminUser.get_by_id(sue).role == "supervisor"
    assert audit("user.") == [("user.create", ADMIN, "sue", "role=supervisor")]
    assert audit("account.") == []


def test_the_pages_speak_chinese_and_english(admin):
    create(admin, "sue")
    admin.submit("/users", "/lang", {"lang": "zh-CN", "next": "/users"})
    listing = admin.get("/users").text
    assert "用户管理" in listing and "班长" in listing and "从未登录" in listing
    assert "我的账号" in listing
    response = act(admin, f"/users/{uid(ADMIN)}/role", {"role": "supervisor"})
    assert "这是最后一个启用的管理员" in field_error(response, "role")
    assert "修改密码" in admin.get("/account").text
    delete_page = admin.get(f"/users/{uid('sue')}/delete").text
    assert "删除用户 sue？" in delete_page
    assert "创建用户" in admin.get("/audit").text
    admin.submit("/users", "/lang", {"lang": "en", "next": "/users"})
    listing = admin.get("/users").text
    assert "Users" in listing and "Supervisor" in listing and "never" in listing
    assert "user created" in admin.get("/audit").text


def test_every_change_is_audited_and_no_password_ever_is(admin, app):
    create(admin, "sue")
    sue = uid("sue")
    act(admin, f"/users/{sue}/role", {"role": "admin"})
    act(admin, f"/users/{sue}/password", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    act(admin, f"/users/{sue}/state", {"enabled": "0"})
    act(admin, f"/users/{sue}/state", {"enabled": "1"})
    assert act(admin, f"/users/{sue}/delete", {}).status == 303
    assert audit("user.") == [
        ("user.create", ADMIN, "sue", "role=supervisor"),
        ("user.role", ADMIN, "sue", "supervisor->admin"),
        ("user.password_reset", ADMIN, "sue", "sessions ended=0"),
        ("user.disable", ADMIN, "sue", "sessions ended=0"),
        ("user.enable", ADMIN, "sue", ""),
        ("user.delete", ADMIN, "sue", "role=admin"),
    ]
    assert {r.remote_addr for r in AuditLog.select().where(AuditLog.action.startswith("user."))} == {
        "192.0.2.10"
    }
    text = all_audit_text()
    for secret in (SUE_PASSWORD, NEW_PASSWORD, PASSWORD, "argon2"):
        assert secret not in text
    assert not AdminUser.select().where(AdminUser.username == "sue").exists()
    assert admin.get(f"/users/{sue}/edit").status == 404

"""Conference room pages: create (PINs hashed), refusals in both languages, edit, delete with
confirmation and audit; the live view lists participants and mutes, removes, locks and invites
through the core's control API; CSRF and the admin role."""

from __future__ import annotations

import pytest

from telephony.models import AuditLog, ConferenceRoom, Extension

LIVE = [
    {
        "number": "7100",
        "locked": False,
        "participants": [
            {"id": "c1", "caller": "1001", "name": "Alice", "role": "moderator", "muted": False},
            {"id": "c2", "caller": "1002", "name": "Bob", "role": "participant", "muted": True},
        ],
    }
]


def audit_rows() -> list[tuple[str, str, str]]:
    rows = AuditLog.select().where(AuditLog.action.startswith("conference.")).order_by(AuditLog.id)
    return [(r.action, r.target, r.detail) for r in rows]


def form(**values: str | None) -> dict[str, str]:
    base = {
        "number": "7100",
        "name": "Team",
        "pin": "1234",
        "moderator_pin": "9999",
        "max_participants": "60",
        "music_when_alone": "1",
        "entry_exit_tones": "1",
    }
    base.update(values)
    return {k: v for k, v in base.items() if v is not None}


@pytest.fixture
def live_core(fake_core, monkeypatch):
    real = fake_core._answer

    def answer(method, path, body):
        if path == "/conference/rooms":
            return 200, LIVE
        if path.startswith("/conference/"):
            with fake_core._lock:
                fake_core.requests.append((method, path, body))
            return 200, {"ok": True}
        return real(method, path, body)

    monkeypatch.setattr(fake_core, "_answer", answer)
    return fake_core


def test_a_room_is_created_with_hashed_pins_listed_and_audited(admin):
    page = admin.get("/conference")
    assert (
        page.status == 200
        and '<a href="/conference"' in page.text
        and "No conference rooms yet." in page.text
    )
    response = admin.submit("/conference/new", "/conference", form(music_when_alone=None))
    assert response.status == 303 and response.location == "/conference"
    room = ConferenceRoom.get(ConferenceRoom.number == "7100")
    assert room.role_for("1234") == "participant" and room.role_for("9999") == "moderator"
    assert "1234" not in room.pin_hash and not room.music_when_alone and room.entry_exit_tones
    page = admin.get("/conference").text
    assert "Room 7100 created." in page and '<tr data-room="7100">' in page
    ((action, target, detail),) = audit_rows()
    assert (
        (action, target) == ("conference.create", "7100") and "pin=changed" in detail and "1234" not in detail
    )


def test_bad_input_is_refused_by_field_and_a_taken_number_is_named(admin):
    ext = Extension(number="1001", name="Alice")
    ext.set_secret("Secr3tPass9", "pbx")
    ext.save()
    response = admin.submit(
        "/conference/new", "/conference", form(number="1001", pin="12", max_participants="500")
    )
    assert response.status == 422
    assert "An extension, port, queue, IVR or room already has this number." in response.text
    assert "3 to 12 digits." in response.text and "A number from 2 to 120." in response.text
    assert not ConferenceRoom.select().exists()


def test_edit_keeps_pins_when_empty_and_delete_asks_first(admin):
    room = ConferenceRoom(number="7100", name="Team")
    room.set_pin("1234")
    room.save()
    page = f"/conference/{room.id}/edit"
    response = admin.submit(page, page, form(name="Board", pin="", moderator_pin="", max_participants="10"))
    assert response.status == 303
    room = ConferenceRoom.get_by_id(room.id)
    assert (room.name, room.max_participants, room.role_for("1234")) == ("Board", 10, "participant")
    confirm = admin.get(f"/conference/{room.id}/delete")
    assert confirm.status == 200 and "Delete room 7100?" in confirm.text
    response = admin.submit(f"/conference/{room.id}/delete", f"/conference/{room.id}/delete", {})
    assert response.status == 303 and not ConferenceRoom.select().exists()
    assert [a for a, _t, _d in audit_rows()] == ["conference.update", "conference.delete"]


def test_live_view_lists_participants_and_mutes_kicks_locks_and_invites(admin, live_core):
    room = ConferenceRoom.create(number="7100", name="Team")
    live = f"/conference/{room.id}/live"
    page = admin.get(live)
    assert page.status == 200 and '<tr data-participant="c1">' in page.text and "Bob" in page.text
    for action, data in (
        ("mute", {"participant": "c1"}),
        ("unmute", {"participant": "c2"}),
        ("kick", {"participant": "c2"}),
        ("lock", {}),
        ("dial", {"number": "1003"}),
    ):
        response = admin.submit(live, f"{live}/{action}", data)
        assert response.status == 303 and response.location == live
    assert live_core.received("POST", "/conference/mute") == [{"room": "7100", "participant": "c1"}]
    assert live_core.received("POST", "/conference/unmute") == [{"room": "7100", "participant": "c2"}]
    assert live_core.received("POST", "/conference/kick") == [{"room": "7100", "participant": "c2"}]
    assert live_core.received("POST", "/conference/lock") == [{"room": "7100", "locked": True}]
    assert live_core.received("POST", "/conference/dial") == [{"room": "7100", "number": "1003"}]
    assert [a for a, _t, _d in audit_rows()] == [
        "conference.mute",
        "conference.unmute",
        "conference.kick",
        "conference.lock",
        "conference.dial",
    ]


def test_live_actions_need_the_csrf_token_and_the_pages_the_admin_role(admin, client):
    room = ConferenceRoom.create(number="7100", name="Team")
    response = admin.post(f"/conference/{room.id}/live/kick", {"participant": "c1"})
    assert response.status == 403
    assert admin.get("/conference/999/edit").status == 404

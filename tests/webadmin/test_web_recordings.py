"""Recordings pages: search by every field (refusals in both languages), playback with HTTP ranges,
download, delete with confirmation and audit, rules and retention settings, the low-disk warning,
CSRF and roles (supervisors listen, only admins download, delete and set rules)."""

from __future__ import annotations

import datetime as dt

import pytest

from telephony.models import AdminUser, AuditLog, Extension, Setting
from telephony.models.recording import Recording, RecordingRule
from tests.support import audio
from tests.webadmin.conftest import login
from tests.webadmin.fake_core import FakeCore
from tests.webadmin.wsgi_client import Client
from webadmin.auth import hash_password


class RecordingCore(FakeCore):
    """The fake pbx-core, also answering the recording routes."""

    def __init__(self) -> None:
        super().__init__()
        self.disk = {"free_mb": 5000.0, "reserve_mb": 200, "quota_mb": 0, "days": 0, "used_mb": 0.1}
        self.disk.update(count=2, low_space=False, active=0)

    def _answer(self, method, path, body):
        if (method, path) == ("GET", "/recording/status"):
            with self._lock:
                self.requests.append((method, path, body))
            return 200, dict(self.disk)
        if (method, path) == ("POST", "/recording/retention"):
            with self._lock:
                self.requests.append((method, path, body))
            return 200, {"by_age": 3, "by_quota": 1}
        return super()._answer(method, path, body)


@pytest.fixture
def fake_core():
    core = RecordingCore().start()
    yield core
    core.stop()


def audit_rows() -> list[tuple[str, str, str]]:
    rows = AuditLog.select().where(AuditLog.action.startswith("recording.")).order_by(AuditLog.id)
    return [(r.action, r.target, r.detail) for r in rows]


def local(text: str) -> dt.datetime:
    """A local wall-clock time as the UTC the database stores."""
    return dt.datetime.strptime(text, "%Y-%m-%d %H:%M").astimezone(dt.UTC).replace(tzinfo=None)


@pytest.fixture
def stored(admin, config):
    """Two finished recordings with real WAV files."""
    rows = []
    for n, (caller, callee, ext, queue, agent, when, seconds) in enumerate(
        [
            ("1001", "1002", "1001,1002", "", "", "2026-03-01 09:30", 2.0),
            ("13800138000", "600", "1003", "600", "801", "2026-03-02 15:00", 1.0),
        ]
    ):
        path = config.media_dir / "recordings" / "2026" / "03" / f"r{n}.wav"
        path.parent.mkdir(parents=True, exist_ok=True)
        audio.write_tone(path, 1000, seconds=seconds)
        rows.append(
            Recording.create(
                uniqueid=f"call{n}",
                caller=caller,
                callee=callee,
                extension=ext,
                queue=queue,
                agent=agent,
                direction="internal" if not queue else "inbound",
                trunk="" if not queue else "e1/3",
                started=local(when),
                duration=seconds,
                path=str(path.relative_to(config.media_dir)),
                size=path.stat().st_size,
                mode="mixed",
                trigger="rule:1",
                state="done",
            )
        )
    return rows


def ids(page: str) -> list[int]:
    import re

    return [int(m) for m in re.findall(r'<tr data-recording="(\d+)">', page)]


def test_the_page_is_in_the_navigation_and_lists_recordings_newest_first(admin, stored, fake_core):
    page = admin.get("/recordings")
    assert page.status == 200 and '<a href="/recordings" class="active">Recordings</a>' in page.text
    assert ids(page.text) == [stored[1].id, stored[0].id]
    assert f'<audio controls preload="none" src="/recordings/{stored[0].id}.wav">' in page.text
    assert "2 recordings, 0.1 MB; 5000 MB free on the disk." in page.text
    assert 'id="low-space"' not in page.text


@pytest.mark.parametrize(
    ("query", "expect"),
    [
        ({"extension": "1002"}, [0]),
        ({"extension": "100"}, []),  # a whole extension, not a prefix
        ({"number": "138001"}, [1]),
        ({"queue": "600"}, [1]),
        ({"agent": "801"}, [1]),
        ({"start": "2026-03-02T00:00"}, [1]),
        ({"end": "2026-03-01T10:00"}, [0]),
        ({"start": "2026-03-01T09:00", "end": "2026-03-02T16:00"}, [1, 0]),
        ({"min_duration": "1.5"}, [0]),
        ({"max_duration": "1.5"}, [1]),
        ({"extension": "1003", "min_duration": "1.5"}, []),
    ],
)
def test_search_by_each_field(admin, stored, query, expect):
    import urllib.parse

    page = admin.get("/recordings?" + urllib.parse.urlencode(query))
    assert page.status == 200
    assert ids(page.text) == [stored[i].id for i in expect]
    if not expect:
        assert "No recordings match." in page.text


@pytest.mark.parametrize(
    ("language", "query", "field", "text"),
    [
        ("en", "start=yesterday", "start", "Not a date and time (YYYY-MM-DD HH:MM)."),
        ("zh-CN", "end=2026-13-45", "end", "不是有效的日期时间（YYYY-MM-DD HH:MM）。"),
        ("en", "min_duration=-3", "min_duration", "Seconds, 0 or more."),
        ("zh-CN", "min_duration=9&max_duration=2", "max_duration", "最长时长不能小于最短时长。"),
        ("en", "number=1%27%20OR%201", "number", "Digits, *, # or + only (up to 32)."),
    ],
)
def test_bad_search_input_is_refused_on_its_field(admin, stored, language, query, field, text):
    AdminUser.update(language=language).execute()
    page = admin.get("/recordings?" + query)
    assert page.status == 422
    assert f'<div class="field-error" id="{field}-error">{text}</div>' in page.text
    assert ids(page.text) == []


def test_play_with_ranges_download_and_delete_with_audit(admin, stored, config):
    row = stored[0]
    data = (config.media_dir / row.path).read_bytes()
    whole = admin.get(f"/recordings/{row.id}.wav")
    assert whole.status == 200 and whole.body == data and whole.header("Content-Type").startswith("audio/wav")
    assert whole.header("Accept-Ranges") == "bytes"
    part = admin.get(f"/recordings/{row.id}.wav", headers={"Range": "bytes=44-1043"})
    assert part.status == 206 and part.body == data[44:1044]
    assert part.header("Content-Range") == f"bytes 44-1043/{len(data)}"
    tail = admin.get(f"/recordings/{row.id}.wav", headers={"Range": "bytes=-100"})
    assert tail.status == 206 and tail.body == data[-100:]
    download = admin.get(f"/recordings/{row.id}.wav?download=1")
    assert "attachment" in download.header("Content-Disposition") and download.body == data
    assert admin.get("/recordings/9999.wav").status == 404
    confirm = admin.get(f"/recordings/{row.id}/delete")
    assert confirm.status == 200 and "Delete the recording" in confirm.text and "1001 → 1002" in confirm.text
    assert admin.post(f"/recordings/{row.id}/delete", {}).status == 403  # no CSRF token
    response = admin.submit(f"/recordings/{row.id}/delete", f"/recordings/{row.id}/delete", {})
    assert response.status == 303 and response.location == "/recordings"
    assert not (config.media_dir / row.path).exists()
    assert [r.id for r in Recording.select()] == [stored[1].id]
    ((action, target, detail),) = audit_rows()
    assert (action, target) == ("recording.delete", str(row.id))
    assert "caller='1001'" in detail and row.path in detail
    assert f"Recording {row.id} deleted." in admin.get("/recordings").text


def test_a_recording_still_being_made_is_not_deleted(admin, stored, config):
    Recording.update(state="recording").where(Recording.id == stored[0].id).execute()
    response = admin.submit(f"/recordings/{stored[0].id}/delete", f"/recordings/{stored[0].id}/delete", {})
    assert response.status == 409 and "This call is still being recorded." in response.text
    assert (config.media_dir / stored[0].path).exists() and audit_rows() == []


def test_supervisors_listen_but_do_not_download_delete_or_set_rules(admin, stored, app):
    AdminUser.create(
        username="sup", password_hash=hash_password("Sup3rvisor99"), role="supervisor", language="en"
    )
    supervisor = Client(app, remote_addr="192.0.2.20")
    login(supervisor, "sup", "Sup3rvisor99")
    page = supervisor.get("/recordings")
    assert page.status == 200 and '<a href="/recordings" class="active">Recordings</a>' in page.text
    assert "?download=1" not in page.text and "/delete" not in page.text
    assert supervisor.get(f"/recordings/{stored[0].id}.wav").status == 200
    for path in (
        f"/recordings/{stored[0].id}.wav?download=1",
        f"/recordings/{stored[0].id}/delete",
        "/recordings/rules",
    ):
        assert supervisor.get(path).status == 403, path
    token = supervisor.get("/recordings").csrf()
    assert supervisor.post(f"/recordings/{stored[0].id}/delete", {"csrf_token": token}).status == 403
    assert Recording.select().count() == 2
    agentless = Client(app, remote_addr="192.0.2.21")
    assert agentless.get("/recordings").status == 303  # not logged in: to the login page


def test_rules_are_added_refused_by_field_and_deleted_with_audit(admin):
    ext = Extension(number="1001", name="Alice")
    ext.set_secret("Secr3tPass9", "pbx")
    ext.save()
    page = admin.get("/recordings/rules")
    assert page.status == 200 and "No rules: only *1 records calls." in page.text
    ok = admin.submit(
        "/recordings/rules",
        "/recordings/rules",
        {"kind": "extension", "value": "1001", "mode": "stereo", "announce": "1"},
    )
    assert ok.status == 303 and ok.location == "/recordings/rules"
    rule = RecordingRule.get()
    assert (rule.kind, rule.value, rule.mode, rule.announce, rule.enabled) == (
        "extension",
        "1001",
        "stereo",
        True,
        True,
    )
    for values, field, text in [
        ({"kind": "extension", "value": "9999"}, "value", "No extension or analog phone has this number."),
        ({"kind": "queue", "value": "600"}, "value", "No queue has this number."),
        (
            {"kind": "trunk", "value": "fxs1"},
            "value",
            "Not a trunk: fxo1, e1, e1/5 or the name of a trunk group.",
        ),
        ({"kind": "direction", "value": "sideways"}, "value", "One of internal, inbound, outbound."),
        ({"kind": "everything"}, "kind", "Choose what to record."),
        ({"kind": "all", "mode": "surround"}, "mode", "Mixed or stereo."),
    ]:
        bad = admin.submit("/recordings/rules", "/recordings/rules", {"mode": "mixed", **values})
        assert (
            bad.status == 422 and f'<div class="field-error" id="{field}-error">{text}</div>' in bad.text
        ), values
    AdminUser.update(language="zh-CN").execute()
    bad = admin.submit(
        "/recordings/rules", "/recordings/rules", {"kind": "direction", "value": "up", "mode": "mixed"}
    )
    assert (
        '<div class="field-error" id="value-error">只能是 internal、inbound 或 outbound。</div>' in bad.text
    )
    for spec in (
        {"kind": "trunk", "value": "e1/5"},
        {"kind": "direction", "value": "inbound"},
        {"kind": "all"},
    ):
        assert admin.submit("/recordings/rules", "/recordings/rules", {"mode": "mixed", **spec}).status == 303
    assert RecordingRule.select().count() == 4
    gone = admin.submit("/recordings/rules", f"/recordings/rules/{rule.id}/delete", {})
    assert gone.status == 303 and RecordingRule.get_or_none(RecordingRule.id == rule.id) is None
    actions = [a for a, _, _ in audit_rows()]
    assert actions == ["recording.rule_create"] * 4 + ["recording.rule_delete"]


def test_retention_settings_are_validated_saved_and_applied_on_demand(admin, fake_core):
    fields = {
        "recording_retention_days": "30",
        "recording_quota_mb": "500",
        "recording_reserve_mb": "100",
        "recording_announce_language": "en",
        "recording_on_demand_mode": "stereo",
    }
    assert admin.submit("/recordings/rules", "/recordings/settings", fields).status == 303
    assert (
        Setting.get_value("recording_quota_mb") == "500"
        and Setting.get_value("recording_on_demand_mode") == "stereo"
    )
    bad = admin.submit("/recordings/rules", "/recordings/settings", {**fields, "recording_quota_mb": "lots"})
    assert (
        bad.status == 422
        and '<div class="field-error" id="recording_quota_mb-error">A whole number.</div>' in bad.text
    )
    bad = admin.submit(
        "/recordings/rules", "/recordings/settings", {**fields, "recording_retention_days": "-1"}
    )
    assert bad.status == 422 and "Out of range." in bad.text
    assert Setting.get_value("recording_quota_mb") == "500"
    done = admin.submit("/recordings/rules", "/recordings/retention", {})
    assert done.status == 303 and fake_core.received("POST", "/recording/retention") == [{}]
    assert "Retention applied: 3 deleted for age, 1 for the quota." in admin.get("/recordings/rules").text
    assert [a for a, _, _ in audit_rows()] == ["recording.settings", "recording.retention"]


def test_low_disk_space_is_shown_as_a_warning_in_both_languages(admin, fake_core):
    fake_core.disk.update(low_space=True, free_mb=150.4, reserve_mb=200)
    page = admin.get("/recordings").text
    assert (
        '<div class="flash flash-warning" role="alert" id="low-space">Recording is paused: only 150 MB'
        in page
    )
    AdminUser.update(language="zh-CN").execute()
    assert "录音已暂停：磁盘仅剩 150 MB 可用空间，低于保留的 200 MB。" in admin.get("/recordings/rules").text


def test_without_pbx_core_the_page_says_the_disk_state_is_unknown(config, dead_control):
    from tests.webadmin.conftest import do_setup
    from webadmin.app import create_app

    client = Client(create_app(config, dead_control))
    do_setup(client)
    login(client)
    page = client.get("/recordings")
    assert page.status == 200 and "pbx-core is not reachable: the disk state is unknown." in page.text

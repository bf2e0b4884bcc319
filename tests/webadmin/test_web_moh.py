"""Music-on-hold page: upload (converted by the real sox), list with a player, range requests,
refusals that change nothing, delete, the queue form's class choice, CSRF, roles, audit, languages."""

from __future__ import annotations

import io
import subprocess
import uuid
import wave
from pathlib import Path

import bottle
import pytest

from telephony.callcenter.service import CallCenterService, QueueInput
from telephony.media.moh import MAX_BYTES
from telephony.models import AdminUser, AuditLog, Queue
from tests.webadmin.conftest import login
from tests.webadmin.wsgi_client import Client, Response
from webadmin.app import create_app
from webadmin.auth import hash_password
from webadmin.plugins import MAX_BODY


def _readable() -> str:
    from telephony.media.moh import COMMON_FORMATS, sox_formats

    return ", ".join(f.upper() for f in COMMON_FORMATS if f in sox_formats())


READABLE = _readable()  # the formats this box's sox reads, as the pages name them (MP3 needs libsox-fmt-mp3)


def multipart(client: Client, path: str, fields: dict[str, str], file: tuple[str, bytes] | None) -> Response:
    """POST a multipart form (text fields and one file), as a browser's upload does."""
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    if file is not None:
        filename, content = file
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'.encode()
            + b"Content-Type: application/octet-stream\r\n\r\n"
            + content
            + b"\r\n"
        )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    inner = client.app

    def app(environ, start_response):
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        environ["CONTENT_TYPE"] = f"multipart/form-data; boundary={boundary}"
        return inner(environ, start_response)

    client.app = app
    try:
        return client.request("POST", path)
    finally:
        client.app = inner


def upload(client: Client, name: str, filename: str, content: bytes, token: str | None = "") -> Response:
    token = client.get("/moh").csrf() if token == "" else token
    fields = {"name": name} if token is None else {"csrf_token": token, "name": name}
    return multipart(client, "/moh", fields, (filename, content))


def sox_make(path: Path, seconds: float, rate: int = 44100, channels: int = 2) -> bytes:
    subprocess.run(
        ["sox", "-n", "-r", str(rate), "-c", str(channels), "-b", "16", str(path)]
        + ["synth", str(seconds), "sine", "440", "sine", "660", "gain", "-12"],
        check=True,
        capture_output=True,
    )
    return path.read_bytes()


def error_shown(page: Response, field: str, text: str) -> bool:
    return f'id="{field}-error">{bottle.html_escape(text)}</div>' in page.text


def audit_rows() -> list[tuple[str, str, str]]:
    rows = AuditLog.select().where(AuditLog.action.startswith("moh.")).order_by(AuditLog.id)
    return [(r.action, r.target, r.detail) for r in rows]


def set_language(language: str) -> None:
    AdminUser.update(language=language).execute()


@pytest.fixture
def moh_dir(config) -> Path:
    return config.media_dir / "moh"


@pytest.fixture
def jazz(admin, moh_dir, tmp_path) -> bytes:
    """Class jazz uploaded through the page (2 s); returns the stored file's bytes."""
    assert upload(admin, "jazz", "music.wav", sox_make(tmp_path / "music.wav", 2.0)).status == 303
    admin.get("/moh")  # take the flash
    return (moh_dir / "jazz.wav").read_bytes()


# --- the page ----------------------------------------------------------------------------------


def test_the_page_sits_in_the_call_center_navigation_and_lists_the_built_in_default(admin):
    page = admin.get("/moh")
    assert page.status == 200
    assert '<a href="/moh" class="active">Music on hold</a>' in page.text
    assert '<nav class="subnav" aria-label="Call center sections">' in page.text
    assert '<a href="/moh" class="">Music on hold</a>' in admin.get("/queues").text
    assert '<tr data-class="default">' in page.text and "Built-in music" in page.text
    assert "<audio" not in page.text and "/moh/default/delete" not in page.text
    assert 'enctype="multipart/form-data"' in page.text
    assert f"{READABLE}; at most 20 MiB and 10 minutes." in page.text


def test_an_upload_is_converted_listed_playable_reloaded_and_audited(admin, moh_dir, fake_core, tmp_path):
    source = sox_make(tmp_path / "music.wav", 2.0)
    assert len(source) > MAX_BODY  # beyond the forms' limit: the upload route has its own
    response = upload(admin, "jazz", "music.wav", source)
    assert response.status == 303 and response.location == "/moh"
    with wave.open(str(moh_dir / "jazz.wav"), "rb") as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (8000, 1, 2)
        assert w.getnframes() == pytest.approx(16000, abs=80)
    page = admin.get("/moh").text
    assert "Music on hold “jazz” saved (0:02)." in page
    assert '<tr data-class="jazz">' in page
    assert '<audio controls preload="none" src="/moh/jazz.wav">' in page
    assert '<a class="btn btn-small btn-danger-ghost" href="/moh/jazz/delete">' in page
    assert fake_core.received("POST", "/reload") == [{"what": "moh"}]
    ((action, target, detail),) = audit_rows()
    assert (action, target) == ("moh.upload", "jazz")
    assert detail.startswith("file='music.wav' seconds=2.0 bytes=32044") and detail.endswith("replaced=no")
    # Again into the same class: a replacement.
    assert upload(admin, "jazz", "other.ogg", (tmp_path / "music.wav").read_bytes()).status == 303
    assert audit_rows()[-1][2].endswith("replaced=yes")


def test_the_audio_is_served_whole_and_by_range(admin, jazz):
    whole = admin.get("/moh/jazz.wav")
    assert whole.status == 200 and whole.body == jazz
    assert whole.header("Content-Type").startswith("audio/wav")
    assert whole.header("Accept-Ranges") == "bytes"
    part = admin.get("/moh/jazz.wav", headers={"Range": "bytes=100-199"})
    assert part.status == 206
    assert part.header("Content-Range") == f"bytes 100-199/{len(jazz)}"
    assert part.body == jazz[100:200]
    tail = admin.get("/moh/jazz.wav", headers={"Range": "bytes=-44"})
    assert tail.status == 206 and tail.body == jazz[-44:]
    for path in ("/moh/nothing.wav", "/moh/default.wav", "/moh/..%2fdb.wav", "/moh/Jazz.wav"):
        assert admin.get(path).status == 404, path


# --- refusals change nothing ---------------------------------------------------------------------


def test_garbage_is_refused_with_soxs_reason_and_the_music_stays(admin, jazz, moh_dir, fake_core):
    reloads = len(fake_core.received("POST", "/reload"))
    response = upload(admin, "jazz", "holiday.wav", b"\x00\x13garbage, not music" * 300)
    assert response.status == 422
    assert error_shown(
        response,
        "file",
        f"holiday.wav is not audio this box can read ({READABLE}): can't determine type of file `holiday.wav'",
    )
    assert 'value="jazz"' in response.text  # the form keeps the name
    set_language("zh-CN")
    response = upload(admin, "jazz", "holiday.wav", b"\x00\x13garbage" * 300)
    assert error_shown(
        response,
        "file",
        f"holiday.wav 不是本机可读取的音频（{READABLE}）：can't determine type of file `holiday.wav'",
    )
    assert (moh_dir / "jazz.wav").read_bytes() == jazz
    assert sorted(p.name for p in moh_dir.iterdir()) == ["jazz.wav"]
    assert len(fake_core.received("POST", "/reload")) == reloads
    assert [a for a, _, _ in audit_rows()] == ["moh.upload"]  # the first upload only


@pytest.mark.parametrize(
    ("name", "en", "zh"),
    [
        (
            "Soft Jazz",
            "must be 1 to 32 lowercase letters, digits, dashes or underscores",
            "必须是 1 到 32 个小写字母、数字、短横线或下划线",
        ),
        (
            "",
            "must be 1 to 32 lowercase letters, digits, dashes or underscores",
            "必须是 1 到 32 个小写字母、数字、短横线或下划线",
        ),
    ],
)
def test_a_bad_name_is_refused_in_both_languages(admin, moh_dir, tmp_path, name, en, zh):
    data = sox_make(tmp_path / "m.wav", 0.5)
    response = upload(admin, name, "m.wav", data)
    assert response.status == 422 and error_shown(response, "name", en)
    set_language("zh-CN")
    response = upload(admin, name, "m.wav", data)
    assert response.status == 422 and error_shown(response, "name", zh)
    assert not moh_dir.exists() or list(moh_dir.iterdir()) == []


def test_a_form_without_a_file_is_refused(admin):
    response = multipart(admin, "/moh", {"csrf_token": admin.get("/moh").csrf(), "name": "jazz"}, None)
    assert response.status == 422 and error_shown(response, "file", "choose an audio file to upload")


def test_a_file_over_the_size_limit_is_refused_and_a_far_larger_body_is_not_read(admin, jazz, moh_dir):
    response = upload(admin, "jazz", "huge.wav", bytes(MAX_BYTES + 10))
    assert response.status == 422
    assert error_shown(response, "file", "huge.wav is 20.1 MiB; the limit is 20 MiB")
    token = admin.get("/moh").csrf()

    def lying_app(environ, start_response):  # announces 30 MiB; the guard refuses before reading
        environ["CONTENT_LENGTH"] = str(30 * 1024 * 1024)
        environ["CONTENT_TYPE"] = "multipart/form-data; boundary=x"
        return inner(environ, start_response)

    inner, admin.app = admin.app, lying_app
    try:
        assert admin.post("/moh", {"csrf_token": token}).status == 413
    finally:
        admin.app = inner
    assert (moh_dir / "jazz.wav").read_bytes() == jazz


def test_a_file_over_the_length_limit_is_refused(admin, moh_dir, tmp_path):
    long = sox_make(tmp_path / "long.wav", 601, rate=8000, channels=1)
    response = upload(admin, "long", "long.wav", long)
    assert response.status == 422
    assert error_shown(response, "file", "long.wav plays for 10:01; the limit is 10:00 (minutes:seconds)")
    assert not (moh_dir / "long.wav").exists()


def test_an_mp3_gets_a_clear_answer(admin, moh_dir):
    from telephony.media.moh import sox_formats

    mp3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x64" + bytes(400)
    response = upload(admin, "pop", "song.mp3", mp3)
    assert response.status == 422
    if "mp3" in sox_formats():  # sox reads MP3 here: this one is broken, and sox says so
        assert "song.mp3 is not audio this box can read" in response.text
    else:
        assert error_shown(
            response,
            "file",
            "song.mp3 is MP3, which this box's sox cannot read; convert it to one of WAV, OGG, FLAC and upload that",
        )


def test_uploads_and_deletes_need_the_csrf_token(admin, jazz, moh_dir, tmp_path):
    assert upload(admin, "rock", "m.wav", sox_make(tmp_path / "m.wav", 0.5), token=None).status == 403
    assert upload(admin, "rock", "m.wav", sox_make(tmp_path / "m.wav", 0.5), token="x" * 43).status == 403
    assert admin.post("/moh/jazz/delete", {}).status == 403
    assert sorted(p.name for p in moh_dir.iterdir()) == ["jazz.wav"]
    assert [a for a, _, _ in audit_rows()] == ["moh.upload"]


def test_only_administrators_manage_music(admin, jazz, app):
    AdminUser.create(
        username="sup", password_hash=hash_password("Sup3rvisor99"), role="supervisor", language="en"
    )
    supervisor = Client(app, remote_addr="192.0.2.20")
    login(supervisor, "sup", "Sup3rvisor99")
    for path in ("/moh", "/moh/jazz.wav", "/moh/jazz/delete"):
        assert supervisor.get(path).status == 403, path
    token = supervisor.get("/customers").csrf()
    assert supervisor.post("/moh/jazz/delete", {"csrf_token": token}).status == 403
    anonymous = Client(app, remote_addr="192.0.2.21")
    assert anonymous.get("/moh/jazz.wav").status == 303


# --- delete --------------------------------------------------------------------------------------


def test_delete_asks_first_then_deletes_reloads_and_audits(admin, jazz, moh_dir, fake_core):
    page = admin.get("/moh/jazz/delete")
    assert page.status == 200 and "Delete music on hold “jazz”" in page.text and "jazz · 0:02" in page.text
    assert (moh_dir / "jazz.wav").exists()
    before = len(fake_core.received("POST", "/reload"))
    response = admin.submit("/moh/jazz/delete", "/moh/jazz/delete", {})
    assert response.status == 303 and response.location == "/moh"
    assert not (moh_dir / "jazz.wav").exists()
    assert "Music on hold “jazz” deleted." in admin.get("/moh").text
    assert len(fake_core.received("POST", "/reload")) == before + 1
    assert audit_rows()[-1] == ("moh.delete", "jazz", "seconds=2.0 bytes=32044")
    assert admin.get("/moh/jazz/delete").status == 404


def test_delete_is_refused_while_queues_play_the_class_in_both_languages(admin, jazz, moh_dir):
    CallCenterService().create_queue(QueueInput("801", "Support", {"moh_class": "jazz"}))
    response = admin.submit("/moh/jazz/delete", "/moh/jazz/delete", {})
    assert response.status == 409
    assert 'id="delete-error">music-on-hold class jazz is used by queue 801 Support</div>' in response.text
    set_language("zh-CN")
    response = admin.submit("/moh/jazz/delete", "/moh/jazz/delete", {})
    assert "等待音乐类别 jazz 正被 队列 801 Support 使用" in response.text
    assert (moh_dir / "jazz.wav").read_bytes() == jazz
    assert [a for a, _, _ in audit_rows()] == ["moh.upload"]


def test_the_default_class_is_never_deleted(admin, moh_dir, tmp_path):
    assert admin.get("/moh/default/delete").status == 404  # built-in: nothing uploaded
    assert upload(admin, "default", "d.wav", sox_make(tmp_path / "d.wav", 0.5)).status == 303
    response = admin.submit("/moh/default/delete", "/moh/default/delete", {})
    assert response.status == 409 and "the default class is never deleted" in response.text
    assert (moh_dir / "default.wav").exists()


# --- the queue form ------------------------------------------------------------------------------


def test_the_queue_form_offers_the_classes_and_saves_one(admin, jazz):
    CallCenterService().create_queue(QueueInput("801", "Support"))
    form = admin.get("/queues/801/edit").text
    assert '<select id="moh_class" name="moh_class">' in form
    assert '<option value="default" selected>default</option>' in form
    assert '<option value="jazz">jazz</option>' in form
    response = admin.submit(
        "/queues/801/edit", "/queues/801/edit", {"number": "801", "name": "Support", "moh_class": "jazz"}
    )
    assert response.status == 303
    assert Queue.get(Queue.number == "801").moh_class == "jazz"
    assert '<option value="jazz" selected>jazz</option>' in admin.get("/queues/801/edit").text


def test_the_queue_form_refuses_a_class_without_music_with_its_other_errors(admin, jazz):
    CallCenterService().create_queue(QueueInput("801", "Support"))
    data = {"number": "801", "name": "Support", "moh_class": "nosuch", "ring_timeout": "0"}
    response = admin.submit("/queues/801/edit", "/queues/801/edit", data)
    assert response.status == 422
    assert error_shown(
        response,
        "moh_class",
        "music-on-hold class nosuch does not exist; upload it on the Music on hold page first",
    )
    assert error_shown(response, "ring_timeout", "must be a number of seconds from 1 to 600")
    assert '<option value="nosuch" selected>nosuch (no music: plays the default)</option>' in response.text
    set_language("zh-CN")
    response = admin.submit("/queues/801/edit", "/queues/801/edit", data)
    assert error_shown(response, "moh_class", "等待音乐类别 nosuch 不存在；请先在“等待音乐”页面上传")
    new = admin.submit("/queues/new", "/queues", {"number": "802", "name": "New", "moh_class": "nosuch"})
    assert new.status == 422
    assert Queue.get(Queue.number == "801").moh_class == "default"
    assert not Queue.select().where(Queue.number == "802").exists()


def test_a_queue_keeps_a_class_set_elsewhere_that_has_no_music_yet(admin):
    CallCenterService().create_queue(QueueInput("801", "Support", {"moh_class": "quiet"}))
    form = admin.get("/queues/801/edit").text
    assert '<option value="quiet" selected>quiet (no music: plays the default)</option>' in form
    data = {"number": "801", "name": "Support desk", "moh_class": "quiet"}
    assert admin.submit("/queues/801/edit", "/queues/801/edit", data).status == 303
    assert Queue.get(Queue.number == "801").name == "Support desk"


# --- languages and a core that is down -------------------------------------------------------------


def test_the_page_in_chinese(admin, jazz):
    set_language("zh-CN")
    page = admin.get("/moh").text
    assert '<a href="/moh" class="active">等待音乐</a>' in page
    for text in (
        "等待音乐",
        "类别",
        "时长",
        "试听",
        "上传音乐",
        "上传并转换",
        "内置音乐",
        "最大 20 MiB，最长 10 分钟",
    ):
        assert text in page, text


def test_an_upload_stands_when_pbx_core_is_down(config, dead_control, tmp_path):
    app = create_app(config, dead_control)
    client = Client(app)
    from tests.webadmin.conftest import do_setup

    do_setup(client)
    login(client)
    response = upload(client, "jazz", "m.wav", sox_make(tmp_path / "m.wav", 0.5))
    assert response.status == 303
    page = client.get("/moh").text
    assert "Music on hold “jazz” saved (0:01)." in page
    assert "pbx-core is not answering; the change is saved and applies when it is back" in page
    assert (config.media_dir / "moh" / "jazz.wav").exists()

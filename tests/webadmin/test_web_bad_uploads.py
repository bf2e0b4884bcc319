"""Uploads that are not audio, on every page that takes audio: music on hold, IVR prompts and
voicemail greetings. Each is refused with an error naming the file and the reason, in English and
Chinese; the audio already stored stays byte for byte, nothing half-converted is left behind, the
core is not asked to reload and nothing is audited as uploaded."""

from __future__ import annotations

import dataclasses
import wave
from pathlib import Path

import bottle
import pytest

from telephony.models import AdminUser, AuditLog, Mailbox
from tests.support import audio
from tests.webadmin.test_web_moh import READABLE, multipart


@dataclasses.dataclass(frozen=True)
class Page:
    """One upload form: where it posts, its other fields, where the stored file lands, its error's id."""

    name: str
    form: str
    action: str
    fields: dict[str, str]
    stored: str  # relative to the media directory
    error_id: str


PAGES = [
    Page("moh", "/moh", "/moh", {"name": "jazz"}, "moh/jazz.wav", "file-error"),
    Page("ivr", "/ivr/prompts", "/ivr/prompts", {"name": "welcome"}, "prompts/welcome.wav", "file-error"),
    Page(
        "greeting",
        "/voicemail/1001",
        "/voicemail/1001/greeting",
        {"kind": "busy"},
        "voicemail/1001/greetings/busy.wav",
        "greeting-error",
    ),
]


def _png() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + bytes(13) + b"IHDR" + bytes(200)


def _truncated_wav(tmp_path: Path) -> bytes:
    good = audio.write_tone(tmp_path / "cut.wav", 440, seconds=1.0).read_bytes()
    return good[:30]  # the header breaks off before its data chunk


def _empty_wav(tmp_path: Path) -> bytes:
    path = tmp_path / "nothing.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
    return path.read_bytes()


# (file name, content maker, English reason, Chinese reason)
BAD_FILES = [
    ("notes.txt", lambda tmp: b"this is a shopping list, not audio\n" * 40, "is not audio this box can read", "不是本机可读取的音频"),
    ("photo.wav", lambda tmp: _png(), "is not audio this box can read", "不是本机可读取的音频"),
    ("page.wav", lambda tmp: b"<!doctype html><html><body>404</body></html>" * 20, "is not audio this box can read", "不是本机可读取的音频"),
    ("cut.wav", _truncated_wav, "is not audio this box can read", "不是本机可读取的音频"),
    ("empty.wav", lambda tmp: b"", "is empty", "是空文件"),
    ("nothing.wav", _empty_wav, "holds no sound (0 seconds of audio)", "不含任何声音"),
]  # fmt: skip


def send(client, page: Page, filename: str, content: bytes):
    token = client.get(page.form).csrf()
    return multipart(client, page.action, {"csrf_token": token, **page.fields}, (filename, content))


def shown(response, page: Page, text: str) -> bool:
    return f'id="{page.error_id}">' in response.text and bottle.html_escape(text) in response.text


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def stored(admin, config, tmp_path):
    """Every page's file uploaded once, good audio; returns the media folder's files as they are."""
    Mailbox.create(number="1001")
    good = audio.write_tone(tmp_path / "good.wav", 440, seconds=1.0).read_bytes()
    for page in PAGES:
        response = send(admin, page, "good.wav", good)
        assert response.status == 303, (page.name, response.status)
        admin.get(response.location)  # take the flash
        assert (config.media_dir / page.stored).is_file()
    AuditLog.delete().execute()
    return snapshot(config.media_dir)


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
@pytest.mark.parametrize(("filename", "make", "en", "zh"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_an_upload_that_is_not_audio_is_refused_naming_the_file_and_nothing_stored_changes(
    admin, config, fake_core, stored, tmp_path, page, filename, make, en, zh
):
    reloads = len(fake_core.received("POST", "/reload"))
    content = make(tmp_path)
    response = send(admin, page, filename, content)
    assert response.status == 422
    assert shown(response, page, f"{filename} {en}"), response.text[-3000:]
    AdminUser.update(language="zh-CN").execute()
    response = send(admin, page, filename, content)
    assert response.status == 422
    assert shown(response, page, f"{filename} {zh}")
    assert snapshot(config.media_dir) == stored  # the stored audio is as it was, no leftovers
    assert len(fake_core.received("POST", "/reload")) == reloads
    assert AuditLog.select().count() == 0


def test_the_not_audio_reason_names_the_formats_this_box_reads(admin, stored):
    response = send(admin, PAGES[1], "notes.txt", b"plain words" * 50)
    assert shown(response, PAGES[1], f"notes.txt is not audio this box can read ({READABLE}):")


def test_a_new_name_refused_for_bad_audio_creates_nothing(admin, config, stored):
    for page in PAGES[:2]:
        fresh = dataclasses.replace(page, fields={"name": "fresh"})
        response = send(admin, fresh, "notes.txt", b"not audio" * 50)
        assert response.status == 422 and 'value="fresh"' in response.text
        assert not (config.media_dir / page.stored).with_name("fresh.wav").exists()
    assert snapshot(config.media_dir) == stored


# --- in a real browser ------------------------------------------------------------------------------


def test_browser_a_text_file_chosen_as_an_ivr_prompt_is_refused_on_the_page(
    config, control, fake_core, tmp_path
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    from tests.webadmin import chromium as chromium_support
    from tests.webadmin.chromium import fill, waiter
    from tests.webadmin.conftest import ADMIN, PASSWORD
    from webadmin.app import create_app

    notes = tmp_path / "notes.txt"
    notes.write_text("call the plumber on Monday\n" * 30)
    with (
        chromium_support.served(create_app(config, control)) as url,
        chromium_support.chromium(tmp_path) as browser,
    ):
        wait = waiter(browser)
        browser.get(url + "/setup")
        fill(browser, username=ADMIN, password=PASSWORD, confirm=PASSWORD)
        browser.find_element(By.CSS_SELECTOR, "form[action='/setup'] button[type=submit]").click()
        wait.until(ec.url_contains("/login"))
        fill(browser, username=ADMIN, password=PASSWORD)
        browser.find_element(By.CSS_SELECTOR, "form[action='/login'] button[type=submit]").click()
        wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "nav.nav")))
        browser.get(url + "/ivr/prompts")
        fill(browser, name="welcome")
        browser.find_element(By.ID, "file").send_keys(str(notes))
        browser.find_element(By.CSS_SELECTOR, "form[action='/ivr/prompts'] button[type=submit]").click()
        error = wait.until(ec.presence_of_element_located((By.ID, "file-error")))
        assert error.text.startswith("notes.txt is not audio this box can read")
        assert browser.find_element(By.NAME, "name").get_attribute("value") == "welcome"
    assert not (config.media_dir / "prompts" / "welcome.wav").exists()

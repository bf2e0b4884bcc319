"""A real Chromium on the recordings page: find a recording, play it (the browser fetches the WAV and
reads its length), see the low-disk warning, delete after confirmation; in English and in Chinese."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec

from telephony.models import AdminUser, AuditLog
from telephony.models.recording import Recording
from tests.webadmin import chromium as chromium_support
from tests.webadmin.chromium import fill, waiter
from tests.webadmin.conftest import ADMIN, PASSWORD
from tests.webadmin.test_web_recordings import fake_core, stored  # noqa: F401 - fixtures used here
from webadmin.app import create_app


@pytest.fixture
def served(config, control):
    with chromium_support.served(create_app(config, control)) as url:
        yield url


@pytest.fixture
def browser(tmp_path):
    with chromium_support.chromium(tmp_path) as driver:
        yield driver


def log_in(browser, served: str) -> None:
    browser.get(served + "/login")
    fill(browser, username=ADMIN, password=PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "form[action='/login'] button[type=submit]").click()
    waiter(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, "nav.nav")))


def audio_seconds(browser, recording_id: int) -> float:
    """Have the page's <audio> element load its recording and return the length it found."""
    selector = f"tr[data-recording='{recording_id}'] audio"
    browser.execute_script(
        "const a = document.querySelector(arguments[0]); a.preload = 'metadata'; a.load();", selector
    )
    waiter(browser).until(
        lambda d: d.execute_script("return document.querySelector(arguments[0]).readyState >= 1", selector)
    )
    return browser.execute_script("return document.querySelector(arguments[0]).duration", selector)


def test_browser_finds_plays_and_deletes_a_recording_in_english(served, browser, stored, fake_core, config):  # noqa: F811
    wait = waiter(browser)
    log_in(browser, served)
    browser.find_element(By.LINK_TEXT, "Recordings").click()
    wait.until(ec.url_to_be(served + "/recordings"))
    rows = browser.find_elements(By.CSS_SELECTOR, "#recordings tbody tr")
    assert [int(r.get_attribute("data-recording")) for r in rows] == [stored[1].id, stored[0].id]
    assert abs(audio_seconds(browser, stored[0].id) - 2.0) < 0.05  # fetched and parsed by the browser

    fill(browser, extension="1002")
    browser.find_element(By.ID, "find").click()
    wait.until(ec.url_contains("extension=1002"))
    rows = browser.find_elements(By.CSS_SELECTOR, "#recordings tbody tr")
    assert [int(r.get_attribute("data-recording")) for r in rows] == [stored[0].id]
    assert "1001" in rows[0].text and "0:02" in rows[0].text

    fill(browser, extension="", min_duration="-1")
    browser.find_element(By.ID, "find").click()
    wait.until(ec.presence_of_element_located((By.ID, "min_duration-error")))
    assert browser.find_element(By.ID, "min_duration-error").text == "Seconds, 0 or more."

    browser.get(served + "/recordings")
    browser.find_element(By.CSS_SELECTOR, f"tr[data-recording='{stored[0].id}'] a.btn-danger-ghost").click()
    wait.until(ec.url_to_be(served + f"/recordings/{stored[0].id}/delete"))
    browser.find_element(By.CSS_SELECTOR, "button.btn-danger").click()
    wait.until(ec.url_to_be(served + "/recordings"))
    assert (
        f"Recording {stored[0].id} deleted." in browser.find_element(By.CSS_SELECTOR, ".flash-success").text
    )
    assert [r.id for r in Recording.select()] == [stored[1].id]
    assert not (config.media_dir / stored[0].path).exists()
    assert AuditLog.select().where(AuditLog.action == "recording.delete").count() == 1


def test_browser_shows_the_page_and_the_low_disk_warning_in_chinese(served, browser, stored, fake_core):  # noqa: F811
    AdminUser.update(language="zh-CN").execute()
    fake_core.disk.update(low_space=True, free_mb=120.0, reserve_mb=200)
    wait = waiter(browser)
    log_in(browser, served)
    browser.find_element(By.LINK_TEXT, "通话录音").click()
    wait.until(ec.url_to_be(served + "/recordings"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "通话录音"
    warning = browser.find_element(By.ID, "low-space").text
    assert warning == "录音已暂停：磁盘仅剩 120 MB 可用空间，低于保留的 200 MB。请删除录音或降低配额。"
    headers = [th.text for th in browser.find_elements(By.CSS_SELECTOR, "#recordings thead th")]
    assert headers[:3] == ["开始时间", "主叫", "被叫"]
    assert abs(audio_seconds(browser, stored[1].id) - 1.0) < 0.05
    browser.find_element(By.LINK_TEXT, "录音规则与保留策略").click()
    wait.until(ec.url_to_be(served + "/recordings/rules"))
    assert "没有规则：仅在按 *1 时录音。" in browser.find_element(By.ID, "rules").text
    fill(browser, value="sideways")
    from selenium.webdriver.support.ui import Select

    Select(browser.find_element(By.NAME, "kind")).select_by_visible_text("方向")
    browser.find_element(By.ID, "add-rule").click()
    wait.until(ec.presence_of_element_located((By.ID, "value-error")))
    assert browser.find_element(By.ID, "value-error").text == "只能是 internal、inbound 或 outbound。"

"""A real Chromium drives the admin served by cheroot: first run, login, create an extension."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec

from tests.webadmin import chromium as chromium_support
from tests.webadmin.chromium import fill, waiter
from tests.webadmin.conftest import ADMIN, PASSWORD
from webadmin.app import create_app


@pytest.fixture
def served(config, control):
    """The app under cheroot on a free port, in a thread."""
    with chromium_support.served(create_app(config, control)) as url:
        yield url


@pytest.fixture
def browser(tmp_path):
    with chromium_support.chromium(tmp_path) as driver:
        yield driver


def test_browser_first_run_login_and_create_extension(served, browser, fake_core, tmp_path):
    # A lookup can race a navigation the last click started: try again rather than fail.
    wait = waiter(browser)
    browser.get(served + "/extensions")
    wait.until(ec.url_to_be(served + "/setup"))

    fill(browser, username=ADMIN, password=PASSWORD, confirm=PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "form[action='/setup'] button[type=submit]").click()
    wait.until(ec.url_contains("/login"))
    assert "Administrator boss created" in browser.find_element(By.CSS_SELECTOR, ".flash-success").text

    fill(browser, username=ADMIN, password=PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "form[action='/login'] button[type=submit]").click()
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "nav.nav")))
    assert "Dashboard" in browser.find_element(By.TAG_NAME, "h1").text

    browser.find_element(By.LINK_TEXT, "Extensions").click()
    wait.until(ec.url_to_be(served + "/extensions"))
    browser.find_element(By.ID, "new-extension").click()
    wait.until(ec.url_to_be(served + "/extensions/new"))
    fill(browser, number="1001", name="Front desk", secret="abc12345xyz")
    browser.find_element(By.CSS_SELECTOR, "button.btn-primary[type=submit]").click()
    wait.until(ec.url_to_be(served + "/extensions"))

    table = browser.find_element(By.ID, "extensions")
    assert "1001" in table.text and "Front desk" in table.text
    assert "Extension 1001 created." in browser.find_element(By.CSS_SELECTOR, ".flash-success").text
    assert "1 extension(s)" in browser.find_element(By.ID, "extension-count").text
    assert fake_core.received("POST", "/reload") == [{"what": "extensions"}]

    # The stylesheet loaded under the CSP (no inline styles, no external fetches).
    topbar = browser.find_element(By.CSS_SELECTOR, "header.topbar")
    assert topbar.value_of_css_property("background-color") == "rgba(15, 23, 42, 1)"
    shot = tmp_path / "extensions.png"
    assert browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000

    # The language switch works in a real browser, then back to English.
    browser.find_element(By.CSS_SELECTOR, ".langswitch button[value='zh-CN']").click()
    wait.until(lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-CN")
    assert browser.current_url == served + "/extensions"
    browser.find_element(By.CSS_SELECTOR, ".langswitch button[value='en']").click()
    wait.until(lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en")

    # Nothing was blocked by the Content-Security-Policy or failed to load.
    problems = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert problems == []


def test_browser_ports_page_shows_live_state_change_after_a_poll(served, browser, fake_core):
    wait = waiter(browser)
    browser.get(served + "/setup")
    fill(browser, username=ADMIN, password=PASSWORD, confirm=PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "form[action='/setup'] button[type=submit]").click()
    wait.until(ec.url_contains("/login"))
    fill(browser, username=ADMIN, password=PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "form[action='/login'] button[type=submit]").click()
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "nav.nav")))

    browser.find_element(By.LINK_TEXT, "Ports").click()
    wait.until(ec.url_to_be(served + "/ports"))
    fxs1 = "[data-port='fxs1'] [data-field='state']"
    channel = "[data-port='e1/3'] [data-field='state']"
    assert browser.find_element(By.CSS_SELECTOR, fxs1).text == "onhook"
    assert browser.find_element(By.ID, "virtual-phone").is_displayed()

    # The board moves on: the page follows within a poll or two, without a reload.
    fake_core.set_port("fxs1", state="offhook")
    fake_core.set_port("e1", state="alarm", alarms=["LOS"])
    fake_core.set_port("e1/3", state="busy")
    wait.until(lambda d: d.find_element(By.CSS_SELECTOR, fxs1).text == "offhook")
    wait.until(lambda d: d.find_element(By.CSS_SELECTOR, channel).text == "busy")
    assert "LOS" in browser.find_element(By.CSS_SELECTOR, "[data-port='e1'] [data-field='fault']").text
    assert "state-busy" in browser.find_element(By.CSS_SELECTOR, "[data-port='e1/3']").get_attribute("class")
    assert browser.find_element(By.ID, "ports-updated").text != ""

    # A virtual-phone button posts to the core's /sim route.
    browser.find_element(By.CSS_SELECTOR, "#sim-fxs button[value='offhook']").click()
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".flash-success"))
    assert fake_core.received("POST", "/sim/offhook") == [{"port": "fxs1"}]

    problems = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert problems == []

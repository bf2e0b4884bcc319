# ruff: noqa: F811 - the fixtures imported from live_support are the tests' parameters
"""A real Chromium on the live call-center pages served by cheroot over a fake pbx-core: the
wallboard updates a number by itself, and the agent console's EventSource pops the caller."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec

from telephony.control.client import ControlClient
from tests.webadmin import chromium as chromium_support
from tests.webadmin.chromium import fill, waiter
from tests.webadmin.conftest import ADMIN, PASSWORD
from tests.webadmin.live_support import PINS, acd_core, seed  # noqa: F401 - fixtures
from webadmin.app import create_app
from webadmin.services import cti_stream, users


@pytest.fixture
def served(config, acd_core):
    """The app over the fake core, under cheroot on a free port, in a thread; seeded."""
    app = create_app(config, ControlClient(acd_core.url, timeout=5))
    # Short polls so that stopping the server does not wait long on an open stream.
    app.config["pbx.streams"] = cti_stream.StreamGate(max_streams=4, lifetime=60.0, poll_wait=2.0)
    users.create_first_admin(ADMIN, PASSWORD, PASSWORD, "en")
    seed()
    with chromium_support.served(app) as url:
        yield url


@pytest.fixture
def browser(tmp_path):
    with chromium_support.chromium(tmp_path, window="1920,1080") as driver:
        yield driver


def severe(driver) -> list[dict]:
    return [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def text_of(driver, css: str) -> str | None:
    """The element's text read inside the page in one step (the console's script may replace the
    element between a lookup and a read, which a WebElement would not survive)."""
    return driver.execute_script(
        "var node = document.querySelector(arguments[0]); return node ? node.innerText.trim() : null;", css
    )


def test_browser_wallboard_renders_and_updates_a_number_live(served, browser, acd_core, tmp_path):
    wait = waiter(browser)
    browser.get(served + "/login")
    fill(browser, username=ADMIN, password=PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "form[action='/login'] button[type=submit]").click()
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "nav.nav")))
    browser.find_element(By.LINK_TEXT, "Wallboard").click()
    wait.until(ec.url_to_be(served + "/wallboard"))

    waiting = "[data-queue='6001'] [data-k='waiting']"
    longest = "[data-queue='6001'] [data-k='longest_wait']"
    assert text_of(browser, waiting) == "0"
    assert "Support" in text_of(browser, "[data-queue='6001'] h2")
    # Big enough for a TV across the room: the number is far larger than body text.
    size = float(browser.find_element(By.CSS_SELECTOR, waiting).value_of_css_property("font-size")[:-2])
    assert size > 60, size

    acd_core.set_queue("6001", waiting=4, longest_wait=70.2)
    wait.until(lambda d: text_of(d, waiting) == "4")
    assert text_of(browser, longest) == "1:10"
    assert "alert" in browser.find_element(By.CSS_SELECTOR, "[data-queue='6001']").get_attribute("class")
    assert browser.current_url == served + "/wallboard"  # updated in place, not reloaded
    assert browser.save_screenshot(str(tmp_path / "wallboard.png"))

    # The same board in Chinese.
    browser.find_element(By.CSS_SELECTOR, ".wb-foot button[value='zh-CN']").click()
    wait.until(lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-CN")
    assert "呼叫中心实时大屏" in text_of(browser, "h1")
    acd_core.set_queue("6001", waiting=5)
    wait.until(lambda d: text_of(d, waiting) == "5")
    assert severe(browser) == []  # nothing blocked by the CSP, nothing failed to load


def test_browser_agent_console_pops_the_caller_from_its_event_stream(served, browser, acd_core):
    wait = waiter(browser)
    browser.get(served + "/agent")
    wait.until(ec.url_contains("/agent/login"))
    fill(browser, agent="801", pin=PINS["801"])
    browser.find_element(By.CSS_SELECTOR, "form[action='/agent/login'] button[type=submit]").click()
    wait.until(ec.url_to_be(served + "/agent"))
    assert text_of(browser, "#agent-state") == "Logged out"

    # Log in to the queues with the button; the page comes back with the ready state.
    def stream_starts() -> int:  # a stream's first poll asks where the event ring is now
        return sum(
            b.get("since") == 0 and b.get("wait") == 0 for b in acd_core.received("POST", "/cti/events")
        )

    wait.until(lambda d: stream_starts() > 0)  # this page's own stream (every console page opens one)
    opened = stream_starts()
    browser.find_element(By.ID, "btn-login").click()
    wait.until(lambda d: text_of(d, "#agent-state") == "Ready")
    assert acd_core.acd_actions() == [("/acd/agents/login", {"agent": "801", "contact": "1011"})]
    # The stream of the page as it came back is open (not the one of the page before the click).
    wait.until(lambda d: stream_starts() > opened)

    acd_core.ring("q-77", "13800138000", "6000", "801")
    wait.until(lambda d: text_of(d, "#pop-name") == "Zhang Wei")
    assert text_of(browser, "#pop-caller") == "13800138000"
    wait.until(lambda d: text_of(d, "#agent-state") == "Ringing")
    crm = browser.find_element(By.ID, "pop-crm")
    assert crm.get_attribute("href") == "https://crm.example/pop?tel=13800138000&q=6000&d=&id=q-77"
    assert crm.get_attribute("target") == "_blank"
    wait.until(lambda d: len(d.window_handles) == 2)  # the CRM page opened by itself, once
    assert "Acme Trading" in text_of(browser, "#pop-customer")
    assert severe(browser) == []

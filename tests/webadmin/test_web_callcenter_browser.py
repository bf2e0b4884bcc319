"""A real Chromium drives the call-center pages served by cheroot: create a queue through its form."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select

from telephony.callcenter.service import AgentInput, CallCenterService
from telephony.models import Queue, QueueMember
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


def test_browser_creates_a_queue_through_the_form_and_sees_it_listed(served, browser, fake_core, tmp_path):
    wait = waiter(browser)
    browser.get(served + "/setup")
    fill(browser, username=ADMIN, password=PASSWORD, confirm=PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "form[action='/setup'] button[type=submit]").click()
    wait.until(ec.url_contains("/login"))
    fill(browser, username=ADMIN, password=PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "form[action='/login'] button[type=submit]").click()
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "nav.nav")))
    CallCenterService().create_agent(AgentInput("1024", "Li Lei", "2468"))

    browser.find_element(By.LINK_TEXT, "Call center").click()
    wait.until(ec.url_to_be(served + "/queues"))
    assert "No queues yet" in browser.find_element(By.CSS_SELECTOR, "main").text
    assert browser.find_element(By.CSS_SELECTOR, "nav.subnav a.active").text == "Queues"
    browser.find_element(By.ID, "new-queue").click()
    wait.until(ec.url_to_be(served + "/queues/new"))

    # A mistake first: the form comes back with the field marked and the typed values kept.
    fill(browser, number="800", name="Sales", ring_timeout="0")
    browser.find_element(By.CSS_SELECTOR, "button.btn-primary[type=submit]").click()
    wait.until(ec.presence_of_element_located((By.ID, "ring_timeout-error")))
    assert (
        browser.find_element(By.ID, "ring_timeout-error").text == "must be a number of seconds from 1 to 600"
    )
    assert browser.find_element(By.NAME, "name").get_attribute("value") == "Sales"

    fill(browser, ring_timeout="20", wrap_up="10")
    Select(browser.find_element(By.NAME, "strategy")).select_by_visible_text("Longest idle")
    Select(browser.find_element(By.NAME, "member_kind_1024")).select_by_visible_text("static")
    fill(browser, member_penalty_1024="2")
    browser.find_element(By.NAME, "callback_enabled").click()
    browser.find_element(By.CSS_SELECTOR, "button.btn-primary[type=submit]").click()
    # The refused form was answered at /queues too: wait for the listing's row, not for the URL.
    row = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "#queues tr[data-queue='800']")))
    assert "Sales" in row.text and "Longest idle" in row.text and "1 static, 0 dynamic" in row.text
    assert "Queue 800 created." in browser.find_element(By.CSS_SELECTOR, ".flash-success").text
    assert browser.find_element(By.ID, "queue-count").text == "1 queue(s)"
    queue = Queue.get(Queue.number == "800")
    assert (queue.strategy, queue.ring_timeout, queue.wrap_up, queue.callback_enabled) == (
        "longest-idle",
        20.0,
        10.0,
        True,
    )
    assert [(m.agent.number, m.kind, m.penalty) for m in QueueMember.select()] == [("1024", "static", 2)]
    assert fake_core.received("POST", "/reload") == [{"what": "callcenter"}]

    browser.get(served + "/queues/800/edit")
    wait.until(ec.presence_of_element_located((By.ID, "group-members")))
    shot = tmp_path / "queue-edit.png"
    assert browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000
    # Nothing was blocked by the Content-Security-Policy or failed to load; the one 422 is the
    # answer to the mistake above, which Chromium logs as a failed load.
    problems = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert problems == [
        f"{served}/queues - Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)"
    ]

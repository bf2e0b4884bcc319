"""A real Chromium drives the pickup-group pages: a refusal naming the bad number, then a saved
group, in English and in zh-CN; nothing blocked by the Content-Security-Policy."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec

from telephony.models import Extension, PickupGroup
from tests.webadmin import chromium as chromium_support
from tests.webadmin.chromium import fill, waiter
from tests.webadmin.conftest import ADMIN, PASSWORD
from webadmin.app import create_app


@pytest.fixture
def served(config, control):
    with chromium_support.served(create_app(config, control)) as url:
        yield url


@pytest.fixture
def browser(tmp_path):
    with chromium_support.chromium(tmp_path) as driver:
        yield driver


def test_browser_creates_a_pickup_group_after_a_refusal_in_english_and_zh_cn(served, browser):
    wait = waiter(browser)
    browser.get(served + "/setup")
    fill(browser, username=ADMIN, password=PASSWORD, confirm=PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "form[action='/setup'] button[type=submit]").click()
    wait.until(ec.url_contains("/login"))
    fill(browser, username=ADMIN, password=PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "form[action='/login'] button[type=submit]").click()
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "nav.nav")))
    for number in ("1001", "1002"):
        Extension.create(number=number, name=f"Phone {number}", ha1="0" * 32, ha1b="0" * 32)

    browser.find_element(By.LINK_TEXT, "Park & pickup").click()
    wait.until(ec.url_to_be(served + "/park"))
    assert browser.find_element(By.ID, "lot").get_attribute("value") == "700"
    browser.find_element(By.ID, "pickup-groups").click()
    wait.until(ec.url_to_be(served + "/pickup"))
    browser.find_element(By.ID, "new-pickup").click()
    wait.until(ec.url_to_be(served + "/pickup/new"))
    fill(browser, name="Front desk", members="1001, 1009")
    browser.find_element(By.CSS_SELECTOR, "button.btn-primary[type=submit]").click()
    error = wait.until(ec.presence_of_element_located((By.ID, "members-error")))
    assert error.text == "Not an extension or analog phone number: 1009."
    assert not PickupGroup.select().exists()

    browser.find_element(By.CSS_SELECTOR, ".langswitch button[value='zh-CN']").click()
    wait.until(lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-CN")
    browser.get(served + "/pickup/new")
    fill(browser, name="前台", members="1001 1002")
    browser.find_element(By.CSS_SELECTOR, "button.btn-primary[type=submit]").click()
    wait.until(ec.url_to_be(served + "/pickup"))
    assert "代接组 前台 已创建。" in browser.find_element(By.CSS_SELECTOR, ".flash-success").text
    row = browser.find_element(By.CSS_SELECTOR, "tr[data-group='前台']")
    assert "1001, 1002" in row.text
    assert browser.find_element(By.TAG_NAME, "h1").text == "代接组"
    assert PickupGroup.get(PickupGroup.name == "前台").member_list() == ["1001", "1002"]

    # The refused form's 422 is logged by Chromium as a failed load; anything else is a problem.
    problems = [
        e
        for e in browser.get_log("browser")
        if e["level"] == "SEVERE" and "status of 422" not in e["message"]
    ]
    assert problems == []

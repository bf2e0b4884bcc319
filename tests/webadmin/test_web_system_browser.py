"""A real Chromium on the system page: a refused restore, the factory reset's confirmation, then the reset."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec

from firmware.firstboot import first_boot
from telephony import boxconfig
from telephony.extensions.service import ExtensionInput, ExtensionService
from telephony.models import AdminUser, Extension
from telephony.models.db import database
from tests.webadmin import chromium as chromium_support
from tests.webadmin.chromium import fill, waiter
from tests.webadmin.conftest import ADMIN, PASSWORD
from webadmin.app import create_app


@pytest.fixture
def config(tmp_path) -> boxconfig.BoxConfig:
    cfg = boxconfig.load({}, data_dir=tmp_path / "data")
    first_boot(cfg)
    return cfg


@pytest.fixture
def served(config, control, admin):
    with chromium_support.served(create_app(config, control)) as url:
        yield url


@pytest.fixture
def browser(tmp_path):
    with chromium_support.chromium(tmp_path) as driver:
        yield driver


def test_browser_refuses_a_bad_backup_then_resets_the_box_after_confirmation(served, browser, tmp_path):
    ExtensionService(None).create(ExtensionInput(number="1001", name="Desk", secret="Secr3tPass1"))
    wait = waiter(browser)
    browser.get(served + "/login")
    fill(browser, username=ADMIN, password=PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "form[action='/login'] button[type=submit]").click()
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "nav.nav")))
    browser.find_element(By.LINK_TEXT, "System").click()
    wait.until(ec.url_to_be(served + "/system"))
    assert "supervisord does not answer" in browser.find_element(By.ID, "processes").text

    bogus = tmp_path / "backup.tar.gz"
    bogus.write_bytes(b"\x1f\x8b\x08\x00 cut short")
    browser.find_element(By.ID, "restore-file").send_keys(str(bogus))
    browser.find_element(By.CSS_SELECTOR, "#restore button[type=submit]").click()
    error = wait.until(ec.presence_of_element_located((By.ID, "system-error"))).text
    assert "The backup was refused and nothing was changed" in error and "damaged" in error
    assert Extension.select().count() == 1

    old_error = browser.find_element(By.ID, "system-error")
    browser.find_element(By.ID, "reset-password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "#factory-reset button[type=submit]").click()
    wait.until(
        ec.staleness_of(old_error)
    )  # the refused restore's page is gone: the next error is the reset's
    error = wait.until(ec.presence_of_element_located((By.ID, "system-error"))).text
    assert "Tick the box" in error and Extension.select().count() == 1

    browser.find_element(By.CSS_SELECTOR, "#factory-reset input[name=confirm]").click()
    browser.find_element(By.ID, "reset-password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "#factory-reset button[type=submit]").click()
    wait.until(ec.url_to_be(served + "/setup"))
    assert "reset to factory settings" in browser.page_source
    database.close()  # this thread's connection still reads the erased file; open the new one
    assert Extension.select().count() == 0 and AdminUser.select().count() == 0

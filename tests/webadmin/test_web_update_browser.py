"""A real Chromium on the update page: choose a bundle, watch upload and install progress until the
box restarts into it; a tampered bundle is refused with its reason, in English and in Chinese."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec

from firmware import update
from telephony.models import AdminUser
from tests.firmware.rauc_support import RaucBox, make_bundle, make_keys, needs_rauc, needs_root, read_file
from tests.webadmin import chromium as chromium_support
from tests.webadmin.chromium import fill, waiter
from tests.webadmin.conftest import ADMIN, PASSWORD
from webadmin.app import create_app
from webadmin.auth import hash_password
from webadmin.routes import update as update_routes

pytestmark = [needs_rauc, needs_root]
BOARD = "qemu-amd64"


@pytest.fixture
def box(tmp_path):
    keys = make_keys(tmp_path / "keys", "PBX Box test")
    box = RaucBox(tmp_path / "box", BOARD, keys.ca_cert)
    box.power_on()
    box.keys = keys
    yield box
    box.stop()


@pytest.fixture
def reboots() -> list[str]:
    return []


@pytest.fixture
def served(config, control, box, reboots):
    app = create_app(config, control)
    rauc = update.Rauc(compatible=BOARD, keyring=box.keyring, env=box.env)
    app.config[update_routes.JOB_KEY] = update.UpdateJob(rauc, reboot=lambda: reboots.append("reboot"))
    AdminUser.create(username=ADMIN, password_hash=hash_password(PASSWORD), role="admin", language="en")
    with chromium_support.served(app) as url:
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


def choose_and_install(browser, path) -> None:
    browser.find_element(By.ID, "update-file").send_keys(str(path))
    browser.find_element(By.ID, "update-submit").click()


def test_browser_uploads_a_bundle_and_follows_the_install_to_the_restart(
    served, browser, box, reboots, tmp_path
):
    bundle = make_bundle(tmp_path, box.keys, BOARD, "2.0", {"VERSION": "2.0\n"})
    log_in(browser, served)
    browser.get(served + "/update")
    assert "update" in browser.find_element(By.CSS_SELECTOR, "nav.nav a.active").get_attribute("href")
    choose_and_install(browser, bundle)
    waiter(browser, 90).until(
        lambda d: d.find_element(By.ID, "update-state").get_attribute("data-phase") == "rebooting"
    )
    assert "Version 2.0 is installed" in browser.find_element(By.ID, "update-text").text
    assert browser.find_element(By.ID, "update-progress").get_attribute("value") == "100"
    assert reboots == ["reboot"]
    assert read_file(box.slots["B"], "VERSION") == "2.0\n"


def test_browser_shows_a_refused_bundle_in_english_and_in_chinese(served, browser, box, reboots, tmp_path):
    data = bytearray(make_bundle(tmp_path, box.keys, BOARD, "2.0", {"VERSION": "2.0\n"}).read_bytes())
    data[len(data) // 2] ^= 0x01
    tampered = tmp_path / "tampered.raucb"
    tampered.write_bytes(bytes(data))
    log_in(browser, served)
    browser.get(served + "/update")
    choose_and_install(browser, tampered)
    waiter(browser, 60).until(
        lambda d: "Refused, nothing was written" in d.find_element(By.ID, "update-state").text
    )
    assert "do not match its signature" in browser.find_element(By.ID, "update-state").text
    browser.find_element(By.CSS_SELECTOR, "form.langswitch button[value='zh-CN']").click()
    waiter(browser).until(lambda d: "已拒绝，未写入任何内容" in d.find_element(By.ID, "update-state").text)
    assert "升级包内容与签名不符" in browser.find_element(By.ID, "update-state").text
    assert reboots == []

"""Fixtures shared by the whole suite: a running box and real pjsua2 test phones."""

from __future__ import annotations

import pytest

from tests.support.box import Box


@pytest.fixture(scope="session")
def box(tmp_path_factory):
    """The whole box (kamailio, pbx-core, webadmin under supervisord) on free loopback ports."""
    b = Box(tmp_path_factory.mktemp("box")).start()
    yield b
    b.stop()


@pytest.fixture(scope="session")
def phone_host():
    from tests.support.phones import PhoneHost

    host = PhoneHost()
    yield host
    host.close()


@pytest.fixture
def phones(phone_host, box, tmp_path):
    """Make registered phones for this test; every call and account is dropped afterwards."""
    made = []

    def make(number: str, secret: str = "Secr3tPass9", register: bool = True):
        phone = phone_host.phone(box.sip, number, secret, register)
        phone.record_dir = tmp_path
        if register:
            phone_host.wait(lambda: bool(phone.reg_codes), 10, f"{number} to get a REGISTER answer")
        made.append(phone)
        return phone

    yield make
    phone_host.drop_phones()

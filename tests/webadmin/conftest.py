"""Fixtures for the web admin: a fresh SQLite box database, a fake pbx-core, an in-process client."""

from __future__ import annotations

import socket

import pytest

from telephony import boxconfig
from telephony.control.client import ControlClient
from tests.webadmin.fake_core import FakeCore
from tests.webadmin.wsgi_client import Client
from webadmin.app import create_app

ADMIN = "boss"
PASSWORD = "Corr3ctHorse42"


def closed_port() -> int:
    """Return a loopback port nothing listens on (connection refused at once)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def config(tmp_path) -> boxconfig.BoxConfig:
    return boxconfig.load({}, data_dir=tmp_path / "data")


@pytest.fixture
def fake_core():
    core = FakeCore().start()
    yield core
    core.stop()


@pytest.fixture
def control(fake_core) -> ControlClient:
    return ControlClient(fake_core.url, timeout=5)


@pytest.fixture
def dead_control() -> ControlClient:
    return ControlClient(f"http://127.0.0.1:{closed_port()}", timeout=2)


@pytest.fixture
def app(config, control):
    return create_app(config, control)


@pytest.fixture
def client(app) -> Client:
    return Client(app)


def do_setup(client: Client, username: str = ADMIN, password: str = PASSWORD):
    return client.submit(
        "/setup", "/setup", {"username": username, "password": password, "confirm": password}
    )


def login(client: Client, username: str = ADMIN, password: str = PASSWORD):
    return client.submit("/login", "/login", {"username": username, "password": password})


@pytest.fixture
def admin(client) -> Client:
    """A client logged in as the administrator created at first run (interface in English)."""
    assert do_setup(client).status == 303
    assert login(client).location == "/"
    return client

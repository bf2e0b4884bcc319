"""Fixtures and data for the live call-center pages' tests: a fake core with the ACD routes, an
app over it, agents with PINs, a queue with a CRM URL, pause codes, a customer with past calls."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from telephony.control.client import ControlClient
from telephony.models import (
    AdminUser,
    Agent,
    AuditLog,
    Cdr,
    Customer,
    CustomerNumber,
    Extension,
    PauseCode,
    Queue,
    utcnow,
)
from tests.webadmin.conftest import ADMIN, PASSWORD, do_setup, login
from tests.webadmin.fake_acd import FakeAcdCore
from tests.webadmin.wsgi_client import Client, Response
from webadmin import auth
from webadmin.app import create_app
from webadmin.services import cti_stream

PINS = {"801": "4821", "802": "7305"}
CRM = "https://crm.example/pop?tel={caller}&q={queue}&d={digits}&id={callid}"


@pytest.fixture
def acd_core():
    core = FakeAcdCore().start()
    yield core
    core.stop()


@pytest.fixture
def live_app(config, acd_core):
    app = create_app(config, ControlClient(acd_core.url, timeout=5))
    # Short streams, so an in-process client (which reads a whole answer) gets one back quickly.
    app.config["pbx.streams"] = cti_stream.StreamGate(max_streams=2, lifetime=1.0, poll_wait=0.3)
    return app


@pytest.fixture
def seeded(live_app):
    """An administrator, and the call center's rows."""
    client = Client(live_app)
    assert do_setup(client).status == 303
    seed()
    return live_app


def seed() -> None:
    for number in ("1011", "1012", "1090"):
        Extension.create(number=number, name=f"Phone {number}", ha1="0" * 32, ha1b="0" * 32)
    Queue.create(number="6000", name="Sales", crm_url=CRM)
    Queue.create(number="6001", name="Support")
    for number, name, ext in (("801", "Li Lei", "1011"), ("802", "Han Meimei", "1012")):
        agent = Agent(number=number, name=name, default_extension=ext)
        agent.set_pin(PINS[number])
        agent.save()
    PauseCode.create(code="LUNCH", label_zh="午餐", label_en="Lunch")
    PauseCode.create(code="TRAIN", label_zh="培训", label_en="Training")
    customer = Customer.create(name="Zhang Wei", company="Acme Trading", notes="Prefers mornings", priority=5)
    CustomerNumber.create(customer=customer, number="13800138000")
    CustomerNumber.create(customer=customer, number="02112345678")
    now = utcnow()
    for n, (caller, callee) in enumerate(
        (("13800138000", "6000"), ("1011", "02112345678"), ("1099", "1098"))
    ):
        Cdr.create(
            uniqueid=f"old-{n}",
            caller=caller,
            callee=callee,
            start=now - dt.timedelta(days=n + 1),
            answer=now - dt.timedelta(days=n + 1),
            end=now - dt.timedelta(days=n + 1) + dt.timedelta(minutes=2),
            billsec=120,
            duration=125,
            disposition="ANSWERED",
        )


def agent_client(app, number: str = "801", pin: str | None = None, addr: str = "192.0.2.20") -> Client:
    client = Client(app, remote_addr=addr)
    reply = agent_login(client, number, PINS[number] if pin is None else pin)
    assert reply.status == 303 and reply.location == "/agent", reply.text[:500]
    return client


def agent_login(client: Client, number: str, pin: str) -> Response:
    return client.submit("/agent/login", "/agent/login", {"agent": number, "pin": pin})


def admin_client(app, addr: str = "192.0.2.10") -> Client:
    client = Client(app, remote_addr=addr)
    assert login(client).location == "/"
    return client


def supervisor_client(app, addr: str = "192.0.2.30") -> Client:
    AdminUser.get_or_create(
        username="sue",
        defaults={"password_hash": auth.hash_password(PASSWORD), "role": "supervisor", "language": "en"},
    )
    client = Client(app, remote_addr=addr)
    assert login(client, "sue", PASSWORD).location == "/supervisor"  # a supervisor lands on its console
    return client


def csrf_of(client: Client, page: str) -> str:
    return client.get(page).csrf()


def audit_rows(action_prefix: str) -> list[AuditLog]:
    return list(AuditLog.select().where(AuditLog.action.startswith(action_prefix)).order_by(AuditLog.id))


def sse_blocks(text: str) -> list[dict[str, str]]:
    """Split an SSE body into blocks of {field: value} (comments dropped)."""
    blocks = []
    for raw in re.split(r"\n\n", text):
        fields: dict[str, str] = {}
        for line in raw.split("\n"):
            if not line or line.startswith(":"):
                continue
            name, _, value = line.partition(":")
            fields[name] = value[1:] if value.startswith(" ") else value
        if fields:
            blocks.append(fields)
    return blocks


__all__ = ["ADMIN", "PASSWORD", "acd_core", "live_app", "seeded"]

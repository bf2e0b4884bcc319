"""End to end on a real box: an agent logs in through the box's own web admin (HTTP, cookies and
CSRF as a browser), a pjsua2 caller calls the queue, and the agent's Server-Sent Events stream
from the web admin delivers agent-ringing with the caller's number and the screen pop of the
customer from the Customer table.
"""

from __future__ import annotations

import http.cookiejar
import json
import queue
import re
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.support.box import Box, wait_until

SECRET = "Secr3tPass9"
ADMIN, PASSWORD = "boss", "Corr3ctHorse42"
PIN = "2468"
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]*)"')


class Browser:
    """Just enough of a browser for the web admin: a cookie jar, no redirects followed, CSRF from forms."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def open(self, path: str, data: dict[str, str] | None = None, headers: dict | None = None, timeout=10):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers=headers or {})
        request.add_header("Accept-Language", "en")
        try:
            return self.opener.open(request, timeout=timeout)
        except urllib.error.HTTPError as exc:
            return exc  # 3xx (not followed) and 4xx/5xx answers are answers too

    def get(self, path: str) -> tuple[int, str]:
        with self.open(path) as reply:
            return reply.status, reply.read().decode()

    def submit(self, page: str, action: str, fields: dict[str, str]) -> tuple[int, str]:
        status, html = self.get(page)
        assert status == 200, (page, status)
        token = CSRF_RE.search(html).group(1)
        with self.open(action, {"csrf_token": token, **fields}) as reply:
            return reply.status, reply.headers.get("Location", "")


class EventReader(threading.Thread):
    """Read an SSE stream in the background; hand each block over as a dict of its fields."""

    def __init__(self, browser: Browser, path: str) -> None:
        super().__init__(daemon=True, name="sse-reader")
        self.reply = browser.open(path, headers={"Accept": "text/event-stream"}, timeout=60)
        assert self.reply.status == 200, self.reply.status
        assert self.reply.headers["Content-Type"].startswith("text/event-stream")
        self.blocks: queue.Queue[dict[str, str]] = queue.Queue()
        self.started_at: str | None = None

    def run(self) -> None:
        fields: dict[str, str] = {}
        try:
            for raw in self.reply:
                line = raw.decode().rstrip("\r\n")
                if not line:
                    if fields:
                        self.blocks.put(fields)
                    fields = {}
                elif not line.startswith(":"):
                    name, _, value = line.partition(":")
                    fields[name] = value[1:] if value.startswith(" ") else value
        except (OSError, ValueError, AttributeError):
            pass  # closed by the test (http.client drops its file under a reader that is still reading)

    def close(self) -> None:
        self.reply.close()
        self.join(timeout=5)


@pytest.fixture(scope="module")
def live_box(tmp_path_factory):
    box = Box(tmp_path_factory.mktemp("cc-live"), rtp_port=28000).start()
    from telephony.models import Agent, Customer, CustomerNumber, Queue, QueueMember

    for number in ("1001", "1011"):
        box.add_extension(number, SECRET, f"Phone {number}")
    box.db()
    sales = Queue.create(
        number="6000", name="Sales", ring_timeout=20, crm_url="https://crm.example/c?n={caller}"
    )
    agent = Agent(number="801", name="Agent 801", default_extension="1011")
    agent.set_pin(PIN)
    agent.save()
    QueueMember.create(queue=sales, agent=agent)
    customer = Customer.create(name="Wang Fang", company="Golden Harbor Ltd", notes="Key account", priority=3)
    CustomerNumber.create(customer=customer, number="1001")
    box.control.reload()
    yield box
    box.stop()


@pytest.fixture
def phones(phone_host, live_box, tmp_path):
    def make(number: str, answer: int = 200):
        phone = phone_host.phone(live_box.sip, number, SECRET)
        phone.record_dir = tmp_path
        phone.answer_code = answer
        phone_host.wait(lambda: phone.registered, 10, f"{number} registered")
        return phone

    yield make
    phone_host.drop_phones()


def agent_state(box: Box, agent: str) -> str:
    return next(a["state"] for a in box.control.get("/acd/snapshot")["agents"] if a["agent_id"] == agent)


def test_web_agent_login_then_the_sse_stream_rings_with_the_callers_screen_pop(live_box, phones, phone_host):
    web = Browser(live_box.web_url)
    assert (
        web.submit("/setup", "/setup", {"username": ADMIN, "password": PASSWORD, "confirm": PASSWORD})[0]
        == 303
    )

    # A wrong PIN is refused; the right one opens the console.
    status, _ = web.submit("/agent/login", "/agent/login", {"agent": "801", "pin": "0000"})
    assert status == 200 and "pbx_session" not in {c.name for c in web.jar}
    assert web.submit("/agent/login", "/agent/login", {"agent": "801", "pin": PIN}) == (303, "/agent")
    status, page = web.get("/agent")
    assert status == 200 and "Agent 801" in page

    # Log in to the queue at the agent's default extension, through the console's form.
    assert web.submit("/agent", "/agent/acd/login", {"contact": ""}) == (303, "/agent")
    wait_until(lambda: agent_state(live_box, "801") == "idle", 5, "agent 801 ready in pbx-core")

    agent_phone = phones("1011", answer=0)
    caller = phones("1001")
    reader = EventReader(web, "/agent/events")
    reader.start()
    try:
        # The stream's first blocks say where it starts (retry, then the id it resumes from).
        first = reader.blocks.get(timeout=10)
        assert first.get("retry")
        assert reader.blocks.get(timeout=10).get("id", "").isdigit()

        call = caller.call("6000")
        phone_host.wait(lambda: call.confirmed, 10, "the queue to answer the caller")
        phone_host.wait(lambda: bool(agent_phone.incoming), 10, "the agent's phone to ring")
        ringing: list[dict] = []

        def got_ringing() -> bool:
            while not reader.blocks.empty():
                block = reader.blocks.get_nowait()
                if "data" in block:
                    event = json.loads(block["data"])
                    assert event.get("agent") == "801", event  # the agent's own events only
                    assert block["id"] == str(event["seq"])
                    if event["type"] == "agent-ringing":
                        ringing.append(event)
            return bool(ringing)

        phone_host.wait(got_ringing, 10, "agent-ringing on the agent's SSE stream")
        event = ringing[0]
        assert (event["caller"], event["queue"], event["agent"]) == ("1001", "6000", "801")
        pop = event["pop"]
        assert pop["customer"]["name"] == "Wang Fang"
        assert pop["customer"]["company"] == "Golden Harbor Ltd" and pop["customer"]["vip"] is True
        assert pop["crm_url"] == "https://crm.example/c?n=1001"

        # The console's own view of the call (what the page renders) shows the same customer.
        status, body = web.get("/agent/state.json")
        state = json.loads(body)
        assert status == 200 and state["state"] == "ringing"
        assert (state["call"]["caller"], state["call"]["customer"]["name"]) == ("1001", "Wang Fang")

        call.hangup_now()
        phone_host.wait(
            lambda: agent_phone.incoming[-1].disconnected, 10, "the agent's phone to stop ringing"
        )
    finally:
        reader.close()
        web.submit("/agent", "/agent/acd/logout", {})
    wait_until(lambda: agent_state(live_box, "801") == "logged-out", 5, "agent 801 logged out")

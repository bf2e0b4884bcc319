"""Outbound webhooks: a sender following a CtiBus posts signed events, in order, to a real local
receiver; retries, give-ups, the bounded outbox, the filter and a publisher that never waits; the
three settings (validated, secret generated and shown once); and a running box posting an agent login.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import threading
import time
from dataclasses import dataclass
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from telephony.callcenter import webhook_settings as ws
from telephony.callcenter.runtime.cti import CtiBus
from telephony.callcenter.runtime.webhooks import WebhookSender, sign
from telephony.callcenter.webhook_settings import (
    InvalidWebhookSettings,
    WebhookConfig,
    WebhookService,
)
from telephony.errors import ControlError, ValidationError
from telephony.models import Setting, open_database
from tests.support.box import Box, wait_until

ROOT = Path(__file__).resolve().parents[2]
SECRET = "test-secret-0123456789abcdef"
FAST = {"backoff": 0.02, "backoff_cap": 0.1, "timeout": 2.0, "poll": 0.05}


@dataclass
class Received:
    headers: Message  # names are case-insensitive (urllib sends X-Pbx-Event for X-PBX-Event)
    body: bytes
    at: float

    @property
    def event(self) -> dict:
        return json.loads(self.body)

    @property
    def delivery(self) -> str:
        return self.headers["X-PBX-Delivery"]


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        pass  # a client that timed out leaves a broken pipe behind; that is the test's point


class Receiver:
    """A webhook receiver on a free loopback port: records every POST, answers from `script`.

    Bound at once but listening only after `listen()`, so until then connections are refused
    on a port nobody else can take.
    """

    def __init__(self, listen: bool = True) -> None:
        self.requests: list[Received] = []
        self.script: list[int] = []  # statuses of the next requests, then 200
        self.released = threading.Event()  # cleared: requests wait (the receiver hangs)
        self.released.set()
        self.cond = threading.Condition()
        self.httpd = _Server(("127.0.0.1", 0), self._handler(), bind_and_activate=False)
        self.httpd.server_bind()
        self.thread: threading.Thread | None = None
        if listen:
            self.listen()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"

    def listen(self) -> None:
        self.httpd.server_activate()
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def stop(self) -> None:
        self.released.set()
        if self.thread is not None:
            self.httpd.shutdown()
        self.httpd.server_close()

    def wait(self, predicate, timeout: float, what: str) -> list[Received]:
        deadline = time.monotonic() + timeout
        with self.cond:
            while not predicate(self.requests):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"timed out after {timeout}s waiting for {what}: {self.kinds()}")
                self.cond.wait(left)
            return list(self.requests)

    def kinds(self) -> list[str]:
        return [r.headers.get("X-PBX-Event", "") for r in self.requests]

    def seqs(self) -> list[int]:
        with self.cond:
            return [r.event["seq"] for r in self.requests]

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, fmt, *args) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server API
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.cond:
                    receiver.requests.append(Received(self.headers, body, time.monotonic()))
                    status = receiver.script.pop(0) if receiver.script else 200
                    receiver.cond.notify_all()
                receiver.released.wait(10)
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

        return Handler


def verified(request: Received, secret: str = SECRET) -> bool:
    timestamp = request.headers["X-PBX-Timestamp"]
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + request.body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(request.headers["X-PBX-Signature"], "sha256=" + expected)


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.stop()


@pytest.fixture
def bus() -> CtiBus:
    return CtiBus()


@pytest.fixture
def sender(bus):
    """Start senders on the test's bus; every one is stopped afterwards."""
    made: list[WebhookSender] = []

    def make(url: str, events: tuple[str, ...] = (), **kw) -> WebhookSender:
        config = WebhookConfig(url, SECRET, events)
        s = WebhookSender(bus, config=config, **{**FAST, **kw}).start()
        made.append(s)
        return s

    yield make
    for s in made:
        s.stop()


def publish(bus: CtiBus, count: int, kind: str = "agent-state") -> None:
    for i in range(count):
        bus.publish(kind, agent="801", n=i)


# --- the sender -----------------------------------------------------------------------------------


def test_sender_posts_each_event_signed_with_its_headers(bus, sender, receiver):
    sender(receiver.url)
    before = int(time.time())
    bus.publish("call-answered", call="c1", queue="q1", agent="801", caller="13800138000", name="张三")
    (got,) = receiver.wait(lambda rs: len(rs) == 1, 5, "one POST")
    assert verified(got)
    assert not verified(got, "another secret")
    assert got.headers["X-PBX-Event"] == "call-answered"
    assert got.headers["Content-Type"].startswith("application/json")
    assert re.fullmatch(r"[0-9a-f]{32}", got.delivery)
    assert before <= int(got.headers["X-PBX-Timestamp"]) <= int(time.time())
    event = got.event
    assert (event["type"], event["seq"], event["call"], event["name"]) == ("call-answered", 1, "c1", "张三")
    assert got.headers["X-PBX-Signature"] == sign(SECRET, got.headers["X-PBX-Timestamp"], got.body)


def test_sender_retries_a_503_with_backoff_and_the_same_delivery_id(bus, sender, receiver):
    receiver.script = [503, 503]
    s = sender(receiver.url, backoff=0.1, backoff_cap=1.0)
    bus.publish("call-ended", call="c1")
    bus.publish("call-ended", call="c2")
    got = receiver.wait(lambda rs: len(rs) == 4, 10, "two failures, a success and the next event")
    assert [r.event["call"] for r in got] == ["c1", "c1", "c1", "c2"]
    assert len({r.delivery for r in got[:3]}) == 1 and got[3].delivery != got[0].delivery
    assert all(verified(r) for r in got)
    # 1x then 2x the backoff between the attempts
    assert got[1].at - got[0].at >= 0.1 and got[2].at - got[1].at >= 0.2
    assert s.wait_for(lambda st: st["delivered"] == 2, 5)
    status = s.status()
    assert (status["failed"], status["dropped"], status["queued"], status["attempts"]) == (0, 0, 0, 4)
    assert "503" in status["last_error"]


def test_sender_does_not_retry_a_400_and_moves_on(bus, sender, receiver):
    receiver.script = [400]
    s = sender(receiver.url)
    bus.publish("agent-state", agent="801", state="login")
    bus.publish("agent-state", agent="801", state="logout")
    got = receiver.wait(lambda rs: len(rs) == 2, 5, "the refused event and the next one")
    assert [r.event["state"] for r in got] == ["login", "logout"]
    assert s.wait_for(lambda st: st["delivered"] == 1 and st["failed"] == 1, 5)
    assert "HTTP 400" in s.status()["last_error"]


def test_sender_gives_up_after_max_attempts(bus, sender, receiver):
    receiver.script = [500, 502, 504]
    s = sender(receiver.url, max_attempts=3)
    bus.publish("call-ended", call="c1")
    bus.publish("call-ended", call="c2")
    got = receiver.wait(lambda rs: len(rs) == 4, 5, "three attempts, then the next event")
    assert [r.event["call"] for r in got] == ["c1", "c1", "c1", "c2"]
    assert s.wait_for(lambda st: (st["delivered"], st["failed"]) == (1, 1), 5)


def test_receiver_down_bounded_outbox_drops_oldest_then_delivers_the_rest_in_order(bus, sender):
    down = Receiver(listen=False)  # connections refused until listen()
    try:
        s = sender(down.url, outbox_size=10, max_attempts=1000)
        publish(bus, 50)
        assert s.wait_for(lambda st: st["seq"] == 50 and st["dropped"] == 40 and st["attempts"] >= 2, 10)
        status = s.status()
        assert (status["queued"], status["delivered"]) == (10, 0) and "cannot reach" in status["last_error"]
        down.listen()
        assert s.wait_for(lambda st: st["delivered"] == 10 and st["queued"] == 0, 10)
        assert down.seqs() == list(range(41, 51))
        assert s.status()["failed"] == 0
    finally:
        down.stop()


def test_new_settings_retry_at_once_instead_of_after_the_backoff(bus, sender, receiver):
    down = Receiver(listen=False)
    try:
        s = sender(down.url, backoff=60.0, backoff_cap=60.0)
        bus.publish("call-ended", call="c1")
        assert s.wait_for(lambda st: st["attempts"] == 1, 5)
        s.configure(WebhookConfig(receiver.url, SECRET))  # the admin fixed the URL
        receiver.wait(lambda rs: len(rs) == 1, 5, "the waiting event at the new URL")
        assert receiver.requests[0].event["call"] == "c1"
    finally:
        down.stop()


def test_sender_keeps_the_bus_order(bus, sender, receiver):
    s = sender(receiver.url)
    for i in range(300):
        bus.publish(("call-answered", "agent-state", "call-ended")[i % 3], n=i)
    receiver.wait(lambda rs: len(rs) == 300, 20, "300 events")
    assert receiver.seqs() == list(range(1, 301))
    assert s.wait_for(lambda st: st["delivered"] == 300, 5)


def test_filter_sends_only_matching_event_kinds(bus, sender, receiver):
    sender(receiver.url, events=("call-*", "agent-state"))
    for kind in ("caller-joined", "agent-ringing", "call-answered", "agent-state", "agent-state-changed"):
        bus.publish(kind)
    bus.publish("call-ended")  # last: once it arrives, everything before it was decided
    receiver.wait(lambda rs: rs and rs[-1].event["type"] == "call-ended", 5, "the last event")
    assert receiver.kinds() == ["call-answered", "agent-state", "call-ended"]


def test_publisher_never_waits_for_a_hanging_receiver(bus, sender, receiver):
    receiver.released.clear()
    s = sender(receiver.url, timeout=0.3, outbox_size=100, max_attempts=1000)
    bus.publish("agent-state", n=-1)
    receiver.wait(lambda rs: len(rs) == 1, 5, "the sender to be stuck in a POST")
    slowest = 0.0
    start = time.monotonic()
    for i in range(5000):
        t = time.monotonic()
        bus.publish("agent-state", n=i)
        slowest = max(slowest, time.monotonic() - t)
    elapsed = time.monotonic() - start
    assert elapsed < 2.0 and slowest < 0.25, (elapsed, slowest)
    receiver.released.set()
    # Everything is accounted for: delivered, or dropped (outbox overflow, or the bus's ring moved on).
    assert s.wait_for(lambda st: st["queued"] == 0 and st["delivered"] + st["dropped"] == 5001, 30), (
        s.status()
    )
    status = s.status()
    assert status["failed"] == 0 and status["dropped"] >= 5001 - 100 - 1
    seqs = [r.event["seq"] for r in {r.delivery: r for r in receiver.requests}.values()]
    assert seqs == sorted(seqs) and seqs[-1] == 5001  # in order (a timed-out POST may come twice)


def test_sender_off_reads_past_events_and_a_reload_takes_the_new_settings(bus, receiver):
    settings = {"config": WebhookConfig()}
    s = WebhookSender(bus, lambda: settings["config"], **FAST)
    s.reload()
    s.start()
    try:
        publish(bus, 3)
        assert s.wait_for(lambda st: st["seq"] == 3, 5)
        assert s.status()["queued"] == 0 and not s.status()["enabled"]
        settings["config"] = WebhookConfig(receiver.url, SECRET)
        s.reload()
        bus.publish("call-ended", call="after")
        receiver.wait(lambda rs: len(rs) == 1, 5, "the event after the reload")
        assert receiver.seqs() == [4]
        assert s.status()["enabled"] and s.status()["url"] == receiver.url
    finally:
        s.stop()
    assert not s.status()["running"]


def test_a_redirect_is_not_followed_and_fails_the_event(bus, sender, receiver):
    receiver.script = [307]
    s = sender(receiver.url)
    bus.publish("call-ended")
    assert s.wait_for(lambda st: st["failed"] == 1, 5)
    assert len(receiver.requests) == 1


def test_status_hides_a_password_in_the_url(bus, sender):
    s = sender("http://user:pa55@127.0.0.1:9/hook")
    assert s.status()["url"] == "http://user:***@127.0.0.1:9/hook"


# --- settings -------------------------------------------------------------------------------------


class RecordingControl:
    def __init__(self, fail: bool = False) -> None:
        self.reloads: list[str] = []
        self.fail = fail

    def reload(self, what: str = "all") -> dict:
        if self.fail:
            raise ControlError("connection refused")
        self.reloads.append(what)
        return {"ok": True}


@pytest.fixture
def db(tmp_path):
    return open_database(tmp_path / "pbx.sqlite3")


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("webhook_url", "ftp://example.com/x", "must be empty (off) or an http:// or https:// URL"),
        ("webhook_url", "http:///nohost", "must be empty (off) or an http:// or https:// URL"),
        ("webhook_url", "http://example.com:99999/", "must be empty (off) or an http:// or https:// URL"),
        ("webhook_url", "https://example.com/a b", "must be empty (off) or an http:// or https:// URL"),
        ("webhook_url", "https://x.cn/" + "a" * 600, "at most 512 characters"),
        ("webhook_secret", "short", "16 to 256 printable characters without spaces"),
        ("webhook_secret", "has a space in it ok", "without spaces"),
        ("webhook_events", "call-*;agent-*", "write patterns separated by commas"),
        ("webhook_events", "agnet-*", "agnet-* matches none of the events the box sends"),
    ],
)
def test_settings_errors_name_the_key_and_the_reason(key, value, message):
    with pytest.raises(InvalidWebhookSettings) as caught:
        ws.parse({key: value})
    assert list(caught.value.errors) == [key]
    assert isinstance(caught.value, ValidationError | ValueError)
    assert f"{key}: " in str(caught.value) and message in str(caught.value)
    assert caught.value.message(key, "zh-CN") != caught.value.message(key, "en")


def test_settings_accept_empty_values_and_normalize_the_filter():
    values = ws.parse(
        {"webhook_url": " https://crm.example.com/hook?x=1 ", "webhook_events": "call-*, agent-*,call-*"}
    )
    assert values == {
        "webhook_url": "https://crm.example.com/hook?x=1",
        "webhook_secret": "",
        "webhook_events": "call-*,agent-*",
    }
    assert ws.parse({}) == {"webhook_url": "", "webhook_secret": "", "webhook_events": ""}
    with pytest.raises(InvalidWebhookSettings) as caught:
        ws.parse({"webhook_colour": "red"})
    assert list(caught.value.errors) == ["webhook_colour"]


def test_config_filter_matches_patterns():
    config = WebhookConfig("http://x/", SECRET, ("call-*", "agent-state"))
    assert config.wants("call-ended") and config.wants("agent-state")
    assert not config.wants("caller-joined") and not config.wants("agent-state-changed")
    assert WebhookConfig("http://x/", SECRET).wants("anything")
    assert not WebhookConfig("http://x/", "").enabled and not WebhookConfig("", SECRET).enabled


def test_known_events_are_every_kind_the_runtime_publishes():
    published = set()
    for path in (ROOT / "telephony" / "callcenter" / "runtime").glob("*.py"):
        published |= set(re.findall(r"""cti\.publish\(\s*"([a-z-]+)\"""", path.read_text()))
    assert published and published == set(ws.KNOWN_EVENTS)


def test_service_saves_generates_the_secret_once_and_reloads_the_core(db):
    control = RecordingControl()
    service = WebhookService(control)
    first = service.save("https://crm.example.com/hook", "call-*")
    assert first.shown_secret and len(first.shown_secret) == 64 and first.applied
    assert Setting.get_value("webhook_secret") == first.shown_secret
    assert first.shown_secret not in first.detail and "webhook_secret changed" in first.detail
    assert control.reloads == ["callcenter"]
    again = service.save("https://crm.example.com/hook2", "call-*")
    assert again.shown_secret is None and again.config.secret == first.shown_secret
    assert again.detail == "webhook_url 'https://crm.example.com/hook'->'https://crm.example.com/hook2'"
    rolled = service.save("https://crm.example.com/hook2", "call-*", regenerate=True)
    assert rolled.shown_secret not in (None, first.shown_secret)
    own = service.save("https://crm.example.com/hook2", "call-*", secret="my-own-secret-1234567")
    assert own.shown_secret == "my-own-secret-1234567" == Setting.get_value("webhook_secret")
    assert ws.mask(own.shown_secret) == "••••4567"


def test_service_refuses_bad_input_and_saves_nothing(db):
    control = RecordingControl()
    with pytest.raises(InvalidWebhookSettings) as caught:
        WebhookService(control).save("gopher://x", "nope-*", secret="x")
    assert set(caught.value.errors) == {"webhook_url", "webhook_events", "webhook_secret"}
    assert Setting.select().where(Setting.key.startswith("webhook_")).count() == 0
    assert control.reloads == []


def test_service_saves_with_the_core_down(db):
    result = WebhookService(RecordingControl(fail=True)).save("http://10.0.0.5/hook", "")
    assert not result.applied and Setting.get_value("webhook_url") == "http://10.0.0.5/hook"


def test_core_generates_a_missing_secret_and_turns_invalid_stored_settings_off(db):
    Setting.set_value("webhook_url", "http://10.0.0.5/hook")
    config = ws.load_for_core()
    assert config.enabled and len(config.secret) == 64
    assert Setting.get_value("webhook_secret") == config.secret
    assert ws.load_for_core() == config
    Setting.set_value("webhook_events", "bogus;;")
    assert ws.load() == WebhookConfig()


# --- end to end -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hook_box(tmp_path_factory):
    box = Box(tmp_path_factory.mktemp("webhooks"), rtp_port=27000).start()
    yield box
    box.stop()


def test_running_box_posts_a_signed_agent_state_event_when_an_agent_logs_in(hook_box, receiver):
    from telephony.models.callcenter import Agent

    box = hook_box
    box.db()
    Agent.create(number="801", name="Agent 801", default_extension="1011")
    Setting.set_value("webhook_url", receiver.url)
    Setting.set_value("webhook_events", "agent-*")
    box.control.reload()  # the core re-reads the settings and generates the missing secret
    secret = Setting.get_value("webhook_secret")
    assert len(secret) == 64
    status = box.control.get("/webhooks/status")
    assert status["enabled"] and status["running"] and status["url"] == receiver.url

    box.control.post("/acd/agents/login", {"agent": "801", "contact": "1011"})
    try:

        def logged_in(rs: list[Received]) -> bool:
            return any(r.event["type"] == "agent-state" and r.event.get("state") == "login" for r in rs)

        got = receiver.wait(logged_in, 10, "the agent-state login event")
        login = next(r for r in got if r.event["type"] == "agent-state")
        assert verified(login, secret)
        assert login.headers["X-PBX-Event"] == "agent-state"
        assert (login.event["agent"], login.event["contact"]) == ("801", "1011")
        assert all(r.event["type"].startswith("agent-") for r in got)
        wait_until(lambda: box.control.get("/webhooks/status")["delivered"] >= 1, 5, "the delivered count")
    finally:
        box.control.post("/acd/agents/logout", {"agent": "801"})

"""Outbound webhooks: CTI events POSTed, signed, in order, to the URL the admin set.

A daemon thread follows the CtiBus with `read(since, wait=...)`: it never touches pjsua2, and the
engine thread only ever appends to the bus, so a slow, hanging or dead receiver cannot hold up a
call. Each event is one POST whose body is the event as JSON; the next event waits until this one
is delivered or given up, so the receiver sees events in bus order (at least once: a delivery
that timed out after the receiver took it is sent again with the same X-PBX-Delivery id).

Headers of each POST:
  X-PBX-Event      the event type (call-answered, agent-state, ...)
  X-PBX-Delivery   a unique id per event, the same on every retry of it
  X-PBX-Timestamp  Unix seconds when this attempt was signed
  X-PBX-Signature  sha256=<hex HMAC-SHA256 over "<timestamp>.<body>" keyed with webhook_secret>

Connection errors, timeouts, 5xx, 408 and 429 are retried with exponential backoff (1, 2, 4 ...
capped at 60 s) up to `max_attempts`; any other answer (4xx, an unfollowed redirect) fails the
event at once. Between bus and receiver sits a bounded outbox: while the receiver is down, the
oldest events are dropped, counted and logged. Settings come from `loader` at start and on every
pbx-core reload (`reload`, called by QueueRuntime.load).
"""

from __future__ import annotations

import collections
import dataclasses
import hashlib
import hmac
import http.client
import json
import logging
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from typing import Any

from telephony.callcenter.runtime.cti import CtiBus
from telephony.callcenter.webhook_settings import WebhookConfig, shown_url

log = logging.getLogger(__name__)

USER_AGENT = "pbx-webhooks/1"
RETRY_STATUSES = frozenset({408, 429})  # 4xx answers that mean "later", not "never"
DROP_LOG_INTERVAL = 10.0  # seconds between warnings while the outbox overflows


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """Return the X-PBX-Signature value of `body` sent at `timestamp`."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return "sha256=" + digest


@dataclasses.dataclass
class Delivery:
    """One event on its way: the body and id are fixed when it enters the outbox."""

    kind: str
    body: bytes
    delivery_id: str
    attempts: int = 0
    not_before: float = 0.0


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Report a redirect as the answer: urllib would turn a redirected POST into a bodiless GET."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class WebhookSender:
    """Follow a CtiBus and POST its events to the configured URL from a daemon thread."""

    def __init__(
        self,
        bus: CtiBus,
        loader: Callable[[], WebhookConfig] | None = None,
        *,
        config: WebhookConfig | None = None,
        outbox_size: int = 1000,
        max_attempts: int = 8,
        backoff: float = 1.0,
        backoff_cap: float = 60.0,
        timeout: float = 5.0,
        poll: float = 0.5,
    ) -> None:
        self.bus = bus
        self.loader = loader
        self.outbox_size = outbox_size
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.backoff_cap = backoff_cap
        self.timeout = timeout
        self.poll = poll  # longest wait on the bus, so stop() and new settings are seen soon
        self._config = config or WebhookConfig()
        self._since = 0
        self._tried_with = self._config  # the settings the head of the outbox was last tried with
        self._outbox: collections.deque[Delivery] = collections.deque()
        # No proxy from the environment: the box posts straight to the URL the admin typed.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())
        self._cond = threading.Condition()
        self._stats: dict[str, Any] = {
            "delivered": 0,
            "failed": 0,
            "dropped": 0,
            "queued": 0,
            "seq": 0,  # the last bus event read (sent, filtered out or skipped while off)
            "attempts": 0,
            "last_error": "",
            "last_error_at": None,
            "last_delivered_at": None,
        }
        self._unlogged_drops = 0
        self._drop_logged_at = 0.0
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="webhooks", daemon=True)

    # --- life and settings ------------------------------------------------------------------------

    def start(self) -> WebhookSender:
        self._thread.start()
        return self

    def stop(self, timeout: float = 2.0) -> None:
        """Stop the thread; events still in the outbox are not sent (it lives in memory only)."""
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def reload(self) -> None:
        """Re-read the settings with the loader (pbx-core's reload calls this on the engine thread)."""
        if self.loader is not None:
            self.configure(self.loader())

    def configure(self, config: WebhookConfig) -> None:
        with self._cond:
            old, self._config = self._config, config
            self._cond.notify_all()
        if old != config:
            if config.enabled:
                events = ",".join(config.events) or "all events"
                log.info("webhooks: posting %s to %s", events, shown_url(config.url))
            else:
                log.info("webhooks: off")

    @property
    def config(self) -> WebhookConfig:
        with self._cond:
            return self._config

    def status(self) -> dict[str, Any]:
        """Counters and the last error, for the control API and the admin page."""
        config = self.config
        with self._cond:
            stats = dict(self._stats)
        return {
            "enabled": config.enabled,
            "running": self._thread.is_alive(),
            "url": shown_url(config.url),
            "events": ",".join(config.events),
            **stats,
        }

    def wait_for(self, predicate: Callable[[dict[str, Any]], bool], timeout: float) -> bool:
        """Wait until `predicate(status())` holds (tests, shutdown); False on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while not predicate(self.status()):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
        return True

    # --- the thread -------------------------------------------------------------------------------

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                self._step()
            except Exception:  # a bug here must not end webhooks for the life of the core
                log.exception("webhook sender step failed")
                self._stopping.wait(1.0)

    def _step(self) -> None:
        config = self.config
        if not config.enabled:
            if self._outbox:
                self._drop(len(self._outbox), "webhooks turned off")
                self._outbox.clear()
                self._update(queued=0)
            self._pull(self.poll)
            return
        head = self._outbox[0] if self._outbox else None
        if head is None:
            self._pull(self.poll)
            return
        if config != self._tried_with:  # new settings (a fixed URL): try at once, not after the backoff
            self._tried_with = config
            head.not_before = 0.0
        wait = head.not_before - time.monotonic()
        if wait > 0:
            # Backing off: keep emptying the bus into the outbox meanwhile, so nothing is lost there.
            self._pull(min(wait, self.poll))
            return
        self._pull(0.0)  # take what is new before a possibly slow POST
        if self._outbox:
            self._attempt(config, self._outbox[0])

    def _pull(self, wait: float) -> None:
        """Move new bus events into the outbox (only reading past them while webhooks are off)."""
        got = self.bus.read(self._since, wait=wait)
        if got["last"] == self._since:
            return
        config = self.config  # as it is now: a reload during the wait applies to what it brought
        events = got["events"]
        if got["lost"] and config.enabled:  # fell behind the bus's ring: those events are gone
            first = events[0]["seq"] if events else got["last"] + 1
            self._drop(first - self._since - 1, "the CTI bus moved on")
        self._since = got["last"]
        if config.enabled:
            for event in events:
                if config.wants(event["type"]):
                    body = json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode()
                    self._outbox.append(Delivery(event["type"], body, uuid.uuid4().hex))
            overflow = len(self._outbox) - self.outbox_size
            if overflow > 0:
                for _ in range(overflow):
                    self._outbox.popleft()
                self._drop(overflow, f"outbox full ({self.outbox_size} events)")
        self._update(seq=self._since, queued=len(self._outbox))

    def _attempt(self, config: WebhookConfig, delivery: Delivery) -> None:
        delivery.attempts += 1
        status, error = self._post(config, delivery)
        now = time.monotonic()
        if status is not None and 200 <= status < 300:
            self._outbox.popleft()
            if self._unlogged_drops:
                log.warning("webhooks: delivering again; %d more event(s) were dropped", self._unlogged_drops)
                self._unlogged_drops = 0
            self._update(delivered=1, attempts=1, queued=len(self._outbox), last_delivered_at=time.time())
            return
        retry = status is None or status >= 500 or status in RETRY_STATUSES
        if retry and delivery.attempts < self.max_attempts:
            delay = min(self.backoff_cap, self.backoff * 2 ** (delivery.attempts - 1))
            delivery.not_before = now + delay
            log.info(
                "webhook %s %s: %s; retry %d in %.3g s",
                delivery.kind,
                delivery.delivery_id,
                error,
                delivery.attempts,
                delay,
            )
            self._update(attempts=1, last_error=error, last_error_at=time.time())
            return
        self._outbox.popleft()
        log.warning(
            "webhook %s %s given up after %d attempt(s): %s",
            delivery.kind,
            delivery.delivery_id,
            delivery.attempts,
            error,
        )
        self._update(
            failed=1, attempts=1, queued=len(self._outbox), last_error=error, last_error_at=time.time()
        )

    def _post(self, config: WebhookConfig, delivery: Delivery) -> tuple[int | None, str]:
        """POST once; return (HTTP status or None when there was no answer, error text)."""
        timestamp = str(int(time.time()))
        request = urllib.request.Request(
            config.url,
            data=delivery.body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": USER_AGENT,
                "X-PBX-Event": delivery.kind,
                "X-PBX-Delivery": delivery.delivery_id,
                "X-PBX-Timestamp": timestamp,
                "X-PBX-Signature": sign(config.secret, timestamp, delivery.body),
            },
        )
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                response.read(65536)
                return response.status, ""
        except urllib.error.HTTPError as exc:
            with exc:
                return exc.code, f"HTTP {exc.code} {exc.reason}"
        except urllib.error.URLError as exc:
            return None, f"cannot reach {shown_url(config.url)}: {exc.reason}"
        except (TimeoutError, OSError, http.client.HTTPException) as exc:
            return None, f"{type(exc).__name__}: {exc}"
        except ValueError as exc:  # a URL urllib cannot use; validation should have stopped it
            return 0, f"bad URL: {exc}"

    # --- counters ---------------------------------------------------------------------------------

    def _update(self, **changes: Any) -> None:
        with self._cond:
            for key, value in changes.items():
                if key in ("delivered", "failed", "dropped", "attempts"):
                    self._stats[key] += value
                else:
                    self._stats[key] = value
            self._cond.notify_all()

    def _drop(self, count: int, why: str) -> None:
        if count <= 0:
            return
        self._update(dropped=count)
        self._unlogged_drops += count
        now = time.monotonic()
        if now - self._drop_logged_at >= DROP_LOG_INTERVAL:
            log.warning(
                "webhooks: dropped %d oldest event(s) (%s); %d dropped since start",
                self._unlogged_drops,
                why,
                self.status()["dropped"],
            )
            self._unlogged_drops = 0
            self._drop_logged_at = now


def start(bus: CtiBus) -> WebhookSender:
    """Start pbx-core's sender on `bus` with the saved settings (read again on every reload)."""
    from telephony.callcenter import webhook_settings

    sender = WebhookSender(bus, webhook_settings.load_for_core)
    sender.reload()
    return sender.start()

"""The outbound webhook's settings, declared once: parsed, validated, loaded, saved, then a reload.

Three Setting rows: `webhook_url` (http/https, empty = off), `webhook_secret` (the HMAC key;
generated when a URL is set without one, never shown in full again after it was first shown) and
`webhook_events` (comma-separated patterns such as "call-*,agent-*"; empty = every event).
`SETTINGS` drives validation, the web form and the defaults; errors name the key. pbx-core's
sender (telephony.callcenter.runtime.webhooks) reads them with `load_for_core` at start and on
every reload; the admin saves them with `WebhookService.save`.
"""

from __future__ import annotations

import fnmatch
import logging
import re
import secrets
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from telephony import messages
from telephony.callcenter.errors import InvalidInput
from telephony.control.client import ControlClient
from telephony.control.reload import ReloadsCore
from telephony.models import Setting, database

log = logging.getLogger(__name__)

# The kinds QueueRuntime publishes on the CTI bus (tests check this list against the runtime), so
# a mistyped pattern ("agnet-*") is refused instead of silently sending nothing.
KNOWN_EVENTS = (
    "caller-joined",
    "caller-abandoned",
    "caller-overflow",
    "agent-ringing",
    "call-answered",
    "call-ended",
    "call-transferred",
    "agent-state",
    "agent-state-changed",
    "monitor",
    "originate",
    "announcement",
    "callback-requested",
    "callback-started",
    "survey",
)
MAX_URL = 512
MIN_SECRET, MAX_SECRET = 16, 256
MAX_PATTERNS = 20
PATTERN_RE = re.compile(r"^[a-z*?-]{1,32}$")

CATALOG: dict[str, dict[str, str]] = {
    "webhook.url": {
        "en": "must be empty (off) or an http:// or https:// URL with a host, at most {max} characters",
        "zh-CN": "必须为空（关闭）或以 http:// 或 https:// 开头并带主机名的 URL，最多 {max} 个字符",
    },
    "webhook.secret": {
        "en": "must be empty (generate one) or {low} to {high} printable characters without spaces",
        "zh-CN": "必须为空（自动生成）或 {low} 到 {high} 个不含空格的可打印字符",
    },
    "webhook.events.format": {
        "en": "write patterns separated by commas, e.g. call-*,agent-*; each of lowercase letters, - and *",
        "zh-CN": "请用逗号分隔填写模式，例如 call-*,agent-*；每个模式只含小写字母、- 和 *",
    },
    "webhook.events.too_many": {
        "en": "at most {max} patterns",
        "zh-CN": "最多 {max} 个模式",
    },
    "webhook.events.unknown": {
        "en": "{pattern} matches none of the events the box sends: {known}",
        "zh-CN": "{pattern} 不匹配设备发送的任何事件：{known}",
    },
}


def _register() -> None:
    """Add the catalog to telephony.messages; a key already there with other text is a bug."""
    for key, entry in CATALOG.items():
        existing = messages.CATALOG.get(key)
        if existing is not None and existing != entry:
            raise RuntimeError(f"message {key!r} is defined twice with different text")
        messages.CATALOG[key] = entry


_register()


class Invalid(ValueError):
    """A value failed its parser: a message key and its arguments."""

    def __init__(self, message: str, **params: object) -> None:
        self.message = message
        self.params = params
        super().__init__(message)


class InvalidWebhookSettings(InvalidInput):
    """Webhook settings failed validation; nothing was saved. str() names each key and its reason."""

    def __str__(self) -> str:
        return "; ".join(f"{key}: {text}" for key, text in self.messages("en").items())


def parse_url(raw: str) -> str:
    text = raw.strip()
    if not text:
        return ""
    bad = Invalid("webhook.url", max=MAX_URL)
    if len(text) > MAX_URL or not text.isprintable() or any(c.isspace() for c in text):
        raise bad
    try:
        parts = urllib.parse.urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        raise bad from None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.fragment:
        raise bad
    return text


def parse_secret(raw: str) -> str:
    text = raw.strip()
    if text and (
        not MIN_SECRET <= len(text) <= MAX_SECRET or not text.isprintable() or any(c.isspace() for c in text)
    ):
        raise Invalid("webhook.secret", low=MIN_SECRET, high=MAX_SECRET)
    return text


def parse_events(raw: str) -> str:
    patterns = [p.strip() for p in raw.split(",")] if raw.strip() else []
    if any(not PATTERN_RE.match(p) for p in patterns):
        raise Invalid("webhook.events.format")
    if len(patterns) > MAX_PATTERNS:
        raise Invalid("webhook.events.too_many", max=MAX_PATTERNS)
    for pattern in patterns:
        if not any(fnmatch.fnmatchcase(kind, pattern) for kind in KNOWN_EVENTS):
            raise Invalid("webhook.events.unknown", pattern=pattern, known=", ".join(KNOWN_EVENTS))
    return ",".join(dict.fromkeys(patterns))  # in the order given, each once


@dataclass(frozen=True)
class WebhookSetting:
    """One setting: its Setting key, parser (raises Invalid), default and help."""

    key: str
    parse: Callable[[str], str]
    default: str
    help: str


SETTINGS: tuple[WebhookSetting, ...] = (
    WebhookSetting("webhook_url", parse_url, "", "http:// or https:// URL events are POSTed to; empty = off"),
    WebhookSetting(
        "webhook_secret", parse_secret, "", "HMAC-SHA256 key of X-PBX-Signature; empty = generate one"
    ),
    WebhookSetting("webhook_events", parse_events, "", "event patterns, e.g. call-*,agent-*; empty = all"),
)
BY_KEY = {s.key: s for s in SETTINGS}


@dataclass(frozen=True)
class WebhookConfig:
    """What the sender needs: where to POST, the signing key and which event kinds."""

    url: str = ""
    secret: str = ""
    events: tuple[str, ...] = field(default=())

    @property
    def enabled(self) -> bool:
        return bool(self.url and self.secret)

    def wants(self, kind: str) -> bool:
        """Tell whether an event of this kind passes the filter (no patterns: every kind)."""
        return not self.events or any(fnmatch.fnmatchcase(kind, p) for p in self.events)


def config_of(values: Mapping[str, str]) -> WebhookConfig:
    events = values.get("webhook_events", "")
    return WebhookConfig(
        url=values.get("webhook_url", ""),
        secret=values.get("webhook_secret", ""),
        events=tuple(p for p in events.split(",") if p),
    )


def parse(raw: Mapping[str, str]) -> dict[str, str]:
    """Parse every setting in `raw` (missing keys: defaults); raise InvalidWebhookSettings naming each bad key."""
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    params: dict[str, dict[str, object]] = {}
    for key in raw:
        if key not in BY_KEY:
            errors[key], params[key] = "config.unknown_key", {}
    for setting in SETTINGS:
        try:
            values[setting.key] = setting.parse(str(raw.get(setting.key, setting.default)))
        except Invalid as exc:
            errors[setting.key], params[setting.key] = exc.message, exc.params
    if errors:
        raise InvalidWebhookSettings(errors, params)
    return values


def stored() -> dict[str, str]:
    """The saved values (defaults for missing rows), unchecked."""
    rows = {r.key: r.value for r in Setting.select().where(Setting.key.in_(list(BY_KEY)))}
    return {s.key: rows.get(s.key, s.default) for s in SETTINGS}


def load() -> WebhookConfig:
    """Return the saved settings; a stored value that no longer parses turns webhooks off (logged)."""
    values = stored()
    try:
        return config_of(parse(values))
    except InvalidWebhookSettings as exc:
        log.warning("webhooks off: the saved settings are invalid: %s", exc)
        return WebhookConfig()


def new_secret() -> str:
    return secrets.token_hex(32)


def load_for_core() -> WebhookConfig:
    """Return the settings pbx-core's sender uses, generating and saving a secret a set URL lacks.

    A URL can arrive without a secret from outside the web admin (a direct database edit, an
    older backup); signing with an empty key would be no signature at all.
    """
    config = load()
    if config.url and not config.secret:
        secret = new_secret()
        Setting.set_value("webhook_secret", secret)
        log.info("webhooks: generated a signing secret (shown in the web admin once)")
        config = WebhookConfig(config.url, secret, config.events)
    return config


def mask(secret: str) -> str:
    """Show a secret as its last 4 characters only (nothing of a short or empty one)."""
    if len(secret) < MIN_SECRET:
        return "••••" if secret else ""
    return "••••" + secret[-4:]


def shown_url(url: str) -> str:
    """Return a URL with any password in it replaced by ***, for logs, audit and status."""
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rpartition("@")[2]
    return urllib.parse.urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))


@dataclass(frozen=True)
class SaveResult:
    """What a save did: the new config, the secret to show once (if it changed), the audit detail."""

    config: WebhookConfig
    shown_secret: str | None
    detail: str
    applied: bool


class WebhookService(ReloadsCore):
    """Validate -> save -> ask pbx-core to reload, for the three webhook settings."""

    reload_what = "callcenter"

    def __init__(self, control: ControlClient | None = None) -> None:
        self.control = control

    def current(self) -> WebhookConfig:
        return load()

    def save(self, url: str, events: str, secret: str = "", regenerate: bool = False) -> SaveResult:
        """Save the URL and filter; `secret` replaces the key, `regenerate` makes a new one.

        An empty `secret` keeps the saved one, or generates one when a URL is set and none is
        saved. The secret is returned (to be shown once) only when it changed.
        """
        values = parse({"webhook_url": url, "webhook_events": events, "webhook_secret": secret})
        with database.atomic():
            before = stored()
            new_key = values["webhook_secret"]
            if not new_key and (regenerate or (values["webhook_url"] and not before["webhook_secret"])):
                new_key = new_secret()
            values["webhook_secret"] = new_key or before["webhook_secret"]
            for key, value in values.items():
                if before[key] != value:
                    Setting.set_value(key, value)
        changes = []
        if before["webhook_url"] != values["webhook_url"]:
            changes.append(
                f"webhook_url {shown_url(before['webhook_url'])!r}->{shown_url(values['webhook_url'])!r}"
            )
        if before["webhook_events"] != values["webhook_events"]:
            changes.append(f"webhook_events {before['webhook_events']!r}->{values['webhook_events']!r}")
        shown = None
        if values["webhook_secret"] != before["webhook_secret"]:
            shown = values["webhook_secret"]
            changes.append("webhook_secret changed")  # never the secret itself
        return SaveResult(config_of(values), shown, ", ".join(changes) or "no change", self._reload())

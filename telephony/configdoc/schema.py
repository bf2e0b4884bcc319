"""The configuration document's schema: one declarative table per section, and a safe YAML loader.

A section is a table of fields (key, type, default, help). `parse_document` turns YAML text into
typed Python values, section by section, and raises ConfigDocError naming the key path
(`extensions[2].number`) of the first problem. Rules that need the database (a number already
taken, a weak secret) belong to each section's apply function in `service.py`.

A field may itself be a list of mappings with a table of its own (`Records`: a queue's members),
whose errors name the nested path (`queues[0].members[1].agent`).

To add a section: declare its table here, add it to SECTIONS, and give `service.py` its
description (a `Rows`, or export and apply functions for a section whose logic differs). A list
section's `unique` key is how `service.Rows` matches items to rows; `import_only` fields (PINs,
secrets) are never exported.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from collections.abc import Callable
from typing import Any

import yaml

from telephony.callcenter import errors as _callcenter_errors  # noqa: F401  (registers cc.* messages)
from telephony.callcenter import webhook_settings
from telephony.callcenter.settings import QUEUE_SETTINGS
from telephony.errors import ConfigError
from telephony.extensions.service import NUMBER_RE
from telephony.messages import render
from telephony.models.callcenter import PIN_SCHEME
from telephony.models.ivr import NODE_KINDS
from telephony.models.pbx import DEFAULT_REALM, REALM_RE
from telephony.prompts import LANGUAGES as PROMPT_LANGUAGES
from telephony.routing.service import CID_STANDARDS

VERSION = 1
# A full box (thousands of extensions) fits in well under 1 MiB; anything far bigger is a mistake.
MAX_DOCUMENT_BYTES = 4 * 1024 * 1024
# Real documents nest 3 deep; a cap keeps a hostile document from exhausting the stack.
MAX_DEPTH = 16
REQUIRED = object()


class ConfigDocError(ConfigError):
    """The document is invalid at `key`, a path like `extensions[2].number` ("" for the whole document).

    `message` and `params` name a catalog entry, so each front end renders the reason in its language.
    """

    def __init__(self, key: str, message: str, source: str = "", **params: object) -> None:
        self.message = message
        self.params = params
        super().__init__(key, render(message, "en", **params), source)

    def render(self, language: str) -> str:
        """Return `source: key: reason` with the reason in `language`, leaving out empty parts."""
        parts = [p for p in (self.source, self.key) if p]
        return ": ".join([*parts, render(self.message, language, **self.params)])

    def __str__(self) -> str:
        return self.render("en")


class Invalid(ValueError):
    """A value failed its type; the schema walker adds the key path.

    `path` is where inside the value the problem is (`[1].agent` in a list of records), "" for the
    value itself.
    """

    def __init__(self, message: str, **params: object) -> None:
        self.message = message
        self.params = params
        self.path = ""
        super().__init__(message)

    def within(self, prefix: str) -> Invalid:
        """Return this error placed under `prefix` (`[1]`, `.agent`)."""
        self.path = prefix + self.path
        return self


# --- value types: parse a YAML value; store as and load from the text of a Setting row -------------


class Type:
    """Parse one YAML value; subclasses override `parse` and, if text differs from str(), the text pair."""

    def parse(self, value: Any) -> Any:
        raise NotImplementedError

    def to_text(self, value: Any) -> str:
        return str(value)

    def from_text(self, text: str) -> Any:
        return self.parse(text)


@dataclasses.dataclass(frozen=True)
class Str(Type):
    """A string; YAML's unquoted 1001 or `yes` are not strings, and the error says to quote them."""

    max_len: int = 64
    pattern: re.Pattern[str] | None = None
    pattern_message: str = ""
    printable: bool = True

    def parse(self, value: Any) -> str:
        if not isinstance(value, str):
            raise Invalid("config.type.string", value=_show(value))
        if len(value) > self.max_len or (self.printable and not value.isprintable()):
            raise Invalid("config.string.format", max=self.max_len)
        if self.pattern is not None and not self.pattern.fullmatch(value):
            raise Invalid(self.pattern_message)
        return value


@dataclasses.dataclass(frozen=True)
class Int(Type):
    """An integer in [low, high]."""

    low: int
    high: int

    def parse(self, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise Invalid("config.type.integer", value=_show(value))
        if not self.low <= value <= self.high:
            raise Invalid("config.range", low=self.low, high=self.high)
        return value

    def from_text(self, text: str) -> int:
        try:
            return self.parse(int(text))
        except ValueError:
            raise Invalid("config.type.integer", value=_show(text)) from None


class Bool(Type):
    """true or false."""

    def parse(self, value: Any) -> bool:
        if not isinstance(value, bool):
            raise Invalid("config.type.boolean", value=_show(value))
        return value

    def to_text(self, value: Any) -> str:
        return "1" if value else "0"

    def from_text(self, text: str) -> bool:
        return text.strip().lower() in ("1", "true", "yes", "on")


@dataclasses.dataclass(frozen=True)
class Num(Type):
    """A finite number, whole or not (seconds, weights); the range is the service's rule."""

    def parse(self, value: Any) -> int | float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise Invalid("config.type.number", value=_show(value))
        return value


@dataclasses.dataclass(frozen=True)
class Choice(Type):
    """One of a fixed set of strings."""

    choices: tuple[str, ...]

    def parse(self, value: Any) -> str:
        if not isinstance(value, str) or value not in self.choices:
            raise Invalid("cc.choice", choices=", ".join(self.choices))
        return value


@dataclasses.dataclass(frozen=True)
class Parsed(Type):
    """A string checked and normalized by another module's parser, so its rule is written once.

    The parser raises a ValueError carrying `message` (a catalog key) and `params`.
    """

    parser: Callable[[str], str]
    max_len: int = 4096

    def parse(self, value: Any) -> str:
        if not isinstance(value, str):
            raise Invalid("config.type.string", value=_show(value))
        if len(value) > self.max_len:
            raise Invalid("config.string.format", max=self.max_len)
        try:
            return self.parser(value)
        except ValueError as exc:
            message = getattr(exc, "message", None)
            if message is None:
                raise Invalid("config.invalid", reason=str(exc)) from None
            raise Invalid(message, **getattr(exc, "params", {})) from None


@dataclasses.dataclass(frozen=True)
class StrList(Type):
    """A list of short strings (a trunk group's members); what each may be is the service's rule."""

    max_items: int = 64
    max_len: int = 64
    message: str = "config.type.string_list"

    def parse(self, value: Any) -> list[str]:
        if (
            not isinstance(value, list)
            or len(value) > self.max_items
            or not all(isinstance(v, str) and len(v) <= self.max_len and v.isprintable() for v in value)
        ):
            raise Invalid(self.message)
        return list(value)


@dataclasses.dataclass(frozen=True)
class Records(Type):
    """A list of mappings, each with the keys of `fields` (a queue's members, an agent's skills)."""

    fields: tuple[Field, ...]
    max_items: int = 1000

    def parse(self, value: Any) -> list[dict[str, Any]]:
        if not isinstance(value, list):
            raise Invalid("config.type.list")
        if len(value) > self.max_items:
            raise Invalid("config.type.too_many", max=self.max_items)
        out = []
        for i, item in enumerate(value):
            try:
                out.append(parse_fields(self.fields, item))
            except Invalid as exc:
                raise exc.within(f"[{i}]") from None
        return out


@dataclasses.dataclass(frozen=True)
class JsonObject(Type):
    """A mapping with string keys and plain values (an IVR node's parameters and branches)."""

    max_len: int = 16384

    def parse(self, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
            raise Invalid("config.type.mapping")
        try:
            text = json.dumps(value, ensure_ascii=False)
        except (TypeError, ValueError):
            raise Invalid("config.type.mapping") from None
        if len(text) > self.max_len:
            raise Invalid("config.string.format", max=self.max_len)
        return json.loads(text)  # a plain copy: YAML dates and the like became errors above


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


HEX32_RE = re.compile(r"^[0-9a-f]{32}$")

# Type only: an extension's name rules are extensions.service.validate's, applied at import.
TEXT = Str(max_len=4096, printable=False)
HEX32 = Str(max_len=32, pattern=HEX32_RE, pattern_message="config.hex32")
# Secrets are checked by extensions.service.secret_is_strong; here only the type and a sane length.
SECRET = Str(max_len=256, printable=False)
NUMBER = Str(max_len=8, pattern=NUMBER_RE, pattern_message="extension.number.format")
REALM = Str(max_len=64, pattern=REALM_RE, pattern_message="config.realm.format")
BOOL = Bool()
NUM = Num()
# An agent's PIN as Agent.pin_hash keeps it (telephony.models.callcenter.hash_pin); "" = no PIN yet.
PIN_HASH = Str(
    max_len=128,
    pattern=re.compile(rf"^(|{PIN_SCHEME}\$[0-9]{{1,8}}\$[A-Za-z0-9+/]+=*\$[A-Za-z0-9+/]+=*)$"),
    pattern_message="config.pin_hash",
)
# Line tables: the document checks only the type; telephony.routing.service's validators (run at
# import, against the database as the document leaves it) own every rule, so no rule is written twice.
WORD = Str(max_len=64)
INT = Int(-(2**31), 2**31 - 1)


# --- tables ----------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Field:
    """One key of a section: its type, default (REQUIRED: must be given; None: may be absent), help.

    An `import_only` field (a secret, a PIN) is read from a document but never exported: the row
    keeps only its hash, which has a field of its own.
    """

    key: str
    type: Type
    default: Any
    help: str
    import_only: bool = False


def _import_only(key: str, help: str, type: Type = WORD) -> Field:
    """A PIN or secret: optional, read from a document and stored hashed, never exported."""
    return Field(key, type, None, help, import_only=True)


# Fields several sections share, word for word.
NAME = Field("name", TEXT, REQUIRED, "1 to 64 characters")
PRIORITY = Field("priority", INT, 100, "0 to 9999, lower first")


@dataclasses.dataclass(frozen=True)
class Section:
    """A top-level key of the document: one mapping (`many=False`) or a list of mappings (`many=True`).

    `unique` names the fields whose values no two items of a list may share (together); it is how
    items are matched to rows. A duplicate is reported at the last of them.
    """

    name: str
    fields: tuple[Field, ...]
    help: str
    many: bool = False
    unique: tuple[str, ...] = ()

    def field(self, key: str) -> Field:
        return next(f for f in self.fields if f.key == key)


SETTINGS = Section(
    "settings",
    (
        Field("sip_realm", REALM, DEFAULT_REALM, "SIP digest realm; changing it invalidates ha1/ha1b hashes"),
        Field(
            "no_answer_timeout",
            Int(5, 600),
            30,
            "seconds an extension rings before the call gives up as NO ANSWER",
        ),
        Field(
            "prompt_language",
            Choice(PROMPT_LANGUAGES),
            "zh-CN",
            f"language of the call center's spoken prompts: {' or '.join(PROMPT_LANGUAGES)}",
        ),
        # The webhook's URL and event filter, checked by telephony.callcenter.webhook_settings; its
        # signing secret is never exported (pbx-core makes one when a URL has none).
        *(
            Field(s.key, Parsed(s.parse), s.default, s.help)
            for s in webhook_settings.SETTINGS
            if s.key != "webhook_secret"
        ),
    ),
    "box-wide settings; a key left out is set back to its default",
)

EXTENSIONS = Section(
    "extensions",
    (
        Field("number", NUMBER, REQUIRED, '2 to 8 digits, not starting with 0; quote it: "1001"'),
        Field("name", TEXT, "", "display name, at most 64 characters"),
        Field("enabled", BOOL, True, "false keeps the extension but refuses its registrations and calls"),
        _import_only("secret", "SIP password (import only; stored as hashes, never exported)", SECRET),
        Field("ha1", HEX32, None, "md5(number:realm:secret), 32 lowercase hex; with ha1b instead of secret"),
        Field("ha1b", HEX32, None, "md5(number@realm:realm:secret), 32 lowercase hex"),
        Field(
            "permission",
            WORD,
            "national",
            "outbound class: internal, local, national or international (dial rules need one)",
        ),
    ),
    "every extension of the box; extensions missing from the list are deleted",
    many=True,
    unique=("number",),
)

PORTS = Section(
    "ports",
    (
        Field("port", WORD, REQUIRED, "fxs1.., fxo1.. or e1"),
        Field("enabled", BOOL, True, "false: an FXS phone gets no dial tone"),
        Field("label", TEXT, "", "free text, at most 64 characters"),
        Field("number", WORD, None, 'FXS only: the number of its phone; quote it: "201"'),
        Field("caller_id_name", TEXT, None, "FXS only: name shown to callees"),
        Field("permission", WORD, None, "FXS only: outbound class (default national)"),
        Field(
            "cid_standard",
            WORD,
            None,
            f"FXS only: caller-ID standard ({', '.join(CID_STANDARDS)}); absent: the country's",
        ),
    ),
    "settings of the board's ports; a port missing from the list goes back to its defaults",
    many=True,
    unique=("port",),
)

TRUNK_GROUPS = Section(
    "trunk_groups",
    (
        Field("name", WORD, REQUIRED, "letters, digits, . _ -; dial rules name it"),
        Field("kind", WORD, REQUIRED, "fxo, e1 or sip"),
        Field("members", StrList(), [], "fxo: [fxo1, fxo2]; e1: [e1]; sip: trunk names"),
        Field("hunt", WORD, "linear", "linear or round-robin"),
    ),
    "lines used together for outbound calls; groups missing from the list are deleted",
    many=True,
    unique=("name",),
)

INBOUND_ROUTES = Section(
    "inbound_routes",
    (
        Field("trunk", WORD, REQUIRED, "fxo1.., e1, or * for any"),
        Field("did", WORD, "", "E1 called number; empty: any"),
        Field(
            "destination", WORD, REQUIRED, "an extension, FXS port or queue number, in this document or kept"
        ),
        PRIORITY,
    ),
    "where calls arriving on a trunk go; routes missing from the list are deleted",
    many=True,
    unique=("trunk", "did"),
)

DIAL_RULES = Section(
    "dial_rules",
    (
        Field("name", TEXT, "", "free text, at most 32 characters"),
        Field("prefix", WORD, REQUIRED, 'digits the dialed number starts with; quote it: "0"'),
        Field("min_length", INT, 1, "digits dialed before the call is placed, 1 to 32"),
        Field("strip", INT, 0, "digits removed from the front, 0 to 16"),
        Field("prepend", WORD, "", "digits put in front, optionally starting with +"),
        Field("trunk_group", WORD, REQUIRED, "name of a trunk group, in this document or kept"),
        Field("permission", WORD, "local", "class an extension needs to use the rule"),
        PRIORITY,
    ),
    "outbound rules, in the order tried; rules missing from the list are deleted",
    many=True,
)

# --- the call center: types only; telephony.callcenter's validators own every rule (run at import).

SKILLS = Section(
    "skills",
    (
        Field("name", TEXT, REQUIRED, "1 to 32 characters, no , or :; agents and queues name it"),
        Field("description", TEXT, "", "free text, at most 128 characters"),
    ),
    "what agents can be good at; skills missing from the list are deleted",
    many=True,
    unique=("name",),
)

PAUSE_CODES = Section(
    "pause_codes",
    (
        Field("code", TEXT, REQUIRED, "1 to 16 of a-z 0-9 _ -; agents pause with it (*93code)"),
        Field("label_zh", TEXT, REQUIRED, "name shown in Chinese"),
        Field("label_en", TEXT, REQUIRED, "name shown in English"),
        Field("productive", BOOL, False, "true: the pause counts as work in reports"),
    ),
    "reasons agents pause with; codes missing from the list are deleted",
    many=True,
    unique=("code",),
)

AGENTS = Section(
    "agents",
    (
        Field("number", WORD, REQUIRED, 'login number, 2 to 8 digits; quote it: "8001"'),
        NAME,
        Field("enabled", BOOL, True, "false: the agent cannot log in"),
        Field("default_extension", WORD, None, "extension or FXS port number offers ring by default"),
        _import_only("pin", 'login PIN, 4 to 8 digits (import only; stored hashed); quote it: "2468"'),
        Field("pin_hash", PIN_HASH, None, "the PIN's hash as exported, instead of pin"),
        Field(
            "skills",
            Records(
                (
                    Field("skill", TEXT, REQUIRED, "a skill's name, in this document or kept"),
                    Field("level", INT, REQUIRED, "1 (beginner) to 10 (expert)"),
                )
            ),
            [],
            "[{skill, level}]",
        ),
    ),
    "people who take queue calls; agents missing from the list are deleted with their memberships",
    many=True,
    unique=("number",),
)


def _queue_field(setting: Any) -> Field:
    """Return the document field of one telephony.callcenter.settings.QueueSetting."""
    kind = setting.kind
    if kind == "int":
        return Field(setting.key, INT, setting.default, f"{setting.low:g} to {setting.high:g}")
    if kind in ("seconds", "days", "decimal"):
        unit = {"seconds": "seconds, ", "days": "days, "}.get(kind, "")
        return Field(setting.key, NUM, setting.default, f"{unit}{setting.low:g} to {setting.high:g}")
    if kind == "bool":
        return Field(setting.key, BOOL, setting.default, "true or false")
    if kind == "choice":
        return Field(setting.key, TEXT, setting.default, "one of " + ", ".join(setting.choices()))
    if kind == "token":
        return Field(setting.key, TEXT, setting.default, "a name: letters, digits, . _ -")
    return Field(
        setting.key,
        TEXT,
        setting.default,
        QUEUE_HELP.get(setting.key, f"at most {setting.high:g} characters"),
    )


QUEUE_HELP = {
    "skill_widen": "seconds:level steps, e.g. 0:8, 30:5, 60:1",
    "whisper_text": "said to the agent before the bridge; may use {queue} {caller} {name}",
    "crm_url": "http(s) URL opened for the agent; may use {caller} {queue} {digits} {callid}",
    "timeout_target": "queue or extension number (in this document or kept), IVR name or external number",
    "full_target": "as timeout_target",
    "no_agents_target": "as timeout_target",
}

QUEUES = Section(
    "queues",
    (
        Field(
            "number",
            WORD,
            REQUIRED,
            "dialed number, 2 to 8 digits, no extension's or port's; quote it: \"600\"",
        ),
        NAME,
        *(_queue_field(s) for s in QUEUE_SETTINGS),
        Field(
            "members",
            Records(
                (
                    Field("agent", WORD, REQUIRED, "an agent's number, in this document or kept"),
                    Field("kind", WORD, "static", "static or dynamic"),
                    Field("penalty", INT, 0, "0 to 1000, lower gets calls first"),
                    Field("position", INT, 0, "0 to 9999, hunt order"),
                    Field("weight", NUM, 1, "0.01 to 1000, for weighted-random"),
                )
            ),
            [],
            "[{agent, kind, penalty, position, weight}]",
        ),
        Field(
            "skills",
            Records(
                (
                    Field("skill", TEXT, REQUIRED, "a skill's name, in this document or kept"),
                    Field("min_level", INT, 1, "1 to 10, lowest level that gets the queue's calls"),
                )
            ),
            [],
            "required skills: [{skill, min_level}]",
        ),
    ),
    "call queues with every setting; a setting left out is its default; queues missing from the list are deleted",
    many=True,
    unique=("number",),
)

CUSTOMERS = Section(
    "customers",
    (
        NAME,
        Field("company", TEXT, "", "at most 128 characters"),
        Field("notes", TEXT, "", "at most 2000 characters"),
        Field("priority", INT, 0, "0 to 100; above 0 the caller is a VIP in queues"),
        Field("tags", StrList(max_len=64, message="config.type.tag_list"), [], "[tag, ...]"),
        Field(
            "numbers",
            StrList(max_len=64, message="config.type.number_list"),
            REQUIRED,
            'phone numbers, each the customer\'s alone: ["13800138000"]',
        ),
    ),
    "callers the agents know (screen pop, VIP); customers missing from the list are deleted",
    many=True,
)

# --- IVR: types only; telephony.ivr.service and telephony.ivr.validate own every rule.

IVR_FLOWS = Section(
    "ivr_flows",
    (
        Field("number", WORD, REQUIRED, 'dialed number, 2 to 16 of 0-9 * #; quote it: "7000"'),
        NAME,
        Field("language", Choice(PROMPT_LANGUAGES), "zh-CN", "language of spoken prompts"),
        Field("entry", WORD, "start", "key of the node callers start at"),
        Field("active", BOOL, False, "true: callers reach it (the flow must then validate)"),
        Field(
            "nodes",
            Records(
                (
                    Field("key", WORD, REQUIRED, "1 to 32 of A-Z a-z 0-9 _ -; branches name it"),
                    Field("kind", Choice(NODE_KINDS), REQUIRED, ", ".join(NODE_KINDS)),
                    Field("params", JsonObject(), {}, "the kind's parameters (README: IVR)"),
                    Field("branches", JsonObject(), {}, "outcome -> node key"),
                )
            ),
            [],
            "[{key, kind, params, branches}]",
        ),
    ),
    "IVR flows and their nodes; flows missing from the list are deleted",
    many=True,
    unique=("number",),
)

# --- voicemail: mailboxes (greetings and messages are files, not configuration) -------------------

MAILBOXES = Section(
    "mailboxes",
    (
        Field("number", WORD, REQUIRED, 'number of an extension or FXS port; quote it: "1001"'),
        _import_only("pin", 'PIN, 4 to 12 digits (import only; stored hashed); quote it: "2468"'),
        Field("pin_hash", PIN_HASH, None, "the PIN's hash as exported, instead of pin"),
        Field("email", TEXT, "", "where new messages are mailed (empty: no email)"),
        Field("max_message_seconds", Int(5, 3600), 120, "longest message, seconds"),
        Field("max_messages", Int(1, 1000), 50, "most messages kept"),
        Field("on_no_answer", BOOL, True, "unanswered (or unreachable) calls go to the mailbox"),
        Field("on_busy", BOOL, True, "calls while busy go to the mailbox"),
        Field("attach_audio", BOOL, True, "the email carries the recording"),
        Field("enabled", BOOL, True, "false: no deposits, no menu"),
    ),
    "voicemail boxes; mailboxes missing from the list are deleted (refused while they hold messages)",
    many=True,
    unique=("number",),
)

# --- conference rooms (what a room holds while in use is not configuration) ------------------------

CONFERENCE_ROOMS = Section(
    "conference_rooms",
    (
        Field(
            "number",
            WORD,
            REQUIRED,
            "dialed number, 2 to 8 digits, no extension's or queue's; quote it: \"8000\"",
        ),
        Field("name", TEXT, "", "up to 64 characters"),
        _import_only("pin", 'PIN to enter, 3 to 12 digits (import only; stored hashed); quote it: "2468"'),
        Field("pin_hash", PIN_HASH, None, "the PIN's hash as exported, instead of pin (empty: no PIN)"),
        _import_only("moderator_pin", "moderator PIN, 3 to 12 digits, not the same as pin (import only)"),
        Field("moderator_pin_hash", PIN_HASH, None, "the moderator PIN's hash as exported (empty: none)"),
        Field("max_participants", Int(2, 120), 60, "most callers in the room at once"),
        Field("music_when_alone", BOOL, True, "music for the only caller in the room"),
        Field("entry_exit_tones", BOOL, True, "a tone when a caller joins or leaves"),
        Field("locked", BOOL, False, "true: nobody new gets in"),
        Field("record", BOOL, False, "record the room while anyone is in it"),
    ),
    "conference rooms; rooms missing from the list are deleted",
    many=True,
    unique=("number",),
)

# --- routing features (telephony.features.configdoc applies them with the web admin's rules) -------

SPEED_DIALS = Section(
    "speed_dials",
    (
        Field("code", WORD, REQUIRED, 'two digits dialed after *0; quote it: "05"'),
        Field("number", WORD, REQUIRED, 'the number dialed; quote it: "013800138000"'),
        Field("label", TEXT, "", "up to 64 characters"),
    ),
    "system speed dials *0NN; codes missing from the list are deleted",
    many=True,
    unique=("code",),
)

RING_GROUPS = Section(
    "ring_groups",
    (
        Field("number", WORD, REQUIRED, 'dialed number, 2 to 8 digits, not otherwise used; "600"'),
        NAME,
        Field("strategy", Choice(("ringall", "hunt")), "ringall", "ringall: all at once; hunt: in order"),
        Field("members", StrList(max_items=20), REQUIRED, "extension or FXS numbers, in hunt order"),
        Field("ring_seconds", Int(5, 300), 20, "ringall: in all; hunt: per member"),
        Field("fallback", WORD, "", "where unanswered callers go (empty: refused)"),
    ),
    "ring groups; groups missing from the list are deleted",
    many=True,
    unique=("number",),
)

CALLER_LISTS = Section(
    "caller_lists",
    (
        Field("name", WORD, REQUIRED, "1 to 64 characters"),
        Field("kind", Choice(("block", "allow")), "block", "block: blacklist; allow: whitelist"),
        Field("scope", WORD, "", "empty: every call; a callee number; or a trunk (fxo1, e1)"),
        Field("numbers", StrList(max_items=1000, max_len=33), REQUIRED, "caller numbers; 010* is a prefix"),
        Field(
            "treatment",
            Choice(("hangup", "busy", "message", "voicemail", "number")),
            "busy",
            "what a blocked (or, for allow lists, unlisted) caller gets",
        ),
        Field("target", WORD, "", "treatment voicemail: the mailbox; number: the number"),
        Field("message", TEXT, "", "treatment message: the text spoken"),
        Field("enabled", BOOL, True, "false: the list is kept but not applied"),
    ),
    "caller blacklists and whitelists; lists missing from the list are deleted",
    many=True,
    unique=("name",),
)

CALL_FEATURES = Section(
    "call_features",
    (
        Field("number", WORD, REQUIRED, 'an extension or FXS number; quote it: "1001"'),
        Field("dnd", BOOL, False, "do not disturb"),
        Field("forward_always", WORD, "", "forward every call to this number"),
        Field("forward_busy", WORD, "", "forward when busy"),
        Field("forward_no_answer", WORD, "", "forward when not answered"),
        Field("followme_enabled", BOOL, False, "follow me"),
        Field("followme_numbers", StrList(max_items=3), [], "up to 3 numbers; they press 1 to accept"),
        Field("followme_mode", Choice(("sequence", "together")), "sequence", "one after another or together"),
        Field("followme_ring_seconds", Int(5, 120), 20, "how long each follow-me step rings"),
        _import_only("hotdesk_pin", "hot-desk PIN, 4 to 12 digits (import only; stored hashed)"),
        Field("hotdesk_pin_hash", PIN_HASH, None, "the hot-desk PIN's hash as exported (empty: none)"),
    ),
    "per-extension call features; extensions missing from the list have none",
    many=True,
    unique=("number",),
)

# In apply order: settings first, so extensions hash their secrets with the new realm; then what
# others refer to before what refers to it (numbers before queues and routes, skills and pause
# codes before agents, agents before queues, queues before the routes that may go to them, trunk
# groups before rules). Export writes the sections in this order too.
SECTIONS: tuple[Section, ...] = (
    SETTINGS,
    EXTENSIONS,
    PORTS,
    TRUNK_GROUPS,
    SKILLS,
    PAUSE_CODES,
    AGENTS,
    QUEUES,
    IVR_FLOWS,
    CONFERENCE_ROOMS,
    INBOUND_ROUTES,
    DIAL_RULES,
    CUSTOMERS,
    MAILBOXES,
    SPEED_DIALS,
    RING_GROUPS,
    CALLER_LISTS,
    CALL_FEATURES,
)


def describe() -> str:
    """Return a plain-text reference of the document: sections, keys, defaults, help."""
    lines = [f"version: {VERSION}   (required)"]
    for section in SECTIONS:
        shape = "list of mappings" if section.many else "mapping"
        lines.append(f"{section.name}: {shape}; {section.help}")
        for f in section.fields:
            lines.append(f"  {f.key} ({_default(f)}): {f.help}")
            if isinstance(f.type, Records):
                lines.extend(f"    {sub.key} ({_default(sub)}): {sub.help}" for sub in f.type.fields)
    return "\n".join(lines)


def _default(f: Field) -> str:
    if f.default is REQUIRED or f.default is None:
        return "required" if f.default is REQUIRED else "optional"
    return "default " + json.dumps(f.default, ensure_ascii=False)


# --- parsing ---------------------------------------------------------------------------------------


def parse_document(text: str, source: str = "") -> dict[str, Any]:
    """Parse and type-check a YAML document; return {section name: parsed value} for the sections it has."""
    doc = load_yaml(text, source)
    if not isinstance(doc, dict):
        raise ConfigDocError("", "config.root", source)
    known = {s.name for s in SECTIONS} | {"version"}
    for key in doc:
        if key not in known:
            raise ConfigDocError(str(key), "config.unknown_key", source)
    if "version" not in doc:
        raise ConfigDocError("version", "required", source)
    version = doc["version"]
    if type(version) is not int or version != VERSION:
        raise ConfigDocError("version", "config.version", source, value=_show(version), version=VERSION)
    out: dict[str, Any] = {}
    for section in SECTIONS:
        if section.name in doc:
            out[section.name] = parse_section(section, doc[section.name], source)
    return out


def parse_section(section: Section, value: Any, source: str = "") -> Any:
    """Return a dict (mapping section) or a list of dicts (list section) with every field filled in."""
    if not section.many:
        return _parse_mapping(section, value, section.name, source)
    if not isinstance(value, list):
        raise ConfigDocError(section.name, "config.type.list", source)
    items = [_parse_mapping(section, item, f"{section.name}[{i}]", source) for i, item in enumerate(value)]
    if section.unique:
        first: dict[Any, int] = {}
        for i, item in enumerate(items):
            key = tuple(item[f] for f in section.unique)
            if key in first:
                raise ConfigDocError(
                    f"{section.name}[{i}].{section.unique[-1]}",
                    "config.duplicate",
                    source,
                    value=" ".join(str(k) for k in key if k != ""),
                    other=f"{section.name}[{first[key]}]",
                )
            first[key] = i
    return items


def _parse_mapping(section: Section, value: Any, path: str, source: str) -> dict[str, Any]:
    try:
        return parse_fields(section.fields, value)
    except Invalid as exc:
        raise ConfigDocError(path + exc.path, exc.message, source, **exc.params) from None


def parse_fields(fields: tuple[Field, ...], value: Any) -> dict[str, Any]:
    """Return a mapping with every field filled in; raise Invalid whose path starts at the mapping."""
    if not isinstance(value, dict):
        raise Invalid("config.type.mapping")
    names = {f.key for f in fields}
    for key in value:
        if key not in names:
            raise Invalid("config.unknown_key").within(f".{key}")
    out: dict[str, Any] = {}
    for f in fields:
        if f.key not in value:
            if f.default is REQUIRED:
                raise Invalid("required").within(f".{f.key}")
            out[f.key] = f.default
            continue
        try:
            out[f.key] = f.type.parse(value[f.key])
        except Invalid as exc:
            raise exc.within(f".{f.key}") from None
    return out


# --- YAML ------------------------------------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """SafeLoader that refuses aliases (billion laughs), deep nesting and duplicate keys."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed here", mark)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise yaml.composer.ComposerError(None, None, f"nested deeper than {MAX_DEPTH} levels", mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[tuple[str, str]] = set()
        for key_node, _value in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                ident = (key_node.tag, key_node.value)
                if ident in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key {key_node.value!r}", key_node.start_mark
                    )
                seen.add(ident)
        return super().construct_mapping(node, deep=deep)


def load_yaml(text: str, source: str = "") -> Any:
    """Load one YAML document safely; a syntax error names its line and column."""
    if len(text) > MAX_DOCUMENT_BYTES:
        raise ConfigDocError("", "config.too_big", source, limit=MAX_DOCUMENT_BYTES // (1024 * 1024))
    loader = _Loader(text)
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        if mark is None:
            raise ConfigDocError("", "config.yaml", source, problem=problem) from None
        raise ConfigDocError(
            "", "config.yaml.at", source, line=mark.line + 1, column=mark.column + 1, problem=problem
        ) from None
    except yaml.YAMLError as exc:
        raise ConfigDocError("", "config.yaml", source, problem=str(exc)) from None
    finally:
        loader.dispose()


def dump_yaml(doc: dict[str, Any]) -> str:
    """Return the document as YAML in the order given, unicode kept readable."""
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, default_flow_style=False, width=110)

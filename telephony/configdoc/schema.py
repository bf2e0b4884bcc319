"""The configuration document's schema: one declarative table per section, and a safe YAML loader.

A section is a table of fields (key, type, default, help). `parse_document` turns YAML text into
typed Python values, section by section, and raises ConfigDocError naming the key path
(`extensions[2].number`) of the first problem. Rules that need the database (a number already
taken, a weak secret) belong to each section's apply function in `service.py`.

To add a section: declare its table here, add it to SECTIONS, and give `service.py` its export
and apply functions.
"""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

import yaml

from telephony.errors import ConfigError
from telephony.extensions.service import NUMBER_RE
from telephony.messages import render
from telephony.models.pbx import DEFAULT_REALM, REALM_RE
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
    """A value failed its type; the schema walker adds the key path."""

    def __init__(self, message: str, **params: object) -> None:
        self.message = message
        self.params = params
        super().__init__(message)


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
class StrList(Type):
    """A list of short strings (a trunk group's members); what each may be is the service's rule."""

    max_items: int = 64
    max_len: int = 64

    def parse(self, value: Any) -> list[str]:
        if (
            not isinstance(value, list)
            or len(value) > self.max_items
            or not all(isinstance(v, str) and len(v) <= self.max_len and v.isprintable() for v in value)
        ):
            raise Invalid("config.type.string_list")
        return list(value)


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
# Line tables: the document checks only the type; telephony.routing.service's validators (run at
# import, against the database as the document leaves it) own every rule, so no rule is written twice.
WORD = Str(max_len=64)
INT = Int(-(2**31), 2**31 - 1)


# --- tables ----------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Field:
    """One key of a section: its type, default (REQUIRED: must be given; None: may be absent), help."""

    key: str
    type: Type
    default: Any
    help: str


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
    ),
    "box-wide settings; a key left out is set back to its default",
)

EXTENSIONS = Section(
    "extensions",
    (
        Field("number", NUMBER, REQUIRED, '2 to 8 digits, not starting with 0; quote it: "1001"'),
        Field("name", TEXT, "", "display name, at most 64 characters"),
        Field("enabled", BOOL, True, "false keeps the extension but refuses its registrations and calls"),
        Field("secret", SECRET, None, "SIP password (import only; stored as hashes, never exported)"),
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
        Field("destination", WORD, REQUIRED, "an extension or FXS port number, in this document or kept"),
        Field("priority", INT, 100, "0 to 9999, lower first"),
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
        Field("priority", INT, 100, "0 to 9999, lower first"),
    ),
    "outbound rules, in the order tried; rules missing from the list are deleted",
    many=True,
)

# In apply order: settings first, so extensions hash their secrets with the new realm; then what
# others refer to before what refers to it (numbers before routes, trunk groups before rules).
SECTIONS: tuple[Section, ...] = (SETTINGS, EXTENSIONS, PORTS, TRUNK_GROUPS, INBOUND_ROUTES, DIAL_RULES)


def describe() -> str:
    """Return a plain-text reference of the document: sections, keys, defaults, help."""
    lines = [f"version: {VERSION}   (required)"]
    for section in SECTIONS:
        shape = "list of mappings" if section.many else "mapping"
        lines.append(f"{section.name}: {shape}; {section.help}")
        for f in section.fields:
            if f.default is REQUIRED or f.default is None:
                default = "required" if f.default is REQUIRED else "optional"
            else:
                default = "default " + json.dumps(f.default, ensure_ascii=False)
            lines.append(f"  {f.key} ({default}): {f.help}")
    return "\n".join(lines)


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
    if not isinstance(value, dict):
        raise ConfigDocError(path, "config.type.mapping", source)
    names = {f.key for f in section.fields}
    for key in value:
        if key not in names:
            raise ConfigDocError(f"{path}.{key}", "config.unknown_key", source)
    out: dict[str, Any] = {}
    for f in section.fields:
        if f.key not in value:
            if f.default is REQUIRED:
                raise ConfigDocError(f"{path}.{f.key}", "required", source)
            out[f.key] = f.default
            continue
        try:
            out[f.key] = f.type.parse(value[f.key])
        except Invalid as exc:
            raise ConfigDocError(f"{path}.{f.key}", exc.message, source, **exc.params) from None
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

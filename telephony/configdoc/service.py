"""Export the box's configuration as one YAML document; import one, validated, all or nothing.

The document is the full desired state of each section it contains: importing an `extensions`
list deletes every extension not in it; a section left out of the document is not touched.
Every section is applied inside one transaction, so any error leaves the database as it was.
After a successful import the core is asked to reload; a core that is down does not undo it.

Sections are applied in schema order and each is validated by its own service's validator
against the database as the sections before it left it, so a route's destination or a rule's
trunk group may be in the document or kept from the database. What a section removes while
another section that is kept still uses it (an extension an inbound route goes to, a trunk
group a dial rule uses) is an error naming the key path of the removal.

The call-center sections work the same way, validated by telephony.callcenter's own validators
(validate_skill, validate_pause_code, validate_agent, validate_queue, check_customer) and matched
to rows by skill name, pause code, agent number, queue number and, for customers, phone numbers,
so rows that stay keep their ids (an agent's web sessions and API token are bound to its id).
Agents carry their PIN as its hash only; a document may give `pin` instead, hashed on import.

To add a section: declare its table in `schema.py`; if its items are rows matched by one key
and written column by column, describe it here as a `Rows` (model, check, on_delete) and list it
in HANDLERS; otherwise write `export_<name>()` and `apply_<name>(values, ctx)`, say in the apply
function's docstring why it is special, and list them in HANDLERS as a SectionHandler.
"""

from __future__ import annotations

import dataclasses
import importlib
import logging
import re
from collections.abc import Callable
from typing import Any, NoReturn

from telephony import messages
from telephony.callcenter.customers import (
    NUMBER_SPLIT_RE,
    CustomerInput,
    check_customer,
    normalize_number,
)
from telephony.callcenter.customers import _save as save_customer
from telephony.callcenter.errors import InvalidInput
from telephony.callcenter.settings import QUEUE_SETTINGS
from telephony.callcenter.usage import overflowing_to, queue_label, queue_number_taken, skill_users
from telephony.callcenter.validation import (
    AgentInput,
    AgentSkillInput,
    PauseCodeInput,
    QueueInput,
    QueueMemberInput,
    SkillInput,
    SkillRequirement,
    dialable_exists,
    validate_agent,
    validate_pause_code,
    validate_queue,
    validate_skill,
)
from telephony.configdoc import schema
from telephony.configdoc.schema import ConfigDocError, Invalid
from telephony.control.client import ControlClient
from telephony.errors import ControlError, NotFound, ValidationError
from telephony.extensions.service import ExtensionInput, port_has_number, realm, validate
from telephony.features import configdoc as features_doc
from telephony.messages import Phrase
from telephony.models import (
    Agent,
    AgentSkill,
    Customer,
    CustomerNumber,
    DialRule,
    Extension,
    InboundRoute,
    PauseCode,
    PortSetting,
    Queue,
    QueueMember,
    QueueSkill,
    Setting,
    Skill,
    TrunkGroup,
    database,
    utcnow,
)
from telephony.models.callcenter import hash_pin, pin_matches
from telephony.routing.service import (
    DialRuleInput,
    InboundRouteInput,
    PortInput,
    TrunkGroupInput,
    members_of,
    number_exists,
    port_kind,
    validate_group,
    validate_port,
    validate_route,
    validate_rule,
)
from telephony.routing.usage import group_users, routes_to

log = logging.getLogger(__name__)

HEADER = (
    "# pbx-box configuration document (pbxctl config export).\n"
    "# Importing it replaces every section it contains: extensions not listed are deleted.\n"
    "# ha1/ha1b are SIP digest hashes that can register as the extension, and pin_hash can be\n"
    "# guessed back to an agent's PIN: keep this file private.\n"
)


@dataclasses.dataclass
class Counts:
    """What importing one section did to the database."""

    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0


@dataclasses.dataclass(frozen=True)
class Notice:
    """Something the person importing should know; `message` is a catalog key."""

    message: str
    params: dict[str, object] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class ImportResult:
    """Per-section counts, notices, and whether pbx-core took the reload ("" = yes, or no core given)."""

    counts: dict[str, Counts]
    notices: list[Notice]
    reload_error: str = ""


# (a service's field name, its message key, the message's arguments) -> the document's key
KeyOf = Callable[[str, str, dict[str, object]], str]


@dataclasses.dataclass
class ImportContext:
    """What apply functions share: the whole parsed document, where it came from, notices to report."""

    document: dict[str, Any]
    source: str = ""
    notices: list[Notice] = dataclasses.field(default_factory=list)
    # number -> key path of the removal, for numbers this import took away (checked at the end)
    released: dict[str, str] = dataclasses.field(default_factory=dict)
    # dial rules the foreign key deleted with their trunk group, counted by the dial_rules section
    cascaded_rules: int = 0
    # ids of agents and queues whose skills or members the foreign keys took with a deleted skill
    # or agent: changed even if their own item matches what is left
    cascaded: dict[str, set[int]] = dataclasses.field(
        default_factory=lambda: {"agents": set(), "queues": set()}
    )

    def error(self, key: str, message: str, **params: object) -> ConfigDocError:
        return ConfigDocError(key, message, self.source, **params)

    def invalid(
        self,
        exc: ValidationError,
        path: str,
        key_of: KeyOf | None = None,
        **params: object,
    ) -> NoReturn:
        """Raise a service's first validation error at `path`.field.

        The call center's errors carry their own arguments; `key_of` turns their field names
        (`member.8001.penalty`) into the document's (`members[1].penalty`).
        """
        field, message = next(iter(exc.errors.items()))
        params = {**params, **getattr(exc, "params", {}).get(field, {})}
        key = key_of(field, message, params) if key_of is not None else field
        raise self.error(f"{path}.{key}", message, **params) from None

    def checked(
        self,
        path: str,
        validator: Callable[..., Any],
        *args: Any,
        key_of: KeyOf | None = None,
        **params: object,
    ) -> Any:
        """Return `validator(*args)`; raise its first ValidationError at `path`.field (see `invalid`)."""
        try:
            return validator(*args)
        except ValidationError as exc:
            self.invalid(exc, path, key_of, **params)

    def kept(self, key: str, what: Phrase, users: list[Phrase], section: str) -> ConfigDocError:
        """The error for `what`, removed at `key`, that rows of `section` (left out, so kept) still use."""
        return self.error(key, "config.ref.kept", what=what, users=users, section=section)


def _changed(counts: Counts, row: Any, same: bool) -> None:
    if row is None:
        counts.created += 1
    elif same:
        counts.unchanged += 1
    else:
        counts.updated += 1


def _pin_hash(pin: str | None, given: str | None, current: str | None) -> str | None:
    """The hash a PIN field gives: the hash as exported, or the PIN hashed (kept if it is the same PIN)."""
    if pin is None:
        return given
    if current and pin_matches(current, pin):
        return current  # the same PIN: keep its hash (and salt)
    return hash_pin(pin)


def _model(module: str, name: str) -> Callable[[], Any]:
    """A model imported when first used (the IVR, voicemail and conference models import late)."""
    return lambda: getattr(importlib.import_module(module), name)


def _columns(section: schema.Section, row: Any) -> dict[str, Any]:
    """A row as the document writes it: every field of the section but the import-only ones (a PIN, a
    secret), in the section's order, each read from the column of its name (true/false for a Bool)."""
    return {
        f.key: bool(getattr(row, f.key)) if isinstance(f.type, schema.Bool) else getattr(row, f.key)
        for f in section.fields
        if not f.import_only
    }


# check(item, row or None, key path of the item, ctx) -> the row's new column values
Check = Callable[[dict[str, Any], Any, str, ImportContext], dict[str, Any]]


@dataclasses.dataclass(frozen=True)
class Rows:
    """A list section whose items are the rows of one model, matched by the section's one unique key.

    This is the whole description of such a section: `export` writes every row as `item` gives it
    (by default its columns, see `_columns`), ordered by the key. `apply` is the generic replace,
    used when `check` is given: every row the list leaves out is deleted (after `on_delete`, which
    may refuse it or note what the foreign keys take with it; with `releases`, its key is a number
    other sections may go to), then each item in document order is checked by `check` (raising at
    its key path) and, where the new column values differ from the row's, written (with `updated`
    stamped if `stamped`). Sections whose logic differs (extensions, agents, queues, IVR flows)
    have apply functions of their own, saying why, and use `rows`, `remove_unlisted` and `export`.
    """

    section: schema.Section
    model: Callable[[], Any]
    item: Callable[[Any], dict[str, Any]] | None = None
    check: Check | None = None
    on_delete: Callable[[Any, ImportContext], None] | None = None
    releases: bool = False
    stamped: bool = False
    recursive: bool = False  # delete the rows that refer to a deleted row too

    @property
    def key(self) -> str:
        return self.section.unique[0]

    def rows(self) -> dict[str, Any]:
        """Every row by its key, in key order."""
        model = self.model()
        return {getattr(r, self.key): r for r in model.select().order_by(getattr(model, self.key))}

    def export(self, item: Callable[[Any], dict[str, Any]] | None = None) -> list[dict[str, Any]]:
        """Every row as `item` (else the section's) writes it, in key order."""
        item = item or self.item or (lambda row: _columns(self.section, row))
        return [item(r) for r in self.rows().values()]

    def remove_unlisted(
        self, existing: dict[str, Any], items: list[dict[str, Any]], ctx: ImportContext
    ) -> int:
        """Delete the rows of `existing` the list leaves out, each after `on_delete`; return how many."""
        wanted = {item[self.key] for item in items}
        deleted = 0
        for key, row in existing.items():
            if key in wanted:
                continue
            if self.on_delete is not None:
                self.on_delete(row, ctx)
            row.delete_instance(recursive=self.recursive)
            deleted += 1
            if self.releases:
                ctx.released[key] = self.section.name
        return deleted

    def apply(self, items: list[dict[str, Any]], ctx: ImportContext) -> Counts:
        assert self.check is not None, f"{self.section.name} has its own apply function"
        existing = self.rows()
        counts = Counts(deleted=self.remove_unlisted(existing, items, ctx))
        for i, item in enumerate(items):
            row = existing.get(item[self.key])
            new = self.check(item, row, f"{self.section.name}[{i}]", ctx)
            same = row is not None and all(getattr(row, k) == v for k, v in new.items())
            if not same:
                target = row if row is not None else self.model()(**{self.key: item[self.key]})
                for k, v in new.items():
                    setattr(target, k, v)
                if self.stamped:
                    target.updated = utcnow()
                target.save()
            _changed(counts, row, same)
        return counts


# --- settings --------------------------------------------------------------------------------------


def export_settings() -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in schema.SETTINGS.fields:
        row = Setting.get_or_none(Setting.key == f.key)
        if row is None:
            out[f.key] = f.default
            continue
        try:
            out[f.key] = f.type.from_text(row.value)
        except Invalid as exc:
            raise ConfigDocError(f"settings.{f.key}", exc.message, "database", **exc.params) from None
    return out


def apply_settings(values: dict[str, Any], ctx: ImportContext) -> Counts:
    """Special: one mapping stored as Setting rows of text; a new realm needs a restart."""
    counts = Counts()
    old_realm = realm()
    for f in schema.SETTINGS.fields:
        text = f.type.to_text(values[f.key])
        row = Setting.get_or_none(Setting.key == f.key)
        current = row.value if row is not None else f.type.to_text(f.default)  # no row reads as the default
        if current == text:
            counts.unchanged += 1
            continue
        Setting.set_value(f.key, text)
        if row is None:
            counts.created += 1
        else:
            counts.updated += 1
    if values["sip_realm"] != old_realm:
        # kamailio.cfg carries the realm and is rendered at box start, not on a core reload.
        ctx.notices.append(Notice("config.restart_needed"))
        if _keeps_hashes(ctx):
            ctx.notices.append(Notice("config.realm_changed", {"realm": values["sip_realm"]}))
    return counts


def _keeps_hashes(ctx: ImportContext) -> bool:
    """Tell whether some extension will still carry hashes made before this import."""
    if "extensions" in ctx.document:
        return any(item["secret"] is None for item in ctx.document["extensions"])
    return Extension.select().exists()


# --- extensions ------------------------------------------------------------------------------------


EXTENSION_ROWS = Rows(schema.EXTENSIONS, lambda: Extension, releases=True)


def apply_extensions(items: list[dict[str, Any]], ctx: ImportContext) -> Counts:
    """Special: every item is checked before anything is written, and a secret is hashed with the realm."""
    existing = EXTENSION_ROWS.rows()
    # Check every item before writing anything, so the first error is the one reported.
    for i, item in enumerate(items):
        _check_extension(item, existing.get(item["number"]), f"extensions[{i}]", ctx)
    counts = Counts(deleted=EXTENSION_ROWS.remove_unlisted(existing, items, ctx))
    current_realm = realm()  # settings are applied first, so this is the realm being imported
    for item in items:
        if item["secret"] is not None:
            hashed = Extension(number=item["number"])
            hashed.set_secret(item["secret"], current_realm)
            ha1, ha1b = hashed.ha1, hashed.ha1b
        else:
            ha1, ha1b = item["ha1"], item["ha1b"]
        wanted_row = (item["name"], item["enabled"], ha1, ha1b, item["permission"])
        row = existing.get(item["number"])
        if row is not None and (row.name, bool(row.enabled), row.ha1, row.ha1b, row.permission) == wanted_row:
            counts.unchanged += 1
            continue
        ext = row if row is not None else Extension(number=item["number"])
        ext.name, ext.enabled, ext.ha1, ext.ha1b, ext.permission = wanted_row
        ext.updated = utcnow()
        ext.save()
        if row is None:
            counts.created += 1
        else:
            counts.updated += 1
    return counts


def _check_extension(item: dict[str, Any], row: Extension | None, path: str, ctx: ImportContext) -> None:
    """Apply extensions.service.validate, plus the document's rule: a secret, or ha1 and ha1b."""
    has_hash = item["ha1"] is not None or item["ha1b"] is not None
    if item["secret"] == "":
        raise ctx.error(f"{path}.secret", "required")
    if item["secret"] is not None and has_hash:
        raise ctx.error(f"{path}.secret", "config.extension.secret_and_hash")
    missing = [key for key in ("ha1", "ha1b") if item[key] is None]
    if item["secret"] is None and missing:
        raise ctx.error(f"{path}.{missing[0] if has_hash else 'secret'}", "config.extension.credentials")
    data = ExtensionInput(
        number=item["number"],
        name=item["name"],
        secret=item["secret"] or "",
        enabled=item["enabled"],
        permission=item["permission"],
    )
    # An unsaved row for a new number makes validate() skip its "secret required" rule, which this
    # document satisfies with hashes instead; a given secret is still checked for strength.
    # FXS port numbers are checked here, not by validate(): a ports section, applied after this
    # one, may move the number off its port (and checks its own numbers against the extensions).
    try:
        validate(data, existing=row if row is not None else Extension(number=item["number"]), ports=False)
    except ValidationError as exc:
        _raise_unless_queue_moves(exc, path, ctx, number=item["number"])
    if row is None and "ports" not in ctx.document and port_has_number(item["number"]):
        raise ctx.error(f"{path}.number", "extension.number.port", number=item["number"])
    # validate() checks a queue's number only for a number new to its row; a queues section checks it.
    if row is None and "queues" not in ctx.document and queue_number_taken(item["number"]):
        raise ctx.error(f"{path}.number", "cc.number.queue", number=item["number"])


def _raise_unless_queue_moves(exc: ValidationError, path: str, ctx: ImportContext, **params: object) -> None:
    """Raise the first error, but not "a queue has this number" when the document has a queues section.

    That section, applied later, deletes or keeps the queue and checks its number against the
    extensions and ports as the document leaves them, so a number can move from a queue to an
    extension or port in one document.
    """
    errors = dict(exc.errors)
    if "queues" in ctx.document and errors.get("number") == "cc.number.queue":
        del errors["number"]
    if errors:
        ctx.invalid(ValidationError(errors), path, **params)


# --- ports -----------------------------------------------------------------------------------------

FXS_ONLY = ("number", "caller_id_name", "permission", "cid_standard")


def _port_order(name: str) -> tuple[int, str, int]:
    match = re.fullmatch(r"([a-z]+)([0-9]*)", name)
    prefix, digits = match.groups() if match else (name, "")
    return ({"fxs": 0, "fxo": 1}.get(prefix, 2), prefix, int(digits or 0))


def _port_values(row: PortSetting) -> tuple[Any, ...]:
    base = (bool(row.enabled), row.label)
    if not row.port.startswith("fxs"):
        return base
    return (*base, row.number, row.caller_id_name, row.permission, row.cid_standard)


def export_ports() -> list[dict[str, Any]]:
    out = []
    for row in sorted(PortSetting.select(), key=lambda r: _port_order(r.port)):
        item: dict[str, Any] = {"port": row.port, "enabled": bool(row.enabled), "label": row.label}
        if row.port.startswith("fxs"):
            if row.number is not None:  # absent, not null: the schema reads no value as "no number"
                item["number"] = row.number
            item["caller_id_name"] = row.caller_id_name
            item["permission"] = row.permission
            if row.cid_standard:  # absent: the country's standard, as on import
                item["cid_standard"] = row.cid_standard
        out.append(item)
    return out


def apply_ports(items: list[dict[str, Any]], ctx: ImportContext) -> Counts:
    """Special: the board's ports, numbers freed first so they can move, FXS-only fields."""
    counts = Counts()
    existing = {row.port: row for row in sorted(PortSetting.select(), key=lambda r: _port_order(r.port))}
    listed = {item["port"] for item in items}
    # Free every number first, so numbers can move between ports in one document; each listed
    # port then takes its number back in document order, checked by the ports page's own rules.
    PortSetting.update(number=None).execute()
    for name, row in existing.items():
        if name not in listed:
            row.delete_instance()
            counts.deleted += 1
            if row.number:
                ctx.released[row.number] = "ports"
    for i, item in enumerate(items):
        path, name = f"ports[{i}]", item["port"]
        try:
            kind = port_kind(name)
        except NotFound:
            raise ctx.error(f"{path}.port", "routing.port.not_found", port=name) from None
        if kind != "fxs":
            for key in FXS_ONLY:
                if item[key] is not None:
                    raise ctx.error(f"{path}.{key}", "config.port.fxs_only")
        data = PortInput(
            enabled=item["enabled"],
            label=item["label"],
            number=item["number"] or "",
            caller_id_name=item["caller_id_name"] or "",
            permission=item["permission"] or "national",
            cid_standard=item["cid_standard"] or "",
        )
        try:
            validate_port(name, data)
        except ValidationError as exc:
            _raise_unless_queue_moves(exc, path, ctx, number=data.number)
        row = existing.get(name)
        old_number = row.number if row is not None else None  # the instance still has it
        if old_number and old_number != (data.number or None):
            ctx.released[old_number] = f"{path}.number"
        new = PortSetting(
            port=name,
            enabled=data.enabled,
            label=data.label,
            number=data.number or None,
            caller_id_name=data.caller_id_name,
            permission=data.permission,
            cid_standard=data.cid_standard,
        )
        if row is not None and _port_values(row) == _port_values(new):
            PortSetting.update(number=old_number).where(PortSetting.port == name).execute()
            counts.unchanged += 1
            continue
        target = row if row is not None else PortSetting(port=name)
        target.enabled, target.label = data.enabled, data.label
        if kind == "fxs":
            target.number, target.caller_id_name = new.number, data.caller_id_name
            target.permission, target.cid_standard = data.permission, data.cid_standard
        else:
            target.number = None  # released above; only FXS ports carry numbers
        target.updated = utcnow()
        target.save(force_insert=row is None)
        if row is None:
            counts.created += 1
        else:
            counts.updated += 1
    return counts


# --- trunk groups ----------------------------------------------------------------------------------


def _trunk_group_item(g: TrunkGroup) -> dict[str, Any]:
    return {"name": g.name, "kind": g.kind, "members": g.member_list(), "hunt": g.hunt}


def _trunk_group_deleted(row: TrunkGroup, ctx: ImportContext) -> None:
    """Refuse it while kept dial rules use it; else the foreign key takes its rules.

    The document's dial_rules section replaces them; it counts them as deleted.
    """
    rules = DialRule.select().where(DialRule.trunk_group == row.id).count()
    if rules and "dial_rules" not in ctx.document:
        raise ctx.kept("trunk_groups", Phrase("inuse.trunk_group", row.name), group_users(row), "dial_rules")
    ctx.cascaded_rules += rules


def _check_trunk_group(
    item: dict[str, Any], row: TrunkGroup | None, path: str, ctx: ImportContext
) -> dict[str, Any]:
    data = TrunkGroupInput(item["name"], item["kind"], ",".join(item["members"]), item["hunt"])
    ctx.checked(path, validate_group, data, row)
    return {"kind": data.kind, "members": ",".join(members_of(data.members)), "hunt": data.hunt}


TRUNK_GROUP_ROWS = Rows(
    schema.TRUNK_GROUPS,
    lambda: TrunkGroup,
    _trunk_group_item,
    check=_check_trunk_group,
    on_delete=_trunk_group_deleted,
)


# --- inbound routes and dial rules -----------------------------------------------------------------
# Rows of equal priority are tried in id order, so the document's order is kept by writing its
# rows afresh, in order, whenever anything in the section differs from the database.


def _route_values(row: InboundRoute) -> dict[str, Any]:
    return _columns(schema.INBOUND_ROUTES, row)


def export_inbound_routes() -> list[dict[str, Any]]:
    return [_route_values(r) for r in InboundRoute.select().order_by(InboundRoute.priority, InboundRoute.id)]


def apply_inbound_routes(items: list[dict[str, Any]], ctx: ImportContext) -> Counts:
    """Special: the order matters, so a changed section is written afresh; counted by (trunk, did)."""
    rows = list(InboundRoute.select().order_by(InboundRoute.priority, InboundRoute.id))
    same = [_route_values(r) for r in rows] == items
    if not same:
        InboundRoute.delete().execute()
    old = {(r.trunk, r.did): _route_values(r) for r in rows}
    counts = Counts(deleted=len(old.keys() - {(item["trunk"], item["did"]) for item in items}))
    for i, item in enumerate(items):
        data = InboundRouteInput(item["trunk"], item["did"], item["destination"], item["priority"])
        ctx.checked(
            f"inbound_routes[{i}]",
            validate_route,
            data,
            rows[i] if same else None,
            number=item["destination"],
        )
        if not same:
            InboundRoute.create(**item)
        before = old.get((item["trunk"], item["did"]))
        if before is None:
            counts.created += 1
        elif before == item:
            counts.unchanged += 1
        else:
            counts.updated += 1
    return counts


def _rule_values(row: DialRule) -> dict[str, Any]:
    return {
        "name": row.name,
        "prefix": row.prefix,
        "min_length": row.min_length,
        "strip": row.strip,
        "prepend": row.prepend,
        "trunk_group": row.trunk_group.name,
        "permission": row.permission,
        "priority": row.priority,
    }


def export_dial_rules() -> list[dict[str, Any]]:
    return [_rule_values(r) for r in DialRule.select().order_by(DialRule.priority, DialRule.id)]


def apply_dial_rules(items: list[dict[str, Any]], ctx: ImportContext) -> Counts:
    """Special: replace the rules; having no name to match by, a changed rule counts as deleted plus added."""
    old = [_rule_values(r) for r in DialRule.select().order_by(DialRule.priority, DialRule.id)]
    same = old == items
    if not same:
        DialRule.delete().execute()
    for i, item in enumerate(items):
        ctx.checked(f"dial_rules[{i}]", validate_rule, DialRuleInput(**item))
        if not same:
            group = TrunkGroup.get(TrunkGroup.name == item["trunk_group"])
            DialRule.create(**{**item, "trunk_group": group})
    unchanged = 0
    remaining = list(old)
    for item in items:
        if item in remaining:
            remaining.remove(item)
            unchanged += 1
    return Counts(
        created=len(items) - unchanged,
        deleted=len(old) - unchanged + ctx.cascaded_rules,
        unchanged=unchanged,
    )


# --- call center: skills, pause codes, agents, queues, customers -----------------------------------


def _plain(value: Any) -> Any:
    """Return a whole float as an int (15.0 -> 15), so the document reads as it is written."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# Messages the call-center validators give the second of two equal entries of a list.
TWICE = ("cc.member.twice", "cc.skill.twice", "cc.customer.phone_twice")


def _at(values: list[Any], value: object, second: bool = False) -> int:
    """Return the index of `value` in `values`: its second place if `second` and it has one; 0 if none."""
    found = [i for i, v in enumerate(values) if v == value] or [0]
    return found[1] if second and len(found) > 1 else found[0]


AGENT_ENTRIES = {"skills": ("skill", "skill")}
QUEUE_ENTRIES = {"members": ("member", "agent"), "skills": ("skill", "skill")}


def _entry_keys(item: dict[str, Any], lists: dict[str, tuple[str, str]]) -> KeyOf:
    """Map a validator's names for list entries to the document's keys.

    `lists` maps a list key of the item (`members`) to the validator's name of one entry and the
    entry's identifying key (`member`, `agent`): the validator reports `members` (naming the
    agent) for an entry it cannot use and `member.<agent>.<field>` for a field of one; the
    document's keys are `members[j].agent` and `members[j].<field>`.
    """

    def key_of(field: str, message: str, params: dict[str, object]) -> str:
        for name, (entry, id_key) in lists.items():
            ids = [e[id_key] for e in item[name]]
            if field == name:
                return f"{name}[{_at(ids, params.get('name'), message in TWICE)}].{id_key}"
            if field.startswith(entry + "."):
                ident, _, sub = field[len(entry) + 1 :].rpartition(".")
                return f"{name}[{_at(ids, ident)}].{sub}"
        return field

    return key_of


def _skill_deleted(row: Skill, ctx: ImportContext) -> None:
    """Refuse it while kept queues require it; else note the agents and queues the foreign keys change."""
    if "queues" not in ctx.document:
        users = skill_users(row)
        if users:
            raise ctx.kept("skills", Phrase("inuse.skill", row.name), users, "queues")
    # The foreign keys take the agents' levels and the queues' requirements in it.
    ctx.cascaded["agents"].update(a.agent_id for a in AgentSkill.select().where(AgentSkill.skill == row.id))
    ctx.cascaded["queues"].update(q.queue_id for q in QueueSkill.select().where(QueueSkill.skill == row.id))


def _check_skill(item: dict[str, Any], row: Skill | None, path: str, ctx: ImportContext) -> dict[str, Any]:
    data = SkillInput(item["name"], item["description"])
    ctx.checked(path, validate_skill, data, row)
    return {"name": data.name.strip(), "description": data.description.strip()}


SKILL_ROWS = Rows(schema.SKILLS, lambda: Skill, check=_check_skill, on_delete=_skill_deleted)


def _check_pause_code(
    item: dict[str, Any], row: PauseCode | None, path: str, ctx: ImportContext
) -> dict[str, Any]:
    data = PauseCodeInput(item["code"], item["label_zh"], item["label_en"], item["productive"])
    ctx.checked(path, validate_pause_code, data, row)
    return {
        "code": data.code.strip(),
        "label_zh": data.label_zh.strip(),
        "label_en": data.label_en.strip(),
        "productive": data.productive,
    }


# A deleted code leaves agents paused with it paused until they resume.
PAUSE_CODE_ROWS = Rows(schema.PAUSE_CODES, lambda: PauseCode, check=_check_pause_code)


def _agent_skills() -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {}
    for row in AgentSkill.select(AgentSkill, Skill).join(Skill).order_by(Skill.name):
        out.setdefault(row.agent_id, []).append({"skill": row.skill.name, "level": row.level})
    return out


def _agent_item(a: Agent, skills: dict[int, list[dict[str, Any]]]) -> dict[str, Any]:
    item: dict[str, Any] = {"number": a.number, "name": a.name, "enabled": bool(a.enabled)}
    if a.default_extension is not None:  # absent, not null: no phone of its own
        item["default_extension"] = a.default_extension
    item["pin_hash"] = a.pin_hash
    item["skills"] = skills.get(a.id, [])
    return item


def export_agents() -> list[dict[str, Any]]:
    """Every agent, with its PIN's hash (never a PIN: only the hash is stored)."""
    skills = _agent_skills()
    return AGENT_ROWS.export(lambda a: _agent_item(a, skills))


def _agent_deleted(row: Agent, ctx: ImportContext) -> None:
    """Refuse it while kept queues have it as a member; else the foreign key takes its memberships."""
    queues = [
        m.queue for m in QueueMember.select(QueueMember, Queue).join(Queue).where(QueueMember.agent == row.id)
    ]
    if queues and "queues" not in ctx.document:
        raise ctx.kept(
            "agents",
            Phrase("inuse.agent", f"{row.number} {row.name}".strip()),
            [Phrase("inuse.queue", queue_label(q)) for q in sorted(queues, key=lambda q: q.number)],
            "queues",
        )
    ctx.cascaded["queues"].update(q.id for q in queues)


AGENT_ROWS = Rows(schema.AGENTS, lambda: Agent, on_delete=_agent_deleted)


def apply_agents(items: list[dict[str, Any]], ctx: ImportContext) -> Counts:
    """Special: an agent's skills are rows of their own, and a PIN is hashed unless it is the same."""
    existing = AGENT_ROWS.rows()
    counts = Counts(deleted=AGENT_ROWS.remove_unlisted(existing, items, ctx))
    old_skills = _agent_skills()
    for i, item in enumerate(items):
        path, row = f"agents[{i}]", existing.get(item["number"])
        _check_pin_fields(item, path, ctx)
        data = AgentInput(
            number=item["number"],
            name=item["name"],
            pin=item["pin"] or "",
            default_extension=item["default_extension"] or "",
            enabled=item["enabled"],
            skills=tuple(AgentSkillInput(s["skill"], s["level"]) for s in item["skills"]),
        )
        # An unsaved row for a new number makes validate_agent skip its "PIN required" rule, which
        # this document satisfies with a hash instead; a given PIN is still checked.
        skills, _ = ctx.checked(
            path,
            validate_agent,
            data,
            row if row is not None else Agent(number=item["number"]),
            key_of=_entry_keys(item, AGENT_ENTRIES),
        )
        pin_hash = _pin_hash(item["pin"], item["pin_hash"], row.pin_hash if row is not None else "")
        new = (
            data.number.strip(),
            data.name.strip(),
            data.enabled,
            data.default_extension.strip() or None,
            pin_hash,
        )
        new_skills = [
            {"skill": skill.name, "level": level} for skill, level in sorted(skills, key=lambda s: s[0].name)
        ]
        same = (
            row is not None
            and (row.number, row.name, bool(row.enabled), row.default_extension, row.pin_hash) == new
            and old_skills.get(row.id, []) == new_skills
        )
        if not same:
            target = row if row is not None else Agent()
            target.number, target.name, target.enabled, target.default_extension, target.pin_hash = new
            target.updated = utcnow()
            target.save()
            if row is None or old_skills.get(row.id, []) != new_skills:
                AgentSkill.delete().where(AgentSkill.agent == target.id).execute()
                for skill, level in skills:
                    AgentSkill.create(agent=target, skill=skill, level=level)
        _changed(counts, row, same and row.id not in ctx.cascaded["agents"])
    return counts


def _check_pin_fields(item: dict[str, Any], path: str, ctx: ImportContext) -> None:
    """The document's rule: each agent has `pin` (hashed on import) or `pin_hash` (as exported)."""
    if item["pin"] is not None and item["pin_hash"] is not None:
        raise ctx.error(f"{path}.pin", "config.agent.pin_and_hash")
    if item["pin"] is None and item["pin_hash"] is None:
        raise ctx.error(f"{path}.pin", "config.agent.pin")
    if item["pin"] == "":
        raise ctx.error(f"{path}.pin", "required")


def _queue_members() -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {}
    rows = QueueMember.select(QueueMember, Agent).join(Agent).order_by(QueueMember.position, Agent.number)
    for m in rows:
        out.setdefault(m.queue_id, []).append(
            {
                "agent": m.agent.number,
                "kind": m.kind,
                "penalty": m.penalty,
                "position": m.position,
                "weight": _plain(m.weight),
            }
        )
    return out


def _queue_skills() -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {}
    for r in QueueSkill.select(QueueSkill, Skill).join(Skill).order_by(Skill.name):
        out.setdefault(r.queue_id, []).append({"skill": r.skill.name, "min_level": r.min_level})
    return out


def _queue_item(q: Queue, members: dict[int, Any], skills: dict[int, Any]) -> dict[str, Any]:
    item: dict[str, Any] = {"number": q.number, "name": q.name}
    item.update((s.key, _plain(getattr(q, s.key))) for s in QUEUE_SETTINGS)
    item["members"] = members.get(q.id, [])
    item["skills"] = skills.get(q.id, [])
    return item


def export_queues() -> list[dict[str, Any]]:
    """Every queue with every setting, its members in hunt order and its required skills."""
    members, skills = _queue_members(), _queue_skills()
    return QUEUE_ROWS.export(lambda q: _queue_item(q, members, skills))


# A deleted queue takes its members and requirements with it.
QUEUE_ROWS = Rows(schema.QUEUES, lambda: Queue, releases=True)


def apply_queues(items: list[dict[str, Any]], ctx: ImportContext) -> Counts:
    """Special: every queue exists before any is checked; members and skills are rows of their own."""
    existing = QUEUE_ROWS.rows()
    counts = Counts(deleted=QUEUE_ROWS.remove_unlisted(existing, items, ctx))
    old_members, old_skills = _queue_members(), _queue_skills()
    # Every queue of the document exists before any is checked, so overflows may name queues listed later.
    rows = {}
    for item in items:
        row = existing.get(item["number"])
        if row is None:
            row = Queue(number=item["number"], name=item["name"])
            row.save()
        rows[item["number"]] = row
    for i, item in enumerate(items):
        row, path = rows[item["number"]], f"queues[{i}]"
        data = QueueInput(
            number=item["number"],
            name=item["name"],
            settings={s.key: item[s.key] for s in QUEUE_SETTINGS},
            members=tuple(QueueMemberInput(**m) for m in item["members"]),
            skills=tuple(SkillRequirement(**r) for r in item["skills"]),
        )
        values, members, skills = ctx.checked(
            path, validate_queue, data, row, key_of=_entry_keys(item, QUEUE_ENTRIES), number=item["number"]
        )
        new = {"number": data.number.strip(), "name": data.name.strip(), **values}
        new_members = sorted(
            (
                {"agent": agent.number, **fields, "weight": _plain(fields["weight"])}
                for agent, fields in members
            ),
            key=lambda m: (m["position"], m["agent"]),
        )
        new_skills = [
            {"skill": s.name, "min_level": level} for s, level in sorted(skills, key=lambda r: r[0].name)
        ]
        old = existing.get(item["number"])
        same_row = old is not None and all(getattr(old, k) == v for k, v in new.items())
        if not same_row:
            for key, value in new.items():
                setattr(row, key, value)
            row.updated = utcnow()
            row.save()
        same_members = old is not None and old_members.get(old.id, []) == new_members
        if not same_members:
            QueueMember.delete().where(QueueMember.queue == row.id).execute()
            for agent, fields in members:
                QueueMember.create(queue=row, agent=agent, **fields)
        same_skills = old is not None and old_skills.get(old.id, []) == new_skills
        if not same_skills:
            QueueSkill.delete().where(QueueSkill.queue == row.id).execute()
            for skill, level in skills:
                QueueSkill.create(queue=row, skill=skill, min_level=level)
        same = same_row and same_members and same_skills and row.id not in ctx.cascaded["queues"]
        _changed(counts, old, same)
    return counts


def _customer_values(row: Customer, numbers: list[str]) -> dict[str, Any]:
    return {
        "name": row.name,
        "company": row.company,
        "notes": row.notes,
        "priority": row.priority,
        "tags": row.tag_list(),
        "numbers": numbers,
    }


def _customer_numbers() -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for n in CustomerNumber.select().order_by(CustomerNumber.id):
        out.setdefault(n.customer_id, []).append(n.number)
    return out


def export_customers() -> list[dict[str, Any]]:
    numbers = _customer_numbers()
    return [_customer_values(c, numbers.get(c.id, [])) for c in Customer.select().order_by(Customer.id)]


def _customer_key(item: dict[str, Any]) -> KeyOf:
    """Map check_customer's `phone` to the document's `numbers[j]` (the entry its message names)."""
    numbers = item["numbers"]

    def key_of(field: str, message: str, params: dict[str, object]) -> str:
        if field != "phone":
            return field
        if "value" in params:  # not a phone number
            return f"numbers[{_at([n.strip() for n in numbers], str(params['value']).strip())}]"
        if "number" in params:  # listed twice, or another customer's
            return (
                f"numbers[{_at([normalize_number(n) for n in numbers], params['number'], message in TWICE)}]"
            )
        return "numbers"  # none given

    return key_of


def apply_customers(items: list[dict[str, Any]], ctx: ImportContext) -> Counts:
    """Special: an item updates the customer that has one of its numbers, else is new."""
    counts = Counts()
    numbers = _customer_numbers()
    rows = {c.id: c for c in Customer.select().order_by(Customer.id)}
    old = {cid: _customer_values(row, numbers.get(cid, [])) for cid, row in rows.items()}
    owner = {n: cid for cid, ns in numbers.items() for n in ns}
    targets: list[Customer | None] = []
    claimed: set[int] = set()
    for item in items:
        ids = [owner.get(normalize_number(n) or "") for n in item["numbers"]]
        cid = next((c for c in ids if c is not None and c not in claimed), None)
        if cid is not None:
            claimed.add(cid)
        targets.append(rows.get(cid) if cid is not None else None)
    for cid, row in rows.items():
        if cid not in claimed:
            row.delete_instance()  # with its numbers
            counts.deleted += 1
    # Changed customers give up their numbers first, so numbers can move between customers.
    changed = [
        row.id for row, item in zip(targets, items, strict=True) if row is not None and old[row.id] != item
    ]
    CustomerNumber.delete().where(CustomerNumber.customer.in_(changed)).execute()
    for i, (row, item) in enumerate(zip(targets, items, strict=True)):
        path = f"customers[{i}]"
        for j, number in enumerate(item["numbers"]):
            if NUMBER_SPLIT_RE.search(number):  # one number per entry: the form's separators split it
                raise ctx.error(f"{path}.numbers[{j}]", "cc.customer.phone", value=number)
        data = CustomerInput(
            name=item["name"],
            phone=",".join(item["numbers"]),
            company=item["company"],
            notes=item["notes"],
            priority=item["priority"],
            tags=",".join(item["tags"]),
        )
        checked, errors, params = check_customer(data, row)
        if checked is None:
            ctx.invalid(InvalidInput(errors, params), path, _customer_key(item))
        if row is None or row.id in changed:
            saved = save_customer(row if row is not None else Customer(), checked)
            same = row is not None and _customer_values(saved, list(checked.numbers)) == old[row.id]
        else:
            same = True
        _changed(counts, row, same)
    return counts


# --- IVR flows -------------------------------------------------------------------------------------


def _ivr_item(flow: Any) -> dict[str, Any]:
    from telephony.models import IvrNode

    nodes = IvrNode.select().where(IvrNode.flow == flow).order_by(IvrNode.key)
    return {
        "number": flow.number,
        "name": flow.name,
        "language": flow.language,
        "entry": flow.entry,
        "active": bool(flow.active),
        "nodes": [
            {"key": n.key, "kind": n.kind, "params": n.params_dict, "branches": n.branches_dict}
            for n in nodes
        ],
    }


IVR_ROWS = Rows(
    schema.IVR_FLOWS, _model("telephony.models", "IvrFlow"), _ivr_item, releases=True, recursive=True
)


def apply_ivr_flows(items: list[dict[str, Any]], ctx: ImportContext) -> Counts:
    """Special: each flow is saved inactive with its nodes, then activated once all are in."""
    from telephony.ivr import validate
    from telephony.ivr.service import KEY_RE, FlowInput, IvrInputError, IvrService
    from telephony.models import IvrNode

    service = IvrService()
    existing = IVR_ROWS.rows()
    counts = Counts(deleted=IVR_ROWS.remove_unlisted(existing, items, ctx))
    to_activate: list[tuple[int, Any]] = []
    for i, item in enumerate(items):
        path = f"ivr_flows[{i}]"
        item = {**item, "nodes": sorted(item["nodes"], key=lambda n: n["key"])}
        row = existing.get(item["number"])
        same = row is not None and _ivr_item(row) == item
        keys: set[str] = set()
        for j, node in enumerate(item["nodes"]):
            if not KEY_RE.match(node["key"]):
                raise ctx.error(f"{path}.nodes[{j}].key", "ivr.err.key")
            if node["key"] in keys:
                raise ctx.error(f"{path}.nodes[{j}].key", "config.ivr.node_twice", key=node["key"])
            keys.add(node["key"])
            if any(not isinstance(v, str) for v in node["branches"].values()):
                raise ctx.error(f"{path}.nodes[{j}].branches", "ivr.err.branches")
        if not same:
            if row is not None and row.active:
                row.active = False
                row.save()
            data = FlowInput(item["number"], item["name"], item["language"], item["entry"])
            try:
                row = service.save_flow(data, row.id if row is not None else None)
            except IvrInputError as exc:
                field, (message, params) = next(iter(exc.errors.items()))
                raise ctx.error(f"{path}.{field}", message, **params) from None
            IvrNode.delete().where(IvrNode.flow == row).execute()
            for node in item["nodes"]:
                created = IvrNode(flow=row, key=node["key"], kind=node["kind"])
                created.set_params(node["params"])
                created.set_branches(node["branches"])
                created.save()
            if item["active"]:
                to_activate.append((i, row))
        _changed(counts, existing.get(item["number"]), same)
    for i, row in to_activate:  # after every flow is in: a goto to another IVR of the document works
        problems = validate.check_flow(row)
        if problems:
            raise ctx.error(f"ivr_flows[{i}].active", "config.ivr.invalid", problems="; ".join(problems))
        row.active = True
        row.save()
    return counts


# --- voicemail -------------------------------------------------------------------------------------


def _mailbox_deleted(row: Any, ctx: ImportContext) -> None:
    """Refuse to delete a mailbox that holds messages (recordings are not configuration)."""
    from telephony.models.voicemail import VoicemailMessage
    from telephony.voicemail import messages as _texts  # noqa: F401 - registers config.mailbox.*

    held = VoicemailMessage.select().where(VoicemailMessage.mailbox == row).count()
    if held:
        raise ctx.error("mailboxes", "config.mailbox.has_messages", number=row.number, count=held)


def _check_mailbox(item: dict[str, Any], row: Any, path: str, ctx: ImportContext) -> dict[str, Any]:
    from telephony.voicemail import messages as _texts  # noqa: F401 - registers config.mailbox.*
    from telephony.voicemail.admin import EMAIL_RE, PIN_RE

    number = item["number"]
    if not dialable_exists(number):
        raise ctx.error(f"{path}.number", "config.mailbox.number", number=number)
    if item["pin"] is not None and item["pin_hash"] is not None:
        raise ctx.error(f"{path}.pin", "config.agent.pin_and_hash")
    if item["pin_hash"] is None and not PIN_RE.fullmatch(item["pin"] or ""):
        raise ctx.error(f"{path}.pin", "config.mailbox.pin")
    if item["email"] and not EMAIL_RE.fullmatch(item["email"]):
        raise ctx.error(f"{path}.email", "config.mailbox.email")
    pin_hash = _pin_hash(item["pin"], item["pin_hash"], row.pin_hash if row is not None else "")
    return {k: v for k, v in item.items() if k != "pin"} | {"pin_hash": pin_hash}


# Every mailbox with its PIN's hash (never a PIN).
MAILBOX_ROWS = Rows(
    schema.MAILBOXES,
    _model("telephony.models.voicemail", "Mailbox"),
    check=_check_mailbox,
    on_delete=_mailbox_deleted,
)


# --- conference rooms ------------------------------------------------------------------------------

CONFERENCE_TEXTS: dict[str, dict[str, str]] = {
    "config.conference.number": {
        "en": "{number} is not 2 to 8 digits",
        "zh-CN": "{number} 不是 2 到 8 位数字",
    },
    "config.conference.taken": {
        "en": "{number} is already used (extension, port, queue or IVR)",
        "zh-CN": "{number} 已被使用（分机、端口、队列或语音导航）",
    },
    "config.conference.pin": {"en": "a PIN is 3 to 12 digits", "zh-CN": "密码为 3 到 12 位数字"},
    "config.conference.pin_and_hash": {
        "en": "give {field} or {field}_hash, not both",
        "zh-CN": "{field} 与 {field}_hash 只能给出一个",
    },
    "config.conference.same_pin": {
        "en": "the moderator PIN must differ from the PIN",
        "zh-CN": "主持人密码不能与参会密码相同",
    },
    "config.conference.name": {"en": "a name is at most 64 characters", "zh-CN": "名称最多 64 个字符"},
}
for _key, _entry in CONFERENCE_TEXTS.items():
    messages.CATALOG.setdefault(_key, _entry)


def _room_pin(item: dict[str, Any], field: str, current: str, path: str, ctx: ImportContext) -> str:
    """The hash a room's PIN field gives: a hash as exported, a PIN hashed, or the same PIN's own hash."""
    from telephony.conference.admin import PIN_RE

    pin, given_hash = item[field], item[f"{field}_hash"]
    if pin is not None and given_hash is not None:
        raise ctx.error(f"{path}.{field}", "config.conference.pin_and_hash", field=field)
    if pin is not None and not PIN_RE.fullmatch(pin):
        raise ctx.error(f"{path}.{field}", "config.conference.pin")
    return _pin_hash(pin, given_hash, current) or ""


def _check_room(item: dict[str, Any], row: Any, path: str, ctx: ImportContext) -> dict[str, Any]:
    """Numbers clash with no extension, port, queue or IVR; the PINs are kept as hashes."""
    from telephony.conference.admin import NUMBER_RE, number_taken

    number = item["number"]
    if not NUMBER_RE.fullmatch(number):
        raise ctx.error(f"{path}.number", "config.conference.number", number=number)
    if number_taken(number, row.id if row is not None else None):
        raise ctx.error(f"{path}.number", "config.conference.taken", number=number)
    if len(item["name"]) > 64:
        raise ctx.error(f"{path}.name", "config.conference.name")
    if item["pin"] is not None and item["pin"] == item["moderator_pin"]:
        raise ctx.error(f"{path}.moderator_pin", "config.conference.same_pin")
    new = {k: v for k, v in item.items() if k not in ("pin", "moderator_pin")}
    new["pin_hash"] = _room_pin(item, "pin", row.pin_hash if row else "", path, ctx)
    new["moderator_pin_hash"] = _room_pin(
        item, "moderator_pin", row.moderator_pin_hash if row else "", path, ctx
    )
    return new


# Every room with its PINs' hashes (never a PIN).
ROOM_ROWS = Rows(
    schema.CONFERENCE_ROOMS,
    _model("telephony.models.conference", "ConferenceRoom"),
    check=_check_room,
    releases=True,
    stamped=True,
)


def check_kept_references(ctx: ImportContext) -> None:
    """Refuse an import that took away a number a kept section (left out of the document) still uses.

    Kept inbound routes may go to any number a call can reach (an extension, FXS port or queue);
    kept queues overflow, and kept agents ring, only to an extension or FXS port.
    """
    for number, key in ctx.released.items():
        kind = {"extensions": "inuse.extension", "queues": "inuse.queue"}.get(key, "inuse.number")
        kept: list[tuple[str, list[Phrase]]] = []
        if "inbound_routes" not in ctx.document and not number_exists(number):
            kept.append(("inbound_routes", routes_to(number)))
        if not dialable_exists(number):
            if "queues" not in ctx.document:
                queues = overflowing_to(("extension", "voicemail"), number)
                kept.append(("queues", [Phrase("inuse.queue_overflow", queue_label(q)) for q in queues]))
            if "agents" not in ctx.document:
                agents = Agent.select().where(Agent.default_extension == number).order_by(Agent.number)
                kept.append(
                    ("agents", [Phrase("inuse.agent", f"{a.number} {a.name}".strip()) for a in agents])
                )
        for section, users in kept:
            if users:
                raise ctx.kept(key, Phrase(kind, number), users, section)


# --- the document ----------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class SectionHandler:
    """How one section of the document is read from and written to the database."""

    section: schema.Section
    export: Callable[[], Any]
    apply: Callable[[Any, ImportContext], Counts]


# The generic sections (a Rows with a check) are their own handlers.
HANDLERS: dict[str, SectionHandler | Rows] = {
    h.section.name: h
    for h in (
        SectionHandler(schema.SETTINGS, export_settings, apply_settings),
        SectionHandler(schema.EXTENSIONS, EXTENSION_ROWS.export, apply_extensions),
        SectionHandler(schema.PORTS, export_ports, apply_ports),
        TRUNK_GROUP_ROWS,
        SKILL_ROWS,
        PAUSE_CODE_ROWS,
        SectionHandler(schema.AGENTS, export_agents, apply_agents),
        SectionHandler(schema.QUEUES, export_queues, apply_queues),
        SectionHandler(schema.IVR_FLOWS, IVR_ROWS.export, apply_ivr_flows),
        ROOM_ROWS,
        SectionHandler(schema.INBOUND_ROUTES, export_inbound_routes, apply_inbound_routes),
        SectionHandler(schema.DIAL_RULES, export_dial_rules, apply_dial_rules),
        SectionHandler(schema.CUSTOMERS, export_customers, apply_customers),
        MAILBOX_ROWS,
        SectionHandler(schema.SPEED_DIALS, features_doc.export_speed_dials, features_doc.apply_speed_dials),
        SectionHandler(schema.RING_GROUPS, features_doc.export_ring_groups, features_doc.apply_ring_groups),
        SectionHandler(
            schema.CALLER_LISTS, features_doc.export_caller_lists, features_doc.apply_caller_lists
        ),
        SectionHandler(
            schema.CALL_FEATURES, features_doc.export_call_features, features_doc.apply_call_features
        ),
    )
}
assert set(HANDLERS) == {s.name for s in schema.SECTIONS}, "every schema section needs a handler"


class ConfigDocService:
    """Export and import the configuration document; pass a ControlClient to reload the core after import."""

    def __init__(self, control: ControlClient | None = None) -> None:
        self.control = control

    def export_document(self) -> dict[str, Any]:
        """Return the configuration as plain data: version, then every section in schema order."""
        with database.atomic():  # one consistent snapshot even while the web admin writes
            doc: dict[str, Any] = {"version": schema.VERSION}
            for section in schema.SECTIONS:
                doc[section.name] = HANDLERS[section.name].export()
        return doc

    def export_text(self) -> str:
        return HEADER + schema.dump_yaml(self.export_document())

    def import_bytes(self, data: bytes, source: str = "", dry_run: bool = False) -> ImportResult:
        """Decode (UTF-8, BOM allowed) and import a document; see import_text."""
        if len(data) > schema.MAX_DOCUMENT_BYTES:
            raise ConfigDocError(
                "", "config.too_big", source, limit=schema.MAX_DOCUMENT_BYTES // (1024 * 1024)
            )
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ConfigDocError("", "config.encoding", source, offset=exc.start) from None
        return self.import_text(text, source, dry_run)

    def import_text(self, text: str, source: str = "", dry_run: bool = False) -> ImportResult:
        """Parse, validate and apply a document in one transaction; raise ConfigDocError, changing nothing.

        With dry_run the changes are counted, then rolled back, and the core is not asked to reload.
        """
        return self.import_document(schema.parse_document(text, source), source, dry_run)

    def import_document(
        self, parsed: dict[str, Any], source: str = "", dry_run: bool = False
    ) -> ImportResult:
        """Apply sections already parsed by schema.parse_document, all in one transaction."""
        ctx = ImportContext(parsed, source)
        counts: dict[str, Counts] = {}
        with database.atomic() as txn:
            for section in schema.SECTIONS:
                if section.name in parsed:
                    counts[section.name] = HANDLERS[section.name].apply(parsed[section.name], ctx)
            check_kept_references(ctx)
            if dry_run:
                txn.rollback()
                return ImportResult(counts, ctx.notices)
        log.info("imported configuration%s: %s", f" from {source}" if source else "", counts)
        return ImportResult(counts, ctx.notices, self._reload())

    def _reload(self) -> str:
        if self.control is None:
            return ""
        try:
            self.control.reload("all")
            return ""
        except ControlError as exc:
            log.warning("configuration imported, but pbx-core did not reload: %s", exc)
            return str(exc)

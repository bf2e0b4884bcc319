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

To add a section: declare its table in `schema.py`, write `export_<name>()` and
`apply_<name>(values, ctx)` here and list them in HANDLERS.
"""

from __future__ import annotations

import dataclasses
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
from telephony.models.callcenter import hash_pin
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


def export_extensions() -> list[dict[str, Any]]:
    return [
        {
            "number": e.number,
            "name": e.name,
            "enabled": bool(e.enabled),
            "ha1": e.ha1,
            "ha1b": e.ha1b,
            "permission": e.permission,
        }
        for e in Extension.select().order_by(Extension.number)
    ]


def apply_extensions(items: list[dict[str, Any]], ctx: ImportContext) -> Counts:
    existing = {e.number: e for e in Extension.select().order_by(Extension.number)}
    # Check every item before writing anything, so the first error is the one reported.
    for i, item in enumerate(items):
        _check_extension(item, existing.get(item["number"]), f"extensions[{i}]", ctx)
    counts = Counts()
    wanted = {item["number"] for item in items}
    for number, row in existing.items():
        if number not in wanted:
            row.delete_instance()
            counts.deleted += 1
            ctx.released[number] = "extensions"
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


def export_trunk_groups() -> list[dict[str, Any]]:
    return [
        {"name": g.name, "kind": g.kind, "members": g.member_list(), "hunt": g.hunt}
        for g in TrunkGroup.select().order_by(TrunkGroup.name)
    ]


def apply_trunk_groups(items: list[dict[str, Any]], ctx: ImportContext) -> Counts:
    counts = Counts()
    existing = {g.name: g for g in TrunkGroup.select().order_by(TrunkGroup.name)}
    wanted = {item["name"] for item in items}
    for name, row in existing.items():
        if name in wanted:
            continue
        rules = DialRule.select().where(DialRule.trunk_group == row.id).count()
        if rules and "dial_rules" not in ctx.document:
            raise ctx.error(
                "trunk_groups",
                "config.ref.kept",
                what=Phrase("inuse.trunk_group", name),
                users=group_users(row),
                section="dial_rules",
            )
        row.delete_instance()  # the foreign key takes its rules, which the document's dial_rules replace
        counts.deleted += 1
        ctx.cascaded_rules += rules
    for i, item in enumerate(items):
        row = existing.get(item["name"])
        data = TrunkGroupInput(item["name"], item["kind"], ",".join(item["members"]), item["hunt"])
        try:
            validate_group(data, row)
        except ValidationError as exc:
            ctx.invalid(exc, f"trunk_groups[{i}]")
        new = (data.kind, ",".join(members_of(data.members)), data.hunt)
        if row is not None and (row.kind, row.members, row.hunt) == new:
            counts.unchanged += 1
            continue
        target = row if row is not None else TrunkGroup(name=data.name)
        target.kind, target.members, target.hunt = new
        target.save()
        if row is None:
            counts.created += 1
        else:
            counts.updated += 1
    return counts


# --- inbound routes and dial rules -----------------------------------------------------------------
# Rows of equal priority are tried in id order, so the document's order is kept by writing its
# rows afresh, in order, whenever anything in the section differs from the database.


def _route_values(row: InboundRoute) -> dict[str, Any]:
    return {"trunk": row.trunk, "did": row.did, "destination": row.destination, "priority": row.priority}


def export_inbound_routes() -> list[dict[str, Any]]:
    return [_route_values(r) for r in InboundRoute.select().order_by(InboundRoute.priority, InboundRoute.id)]


def apply_inbound_routes(items: list[dict[str, Any]], ctx: ImportContext) -> Counts:
    rows = list(InboundRoute.select().order_by(InboundRoute.priority, InboundRoute.id))
    same = [_route_values(r) for r in rows] == items
    if not same:
        InboundRoute.delete().execute()
    old = {(r.trunk, r.did): _route_values(r) for r in rows}
    counts = Counts(deleted=len(old.keys() - {(item["trunk"], item["did"]) for item in items}))
    for i, item in enumerate(items):
        data = InboundRouteInput(item["trunk"], item["did"], item["destination"], item["priority"])
        try:
            validate_route(data, rows[i] if same else None)
        except ValidationError as exc:
            ctx.invalid(exc, f"inbound_routes[{i}]", number=item["destination"])
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
    """Replace the rules; having no name to match by, a changed rule counts as deleted plus added."""
    old = [_rule_values(r) for r in DialRule.select().order_by(DialRule.priority, DialRule.id)]
    same = old == items
    if not same:
        DialRule.delete().execute()
    for i, item in enumerate(items):
        try:
            validate_rule(DialRuleInput(**item))
        except ValidationError as exc:
            ctx.invalid(exc, f"dial_rules[{i}]")
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


def _changed(counts: Counts, row: Any, same: bool) -> None:
    if row is None:
        counts.created += 1
    elif same:
        counts.unchanged += 1
    else:
        counts.updated += 1


def export_skills() -> list[dict[str, Any]]:
    return [{"name": s.name, "description": s.description} for s in Skill.select().order_by(Skill.name)]


def apply_skills(items: list[dict[str, Any]], ctx: ImportContext) -> Counts:
    counts = Counts()
    existing = {s.name: s for s in Skill.select().order_by(Skill.name)}
    wanted = {item["name"] for item in items}
    for name, row in existing.items():
        if name in wanted:
            continue
        if "queues" not in ctx.document:
            users = skill_users(row)
            if users:
                raise ctx.error(
                    "skills",
                    "config.ref.kept",
                    what=Phrase("inuse.skill", name),
                    users=users,
                    section="queues",
                )
        # The foreign keys take the agents' levels and the queues' requirements in it.
        ctx.cascaded["agents"].update(
            a.agent_id for a in AgentSkill.select().where(AgentSkill.skill == row.id)
        )
        ctx.cascaded["queues"].update(
            q.queue_id for q in QueueSkill.select().where(QueueSkill.skill == row.id)
        )
        row.delete_instance()
        counts.deleted += 1
    for i, item in enumerate(items):
        row = existing.get(item["name"])
        data = SkillInput(item["name"], item["description"])
        try:
            validate_skill(data, row)
        except ValidationError as exc:
            ctx.invalid(exc, f"skills[{i}]")
        new = (data.name.strip(), data.description.strip())
        same = row is not None and (row.name, row.description) == new
        if not same:
            target = row if row is not None else Skill()
            target.name, target.description = new
            target.save()
        _changed(counts, row, same)
    return counts


def export_pause_codes() -> list[dict[str, Any]]:
    return [
        {"code": p.code, "label_zh": p.label_zh, "label_en": p.label_en, "productive": bool(p.productive)}
        for p in PauseCode.select().order_by(PauseCode.code)
    ]


def apply_pause_codes(items: list[dict[str, Any]], ctx: ImportContext) -> Counts:
    counts = Counts()
    existing = {p.code: p for p in PauseCode.select().order_by(PauseCode.code)}
    wanted = {item["code"] for item in items}
    for code, row in existing.items():
        if code not in wanted:
            row.delete_instance()  # agents paused with it stay paused until they resume
            counts.deleted += 1
    for i, item in enumerate(items):
        row = existing.get(item["code"])
        data = PauseCodeInput(item["code"], item["label_zh"], item["label_en"], item["productive"])
        try:
            validate_pause_code(data, row)
        except ValidationError as exc:
            ctx.invalid(exc, f"pause_codes[{i}]")
        new = (data.code.strip(), data.label_zh.strip(), data.label_en.strip(), data.productive)
        same = row is not None and (row.code, row.label_zh, row.label_en, bool(row.productive)) == new
        if not same:
            target = row if row is not None else PauseCode()
            target.code, target.label_zh, target.label_en, target.productive = new
            target.save()
        _changed(counts, row, same)
    return counts


def _agent_skills() -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {}
    for row in AgentSkill.select(AgentSkill, Skill).join(Skill).order_by(Skill.name):
        out.setdefault(row.agent_id, []).append({"skill": row.skill.name, "level": row.level})
    return out


def export_agents() -> list[dict[str, Any]]:
    """Every agent, with its PIN's hash (never a PIN: only the hash is stored)."""
    skills = _agent_skills()
    out = []
    for a in Agent.select().order_by(Agent.number):
        item: dict[str, Any] = {"number": a.number, "name": a.name, "enabled": bool(a.enabled)}
        if a.default_extension is not None:  # absent, not null: no phone of its own
            item["default_extension"] = a.default_extension
        item["pin_hash"] = a.pin_hash
        item["skills"] = skills.get(a.id, [])
        out.append(item)
    return out


def apply_agents(items: list[dict[str, Any]], ctx: ImportContext) -> Counts:
    counts = Counts()
    existing = {a.number: a for a in Agent.select().order_by(Agent.number)}
    wanted = {item["number"] for item in items}
    for number, row in existing.items():
        if number in wanted:
            continue
        queues = [
            m.queue
            for m in QueueMember.select(QueueMember, Queue).join(Queue).where(QueueMember.agent == row.id)
        ]
        if queues and "queues" not in ctx.document:
            raise ctx.error(
                "agents",
                "config.ref.kept",
                what=Phrase("inuse.agent", f"{row.number} {row.name}".strip()),
                users=[Phrase("inuse.queue", queue_label(q)) for q in sorted(queues, key=lambda q: q.number)],
                section="queues",
            )
        ctx.cascaded["queues"].update(q.id for q in queues)  # the foreign key takes the memberships
        row.delete_instance()
        counts.deleted += 1
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
        try:
            skills, _ = validate_agent(data, row if row is not None else Agent(number=item["number"]))
        except ValidationError as exc:
            ctx.invalid(exc, path, _entry_keys(item, AGENT_ENTRIES))
        if item["pin"] is None:
            pin_hash = item["pin_hash"]
        elif row is not None and row.check_pin(item["pin"]):
            pin_hash = row.pin_hash  # the same PIN: keep its hash (and salt)
        else:
            pin_hash = hash_pin(item["pin"])
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


def export_queues() -> list[dict[str, Any]]:
    """Every queue with every setting, its members in hunt order and its required skills."""
    members, skills = _queue_members(), _queue_skills()
    out = []
    for q in Queue.select().order_by(Queue.number):
        item: dict[str, Any] = {"number": q.number, "name": q.name}
        item.update((s.key, _plain(getattr(q, s.key))) for s in QUEUE_SETTINGS)
        item["members"] = members.get(q.id, [])
        item["skills"] = skills.get(q.id, [])
        out.append(item)
    return out


def apply_queues(items: list[dict[str, Any]], ctx: ImportContext) -> Counts:
    counts = Counts()
    existing = {q.number: q for q in Queue.select().order_by(Queue.number)}
    wanted = {item["number"] for item in items}
    for number, row in existing.items():
        if number not in wanted:
            row.delete_instance()  # with its members and requirements
            counts.deleted += 1
            ctx.released[number] = "queues"
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
        try:
            values, members, skills = validate_queue(data, row)
        except ValidationError as exc:
            ctx.invalid(exc, path, _entry_keys(item, QUEUE_ENTRIES), number=item["number"])
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
    """Replace the customers; an item updates the customer that has one of its numbers, else is new."""
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


def export_ivr_flows() -> list[dict[str, Any]]:
    from telephony.models import IvrFlow

    return [_ivr_item(f) for f in IvrFlow.select().order_by(IvrFlow.number)]


def apply_ivr_flows(items: list[dict[str, Any]], ctx: ImportContext) -> Counts:
    """Replace the flows; each is saved inactive with its nodes, then activated once all are in."""
    from telephony.ivr import validate
    from telephony.ivr.service import KEY_RE, FlowInput, IvrInputError, IvrService
    from telephony.models import IvrFlow, IvrNode

    counts = Counts()
    service = IvrService()
    existing = {f.number: f for f in IvrFlow.select().order_by(IvrFlow.number)}
    wanted = {item["number"] for item in items}
    for number, row in existing.items():
        if number not in wanted:
            row.delete_instance(recursive=True)
            ctx.released[number] = "ivr_flows"
            counts.deleted += 1
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


def _mailbox_item(m: Any) -> dict[str, Any]:
    return {
        "number": m.number,
        "pin_hash": m.pin_hash,
        "email": m.email,
        "max_message_seconds": m.max_message_seconds,
        "max_messages": m.max_messages,
        "on_no_answer": bool(m.on_no_answer),
        "on_busy": bool(m.on_busy),
        "attach_audio": bool(m.attach_audio),
        "enabled": bool(m.enabled),
    }


def export_mailboxes() -> list[dict[str, Any]]:
    """Every mailbox with its PIN's hash (never a PIN)."""
    from telephony.models.voicemail import Mailbox

    return [_mailbox_item(m) for m in Mailbox.select().order_by(Mailbox.number)]


def apply_mailboxes(items: list[dict[str, Any]], ctx: ImportContext) -> Counts:
    """Replace the mailboxes; one that holds messages is never deleted (recordings are not config)."""
    from telephony.models.voicemail import Mailbox, VoicemailMessage
    from telephony.voicemail import messages as _texts  # noqa: F401 - registers config.mailbox.*
    from telephony.voicemail.admin import EMAIL_RE, PIN_RE

    counts = Counts()
    existing = {m.number: m for m in Mailbox.select().order_by(Mailbox.number)}
    wanted = {item["number"] for item in items}
    for number, row in existing.items():
        if number in wanted:
            continue
        held = VoicemailMessage.select().where(VoicemailMessage.mailbox == row).count()
        if held:
            raise ctx.error("mailboxes", "config.mailbox.has_messages", number=number, count=held)
        row.delete_instance()
        counts.deleted += 1
    for i, item in enumerate(items):
        path = f"mailboxes[{i}]"
        number = item["number"]
        if not dialable_exists(number):
            raise ctx.error(f"{path}.number", "config.mailbox.number", number=number)
        if item["pin"] is not None and item["pin_hash"] is not None:
            raise ctx.error(f"{path}.pin", "config.agent.pin_and_hash")
        if item["pin_hash"] is None and not PIN_RE.fullmatch(item["pin"] or ""):
            raise ctx.error(f"{path}.pin", "config.mailbox.pin")
        if item["email"] and not EMAIL_RE.fullmatch(item["email"]):
            raise ctx.error(f"{path}.email", "config.mailbox.email")
        row = existing.get(number)
        if item["pin"] is None:
            pin_hash = item["pin_hash"]
        elif row is not None and row.check_pin(item["pin"]):
            pin_hash = row.pin_hash  # the same PIN: keep its hash (and salt)
        else:
            pin_hash = hash_pin(item["pin"])
        new = {k: v for k, v in item.items() if k != "pin"} | {"pin_hash": pin_hash}
        same = row is not None and _mailbox_item(row) == new
        if not same:
            target = row if row is not None else Mailbox(number=number)
            for key, value in new.items():
                setattr(target, key, value)
            target.save()
        _changed(counts, row, same)
    return counts


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


def _room_item(r: Any) -> dict[str, Any]:
    return {
        "number": r.number,
        "name": r.name,
        "pin_hash": r.pin_hash,
        "moderator_pin_hash": r.moderator_pin_hash,
        "max_participants": r.max_participants,
        "music_when_alone": bool(r.music_when_alone),
        "entry_exit_tones": bool(r.entry_exit_tones),
        "locked": bool(r.locked),
        "record": bool(r.record),
    }


def export_conference_rooms() -> list[dict[str, Any]]:
    """Every room with its PINs' hashes (never a PIN)."""
    from telephony.models.conference import ConferenceRoom

    return [_room_item(r) for r in ConferenceRoom.select().order_by(ConferenceRoom.number)]


def _room_pin(item: dict[str, Any], field: str, current: str, path: str, ctx: ImportContext) -> str:
    """The hash a room's PIN field gives: a hash as exported, a PIN hashed, or the same PIN's own hash."""
    from telephony.conference.admin import PIN_RE
    from telephony.models.callcenter import pin_matches

    pin, given_hash = item[field], item[f"{field}_hash"]
    if pin is not None and given_hash is not None:
        raise ctx.error(f"{path}.{field}", "config.conference.pin_and_hash", field=field)
    if pin is None:
        return given_hash or ""
    if not PIN_RE.fullmatch(pin):
        raise ctx.error(f"{path}.{field}", "config.conference.pin")
    if current and pin_matches(current, pin):
        return current  # the same PIN: keep its hash (and salt)
    return hash_pin(pin)


def apply_conference_rooms(items: list[dict[str, Any]], ctx: ImportContext) -> Counts:
    """Replace the rooms; numbers clash with no extension, port, queue or IVR."""
    from telephony.conference.admin import NUMBER_RE, number_taken
    from telephony.models.conference import ConferenceRoom

    counts = Counts()
    existing = {r.number: r for r in ConferenceRoom.select().order_by(ConferenceRoom.number)}
    wanted = {item["number"] for item in items}
    for number, row in existing.items():
        if number not in wanted:
            row.delete_instance()
            ctx.released[number] = "conference_rooms"
            counts.deleted += 1
    for i, item in enumerate(items):
        path = f"conference_rooms[{i}]"
        number = item["number"]
        row = existing.get(number)
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
        same = row is not None and _room_item(row) == new
        if not same:
            target = row if row is not None else ConferenceRoom(number=number)
            for key, value in new.items():
                setattr(target, key, value)
            target.updated = utcnow()
            target.save()
        _changed(counts, row, same)
    return counts


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
                raise ctx.error(
                    key, "config.ref.kept", what=Phrase(kind, number), users=users, section=section
                )


# --- the document ----------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class SectionHandler:
    """How one section of the document is read from and written to the database."""

    section: schema.Section
    export: Callable[[], Any]
    apply: Callable[[Any, ImportContext], Counts]


HANDLERS: dict[str, SectionHandler] = {
    h.section.name: h
    for h in (
        SectionHandler(schema.SETTINGS, export_settings, apply_settings),
        SectionHandler(schema.EXTENSIONS, export_extensions, apply_extensions),
        SectionHandler(schema.PORTS, export_ports, apply_ports),
        SectionHandler(schema.TRUNK_GROUPS, export_trunk_groups, apply_trunk_groups),
        SectionHandler(schema.SKILLS, export_skills, apply_skills),
        SectionHandler(schema.PAUSE_CODES, export_pause_codes, apply_pause_codes),
        SectionHandler(schema.AGENTS, export_agents, apply_agents),
        SectionHandler(schema.QUEUES, export_queues, apply_queues),
        SectionHandler(schema.IVR_FLOWS, export_ivr_flows, apply_ivr_flows),
        SectionHandler(schema.CONFERENCE_ROOMS, export_conference_rooms, apply_conference_rooms),
        SectionHandler(schema.INBOUND_ROUTES, export_inbound_routes, apply_inbound_routes),
        SectionHandler(schema.DIAL_RULES, export_dial_rules, apply_dial_rules),
        SectionHandler(schema.CUSTOMERS, export_customers, apply_customers),
        SectionHandler(schema.MAILBOXES, export_mailboxes, apply_mailboxes),
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

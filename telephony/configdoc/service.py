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

To add a section: declare its table in `schema.py`, write `export_<name>()` and
`apply_<name>(values, ctx)` here and list them in HANDLERS.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Callable
from typing import Any, NoReturn

from telephony.configdoc import schema
from telephony.configdoc.schema import ConfigDocError, Invalid
from telephony.control.client import ControlClient
from telephony.errors import ControlError, NotFound, ValidationError
from telephony.extensions.service import ExtensionInput, port_has_number, realm, validate
from telephony.messages import Phrase
from telephony.models import (
    DialRule,
    Extension,
    InboundRoute,
    PortSetting,
    Setting,
    TrunkGroup,
    database,
    utcnow,
)
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
    "# ha1/ha1b are SIP digest hashes that can register as the extension: keep this file private.\n"
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

    def error(self, key: str, message: str, **params: object) -> ConfigDocError:
        return ConfigDocError(key, message, self.source, **params)

    def invalid(self, exc: ValidationError, path: str, **params: object) -> NoReturn:
        """Raise a service's first validation error at `path`.field."""
        field, message = next(iter(exc.errors.items()))
        raise self.error(f"{path}.{field}", message, **params) from None


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
        if row is not None and row.value == text:
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
        field, message = next(iter(exc.errors.items()))
        raise ctx.error(f"{path}.{field}", message, number=item["number"]) from None
    if row is None and "ports" not in ctx.document and port_has_number(item["number"]):
        raise ctx.error(f"{path}.number", "extension.number.port", number=item["number"])


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
            ctx.invalid(exc, path, number=data.number)
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


def check_kept_routes(ctx: ImportContext) -> None:
    """Refuse an import that removed a number a kept inbound route (section left out) goes to."""
    if "inbound_routes" in ctx.document:
        return  # the routes were replaced and each checked against the numbers that remain
    for number, key in ctx.released.items():
        users = [] if number_exists(number) else routes_to(number)
        if users:
            kind = "inuse.extension" if key == "extensions" else "inuse.number"
            raise ctx.error(
                key, "config.ref.kept", what=Phrase(kind, number), users=users, section="inbound_routes"
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
        SectionHandler(schema.INBOUND_ROUTES, export_inbound_routes, apply_inbound_routes),
        SectionHandler(schema.DIAL_RULES, export_dial_rules, apply_dial_rules),
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
            check_kept_routes(ctx)
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

"""Export the box's configuration as one YAML document; import one, validated, all or nothing.

The document is the full desired state of each section it contains: importing an `extensions`
list deletes every extension not in it; a section left out of the document is not touched.
Every section is applied inside one transaction, so any error leaves the database as it was.
After a successful import the core is asked to reload; a core that is down does not undo it.

To add a section: declare its table in `schema.py`, write `export_<name>()` and
`apply_<name>(values, ctx)` here and list them in HANDLERS.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from typing import Any

from telephony.configdoc import schema
from telephony.configdoc.schema import ConfigDocError, Invalid
from telephony.control.client import ControlClient
from telephony.errors import ControlError, ValidationError
from telephony.extensions.service import ExtensionInput, realm, validate
from telephony.models import Extension, Setting, database, utcnow

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

    def error(self, key: str, message: str, **params: object) -> ConfigDocError:
        return ConfigDocError(key, message, self.source, **params)


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
        {"number": e.number, "name": e.name, "enabled": bool(e.enabled), "ha1": e.ha1, "ha1b": e.ha1b}
        for e in Extension.select().order_by(Extension.number)
    ]


def apply_extensions(items: list[dict[str, Any]], ctx: ImportContext) -> Counts:
    existing = {e.number: e for e in Extension.select()}
    # Check every item before writing anything, so the first error is the one reported.
    for i, item in enumerate(items):
        _check_extension(item, existing.get(item["number"]), f"extensions[{i}]", ctx)
    counts = Counts()
    wanted = {item["number"] for item in items}
    for number, row in existing.items():
        if number not in wanted:
            row.delete_instance()
            counts.deleted += 1
    current_realm = realm()  # settings are applied first, so this is the realm being imported
    for item in items:
        if item["secret"] is not None:
            hashed = Extension(number=item["number"])
            hashed.set_secret(item["secret"], current_realm)
            ha1, ha1b = hashed.ha1, hashed.ha1b
        else:
            ha1, ha1b = item["ha1"], item["ha1b"]
        wanted_row = (item["name"], item["enabled"], ha1, ha1b)
        row = existing.get(item["number"])
        if row is not None and (row.name, bool(row.enabled), row.ha1, row.ha1b) == wanted_row:
            counts.unchanged += 1
            continue
        ext = row if row is not None else Extension(number=item["number"])
        ext.name, ext.enabled, ext.ha1, ext.ha1b = wanted_row
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
        number=item["number"], name=item["name"], secret=item["secret"] or "", enabled=item["enabled"]
    )
    # An unsaved row for a new number makes validate() skip its "secret required" rule, which this
    # document satisfies with hashes instead; a given secret is still checked for strength.
    try:
        validate(data, existing=row if row is not None else Extension(number=item["number"]))
    except ValidationError as exc:
        field, message = next(iter(exc.errors.items()))
        raise ctx.error(f"{path}.{field}", message, number=item["number"]) from None


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

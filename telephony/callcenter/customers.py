"""Customer records for screen pop and VIP priority: validate -> save, search, CSV import and export.

Phone numbers are stored normalized (`normalize_number`): digits only, China-first, so a caller ID
and a number typed as "+86 138-0013-8000" meet as "13800138000". A number belongs to one customer.

CSV import is all-or-nothing: every row is checked (the same rules as the form) and every problem
is reported as "row N: field: message" with N the spreadsheet row (the header is row 1); only a
file without any problem is saved, in one transaction. Files are UTF-8 (with or without the BOM
Excel writes) or else GB18030, the superset of GBK that Chinese Excel saves as "CSV". A row updates
the customer named by its `id` cell, else the customer that already has its numbers, else it
creates one. Export writes UTF-8 with a BOM so Excel opens it as such.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import peewee

from telephony.callcenter.errors import CustomerNotFound, ImportFailed, InvalidInput, RowError
from telephony.callcenter.settings import parse_number
from telephony.models import Customer, CustomerNumber, database, utcnow

log = logging.getLogger(__name__)

NUMBER_SPLIT_RE = re.compile(r"[,;/\n，；、]+")  # spaces may be inside a number
TAG_SPLIT_RE = re.compile(r"[,，]")
DIGITS_RE = re.compile(r"^[0-9]{3,20}$")
MAX_ROWS = 20000
# Spreadsheet formulas start with these; an exported cell must never run as one.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("id", "编号"),
    "name": ("name", "姓名", "名称", "客户名称"),
    "company": ("company", "公司", "单位"),
    "phone": ("phone", "phones", "电话", "号码", "电话号码", "手机"),
    "priority": ("priority", "优先级"),
    "tags": ("tags", "标签"),
    "notes": ("notes", "备注"),
}
REQUIRED_COLUMNS = ("name", "phone")


def normalize_number(text: str) -> str | None:
    """Return a phone number as stored (3-20 digits), or None if `text` is not one.

    Spaces, dashes, dots and brackets go; full-width digits become ASCII. An international
    number keeps its prefix as 00...; China's own (+86 / 0086) becomes the national form:
    mobiles as 1xxxxxxxxxx, landlines with their 0 area-code prefix.
    """
    text = unicodedata.normalize("NFKC", text).strip()
    text = re.sub(r"[\s\-().]", "", text)
    if text.startswith("+"):
        text = "00" + text[1:]
    if not DIGITS_RE.match(text):
        return None
    if text.startswith("0086") and len(text) > 6:
        national = text[4:]
        text = national if national.startswith("1") and len(national) == 11 else "0" + national
    return text if DIGITS_RE.match(text) else None


@dataclass(frozen=True)
class CustomerInput:
    """What a person submits for a customer; `phone` holds one or more numbers (split at , ; / or lines)."""

    name: str
    phone: str
    company: str = ""
    notes: str = ""
    priority: Any = 0
    tags: str = ""


@dataclass(frozen=True)
class Checked:
    """A customer input that passed validation, normalized and ready to save."""

    name: str
    numbers: tuple[str, ...]
    company: str
    notes: str
    priority: int
    tags: str


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


def _notes_ok(text: str) -> bool:
    return len(text) <= 2000 and all(c.isprintable() or c in "\r\n\t" for c in text)


def check_customer(
    data: CustomerInput, existing: Customer | None = None
) -> tuple[Checked | None, dict[str, str], dict[str, dict[str, object]]]:
    """Return (checked input, {}, {}) or (None, errors, their arguments); reads the numbers taken."""
    errors: dict[str, str] = {}
    params: dict[str, dict[str, object]] = {}

    def add(name: str, key: str, /, **args: object) -> None:
        if name not in errors:
            errors[name], params[name] = key, args

    name = data.name.strip()
    if not (1 <= len(name) <= 64 and name.isprintable()):
        add("name", "cc.name")
    company = data.company.strip()
    if not (len(company) <= 128 and company.isprintable()):
        add("company", "cc.text", max=128)
    notes = data.notes.strip()
    if not _notes_ok(notes):
        add("notes", "cc.text", max=2000)
    priority = parse_number(data.priority if data.priority != "" else 0, integer=True)
    if priority is None or not 0 <= priority <= 100:
        add("priority", "cc.integer", low=0, high=100)
    tags = [t.strip() for t in TAG_SPLIT_RE.split(data.tags) if t.strip()]
    tag_text = ",".join(tags)
    if len(tag_text) > 256 or any(len(t) > 32 or not t.isprintable() for t in tags):
        add("tags", "cc.customer.tags")
    numbers: list[str] = []
    for raw in (p for p in NUMBER_SPLIT_RE.split(data.phone.strip()) if p):
        number = normalize_number(raw)
        if number is None:
            add("phone", "cc.customer.phone", value=raw)
        elif number in numbers:
            add("phone", "cc.customer.phone_twice", number=number)
        else:
            numbers.append(number)
    if not numbers and "phone" not in errors:
        add("phone", "required")
    for number in numbers:
        owner = owner_of(number)
        if owner is not None and (existing is None or owner.id != existing.id):
            add("phone", "cc.customer.phone_taken", number=number, name=owner.name)
    if errors:
        return None, errors, params
    checked = Checked(name, tuple(numbers), company, notes, int(priority or 0), tag_text)
    return checked, {}, {}


def owner_of(number: str) -> Customer | None:
    row = (
        CustomerNumber.select(CustomerNumber, Customer)
        .join(Customer)
        .where(CustomerNumber.number == number)
        .first()
    )
    return row.customer if row is not None else None


def find_by_number(number: str) -> Customer | None:
    """Return the customer a caller ID belongs to (screen pop), or None."""
    normalized = normalize_number(number)
    return owner_of(normalized) if normalized else None


def caller_priority(number: str) -> int:
    """Return the engine priority of a caller (CallerArrived.priority): its customer's, else 0."""
    customer = find_by_number(number)
    return customer.priority if customer is not None else 0


def _save(row: Customer, checked: Checked) -> Customer:
    row.name, row.company, row.notes = checked.name, checked.company, checked.notes
    row.priority, row.tags, row.updated = checked.priority, checked.tags, utcnow()
    row.save()
    CustomerNumber.delete().where(
        (CustomerNumber.customer == row.id) & CustomerNumber.number.not_in(checked.numbers)
    ).execute()
    have = {n.number for n in CustomerNumber.select().where(CustomerNumber.customer == row.id)}
    for number in checked.numbers:
        if number not in have:
            CustomerNumber.create(customer=row, number=number)
    return row


class CustomerService:
    """Create, update, delete, search, import and export customers; every change is one transaction.

    Customers are read by the core at screen pop and queue entry; nothing needs reloading.
    """

    def get(self, customer_id: int) -> Customer:
        row = Customer.get_or_none(Customer.id == customer_id)
        if row is None:
            raise CustomerNotFound(f"customer {customer_id} does not exist")
        return row

    def search(self, text: str = "") -> peewee.ModelSelect:
        """Return customers whose name, company, tags or a number contain `text`, by name."""
        query = Customer.select().order_by(Customer.name, Customer.id)
        text = text.strip()
        if not text:
            return query
        match = Customer.name.contains(text) | Customer.company.contains(text) | Customer.tags.contains(text)
        digits = re.sub(r"[\s\-().+]", "", unicodedata.normalize("NFKC", text))
        if digits.isdigit():
            numbers = CustomerNumber.select(CustomerNumber.customer).where(
                CustomerNumber.number.contains(digits)
            )
            match = match | Customer.id.in_(numbers)
        return query.where(match)

    def create(self, data: CustomerInput) -> Customer:
        with database.atomic():
            checked, errors, params = check_customer(data)
            if checked is None:
                raise InvalidInput(errors, params)
            return _save(Customer(), checked)

    def update(self, customer_id: int, data: CustomerInput) -> Customer:
        with database.atomic():
            row = self.get(customer_id)
            checked, errors, params = check_customer(data, row)
            if checked is None:
                raise InvalidInput(errors, params)
            return _save(row, checked)

    def delete(self, customer_id: int) -> None:
        with database.atomic():
            self.get(customer_id).delete_instance()

    # --- CSV -----------------------------------------------------------------------------------

    def import_csv(self, data: bytes) -> ImportResult:
        """Check every row of a CSV file, then save them all, or raise ImportFailed saving nothing."""
        rows = _read_csv(data)
        with database.atomic():
            plans, errors = _plan(rows)
            if errors:
                raise ImportFailed(errors)
            created = updated = 0
            for row, checked in plans:
                if row.id is None:
                    created += 1
                else:
                    updated += 1
                _save(row, checked)
        log.info("customer import: %d created, %d updated", created, updated)
        return ImportResult(created, updated)

    def export_csv(self) -> bytes:
        """Return every customer as CSV (UTF-8 with BOM), in the columns import reads."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(list(COLUMNS))
        numbers: dict[int, list[str]] = {}
        for n in CustomerNumber.select().order_by(CustomerNumber.id):
            numbers.setdefault(n.customer_id, []).append(n.number)
        for c in Customer.select().order_by(Customer.id):
            cells = [c.id, c.name, c.company, ";".join(numbers.get(c.id, [])), c.priority, c.tags, c.notes]
            writer.writerow([_cell_out(str(v)) for v in cells])
        return ("\ufeff" + out.getvalue()).encode("utf-8")


def _cell_out(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_START) else text


def _cell_in(text: str) -> str:
    text = text.strip()
    return text[1:] if text.startswith("'") and text[1:2] in FORMULA_START else text


def decode(data: bytes) -> str:
    """Return the text of a CSV upload: UTF-8 (BOM or not), else GB18030/GBK; raise ImportFailed."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise ImportFailed([RowError(0, "", "cc.import.encoding")]) from None


def _read_csv(data: bytes) -> list[tuple[int, dict[str, str]]]:
    """Return [(spreadsheet row, {column: cell})] of the data rows; raise ImportFailed on file errors."""
    text = decode(data)
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise ImportFailed([RowError(0, "", "cc.import.csv", {"reason": str(exc)})]) from None
    if not records or not any(c.strip() for c in records[0]):
        raise ImportFailed([RowError(0, "", "cc.import.empty")])
    if len(records) - 1 > MAX_ROWS:
        raise ImportFailed([RowError(0, "", "cc.import.too_many", {"max": MAX_ROWS})])
    columns, errors = _header(records[0])
    if errors:
        raise ImportFailed(errors)
    rows = []
    for index, record in enumerate(records[1:], start=2):
        if not any(c.strip() for c in record):
            continue
        if len(record) > len(columns):
            count = {"count": len(record), "expected": len(columns)}
            errors.append(RowError(index, "*", "cc.import.cells", count))
            continue
        record = record + [""] * (len(columns) - len(record))
        rows.append((index, {col: _cell_in(cell) for col, cell in zip(columns, record, strict=True)}))
    if errors:
        raise ImportFailed(errors)
    return rows


def _header(cells: Iterable[str]) -> tuple[list[str], list[RowError]]:
    aliases = {alias.lower(): name for name, names in COLUMNS.items() for alias in names}
    columns: list[str] = []
    errors: list[RowError] = []
    for cell in cells:
        label = cell.strip()
        name = aliases.get(label.lower())
        if name is None:
            errors.append(RowError(1, label, "cc.import.column_unknown", {"columns": ", ".join(COLUMNS)}))
        elif name in columns:
            errors.append(RowError(1, label, "cc.import.column_twice"))
        columns.append(name or "")
    for name in REQUIRED_COLUMNS:
        if name not in columns:
            errors.append(RowError(1, name, "cc.import.column_missing", {"name": name}))
    return columns, errors


def _plan(rows: list[tuple[int, dict[str, str]]]) -> tuple[list[tuple[Customer, Checked]], list[RowError]]:
    """Check every row against the database and the other rows; return what to save and the errors."""
    plans: list[tuple[Customer, Checked]] = []
    errors: list[RowError] = []
    seen_numbers: dict[str, int] = {}
    seen_ids: dict[int, int] = {}
    for index, cells in rows:
        data = CustomerInput(
            name=cells.get("name", ""),
            phone=cells.get("phone", ""),
            company=cells.get("company", ""),
            notes=cells.get("notes", ""),
            priority=cells.get("priority", "") or 0,
            tags=cells.get("tags", ""),
        )
        target, problem = _target(index, cells.get("id", ""), data.phone, seen_ids)
        if problem is not None:
            errors.append(problem)
            continue
        checked, bad, params = check_customer(data, target)
        errors.extend(RowError(index, name, key, params[name]) for name, key in bad.items())
        for number in checked.numbers if checked else ():
            if number in seen_numbers:
                args = {"number": number, "other": seen_numbers[number]}
                errors.append(RowError(index, "phone", "cc.import.phone_in_row", args))
                break
            seen_numbers[number] = index
        if checked is not None:
            plans.append((target or Customer(), checked))
    return plans, errors


def _target(
    index: int, id_text: str, phone: str, seen_ids: dict[int, int]
) -> tuple[Customer | None, RowError | None]:
    """Return the customer a row updates (None: a new one), or the row's error."""
    id_text = id_text.strip()
    if id_text:
        customer_id = parse_number(id_text, integer=True)
        row = Customer.get_or_none(Customer.id == customer_id) if customer_id is not None else None
        if row is None:
            return None, RowError(index, "id", "cc.import.id_unknown", {"value": id_text})
        if row.id in seen_ids:
            return None, RowError(
                index, "id", "cc.import.id_in_row", {"value": id_text, "other": seen_ids[row.id]}
            )
        seen_ids[row.id] = index
        return row, None
    numbers = {normalize_number(p) for p in NUMBER_SPLIT_RE.split(phone.strip()) if p} - {None}
    owners = {}
    for number in sorted(n for n in numbers if n):
        owner = owner_of(number)
        if owner is not None:
            owners[owner.id] = owner
    if len(owners) > 1:
        names = ", ".join(o.name for o in owners.values())
        return None, RowError(index, "phone", "cc.import.two_customers", {"names": names})
    if owners:
        row = next(iter(owners.values()))
        if row.id in seen_ids:
            return None, RowError(index, "phone", "cc.import.customer_in_row", {"other": seen_ids[row.id]})
        seen_ids[row.id] = index
        return row, None
    return None, None

"""Board files (board-configs/<board>/board.toml) parsed into frozen dataclasses, validated on load.

Every error is a BoardConfigError naming the file, the key (e.g. ``slots[1].eeprom.address``) and
the reason: unknown chip, unknown bus or bus type, unknown module kind, pin used twice, I2C address
clash on one bus, SPI chip-select clash, PCM slot clash, missing slot fields, bad country.
The parts and module kinds a board may name are the tables in hal.boardfacts.
"""

from __future__ import annotations

import dataclasses
import logging
import tomllib
import types
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from hal.boardfacts import BUS_TYPES, CHIPS, GPIO_LINES_DEFAULT, SLOT_KINDS
from hal.country import CALLER_ID_STANDARDS, COUNTRIES, DEFAULT_COUNTRY
from hal.errors import BoardConfigError

log = logging.getLogger(__name__)

CONFIGS_DIR = Path(__file__).resolve().parent.parent / "board-configs"


@dataclasses.dataclass(frozen=True)
class BusSpec:
    """One bus of the SoC: an I2C adapter, an SPI controller, a UART or a PCM/TDM interface."""

    name: str
    type: str
    device: str | int
    pins: tuple[int, ...] = ()
    cs_pins: tuple[int, ...] = ()  # SPI: one GPIO per chip select (cs-gpios); index = spidevB.<cs>
    speed_hz: int = 1_000_000
    mode: int = 3
    baud: int = 115200
    slots: int = 32  # PCM: 16-bit time slots per frame


@dataclasses.dataclass(frozen=True)
class ChipRef:
    """An I2C chip on a line module: part name and 7-bit address."""

    chip: str
    address: int


@dataclasses.dataclass(frozen=True)
class SlotSpec:
    """One line-module slot: the module kind, its chips, and where they sit on the buses."""

    index: int
    name: str
    kind: str
    ports: int
    port_names: tuple[str, ...]
    i2c: str | None = None
    eeprom: ChipRef | None = None
    expander: ChipRef | None = None
    spi: str | None = None
    chip: str | None = None
    chip_selects: tuple[int, ...] = ()
    pcm: str | None = None
    pcm_slots: tuple[int, ...] = ()
    uart: str | None = None
    irq_pin: int | None = None
    reset_pin: int | None = None
    options: Mapping[str, Any] = dataclasses.field(
        default_factory=lambda: types.MappingProxyType({}), hash=False
    )

    @property
    def key(self) -> str:
        return f"slots[{self.index}]"


@dataclasses.dataclass(frozen=True)
class BoardSpec:
    """A whole board: its buses, slots and country, as read from one board file."""

    name: str
    file: str
    description: str
    backend: str  # 'sim' or 'hardware': which backend open_board() picks by default
    country: str
    caller_id: str | None
    status_led: int | None
    reset_button: int | None  # held 10 s at boot: factory reset (firmware/factoryreset.py)
    gpio_lines: int
    buses: Mapping[str, BusSpec] = dataclasses.field(hash=False)
    slots: tuple[SlotSpec, ...]

    def slot(self, name: str) -> SlotSpec:
        for slot in self.slots:
            if slot.name == name:
                return slot
        raise KeyError(f"board {self.name} has no slot {name!r}")

    def port_names(self) -> list[str]:
        return [name for slot in self.slots for name in slot.port_names]


def board_path(name: str, configs_dir: Path | None = None) -> Path:
    """Return the board file of a board name (board-configs/<name>/board.toml) or of a path."""
    candidate = Path(name)
    if candidate.suffix == ".toml":
        return candidate
    return (configs_dir or CONFIGS_DIR) / name / "board.toml"


def load_board(name_or_path: str | Path, configs_dir: Path | None = None) -> BoardSpec:
    """Read and validate a board file; raise BoardConfigError naming the file, key and reason."""
    path = board_path(str(name_or_path), configs_dir)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise BoardConfigError(str(path), "(file)", f"cannot read: {exc.strerror or exc}") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise BoardConfigError(str(path), "(syntax)", str(exc)) from exc
    return parse_board(data, str(path))


class _Parser:
    """Validate one board document; every check raises BoardConfigError(file, key, reason)."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.pins: dict[int, str] = {}  # GPIO line -> key that uses it
        self.i2c_addresses: dict[tuple[str, int], str] = {}
        self.chip_selects: dict[tuple[str, int], str] = {}
        self.pcm_slots: dict[tuple[str, int], str] = {}
        self.gpio_lines = GPIO_LINES_DEFAULT

    def fail(self, key: str, reason: str) -> BoardConfigError:
        return BoardConfigError(self.file, key, reason)

    # --- scalar parsers -----------------------------------------------------------------
    def table(self, value: Any, key: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(key, f"must be a table, got {type(value).__name__}")
        return value

    def text(self, value: Any, key: str) -> str:
        if not isinstance(value, str) or not value:
            raise self.fail(key, "must be a non-empty string")
        return value

    def integer(self, value: Any, key: str, low: int, high: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(key, f"must be an integer, got {value!r}")
        if not low <= value <= high:
            raise self.fail(key, f"{value} out of range {low}-{high}")
        return value

    def int_list(self, value: Any, key: str, low: int, high: int) -> tuple[int, ...]:
        if not isinstance(value, list):
            raise self.fail(key, "must be a list of integers")
        return tuple(self.integer(v, f"{key}[{i}]", low, high) for i, v in enumerate(value))

    def only_keys(self, table: Mapping[str, Any], allowed: tuple[str, ...], key: str) -> None:
        for name in table:
            if name not in allowed:
                raise self.fail(
                    f"{key}.{name}" if key else name, f"unknown key (allowed: {', '.join(allowed)})"
                )

    def pin(self, value: Any, key: str) -> int:
        line = self.integer(value, key, 0, self.gpio_lines - 1)
        if line in self.pins:
            raise self.fail(key, f"GPIO {line} used twice: already used by {self.pins[line]}")
        self.pins[line] = key
        return line

    # --- sections -----------------------------------------------------------------------
    def board(self, data: Mapping[str, Any]) -> dict[str, Any]:
        if "board" not in data:
            raise self.fail("board", "missing [board] table")
        board = self.table(data["board"], "board")
        allowed = (
            "name",
            "description",
            "backend",
            "country",
            "caller_id",
            "status_led",
            "reset_button",
            "gpio_lines",
        )
        self.only_keys(board, allowed, "board")
        if "gpio_lines" in board:
            self.gpio_lines = self.integer(board["gpio_lines"], "board.gpio_lines", 1, 1024)
        country = board.get("country", DEFAULT_COUNTRY)
        if not isinstance(country, str) or country.lower() not in COUNTRIES:
            raise self.fail(
                "board.country", f"unknown country {country!r} (known: {', '.join(sorted(COUNTRIES))})"
            )
        caller_id = board.get("caller_id")
        if caller_id is not None and caller_id not in CALLER_ID_STANDARDS:
            known = ", ".join(sorted(CALLER_ID_STANDARDS))
            raise self.fail("board.caller_id", f"unknown caller-ID standard {caller_id!r} (known: {known})")
        backend = board.get("backend", "hardware")
        if backend not in ("sim", "hardware"):
            raise self.fail("board.backend", f"must be 'sim' or 'hardware', got {backend!r}")
        status_led = board.get("status_led")
        reset_button = board.get("reset_button")
        return {
            "name": self.text(board.get("name"), "board.name"),
            "description": str(board.get("description", "")),
            "backend": backend,
            "country": country.lower(),
            "caller_id": caller_id,
            "status_led": None if status_led is None else self.pin(status_led, "board.status_led"),
            "reset_button": None if reset_button is None else self.pin(reset_button, "board.reset_button"),
            "gpio_lines": self.gpio_lines,
        }

    def bus(self, name: str, value: Any) -> BusSpec:
        key = f"buses.{name}"
        table = self.table(value, key)
        kind = table.get("type")
        if kind not in BUS_TYPES:
            raise self.fail(f"{key}.type", f"unknown bus type {kind!r} (known: {', '.join(BUS_TYPES)})")
        facts = BUS_TYPES[kind]
        self.only_keys(table, ("type", *facts["keys"]), key)  # type: ignore[misc]
        if "device" not in table:
            raise self.fail(f"{key}.device", "missing")
        device = table["device"]
        if not isinstance(device, int | str) or isinstance(device, bool):
            raise self.fail(f"{key}.device", "must be a bus number or a device path")
        pin_names: tuple[str, ...] = facts["pins"]  # type: ignore[assignment]
        pins: tuple[int, ...] = ()
        if "pins" in table:
            raw = table["pins"]
            if not isinstance(raw, list) or len(raw) != len(pin_names):
                raise self.fail(
                    f"{key}.pins", f"must list {len(pin_names)} GPIO lines: {', '.join(pin_names)}"
                )
            pins = tuple(self.pin(v, f"{key}.pins[{i}] ({pin_names[i]})") for i, v in enumerate(raw))
        cs_pins: tuple[int, ...] = ()
        if kind == "spi":
            raw_cs = table.get("cs_pins")
            if not isinstance(raw_cs, list) or not raw_cs:
                raise self.fail(f"{key}.cs_pins", "missing: list the GPIO line of each chip select")
            cs_pins = tuple(self.pin(v, f"{key}.cs_pins[{i}]") for i, v in enumerate(raw_cs))
        return BusSpec(
            name=name,
            type=kind,
            device=device,
            pins=pins,
            cs_pins=cs_pins,
            speed_hz=self.integer(table.get("speed_hz", 1_000_000), f"{key}.speed_hz", 1000, 50_000_000),
            mode=self.integer(table.get("mode", 3), f"{key}.mode", 0, 3),
            baud=self.integer(table.get("baud", 115200), f"{key}.baud", 300, 4_000_000),
            slots=self.integer(table.get("slots", 32), f"{key}.slots", 1, 256),
        )

    def bus_ref(self, buses: Mapping[str, BusSpec], value: Any, key: str, kind: str) -> BusSpec:
        name = self.text(value, key)
        if name not in buses:
            raise self.fail(key, f"unknown bus {name!r} (defined: {', '.join(buses) or 'none'})")
        if buses[name].type != kind:
            raise self.fail(key, f"bus {name!r} is {buses[name].type}, expected {kind}")
        return buses[name]

    def chip_name(self, value: Any, key: str, roles: tuple[str, ...]) -> str:
        name = self.text(value, key)
        if name not in CHIPS:
            raise self.fail(key, f"unknown chip {name!r} (known: {', '.join(sorted(CHIPS))})")
        if CHIPS[name].role not in roles:
            raise self.fail(key, f"chip {name!r} is a {CHIPS[name].role}, expected {' or '.join(roles)}")
        return name

    def i2c_chip(self, value: Any, key: str, bus: BusSpec, role: str) -> ChipRef:
        table = self.table(value, key)
        self.only_keys(table, ("chip", "address"), key)
        if "chip" not in table or "address" not in table:
            raise self.fail(key, 'needs chip and address, e.g. { chip = "at24c02", address = 0x50 }')
        chip = self.chip_name(table["chip"], f"{key}.chip", (role,))
        address = self.integer(table["address"], f"{key}.address", 0x03, 0x77)
        where = (bus.name, address)
        if where in self.i2c_addresses:
            raise self.fail(
                f"{key}.address",
                f"I2C address {address:#04x} on {bus.name} already used by {self.i2c_addresses[where]}",
            )
        self.i2c_addresses[where] = key
        return ChipRef(chip, address)

    def slot(
        self, index: int, value: Any, buses: Mapping[str, BusSpec], names: dict[str, int]
    ) -> dict[str, Any]:
        key = f"slots[{index}]"
        table = self.table(value, key)
        kind_name = table.get("kind")
        if kind_name is None:
            raise self.fail(f"{key}.kind", "missing slot field")
        if kind_name not in SLOT_KINDS:
            raise self.fail(
                f"{key}.kind", f"unknown module kind {kind_name!r} (known: {', '.join(SLOT_KINDS)})"
            )
        kind = SLOT_KINDS[kind_name]
        self.only_keys(table, (*kind.required, *kind.optional), key)
        for required in kind.required:
            if required not in table:
                raise self.fail(f"{key}.{required}", f"missing slot field (required for {kind_name} modules)")
        name = self.text(table.get("name", f"slot{index + 1}"), f"{key}.name")
        if name in names:
            raise self.fail(f"{key}.name", f"slot name {name!r} used twice (also slots[{names[name]}])")
        names[name] = index
        ports = self.integer(table.get("ports", 1), f"{key}.ports", 1, kind.max_ports)
        out: dict[str, Any] = {"index": index, "name": name, "kind": kind_name, "ports": ports}
        if "i2c" in table:
            bus = self.bus_ref(buses, table["i2c"], f"{key}.i2c", "i2c")
            out["i2c"] = bus.name
            for part, role in (("eeprom", "eeprom"), ("expander", "gpio")):
                if part in table:
                    out[part] = self.i2c_chip(table[part], f"{key}.{part}", bus, role)
        elif "eeprom" in table or "expander" in table:
            raise self.fail(f"{key}.i2c", "missing slot field (the eeprom/expander need an i2c bus)")
        if "chip" in table:
            out["chip"] = self.chip_name(table["chip"], f"{key}.chip", kind.chip_roles)
        if "spi" in table:
            spi = self.bus_ref(buses, table["spi"], f"{key}.spi", "spi")
            out["spi"] = spi.name
            selects = self.int_list(table.get("chip_selects"), f"{key}.chip_selects", 0, 255)
            for i, cs in enumerate(selects):
                ck = f"{key}.chip_selects[{i}]"
                if cs >= len(spi.cs_pins):
                    raise self.fail(ck, f"chip select {cs} out of range ({spi.name} has {len(spi.cs_pins)})")
                if (spi.name, cs) in self.chip_selects:
                    raise self.fail(
                        ck,
                        f"SPI chip select {spi.name}.{cs} already used by {self.chip_selects[(spi.name, cs)]}",
                    )
                self.chip_selects[(spi.name, cs)] = ck
            out["chip_selects"] = selects
        elif "chip_selects" in table:
            raise self.fail(f"{key}.spi", "missing slot field (chip_selects need an spi bus)")
        if "pcm" in table:
            pcm = self.bus_ref(buses, table["pcm"], f"{key}.pcm", "pcm")
            out["pcm"] = pcm.name
            slots = self.int_list(table.get("pcm_slots"), f"{key}.pcm_slots", 0, pcm.slots - 1)
            for i, ts in enumerate(slots):
                sk = f"{key}.pcm_slots[{i}]"
                if (pcm.name, ts) in self.pcm_slots:
                    raise self.fail(
                        sk, f"PCM slot {ts} on {pcm.name} already used by {self.pcm_slots[(pcm.name, ts)]}"
                    )
                self.pcm_slots[(pcm.name, ts)] = sk
            out["pcm_slots"] = slots
        for per_port in kind.per_port:
            if len(out.get(per_port, ())) != ports:
                got = len(out.get(per_port, ()))
                raise self.fail(f"{key}.{per_port}", f"needs one entry per port ({ports}), got {got}")
        if "uart" in table:
            out["uart"] = self.bus_ref(buses, table["uart"], f"{key}.uart", "uart").name
        for pin_key in ("irq_pin", "reset_pin"):
            if pin_key in table:
                out[pin_key] = self.pin(table[pin_key], f"{key}.{pin_key}")
        if "options" in table:
            out["options"] = types.MappingProxyType(dict(self.table(table["options"], f"{key}.options")))
        return out


def parse_board(data: Mapping[str, Any], file: str = "<board>") -> BoardSpec:
    """Validate a parsed board document into a BoardSpec (see the module docstring for the checks)."""
    p = _Parser(file)
    p.only_keys(data, ("board", "buses", "slots"), "")
    board = p.board(data)
    buses = {name: p.bus(name, value) for name, value in p.table(data.get("buses", {}), "buses").items()}
    raw_slots = data.get("slots", [])
    if not isinstance(raw_slots, list) or not raw_slots:
        raise p.fail("slots", "missing: a board needs at least one [[slots]] table")
    names: dict[str, int] = {}
    parsed = [p.slot(i, value, buses, names) for i, value in enumerate(raw_slots)]
    counters: dict[str, int] = {}
    slots = []
    for fields in parsed:
        prefix = SLOT_KINDS[fields["kind"]].port_prefix
        port_names = []
        for _ in range(fields["ports"]):
            counters[prefix] = counters.get(prefix, 0) + 1
            n = counters[prefix]
            # FXS/FXO ports are numbered from 1; the first E1 span is plain 'e1', further ones 'e1-2'...
            port_names.append(f"{prefix}{n}" if prefix != "e1" else ("e1" if n == 1 else f"e1-{n}"))
        slots.append(SlotSpec(port_names=tuple(port_names), **fields))
    spec = BoardSpec(buses=types.MappingProxyType(buses), slots=tuple(slots), file=file, **board)
    log.debug("board %s from %s: %d slots, ports %s", spec.name, file, len(slots), spec.port_names())
    return spec

"""Read and write the A/B boot state file on BOOT (`bootstate.env`), and act as RAUC's custom backend.

The file holds the variables RAUC's U-Boot integration uses, one `KEY=value` a line:

    ORDER="A B"   slots in boot priority order
    A_OK=1        the slot holds a good system (0: never boot it)
    A_TRY=3       boots left before the chooser skips it; every boot of the slot takes one,
                  `rauc status mark-good` (health passed) gives the slot its 3 tries back

Three programs share it: the initramfs chooser (`stages/40-rauc/.../pbx-slot`, busy-box
shell, picks and decrements), RAUC's `bootloader=custom` backend (`python -m
firmware.bootstate --file F <get-primary|set-primary|get-state|set-state|get-current>`, this
module) and the tests. `choose()` here is the same rule the shell chooser applies; a test runs
both on the same files and compares.
"""

from __future__ import annotations

import dataclasses
import os
import re
import sys
from pathlib import Path

from firmware.errors import BootStateError

SLOTS = ("A", "B")
TRIES = 3
_LINE = re.compile(r'^\s*([A-Z_]+)=("?)([^"]*)\2\s*$')


@dataclasses.dataclass
class BootState:
    """The A/B boot variables; `ok` and `tries` are keyed by slot name."""

    order: list[str]
    ok: dict[str, int]
    tries: dict[str, int]

    @classmethod
    def default(cls) -> BootState:
        """A freshly written image: A is good and first, B is empty."""
        return cls(order=["A", "B"], ok={"A": 1, "B": 0}, tries={"A": TRIES, "B": 0})

    def render(self) -> str:
        lines = [f'ORDER="{" ".join(self.order)}"']
        for slot in SLOTS:
            lines += [f"{slot}_OK={self.ok[slot]}", f"{slot}_TRY={self.tries[slot]}"]
        return "\n".join(lines) + "\n"


def parse(text: str, source: str = "bootstate.env") -> BootState:
    """Parse the file's text; a bad line or value raises BootStateError naming it."""
    values: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _LINE.match(line)
        if not match:
            raise BootStateError(f"{source} line {number}: not KEY=value: {line!r}")
        values[match.group(1)] = match.group(3)
    order = values.get("ORDER", "A B").split()
    if sorted(order) != sorted(set(order)) or not set(order) <= set(SLOTS) or not order:
        raise BootStateError(
            f"{source}: ORDER must list slots among {' '.join(SLOTS)} once each, not {order}"
        )
    state = BootState(order=order, ok={}, tries={})
    for slot in SLOTS:
        for key, table, top in ((f"{slot}_OK", state.ok, 1), (f"{slot}_TRY", state.tries, TRIES)):
            raw = values.get(key, "0")
            if not raw.isdigit() or int(raw) > top:
                raise BootStateError(f"{source}: {key} must be a number 0-{top}, not {raw!r}")
            table[slot] = int(raw)
    return state


def load(path: Path) -> BootState:
    try:
        return parse(path.read_text(encoding="ascii"), str(path))
    except FileNotFoundError:
        return BootState.default()


def save(path: Path, state: BootState) -> None:
    """Write the file whole (temporary file, fsync, rename) so a power cut leaves the old or the new one."""
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="ascii") as fh:
        fh.write(state.render())
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def choose(state: BootState) -> str:
    """Pick the slot to boot and take one of its tries (the initramfs chooser's rule).

    The first slot in ORDER that is OK with tries left wins. A slot passed over because it is
    OK but out of tries used them all without a mark-good: it becomes bad (OK=0), as
    `rauc status mark-bad` would make it. With no slot left at all, the last slot in ORDER
    (the one running before the newest install) gets 2 more tries, so the box always boots.
    """
    for slot in state.order:
        if state.ok[slot] and state.tries[slot] > 0:
            state.tries[slot] -= 1
            return slot
        state.ok[slot] = 0
    slot = state.order[-1]
    state.ok[slot], state.tries[slot] = 1, TRIES - 1
    return slot


def primary(state: BootState) -> str:
    """The slot the next boot will choose (RAUC's get-primary)."""
    return choose(BootState(order=list(state.order), ok=dict(state.ok), tries=dict(state.tries)))


def set_primary(state: BootState, slot: str) -> None:
    """Make a freshly installed slot boot next with a full set of tries."""
    _check_slot(slot)
    state.order = [slot] + [s for s in state.order if s != slot]
    state.ok[slot] = 1
    state.tries[slot] = TRIES


def set_state(state: BootState, slot: str, good: bool) -> None:
    """`good` (mark-good: health passed) restores the tries; bad takes the slot out of ORDER's reach."""
    _check_slot(slot)
    state.ok[slot] = 1 if good else 0
    state.tries[slot] = TRIES if good else 0


def _check_slot(slot: str) -> None:
    if slot not in SLOTS:
        raise BootStateError(f"unknown slot {slot!r}: the box has slots {' and '.join(SLOTS)}")


def current_slot(marker: Path = Path("/run/pbx-boot-slot")) -> str:
    """The slot the initramfs booted (it writes its choice to /run)."""
    try:
        slot = marker.read_text(encoding="ascii").strip()
    except FileNotFoundError as exc:
        raise BootStateError(f"{marker} is missing: the initramfs slot chooser did not run") from exc
    _check_slot(slot)
    return slot


def backend(argv: list[str], path: Path, marker: Path) -> str:
    """Run one RAUC custom-backend command on the file; return what it prints."""
    if not argv:
        raise BootStateError(
            "usage: get-primary | set-primary SLOT | get-state SLOT | set-state SLOT good|bad"
        )
    command, args = argv[0], argv[1:]
    state = load(path)
    if command == "get-primary":
        return primary(state)
    if command == "get-current":
        return current_slot(marker)
    if command == "get-state" and len(args) == 1:
        _check_slot(args[0])
        return "good" if state.ok[args[0]] else "bad"
    if command == "set-primary" and len(args) == 1:
        set_primary(state, args[0])
    elif command == "set-state" and len(args) == 2 and args[1] in ("good", "bad"):
        set_state(state, args[0], args[1] == "good")
    else:
        raise BootStateError(f"unknown backend command: {' '.join(argv)}")
    save(path, state)
    return ""


def main(argv: list[str] | None = None) -> int:
    """`python -m firmware.bootstate [--file F] [--marker M] COMMAND ...` (RAUC's custom backend)."""
    args = list(sys.argv[1:] if argv is None else argv)
    path = Path(os.environ.get("PBX_BOOTSTATE", "/boot/firmware/bootstate.env"))
    marker = Path("/run/pbx-boot-slot")
    while args and args[0] in ("--file", "--marker"):
        if len(args) < 2:
            print(f"bootstate: {args[0]} needs a path", file=sys.stderr)
            return 2
        if args[0] == "--file":
            path = Path(args[1])
        else:
            marker = Path(args[1])
        args = args[2:]
    try:
        out = backend(args, path, marker)
    except BootStateError as exc:
        print(f"bootstate: {exc}", file=sys.stderr)
        return 1
    if out:
        print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())

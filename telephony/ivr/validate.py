"""Check an IVR flow before it is activated: every problem found, each naming its node.

A flow is a set of nodes by key, entered at `entry`. What each kind reads:

    kind     params                                              branches (outcome -> node key)
    play     text | file                                         next (none: hang up after)
    menu     text | file, timeout (5 s), retries (2)             "0".."9", "*", "#", invalid, timeout
    collect  text | file, variable, min (1), max (20),           next, timeout (fewer than min digits)
             terminator ("#"), timeout (5 s)
    time     hours {"mon": "09:00-12:00,13:00-18:00", ...},      open, closed, holiday (default closed)
             holidays ["2026-10-01", ...], override
             ("auto" | "day" | "night")
    http     url, method (GET | POST), timeout (3 s),            the field's value, default, fallback
             field (JSON key branched on), say (key spoken),     (timeout, error, bad reply)
             say_text ("... {value} ...")
    set      priority (int) and/or language (zh-CN | en)         next
    goto     target (queue | extension | ivr | voicemail |       (none)
             hangup), number

`text` is spoken by text-to-speech in the call's language and may name collected variables as
{name}; `file` is an uploaded prompt under <media>/prompts/. Problems: an unknown kind, a missing
prompt (no text and no file, or a file not on disk), a dangling target (a branch to a node that
does not exist, a goto to a queue, extension or IVR number that does not exist), a node no path
from the entry reaches, and a loop a caller could go round without pressing a key.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from telephony.errors import TelephonyError
from telephony.models.ivr import GOTO_TARGETS, NODE_KINDS
from telephony.prompts import LANGUAGES

INPUT_KINDS = ("menu", "collect")  # a caller's key press happens only in these
MENU_KEYS = set("0123456789*#")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
RANGE_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$")


class FlowInvalid(TelephonyError, ValueError):
    """A flow has problems; it was not activated. `problems` lists them, each naming its node."""

    def __init__(self, flow: str, problems: list[str]) -> None:
        self.flow = flow
        self.problems = problems
        super().__init__(f"IVR {flow}: " + "; ".join(problems))


@dataclasses.dataclass(frozen=True)
class Node:
    """A node as the validator and the runtime see it (plain data, no database row)."""

    key: str
    kind: str
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    branches: Mapping[str, str] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class Directory:
    """What numbers exist outside the flow: each a predicate on a number."""

    queue: Callable[[str], bool]
    extension: Callable[[str], bool]
    ivr: Callable[[str], bool]
    prompt_dir: Path | None = None  # where uploaded prompts live; None: files are not checked
    voicemail: Callable[[str], bool] = lambda number: False  # an enabled mailbox has this number


def parse_hours(text: str) -> list[tuple[int, int]]:
    """'09:00-12:00,13:00-18:00' -> [(540, 720), (780, 1080)] minutes; ValueError names the bad part."""
    out = []
    for part in (p.strip() for p in str(text).split(",")):
        if not part:
            continue
        match = RANGE_RE.match(part)
        if match is None:
            raise ValueError(f"{part!r} is not HH:MM-HH:MM")
        start = int(match[1]) * 60 + int(match[2])
        end = int(match[3]) * 60 + int(match[4])
        if end <= start or end > 24 * 60:
            raise ValueError(f"{part!r} ends before it starts")
        out.append((start, end))
    return out


def validate(entry: str, nodes: Mapping[str, Node], directory: Directory) -> list[str]:
    """Return every problem of the flow (empty: the flow may be activated)."""
    problems: list[str] = []
    if entry not in nodes:
        problems.append(f"entry node '{entry}' does not exist")
    for node in nodes.values():
        problems += [f"node '{node.key}': {p}" for p in _node_problems(node, nodes, directory)]
    if entry in nodes:
        reached = _reachable(entry, nodes)
        problems += [f"node '{k}' is unreachable from '{entry}'" for k in nodes if k not in reached]
    problems += [f"loop without input: {' -> '.join(cycle)}" for cycle in _silent_loops(nodes)]
    return problems


def _node_problems(node: Node, nodes: Mapping[str, Node], directory: Directory) -> list[str]:
    kind, params, branches = node.kind, node.params, node.branches
    if kind not in NODE_KINDS:
        return [f"unknown kind '{kind}' (use {', '.join(NODE_KINDS)})"]
    out: list[str] = []
    for outcome, target in branches.items():
        if target and target not in nodes:
            out.append(f"branch '{outcome}' goes to missing node '{target}'")
    if kind in ("play", "menu", "collect"):
        out += _prompt_problems(params, directory)
    if kind == "menu":
        digits = [k for k in branches if k not in ("invalid", "timeout")]
        if not digits:
            out.append("menu has no key to press")
        out += [f"'{k}' is not a phone key" for k in digits if k not in MENU_KEYS]
        out += _number_problems(params, ("timeout",), ("retries",))
    elif kind == "collect":
        if not str(params.get("variable", "")).strip():
            out.append("collect has no variable to store the digits in")
        out += _number_problems(params, ("timeout",), ("min", "max"))
        if not out and int(params.get("min", 1)) > int(params.get("max", 20)):
            out.append("min is larger than max")
        if not branches.get("next"):
            out.append("collect has no 'next' node")
    elif kind == "time":
        out += _time_problems(params)
        if not branches.get("open") or not branches.get("closed"):
            out.append("time condition needs both an 'open' and a 'closed' node")
    elif kind == "http":
        url = str(params.get("url", ""))
        if not url.startswith(("http://", "https://")):
            out.append(f"url {url!r} is not an http(s) URL")
        if str(params.get("method", "GET")).upper() not in ("GET", "POST"):
            out.append("method must be GET or POST")
        out += _number_problems(params, ("timeout",), ())
        if not branches.get("fallback"):
            out.append("http lookup has no 'fallback' node (taken on timeout or error)")
    elif kind == "set":
        language = params.get("language")
        if language is not None and language not in LANGUAGES:
            out.append(f"language {language!r} is not one of {', '.join(LANGUAGES)}")
        if "priority" in params:
            out += _number_problems(params, (), ("priority",))
        if language is None and "priority" not in params:
            out.append("set changes nothing (give priority or language)")
    elif kind == "goto":
        out += _goto_problems(params, directory)
    return out


def _prompt_problems(params: Mapping[str, Any], directory: Directory) -> list[str]:
    text, name = str(params.get("text", "")).strip(), str(params.get("file", "")).strip()
    if not text and not name:
        return ["missing prompt (give text or an uploaded file)"]
    if name and directory.prompt_dir is not None:
        path = (directory.prompt_dir / name).resolve()
        if directory.prompt_dir.resolve() not in path.parents:
            return [f"prompt file {name!r} is outside the prompt folder"]
        if not path.is_file():
            return [f"missing prompt file {name!r}"]
    return []


def _number_problems(params: Mapping[str, Any], floats: tuple[str, ...], ints: tuple[str, ...]) -> list[str]:
    out = []
    for key in floats:
        if key in params:
            try:
                if float(params[key]) <= 0:
                    out.append(f"{key} must be more than 0")
            except (TypeError, ValueError):
                out.append(f"{key} {params[key]!r} is not a number")
    for key in ints:
        if key in params:
            value = params[key]
            if (
                isinstance(value, bool)
                or not isinstance(value, int | str)
                or not str(value).lstrip("-").isdigit()
            ):
                out.append(f"{key} {value!r} is not a whole number")
            elif int(value) < 0:
                out.append(f"{key} must not be negative")
    return out


def _time_problems(params: Mapping[str, Any]) -> list[str]:
    out = []
    hours = params.get("hours", {})
    if not isinstance(hours, Mapping):
        return ["hours must map weekdays (mon..sun) to HH:MM-HH:MM ranges"]
    for day, text in hours.items():
        if day not in WEEKDAYS:
            out.append(f"'{day}' is not a weekday (use {', '.join(WEEKDAYS)})")
            continue
        try:
            parse_hours(text)
        except ValueError as exc:
            out.append(f"hours on {day}: {exc}")
    for day in params.get("holidays", []) or []:
        try:
            dt.date.fromisoformat(str(day))
        except ValueError:
            out.append(f"holiday {day!r} is not a date (YYYY-MM-DD)")
    if params.get("override", "auto") not in ("auto", "day", "night"):
        out.append("override must be auto, day or night")
    return out


def _goto_problems(params: Mapping[str, Any], directory: Directory) -> list[str]:
    target, number = params.get("target"), str(params.get("number", ""))
    if target not in GOTO_TARGETS:
        return [f"goto target {target!r} is not one of {', '.join(GOTO_TARGETS)}"]
    if target == "hangup":
        return []
    exists = {
        "queue": directory.queue,
        "extension": directory.extension,
        "ivr": directory.ivr,
        "voicemail": directory.voicemail,
    }[target]
    if not number:
        return [f"goto {target} has no number"]
    if not exists(number):
        return [f"goto {target} {number} does not exist"]
    return []


def successors(node: Node) -> list[str]:
    return [t for t in node.branches.values() if t]


def _reachable(entry: str, nodes: Mapping[str, Node]) -> set[str]:
    seen, todo = {entry}, [entry]
    while todo:
        node = nodes.get(todo.pop())
        for nxt in successors(node) if node is not None else []:
            if nxt not in seen and nxt in nodes:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _silent_loops(nodes: Mapping[str, Node]) -> list[list[str]]:
    """Cycles through nodes that never wait for a key (a caller would go round for ever)."""
    silent = {k for k, n in nodes.items() if n.kind not in INPUT_KINDS}
    found: list[list[str]] = []
    done: set[str] = set()
    for start in sorted(silent):
        if start in done:
            continue
        stack: list[tuple[str, list[str]]] = [(start, [start])]
        while stack:
            key, path = stack.pop()
            for nxt in successors(nodes[key]):
                if nxt == start:
                    found.append([*path, start])
                elif nxt in silent and nxt not in path and nxt not in done:
                    stack.append((nxt, [*path, nxt]))
        done.add(start)
    return found


def db_directory(media_dir: Path | None = None) -> Directory:
    """The numbers that exist in the box database (queues, extensions and FXS ports, IVR flows)."""
    from telephony.models import Extension, IvrFlow, Mailbox
    from telephony.models.callcenter import Queue
    from telephony.models.lines import PortSetting

    return Directory(
        queue=lambda n: Queue.select().where(Queue.number == n).exists(),
        extension=lambda n: (
            Extension.select().where(Extension.number == n).exists()
            or PortSetting.select().where(PortSetting.number == n).exists()
        ),
        ivr=lambda n: IvrFlow.select().where(IvrFlow.number == n).exists(),
        prompt_dir=media_dir / "prompts" if media_dir is not None else None,
        voicemail=lambda n: Mailbox.select().where((Mailbox.number == n) & Mailbox.enabled).exists(),
    )


def flow_nodes(flow: Any) -> dict[str, Node]:
    """The nodes of an IvrFlow row as plain data."""
    from telephony.models import IvrNode

    rows = IvrNode.select().where(IvrNode.flow == flow).order_by(IvrNode.id)
    return {r.key: Node(r.key, r.kind, r.params_dict, r.branches_dict) for r in rows}


def check_flow(flow: Any, media_dir: Path | None = None) -> list[str]:
    """Every problem of a stored flow."""
    return validate(flow.entry, flow_nodes(flow), db_directory(media_dir))


def activate(flow: Any, media_dir: Path | None = None) -> None:
    """Mark a stored flow active, or raise FlowInvalid (the flow stays as it was)."""
    from telephony.models import utcnow

    problems = check_flow(flow, media_dir)
    if problems:
        raise FlowInvalid(flow.number, problems)
    flow.active = True
    flow.updated = utcnow()
    flow.save()

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
             say_text ("... {value} ..."), say_as (text |
             digits | number | amount: telephony.saynumbers)
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
SAY_AS = ("text", "digits", "number", "amount")  # how an http node speaks its value
RANGE_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$")


class Problem(str):
    """One problem of a flow: its English text as a string, `render(language)` for another language."""

    key: str
    params: dict[str, Any]

    def __new__(cls, key: str, /, **params: Any) -> Problem:
        obj = super().__new__(cls, _say(key, "en", params))
        obj.key, obj.params = key, params
        return obj

    def render(self, language: str) -> str:
        return _say(self.key, language, self.params)


def _say(key: str, language: str, params: Mapping[str, Any]) -> str:
    from telephony.ivr import messages as _messages  # noqa: F401  (registers the texts)
    from telephony.messages import render

    values = {k: (v.render(language) if isinstance(v, Problem) else v) for k, v in params.items()}
    return render(key, language, **values)


def say(problem: str, language: str) -> str:
    """A problem in `language` (a plain string stays as it is)."""
    return problem.render(language) if isinstance(problem, Problem) else problem


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
            raise ValueError(Problem("ivr.problem.hours_format", part=repr(part)))
        start = int(match[1]) * 60 + int(match[2])
        end = int(match[3]) * 60 + int(match[4])
        if end <= start or end > 24 * 60:
            raise ValueError(Problem("ivr.problem.hours_order", part=repr(part)))
        out.append((start, end))
    return out


def validate(entry: str, nodes: Mapping[str, Node], directory: Directory) -> list[str]:
    """Return every problem of the flow (empty: the flow may be activated)."""
    problems: list[str] = []
    if entry not in nodes:
        problems.append(Problem("ivr.problem.entry", entry=entry))
    for node in nodes.values():
        problems += [
            Problem("ivr.problem.at_node", node=node.key, problem=p)
            for p in _node_problems(node, nodes, directory)
        ]
    if entry in nodes:
        reached = _reachable(entry, nodes)
        problems += [
            Problem("ivr.problem.unreachable", node=k, entry=entry) for k in nodes if k not in reached
        ]
    problems += [Problem("ivr.problem.loop", path=" -> ".join(cycle)) for cycle in _silent_loops(nodes)]
    return problems


def _node_problems(node: Node, nodes: Mapping[str, Node], directory: Directory) -> list[str]:
    kind, params, branches = node.kind, node.params, node.branches
    if kind not in NODE_KINDS:
        return [Problem("ivr.problem.kind", kind=kind, kinds=", ".join(NODE_KINDS))]
    out: list[str] = []
    for outcome, target in branches.items():
        if target and target not in nodes:
            out.append(Problem("ivr.problem.dangling", outcome=outcome, target=target))
    if kind in ("play", "menu", "collect"):
        out += _prompt_problems(params, directory)
    if kind == "menu":
        digits = [k for k in branches if k not in ("invalid", "timeout")]
        if not digits:
            out.append(Problem("ivr.problem.menu_keys"))
        out += [f"'{k}' is not a phone key" for k in digits if k not in MENU_KEYS]
        out += _number_problems(params, ("timeout",), ("retries",))
    elif kind == "collect":
        if not str(params.get("variable", "")).strip():
            out.append(Problem("ivr.problem.variable"))
        out += _number_problems(params, ("timeout",), ("min", "max"))
        if not out and int(params.get("min", 1)) > int(params.get("max", 20)):
            out.append(Problem("ivr.problem.min_max"))
        if not branches.get("next"):
            out.append(Problem("ivr.problem.collect_next"))
    elif kind == "time":
        out += _time_problems(params)
        if not branches.get("open") or not branches.get("closed"):
            out.append(Problem("ivr.problem.open_closed"))
    elif kind == "http":
        url = str(params.get("url", ""))
        if not url.startswith(("http://", "https://")):
            out.append(Problem("ivr.problem.url", url=repr(url)))
        if str(params.get("method", "GET")).upper() not in ("GET", "POST"):
            out.append(Problem("ivr.problem.method"))
        out += _number_problems(params, ("timeout",), ())
        if not branches.get("fallback"):
            out.append(Problem("ivr.problem.fallback"))
        say_as = params.get("say_as", "text")
        if say_as not in SAY_AS:
            out.append(Problem("ivr.problem.say_as", value=repr(say_as), modes=", ".join(SAY_AS)))
        elif say_as != "text" and not str(params.get("say", "")).strip():
            out.append(Problem("ivr.problem.say_as_without_say"))
    elif kind == "set":
        language = params.get("language")
        if language is not None and language not in LANGUAGES:
            out.append(Problem("ivr.problem.language", value=repr(language), languages=", ".join(LANGUAGES)))
        if "priority" in params:
            out += _number_problems(params, (), ("priority",))
        if language is None and "priority" not in params:
            out.append(Problem("ivr.problem.set_nothing"))
    elif kind == "goto":
        out += _goto_problems(params, directory)
    return out


def _prompt_problems(params: Mapping[str, Any], directory: Directory) -> list[str]:
    text, name = str(params.get("text", "")).strip(), str(params.get("file", "")).strip()
    if not text and not name:
        return [Problem("ivr.problem.prompt")]
    if name and directory.prompt_dir is not None:
        path = (directory.prompt_dir / name).resolve()
        if directory.prompt_dir.resolve() not in path.parents:
            return [Problem("ivr.problem.prompt_outside", name=repr(name))]
        if not path.is_file():
            return [Problem("ivr.problem.prompt_file", name=repr(name))]
    return []


def _number_problems(params: Mapping[str, Any], floats: tuple[str, ...], ints: tuple[str, ...]) -> list[str]:
    out = []
    for key in floats:
        if key in params:
            try:
                if float(params[key]) <= 0:
                    out.append(Problem("ivr.problem.positive", field=key))
            except (TypeError, ValueError):
                out.append(Problem("ivr.problem.number", field=key, value=repr(params[key])))
    for key in ints:
        if key in params:
            value = params[key]
            if (
                isinstance(value, bool)
                or not isinstance(value, int | str)
                or not str(value).lstrip("-").isdigit()
            ):
                out.append(Problem("ivr.problem.integer", field=key, value=repr(value)))
            elif int(value) < 0:
                out.append(Problem("ivr.problem.negative", field=key))
    return out


def _time_problems(params: Mapping[str, Any]) -> list[str]:
    out = []
    hours = params.get("hours", {})
    if not isinstance(hours, Mapping):
        return [Problem("ivr.problem.hours")]
    for day, text in hours.items():
        if day not in WEEKDAYS:
            out.append(Problem("ivr.problem.weekday", day=day, days=", ".join(WEEKDAYS)))
            continue
        try:
            parse_hours(text)
        except ValueError as exc:
            out.append(Problem("ivr.problem.hours_on", day=day, problem=exc.args[0]))
    for day in params.get("holidays", []) or []:
        try:
            dt.date.fromisoformat(str(day))
        except ValueError:
            out.append(Problem("ivr.problem.holiday", day=repr(day)))
    if params.get("override", "auto") not in ("auto", "day", "night"):
        out.append(Problem("ivr.problem.override"))
    return out


def _goto_problems(params: Mapping[str, Any], directory: Directory) -> list[str]:
    target, number = params.get("target"), str(params.get("number", ""))
    if target not in GOTO_TARGETS:
        return [Problem("ivr.problem.goto_target", target=repr(target), targets=", ".join(GOTO_TARGETS))]
    if target == "hangup":
        return []
    exists = {
        "queue": directory.queue,
        "extension": directory.extension,
        "ivr": directory.ivr,
        "voicemail": directory.voicemail,
    }[target]
    if not number:
        return [Problem("ivr.problem.goto_number", target=target)]
    if not exists(number):
        return [Problem("ivr.problem.goto_missing", target=target, number=number)]
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

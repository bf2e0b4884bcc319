"""Edit IVR flows and their nodes: check the input, save, and keep an active flow valid.

pbx-core reads flows from the database for every call, so a saved change needs no reload. An
active flow only takes an edit after which it still validates (the edit is rolled back otherwise
and FlowInvalid names the problems); an inactive flow may be built up step by step and is checked
when activated.

Input errors are `IvrInputError.errors`: field -> (catalog key, arguments), for the web admin to
say in the reader's language.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any

from telephony import numbering
from telephony.errors import NotFound, TelephonyError
from telephony.ivr import messages as _messages  # noqa: F401  (registers the ivr.err.* texts)
from telephony.ivr import validate
from telephony.models import IvrFlow, IvrNode, database, utcnow
from telephony.models.ivr import NODE_KINDS
from telephony.prompts import LANGUAGES

NUMBER_RE = re.compile(r"^[0-9*#]{2,16}$")
KEY_RE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
OVERRIDES = ("auto", "day", "night")


class IvrInputError(TelephonyError, ValueError):
    """The input is not valid; `errors` maps each field to (catalog key, arguments)."""

    def __init__(self, errors: dict[str, tuple[str, dict[str, Any]]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v[0]}" for k, v in errors.items()))


@dataclasses.dataclass(frozen=True)
class FlowInput:
    number: str
    name: str
    language: str = "zh-CN"
    entry: str = "start"


@dataclasses.dataclass(frozen=True)
class NodeInput:
    key: str
    kind: str
    params: str = "{}"  # JSON object text, as typed in the editor
    branches: str = "{}"


@dataclasses.dataclass(frozen=True)
class TreeRow:
    """One line of the flow's tree: a node under its parent's outcome; `again` marks a repeat."""

    depth: int
    outcome: str
    key: str
    node: IvrNode | None
    again: bool


class IvrService:
    """Flows and nodes in the box database."""

    def __init__(self, media_dir: Path | None = None) -> None:
        self.media_dir = media_dir

    # --- flows ------------------------------------------------------------------------------------

    def flows(self) -> list[IvrFlow]:
        return list(IvrFlow.select().order_by(IvrFlow.number))

    def flow(self, flow_id: int) -> IvrFlow:
        row = IvrFlow.get_or_none(IvrFlow.id == flow_id)
        if row is None:
            raise NotFound(f"no IVR flow {flow_id}")
        return row

    def save_flow(self, data: FlowInput, flow_id: int | None = None) -> IvrFlow:
        """Create or change a flow's settings (an active flow stays valid or nothing is saved)."""
        row = self.flow(flow_id) if flow_id is not None else None
        errors: dict[str, tuple[str, dict[str, Any]]] = {}
        if not NUMBER_RE.match(data.number):
            errors["number"] = ("ivr.err.number", {})
        elif self._number_taken(data.number, row):
            errors["number"] = ("ivr.err.number_taken", {"number": data.number})
        if not data.name.strip() or len(data.name) > 64:
            errors["name"] = ("ivr.err.name", {})
        if data.language not in LANGUAGES:
            errors["language"] = ("ivr.err.language", {})
        if not KEY_RE.match(data.entry):
            errors["entry"] = ("ivr.err.key", {})
        if errors:
            raise IvrInputError(errors)
        with database.atomic():
            if row is None:
                row = IvrFlow(active=False)
            row.number, row.name, row.language, row.entry = (
                data.number,
                data.name.strip(),
                data.language,
                data.entry,
            )
            row.updated = utcnow()
            row.save()
            self._keep_valid(row)
        return row

    def delete_flow(self, flow_id: int) -> IvrFlow:
        row = self.flow(flow_id)
        row.delete_instance(recursive=True)
        return row

    def activate(self, flow_id: int) -> IvrFlow:
        """Activate a flow, or raise validate.FlowInvalid (it stays inactive)."""
        row = self.flow(flow_id)
        validate.activate(row, self.media_dir)
        return row

    def deactivate(self, flow_id: int) -> IvrFlow:
        row = self.flow(flow_id)
        row.active, row.updated = False, utcnow()
        row.save()
        return row

    def problems(self, flow: IvrFlow) -> list[str]:
        return validate.check_flow(flow, self.media_dir)

    # --- nodes ------------------------------------------------------------------------------------

    def nodes(self, flow: IvrFlow) -> list[IvrNode]:
        return list(IvrNode.select().where(IvrNode.flow == flow).order_by(IvrNode.key))

    def node(self, flow: IvrFlow, node_id: int) -> IvrNode:
        row = IvrNode.get_or_none((IvrNode.id == node_id) & (IvrNode.flow == flow))
        if row is None:
            raise NotFound(f"no node {node_id} in IVR {flow.number}")
        return row

    def save_node(self, flow: IvrFlow, data: NodeInput, node_id: int | None = None) -> IvrNode:
        """Create or change a node (JSON params and branches checked; an active flow stays valid)."""
        row = self.node(flow, node_id) if node_id is not None else None
        errors: dict[str, tuple[str, dict[str, Any]]] = {}
        if not KEY_RE.match(data.key):
            errors["key"] = ("ivr.err.key", {})
        else:
            clash = IvrNode.get_or_none((IvrNode.flow == flow) & (IvrNode.key == data.key))
            if clash is not None and (row is None or clash.id != row.id):
                errors["key"] = ("ivr.err.key_taken", {"node": data.key})
        if data.kind not in NODE_KINDS:
            errors["kind"] = ("ivr.err.kind", {})
        params, branches = _json_object(data.params), _json_object(data.branches)
        if params is None:
            errors["params"] = ("ivr.err.json", {})
        if branches is None or (branches and not all(isinstance(v, str) for v in branches.values())):
            errors["branches"] = ("ivr.err.branches", {})
        if errors:
            raise IvrInputError(errors)
        with database.atomic():
            if row is None:
                row = IvrNode(flow=flow)
            old_key = row.key
            row.key, row.kind = data.key, data.kind
            row.set_params(params)
            row.set_branches(branches)
            row.save()
            if old_key and old_key != data.key:
                self._rename_targets(flow, old_key, data.key)
            flow.updated = utcnow()
            flow.save()
            self._keep_valid(flow)
        return row

    def set_override(self, flow: IvrFlow, node_id: int, value: str) -> IvrNode:
        """Flip a time condition's day/night switch: auto (by the hours), day (open) or night (closed)."""
        row = self.node(flow, node_id)
        if row.kind != "time" or value not in OVERRIDES:
            raise IvrInputError({"override": ("ivr.err.override", {})})
        params = row.params_dict
        params["override"] = value
        row.set_params(params)
        row.save()
        return row

    def delete_node(self, flow: IvrFlow, node_id: int) -> IvrNode:
        row = self.node(flow, node_id)
        with database.atomic():
            row.delete_instance()
            self._keep_valid(flow)
        return row

    def tree(self, flow: IvrFlow) -> tuple[list[TreeRow], list[IvrNode]]:
        """The nodes as a tree from the entry (a node seen before is shown once more, marked), and the
        nodes no path reaches."""
        by_key = {n.key: n for n in self.nodes(flow)}
        rows: list[TreeRow] = []
        seen: set[str] = set()

        def walk(key: str, depth: int, outcome: str) -> None:
            node = by_key.get(key)
            again = key in seen
            rows.append(TreeRow(depth, outcome, key, node, again))
            if node is None or again or depth > 32:
                return
            seen.add(key)
            for branch, target in node.branches_dict.items():
                if target:
                    walk(target, depth + 1, branch)

        walk(flow.entry, 0, "")
        return rows, [n for k, n in by_key.items() if k not in seen]

    # --- helpers ----------------------------------------------------------------------------------

    def _keep_valid(self, flow: IvrFlow) -> None:
        if not flow.active:
            return
        problems = self.problems(flow)
        if problems:  # raising inside the transaction rolls the edit back
            raise validate.FlowInvalid(flow.number, problems)

    @staticmethod
    def _rename_targets(flow: IvrFlow, old: str, new: str) -> None:
        for node in IvrNode.select().where(IvrNode.flow == flow):
            branches = node.branches_dict
            if old in branches.values():
                node.set_branches({k: (new if v == old else v) for k, v in branches.items()})
                node.save()
        if flow.entry == old:
            flow.entry = new

    @staticmethod
    def _number_taken(number: str, row: IvrFlow | None) -> bool:
        return numbering.owner(number, ignore=("ivr", row.id if row is not None else None)) is not None


def _json_object(text: str) -> dict[str, Any] | None:
    try:
        value = json.loads(text.strip() or "{}")
    except ValueError:
        return None
    return value if isinstance(value, dict) else None

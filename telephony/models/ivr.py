"""IVR tables: flows callers dial, their nodes (a tree kept as keys and JSON branches), key trails.

A flow is reached by its dialable `number` once `active`; it starts at the node whose key is
`entry`. A node's `params` (JSON object) say what it does and `branches` (JSON object: outcome ->
node key) where the caller goes next; telephony.ivr.validate documents both per kind. A flow is
only activated after telephony.ivr.validate finds nothing wrong with it.

Created by migration 0005 (telephony.models.schema_0005 is its frozen copy): a change here needs a
new migration.
"""

from __future__ import annotations

import json
from typing import Any

import peewee

from telephony.models.base import BaseModel, utcnow

NODE_KINDS = ("play", "menu", "collect", "time", "http", "set", "goto")
GOTO_TARGETS = ("queue", "extension", "ivr", "voicemail", "hangup")


class IvrFlow(BaseModel):
    """An IVR callers reach by dialing `number` (never an extension's, port's or queue's)."""

    number = peewee.CharField(unique=True, max_length=32)
    name = peewee.CharField(max_length=64)
    language = peewee.CharField(max_length=8, default="zh-CN")
    entry = peewee.CharField(max_length=32, default="start")
    active = peewee.BooleanField(default=False)
    created = peewee.DateTimeField(default=utcnow)
    updated = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "ivr_flow"


class IvrNode(BaseModel):
    """One step of a flow: `kind` with its `params`, and `branches` to the next nodes by outcome."""

    flow = peewee.ForeignKeyField(IvrFlow, backref="nodes", on_delete="CASCADE")
    key = peewee.CharField(max_length=32)
    kind = peewee.CharField(max_length=16)
    params = peewee.TextField(default="{}")
    branches = peewee.TextField(default="{}")

    class Meta:
        table_name = "ivr_node"
        indexes = ((("flow", "key"), True),)

    @property
    def params_dict(self) -> dict[str, Any]:
        return _object(self.params)

    @property
    def branches_dict(self) -> dict[str, str]:
        return {str(k): str(v) for k, v in _object(self.branches).items()}

    def set_params(self, value: dict[str, Any]) -> None:
        self.params = json.dumps(value, ensure_ascii=False, sort_keys=True)

    def set_branches(self, value: dict[str, str]) -> None:
        self.branches = json.dumps(value, ensure_ascii=False, sort_keys=True)


class IvrTrail(BaseModel):
    """The keys a caller pressed in an IVR, node by node (the seeds' "key trail"), one row per call."""

    call_id = peewee.CharField(max_length=64, index=True)
    flow = peewee.CharField(max_length=32)
    caller = peewee.CharField(max_length=64)
    trail = peewee.TextField()  # JSON list of {"flow", "node", "kind", "digits"}
    outcome = peewee.CharField(max_length=64)
    at = peewee.DateTimeField(default=utcnow, index=True)

    class Meta:
        table_name = "ivr_trail"

    @property
    def steps(self) -> list[dict[str, Any]]:
        try:
            value = json.loads(self.trail)
        except ValueError:
            return []
        return value if isinstance(value, list) else []


def _object(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


IVR_MODELS: list[type[BaseModel]] = [IvrFlow, IvrNode, IvrTrail]

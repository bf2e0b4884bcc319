"""The wallboard: each queue's figures in numbers big enough for a TV across the room, live.

The page polls /wallboard.json every 2 s (one snapshot from pbx-core per poll; no stream held).
A queue's card turns red while its longest waiting caller has waited beyond its service-level
target. Service level today (answered within the queue's target / answered + abandoned, from
telephony.callcenter.reports over the stored event log since local midnight) is recomputed at
most every SL_EVERY seconds, whoever polls. Supervisor or admin role.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from typing import Any

import bottle

from telephony.callcenter import reports
from telephony.models import Queue, utcnow
from webadmin import auth, context, i18n
from webadmin.routes import live_common as common
from webadmin.services import acd

log = logging.getLogger(__name__)

FIGURES = ("waiting", "longest_wait", "serving", "idle", "ringing", "wrap_up", "paused", "logged_out")
SL_EVERY = 30.0
_SL_LOCK = threading.Lock()


def register(app: bottle.Bottle) -> None:
    app.route("/wallboard", "GET", page)
    app.route("/wallboard.json", "GET", figures)


def _figures() -> dict[str, Any]:
    live = acd.AcdLive(context.state().control)
    now = dt.datetime.now().astimezone().strftime("%H:%M:%S")
    snap = live.try_snapshot()
    if snap is None:
        return {"ok": False, "time": now, "queues": [], "totals": {}}
    view = acd.board(snap, None, context.language())
    targets = {q.number: q.service_level for q in Queue.select(Queue.number, Queue.service_level)}
    levels = service_levels(bottle.request.app.config)
    queues = []
    for q in view["queues"]:
        target = float(targets.get(q["queue"]) or 0)
        queues.append(
            {
                "queue": q["queue"],
                "name": q["name"] or q["queue"],
                **{k: q[k] for k in FIGURES},
                "longest_wait": round(q["longest_wait"]),
                "alert": bool(target and q["waiting"] and q["longest_wait"] > target),
                "service_level": levels.get(q["queue"]),
            }
        )
    totals = dict(view["totals"])
    totals["longest_wait"] = round(totals["longest_wait"])
    return {"ok": True, "time": now, "queues": queues, "totals": totals}


def service_levels(config: dict[str, Any]) -> dict[str, int | None]:
    """Return each queue's service level today in whole percent (None: no call answered or lost yet)."""
    with _SL_LOCK:
        cached = config.get("pbx.wallboard_sl")
        if cached is not None and time.monotonic() - cached[0] < SL_EVERY:
            return cached[1]
        now = utcnow()
        local_now = dt.datetime.now().astimezone()
        midnight = local_now.replace(hour=0, minute=0, second=0, microsecond=0)
        start = midnight.astimezone(dt.UTC).replace(tzinfo=None)
        levels: dict[str, int | None] = {}
        try:
            window = reports.ReportFilter(start=start, end=now + dt.timedelta(seconds=1))
            rows, _total = reports.queue_rows(window, reports.load_visits(window, now), [])
            levels = {
                r.queue: None if r.service_level is None else round(100 * r.service_level) for r in rows
            }
        except Exception:  # the wallboard shows its live figures even if the report fails
            log.exception("service level for the wallboard failed")
        config["pbx.wallboard_sl"] = (time.monotonic(), levels)
        return levels


@auth.require("supervisor")
def page() -> str:
    data = _figures()
    language = context.language()
    return bottle.template(
        "wallboard/board",
        template_lookup=context.TEMPLATE_LOOKUP,
        t=context.t,
        lang=language,
        languages=[(code, i18n.LANGUAGE_NAMES[code]) for code in i18n.LANGUAGES],
        csrf_token=context.csrf_token(),
        csrf_field=auth.CSRF_FIELD,
        data=data,
        clock=clock,
        here=bottle.request.path,
    )


@auth.require("supervisor")
def figures() -> str:
    data = _figures()
    return common.json_reply(data, 200 if data["ok"] else 503)


def clock(seconds: float) -> str:
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"

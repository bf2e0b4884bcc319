"""Queue and agent reports: a filter (local dates, queue, agent), the tables, two charts, CSV files.

Supervisors and administrators see them. Every figure comes from telephony.callcenter.reports
(the stored ACD event log, survey scores and CDR); the page explains the formulas it shows.
"""

from __future__ import annotations

import datetime as dt
import urllib.parse

import bottle

from webadmin import auth, context
from webadmin.services import charts
from webadmin.services import reports as service

QUERY_FIELDS = ("from", "to", "queue", "agent")


def register(app: bottle.Bottle) -> None:
    app.route("/reports", "GET", show)
    app.route("/reports/<name>.csv", "GET", export)


def _form() -> service.FilterForm:
    query = {name: bottle.request.query.getunicode(name, default="") or "" for name in QUERY_FIELDS}
    return service.parse_filter(query, dt.date.today())


@auth.require("supervisor")
def show() -> str:
    form = _form()
    queues, agents = service.choices()
    values = {
        "form": form,
        "queue_choices": queues,
        "agent_choices": agents,
        "errors": {k: context.t(v) for k, v in form.errors.items()},
        "report": None,
        "csv_query": urllib.parse.urlencode(form.values),
    }
    if form.filter is None:
        bottle.response.status = 422
        return context.render("reports/index", title=context.t("reports.title"), area="reports", **values)
    report = service.build(form.filter)
    labels = service.pause_labels(context.language(), context.t)
    hourly_title = context.t("reports.chart.hour_title", hour="{hour}", count="{count}")
    rate_titles = (
        context.t("reports.chart.sl_title", label="{label}", value="{value}"),
        context.t("reports.chart.abandon_title", label="{label}", value="{value}"),
    )
    rates = [(_queue_label(q.queue, q.name), q.service_level, q.abandon_rate) for q in report.queues]
    values.update(
        report=report,
        tables={name: service.table(report, name, labels) for name in service.TABLES},
        hourly_chart=charts.hourly_chart(report.hourly_total(), hourly_title),
        rate_chart=charts.rate_chart(rates, rate_titles),
        show=service.show,
        column_label=lambda key: service.column_label(key, context.t),
    )
    return context.render("reports/index", title=context.t("reports.title"), area="reports", **values)


@auth.require("supervisor")
def export(name: str) -> bytes:
    if name not in service.TABLES:
        raise bottle.HTTPError(404)
    form = _form()
    if form.filter is None:
        raise bottle.HTTPError(400)
    report = service.build(form.filter)
    data = service.csv_export(report, name, context.t, service.pause_labels(context.language(), context.t))
    filename = service.csv_filename(name, form)
    context.audit("report.export", target=name, detail=filename)
    bottle.response.content_type = "text/csv; charset=utf-8"
    bottle.response.set_header("Content-Disposition", f'attachment; filename="{filename}"')
    return data


def _queue_label(number: str, name: str) -> str:
    return f"{number} {name}".strip()

"""Call recordings: search, play in the browser (HTTP ranges), download, delete; rules and retention.

Supervisors may search and listen; downloading, deleting and the rules and retention page are for
admins. Routes hold no SQL: telephony.recording.admin searches, validates and saves. Every change
is audited; refusals change nothing and are not.
"""

from __future__ import annotations

import urllib.parse

import bottle

from telephony.errors import ControlError
from telephony.models.recording import DIRECTIONS, MODES, RULE_KINDS, Recording
from telephony.prompts import LANGUAGES
from telephony.recording import admin
from telephony.recording.errors import InvalidRecordingInput, RecordingNotFound
from webadmin import auth, catalog_recordings, context, i18n
from webadmin.services import recordings as service
from webadmin.services.paging import parse_page

# The catalog joins the UI catalog with the routes that use it (i18n.py lists the older areas).
i18n.CATALOG.update(catalog_recordings.CATALOG)

SEARCH_FIELDS = ("start", "end", "extension", "number", "queue", "agent", "min_duration", "max_duration")
SETTING_FIELDS = (
    "recording_retention_days",
    "recording_quota_mb",
    "recording_reserve_mb",
    "recording_announce_language",
    "recording_on_demand_mode",
)


def register(app: bottle.Bottle) -> None:
    app.route("/recordings", "GET", list_recordings)
    app.route("/recordings/<recording_id:int>.wav", "GET", audio)
    app.route("/recordings/<recording_id:int>/delete", "GET", confirm_delete)
    app.route("/recordings/<recording_id:int>/delete", "POST", delete)
    app.route("/recordings/rules", "GET", rules_page)
    app.route("/recordings/rules", "POST", create_rule)
    app.route("/recordings/rules/<rule_id:int>/delete", "POST", delete_rule)
    app.route("/recordings/settings", "POST", save_settings)
    app.route("/recordings/retention", "POST", run_retention)


def _errors(exc: InvalidRecordingInput) -> dict[str, str]:
    return {field: context.t(key) for field, key in exc.errors.items()}


def _row(recording_id: int) -> Recording:
    try:
        return admin.recording(recording_id)
    except RecordingNotFound:
        raise bottle.HTTPError(404) from None


# --- search and playback -------------------------------------------------------------------------


@auth.require("supervisor")
def list_recordings() -> str:
    values = {name: bottle.request.query.getunicode(name, default="") or "" for name in SEARCH_FIELDS}
    errors: dict[str, str] = {}
    try:
        page = service.search_page(admin.SearchInput(**values), parse_page(bottle.request.query.get("page")))
    except InvalidRecordingInput as exc:
        bottle.response.status = 422
        errors, page = _errors(exc), None
    query = urllib.parse.urlencode({k: v for k, v in values.items() if v})
    return context.render(
        "recordings/list",
        title=context.t("recording.title"),
        area="recordings",
        page=page,
        values=values,
        errors=errors,
        query=query,
        disk=service.disk_status(context.state().control),
        is_admin=auth.has_role(auth.current_user(), "admin"),
        length=_length,
    )


@auth.require("supervisor")
def audio(recording_id: int) -> bottle.HTTPResponse:
    row = _row(recording_id)
    wants_file = bool(bottle.request.query.get("download"))
    if wants_file and not auth.has_role(auth.current_user(), "admin"):
        raise bottle.HTTPError(403)
    root = context.state().config.media_dir
    download = f"recording-{row.id}-{row.caller}-{row.callee}.wav" if wants_file else False
    # static_file answers Range requests (206 Partial Content), which <audio> uses to seek.
    return bottle.static_file(row.path, root=str(root), mimetype="audio/wav", download=download)


@auth.require("admin")
def confirm_delete(recording_id: int) -> str:
    row = _row(recording_id)
    return context.render(
        "callcenter/delete",
        title=context.t("recording.delete_title", id=str(row.id)),
        area="recordings",
        what=f"{row.caller} → {row.callee} · {context.local_time(row.started)} · {_length(row.duration)}",
        text=context.t("recording.delete_text"),
        action=f"/recordings/{row.id}/delete",
        back="/recordings",
        confirm=context.t("recording.delete_confirm"),
        error="",
    )


@auth.require("admin")
def delete(recording_id: int) -> str:
    _row(recording_id)
    try:
        row = admin.delete(context.state().config.media_dir, recording_id)
    except InvalidRecordingInput as exc:
        bottle.response.status = 409
        row = _row(recording_id)
        return context.render(
            "callcenter/delete",
            title=context.t("recording.delete_title", id=str(row.id)),
            area="recordings",
            what=f"{row.caller} → {row.callee} · {context.local_time(row.started)}",
            text=context.t("recording.delete_text"),
            action=f"/recordings/{row.id}/delete",
            back="/recordings",
            confirm=context.t("recording.delete_confirm"),
            error=next(iter(_errors(exc).values())),
        )
    detail = (
        f"caller={row.caller!r} callee={row.callee!r} started={row.started.isoformat(timespec='seconds')}"
        f" seconds={row.duration:.1f} file={row.path}"
    )
    context.audit("recording.delete", target=str(row.id), detail=detail)
    context.flash("success", "recording.deleted", id=str(row.id))
    context.redirect("/recordings")


# --- rules and retention -------------------------------------------------------------------------


@auth.require("admin")
def rules_page() -> str:
    return _rules_page(
        {"kind": "all", "value": "", "mode": "mixed", "announce": False}, {}, admin.settings(), {}
    )


def _rules_page(rule: dict, rule_errors: dict, settings: dict, setting_errors: dict) -> str:
    return context.render(
        "recordings/rules",
        title=context.t("recording.rules_title"),
        area="recordings",
        rules=admin.rules(),
        rule=rule,
        rule_errors=rule_errors,
        settings=settings,
        setting_errors=setting_errors,
        kinds=RULE_KINDS,
        modes=MODES,
        directions=DIRECTIONS,
        prompt_languages=LANGUAGES,
        disk=service.disk_status(context.state().control),
    )


@auth.require("admin")
def create_rule() -> str:
    values = {
        "kind": context.form("kind"),
        "value": context.form("value").strip(),
        "mode": context.form("mode", "mixed"),
        "announce": context.form("announce") == "1",
        "enabled": True,
    }
    try:
        row = admin.save_rule(admin.RuleInput(**values))
    except InvalidRecordingInput as exc:
        bottle.response.status = 422
        return _rules_page(values, _errors(exc), admin.settings(), {})
    detail = f"kind={row.kind} value={row.value!r} mode={row.mode} announce={int(row.announce)}"
    context.audit("recording.rule_create", target=str(row.id), detail=detail)
    context.flash("success", "recording.rule_created")
    context.redirect("/recordings/rules")


@auth.require("admin")
def delete_rule(rule_id: int) -> str:
    try:
        row = admin.delete_rule(rule_id)
    except RecordingNotFound:
        raise bottle.HTTPError(404) from None
    context.audit("recording.rule_delete", target=str(rule_id), detail=f"kind={row.kind} value={row.value!r}")
    context.flash("success", "recording.rule_deleted")
    context.redirect("/recordings/rules")


@auth.require("admin")
def save_settings() -> str:
    values = {name: context.form(name).strip() for name in SETTING_FIELDS}
    try:
        saved = admin.save_settings(values)
    except InvalidRecordingInput as exc:
        bottle.response.status = 422
        return _rules_page(
            {"kind": "all", "value": "", "mode": "mixed", "announce": False}, {}, values, _errors(exc)
        )
    context.audit(
        "recording.settings", target="recording", detail=" ".join(f"{k}={v!r}" for k, v in saved.items())
    )
    context.flash("success", "recording.settings_saved")
    context.redirect("/recordings/rules")


@auth.require("admin")
def run_retention() -> str:
    try:
        result = service.run_retention(context.state().control)
    except ControlError as exc:
        context.flash("error", "recording.retention_failed", reason=str(exc))
        context.redirect("/recordings/rules")
    by_age, by_quota = str(result.get("by_age", 0)), str(result.get("by_quota", 0))
    context.audit("recording.retention", target="recording", detail=f"by_age={by_age} by_quota={by_quota}")
    context.flash("success", "recording.retention_done", by_age=by_age, by_quota=by_quota)
    context.redirect("/recordings/rules")


def _length(seconds: float) -> str:
    whole = max(1, round(seconds)) if seconds > 0 else 0
    return f"{whole // 60}:{whole % 60:02d}"

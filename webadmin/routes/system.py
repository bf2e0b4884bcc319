"""System: process states and crash counts from supervisord, health, backup/restore, factory reset.

Admins only. The work is done by firmware/ (supervisor, watchdog, backup, factoryreset); these
routes read forms, call it, audit what changed and show refusals in the user's language.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import tempfile
import xmlrpc.client
from pathlib import Path

import bottle

from firmware import backup as backup_service
from firmware import supervisor as supervisor_service
from firmware.apply import apply_config
from firmware.watchdog import read_status
from telephony.errors import ControlError
from webadmin import auth, context

log = logging.getLogger(__name__)

RESTORE_MAX_BODY = 1024 * 1024 * 1024  # a backup with recordings; it is spooled to the data partition
# Stopped around a factory reset so nothing holds the database being erased; webadmin is this process.
STOPPED_FOR_RESET = ("pbx-watchdog", "pbx-core", "kamailio")


def register(app: bottle.Bottle) -> None:
    app.route("/system", "GET", system_page)
    app.route("/system/backup", "POST", download_backup)
    app.route("/system/restore", "POST", restore, **{"pbx.max_body": RESTORE_MAX_BODY})
    app.route("/system/factory-reset", "POST", factory_reset)


def _processes() -> tuple[list, str]:
    try:
        return supervisor_service.process_reports(context.state().config), ""
    except (OSError, xmlrpc.client.Error) as exc:
        return [], str(exc) or type(exc).__name__


@auth.require("admin")
def system_page() -> str:
    return _page()


def _page(error: str = "") -> str:
    processes, supervisor_error = _processes()
    return context.render(
        "system/index",
        title=context.t("system.title"),
        area="system",
        processes=processes,
        supervisor_error=supervisor_error,
        watchdog=read_status(context.state().config),
        error=error,
    )


@auth.require("admin")
def download_backup() -> bottle.HTTPResponse:
    cfg = context.state().config
    media = context.form("media") == "1"
    cfg.run_dir.mkdir(parents=True, exist_ok=True)
    spool = tempfile.TemporaryFile(dir=cfg.run_dir)  # noqa: SIM115 - the response closes it
    manifest = backup_service.create_backup(cfg, spool, include_media=media)
    size = spool.tell()
    spool.seek(0)
    context.audit("system.backup", target="backup", detail=f"media={int(media)} bytes={size}")
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    response = bottle.HTTPResponse(spool)
    response.content_type = "application/gzip"
    response.set_header("Content-Length", str(size))
    name = f"pbx-backup-{cfg.board}-{stamp}-schema{manifest['schema_version']}.tar.gz"
    response.set_header("Content-Disposition", f'attachment; filename="{name}"')
    return response


def _refused(reason: str) -> str:
    bottle.response.status = 422
    return _page(context.t("system.restore_refused", reason=reason))


@auth.require("admin")
def restore() -> str:
    state = context.state()
    cfg, username = state.config, auth.current_user().username
    upload = bottle.request.files.get("file")
    if upload is None or not upload.raw_filename:
        bottle.response.status = 422
        return _page(context.t("system.restore_no_file"))
    spool = Path(tempfile.mkdtemp(prefix=".upload-", dir=cfg.data_dir))
    try:
        archive = spool / "backup.tar.gz"
        with archive.open("wb") as out:
            shutil.copyfileobj(upload.file, out, 1 << 20)
        try:
            result = backup_service.restore_backup(cfg, archive)
        except backup_service.BackupError as exc:
            reason = context.t(f"system.backup_error.{exc.key}", **exc.params)
            log.warning("restore refused: %s", exc)
            context.audit("system.restore_refused", target=upload.raw_filename[:128], detail=exc.key)
            return _refused(reason)
    finally:
        shutil.rmtree(spool, ignore_errors=True)
    kamailio_cfg = cfg.run_dir / "kamailio.cfg"
    before = kamailio_cfg.read_bytes() if kamailio_cfg.exists() else b""
    applied = apply_config(cfg, strict=False)
    for error in applied.errors:
        log.error("after restore: %s", error)
    if kamailio_cfg.exists() and kamailio_cfg.read_bytes() != before:
        # the restored realm or edge limits are in kamailio's config, read only at its start
        _supervisor_call("stopProcess", "kamailio")
        _supervisor_call("startProcess", "kamailio")
    if state.control is not None:
        try:
            state.control.reload("all")
        except ControlError as exc:
            log.warning("restored, but pbx-core did not reload: %s", exc)
    state.admin_known = False  # the restored database has its own accounts
    created = str(result.manifest.get("created", ""))
    detail = f"file={upload.raw_filename[:128]!r} created={created} schema={result.schema_version}"
    context.audit(
        "system.restore",
        target="backup",
        detail=detail + f" media={int(result.media_restored)}",
        username=username,
    )
    context.flash("success", "system.restored", created=created)
    context.redirect("/login")


def _supervisor_call(method: str, name: str) -> None:
    try:
        getattr(supervisor_service.rpc(context.state().config).supervisor, method)(name)
    except xmlrpc.client.Fault as exc:
        log.info("supervisord %s %s: %s", method, name, exc.faultString)
    except OSError as exc:  # no supervisord (a test's in-process app): nothing to stop or start
        log.info("supervisord %s %s: %s", method, name, exc)


@auth.require("admin")
def factory_reset() -> str:
    from firmware.factoryreset import factory_reset as wipe

    state = context.state()
    user = auth.current_user()
    if context.form("confirm") != "1":
        bottle.response.status = 422
        return _page(context.t("system.reset_not_confirmed"))
    if not auth.verify_password(user.password_hash, context.form("password")):
        context.audit("system.factory_reset_refused", target="factory-reset", detail="wrong password")
        bottle.response.status = 422
        return _page(context.t("system.reset_bad_password"))
    username = user.username
    log.warning("factory reset requested by %s from %s", username, context.remote_addr())
    for name in STOPPED_FOR_RESET:
        _supervisor_call("stopProcess", name)
    wipe(state.config)
    auth.use_session_key(state.db, state.config)  # sign with the new session.key the reset made
    apply_config(state.config, strict=False)
    for name in reversed(STOPPED_FOR_RESET):
        _supervisor_call("startProcess", name)
    state.admin_known = False
    # the first entry of the new database's audit log
    context.audit(
        "system.factory_reset", target="factory-reset", detail="from the web admin", username=username
    )
    context.delete_cookie(auth.SESSION_COOKIE)
    context.flash("success", "system.reset_done")
    context.redirect("/setup")

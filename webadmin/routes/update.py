"""Firmware update: upload a signed RAUC bundle, watch it install to the other slot, restart into it.

The upload is checked at once (`rauc info --keyring` and the board, firmware.update): a refusal
is shown with its reason in the user's language and nothing is written. An accepted bundle is
installed by RAUC in a thread (firmware.update.UpdateJob) while the page polls its progress;
when it is in, the box is asked to restart (a request file a root systemd path unit acts on).
The new slot is marked good by pbx-mark-good.service after the health checks pass. Admins only;
uploads, refusals and installs are audited.
"""

from __future__ import annotations

import json
import logging
import secrets
from pathlib import Path

import bottle

from firmware import update
from firmware.errors import UpdateError
from telephony.models import snapshots
from webadmin import auth, context
from webadmin.plugins import DatabasePlugin
from webadmin.services import audit as audit_service

log = logging.getLogger(__name__)

MAX_BUNDLE = 2 * 1024**3  # a root filesystem image, compressed: far below this
JOB_KEY = "pbx.update"


def register(app: bottle.Bottle) -> None:
    cfg = app.config["pbx.state"].config
    if JOB_KEY not in app.config:
        rauc = update.Rauc(compatible=cfg.board)
        app.config[JOB_KEY] = update.UpdateJob(rauc, reboot=lambda: request_reboot(cfg.run_dir))
    app.route("/update", "GET", page)
    app.route("/update/status.json", "GET", status_json)
    app.route("/update", "POST", upload, **{"pbx.max_body": MAX_BUNDLE})


def request_reboot(run_dir: Path) -> None:
    """Ask for a restart: pbx-reboot.path (root) reboots when this file appears."""
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / "reboot-request").write_text("update installed\n")


def _job() -> update.UpdateJob:
    return bottle.request.app.config[JOB_KEY]


def _upload_dir() -> Path:
    # On the data partition: /tmp is a small RAM disk and a bundle is a whole root filesystem.
    return context.state().config.data_dir / "update"


def _state_text(state: update.JobState) -> str:
    if state.phase in ("refused", "failed"):
        reason = context.t(f"update.reason.{state.reason or 'failed'}")
        return context.t(f"update.phase.{state.phase}", reason=reason)
    if state.phase == "rebooting":
        return context.t("update.phase.rebooting", version=state.version)
    if state.phase in ("checking", "installing"):
        return context.t(f"update.phase.{state.phase}")
    return ""


def _slots() -> tuple[list[dict], str]:
    """RAUC's view of the slots, or why it cannot be had (no RAUC service in a dev checkout)."""
    try:
        status = update.status(_job()._rauc)
    except (UpdateError, OSError, ValueError) as exc:
        return [], str(exc)
    rows = []
    for item in status.get("slots", []):
        for name, slot in item.items():
            if slot.get("class") != "rootfs":
                continue
            bundle = (slot.get("slot_status") or {}).get("bundle") or {}
            rows.append(
                {
                    "name": name,
                    "bootname": slot.get("bootname", ""),
                    "state": slot.get("state", ""),
                    "boot_status": slot.get("boot_status", ""),
                    "version": bundle.get("version", ""),
                    "booted": slot.get("bootname") == status.get("booted"),
                    "primary": name == status.get("boot_primary"),
                }
            )
    return rows, ""


def rolled_back(slots: list[dict]) -> dict | None:
    """The slot the box left behind: not running, marked bad by the boot chooser, holding a version.

    A new system that never passed its health checks used up its boots and the chooser went back
    to the other slot; RAUC's custom backend then reports that slot's boot status as bad.
    """
    booted = next((s for s in slots if s["booted"]), None)
    for slot in slots:
        if booted is not None and not slot["booted"] and slot["boot_status"] == "bad" and slot["version"]:
            return {"slot": slot["bootname"], "version": slot["version"], "running": booted["bootname"],
                    "running_version": booted["version"] or "—"}  # fmt: skip
    return None


def _render(error: str = "") -> str:
    state = _job().snapshot()
    slots, rauc_problem = _slots()
    return context.render(
        "update/page",
        title=context.t("update.title"),
        area="update",
        job=state,
        job_text=_state_text(state),
        busy=_job().busy(),
        slots=slots,
        rauc_problem=rauc_problem,
        failed_update=rolled_back(slots),
        restore=snapshots.last_restore(context.state().config.db_path.parent),
        error=error,
    )


@auth.require("admin")
def page() -> str:
    return _render()


@auth.require("admin")
def status_json() -> str:
    state = _job().snapshot()
    bottle.response.content_type = "application/json"
    return json.dumps(
        {
            "phase": state.phase,
            "percent": state.percent,
            "step": state.step,
            "text": _state_text(state),
            "detail": state.detail,
            "busy": _job().busy(),
        }
    )


def _refuse(status: int, key: str) -> str:
    bottle.response.status = status
    return _render(context.t(key) if key else "")


@auth.require("admin")
def upload() -> str:
    job = _job()
    if job.busy():
        return _refuse(409, "update.busy")
    upload = bottle.request.files.get("file")
    if upload is None or not upload.raw_filename:
        return _refuse(422, "update.no_file")
    folder = _upload_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"upload-{secrets.token_hex(8)}.raucb"
    upload.save(str(path))
    name = upload.raw_filename[:128]
    size = path.stat().st_size
    try:
        info = job.check(path)
    except update.UpdateRefused as exc:
        path.unlink(missing_ok=True)
        context.audit("update.refused", target=name, detail=f"reason={exc.reason} size={size} {exc.detail}")
        return _refuse(422, "")
    user = auth.current_user()
    username = user.username if user is not None else ""
    remote = context.remote_addr()
    db = context.state().db
    context.audit("update.install", target=name, detail=f"version={info.version} size={size}")

    def done(state: update.JobState) -> None:
        with DatabasePlugin.connection(db):
            if state.phase == "rebooting":
                audit_service.record(
                    "update.installed", username=username, target=name, detail=f"version={state.version}",
                    remote_addr=remote,
                )  # fmt: skip
            else:
                audit_service.record(
                    f"update.{state.phase}", username=username, target=name,
                    detail=f"reason={state.reason} {state.detail}", remote_addr=remote,
                )  # fmt: skip

    job.start(path, cleanup=lambda: path.unlink(missing_ok=True), on_done=done)
    context.redirect("/update")

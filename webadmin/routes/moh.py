"""Music on hold: list the classes (with a player), upload a file into a class, delete a class.

telephony.media.moh converts and stores; pbx-core is then asked to reload so a replaced class is
reopened. Uploads and deletes are audited; refusals change nothing and are not.
"""

from __future__ import annotations

import datetime as dt

import bottle

from telephony.media.errors import BadClassName, MediaError, MohClassNotFound
from telephony.media.moh import DEFAULT_CLASS, MAX_BYTES, MohClass, MohLibrary
from webadmin import auth, context
from webadmin.services import moh as moh_service

# The form around the file (boundary, CSRF token, name) is small; this leaves the file its limit.
UPLOAD_MAX_BODY = MAX_BYTES + 256 * 1024


def register(app: bottle.Bottle) -> None:
    app.route("/moh", "GET", list_classes)
    app.route("/moh", "POST", upload, **{"pbx.max_body": UPLOAD_MAX_BODY})
    app.route("/moh/<name:re:[a-z0-9_-]+>.wav", "GET", audio)
    app.route("/moh/<name>/delete", "GET", confirm_delete)
    app.route("/moh/<name>/delete", "POST", delete)


def _library() -> MohLibrary:
    return moh_service.library(context.state().control)


def _get(library: MohLibrary, name: str) -> MohClass:
    try:
        moh_class = library.get(name)
    except (BadClassName, MohClassNotFound):
        raise bottle.HTTPError(404) from None
    if moh_class.builtin:
        raise bottle.HTTPError(404)  # nothing uploaded to delete or play
    return moh_class


@auth.require("admin")
def list_classes() -> str:
    name = bottle.request.query.getunicode("name", default="") or ""
    return _page({"name": name.strip()[:32]}, {})


@auth.require("admin")
def upload() -> str:
    library = _library()
    name = context.form("name").strip()
    values = {"name": name}
    upload = bottle.request.files.get("file")
    if upload is None or not upload.raw_filename:
        bottle.response.status = 422
        return _page(values, {"file": context.t("moh.no_file")})
    replaced = any(c.name == name and not c.builtin for c in library.classes())
    try:
        got = library.upload(name, upload.file, upload.raw_filename)
    except MediaError as exc:
        bottle.response.status = 422
        return _page(values, {exc.field: exc.render(context.language())})
    detail = (
        f"file={upload.raw_filename[:128]!r} seconds={got.seconds:.1f} bytes={got.size}"
        f" replaced={'yes' if replaced else 'no'}"
    )
    context.audit("moh.upload", target=name, detail=detail)
    context.flash("success", "moh.uploaded", name=name, length=_length(got.seconds))
    if library.control is None or library.reload_failed:
        context.flash("warning", "core.unreachable")
    context.redirect("/moh")


@auth.require("admin")
def audio(name: str) -> bottle.HTTPResponse:
    library = _library()
    moh_class = _get(library, name)
    # static_file answers Range requests (206), which the <audio> element uses to seek.
    return bottle.static_file(moh_class.file, root=str(library.dir), mimetype="audio/wav")


@auth.require("admin")
def confirm_delete(name: str) -> str:
    return _delete_page(_get(_library(), name), "")


@auth.require("admin")
def delete(name: str) -> str:
    library = _library()
    moh_class = _get(library, name)
    try:
        library.delete(name)
    except MediaError as exc:
        # Default class or queues play it: nothing was deleted (not audited, nothing changed).
        bottle.response.status = 409
        return _delete_page(moh_class, exc.render(context.language()))
    context.audit("moh.delete", target=name, detail=f"seconds={moh_class.seconds:.1f} bytes={moh_class.size}")
    context.flash("success", "moh.deleted", name=name)
    if library.control is None or library.reload_failed:
        context.flash("warning", "core.unreachable")
    context.redirect("/moh")


def _delete_page(moh_class: MohClass, error: str) -> str:
    return context.render(
        "callcenter/delete",
        title=context.t("moh.delete_title", name=moh_class.name),
        area="moh",
        what=f"{moh_class.name} · {_length(moh_class.seconds)}",
        text=context.t("moh.delete_text"),
        action=f"/moh/{moh_class.name}/delete",
        back="/moh",
        confirm=context.t("moh.delete_confirm"),
        error=error,
    )


def _page(values: dict[str, str], errors: dict[str, str]) -> str:
    library = moh_service.library()
    rows = [(c, [q.number for q in library.users(c.name)]) for c in library.classes()]
    return context.render(
        "moh/list",
        title=context.t("moh.title"),
        area="moh",
        rows=rows,
        values=values,
        errors=errors,
        default_class=DEFAULT_CLASS,
        formats=library.readable(),
        max_mib=library.max_bytes // (1024 * 1024),
        max_minutes=f"{library.max_seconds / 60:g}",
        length=_length,
        size=_size,
        modified=_modified,
    )


def _length(seconds: float) -> str:
    whole = max(1, round(seconds)) if seconds > 0 else 0  # a short jingle is not "0:00"
    return f"{whole // 60}:{whole % 60:02d}"


def _size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MiB"
    return f"{max(1, round(size / 1024))} KiB"


def _modified(moh_class: MohClass) -> str:
    if moh_class.builtin:
        return ""
    return context.local_time(dt.datetime.fromtimestamp(moh_class.modified, dt.UTC).replace(tzinfo=None))

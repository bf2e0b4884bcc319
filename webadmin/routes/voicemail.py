"""Voicemail: mailboxes (PIN, email, limits, no-answer/busy forwarding), their messages with a
player and download, message delete, and the SMTP server used for email notification.

Routes hold no SQL: telephony.voicemail.admin validates and saves. pbx-core reads mailboxes per
call, so nothing is reloaded. Every change is audited; refusals change nothing and are not.
"""

from __future__ import annotations

import bottle

from telephony.media.errors import MediaError
from telephony.media.moh import MAX_BYTES
from telephony.models.voicemail import GREETING_KINDS, Mailbox
from telephony.voicemail.admin import InvalidMailbox, MailboxInput, MailboxNotFound, VoicemailAdmin
from webadmin import auth, context

NUMBER = "<number:re:[0-9*#+]{1,32}>"
FLAGS = ("on_no_answer", "on_busy", "attach_audio", "enabled")
KIND = "<kind:re:(unavailable|busy|temporary)>"
UPLOAD_MAX_BODY = MAX_BYTES + 256 * 1024  # the file's limit plus the small form around it
SMTP_FIELDS = ("smtp_host", "smtp_port", "smtp_user", "smtp_password", "smtp_from")


def register(app: bottle.Bottle) -> None:
    app.route("/voicemail", "GET", list_mailboxes)
    app.route("/voicemail/new", "GET", new_form)
    app.route("/voicemail/new", "POST", create)
    app.route("/voicemail/smtp", "POST", save_smtp)
    app.route("/voicemail/retention", "POST", save_retention)
    app.route(f"/voicemail/{NUMBER}/edit", "GET", edit_form)
    app.route(f"/voicemail/{NUMBER}/edit", "POST", update)
    app.route(f"/voicemail/{NUMBER}", "GET", list_messages)
    app.route(f"/voicemail/{NUMBER}/delete", "GET", confirm_delete_mailbox)
    app.route(f"/voicemail/{NUMBER}/delete", "POST", delete_mailbox)
    app.route(f"/voicemail/{NUMBER}/greeting", "POST", upload_greeting, **{"pbx.max_body": UPLOAD_MAX_BODY})
    app.route(f"/voicemail/{NUMBER}/greeting/{KIND}.wav", "GET", greeting_audio)
    app.route(f"/voicemail/{NUMBER}/greeting/{KIND}/delete", "POST", delete_greeting)
    app.route(f"/voicemail/{NUMBER}/<message_id:int>.wav", "GET", audio)
    app.route(f"/voicemail/{NUMBER}/<message_id:int>/delete", "GET", confirm_delete)
    app.route(f"/voicemail/{NUMBER}/<message_id:int>/delete", "POST", delete)


def _admin() -> VoicemailAdmin:
    return VoicemailAdmin(context.state().config.media_dir)


def _mailbox(admin: VoicemailAdmin, number: str) -> Mailbox:
    try:
        return admin.mailbox(number)
    except MailboxNotFound:
        raise bottle.HTTPError(404) from None


def _errors(exc: InvalidMailbox) -> dict[str, str]:
    return {field: context.t(key) for field, key in exc.errors.items()}


# --- mailboxes ---------------------------------------------------------------------------------


@auth.require("admin")
def list_mailboxes() -> str:
    return _list_page(_admin().smtp(), {})


@auth.require("admin")
def new_form() -> str:
    values = {"number": "", "pin": "", "email": "", "max_message_seconds": "120", "max_messages": "50"}
    return _form_page(None, {**values, **{f: True for f in FLAGS}}, {})


@auth.require("admin")
def create() -> str:
    return _save(None)


@auth.require("admin")
def edit_form(number: str) -> str:
    row = _mailbox(_admin(), number)
    values = {
        "number": row.number,
        "pin": "",
        "email": row.email,
        "max_message_seconds": str(row.max_message_seconds),
        "max_messages": str(row.max_messages),
        **{f: getattr(row, f) for f in FLAGS},
    }
    return _form_page(row, values, {})


@auth.require("admin")
def update(number: str) -> str:
    return _save(number)


def _save(number: str | None) -> str:
    admin = _admin()
    row = _mailbox(admin, number) if number is not None else None
    values: dict = {
        name: context.form(name).strip()
        for name in ("number", "pin", "email", "max_message_seconds", "max_messages")
    }
    values.update({f: context.form(f) == "1" for f in FLAGS})
    if row is not None:
        values["number"] = row.number
    data = MailboxInput(**values)
    try:
        saved = admin.save(data, number)
    except InvalidMailbox as exc:
        bottle.response.status = 422
        values["pin"] = ""
        return _form_page(row, values, _errors(exc))
    detail = (
        f"email={saved.email!r} max_seconds={saved.max_message_seconds} max_messages={saved.max_messages}"
        f" no_answer={int(saved.on_no_answer)} busy={int(saved.on_busy)} enabled={int(saved.enabled)}"
        f" pin={'changed' if data.pin else 'kept'}"
    )
    context.audit(
        "voicemail.create" if row is None else "voicemail.update", target=saved.number, detail=detail
    )
    context.flash("success", "voicemail.created" if row is None else "voicemail.saved", number=saved.number)
    context.redirect("/voicemail")


@auth.require("admin")
def save_smtp() -> str:
    values = {name: context.form(name).strip() for name in SMTP_FIELDS}
    values["smtp_starttls"] = "1" if context.form("smtp_starttls") == "1" else "0"
    try:
        VoicemailAdmin.save_smtp(values)
    except InvalidMailbox as exc:
        bottle.response.status = 422
        values["smtp_password"] = ""
        return _list_page(values, _errors(exc))
    detail = (
        f"host={values['smtp_host']!r} port={values['smtp_port'] or '25'} starttls={values['smtp_starttls']}"
    )
    detail += f" user={values['smtp_user']!r} password={'changed' if values['smtp_password'] else 'kept'}"
    context.audit("voicemail.smtp", target="smtp", detail=detail)
    context.flash("success", "voicemail.smtp_saved")
    context.redirect("/voicemail")


@auth.require("admin")
def save_retention() -> str:
    from telephony.voicemail import retention

    values = {key: context.form(key).strip() for key, *_ in retention.SETTINGS}
    try:
        saved = retention.save_limits(values)
    except retention.LimitsInvalid as exc:
        bottle.response.status = 422
        return _list_page(_admin().smtp(), {}, values, exc.render(context.language()))
    detail = (
        f"keep_new_days={saved.keep_new_days} keep_saved_days={saved.keep_saved_days}"
        f" quota_mb={saved.quota_mb} reserve_mb={saved.reserve_mb}"
    )
    context.audit("voicemail.retention", target="retention", detail=detail)
    context.flash("success", "voicemail.retention_saved")
    context.redirect("/voicemail")


@auth.require("admin")
def confirm_delete_mailbox(number: str) -> str:
    admin = _admin()
    row = _mailbox(admin, number)
    return context.render(
        "callcenter/delete",
        title=context.t("voicemail.delete_mailbox_title", number=row.number),
        area="voicemail",
        what=f"{row.number} · {row.email or '—'}",
        text=context.t("voicemail.delete_mailbox_text", count=str(len(admin.messages(number)))),
        action=f"/voicemail/{row.number}/delete",
        back="/voicemail",
        confirm=context.t("voicemail.delete_mailbox_confirm"),
        error="",
    )


@auth.require("admin")
def delete_mailbox(number: str) -> str:
    admin = _admin()
    _mailbox(admin, number)
    gone = admin.delete(number)
    context.audit("voicemail.delete", target=number, detail=f"messages={gone}")
    context.flash("success", "voicemail.deleted", number=number)
    context.redirect("/voicemail")


# --- greetings ---------------------------------------------------------------------------------


@auth.require("admin")
def upload_greeting(number: str) -> str:
    admin = _admin()
    row = _mailbox(admin, number)
    kind = context.form("kind")
    upload = bottle.request.files.get("file")
    if kind not in GREETING_KINDS or upload is None or not upload.raw_filename:
        bottle.response.status = 422
        return _messages_page(admin, row, context.t("voicemail.greeting_no_file"))
    try:
        seconds = admin.upload_greeting(number, kind, upload.file, upload.raw_filename)
    except MediaError as exc:
        bottle.response.status = 422
        return _messages_page(admin, row, exc.render(context.language()))
    detail = f"kind={kind} file={upload.raw_filename[:128]!r} seconds={seconds:.1f}"
    context.audit("voicemail.greeting_upload", target=number, detail=detail)
    context.flash("success", "voicemail.greeting_saved", number=number)
    context.redirect(f"/voicemail/{number}")


@auth.require("admin")
def greeting_audio(number: str, kind: str) -> bottle.HTTPResponse:
    admin = _admin()
    try:
        path = admin.greeting_path(number, kind)
    except MailboxNotFound:
        raise bottle.HTTPError(404) from None
    return bottle.static_file(
        str(path.relative_to(admin.media_dir)), root=str(admin.media_dir), mimetype="audio/wav"
    )


@auth.require("admin")
def delete_greeting(number: str, kind: str) -> str:
    admin = _admin()
    try:
        admin.delete_greeting(number, kind)
    except MailboxNotFound:
        raise bottle.HTTPError(404) from None
    context.audit("voicemail.greeting_delete", target=number, detail=f"kind={kind}")
    context.flash("success", "voicemail.greeting_deleted", number=number)
    context.redirect(f"/voicemail/{number}")


# --- messages ----------------------------------------------------------------------------------


@auth.require("admin")
def list_messages(number: str) -> str:
    admin = _admin()
    return _messages_page(admin, _mailbox(admin, number), "")


def _messages_page(admin: VoicemailAdmin, row: Mailbox, greeting_error: str) -> str:
    return context.render(
        "voicemail/messages",
        title=context.t("voicemail.messages_title", number=row.number),
        area="voicemail",
        mailbox=row,
        rows=admin.messages(row.number),
        local_time=context.local_time,
        length=_length,
        kinds=GREETING_KINDS,
        greeting_error=greeting_error,
    )


@auth.require("admin")
def audio(number: str, message_id: int) -> bottle.HTTPResponse:
    admin = _admin()
    try:
        message = admin.message(number, message_id)
    except MailboxNotFound:
        raise bottle.HTTPError(404) from None
    download = f"voicemail-{number}-{message.id}.wav" if bottle.request.query.get("download") else False
    # static_file answers Range requests (206), which the <audio> element uses to seek.
    return bottle.static_file(
        message.path, root=str(admin.media_dir), mimetype="audio/wav", download=download
    )


@auth.require("admin")
def confirm_delete(number: str, message_id: int) -> str:
    admin = _admin()
    try:
        message = admin.message(number, message_id)
    except MailboxNotFound:
        raise bottle.HTTPError(404) from None
    return context.render(
        "callcenter/delete",
        title=context.t("voicemail.delete_title", number=number),
        area="voicemail",
        what=f"{message.caller or '?'} · {context.local_time(message.received_at)} · {_length(message.duration)}",
        text=context.t("voicemail.delete_text"),
        action=f"/voicemail/{number}/{message.id}/delete",
        back=f"/voicemail/{number}",
        confirm=context.t("voicemail.delete_confirm"),
        error="",
    )


@auth.require("admin")
def delete(number: str, message_id: int) -> str:
    admin = _admin()
    try:
        message = admin.delete_message(number, message_id)
    except MailboxNotFound:
        raise bottle.HTTPError(404) from None
    detail = (
        f"message={message.id} caller={message.caller!r} seconds={message.duration:.1f} file={message.path}"
    )
    context.audit("voicemail.message_delete", target=number, detail=detail)
    context.flash("success", "voicemail.message_deleted", number=number)
    context.redirect(f"/voicemail/{number}")


# --- pages -------------------------------------------------------------------------------------


def _list_page(
    smtp: dict[str, str],
    errors: dict[str, str],
    keep: dict[str, str] | None = None,
    keep_errors: dict[str, str] | None = None,
) -> str:
    from telephony.voicemail import retention

    media_dir = context.state().config.media_dir
    status = retention.Retention(media_dir).status()
    if keep is None:
        keep = {key: str(status[key.removeprefix("voicemail_")]) for key, *_ in retention.SETTINGS}
    return context.render(
        "voicemail/list",
        title=context.t("voicemail.title"),
        area="voicemail",
        rows=_admin().mailboxes(),
        smtp=smtp,
        errors=errors,
        keep=keep,
        keep_errors=keep_errors or {},
        keep_fields=[key for key, *_ in retention.SETTINGS],
        disk=status,
    )


def _form_page(row: Mailbox | None, values: dict, errors: dict[str, str]) -> str:
    title = (
        context.t("voicemail.new_title")
        if row is None
        else context.t("voicemail.edit_title", number=row.number)
    )
    return context.render(
        "voicemail/edit",
        title=title,
        area="voicemail",
        row=row,
        values=values,
        errors=errors,
        action="/voicemail/new" if row is None else f"/voicemail/{row.number}/edit",
        flags=FLAGS,
    )


def _length(seconds: float) -> str:
    whole = max(1, round(seconds)) if seconds > 0 else 0
    return f"{whole // 60}:{whole % 60:02d}"

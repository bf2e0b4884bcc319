"""IVR flows: list, create, edit settings, a tree of nodes (add, edit, delete), validate, activate.

pbx-core reads flows per call, so saving needs no reload. Validation problems name their node
(telephony.ivr.validate); an invalid flow is never activated and an active flow refuses an edit
that would break it.
"""

from __future__ import annotations

import bottle

from telephony.errors import NotFound
from telephony.ivr.prompts import PromptLibrary
from telephony.ivr.service import FlowInput, IvrInputError, IvrService, NodeInput
from telephony.ivr.validate import FlowInvalid
from telephony.media.errors import BadClassName, MediaError
from telephony.media.moh import MAX_BYTES
from telephony.models import IvrFlow, IvrNode
from telephony.models.ivr import NODE_KINDS
from telephony.prompts import LANGUAGES
from webadmin import auth, context

FLOW_FIELDS = ("number", "name", "language", "entry")
NODE_FIELDS = ("key", "kind", "params", "branches")
# The form around the file (boundary, CSRF token, name) is small; this leaves the file its limit.
UPLOAD_MAX_BODY = MAX_BYTES + 256 * 1024
SET_LANGUAGE = "<language:re:(zh-CN|en)>"


def register(app: bottle.Bottle) -> None:
    app.route("/ivr", "GET", list_flows)
    app.route("/ivr", "POST", create_flow)
    app.route("/ivr/new", "GET", new_flow)
    app.route("/ivr/<flow_id:int>", "GET", show_flow)
    app.route("/ivr/<flow_id:int>/edit", "GET", edit_flow)
    app.route("/ivr/<flow_id:int>/edit", "POST", update_flow)
    app.route("/ivr/<flow_id:int>/activate", "POST", activate)
    app.route("/ivr/<flow_id:int>/deactivate", "POST", deactivate)
    app.route("/ivr/<flow_id:int>/delete", "GET", confirm_delete_flow)
    app.route("/ivr/<flow_id:int>/delete", "POST", delete_flow)
    app.route("/ivr/<flow_id:int>/nodes/new", "GET", new_node)
    app.route("/ivr/<flow_id:int>/nodes", "POST", create_node)
    app.route("/ivr/<flow_id:int>/nodes/<node_id:int>/edit", "GET", edit_node)
    app.route("/ivr/<flow_id:int>/nodes/<node_id:int>/edit", "POST", update_node)
    app.route("/ivr/<flow_id:int>/nodes/<node_id:int>/delete", "POST", delete_node)
    app.route("/ivr/<flow_id:int>/nodes/<node_id:int>/override", "POST", set_override)
    app.route("/ivr/prompts", "GET", list_prompts)
    app.route("/ivr/prompts", "POST", upload_prompt, **{"pbx.max_body": UPLOAD_MAX_BODY})
    app.route("/ivr/prompts/<name:re:[a-z0-9_-]+>.wav", "GET", prompt_audio)
    app.route("/ivr/prompts/<name>/delete", "POST", delete_prompt)
    app.route("/ivr/prompts/sets", "POST", upload_set_word, **{"pbx.max_body": UPLOAD_MAX_BODY})
    app.route(f"/ivr/prompts/sets/{SET_LANGUAGE}/<word:re:[a-z0-9_-]+>.wav", "GET", set_word_audio)
    app.route(f"/ivr/prompts/sets/{SET_LANGUAGE}/<word:re:[a-z0-9_-]+>/delete", "POST", delete_set_word)


def _service() -> IvrService:
    return IvrService(context.state().config.media_dir)


def _flow(service: IvrService, flow_id: int) -> IvrFlow:
    try:
        return service.flow(flow_id)
    except NotFound:
        raise bottle.HTTPError(404) from None


def _node(service: IvrService, flow: IvrFlow, node_id: int) -> IvrNode:
    try:
        return service.node(flow, node_id)
    except NotFound:
        raise bottle.HTTPError(404) from None


def _errors(exc: IvrInputError) -> dict[str, str]:
    return {field: context.t(key, **args) for field, (key, args) in exc.errors.items()}


# --- flows -------------------------------------------------------------------------------------------


@auth.require("admin")
def list_flows() -> str:
    return context.render("ivr/list", title=context.t("ivr.title"), area="ivr", rows=_service().flows())


@auth.require("admin")
def new_flow() -> str:
    return _flow_form(None, {"number": "", "name": "", "language": "zh-CN", "entry": "start"}, {})


@auth.require("admin")
def create_flow() -> str:
    return _save_flow(None)


@auth.require("admin")
def edit_flow(flow_id: int) -> str:
    row = _flow(_service(), flow_id)
    return _flow_form(row, {name: getattr(row, name) for name in FLOW_FIELDS}, {})


@auth.require("admin")
def update_flow(flow_id: int) -> str:
    return _save_flow(flow_id)


def _save_flow(flow_id: int | None) -> str:
    service = _service()
    row = _flow(service, flow_id) if flow_id is not None else None
    values = {name: context.form(name).strip() for name in FLOW_FIELDS}
    try:
        saved = service.save_flow(FlowInput(**values), flow_id)
    except IvrInputError as exc:
        bottle.response.status = 422
        return _flow_form(row, values, _errors(exc))
    except FlowInvalid as exc:
        bottle.response.status = 422
        return _flow_form(row, values, {}, exc.problems)
    context.audit("ivr.create" if row is None else "ivr.update", target=saved.number)
    context.flash("success", "ivr.saved", number=saved.number)
    context.redirect(f"/ivr/{saved.id}")


def _flow_form(row: IvrFlow | None, values: dict, errors: dict[str, str], problems: list[str] = ()) -> str:
    title = context.t("ivr.edit_title", number=row.number) if row else context.t("ivr.new_title")
    return context.render(
        "ivr/edit",
        title=title,
        area="ivr",
        action=f"/ivr/{row.id}/edit" if row else "/ivr",
        back=f"/ivr/{row.id}" if row else "/ivr",
        values=values,
        errors=errors,
        problems=list(problems),
        flow_languages=LANGUAGES,
    )


@auth.require("admin")
def show_flow(flow_id: int) -> str:
    service = _service()
    row = _flow(service, flow_id)
    return _flow_page(service, row)


def _flow_page(service: IvrService, row: IvrFlow, problems: list[str] | None = None) -> str:
    tree, unreachable = service.tree(row)
    return context.render(
        "ivr/flow",
        title=context.t("ivr.flow_title", number=row.number, name=row.name),
        area="ivr",
        flow=row,
        tree=tree,
        unreachable=unreachable,
        problems=service.problems(row) if problems is None else problems,
    )


@auth.require("admin")
def activate(flow_id: int) -> str:
    service = _service()
    row = _flow(service, flow_id)
    try:
        service.activate(flow_id)
    except FlowInvalid as exc:
        bottle.response.status = 422
        context.audit("ivr.activate_refused", target=row.number, detail=f"{len(exc.problems)} problems")
        return _flow_page(service, row, exc.problems)
    context.audit("ivr.activate", target=row.number)
    context.flash("success", "ivr.activated", number=row.number)
    context.redirect(f"/ivr/{flow_id}")


@auth.require("admin")
def deactivate(flow_id: int) -> str:
    row = _service().deactivate(_flow(_service(), flow_id).id)
    context.audit("ivr.deactivate", target=row.number)
    context.flash("success", "ivr.deactivated", number=row.number)
    context.redirect(f"/ivr/{flow_id}")


@auth.require("admin")
def confirm_delete_flow(flow_id: int) -> str:
    row = _flow(_service(), flow_id)
    return context.render(
        "callcenter/delete",
        title=context.t("ivr.delete_title", number=row.number),
        area="ivr",
        what=f"{row.number} · {row.name}",
        text=context.t("ivr.delete_text"),
        action=f"/ivr/{row.id}/delete",
        back=f"/ivr/{row.id}",
        confirm=context.t("ivr.delete_confirm"),
        error="",
    )


@auth.require("admin")
def delete_flow(flow_id: int) -> str:
    service = _service()
    row = service.delete_flow(_flow(service, flow_id).id)
    context.audit("ivr.delete", target=row.number)
    context.flash("success", "ivr.deleted", number=row.number)
    context.redirect("/ivr")


# --- nodes -------------------------------------------------------------------------------------------


@auth.require("admin")
def new_node(flow_id: int) -> str:
    row = _flow(_service(), flow_id)
    values = {
        "key": bottle.request.query.getunicode("key") or "",
        "kind": "play",
        "params": "{}",
        "branches": "{}",
    }
    return _node_form(row, None, values, {})


@auth.require("admin")
def create_node(flow_id: int) -> str:
    return _save_node(flow_id, None)


@auth.require("admin")
def edit_node(flow_id: int, node_id: int) -> str:
    service = _service()
    flow = _flow(service, flow_id)
    node = _node(service, flow, node_id)
    values = {"key": node.key, "kind": node.kind, "params": node.params, "branches": node.branches}
    return _node_form(flow, node, values, {})


@auth.require("admin")
def update_node(flow_id: int, node_id: int) -> str:
    return _save_node(flow_id, node_id)


def _save_node(flow_id: int, node_id: int | None) -> str:
    service = _service()
    flow = _flow(service, flow_id)
    node = _node(service, flow, node_id) if node_id is not None else None
    values = {name: context.form(name).strip() for name in NODE_FIELDS}
    try:
        saved = service.save_node(flow, NodeInput(**values), node_id)
    except IvrInputError as exc:
        bottle.response.status = 422
        return _node_form(flow, node, values, _errors(exc))
    except FlowInvalid as exc:
        bottle.response.status = 422
        return _node_form(flow, node, values, {}, exc.problems)
    action = "ivr.node_create" if node is None else "ivr.node_update"
    context.audit(action, target=f"{flow.number}/{saved.key}", detail=saved.kind)
    context.flash("success", "ivr.node_saved", node=saved.key)
    context.redirect(f"/ivr/{flow.id}")


@auth.require("admin")
def delete_node(flow_id: int, node_id: int) -> str:
    service = _service()
    flow = _flow(service, flow_id)
    node = _node(service, flow, node_id)
    try:
        service.delete_node(flow, node_id)
    except FlowInvalid as exc:
        bottle.response.status = 422
        return _flow_page(service, flow, exc.problems)
    context.audit("ivr.node_delete", target=f"{flow.number}/{node.key}")
    context.flash("success", "ivr.node_deleted", node=node.key)
    context.redirect(f"/ivr/{flow.id}")


@auth.require("admin")
def set_override(flow_id: int, node_id: int) -> str:
    """The day/night switch of a time condition: auto, day (always open) or night (always closed)."""
    service = _service()
    flow = _flow(service, flow_id)
    _node(service, flow, node_id)
    value = context.form("override")
    try:
        node = service.set_override(flow, node_id, value)
    except IvrInputError:
        raise bottle.HTTPError(400) from None
    context.audit("ivr.override", target=f"{flow.number}/{node.key}", detail=value)
    context.flash("success", "ivr.override_set", node=node.key, mode=context.t(f"ivr.override.{value}"))
    context.redirect(f"/ivr/{flow.id}")


def _node_form(
    flow: IvrFlow, node: IvrNode | None, values: dict, errors: dict[str, str], problems: list[str] = ()
) -> str:
    title = context.t("ivr.node_edit_title", node=node.key) if node else context.t("ivr.node_new_title")
    return context.render(
        "ivr/node",
        title=title,
        area="ivr",
        flow=flow,
        action=f"/ivr/{flow.id}/nodes/{node.id}/edit" if node else f"/ivr/{flow.id}/nodes",
        delete_action=f"/ivr/{flow.id}/nodes/{node.id}/delete" if node else "",
        values=values,
        errors=errors,
        problems=list(problems),
        kinds=NODE_KINDS,
    )


# --- uploaded prompts --------------------------------------------------------------------------------


def _prompts() -> PromptLibrary:
    return PromptLibrary(context.state().config.media_dir)


@auth.require("admin")
def list_prompts() -> str:
    return _prompts_page({"name": ""}, {})


@auth.require("admin")
def upload_prompt() -> str:
    library = _prompts()
    name = context.form("name").strip()
    upload = bottle.request.files.get("file")
    if upload is None or not upload.raw_filename:
        bottle.response.status = 422
        return _prompts_page({"name": name}, {"file": context.t("moh.no_file")})
    try:
        got = library.upload(name, upload.file, upload.raw_filename)
    except MediaError as exc:
        bottle.response.status = 422
        return _prompts_page({"name": name}, {exc.field: exc.render(context.language())})
    context.audit(
        "ivr.prompt_upload",
        target=name,
        detail=f"file={upload.raw_filename[:128]!r} seconds={got.seconds:.1f}",
    )
    context.flash("success", "ivr.prompt_uploaded", name=name, file=got.file)
    context.redirect("/ivr/prompts")


@auth.require("admin")
def prompt_audio(name: str) -> bottle.HTTPResponse:
    library = _prompts()
    if not library.exists(name):
        raise bottle.HTTPError(404)
    return bottle.static_file(f"{name}.wav", root=str(library.dir), mimetype="audio/wav")


@auth.require("admin")
def delete_prompt(name: str) -> str:
    library = _prompts()
    try:
        library.delete(name)
    except BadClassName:
        raise bottle.HTTPError(404) from None
    except MediaError as exc:
        if isinstance(exc, NotFound):
            raise bottle.HTTPError(404) from None
        bottle.response.status = 409
        return _prompts_page({"name": ""}, {"delete": exc.render(context.language())})
    context.audit("ivr.prompt_delete", target=name)
    context.flash("success", "ivr.prompt_deleted", name=name)
    context.redirect("/ivr/prompts")


# --- recorded number words (telephony.saynumbers prompt sets) ------------------------------------------


def _set_word(language: str, word: str) -> tuple[object, str]:
    from telephony import saynumbers

    if language not in saynumbers.SET_WORDS or word not in saynumbers.SET_WORDS[language]:
        raise bottle.HTTPError(404)
    return saynumbers.set_library(context.state().config.media_dir, language), word


@auth.require("admin")
def upload_set_word() -> str:
    from telephony import saynumbers

    key = context.form("word").strip()  # "<language>/<file stem>"
    language, _, word = key.partition("/")
    values = {"name": "", "set_word": key}
    upload = bottle.request.files.get("file")
    if language not in saynumbers.SET_WORDS or word not in saynumbers.SET_WORDS[language]:
        errors = {"set_word": context.t("ivr.set_err_word", word=key)}
    elif upload is None or not upload.raw_filename:
        errors = {"set_file": context.t("moh.no_file")}
    else:
        try:
            got = saynumbers.set_library(context.state().config.media_dir, language).upload(
                word, upload.file, upload.raw_filename
            )
        except MediaError as exc:
            errors = {"set_file": exc.render(context.language())}
        else:
            context.audit(
                "ivr.prompt_set_upload",
                target=f"{language}/{word}",
                detail=f"file={upload.raw_filename[:128]!r} seconds={got.seconds:.1f}",
            )
            context.flash("success", "ivr.set_uploaded", word=word, set=language)
            context.redirect("/ivr/prompts#prompt-sets")
    bottle.response.status = 422
    return _prompts_page(values, errors)


@auth.require("admin")
def set_word_audio(language: str, word: str) -> bottle.HTTPResponse:
    library, word = _set_word(language, word)
    if not library.exists(word):
        raise bottle.HTTPError(404)
    return bottle.static_file(f"{word}.wav", root=str(library.dir), mimetype="audio/wav")


@auth.require("admin")
def delete_set_word(language: str, word: str) -> str:
    library, word = _set_word(language, word)
    path = library.path(word)
    if not path.is_file():
        raise bottle.HTTPError(404)
    path.unlink()
    context.audit("ivr.prompt_set_delete", target=f"{language}/{word}")
    context.flash("success", "ivr.set_deleted", word=word, set=language)
    context.redirect("/ivr/prompts#prompt-sets")


def _prompt_sets() -> list[tuple[str, list[tuple[str, str, float | None]]]]:
    """Per language: each word of its set with its recording's seconds (None: not recorded)."""
    from telephony import saynumbers
    from telephony.media.moh import wav_seconds

    media_dir = context.state().config.media_dir
    out = []
    for language in saynumbers.SET_WORDS:
        folder = saynumbers.set_library(media_dir, language).dir
        words = [
            (stem, label, wav_seconds(folder / f"{stem}.wav") if (folder / f"{stem}.wav").is_file() else None)
            for stem, label in saynumbers.set_words(language)
        ]
        out.append((language, words))
    return out


def _prompts_page(values: dict, errors: dict[str, str]) -> str:
    library = _prompts()
    rows = [(p, library.node_users(p.name)) for p in library.classes()]
    return context.render(
        "ivr/prompts",
        title=context.t("ivr.prompts_title"),
        area="ivr",
        rows=rows,
        values=values,
        errors=errors,
        formats=library.readable(),
        sets=_prompt_sets(),
    )

"""The pages of one kind of group (pickup groups, paging groups): list, create, edit and delete.

Both kinds have the same handlers; a GroupPages says which URLs, templates, message keys and audit
actions are theirs, its GroupStore which telephony.park.admin functions, so a fix to one is a fix
to both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

import bottle

from telephony.park.errors import InvalidInput, NoSuchGroup
from webadmin import auth, context


def field_errors(exc: InvalidInput) -> dict[str, str]:
    """The refusals of a form in the reader's language, by field."""
    return {field: context.t(key, **args) for field, (key, args) in exc.errors.items()}


class GroupStore(NamedTuple):
    """Where one kind of group is kept: its functions in telephony.park.admin."""

    rows: Callable[[], list[Any]]
    get: Callable[[int], Any]  # raises NoSuchGroup
    save: Callable[[Any, Any], Any]  # (input, the row edited or None): the row saved; raises InvalidInput
    delete: Callable[[int], Any]  # the row deleted
    make_input: Callable[..., Any]  # the input, from the form's fields by name


@dataclass(frozen=True)
class GroupPages:
    """The pages of one kind of group, every one for the admin role only.

    `keys` names the kind: its pages are under /<keys>, its messages <keys>.title, <keys>.created…,
    its audit actions <keys>.create, <keys>.update, <keys>.delete. `views` starts the names of its
    two templates (<views>list, <views>edit). `fields` are the form's: the one that names a group in
    titles, messages and the audit target first (the argument its messages take), members last.
    """

    keys: str
    area: str
    views: str
    fields: tuple[str, ...]
    store: GroupStore

    @property
    def url(self) -> str:
        return f"/{self.keys}"

    @property
    def label(self) -> str:
        return self.fields[0]

    def register(self, app: bottle.Bottle) -> None:
        app.route(self.url, "GET", self.list_groups)
        app.route(self.url, "POST", self.create)
        app.route(f"{self.url}/new", "GET", self.new_form)
        app.route(f"{self.url}/<group_id:int>/edit", "GET", self.edit_form)
        app.route(f"{self.url}/<group_id:int>/edit", "POST", self.update)
        app.route(f"{self.url}/<group_id:int>/delete", "GET", self.confirm_delete)
        app.route(f"{self.url}/<group_id:int>/delete", "POST", self.delete)

    def _group(self, group_id: int) -> Any:
        try:
            return self.store.get(group_id)
        except NoSuchGroup:
            raise bottle.HTTPError(404) from None

    def _named(self, row: Any) -> dict[str, str]:
        """The message argument that names `row`: name=… or number=…, as its messages say."""
        return {self.label: getattr(row, self.label)}

    def _what(self, row: Any) -> str:
        """The group as its delete page names it: its fields before the members, then a colon and those."""
        return " ".join(str(getattr(row, name)) for name in self.fields[:-1]) + f": {row.members}"

    @auth.require("admin")
    def list_groups(self) -> str:
        return context.render(
            f"{self.views}list", title=context.t(f"{self.keys}.title"), area=self.area, rows=self.store.rows()
        )

    @auth.require("admin")
    def new_form(self) -> str:
        return self._form(None, dict.fromkeys(self.fields, ""), {})

    @auth.require("admin")
    def edit_form(self, group_id: int) -> str:
        row = self._group(group_id)
        return self._form(row, {name: getattr(row, name) for name in self.fields}, {})

    def _form(self, row: Any, values: dict[str, str], errors: dict[str, str]) -> str:
        if row is None:
            title = context.t(f"{self.keys}.new")
        else:
            title = context.t(f"{self.keys}.edit_title", **self._named(row))
        return context.render(
            f"{self.views}edit",
            title=title,
            area=self.area,
            values=values,
            errors=errors,
            action=self.url if row is None else f"{self.url}/{row.id}/edit",
        )

    @auth.require("admin")
    def create(self) -> str:
        return self._save(None)

    @auth.require("admin")
    def update(self, group_id: int) -> str:
        return self._save(self._group(group_id))

    def _save(self, row: Any) -> str:
        values = {name: context.form(name).strip() for name in self.fields}
        try:
            saved = self.store.save(self.store.make_input(**values), row)
        except InvalidInput as exc:
            bottle.response.status = 422
            return self._form(row, values, field_errors(exc))
        action = "create" if row is None else "update"
        context.audit(f"{self.keys}.{action}", target=getattr(saved, self.label), detail=saved.members)
        message = "created" if row is None else "saved"
        context.flash("success", f"{self.keys}.{message}", **self._named(saved))
        context.redirect(self.url)

    @auth.require("admin")
    def confirm_delete(self, group_id: int) -> str:
        row = self._group(group_id)
        return context.render(
            "callcenter/delete",
            title=context.t(f"{self.keys}.delete_title", **self._named(row)),
            area=self.area,
            what=self._what(row),
            text=context.t(f"{self.keys}.delete_text"),
            action=f"{self.url}/{row.id}/delete",
            back=self.url,
            confirm=context.t(f"{self.keys}.delete_confirm"),
            error="",
        )

    @auth.require("admin")
    def delete(self, group_id: int) -> str:
        row = self.store.delete(self._group(group_id).id)
        context.audit(f"{self.keys}.delete", target=getattr(row, self.label), detail=row.members)
        context.flash("success", f"{self.keys}.deleted", **self._named(row))
        context.redirect(self.url)

"""First run: while no administrator exists, every page leads here to create one."""

from __future__ import annotations

import bottle

from webadmin import auth, context
from webadmin.errors import FormError, SetupDone
from webadmin.services import users


def register(app: bottle.Bottle) -> None:
    app.route("/setup", "GET", setup_form)
    app.route("/setup", "POST", setup_submit)


@auth.access(auth.ACCESS_SETUP)
def setup_form() -> str:
    return _page({"username": "admin"}, {})


@auth.access(auth.ACCESS_SETUP)
def setup_submit() -> str:
    username = context.form("username").strip()
    try:
        users.create_first_admin(
            username, context.form("password"), context.form("confirm"), context.language()
        )
    except FormError as exc:
        bottle.response.status = 422
        return _page({"username": username}, exc.errors)
    except SetupDone:
        raise bottle.HTTPError(404) from None
    context.state().admin_known = True
    context.audit("admin.create", target=username, detail="password set", username=username)
    context.flash("success", "setup.done", username=username)
    context.redirect("/login")


def _page(values: dict[str, str], errors: dict[str, str]) -> str:
    return context.render(
        "auth/setup",
        title=context.t("setup.title"),
        values=values,
        errors={field: context.t(key) for field, key in errors.items()},
    )

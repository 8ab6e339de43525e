"""/api/me: who is signed in (with the CSRF token the pages send back), and leaving."""

import bottle

from shuffify.accounts import signin
from shuffify.web.routes.common import (
    api_route,
    clear_session_cookie,
    current_user,
    no_body,
    session_cookie,
)
from shuffify.web.services import Services


def install(app: bottle.Bottle, services: Services) -> None:
    app.get("/api/me", callback=api_route(services, lambda: me(services)))
    app.delete("/api/me", callback=api_route(services, lambda: delete_me(services)))


def me(services: Services) -> dict:
    return {
        "user": current_user().to_dict(),
        "csrf_token": services.keys.csrf_token(session_cookie()),
    }


def delete_me(services: Services) -> dict:
    no_body()
    signin.delete_account(current_user())
    clear_session_cookie(services)
    return {"deleted": True}

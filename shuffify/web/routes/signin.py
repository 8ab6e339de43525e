"""/login, /callback and /logout: the browser's side of signing in with Spotify.

/login?next=/rules comes back to /rules once signed in (any path on this site; anything
else comes back to /): the link a refusal gives to sign in again for a new permission.
"""

import logging
from urllib.parse import urlencode, urlsplit

import bottle

from shuffify.accounts import activity, login_sessions, signin
from shuffify.spotify import SpotifyError
from shuffify.web.routes import pages
from shuffify.web.routes.common import (
    check_csrf,
    clear_session_cookie,
    session_cookie,
    set_session_cookie,
)
from shuffify.web.services import Services

log = logging.getLogger(__name__)
FLOW_COOKIE = "shuffify_login"


def install(app: bottle.Bottle, services: Services) -> None:
    app.get("/login", callback=lambda: login(services))
    app.get("/callback", callback=lambda: callback(services))
    app.post("/logout", callback=lambda: logout(services))


def login(services: Services):
    settings = services.settings
    if not settings.signin_enabled:
        if wants_html():
            return signin_off_page(services)
        bottle.abort(
            503, "sign-in is off: set SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET, then restart"
        )
    next_path = signin.local_path(bottle.request.query.get("next"))
    redirect_host = urlsplit(settings.spotify_redirect_uri).netloc
    if bottle.request.urlparts.netloc != redirect_host:
        # The cookies must be set on the host the callback will arrive at.
        scheme = urlsplit(settings.spotify_redirect_uri).scheme
        again = "" if next_path == "/" else f"?{urlencode({'next': next_path})}"
        bottle.redirect(f"{scheme}://{redirect_host}/login{again}", 302)
    url, flow = signin.start(services.oauth, services.keys, next_path)
    bottle.response.set_cookie(
        FLOW_COOKIE,
        flow,
        path="/callback",
        httponly=True,
        samesite="lax",
        secure=settings.production,
        max_age=signin.FLOW_MAX_AGE_S,
    )
    bottle.redirect(url, 302)


def callback(services: Services):
    if not services.schema_ready():
        bottle.abort(503, "the database schema is not ready yet; retry shortly")
    query = dict(bottle.request.query.decode())
    flow = bottle.request.get_cookie(FLOW_COOKIE, "")
    bottle.response.delete_cookie(FLOW_COOKIE, path="/callback")
    try:
        session_id, next_path = signin.finish(
            query,
            flow,
            services.tokens,
            services.sender,
            services.settings.spotify_api_url,
            services.clock(),
            bottle.request.get_header("User-Agent"),
        )
    except signin.BadState:
        refused = bottle.HTTPError(400, "this sign-in was not started here or has expired")
        refused.delete_cookie(FLOW_COOKIE, path="/callback")
        raise refused from None
    except signin.Denied:
        bottle.redirect("/?signin=denied", 302)
    except SpotifyError as error:
        log.warning("sign-in failed: Spotify answered %s", error.status)
        bottle.abort(502, "Spotify did not complete the sign-in: try again")
    login_sessions.end(session_cookie())  # a sign-in over an old session replaces it
    set_session_cookie(services, session_id)
    bottle.redirect(next_path, 302)


def logout(services: Services):
    session_id = session_cookie()
    session = login_sessions.find(session_id, services.clock())
    if session is not None:
        check_csrf(services, session_id)
        login_sessions.end(session_id)
        activity.record(session.user, "sign-out", f"Signed out on {session.device or 'a browser'}")
    clear_session_cookie(services)
    bottle.redirect("/", 303)


def wants_html() -> bool:
    """A browser navigating (Accept names text/html), not an API client."""
    return "text/html" in bottle.request.get_header("Accept", "")


def signin_off_page(services: Services) -> str:
    """The 503 a browser gets at /login when sign-in is off: what to set, and where it is told."""
    bottle.response.status = 503
    return pages.render(services, "signin_off", None, "Sign-in is off")

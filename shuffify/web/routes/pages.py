"""The pages: landing or dashboard at /, the workshop, schedules, rules, settings, activity,
terms, privacy, /static.

Pages are Bottle SimpleTemplates ({{...}} escapes everything) holding no
inline script or style, so the Content-Security-Policy stays 'self'. They
are shells: the user's data comes from /api by the page's own script, with
the CSRF token from a <meta> tag. Whether someone is signed in is decided
here, from the login session, before anything is rendered, and so are the
user's theme and time zone (attributes on <html> the CSS and scripts read). Static files get
a version query string from their content, and a long cache lifetime when
asked for under the current version.
"""

import hashlib
import re
from pathlib import Path
from urllib.parse import urlsplit

import bottle

from shuffify.accounts import login_sessions, user_settings
from shuffify.models import LoginSession
from shuffify.web.routes.common import checked_playlist_id, session_cookie
from shuffify.web.services import Services

PACKAGE = Path(__file__).resolve().parent.parent
TEMPLATES = PACKAGE / "templates"
STATIC = PACKAGE / "static"
LOOKUP = [str(TEMPLATES)]  # one object: bottle caches compiled templates by its id
VERSIONED_CACHE = "public, max-age=31536000, immutable"
UNVERSIONED_CACHE = "public, max-age=300, must-revalidate"
# Where pictures may come from: what the Content-Security-Policy's img-src allows.
IMAGE_HOST = re.compile(r"(i\.scdn\.co|[a-z0-9.-]+\.scdn\.co|[a-z0-9.-]+\.spotifycdn\.com)")
DENIED = "You declined on Spotify's page, so you are not signed in. Try again whenever you like."
DELETED = "Your Shuffify account and everything it kept about you are deleted."
SCHEMA_NOT_READY = "The database is not ready yet: reload this page in a moment."


def install(app: bottle.Bottle, services: Services) -> None:
    app.get("/", callback=lambda: index(services))
    app.get("/workshop/<playlist_id>", callback=lambda playlist_id: workshop(services, playlist_id))
    app.get("/schedules", callback=lambda: schedules_page(services))
    app.get("/rules", callback=lambda: rules_page(services))
    app.get("/settings", callback=lambda: account_page(services, "settings", "Settings"))
    app.get("/activity", callback=lambda: account_page(services, "activity", "Activity"))
    app.get("/terms", callback=lambda: plain_page(services, "terms", "Terms of use"))
    app.get("/privacy", callback=lambda: plain_page(services, "privacy", "Privacy"))
    app.get("/static/<path:path>", callback=static)


# --- pages -----------------------------------------------------------------------------------


def index(services: Services) -> str:
    session = signed_in(services)
    if session is None:
        notice = None
        if bottle.request.query.get("signin") == "denied":
            notice = DENIED
        elif bottle.request.query.get("deleted") == "1":
            notice = DELETED
        elif not services.schema_ready():
            notice = SCHEMA_NOT_READY
        return render(
            services,
            "landing",
            None,
            "Shuffify: reorder your Spotify playlists",
            signin_enabled=services.settings.signin_enabled,
            notice=notice,
        )
    scripts = ("dashboard.js", "transfer.js")
    return render(services, "dashboard", session, "Your playlists", scripts=scripts)


def account_page(services: Services, name: str, title: str) -> str:
    """/settings (with login sessions and your data) and /activity."""
    session = signed_in(services)
    if session is None:
        bottle.redirect("/", 303)
    return render(services, name, session, title, scripts=(f"{name}.js",))


def workshop(services: Services, playlist_id: str) -> str:
    session = signed_in(services)
    if session is None:
        bottle.redirect("/", 303)
    return render(
        services,
        "workshop",
        session,
        "Workshop",
        scripts=("workshop.js", "versions.js"),
        playlist_id=checked_playlist_id(playlist_id),
    )


def schedules_page(services: Services) -> str:
    session = signed_in(services)
    if session is None:
        bottle.redirect("/", 303)
    return render(services, "schedules", session, "Schedules", scripts=("schedules.js",))


def rules_page(services: Services) -> str:
    session = signed_in(services)
    if session is None:
        bottle.redirect("/", 303)
    return render(services, "rules", session, "Rules", scripts=("rules.js",), styles=("rules.css",))


def plain_page(services: Services, name: str, title: str) -> str:
    session = signed_in(services)
    scripts = ("account.js",) if session is not None and name == "privacy" else ()
    return render(services, name, session, title, scripts=scripts)


def signed_in(services: Services) -> LoginSession | None:
    """The live login session of this browser, or None (also while the schema is not ready)."""
    if not services.schema_ready():
        return None
    return login_sessions.find(session_cookie(), services.clock())


def render(
    services: Services,
    name: str,
    session: LoginSession | None,
    title: str,
    scripts: tuple[str, ...] = (),
    styles: tuple[str, ...] = (),
    **values,
) -> str:
    user = session.user if session is not None else None
    bottle.response.content_type = "text/html; charset=utf-8"
    bottle.response.set_header("Cache-Control", "no-store")  # pages name who is signed in
    return bottle.template(
        f"{name}.tpl",
        template_lookup=LOOKUP,
        title=title,
        page=name,
        demo=services.settings.demo,
        user=user,
        prefs=user_settings.settings_of(user) if user else user_settings.DEFAULTS,
        user_name=(user.display_name or user.spotify_id) if user else None,
        avatar=image_or_none(user.profile_image_url) if user else None,
        csrf_token=services.keys.csrf_token(session_cookie()) if user else None,
        asset=asset_url,
        scripts=("api.js", *scripts) if scripts else (),
        styles=styles,  # a page's own stylesheet, after shuffify.css
        **values,
    )


def image_or_none(url: str | None) -> str | None:
    """url if the Content-Security-Policy lets a page show it, else None (no blocked request)."""
    if not url:
        return None
    if url.startswith("data:image/"):
        return url
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname and IMAGE_HOST.fullmatch(parts.hostname):
        return url
    return None


# --- static files ----------------------------------------------------------------------------

_versions: dict[str, tuple[float, str]] = {}


def asset_version(name: str) -> str:
    """A short hash of the file's content, recomputed when its mtime changes."""
    path = STATIC / name
    mtime = path.stat().st_mtime
    known = _versions.get(name)
    if known is None or known[0] != mtime:
        known = (mtime, hashlib.sha256(path.read_bytes()).hexdigest()[:12])
        _versions[name] = known
    return known[1]


def asset_url(name: str) -> str:
    return f"/static/{name}?v={asset_version(name)}"


def static(path: str):
    response = bottle.static_file(path, root=str(STATIC))
    body = response.body
    if hasattr(body, "read"):  # the files are small: read now, hold no descriptor open
        with body:
            response.body = body.read()
    if response.status_code in (200, 304):
        given = bottle.request.query.get("v")
        try:
            current = asset_version(path)
        except OSError:
            current = None
        cache = VERSIONED_CACHE if given and given == current else UNVERSIONED_CACHE
        response.set_header("Cache-Control", cache)
    return response

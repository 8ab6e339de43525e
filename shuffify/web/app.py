"""The WSGI application: a Bottle app built by create_app(settings).

One database connection per request: peewee opens it on the first query and
the after_request hook, which Bottle runs in a `finally`, returns it to the
pool on every path, errors included. Every error, Bottle's own 404, 405 and
500 among them, answers the same JSON shape instead of Bottle's HTML page,
and every response carries the security headers; every /api answer, errors
included, also `Cache-Control: no-store`.

Only /health is routed when the app is built. The other routes, and the
domain code under them, are imported and installed by the first request
that is not /health (or by warm_up, which app.py calls once the server
listens): a start that answers /health without them is about 80 ms faster.
"""

import json
import logging
import threading
from collections.abc import Callable

import bottle
import peewee as pw

from settings import Settings
from shuffify import database, health
from shuffify.schema import SchemaState
from shuffify.web.services import Services, build_services

log = logging.getLogger(__name__)

SPOTIFY_IMAGE_HOSTS = "https://i.scdn.co https://*.scdn.co https://*.spotifycdn.com"
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        f"default-src 'self'; img-src 'self' data: {SPOTIFY_IMAGE_HOSTS}; "
        "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
HSTS = "max-age=31536000; includeSubDomains"


def create_app(settings: Settings, on_fatal: Callable[[str], None] | None = None) -> bottle.Bottle:
    """Build the database, bring its schema up to date and return the app.

    When the database is unreachable the app still starts: migrations are
    retried in the background and on_fatal hears of a migration that fails
    for good. A migration that fails now raises MigrationFailed.
    """
    db = database.init_database(settings.database_url)
    schema = SchemaState(db, settings)
    if not schema.prepare():
        schema.retry_in_background(on_fatal or log.error)
    services = build_services(settings, schema.ready.is_set)
    if not settings.signin_enabled:
        log.warning("sign-in is off: set SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET to turn it on")
    app = bottle.Bottle()
    app.config["shuffify.schema"] = schema
    app.config["shuffify.services"] = services
    headers = dict(SECURITY_HEADERS)
    if settings.production:
        headers["Strict-Transport-Security"] = HSTS
    app.add_hook("after_request", lambda: _after_request(db, headers))
    # An exception that escapes a route is answered after the hook ran, on a
    # fresh response: the error handler sets the headers again.
    app.default_error_handler = lambda error: _json_error(error, headers)
    app.get("/health", callback=lambda: health.health_report(db, schema.ready.is_set()))
    routes = DeferredRoutes(app, services)
    app.config["shuffify.routes"] = routes
    app.add_hook("before_request", routes.before_request)
    return app


def warm_up(app: bottle.Bottle) -> None:
    """Install every route now, not at the first request that needs one."""
    app.config["shuffify.routes"].install()


class DeferredRoutes:
    """Every route but /health, installed once, by whichever comes first: a
    request for another path, or warm_up."""

    def __init__(self, app: bottle.Bottle, services: Services):
        self.app = app
        self.services = services
        self.installed = False
        self._lock = threading.Lock()

    def before_request(self) -> None:
        if not self.installed and bottle.request.path != "/health":
            self.install()

    def install(self) -> None:
        with self._lock:
            if not self.installed:
                _install_routes(self.app, self.services)
                self.installed = True
                self.app.remove_hook("before_request", self.before_request)  # off /health's path


def _install_routes(app: bottle.Bottle, services: Services) -> None:
    from shuffify.web.routes import (
        account,
        exports,
        me,
        pages,
        pins,
        playlists,
        rules,
        schedules,
        shuffle,
        signin,
        snapshots,
        status,
        tools,
        workshop,
    )
    from shuffify.web.routes.common import row_id_filter

    app.router.add_filter("id", row_id_filter)  # before any route names <...:id>
    for routes in (
        *(signin, me, account, playlists, shuffle, workshop, tools, schedules),
        *(snapshots, exports, rules, status, pins, pages),
    ):
        routes.install(app, services)


def _after_request(db: pw.Database, headers: dict) -> None:
    if not db.is_closed():
        db.close()
    body = bottle.request.environ.get("bottle.request.body")
    if body is not None:
        body.close()  # Bottle spools a body over 100 KiB to a temporary file
    _set_headers(headers)


def _set_headers(headers: dict) -> None:
    for name, value in headers.items():
        bottle.response.set_header(name, value)
    if bottle.request.path == "/api" or bottle.request.path.startswith("/api/"):
        bottle.response.set_header("Cache-Control", "no-store")  # /api/me holds the CSRF token


def _json_error(error: bottle.HTTPError, headers: dict) -> str:
    _set_headers(headers)
    bottle.response.content_type = "application/json"
    details = getattr(error.exception, "details", {})  # a Refused's, see shuffify.errors
    return json.dumps({"error": {"status": error.status_code, "message": error.body, **details}})

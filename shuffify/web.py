"""The WSGI application: a Bottle app built by create_app(settings).

One database connection per request: peewee opens it on the first query and
the after_request hook, which Bottle runs in a `finally`, returns it to the
pool on every path, errors included. Every error, Bottle's own 404, 405 and
500 among them, answers the same JSON shape instead of Bottle's HTML page.
"""

import json
import logging

import bottle
import peewee as pw

from settings import Settings
from shuffify import database, health, schema

log = logging.getLogger(__name__)


def create_app(settings: Settings) -> bottle.Bottle:
    """Build the database, bring its schema up to date and return the app."""
    db = database.init_database(settings.database_url)
    _prepare_schema(db, settings)
    app = bottle.Bottle()
    app.default_error_handler = _json_error
    app.add_hook("after_request", lambda: _release_connection(db))
    app.get("/health", callback=lambda: health.health_report(db))
    return app


def _prepare_schema(db: pw.Database, settings: Settings) -> None:
    try:
        applied = schema.prepare_schema(db, settings)
    except pw.OperationalError as error:
        log.warning(
            "database unreachable at startup, serving degraded: %s", health.first_line(error)
        )
        return
    if applied:
        log.info("applied migrations: %s", ", ".join(applied))


def _release_connection(db: pw.Database) -> None:
    if not db.is_closed():
        db.close()


def _json_error(error: bottle.HTTPError) -> str:
    bottle.response.content_type = "application/json"
    return json.dumps({"error": {"status": error.status_code, "message": error.body}})

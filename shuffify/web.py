"""The WSGI application: a Bottle app built by create_app(settings).

One database connection per request: peewee opens it on the first query and
the after_request hook, which Bottle runs in a `finally`, returns it to the
pool on every path, errors included. Every error, Bottle's own 404, 405 and
500 among them, answers the same JSON shape instead of Bottle's HTML page.
"""

import json
import logging
from collections.abc import Callable

import bottle
import peewee as pw

from settings import Settings
from shuffify import api, database, health
from shuffify.schema import SchemaState

log = logging.getLogger(__name__)


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
    app = bottle.Bottle()
    app.config["shuffify.schema"] = schema
    app.default_error_handler = _json_error
    app.add_hook("after_request", lambda: _release_connection(db))
    app.get("/health", callback=lambda: health.health_report(db, schema.ready.is_set()))
    api.install(app, settings.api_token, schema.ready.is_set)
    return app


def _release_connection(db: pw.Database) -> None:
    if not db.is_closed():
        db.close()


def _json_error(error: bottle.HTTPError) -> str:
    bottle.response.content_type = "application/json"
    return json.dumps({"error": {"status": error.status_code, "message": error.body}})
